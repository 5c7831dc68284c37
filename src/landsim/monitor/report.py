"""The annual plan health-check report (国土空间规划年度体检评估报告) as one HTML file.

:func:`build_report` collects the tables (:class:`ReportData`); the ``section_*``
functions turn them into HTML fragments (bilingual headings, traffic lights, tables,
charts as base64 PNG). :func:`render_report` executes the notebook template
``landsim/data/templates/health_check.ipynb`` headless (each code cell displays one fragment) and
wraps the fragments in a page with inline CSS: no external link, so it opens offline.
``execute=False`` builds the same fragments in-process (fast, no kernel).
"""

from __future__ import annotations

import html
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from landsim.errors import InputError
from landsim.monitor.indicators import INDICATORS, indicator_table, monitor_frame, planning_targets
from landsim.monitor.lights import check_year, five_year_review, traffic_lights
from landsim.monitor.thresholds import Threshold, load_thresholds
from landsim.policy import COMMON
from landsim.resources import scenario_file, template_file
from landsim.units import ha_to_mu

__all__ = [
    "LAYOUT_KEYS",
    "ReportData",
    "build_report",
    "layout_checks",
    "page_html",
    "read_layout_summary",
    "render_report",
    "report_fragments",
    "template_path",
]

LAYOUT_KEYS = ("status", "objective", "gap", "solver", "solve_seconds", "target_ha",
               "area_before_ha", "area_after_ha", "added_ha", "removed_ha",
               "mean_grade_before", "mean_grade_after", "patches_before", "patches_after")
"""Keys of a farmland layout ``summary.json`` (design 5.2)."""

SECTIONS = ("overview", "lights", "trends", "definitions", "quota", "layout", "review",
            "notes")
"""Report sections in order (one template cell each)."""


def template_path() -> Path:
    """The report notebook template shipped with the package."""
    return template_file("health_check.ipynb")


@dataclass(frozen=True)
class ReportData:
    """Everything the report shows. Areas [ha]."""

    year: int
    county_label: str
    scenario_name: str
    values: pd.DataFrame
    frame: pd.DataFrame
    lights: pd.DataFrame
    thresholds: dict[str, Threshold]
    annual: pd.DataFrame | None
    layout: dict[str, Any] | None
    review: pd.DataFrame | None


# ----------------------------------------------------------------------------- inputs


def read_layout_summary(folder: str | os.PathLike[str]) -> dict[str, Any]:
    """Read ``summary.json`` of a farmland layout result folder (design 5.2).

    Raises
    ------
    InputError
        The folder or file is missing, not JSON, or lacks area keys.
    """
    path = Path(folder) / "summary.json"
    if not path.exists():
        msg = (f"{path}: file not found (farmland layout summary). Fix: give the folder "
               "written by `landsim farmland optimize --out DIR`, which holds summary.json")
        raise InputError(msg)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        msg = f"{path}: not valid JSON ({err.msg}, line {err.lineno}). Fix: rewrite the file"
        raise InputError(msg) from None
    needed = ("area_before_ha", "area_after_ha", "added_ha", "removed_ha")
    missing = [k for k in needed if k not in data]
    if missing:
        msg = (f"{path}: missing key(s) {', '.join(missing)}. Fix: write the design 5.2 "
               f"keys ({', '.join(LAYOUT_KEYS)})")
        raise InputError(msg)
    return data


def layout_checks(summary: dict[str, Any]) -> pd.DataFrame:
    """Checks of a farmland layout summary: quantity, 105 % rule, quality, status.

    >>> s = {"status": "Optimal", "target_ha": 100.0, "area_before_ha": 100.0,
    ...      "area_after_ha": 101.0, "added_ha": 10.5, "removed_ha": 10.0,
    ...      "mean_grade_before": 5.0, "mean_grade_after": 4.9}
    >>> layout_checks(s)["status"].tolist()
    ['green', 'green', 'green', 'green']
    """
    def num(key: str) -> float:
        v = summary.get(key)
        return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else math.nan

    target = num("target_ha")
    target = num("area_before_ha") if math.isnan(target) else target
    ratio = COMMON.pbf_compensation_ratio
    rows = [
        ("数量 Quantity: area after >= target", f"{num('area_after_ha'):,.2f} ha",
         f">= {target:,.2f} ha", num("area_after_ha") >= target - 1e-6),
        (f"新增 >= 调整 x {ratio:.0%} Added >= {ratio:g} x removed", f"{num('added_ha'):,.2f} ha",
         f">= {ratio * num('removed_ha'):,.2f} ha",
         num("added_ha") >= ratio * num("removed_ha") - 1e-6),
        ("质量不降 Mean grade not worse (1 best)", f"{num('mean_grade_after'):.3f}",
         f"<= {num('mean_grade_before'):.3f}",
         num("mean_grade_after") <= num("mean_grade_before") + 1e-9),
        ("求解状态 Solver status", str(summary.get("status", "")), "Optimal",
         str(summary.get("status", "")).lower() == "optimal"),
    ]
    out = pd.DataFrame(rows, columns=["check", "value", "requirement", "ok"])
    nan_value = out["value"].str.contains("nan")
    out["status"] = ["no data" if bad else ("green" if ok else "red")
                     for ok, bad in zip(out["ok"], nan_value, strict=True)]
    return out


def _load_county(county_dir: str | os.PathLike[str] | None) -> tuple[Any, str]:
    from landsim.datasets import load_sample, read_county

    if county_dir is None:
        return load_sample(), "样例县 sample county (偏关县-like, synthetic)"
    folder = Path(county_dir)
    if not folder.is_dir():
        msg = (f"{folder}: county folder not found. Fix: give a folder written by "
               "`landsim sample --out DIR` or leave --county out for the sample county")
        raise InputError(msg)
    for name in ("indicator_history.csv", "planning_targets.csv"):
        if not (folder / name).exists():
            msg = (f"{folder / name}: file not found; the health check needs it. Fix: add "
                   f"{name} to the county folder (columns: data/sample_county/README.md)")
            raise InputError(msg)
    return read_county(folder), folder.name


def build_report(year: int, county_dir: str | os.PathLike[str] | None = None,
                 scenario: str | os.PathLike[str] | None = None,
                 layout: str | os.PathLike[str] | None = None, review: bool = False,
                 thresholds: str | os.PathLike[str] | dict[str, Threshold] | None = None,
                 county: Any = None) -> ReportData:
    """Collect the report's tables.

    Parameters
    ----------
    year : int
        Year of the health check; history years use the indicator history, later years
        the quota simulation. [year]
    county_dir : path, optional
        County folder (default: the bundled sample county).
    scenario : path, optional
        Scenario TOML of the quota simulation (default the packaged ``baseline`` scenario,
        else the built-in default scenario).
    layout : path, optional
        Farmland layout result folder with ``summary.json``.
    review : bool
        Add the five-year review of targets against the trajectory.
    thresholds : path or dict, optional
        Threshold TOML or a ready dict (default the packaged ``monitor.toml``).
    county : landsim.datasets.County, optional
        An already loaded county (overrides ``county_dir``).
    """
    from landsim.quota.scenario import Scenario, ScenarioInputs, run_scenario

    if county is None:
        county, label = _load_county(county_dir)
    else:
        label = str(getattr(county, "source", "")) or "county"
    sc = Scenario.from_toml(scenario_file("baseline" if scenario is None else scenario))
    run = run_scenario(sc, ScenarioInputs.from_county(county))
    frame = monitor_frame(county, run)
    values = indicator_table(frame, planning_targets(county), sc.quota_policy().indicators)
    t = thresholds if isinstance(thresholds, dict) else load_thresholds(thresholds)
    year = check_year(values, year)
    lights = traffic_lights(values, year, t)
    layout_summary = read_layout_summary(layout) if layout is not None else None
    rev = None
    if review:
        if county.planning_targets is None:
            msg = ("the five-year review needs planning_targets.csv. Fix: add it to the "
                   "county folder or leave --review out")
            raise InputError(msg)
        rev = five_year_review(frame, county.planning_targets, year)
    return ReportData(year=year, county_label=label, scenario_name=sc.name, values=values,
                      frame=frame, lights=lights, thresholds=t, annual=run.annual,
                      layout=layout_summary, review=rev)


# ----------------------------------------------------------------------------- HTML

_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:2em auto;
max-width:1100px;color:#222;line-height:1.45}
h1{border-bottom:3px solid #2c7fb8;padding-bottom:.3em}h2{margin-top:1.6em;color:#2c7fb8}
table{border-collapse:collapse;margin:.6em 0;font-size:13px}
th,td{border:1px solid #ccc;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#eef4f8}td.num{text-align:right}
.light{display:inline-block;width:.95em;height:.95em;border-radius:50%;margin-right:.3em;
vertical-align:-.1em;border:1px solid #555}
.green{background:#1a9850}.yellow{background:#fdae61}.red{background:#d73027}
.nodata{background:#fff}.flag{color:#b35806;font-weight:bold}
.counts span{margin-right:1.2em}img{max-width:100%}
.note{color:#555;font-size:13px}
"""


def _esc(x: Any) -> str:
    return html.escape(str(x))


def _light(status: str) -> str:
    cls = {"no data": "nodata"}.get(status, status)
    return f'<span class="light {cls}" title="{_esc(status)}"></span>{_esc(status)}'


def _fmt(x: Any, digits: int = 3) -> str:
    if isinstance(x, bool):
        return "yes 是" if x else "no 否"
    if x is None or x is pd.NA:
        return "—"
    if isinstance(x, int | float):
        if isinstance(x, float) and math.isnan(x):
            return "no data 无数据"
        if isinstance(x, float) and math.isinf(x):
            return "∞" if x > 0 else "-∞"
        if isinstance(x, int) or float(x).is_integer() and abs(x) >= 1000:
            return f"{x:,.0f}"
        return f"{x:,.{digits}f}" if abs(x) < 1000 else f"{x:,.1f}"
    return _esc(x)


def _table(frame: pd.DataFrame, light_cols: tuple[str, ...] = ("status",),
           digits: int = 3) -> str:
    head = "".join(f"<th>{_esc(c)}</th>" for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        cells = []
        for col, v in zip(frame.columns, row, strict=True):
            if col in light_cols:
                cells.append(f"<td>{_light(str(v))}</td>")
            elif isinstance(v, int | float) and not isinstance(v, bool):
                cells.append(f'<td class="num">{_fmt(v, digits)}</td>')
            else:
                cells.append(f"<td>{_fmt(v, digits)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _h2(zh: str, en: str) -> str:
    return f"<h2>{_esc(zh)} · {_esc(en)}</h2>"


def section_overview(data: ReportData) -> str:
    counts = data.lights["status"].value_counts()
    red = data.lights[data.lights["status"] == "red"]
    basis = data.lights["basis"].iloc[0]
    items = "".join(f"<span>{_light(s)}: {int(counts.get(s, 0))}</span>"
                    for s in ("green", "yellow", "red", "no data"))
    red_list = ("".join(f"<li>{_esc(n)}</li>" for n in red["name"]) if len(red)
                else "<li>无 none</li>")
    return (f"<h1>{data.year} 年度国土空间规划体检评估 · Annual plan health check {data.year}</h1>"
            f"<p>县域 County: {_esc(data.county_label)}<br>情景 Scenario: "
            f"{_esc(data.scenario_name)}<br>数据基础 Basis of {data.year}: {_esc(basis)} "
            "(history 历史统计 / simulation 两挂钩模拟)</p>"
            + _h2("总体情况", "Overview") + f'<p class="counts">{items}</p>'
            f"<p>红灯指标 Red indicators:</p><ul>{red_list}</ul>")


def section_lights(data: ReportData) -> str:
    t = data.lights.copy()
    t["name"] = [f"{n} <RECALLED>" if r else n for n, r in zip(t["name"], t["recalled"],
                                                                 strict=True)]
    cols = ["status", "name", "value", "unit", "green", "yellow", "basis"]
    return (_h2("指标红黄绿灯", "Traffic lights") + _table(t[cols])
            + '<p class="note">绿灯区间内为绿，黄灯区间内为黄，其余为红（边界值取较好颜色）。'
            "Green inside the green interval, yellow inside the yellow one, red outside "
            "(a value on a boundary gets the better colour). RECALLED: rule known from its "
            "text but not found in a readable public copy.</p>")


def section_trends(data: ReportData) -> str:
    from landsim.plots import figure_to_data_uri, plot_trends

    uri = figure_to_data_uri(plot_trends(data.values, data.year, data.thresholds))
    return (_h2("指标趋势", "Indicator trends")
            + f'<img alt="indicator trends" src="{uri}">'
            + '<p class="note">实线为历史，虚线为模拟；竖线为评估年。Solid: history; dashed: '
            "simulation; vertical line: the year assessed.</p>")


def section_definitions(data: ReportData) -> str:
    rows = [{"indicator": s.key, "名称 name": f"{s.name_zh} {s.name_en}",
             "formula 公式": s.formula, "unit 单位": s.unit, "direction": s.direction,
             "source 依据": data.lights.set_index("indicator").loc[s.key, "source"],
             "flag": "RECALLED" if s.recalled else ""} for s in INDICATORS]
    return _h2("指标定义", "Indicator definitions") + _table(pd.DataFrame(rows))


def section_quota(data: ReportData) -> str:
    if data.annual is None or not len(data.annual):
        return _h2("两挂钩台账汇总", "Quota ledger summary") + "<p>no data 无数据</p>"
    import matplotlib.pyplot as plt

    from landsim.plots import figure_to_data_uri, plot_quota_sources

    a = data.annual
    cols = ["year", "settled_migrants", "pop_link_quota_ha", "stock_disposed_ha",
            "stock_link_quota_ha", "key_project_quota_ha", "new_construction_land_ha",
            "cumulative_new_ha", "supply_rate", "binding_cap"]
    table = a[cols].copy()
    total = {c: float(table[c].sum()) for c in ("settled_migrants", "pop_link_quota_ha",
                                                 "stock_disposed_ha", "stock_link_quota_ha",
                                                 "key_project_quota_ha",
                                                 "new_construction_land_ha")}
    fig = plot_quota_sources(a, title=f"{data.scenario_name}")
    uri = figure_to_data_uri(fig)
    plt.close("all")
    totals = pd.DataFrame([{"quantity": k, "total": v, "total_mu": ha_to_mu(v)
                            if k.endswith("_ha") else math.nan} for k, v in total.items()])
    return (_h2("两挂钩台账汇总", "Quota ledger summary")
            + f"<p>情景 Scenario {_esc(data.scenario_name)}, "
            f"{int(a['year'].min())}-{int(a['year'].max())}: 新增建设用地 new construction "
            f"land = 人地挂钩 + 增存挂钩 + 重点项目 (ha).</p>"
            + _table(totals, digits=2) + _table(table, light_cols=(), digits=2)
            + f'<img alt="quota sources" src="{uri}">')


def section_layout(data: ReportData) -> str:
    head = _h2("永久基本农田布局检查", "Farmland layout checks")
    if data.layout is None:
        return head + ("<p>未提供布局结果 No layout result given (use --layout DIR with "
                       "summary.json).</p>")
    figures = pd.DataFrame([{"key": k, "value": data.layout.get(k, math.nan)}
                            for k in LAYOUT_KEYS if k in data.layout])
    return (head + _table(layout_checks(data.layout)[["status", "check", "value",
                                                       "requirement"]])
            + _table(figures, light_cols=()))


def section_review(data: ReportData) -> str:
    if data.review is None:
        return ""
    y = data.year
    years = [yy for yy in range(y - 4, y + 1) if yy in set(data.values["year"])]
    traj = data.values[data.values["year"].isin(years)].set_index("year")
    traj = traj[[s.key for s in INDICATORS]].T.reset_index(names="indicator")
    traj.columns = [str(c) for c in traj.columns]
    cols = ["status", "indicator", "name_zh", "unit", "direction", "base_value",
            "target_value", "target_year", "value", "path_value", "projected_target_year",
            "projected_basis", "on_path", "target_met"]
    return (_h2("五年评估：目标与实施轨迹", "Five-year review: targets vs trajectory")
            + f"<p>{y - 4}-{y}. path_value: 基期到目标年直线路径上 {y} 年应达值 value on the "
            "straight path from base to target; projected: 模拟或近五年趋势外推 simulation or "
            "5-year linear trend.</p>"
            + _table(data.review[cols], digits=2)
            + "<p>近五年指标 Indicators over the five years:</p>"
            + _table(traj, light_cols=(), digits=3))


def section_notes(data: ReportData) -> str:
    nodata = data.lights[data.lights["status"] == "no data"]
    items = "".join(f"<li>{_esc(n)}: 缺少输入 input not in the data</li>"
                    for n in nodata["name"])
    return (_h2("说明", "Notes")
            + "<ul><li>生态保护红线、城镇开发边界与分区来自现状图斑层，仅对应最后一个历史年份；"
            "模拟年份沿用现状。Red line, UDB and zones come from the current parcel layer: they "
            "fill the last history year and are held in simulated years.</li>"
            "<li>模拟年份耕地仅扣减占用，未模拟补充。Simulated cultivated land only loses the "
            "occupied area; replenishment is not simulated.</li>"
            "<li>无官方预警阈值的指标注明 ASSUMED，可用 landsim report --thresholds 文件修改。"
            "Thresholds marked ASSUMED are user settings (landsim report --thresholds FILE).</li>"
            f"{items}</ul>")


_SECTION_FUNCS = {"overview": section_overview, "lights": section_lights,
                  "trends": section_trends, "definitions": section_definitions,
                  "quota": section_quota, "layout": section_layout, "review": section_review,
                  "notes": section_notes}


def section(name: str, data: ReportData) -> str:
    """HTML fragment of one report section (see :data:`SECTIONS`)."""
    if name not in _SECTION_FUNCS:
        msg = f"unknown report section {name!r}; valid: {', '.join(SECTIONS)}"
        raise InputError(msg)
    return _SECTION_FUNCS[name](data)


def report_fragments(data: ReportData) -> list[str]:
    """Every section's HTML fragment, in order (what the template cells display)."""
    return [section(name, data) for name in SECTIONS]


def page_html(fragments: list[str], title: str) -> str:
    """Wrap fragments in a complete page with inline CSS (no external resources)."""
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            f"<title>{_esc(title)}</title><style>{_CSS}</style></head><body>\n"
            + "\n".join(fragments) + "\n</body></html>\n")


def _execute_template(params: dict[str, Any]) -> list[str]:
    """Run the template headless with ``params``; return its HTML outputs in order.

    Through :func:`landsim.execution.execute_notebook`: an IPC kernel (nothing printed on
    the terminal), no hang, a per-cell time limit naming the cell.
    """
    import nbformat

    from landsim.execution import NotebookRunError, execute_notebook

    nb = nbformat.read(template_path(), as_version=4)
    for cell in nb.cells:  # the parameters cell, as papermill does it
        if cell.cell_type == "code" and cell.source.startswith("PARAMS ="):
            cell.source = f"PARAMS = {json.dumps(params)!r}"
            break
    try:
        execute_notebook(nb, name="report template health_check.ipynb",
                         cwd=Path.cwd(), cell_timeout=600, store_widget_state=False)
    except NotebookRunError as err:
        msg = (f"报告模板执行失败 the report template failed: {err}. Fix: run with "
               "--no-execute to build the report in-process")
        raise InputError(msg) from None
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for o in cell.get("outputs", []):
            data = o.get("data", {})
            if "text/html" in data:
                out.append("".join(data["text/html"]))
    return out


def render_report(year: int, out: str | os.PathLike[str], *,
                  county_dir: str | os.PathLike[str] | None = None,
                  scenario: str | os.PathLike[str] | None = None,
                  layout: str | os.PathLike[str] | None = None, review: bool = False,
                  thresholds: str | os.PathLike[str] | None = None,
                  execute: bool = True) -> Path:
    """Write the self-contained HTML health-check report; return its path.

    The arguments are checked in-process first (so bad input fails fast with an
    :class:`InputError`), then the template is executed headless (``execute=True``) or
    the fragments are built in-process. The file is written under a temporary name and
    moved into place.
    """
    from landsim.outputs import text_writer, write_output

    path = Path(out)
    if path.is_dir():
        msg = f"--out {path}: is a folder. Fix: give a file name such as report.html"
        raise InputError(msg)
    if not path.parent.exists():
        msg = f"--out {path}: folder {path.parent} not found. Fix: create it or write elsewhere"
        raise InputError(msg)
    inputs = [p for p in (county_dir, scenario, thresholds) if p is not None]
    if layout is not None:
        inputs.append(Path(layout) / "summary.json")
    args = {"year": int(year), "county_dir": None if county_dir is None else str(county_dir),
            "scenario": None if scenario is None else str(scenario),
            "layout": None if layout is None else str(layout), "review": bool(review),
            "thresholds": None if thresholds is None else str(thresholds)}
    data = build_report(**args)
    if execute:
        fragments = _execute_template(args)
    else:
        fragments = report_fragments(data)
    page = page_html(fragments, f"{data.year} 体检评估 Health check")
    return write_output(path, text_writer(page), inputs=inputs)
