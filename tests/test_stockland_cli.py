"""`landsim stock assess` through register() on a throwaway parser; widgets change results."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd
import pytest

from landsim import InputError, load_sample
from landsim.cli.stock import register
from landsim.stockland import OUTPUT_FILES, assess_stock, performance_units


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="landsim")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


def test_assess_writes_every_file(tmp_path: Path, capsys):
    assert run(["stock", "assess", "--as-of", "2022-12-31", "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(OUTPUT_FILES)
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    idle = pd.read_csv(tmp_path / "idle.csv")
    in_stock = idle["idle"] & ~idle["disposed"]  # idle under Order 53 and not yet disposed
    assert summary["idle_contracts"] == int(in_stock.sum())
    assert summary["idle_ha"] == pytest.approx(idle.loc[in_stock, "area_ha"].sum(), abs=0.01)
    plan = pd.read_csv(tmp_path / "disposal_plan.csv")
    assert list(plan.columns) == ["year", "township", "category", "area_ha"]
    assert "idle 闲置" in capsys.readouterr().out


def test_bad_record_names_file_line_and_id(county_dir: Path, tmp_path: Path):
    path = county_dir / "industrial_contracts.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[3, "developed_area_ha"] = str(float(frame.loc[3, "area_ha"]) * 2)
    frame.to_csv(path, index=False)
    with pytest.raises(InputError, match=r"industrial_contracts\.csv: column "
                       r"'developed_area_ha', line 5 \(contract_id GY004\): developed share 2 "
                       "is above 1"):
        run(["stock", "assess", "--county", str(county_dir), "--out", str(tmp_path / "o")])


def test_bad_as_of(tmp_path: Path):
    with pytest.raises(InputError, match="as-of date '31/12/2022' is not a date"):
        run(["stock", "assess", "--as-of", "31/12/2022", "--out", str(tmp_path)])


def test_later_as_of_finds_at_least_as_much_idle_land():
    county = load_sample()
    early = assess_stock(county, "2021-12-31").summary()
    late = assess_stock(county, "2022-12-31").summary()
    assert late["idle_contracts"] >= early["idle_contracts"]


def test_widgets_change_their_result():
    from landsim.widgets import idle_explorer, performance_explorer

    county = load_sample()
    w = idle_explorer(county.industrial_contracts)
    before = w.result.copy()
    w.children[0].value = "2016-12-31"
    assert w.result["contracts"].sum() < before["contracts"].sum()
    units = performance_units(county.industrial_contracts, county.stock_plots, "2022-12-31")
    p = performance_explorer(units)
    a_before = int(p.result.set_index("perf_class").loc["A", "units"])
    p.children[0].value = 180.0  # class_a_min
    assert int(p.result.set_index("perf_class").loc["A", "units"]) < a_before


def test_widget_controls_are_arguments_of_the_pure_views():
    import inspect

    from landsim.stockland.views import class_view, idle_view
    from landsim.widgets import performance_explorer

    county = load_sample()
    units = performance_units(county.industrial_contracts, county.stock_plots, "2022-12-31")
    controls = set(performance_explorer(units).kwargs)
    assert controls <= set(inspect.signature(class_view).parameters) - {"units"}
    assert {"class_a_min", "class_b_min", "class_c_min"} <= controls
    assert "as_of" in inspect.signature(idle_view).parameters


def test_back_dated_assessment_says_supply_status_is_as_recorded(tmp_path, capsys):
    from landsim.cli import main

    assert main(["stock", "assess", "--as-of", "2020-12-31", "--out", str(tmp_path / "o")]) == 0
    out = capsys.readouterr().out
    assert "back-dated: supply status as recorded (approvals up to 2022)" in out
    summary = json.loads((tmp_path / "o" / "summary.json").read_text(encoding="utf-8"))
    assert summary["supply_status"].startswith("back-dated")
    assert main(["stock", "assess", "--out", str(tmp_path / "now")]) == 0
    assert "back-dated" not in capsys.readouterr().out
