"""Health-check report, five-year review, ``landsim report`` CLI and the monitoring widget."""

from __future__ import annotations

import argparse
import inspect
import json
import re

import matplotlib
import pandas as pd
import pytest

from landsim.cli.report import register
from landsim.datasets import load_sample
from landsim.errors import InputError
from landsim.monitor import INDICATORS, indicator_values, monitor_view, traffic_lights
from landsim.monitor.report import layout_checks, render_report
from landsim.quota.scenario import Scenario

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def short_scenario(tmp_path_factory):
    """A scenario ending in 2026: the report's small fixture."""
    path = tmp_path_factory.mktemp("sc") / "short.toml"
    Scenario("short", end_year=2026).to_toml(path)
    return path


@pytest.fixture
def layout_dir(tmp_path):
    folder = tmp_path / "layout"
    folder.mkdir()
    summary = {"status": "Optimal", "objective": 1.0, "gap": 0.0, "solver": "CBC",
               "solve_seconds": 0.1, "target_ha": 30532.18, "area_before_ha": 30532.18,
               "area_after_ha": 30540.0, "added_ha": 2400.0, "removed_ha": 2296.36,
               "mean_grade_before": 6.1, "mean_grade_after": 6.0, "patches_before": 90,
               "patches_after": 80}
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def values():
    return indicator_values(load_sample())


def _parser():
    parser = argparse.ArgumentParser(prog="landsim")
    register(parser.add_subparsers(dest="command", required=True))
    return parser


def test_report_contains_every_indicator_and_is_self_contained(tmp_path, short_scenario,
                                                              layout_dir):
    out = render_report(2022, tmp_path / "r.html", scenario=short_scenario, layout=layout_dir,
                        review=True, execute=False)
    page = out.read_text(encoding="utf-8")
    for spec in INDICATORS:
        assert spec.name_en in page and spec.name_zh in page, spec.key
    assert "RECALLED" in page
    assert "年度国土空间规划体检评估" in page and "Annual plan health check" in page
    assert "两挂钩台账汇总" in page and "Farmland layout checks" in page
    assert "Five-year review" in page and "data:image/png;base64," in page
    assert not re.search(r"(src|href)=\"(https?:)?//", page), "external resource"
    assert "<link" not in page and "<script" not in page
    assert not list(tmp_path.glob(".*.tmp"))


def test_cli_registers_report_and_writes(tmp_path, short_scenario, capsys):
    args = _parser().parse_args(["report", "--year", "2021", "--out", str(tmp_path / "a.html"),
                                 "--scenario", str(short_scenario), "--no-execute"])
    assert args.func(args) == 0
    assert "2021" in capsys.readouterr().out
    assert (tmp_path / "a.html").stat().st_size > 10_000


@pytest.mark.slow
def test_report_from_the_notebook_template_matches_in_process(tmp_path, short_scenario):
    a = render_report(2024, tmp_path / "k.html", scenario=short_scenario, execute=True)
    b = render_report(2024, tmp_path / "p.html", scenario=short_scenario, execute=False)
    strip = re.compile(r"data:image/png;base64,[A-Za-z0-9+/=]+")
    assert strip.sub("", a.read_text(encoding="utf-8")) == strip.sub(
        "", b.read_text(encoding="utf-8"))


def test_cli_bad_year_names_the_valid_years(tmp_path, short_scenario):
    args = _parser().parse_args(["report", "--year", "2050", "--out", str(tmp_path / "a.html"),
                                 "--scenario", str(short_scenario), "--no-execute"])
    with pytest.raises(InputError, match=r"Fix: choose a year from 2016 to 2026"):
        args.func(args)


def test_cli_missing_county_file_names_the_fix(tmp_path, county_dir):
    (county_dir / "indicator_history.csv").unlink()
    args = _parser().parse_args(["report", "--year", "2022", "--out", str(tmp_path / "a.html"),
                                 "--county", str(county_dir), "--no-execute"])
    with pytest.raises(InputError, match=r"indicator_history.csv: file not found.*Fix: add"):
        args.func(args)


def test_missing_layout_summary_names_the_fix(tmp_path, short_scenario):
    with pytest.raises(InputError, match=r"summary.json: file not found.*farmland optimize"):
        render_report(2022, tmp_path / "a.html", scenario=short_scenario,
                      layout=tmp_path, execute=False)


def test_layout_checks_flag_the_105_percent_rule():
    s = {"status": "Optimal", "target_ha": 10.0, "area_before_ha": 10.0, "area_after_ha": 10.0,
         "added_ha": 1.0, "removed_ha": 1.0, "mean_grade_before": 5.0, "mean_grade_after": 5.0}
    checks = layout_checks(s).set_index("check")["status"]
    assert checks.tolist() == ["green", "red", "green", "green"]


def test_five_year_review_against_hand_path(short_scenario):
    from landsim.monitor.report import build_report

    data = build_report(2024, scenario=short_scenario, review=True)
    r = data.review.set_index("indicator")
    # cultivated: base (2022) -> target (2035) of planning_targets.csv; 2024 on the
    # straight path between them
    t = load_sample().planning_targets.set_index("indicator").loc["cultivated_land_ha"]
    path = t["base_value"] + (t["target_value"] - t["base_value"]) * 2 / 13
    assert r.loc["cultivated_land_ha", "path_value"] == pytest.approx(path)
    assert r.loc["per_capita_urban_land_m2", "status"] == "red"
    assert r.loc["cultivated_land_ha", "projected_basis"] == "5-year trend"


def test_sample_county_red_lights_2022(values):
    lights = traffic_lights(values, 2022).set_index("indicator")["status"]
    # seat 290.44 ha / 23,472 people = 123.7 m2 (GB 50137 65-115: yellow, within its
    # tolerance band); the other towns 158.7 m2 (GB 50188 60-140: red)
    assert values.set_index("year").loc[2022, "per_capita_seat_land"] > 115
    assert lights["per_capita_seat_land"] == "yellow"
    assert sorted(lights[lights == "red"].index) == [
        "idle_disposal_rate", "per_capita_town_land", "per_capita_urban_land",
        "supply_rate_5y"]
    assert lights["flexible_zone_share"] == "green"  # the synthetic zoning keeps <= 12 %


# ----------------------------------------------------------------------------- widget


def test_widget_names_are_arguments_of_monitor_view():
    from landsim.widgets import MONITOR_CONTROLS

    params = inspect.signature(monitor_view).parameters
    assert set(MONITOR_CONTROLS) | {"year"} <= set(params)
    required = {n for n, p in params.items() if p.default is inspect.Parameter.empty}
    assert required - {"values"} == {"year"}


def test_moving_a_control_changes_the_lights(values):
    from landsim.widgets import monitor_explorer

    widget = monitor_explorer(values, show_charts=False)
    before = widget.result
    assert isinstance(before, pd.DataFrame)
    controls = {c.description: c for c in widget.children if hasattr(c, "description")}
    per_capita = next(c for d, c in controls.items() if d.startswith("人均上限"))
    per_capita.value = 145.0  # the sample county has about 141 m2 per person in 2022
    after = widget.result
    light = after.set_index("indicator").loc["per_capita_urban_land", "status"]
    assert light == "green" != before.set_index("indicator").loc["per_capita_urban_land",
                                                                  "status"]
    year = next(c for d, c in controls.items() if d.startswith("年份"))
    year.value = 2017
    assert widget.result.set_index("indicator").loc["supply_rate_5y", "status"] == "green"
