"""`landsim farmland optimize` and `landsim farmland marxan` through the main entry point."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import pytest
from conftest import REPO

from landsim.cli import main

SUMMARY_KEYS = {"status", "objective", "gap", "solver", "solve_seconds", "target_ha",
                "area_before_ha", "area_after_ha", "added_ha", "removed_ha",
                "mean_grade_before", "mean_grade_after", "patches_before", "patches_after"}


def _run(county_dir: Path, out: Path, *extra: str, parcels: str = "parcels.gpkg") -> int:
    return main(["farmland", "optimize", "--parcels", str(county_dir / parcels), *extra,
                 "--out", str(out)])


def test_optimize_writes_the_design_outputs(county_dir: Path, tmp_path: Path, capsys):
    out = tmp_path / "fo"
    weight = 0.02
    assert _run(county_dir, out, "--boundary-weight", str(weight)) == 0
    captured = capsys.readouterr()
    printed = captured.out
    assert "(a) correction 错划纠正" in printed and "(b) optimisation 优进劣出" in printed
    assert "WHAT-IF" not in printed
    # the default in-process solver reports incumbent and bound on stderr as they improve
    progress = [ln for ln in captured.err.splitlines() if "incumbent" in ln]
    assert progress and all(ln.startswith("landsim: ") for ln in progress)
    layout = pd.read_csv(out / "layout.csv", dtype={"parcel_id": str}, keep_default_na=False)
    # the design 5.2 columns first, then the two stages
    assert list(layout.columns) == ["parcel_id", "is_pbf_before", "is_pbf_after", "change",
                                    "is_pbf_corrected", "correction", "optimisation", "reason"]
    assert set(layout["change"]) <= {"kept", "added", "removed", "none"}
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert SUMMARY_KEYS <= set(summary)
    assert summary["legal"] is True and summary["what_if"] == []
    # the time-quality trace: incumbents never get worse, the last one is the result
    incumbents = [p["incumbent"] for p in summary["trace"] if p["incumbent"] is not None]
    assert len(incumbents) >= 1 and incumbents == sorted(incumbents, reverse=True)
    assert incumbents[-1] == pytest.approx(summary["objective"], rel=1e-6)
    checks = pd.read_csv(out / "checks.csv")
    assert summary["all_passed"] == bool(checks["passed"].all())
    assert ("all passed" in printed) == summary["all_passed"]
    for name in ("correction.csv", "correction_by_township.csv", "adjustment_by_township.csv",
                 "by_township.csv"):
        assert (out / name).exists(), name

    # the objective is the design 5.2 formula evaluated on the returned layout
    parcels = pd.read_csv(county_dir / "parcels.csv", dtype={"parcel_id": str})
    edges = pd.read_csv(county_dir / "edges.csv", dtype=str)
    x = layout.set_index("parcel_id")["is_pbf_after"].astype(bool)
    p = parcels.set_index("parcel_id")
    quality = float((p["area_ha"] * p["quality_grade"].fillna(0) * x.reindex(p.index)).sum())
    xa = x.reindex(edges["parcel_a"]).to_numpy()
    xb = x.reindex(edges["parcel_b"]).to_numpy()
    cut = float((edges["shared_length_m"].astype(float).to_numpy() * (xa != xb)).sum())
    # (edges.csv rounds lengths to cm; the run derived exact ones from the geometry)
    assert summary["objective"] == pytest.approx(quality + weight * cut, rel=1e-7)
    # 105 % holds for the optimisation stage (correction replaces 1:1)
    stage = summary["optimisation"]
    assert stage["added_ha"] >= 1.05 * stage["removed_ha"] - 1e-6
    assert summary["area_after_ha"] >= summary["target_ha"] - 1e-6
    assert summary["mean_grade_after"] <= summary["mean_grade_before"] + 1e-9
    # added/removed of design 5.2 compare after with before, both stages together
    x0 = layout["is_pbf_before"].astype(bool)
    area = p["area_ha"].reindex(layout["parcel_id"]).to_numpy()
    assert summary["added_ha"] == pytest.approx(float(area[x.to_numpy() & ~x0].sum()))
    assert summary["removed_ha"] == pytest.approx(float(area[~x.to_numpy() & x0].sum()))


def test_optimize_is_silent_on_stderr_under_quiet(county_dir: Path, tmp_path: Path, capsys):
    assert _run(county_dir, tmp_path / "fo", "--quiet") == 0
    assert capsys.readouterr().err == ""


def test_layout_gpkg_opens_in_gdal_with_the_crs(county_dir: Path, tmp_path: Path):
    out = tmp_path / "fo"
    assert _run(county_dir, out) == 0
    info = pyogrio.read_info(out / "layout.gpkg", layer="layout")  # GDAL reads it
    assert info["crs"] == "EPSG:4546" and info["features"] == 300
    assert {"is_pbf_after", "change"} <= set(info["fields"])
    ogrinfo = shutil.which("ogrinfo")
    if ogrinfo:  # the GDAL command line, where installed
        text = subprocess.run([ogrinfo, "-so", str(out / "layout.gpkg"), "layout"],
                              capture_output=True, text=True, check=True).stdout
        assert "4546" in text and "Feature Count: 300" in text


def test_csv_parcels_with_an_edges_file(county_dir: Path, tmp_path: Path):
    out = tmp_path / "fo"
    assert _run(county_dir, out, "--edges", str(county_dir / "edges.csv"),
                "--boundary-weight", "0.01", parcels="parcels.csv") == 0
    assert (out / "layout.csv").exists() and not (out / "layout.gpkg").exists()


def test_boundary_weight_without_adjacency_is_an_input_error(county_dir: Path, tmp_path: Path,
                                                             capsys):
    assert _run(county_dir, tmp_path / "o", "--boundary-weight", "0.01",
                parcels="parcels.csv") == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Fix: give --edges FILE" in err


def test_unreachable_target_names_the_rule_in_ha_and_mu(county_dir: Path, tmp_path: Path,
                                                        capsys):
    assert _run(county_dir, tmp_path / "o", "--target-ha", "1e7") == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "10,000,000.0 ha" in err and "mu" in err


def test_marxan_through_main(tmp_path: Path, capsys):
    data = REPO / "tests" / "data" / "marxan" / "comma_prop"
    out = tmp_path / "mx"
    assert main(["farmland", "marxan", str(data), "--out", str(out)]) == 0
    best = pd.read_csv(out / "output_best.csv")
    assert set(best.columns) == {"planning_unit", "solution"}
    assert set(np.unique(best["solution"])) <= {0, 1}
    assert json.loads((out / "summary.json").read_text())["status"].startswith("optimal")


def test_what_if_without_the_township_cap_is_labelled_everywhere(county_dir: Path,
                                                                 tmp_path: Path, capsys):
    out = tmp_path / "fo"
    assert _run(county_dir, out, "--what-if-no-township-cap") == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("WHAT-IF") and "no township cap" in printed[0]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["legal"] is False and summary["optimisation"]["township_cap"] is False
    assert any("no township cap" in label for label in summary["what_if"])
    checks = pd.read_csv(out / "checks.csv")
    failing = checks.loc[~checks["passed"], "rule"].unique().tolist()
    # whatever fails is named in the summary and on the last printed line
    assert [f.split(" (")[0] for f in summary["failed"]] == failing
    assert all(rule in printed[-1] for rule in failing)
    assert ("all passed" in printed[-1]) == (not failing)


def test_the_old_township_share_flag_is_accepted_and_changes_nothing(county_dir: Path,
                                                                    tmp_path: Path):
    assert _run(county_dir, tmp_path / "a") == 0
    assert _run(county_dir, tmp_path / "b", "--township-share-rule") == 0
    a = pd.read_csv(tmp_path / "a" / "layout.csv")
    b = pd.read_csv(tmp_path / "b" / "layout.csv")
    pd.testing.assert_frame_equal(a, b)
    assert json.loads((tmp_path / "b" / "summary.json").read_text())["legal"] is True


def test_a_correction_that_cannot_be_made_is_one_line_and_exit_2(tmp_path: Path, capsys):
    from landsim.synthetic import synthesize, write_county

    # a share far above what the townships can replace (the generator's infeasible case)
    write_county(synthesize(300, seed=11, pbf_ineligible_share=0.9), tmp_path / "county")
    assert _run(tmp_path / "county", tmp_path / "o") == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert re.search(r"correction \S+: .* ha \(.* mu\) of ineligible PBF must be replaced .*"
                     r"\(short by .* ha \(.* mu\)\)", err)
    assert not (tmp_path / "o").exists()


def test_parcels_without_a_reserve_column_still_work(county_dir: Path, parcels_csv,
                                                     tmp_path: Path):
    path = parcels_csv(lambda frame: frame.drop(columns="in_pbf_reserve"))
    assert _run(county_dir, tmp_path / "o", "--edges", str(county_dir / "edges.csv"),
                parcels=path.name) == 0
    summary = json.loads((tmp_path / "o" / "summary.json").read_text(encoding="utf-8"))
    assert summary["correction"]["from_reserve_ha"] == 0.0
