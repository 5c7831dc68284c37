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
    assert "年度国土空间规划体检评估报告" in page and "Annual plan health-check report" in page
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


# ----------------------------------------------------------------------------- annex (issue 18)


@pytest.fixture(scope="module")
def annex(tmp_path_factory):
    """The 2022 report with a layout result (summary.json + layout.csv) and the review."""
    from landsim.monitor.report import build_report

    folder = tmp_path_factory.mktemp("layout")
    parcels = load_sample().parcels
    summary = {"status": "optimal (relative gap <= 0.0001)", "target_ha": 30573.39,
               "area_before_ha": 30573.39, "area_after_ha": 30600.0, "added_ha": 2000.0,
               "removed_ha": 1900.0, "mean_grade_before": 7.2, "mean_grade_after": 7.1}
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    change = ["added" if i % 7 == 0 else "none" for i in range(len(parcels))]
    pd.DataFrame({"parcel_id": parcels["parcel_id"], "change": change}).to_csv(
        folder / "layout.csv", index=False)
    data = build_report(2022, layout=folder, review=True, date="2023-03-31",
                        bureau="偏关县自然资源局")
    return folder, data


def _visible_text(page: str) -> str:
    page = re.sub(r"<style>.*?</style>", "", page, flags=re.S)
    page = re.sub(r'src="data:[^"]+"', "", page)
    return re.sub(r"<[^>]+>", " ", page)


def test_cover_names_bureau_date_and_data_version(annex):
    from landsim.monitor.report import blocks_html, section_blocks

    _, data = annex
    cover = blocks_html(section_blocks("cover", data))
    assert "偏关县自然资源局" in cover and "2023-03-31" in cover
    assert "2022 年度国土变更调查（年度变更）" in cover  # default: the last history year
    assert data.bureau == "偏关县自然资源局"


def test_default_cover_and_the_three_surveys(short_scenario):
    from landsim.monitor.report import build_report, data_version_text

    data = build_report(2022, scenario=short_scenario)
    assert data.bureau == "样例县自然资源局" and re.fullmatch(r"\d{4}-\d\d-\d\d", data.report_date)
    assert data_version_text("三调", data.values).startswith("第三次全国国土调查（三调）")
    with pytest.raises(InputError, match=r"--data-version '二调'.*Fix: write 三调"):
        data_version_text("二调", data.values)


@pytest.mark.parametrize(("status", "light"), [
    ("optimal", "green"), ("optimal (relative gap <= 0.0001)", "green"), ("Optimal", "green"),
    ("feasible (time limit)", "yellow"), ("infeasible", "red"), ("no solution", "red")])
def test_solver_optimal_is_green(status, light):
    from landsim.monitor.report import solver_light

    assert solver_light(status) == light
    s = {"status": status, "target_ha": 1.0, "area_before_ha": 1.0, "area_after_ha": 1.0,
         "added_ha": 0.0, "removed_ha": 0.0, "mean_grade_before": 5.0, "mean_grade_after": 5.0}
    assert layout_checks(s).iloc[-1]["status"] == light


def test_one_status_per_indicator_across_sections(annex):
    from landsim.monitor.report import statuses

    _, data = annex
    s = statuses(data).set_index("item")["status"]
    lights = data.lights.set_index("indicator")["status"]
    # the review's own status of per-capita land may differ from the traffic light of the
    # same quantity: the report shows the light's status in both places
    assert data.review.set_index("indicator").loc["per_capita_urban_land_m2", "status"] in (
        "yellow", "red")
    assert s["review:per_capita_urban_land_m2"] == lights["per_capita_urban_land"] == "red"
    assert s["review:cultivated_land_ha"] in ("green", "yellow")


def test_every_red_and_yellow_light_is_diagnosed_from_the_data(annex):
    from landsim.monitor.diagnosis import diagnose
    from landsim.monitor.report import _review_table

    _, data = annex
    d = diagnose(data.lights, data.frame, 2022, data.thresholds, data.targets, data.annual,
                 _review_table(data))
    flagged = data.lights[data.lights["status"].isin(["red", "yellow"])]["indicator"]
    assert set(flagged) <= set(d["indicator"])
    for row in d.itertuples(index=False):
        for text in (row.cause_zh, row.cause_en, row.action_zh, row.action_en):
            assert len(text) > 15
        assert re.search(r"[\u4e00-\u9fff]", row.cause_zh + row.action_zh)
        # never suggest relaxing a legal limit
        assert "relax" not in row.action_en.lower() and "放宽" not in row.action_zh
        assert "raise the" not in row.action_en.lower()
    seat = d.set_index("indicator").loc["per_capita_seat_land"]
    value = data.lights.set_index("indicator").loc["per_capita_seat_land", "value"]
    assert f"{value:.1f} m²/人" in seat["cause_zh"] and "GB 50137" in seat["cause_zh"]
    supply = d.set_index("indicator").loc["supply_rate_5y"]
    rate = data.lights.set_index("indicator").loc["supply_rate_5y", "value"]
    assert f"{100 * rate:.1f} %" in supply["cause_zh"] and "2023" in supply["cause_zh"]


def test_html_annex_has_map_a4_tables_and_planner_numbers(annex, tmp_path):
    from landsim.monitor.report import blocks_html, page_html, report_blocks

    _, data = annex
    page = page_html([blocks_html(report_blocks(data))], "t")
    assert "@page{size:A4" in page and "table-layout:fixed" in page
    assert 'alt="control lines map"' in page and 'alt="PBF layout map"' in page
    for cols in re.findall(r"<colgroup>(.*?)</colgroup>", page):
        widths = [float(w) for w in re.findall(r"width:([\d.]+)%", cols)]
        assert sum(widths) == pytest.approx(100, abs=0.5) and len(widths) <= 9
    assert '<td class="num">2023</td>' in page  # the quota table's first year
    assert not re.search(r'<tr><td class="num">2,0\d\d</td>', page), "year with a separator"
    text = _visible_text(page).split("附：指标定义")[0]  # formulas may say +inf
    assert not re.search(r"\d[eE][+-]\d|-0\.0+\b|\bnan\b|\bNaN\b|<NA>|\binf\b", text)
    for code in ("binding_cap", "supply_rate_floor", "at_least", "at_most"):
        assert code not in text, code
    assert "求解状态 Solver status" in text


def test_word_export_opens_with_its_tables(annex, tmp_path, short_scenario):
    import docx

    from landsim.monitor.docx import TEXT_WIDTH_CM

    folder, _ = annex
    out = render_report(2022, tmp_path / "annex.docx", layout=folder, review=True,
                        date="2023-03-31", scenario=short_scenario)
    assert out.suffix == ".docx" and out.read_bytes()[:2] == b"PK"
    document = docx.Document(str(out))
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    headers = [" | ".join(c.text for c in t.rows[0].cells) for t in document.tables]
    assert any("原因 Cause" in h and "建议措施 Recommended action" in h for h in headers)
    assert any("绿灯 Green" in h for h in headers)
    for table in document.tables[1:]:  # the cover box is the first
        width = sum(c.width.cm for c in table.rows[0].cells)
        assert width <= TEXT_WIDTH_CM + 0.05
    text = "\n".join(p.text for p in document.paragraphs)
    assert "问题诊断与建议 · Diagnosis and recommended actions" in text
    assert len(document.inline_shapes) >= 2  # the map, then the trends and quota charts


def test_cli_html_stays_html_and_bad_type_is_one_line(tmp_path, short_scenario, capsys):
    from landsim.cli import main

    assert main(["report", "--year", "2022", "--scenario", str(short_scenario),
                 "--no-execute", "--out", str(tmp_path / "r.html")]) == 0
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert main(["report", "--year", "2022", "--out", str(tmp_path / "r.pdf")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "--out" in err and ".docx" in err
