"""The annual plan health-check report (国土空间规划年度体检评估报告), an annex a county
bureau can file: one self-contained HTML page or a Word document.

:func:`build_report` collects the tables (:class:`ReportData`); the ``section_*``
functions turn them into report blocks (:class:`Heading`, :class:`Paragraph`,
:class:`Table`, :class:`Picture`, ...): a cover block (bureau, date, data version), the
overview, the written diagnosis of every red and yellow indicator, the traffic lights, a
map, trends, the quota ledger, the farmland layout checks, the five-year review, notes
and the indicator definitions. One status per indicator: the review and the overview take
the traffic light of the same indicator into account, and a value is printed with the
decimals that keep it apart from the bound that decides its colour.

Blocks are written as HTML (:func:`blocks_html`; A4 print layout, inline CSS, no external
link) or as ``.docx`` (:func:`landsim.monitor.docx.write_docx`). :func:`render_report`
executes the notebook template ``landsim/data/templates/health_check.ipynb`` headless for
HTML (each code cell displays one section); ``execute=False`` and the Word export build
the same blocks in-process.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from landsim.errors import InputError
from landsim.monitor.diagnosis import diagnose
from landsim.monitor.indicators import INDICATORS, indicator_table, monitor_frame, planning_targets
from landsim.monitor.lights import check_year, five_year_review, traffic_lights
from landsim.monitor.thresholds import STATUSES, Threshold, load_thresholds
from landsim.policy import COMMON
from landsim.presentation import (
    UNIT_DECIMALS,
    column_label,
    column_unit,
    decimals_to_show,
    format_number,
    is_numeric_text,
    label,
    planner_table,
    unit_text,
)
from landsim.resources import scenario_file, template_file
from landsim.units import ha_to_mu

__all__ = [
    "DATA_VERSIONS",
    "LAYOUT_KEYS",
    "SECTIONS",
    "Bullets",
    "Cover",
    "Heading",
    "Paragraph",
    "Picture",
    "ReportData",
    "Table",
    "blocks_html",
    "build_report",
    "layout_checks",
    "page_html",
    "read_layout_summary",
    "render_report",
    "report_blocks",
    "report_fragments",
    "section",
    "section_blocks",
    "solver_light",
    "template_path",
]

LAYOUT_KEYS = ("status", "objective", "gap", "solver", "solve_seconds", "target_ha",
               "area_before_ha", "area_after_ha", "added_ha", "removed_ha",
               "mean_grade_before", "mean_grade_after", "patches_before", "patches_after")
"""Keys of a farmland layout ``summary.json`` (design 5.2)."""

SECTIONS = ("cover", "overview", "diagnosis", "lights", "map", "trends", "quota", "layout",
            "review", "notes", "definitions")
"""Report sections in order (one template cell each)."""

DATA_VERSIONS = {"三调": "第三次全国国土调查（三调）Third National Land Survey",
                 "年度变更": "年度国土变更调查（年度变更）annual land-change survey"}
"""Data versions a report names on its cover (``--data-version``)."""

LIGHT_COLOURS = {"green": "#1a9850", "yellow": "#fdae61", "red": "#d73027",
                 "no data": "#ffffff"}
"""Fill of each traffic light (HTML and Word)."""

_REVIEW_LIGHT = {"cultivated_land_ha": "cultivated_land_vs_target", "pbf_ha": "pbf_vs_task",
                 "eco_redline_ha": "eco_redline_vs_target", "udb_ha": "udb_area_vs_target",
                 "per_capita_urban_land_m2": "per_capita_urban_land"}
"""Review target -> the traffic-light indicator that measures the same quantity."""


def template_path() -> Path:
    """The report notebook template shipped with the package."""
    return template_file("health_check.ipynb")


# ----------------------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Heading:
    """Section heading, Chinese then English."""

    zh: str
    en: str
    level: int = 2


@dataclass(frozen=True)
class Paragraph:
    """A paragraph (``note``: small print)."""

    text: str
    note: bool = False


@dataclass(frozen=True)
class Bullets:
    """A bulleted list."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """A table of text cells (already in the planner format); the ``light`` column holds
    status codes drawn as traffic lights; ``widths`` are relative column widths."""

    frame: pd.DataFrame
    light: str | None = None
    widths: tuple[float, ...] | None = None


@dataclass(frozen=True)
class Picture:
    """A PNG figure with its caption; ``width_cm`` on an A4 page."""

    png: bytes
    alt: str
    caption: str = ""
    width_cm: float = 16.0


@dataclass(frozen=True)
class Cover:
    """The cover block: title and the rows of the filing box (label, value)."""

    title: str
    subtitle: str
    rows: tuple[tuple[str, str], ...]


Block = Heading | Paragraph | Bullets | Table | Picture | Cover


# ----------------------------------------------------------------------------- data


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
    targets: dict[str, float] = field(default_factory=dict)
    parcels: Any = None
    layout_table: pd.DataFrame | None = None
    bureau: str = ""
    report_date: str = ""
    data_version: str = ""


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


def solver_light(status: str) -> str:
    """Traffic light of a solver status: a proven optimum is green, a time-limited or
    stopped incumbent yellow, anything else red.

    >>> solver_light("optimal (relative gap <= 0.0001)"), solver_light("Optimal")
    ('green', 'green')
    >>> solver_light("feasible (time limit)"), solver_light("infeasible")
    ('yellow', 'red')
    """
    from landsim.optimize.solvers import is_optimal_status

    text = str(status).strip().lower()
    if is_optimal_status(text):
        return "green"
    return "yellow" if text.startswith("feasible") else "red"


def layout_checks(summary: dict[str, Any]) -> pd.DataFrame:
    """Checks of a farmland layout summary: quantity, 105 % rule, quality, solver status.

    >>> s = {"status": "optimal", "target_ha": 100.0, "area_before_ha": 100.0,
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
    area = [num("area_after_ha"), num("added_ha"), num("removed_ha")]
    grade = [num("mean_grade_after"), num("mean_grade_before")]
    rows = [
        ("数量 Quantity: area after ≥ target", f"{format_number(area[0], 'ha')} ha",
         f"≥ {format_number(target, 'ha')} ha", area[0] >= target - 1e-6, area[0]),
        (f"调入 ≥ 调出 × {ratio * 100:g} % Added ≥ {ratio:g} × removed",
         f"{format_number(area[1], 'ha')} ha", f"≥ {format_number(ratio * area[2], 'ha')} ha",
         area[1] >= ratio * area[2] - 1e-6, area[1]),
        ("质量不降 Mean grade not worse (1 best)", format_number(grade[0], decimals=3),
         f"≤ {format_number(grade[1], decimals=3)}", grade[0] <= grade[1] + 1e-9, grade[0]),
    ]
    out = pd.DataFrame(rows, columns=["check", "value", "requirement", "ok", "raw"])
    out["status"] = ["no data" if math.isnan(raw) else ("green" if ok else "red")
                     for ok, raw in zip(out["ok"], out["raw"], strict=True)]
    status = str(summary.get("status", ""))
    solver = pd.DataFrame([{"check": "求解状态 Solver status", "value": status or "—",
                            "requirement": "optimal 最优", "ok": solver_light(status) == "green",
                            "raw": math.nan,
                            "status": solver_light(status) if status else "no data"}])
    return pd.concat([out, solver], ignore_index=True).drop(columns="raw")


def _load_county(county_dir: str | os.PathLike[str] | None) -> tuple[Any, str]:
    from landsim.datasets import load_sample, read_county

    if county_dir is None:
        return load_sample(), "样例县 sample county (偏关县-like, synthetic)"
    folder = Path(county_dir)
    if not folder.is_dir():
        msg = (f"--county {folder}: county folder not found. Fix: give a folder written by "
               "`landsim sample --out DIR` or leave --county out for the sample county")
        raise InputError(msg)
    for name in ("indicator_history.csv", "planning_targets.csv"):
        if not (folder / name).exists():
            msg = (f"{folder / name}: file not found; the health check needs it. Fix: add "
                   f"{name} to the county folder (columns: data/sample_county/README.md)")
            raise InputError(msg)
    return read_county(folder), folder.name


def _read_layout_table(folder: str | os.PathLike[str] | None) -> pd.DataFrame | None:
    """``layout.csv`` of a layout result folder when it is there (for the map)."""
    if folder is None or not (Path(folder) / "layout.csv").exists():
        return None
    table = pd.read_csv(Path(folder) / "layout.csv", dtype={"parcel_id": str})
    return table if {"parcel_id", "change"} <= set(table.columns) else None


def data_version_text(version: str | None, values: pd.DataFrame) -> str:
    """Cover text of the data version: ``'三调'`` or ``'年度变更'`` (default: the annual
    change survey of the last history year).

    >>> v = pd.DataFrame({"year": [2021, 2022], "basis": ["history", "history"]})
    >>> data_version_text(None, v)
    '2022 年度国土变更调查（年度变更）annual land-change survey 2022'
    """
    if version is None or version == "年度变更":
        last = int(values.loc[values["basis"] == "history", "year"].max())
        return f"{last} {DATA_VERSIONS['年度变更']} {last}"
    if version == "三调":
        return f"{DATA_VERSIONS['三调']} (2019-12-31)"
    msg = (f"--data-version {version!r}: unknown data version. Fix: write 三调 (Third "
           "National Land Survey) or 年度变更 (annual land-change survey)")
    raise InputError(msg)


def check_report_date(text: str | None) -> str:
    """``--date`` as YYYY-MM-DD (default today).

    >>> check_report_date("2023-03-31")
    '2023-03-31'
    """
    if text is None:
        return dt.date.today().isoformat()
    try:
        return dt.date.fromisoformat(str(text)).isoformat()
    except ValueError:
        msg = f"--date {text!r}: not a date. Fix: write it as YYYY-MM-DD, e.g. 2023-03-31"
        raise InputError(msg) from None


def build_report(year: int, county_dir: str | os.PathLike[str] | None = None,
                 scenario: str | os.PathLike[str] | None = None,
                 layout: str | os.PathLike[str] | None = None, review: bool = False,
                 thresholds: str | os.PathLike[str] | dict[str, Threshold] | None = None,
                 county: Any = None, bureau: str | None = None, date: str | None = None,
                 data_version: str | None = None) -> ReportData:
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
        Farmland layout result folder with ``summary.json`` (and ``layout.csv`` for the
        map).
    review : bool
        Add the five-year review of targets against the trajectory.
    thresholds : path or dict, optional
        Threshold TOML or a ready dict (default the packaged ``monitor.toml``).
    county : landsim.datasets.County, optional
        An already loaded county (overrides ``county_dir``).
    bureau : str, optional
        编制单位 on the cover (default: "<county>自然资源局").
    date : str, optional
        Date of the report, YYYY-MM-DD (default today).
    data_version : {"三调", "年度变更"}, optional
        Survey the land figures come from (default: the annual change survey of the last
        history year).
    """
    from landsim.quota.scenario import Scenario, ScenarioInputs, run_scenario

    if county is None:
        county, label_ = _load_county(county_dir)
    else:
        label_ = str(getattr(county, "source", "")) or "county"
    sc = Scenario.from_toml(scenario_file("baseline" if scenario is None else scenario))
    run = run_scenario(sc, ScenarioInputs.from_county(county))
    frame = monitor_frame(county, run)
    targets = planning_targets(county)
    values = indicator_table(frame, targets, sc.quota_policy().indicators)
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
    parcels = county.parcels if "geometry" in getattr(county.parcels, "columns", ()) else None
    name = label_.split(" ")[0] if county_dir is None else label_
    return ReportData(year=year, county_label=label_, scenario_name=sc.name, values=values,
                      frame=frame, lights=lights, thresholds=t, annual=run.annual,
                      layout=layout_summary, review=rev, targets=targets, parcels=parcels,
                      layout_table=_read_layout_table(layout),
                      bureau=bureau or f"{name}自然资源局",
                      report_date=check_report_date(date),
                      data_version=data_version_text(data_version, values))


# ----------------------------------------------------------------------------- helpers


def _worst(*statuses: str) -> str:
    """The worse of several lights (red > yellow > green); "no data" only if all are."""
    known = [s for s in statuses if s in ("green", "yellow", "red")]
    if not known:
        return "no data"
    return max(known, key=("green", "yellow", "red").index)


def _light_text(status: str) -> str:
    return label(status)


def _table(frame: pd.DataFrame, light: str | None = None,
           widths: tuple[float, ...] | None = None, **fmt: Any) -> Table:
    """A :class:`Table` of ``frame`` in the planner format; ``light`` keeps its codes."""
    shown = planner_table(frame.drop(columns=[light]) if light else frame, **fmt)
    if light:
        shown.insert(0, column_label("status"), frame[light].astype(str).to_numpy())
        return Table(shown, light=column_label("status"), widths=widths)
    return Table(shown, widths=widths)


def _figure_png(fig: Any, dpi: int = 110) -> bytes:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def _kept(direction: str, bound: float) -> tuple[float, float]:
    """The interval that keeps a review target (a floor or a ceiling), with the review's
    tolerance for the targets' rounding."""
    from landsim.monitor.lights import TARGET_TOLERANCE

    if str(direction) == "at_least":
        return bound - TARGET_TOLERANCE, math.inf
    return -math.inf, bound + TARGET_TOLERANCE


def _value_text(value: float, unit: str, threshold: Threshold) -> str:
    """The value with its unit's decimals, more where a bound would otherwise look equal."""
    base = UNIT_DECIMALS.get(unit, 3)
    d = decimals_to_show(value, (threshold.green, threshold.yellow), base)
    return format_number(value, decimals=d)


def statuses(data: ReportData) -> pd.DataFrame:
    """The one status of every item the report assesses (lights, layout, review).

    Columns: item (indicator key or ``review:``/``layout:`` key), name, status, section.
    A review row takes the worse of its trajectory status and the traffic light of the
    same quantity that year, so no two sections disagree.
    """
    rows = [{"item": r.indicator, "name": r.name, "status": r.status, "section": "lights"}
            for r in data.lights.itertuples(index=False)]
    if data.layout is not None:
        rows += [{"item": f"layout:{i}", "name": r.check, "status": r.status,
                  "section": "layout"}
                 for i, r in enumerate(layout_checks(data.layout).itertuples(index=False))]
    if data.review is not None:
        rows += [{"item": f"review:{r.indicator}", "name": r.name_zh, "status": r.status,
                  "section": "review"} for r in _review_table(data).itertuples(index=False)]
    return pd.DataFrame(rows, columns=["item", "name", "status", "section"])


def _review_table(data: ReportData) -> pd.DataFrame:
    """The five-year review with ``light`` (the same quantity's traffic light) and
    ``status`` = the worse of the trajectory status and that light."""
    assert data.review is not None
    lights = data.lights.set_index("indicator")["status"]
    review = data.review.copy()
    review["trajectory"] = review["status"]
    review["light"] = [lights.get(_REVIEW_LIGHT.get(k, ""), "no data")
                       for k in review["indicator"]]
    review["status"] = [_worst(a, b) if b != "no data" else a
                        for a, b in zip(review["trajectory"], review["light"], strict=True)]
    return review


# ----------------------------------------------------------------------------- sections


def section_cover(data: ReportData) -> list[Block]:
    rows = (("编制单位 Prepared by", data.bureau),
            ("县域 County", data.county_label),
            ("评估年份 Year assessed", format_number(data.year, "year")),
            ("数据版本 Data version", data.data_version),
            ("情景 Quota scenario", data.scenario_name),
            ("编制日期 Date", data.report_date),
            ("性质 Status", "附件：由 landsim 生成，供审查 Annex generated by landsim, for "
                           "review"))
    return [Cover(f"{data.year} 年度国土空间规划体检评估报告（附件）",
                  f"Annual plan health-check report {data.year} (annex)", rows)]


def section_overview(data: ReportData) -> list[Block]:
    s = statuses(data)
    counts = s["status"].value_counts()
    basis = str(data.lights["basis"].iloc[0])
    summary = "；".join(f"{label(k)} {int(counts.get(k, 0))}" for k in STATUSES)
    out: list[Block] = [
        Heading("总体情况", "Overview"),
        Paragraph(f"{data.year} 年指标数据基础：{label(basis)}。评估项状态：{summary}。"
                  f" Basis of {data.year}: {basis}. Items by status: "
                  + ", ".join(f"{k} {int(counts.get(k, 0))}" for k in STATUSES) + "."),
    ]
    flagged = s[s["status"].isin(["red", "yellow"])].sort_values(
        "status", key=lambda x: x.map({"red": 0, "yellow": 1}), kind="stable")
    if len(flagged):
        t = flagged.assign(where=flagged["section"].map(
            {"lights": "红黄绿灯 Traffic lights", "layout": "布局检查 Layout checks",
             "review": "五年评估 Five-year review"}))[["status", "name", "where"]]
        t.columns = ["status", "name", "section"]
        out.append(Paragraph("需关注的评估项（原因与建议见下节）Items that need action (cause "
                             "and action in the next section):"))
        out.append(_table(t, light="status", widths=(1.2, 5, 2)))
    else:
        out.append(Paragraph("无红灯或黄灯。No red or yellow item."))
    return out


def section_diagnosis(data: ReportData) -> list[Block]:
    review = _review_table(data) if data.review is not None else None
    d = diagnose(data.lights, data.frame, data.year, data.thresholds, data.targets,
                 data.annual, review)
    out: list[Block] = [Heading("问题诊断与建议", "Diagnosis and recommended actions")]
    if data.layout is not None:
        bad = layout_checks(data.layout)
        bad = bad[bad["status"].isin(["red", "yellow"])]
        extra = [{"indicator": "layout", "name": r.check, "status": r.status,
                  "cause_zh": f"布局结果 {r.value}，要求 {r.requirement}。",
                  "cause_en": f"The layout gives {r.value}; required {r.requirement}.",
                  "action_zh": "调整保护目标或破碎度权重后重新求解，坡度等法定条件保持不变。",
                  "action_en": "Solve again with another target or weight (legal conditions "
                               "such as the slope limit stay)."}
                 for r in bad.itertuples(index=False)]
        d = pd.concat([d, pd.DataFrame(extra, columns=d.columns)], ignore_index=True)
    if not len(d):
        return [*out, Paragraph("所有指标为绿灯，无需整改。Every indicator is green.")]
    t = pd.DataFrame({"status": d["status"], "name": d["name"],
                      "cause": d["cause_zh"] + "\n" + d["cause_en"],
                      "action": d["action_zh"] + "\n" + d["action_en"]})
    table = Table(pd.DataFrame({column_label("status"): t["status"],
                                "指标 Indicator": t["name"], "原因 Cause": t["cause"],
                                "建议措施 Recommended action": t["action"]}),
                  light=column_label("status"), widths=(1.1, 2.6, 5.2, 5.2))
    return [*out, Paragraph("每个红灯、黄灯的原因取自本县数据；建议不放宽任何法定限值。Causes "
                            "come from the county's own figures; no action relaxes a legal "
                            "limit.", note=True), table]


def section_lights(data: ReportData) -> list[Block]:
    rows = []
    for r in data.lights.itertuples(index=False):
        t = data.thresholds[r.indicator]
        name = f"{r.name} (RECALLED)" if r.recalled else r.name
        unit = unit_text(r.unit)
        rows.append({"status": r.status, "指标 Indicator": name,
                     "数值 Value": _value_text(r.value, r.unit, t), "单位 Unit": unit,
                     "绿灯 Green": r.green, "黄灯 Yellow": r.yellow,
                     "数据基础 Basis": label(r.basis)})
    frame = pd.DataFrame(rows)
    shown = frame.drop(columns="status")
    shown.insert(0, column_label("status"), frame["status"].to_numpy())
    return [Heading("指标红黄绿灯", "Traffic lights"),
            Table(shown, light=column_label("status"), widths=(1.1, 5, 1.4, 1.4, 1.35, 1.35, 1.5)),
            Paragraph("绿灯区间内为绿，黄灯区间内为黄，其余为红（边界值取较好颜色）；数值按判定所需"
                      "的位数显示。Green inside the green interval, yellow inside the yellow "
                      "one, red outside (a value on a boundary gets the better colour); values "
                      "carry the decimals the colour depends on. RECALLED: rule known from its "
                      "text but not found in a readable public copy.", note=True)]


def section_map(data: ReportData) -> list[Block]:
    head = Heading("三条控制线与乡镇", "Control lines and townships")
    if data.parcels is None:
        return [head, Paragraph("图斑无几何数据，未绘制地图。The parcels have no geometry: no "
                                "map.")]
    from landsim.plots import plot_control_lines, plot_layout

    out: list[Block] = [head, Picture(_figure_png(plot_control_lines(
        data.parcels, title=f"{data.county_label}：三条控制线 Control lines")),
        "control lines map", "永久基本农田、生态保护红线、城镇开发边界（现状图斑层）。PBF, "
        "ecological red line and urban development boundary (current parcel layer).")]
    if data.layout_table is not None:
        out.append(Picture(_figure_png(plot_layout(
            data.parcels, data.layout_table, title="永久基本农田布局调整 PBF layout change")),
            "PBF layout map", "布局优化结果（--layout）。The layout result given with --layout."))
    return out


def section_trends(data: ReportData) -> list[Block]:
    from landsim.plots import plot_trends

    return [Heading("指标趋势", "Indicator trends"),
            Picture(_figure_png(plot_trends(data.values, data.year, data.thresholds), dpi=80),
                    "indicator trends",
                    "实线为历史，虚线为模拟；竖线为评估年。Solid: history; dashed: simulation; "
                    "vertical line: the year assessed.")]


def section_quota(data: ReportData) -> list[Block]:
    head = Heading("两挂钩台账汇总", "Quota ledger summary")
    if data.annual is None or not len(data.annual):
        return [head, Paragraph("无数据 no data")]
    from landsim.plots import plot_quota_sources

    a = data.annual
    cols = ["year", "settled_migrants", "pop_link_quota_ha", "stock_link_quota_ha",
            "key_project_quota_ha", "new_construction_land_ha", "cumulative_new_ha",
            "supply_rate", "binding_cap"]
    totals = pd.DataFrame([
        {"数量项 Quantity": column_label(k),
         "合计 Total": format_number(float(a[k].sum()), column_unit(k)),
         "合计 Total [亩]": format_number(float(ha_to_mu(a[k].sum())), "mu")
         if k.endswith("_ha") else "—"}
        for k in ("settled_migrants", "pop_link_quota_ha", "stock_disposed_ha",
                  "stock_link_quota_ha", "key_project_quota_ha", "new_construction_land_ha")])
    years = f"{format_number(a['year'].min(), 'year')}–{format_number(a['year'].max(), 'year')}"
    fig = plot_quota_sources(a, title=f"{data.scenario_name} {years}")
    return [head,
            Paragraph(f"情景 {data.scenario_name}，{years} 年：新增建设用地 = 人地挂钩 + 增存挂钩 "
                      "+ 重点项目（公顷，亩）。Scenario "
                      f"{data.scenario_name}, {years}: new construction land = population link "
                      "+ stock link + key projects (ha, mu)."),
            Table(totals, widths=(5, 2, 2)),
            _table(a[cols], widths=(1, 1.35, 1.35, 1.35, 1.35, 1.4, 1.35, 1.35, 2.4)),
            Picture(_figure_png(fig), "quota sources")]


def section_layout(data: ReportData) -> list[Block]:
    head = Heading("永久基本农田布局检查", "Farmland layout checks")
    if data.layout is None:
        return [head, Paragraph("未提供布局结果（用 --layout DIR 给出含 summary.json 的文件夹）。"
                                "No layout result given (use --layout DIR with summary.json).")]
    checks = layout_checks(data.layout)[["status", "check", "value", "requirement"]]
    checks.columns = ["status", "检查 Check", "结果 Result", "要求 Requirement"]
    figures = pd.DataFrame([{"项目 Item": column_label(k),
                             "数值 Value": format_number(data.layout.get(k), None if k in (
                                 "status", "solver") else ("ha" if k.endswith("_ha") else None))}
                            for k in LAYOUT_KEYS if k in data.layout and k != "solve_seconds"])
    return [head, Table(pd.concat([checks[["status"]].rename(columns={"status": column_label(
        "status")}), checks.drop(columns="status")], axis=1), light=column_label("status"),
        widths=(1.1, 4, 2.5, 2.5)), Table(figures, widths=(3, 3))]


def section_review(data: ReportData) -> list[Block]:
    if data.review is None:
        return []
    y = data.year
    review = _review_table(data)
    units = {"ha/亿元": "ha/亿元", "m2/person": "m2/person", "ha": "ha"}
    rows = []
    for r in review.itertuples(index=False):
        u = units.get(str(r.unit))
        base = UNIT_DECIMALS.get(u or "", 2)
        d_now = decimals_to_show(r.value, [_kept(r.direction, r.path_value)], base)
        d_proj = decimals_to_show(r.projected_target_year,
                                  [_kept(r.direction, r.target_value)], base)
        rows.append({"status": r.status, "指标 Indicator": r.name_zh,
                     "单位 Unit": unit_text(r.unit),
                     "目标 Target": f"{format_number(r.target_value, u, d_proj)} "
                                    f"({r.target_year})",
                     f"{y} 年值 Value": format_number(r.value, u, d_now),
                     "路径应达 Due on path": format_number(r.path_value, u, d_now),
                     "目标年预测 Projected": format_number(r.projected_target_year, u, d_proj),
                     "轨迹 Trajectory": label(r.trajectory),
                     "同年灯 Light": label(r.light)})
    frame = pd.DataFrame(rows)
    shown = frame.drop(columns="status")
    shown.insert(0, column_label("status"), frame["status"].to_numpy())
    years = [yy for yy in range(y - 4, y + 1) if yy in set(data.values["year"])]
    traj = data.values[data.values["year"].isin(years)].set_index("year")
    specs = {s.key: s for s in INDICATORS}
    traj_rows = []
    for key in [s.key for s in INDICATORS]:
        t = data.thresholds[key]
        base = UNIT_DECIMALS.get(specs[key].unit, 3)
        row = {"指标 Indicator": specs[key].name_zh}
        for yy in years:
            v = float(traj.loc[yy, key]) if key in traj.columns else math.nan
            row[format_number(yy, "year")] = format_number(
                v, decimals=decimals_to_show(v, (t.green, t.yellow), base))
        traj_rows.append(row)
    return [Heading("五年评估：目标与实施轨迹", "Five-year review: targets vs trajectory"),
            Paragraph(f"{y - 4}–{y}。路径应达值：基期到目标年直线路径上 {y} 年应达值；预测：两挂钩"
                      "模拟或近五年趋势外推。状态取轨迹与同年红黄绿灯中较差者。Due on path: the "
                      f"value on the straight path from base to target in {y}; projected: "
                      "simulation or 5-year linear trend. The status is the worse of the "
                      "trajectory and the same quantity's traffic light that year."),
            Table(shown, light=column_label("status"),
                  widths=(1.1, 2.6, 1.1, 1.8, 1.5, 1.5, 1.5, 1.2, 1.2)),
            Paragraph("近五年指标 Indicators over the five years:"),
            Table(pd.DataFrame(traj_rows), widths=(4, *([1.4] * len(years))))]


def section_notes(data: ReportData) -> list[Block]:
    nodata = data.lights[data.lights["status"] == "no data"]
    items = [f"{n}：缺少输入 input not in the data" for n in nodata["name"]]
    return [Heading("说明", "Notes"), Bullets((
        "生态保护红线、城镇开发边界与分区来自现状图斑层，仅对应最后一个历史年份；模拟年份沿用"
        "现状。Red line, UDB and zones come from the current parcel layer: they fill the last "
        "history year and are held in simulated years.",
        "模拟年份耕地仅扣减占用，未模拟补充。Simulated cultivated land only loses the occupied "
        "area; replenishment is not simulated.",
        "无官方预警阈值的指标注明 ASSUMED，可用 landsim report --thresholds 文件设定。Thresholds "
        "marked ASSUMED are user settings (landsim report --thresholds FILE).",
        *items))]


def section_definitions(data: ReportData) -> list[Block]:
    rows = [{"指标 Indicator": f"{s.name_zh} {s.name_en}", "公式 Formula": s.formula,
             "单位 Unit": s.unit, "方向 Direction": label(s.direction),
             "依据 Source": data.lights.set_index("indicator").loc[s.key, "source"]
             + (" RECALLED" if s.recalled else "")} for s in INDICATORS]
    return [Heading("附：指标定义", "Appendix: indicator definitions"),
            Table(pd.DataFrame(rows), widths=(3, 4, 1.2, 1.35, 5))]


_SECTION_FUNCS = {"cover": section_cover, "overview": section_overview,
                  "diagnosis": section_diagnosis, "lights": section_lights, "map": section_map,
                  "trends": section_trends, "quota": section_quota, "layout": section_layout,
                  "review": section_review, "notes": section_notes,
                  "definitions": section_definitions}


def section_blocks(name: str, data: ReportData) -> list[Block]:
    """Blocks of one report section (see :data:`SECTIONS`)."""
    if name not in _SECTION_FUNCS:
        msg = f"unknown report section {name!r}; valid: {', '.join(SECTIONS)}"
        raise InputError(msg)
    return _SECTION_FUNCS[name](data)


def report_blocks(data: ReportData) -> list[Block]:
    """Every section's blocks, in order."""
    return [b for name in SECTIONS for b in section_blocks(name, data)]


# ----------------------------------------------------------------------------- HTML

_CSS = """
@page{size:A4;margin:16mm 14mm}
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC","SimSun",sans-serif;
margin:1.5em auto;max-width:182mm;color:#222;line-height:1.45;font-size:10.5pt}
h1{font-size:16pt;text-align:center;margin:.2em 0}h2{font-size:13pt;margin-top:1.4em;
color:#1f4e79;border-bottom:1px solid #1f4e79;page-break-after:avoid}
.cover{border:2px solid #1f4e79;padding:1em 1.4em;margin-bottom:1.5em;page-break-after:always}
.cover .sub{text-align:center;color:#555;margin-bottom:1em}
.cover table{width:100%}.cover th{width:32%}
table{border-collapse:collapse;margin:.5em 0;font-size:8.5pt;width:100%;table-layout:fixed}
th,td{border:1px solid #bbb;padding:2px 4px;text-align:left;vertical-align:top;
overflow-wrap:anywhere;word-break:break-word}
th{background:#eef4f8}td.num{text-align:right;white-space:nowrap}
tr{page-break-inside:avoid}
.light{display:inline-block;width:.9em;height:.9em;border-radius:50%;margin-right:.25em;
vertical-align:-.1em;border:1px solid #555}
.green{background:#1a9850}.yellow{background:#fdae61}.red{background:#d73027}.nodata{background:#fff}
figure{margin:.6em 0;page-break-inside:avoid}img{max-width:100%}
figcaption,.note{color:#555;font-size:9pt}
"""


def _esc(x: Any) -> str:
    return html.escape(str(x)).replace("\n", "<br>")


def _light_html(status: str) -> str:
    cls = {"no data": "nodata"}.get(status, status)
    return f'<span class="light {cls}"></span>{_esc(label(status))}'


def _table_html(t: Table) -> str:
    widths = t.widths or tuple([1.0] * len(t.frame.columns))
    total = sum(widths)
    cols = "".join(f'<col style="width:{100 * w / total:.1f}%">' for w in widths)
    head = "".join(f"<th>{_esc(c)}</th>" for c in t.frame.columns)
    body = []
    for row in t.frame.itertuples(index=False):
        cells = []
        for col, v in zip(t.frame.columns, row, strict=True):
            if col == t.light:
                cells.append(f"<td>{_light_html(str(v))}</td>")
            elif is_numeric_text(str(v)):
                cells.append(f'<td class="num">{_esc(v)}</td>')
            else:
                cells.append(f"<td>{_esc(v)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f"<table><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>")


def blocks_html(blocks: list[Block]) -> str:
    """HTML of report blocks (figures inline as base64 PNG)."""
    import base64

    out = []
    for b in blocks:
        if isinstance(b, Cover):
            rows = "".join(f"<tr><th>{_esc(k)}</th><td>{_esc(v)}</td></tr>" for k, v in b.rows)
            out.append(f'<div class="cover"><h1>{_esc(b.title)}</h1><div class="sub">'
                       f"{_esc(b.subtitle)}</div><table>{rows}</table></div>")
        elif isinstance(b, Heading):
            tag = f"h{b.level}"
            text = f"{b.zh} · {b.en}" if b.en else b.zh  # Chinese-only documents: no " · "
            out.append(f"<{tag}>{_esc(text)}</{tag}>")
        elif isinstance(b, Paragraph):
            out.append(f'<p class="note">{_esc(b.text)}</p>' if b.note
                       else f"<p>{_esc(b.text)}</p>")
        elif isinstance(b, Bullets):
            out.append("<ul>" + "".join(f"<li>{_esc(i)}</li>" for i in b.items) + "</ul>")
        elif isinstance(b, Table):
            out.append(_table_html(b))
        elif isinstance(b, Picture):
            uri = "data:image/png;base64," + base64.b64encode(b.png).decode("ascii")
            cap = f"<figcaption>{_esc(b.caption)}</figcaption>" if b.caption else ""
            out.append(f'<figure><img alt="{_esc(b.alt)}" src="{uri}" '
                       f'style="width:{b.width_cm:g}cm;max-width:100%">{cap}</figure>')
    return "\n".join(out)


def section(name: str, data: ReportData) -> str:
    """HTML fragment of one report section (what a template cell displays)."""
    return blocks_html(section_blocks(name, data))


def report_fragments(data: ReportData) -> list[str]:
    """Every section's HTML fragment, in order (what the template cells display)."""
    return [section(name, data) for name in SECTIONS]


def page_html(fragments: list[str], title: str) -> str:
    """Wrap fragments in a complete page with inline CSS (no external resources)."""
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>\n"
            + "\n".join(f for f in fragments if f) + "\n</body></html>\n")


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
                         cwd=Path.cwd(), cell_timeout=600)
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
                  execute: bool = True, bureau: str | None = None, date: str | None = None,
                  data_version: str | None = None) -> Path:
    """Write the health-check report; return its path.

    ``out`` ending in ``.docx`` writes a Word document (built in-process), anything else
    (``.html``) one self-contained HTML page. The arguments are checked in-process first
    (so bad input fails fast with an :class:`InputError`), then the HTML template is
    executed headless (``execute=True``) or the blocks are built in-process. The file is
    written under a temporary name and moved into place.
    """
    from landsim.outputs import text_writer, write_output

    path = Path(out)
    if path.is_dir():
        msg = f"--out {path}: is a folder. Fix: give a file name such as report.html"
        raise InputError(msg)
    if not path.parent.exists():
        msg = f"--out {path}: folder {path.parent} not found. Fix: create it or write elsewhere"
        raise InputError(msg)
    word = path.suffix.lower() == ".docx"
    if path.suffix.lower() not in (".docx", ".html", ".htm"):
        msg = (f"--out {path}: unknown report type {path.suffix or '(none)'!r}. Fix: end the "
               "name in .html (web page) or .docx (Word)")
        raise InputError(msg)
    inputs = [p for p in (county_dir, scenario, thresholds) if p is not None]
    if layout is not None:
        inputs.append(Path(layout) / "summary.json")
    args = {"year": int(year), "county_dir": None if county_dir is None else str(county_dir),
            "scenario": None if scenario is None else str(scenario),
            "layout": None if layout is None else str(layout), "review": bool(review),
            "thresholds": None if thresholds is None else str(thresholds),
            "bureau": bureau, "date": check_report_date(date), "data_version": data_version}
    data = build_report(**args)
    title = f"{data.year} 体检评估 Health check"
    if word:
        from landsim.monitor.docx import docx_writer

        return write_output(path, docx_writer(report_blocks(data), title), inputs=inputs)
    fragments = _execute_template(args) if execute else report_fragments(data)
    return write_output(path, text_writer(page_html(fragments, title)), inputs=inputs)
