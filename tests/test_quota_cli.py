"""`landsim quota simulate`: outputs with the design 5.3 columns and one-line errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from landsim.cli import main
from landsim.quota.engine import ANNUAL_COLUMNS
from landsim.resources import scenario_file

BASELINE = scenario_file("baseline")


def test_single_run_writes_annual_ledger_indicators(county_dir: Path, tmp_path: Path, capsys):
    out = tmp_path / "q"
    assert main(["quota", "simulate", "--scenario", str(BASELINE), "--county",
                 str(county_dir), "--out", str(out)]) == 0
    annual = pd.read_csv(out / "annual.csv")
    assert list(annual.columns[: len(ANNUAL_COLUMNS)]) == list(ANNUAL_COLUMNS)
    assert annual["year"].tolist() == list(range(2023, 2036))
    parts = annual[["pop_link_quota_ha", "stock_link_quota_ha", "key_project_quota_ha"]]
    pd.testing.assert_series_equal(parts.sum(axis=1), annual["new_construction_land_ha"],
                                   check_names=False, atol=1e-4)
    ledger = pd.read_csv(out / "ledger.csv")
    assert {"year", "township", "quantity", "value", "unit", "rule"} <= set(ledger.columns)
    assert (out / "indicators.csv").exists()
    printed = capsys.readouterr().out
    total = annual["new_construction_land_ha"].sum()
    assert f"new construction land 新增建设用地 {total:,.1f} ha" in printed


def test_ensemble_writes_summary(county_dir: Path, tmp_path: Path, capsys):
    out = tmp_path / "mc"
    assert main(["quota", "simulate", "--scenario", str(BASELINE), "--county", str(county_dir),
                 "--draws", "30", "--seed", "4", "--scheduler", "none", "--demand-ha", "5",
                 "--batch-size", "7", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["annual.parquet", "draws.csv",
                                                     "summary.csv"]
    annual = pd.read_parquet(out / "annual.parquet")
    assert annual["draw"].nunique() == 30 and len(annual) == 30 * 13
    assert annual["draw"].is_monotonic_increasing
    assert list(annual.columns[2:2 + len(ANNUAL_COLUMNS) - 1]) == list(ANNUAL_COLUMNS[1:])
    assert str(annual["year"].dtype) == "int16" and str(annual["draw"].dtype) == "int32"
    assert annual["binding_cap"].dtype == "category"
    assert annual["new_construction_land_ha"].dtype == "float64"
    summary = pd.read_csv(out / "summary.csv")
    assert summary["p_shortfall"].between(0, 1).all()
    assert (summary["demand_ha"] == 5).all()
    assert len(pd.read_csv(out / "draws.csv")) == 30
    assert "30 draws" in capsys.readouterr().out


def test_ensemble_parquet_and_csv_hold_the_same_table(county_dir: Path, tmp_path: Path):
    """--format csv keeps design 5.3's annual.csv; both formats and the in-memory ensemble
    agree, and the summary is the same whichever format is written."""
    from landsim.datasets import read_county
    from landsim.quota.ensemble import run_ensemble
    from landsim.quota.scenario import Scenario, ScenarioInputs

    args = ["quota", "simulate", "--scenario", str(BASELINE), "--county", str(county_dir),
            "--draws", "12", "--seed", "3", "--scheduler", "none", "--batch-size", "5"]
    assert main([*args, "--out", str(tmp_path / "pq")]) == 0
    assert main([*args, "--format", "csv", "--out", str(tmp_path / "csv")]) == 0
    assert not (tmp_path / "csv" / "annual.parquet").exists()
    from_parquet = pd.read_parquet(tmp_path / "pq" / "annual.parquet")
    from_csv = pd.read_csv(tmp_path / "csv" / "annual.csv")
    expected = run_ensemble(Scenario.from_toml(BASELINE),
                            ScenarioInputs.from_county(read_county(county_dir)), 12,
                            seed=3).annual
    pd.testing.assert_frame_equal(from_parquet, expected, check_dtype=False,
                                  check_categorical=False)
    pd.testing.assert_frame_equal(from_csv, expected, check_dtype=False,
                                  check_categorical=False, rtol=1e-12)
    for name in ("summary.csv", "draws.csv"):
        assert (tmp_path / "pq" / name).read_bytes() == (tmp_path / "csv" / name).read_bytes()


def _scenario(tmp_path: Path, text: str) -> str:
    path = tmp_path / "bad.toml"
    path.write_text('name = "bad"\nschema_version = 1\n' + text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("text, message", [
    ("[population]\nsettlement_shares = 0.5\n", "did you mean 'settlement_share'"),
    ("[stock]\nidle_disposal_rate = -0.1\n", "stock.idle_disposal_rate"),
    ("[population]\nnet_migration_rate = -2\n", "rates are fractions"),
    ("start_year = 2031\nend_year = 2030\n", "years out of order"),
    ("end_yr = 2030\n", "did you mean 'end_year'"),
])
def test_bad_scenario_gives_one_line_error(tmp_path: Path, capsys, text, message):
    code = main(["quota", "simulate", "--scenario", _scenario(tmp_path, text),
                 "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and message in err


def test_missing_scenario_file(tmp_path: Path, capsys):
    assert main(["quota", "simulate", "--scenario", str(tmp_path / "x.toml"),
                 "--out", str(tmp_path / "o")]) == 2
    assert "no such file or packaged scenario" in capsys.readouterr().err


def test_out_is_a_file(tmp_path: Path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["quota", "simulate", "--scenario", str(BASELINE), "--out", str(blocker)]) == 2
    assert "a folder is needed" in capsys.readouterr().err


def test_annual_csv_sums_reproduce_from_the_written_file(county_dir: Path, tmp_path: Path):
    """Full precision: the running sum of what is written is the written cumulative column."""
    out = tmp_path / "q"
    assert main(["quota", "simulate", "--scenario", "baseline", "--county", str(county_dir),
                 "--scheduler", "none", "--out", str(out)]) == 0
    annual = pd.read_csv(out / "annual.csv")
    running = annual["new_construction_land_ha"].cumsum().to_numpy()
    assert abs(running - annual["cumulative_new_ha"].to_numpy()).max() < 1e-9
    parts = annual[["pop_link_quota_ha", "stock_link_quota_ha", "key_project_quota_ha"]]
    assert abs(parts.sum(axis=1) - annual["new_construction_land_ha"]).max() < 1e-9
    areas = annual[[c for c in annual.columns if c.endswith("_ha")]].to_numpy(dtype=float)
    tiny = (areas != 0) & (abs(areas) < 1e-9)
    assert not tiny.any(), "float residues must be written as 0"
    # the plan's remainder: what was left before minus what the year granted
    left = annual["cap_remaining_ha"].shift(1) - annual["new_construction_land_ha"]
    assert abs(left.iloc[1:] - annual["cap_remaining_ha"].iloc[1:]).max() < 1e-9
    granted = annual[["pop_link_quota_ha", "stock_link_quota_ha"]].sum(axis=1)
    requested = annual[["pop_link_requested_ha", "stock_link_requested_ha"]].sum(axis=1)
    assert abs(requested - granted - annual["withheld_ha"]).max() < 1e-9


def test_annual_csv_has_requested_and_granted_quota_per_source(county_dir: Path, tmp_path: Path):
    """Design 5.3: Q_pop = M x s / 10,000 requested; granted never exceeds requested."""
    out = tmp_path / "q"
    assert main(["quota", "simulate", "--scenario", "baseline", "--county", str(county_dir),
                 "--scheduler", "none", "--by", "township", "--out", str(out)]) == 0
    annual = pd.read_csv(out / "annual.csv")
    q_pop = annual["settled_migrants"] * annual["standard_m2"] / 10_000
    assert abs(q_pop - annual["pop_link_requested_ha"]).max() < 1e-9
    for source in ("pop_link", "stock_link"):
        excess = annual[f"{source}_quota_ha"] - annual[f"{source}_requested_ha"]
        assert excess.max() < 1e-9, source
    assert (annual["stock_link_requested_ha"] > 0).any()


def test_registrations_given_in_a_file(tmp_path: Path, capsys):
    rows = [{"year": y, "township": t, "registrations": 100 if t == "新关镇" else 0}
            for y in range(2023, 2036)
            for t in ("新关镇", "老牛湾镇", "万家寨镇", "水泉镇", "老营镇", "尚峪镇", "窑头乡", "楼沟乡")]
    path = tmp_path / "落户 2023-2035.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    out = tmp_path / "q"
    assert main(["quota", "simulate", "--scenario", "baseline", "--registrations", str(path),
                 "--out", str(out)]) == 0
    annual = pd.read_csv(out / "annual.csv")
    assert annual["settled_migrants"].tolist() == [100.0] * 13
    ledger = pd.read_csv(out / "ledger.csv")
    assert "given directly" in ledger.loc[ledger["quantity"] == "settled_migrants", "rule"].iloc[0]
    pd.DataFrame(rows[:-1]).to_csv(path, index=False)  # one (year, township) missing
    capsys.readouterr()
    assert main(["quota", "simulate", "--scenario", "baseline", "--registrations", str(path),
                 "--out", str(tmp_path / "bad")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "落户 2023-2035.csv" in err[0] and "(2035, '楼沟乡')" in err[0]
    assert not (tmp_path / "bad").exists()
