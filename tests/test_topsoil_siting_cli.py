"""``landsim topsoil plan`` and ``landsim siting compare/conform`` on a throwaway parser that
mirrors landsim.cli.main: errors are one line on stderr and exit status 2."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from conftest import REPO, SAMPLE_DIR, file_digest
from test_siting import grid_parcels

from landsim.cli.siting import register as register_siting
from landsim.cli.topsoil import register as register_topsoil
from landsim.errors import LandsimError

TOPSOIL_EX = REPO / "data" / "examples" / "topsoil"
SITING_EX = REPO / "data" / "examples" / "siting"


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="landsim")
    sub = parser.add_subparsers(dest="command", required=True)
    register_topsoil(sub)
    register_siting(sub)
    args = parser.parse_args(argv)
    try:
        code = int(args.func(args))
    except (LandsimError, ValueError) as err:
        print(f"landsim: error: {err}", file=__import__("sys").stderr)
        code = 2
    out = capsys.readouterr()
    return code, out.out, out.err


def test_register_adds_both_commands():
    parser = argparse.ArgumentParser(prog="landsim")
    sub = parser.add_subparsers(dest="command", required=True)
    register_topsoil(sub)
    register_siting(sub)
    args = parser.parse_args(["siting", "compare", "--footprints", "f.gpkg", "--out", "o"])
    assert args.method == "topsis" and callable(args.func)
    args = parser.parse_args(["topsoil", "plan", "--sources", "s", "--destinations", "d",
                              "--out", "o"])
    assert args.method == "auto" and args.stockpiles is None


def topsoil_args(out: Path, sources: Path = TOPSOIL_EX / "sources.csv") -> list[str]:
    return ["topsoil", "plan", "--sources", str(sources), "--destinations",
            str(TOPSOIL_EX / "destinations.csv"), "--stockpiles",
            str(TOPSOIL_EX / "stockpiles.csv"), "--out", str(out)]


def test_topsoil_plan_writes_outputs_and_leaves_inputs(tmp_path, capsys):
    before = file_digest(TOPSOIL_EX)
    code, out, err = run(topsoil_args(tmp_path / "plan"), capsys)
    assert code == 0, err
    assert "m3 stripped" in out
    names = sorted(p.name for p in (tmp_path / "plan").iterdir())
    assert names == ["cost_split.csv", "destinations.csv", "flows.csv", "flows.gpkg",
                     "sources.csv", "stockpile_levels.csv", "summary.json"]
    summary = json.loads((tmp_path / "plan" / "summary.json").read_text())
    split = pd.read_csv(tmp_path / "plan" / "cost_split.csv").set_index("component")
    assert split.loc["total", "cost_yuan"] == pytest.approx(summary["objective_yuan"])
    flows = gpd.read_file(tmp_path / "plan" / "flows.gpkg")
    assert flows.crs.to_epsg() == 4546 and len(flows) > 0
    assert file_digest(TOPSOIL_EX) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".landsim_")]


def test_topsoil_negative_volume(tmp_path, capsys):
    src = pd.read_csv(TOPSOIL_EX / "sources.csv", dtype=str, keep_default_na=False)
    src.loc[1, "volume_m3"] = "-500"
    path = tmp_path / "sources.csv"
    src.to_csv(path, index=False)
    code, _, err = run(topsoil_args(tmp_path / "o", path), capsys)
    assert code == 2
    assert err.count("\n") == 1
    assert "column 'volume_m3', line 3 (source_id S02): '-500' is out of range" in err
    assert not (tmp_path / "o").exists()


def test_topsoil_unknown_parcel_ids(tmp_path, capsys):
    src = pd.read_csv(TOPSOIL_EX / "sources.csv", dtype=str, keep_default_na=False)
    src.loc[0, "parcel_id"] = "NOPE1"
    path = tmp_path / "sources.csv"
    src.to_csv(path, index=False)
    argv = topsoil_args(tmp_path / "o", path) + [
        "--parcels", str(SAMPLE_DIR / "parcels.csv")]
    code, _, err = run(argv, capsys)
    assert code == 2
    assert "column 'parcel_id': unknown parcel id(s) NOPE1" in err


def test_topsoil_missing_coordinates_without_distances(tmp_path, capsys):
    src = pd.read_csv(TOPSOIL_EX / "sources.csv", dtype=str, keep_default_na=False)
    path = tmp_path / "sources.csv"
    src.drop(columns=["x_m", "y_m"]).to_csv(path, index=False)
    code, _, err = run(topsoil_args(tmp_path / "o", path), capsys)
    assert code == 2 and "no distance table was given" in err


def test_topsoil_bad_set(tmp_path, capsys):
    code, _, err = run(topsoil_args(tmp_path / "o") + ["--set", "depth_dry_m"], capsys)
    assert code == 2 and "--set: 'depth_dry_m' is not NAME=NUMBER" in err


def test_topsoil_distance_table(tmp_path, capsys):
    (tmp_path / "s.csv").write_text("source_id,area_ha,land_class,year\nS1,1,0103,2025\n")
    (tmp_path / "d.csv").write_text("destination_id,kind,required_m3,year_ready\n"
                                    "D1,improvement,1000,2025\nD2,reclamation,5000,2025\n")
    (tmp_path / "km.csv").write_text("from_id,to_id,distance_km\nS1,D1,2\nS1,D2,5\n")
    code, _, err = run(["topsoil", "plan", "--sources", str(tmp_path / "s.csv"),
                        "--destinations", str(tmp_path / "d.csv"), "--distances",
                        str(tmp_path / "km.csv"), "--out", str(tmp_path / "o")], capsys)
    assert code == 0, err
    flows = pd.read_csv(tmp_path / "o" / "flows.csv")
    # 1 ha x 0.25 m = 2,500 m3: 1,000 to the nearer D1, 1,500 to D2
    assert flows.set_index("to_id")["volume_m3"].to_dict() == pytest.approx(
        {"D1": 1000.0, "D2": 1500.0})
    assert not (tmp_path / "o" / "flows.gpkg").exists()


def write_grid(tmp_path: Path) -> Path:
    path = tmp_path / "parcels.gpkg"
    grid_parcels().to_file(path, layer="parcels", engine="pyogrio")
    return path


def test_siting_compare_outputs(tmp_path, capsys):
    parcels = write_grid(tmp_path)
    fp = tmp_path / "fp.csv"
    fp.write_text("scheme_id,parcel_id\nA,P1\nB,P4\n")
    code, out, err = run(["siting", "compare", "--footprints", str(fp), "--parcels",
                          str(parcels), "--weights", "pbf_ha=2,cultivated_ha=1",
                          "--out", str(tmp_path / "o")], capsys)
    assert code == 0, err
    assert "recommended B" in out
    ranking = pd.read_csv(tmp_path / "o" / "ranking.csv")
    assert ranking.loc[ranking["method"] == "weighted_sum", "scheme_id"].tolist() == ["B", "A"]
    assert {"measures.csv", "sensitivity.csv", "dominance.csv", "pre_exam.csv",
            "summary.json"} <= {p.name for p in (tmp_path / "o").iterdir()}


def test_siting_compare_example_gpkg(tmp_path, capsys):
    code, _, err = run(["siting", "compare", "--footprints", str(SITING_EX / "footprints.gpkg"),
                        "--schemes", str(SITING_EX / "schemes.csv"), "--out",
                        str(tmp_path / "o")], capsys)
    assert code == 0, err
    assert gpd.read_file(tmp_path / "o" / "pieces.gpkg").crs.to_epsg() == 4546


def test_siting_one_scheme(tmp_path, capsys):
    parcels = write_grid(tmp_path)
    fp = tmp_path / "fp.csv"
    fp.write_text("scheme_id,parcel_id\nA,P1\nA,P2\n")
    code, _, err = run(["siting", "compare", "--footprints", str(fp), "--parcels", str(parcels),
                        "--out", str(tmp_path / "o")], capsys)
    assert code == 2 and err.count("\n") == 1
    assert "only 1 scheme (A) given" in err and "偏政办发〔2023〕53号" in err


def test_siting_unknown_parcel_ids(tmp_path, capsys):
    parcels = write_grid(tmp_path)
    fp = tmp_path / "fp.csv"
    fp.write_text("scheme_id,parcel_id\nA,P1\nB,Q7\n")
    code, _, err = run(["siting", "compare", "--footprints", str(fp), "--parcels", str(parcels),
                        "--out", str(tmp_path / "o")], capsys)
    assert code == 2 and "unknown parcel id(s) Q7" in err


def test_siting_footprints_outside_county(tmp_path, capsys):
    parcels = write_grid(tmp_path)
    fp = tmp_path / "fp.gpkg"
    gpd.GeoDataFrame({"scheme_id": ["A", "B"]},
                     geometry=[shapely.box(500_000, 4_000_000, 500_100, 4_000_100),
                               shapely.box(600_000, 4_000_000, 600_100, 4_000_100)],
                     crs="EPSG:4546").to_file(fp, engine="pyogrio")
    code, _, err = run(["siting", "compare", "--footprints", str(fp), "--parcels", str(parcels),
                        "--out", str(tmp_path / "o")], capsys)
    assert code == 2 and "footprint(s) outside the county: B 1.00 ha of 1.00 ha" in err


@pytest.mark.filterwarnings("ignore:'crs' was not provided:UserWarning")
def test_siting_footprints_missing_crs(tmp_path, capsys):
    parcels = write_grid(tmp_path)
    fp = tmp_path / "fp.gpkg"
    gpd.GeoDataFrame({"scheme_id": ["A", "B"]},
                     geometry=[shapely.box(500_000, 4_000_000, 500_100, 4_000_100),
                               shapely.box(500_100, 4_000_000, 500_200, 4_000_100)]
                     ).to_file(fp, engine="pyogrio")
    code, _, err = run(["siting", "compare", "--footprints", str(fp), "--parcels", str(parcels),
                        "--out", str(tmp_path / "o")], capsys)
    assert code == 2 and "no coordinate reference system (CRS)" in err


def test_siting_bad_weights(tmp_path, capsys):
    parcels = write_grid(tmp_path)
    fp = tmp_path / "fp.csv"
    fp.write_text("scheme_id,parcel_id\nA,P1\nB,P4\n")
    code, _, err = run(["siting", "compare", "--footprints", str(fp), "--parcels", str(parcels),
                        "--weights", "pbf_ha=lots", "--out", str(tmp_path / "o")], capsys)
    assert code == 2 and "--weights: 'pbf_ha=lots' is not NAME=NUMBER" in err


def test_siting_conform(tmp_path, capsys):
    code, out, err = run(["siting", "conform", "--projects",
                          str(SITING_EX / "special_plan.gpkg"), "--out", str(tmp_path / "o")],
                         capsys)
    assert code == 0, err
    conflicts = pd.read_csv(tmp_path / "o" / "conflicts.csv")
    assert set(conflicts["line"]) <= {"pbf", "eco_redline", "udb"}
    assert (conflicts["area_ha"] > 0).all() and conflicts["parcel_ids"].str.len().gt(0).all()
    assert "conflict(s)" in out
    assert (tmp_path / "o" / "conflicts.gpkg").exists()
