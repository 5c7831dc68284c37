"""Written diagnosis of every red or yellow indicator (体检评估: 问题、原因、建议).

:func:`diagnose` turns the traffic lights of a year into one row per red or yellow light:
the cause, read from the county's own figures (the formula inputs of
:func:`~landsim.monitor.indicators.monitor_frame`, the targets of
``planning_targets.csv`` and the quota run), and the recommended action, in Chinese for the
bureau with English beside it. An action never relaxes a legal limit (the 25° slope, the
binding floors, the 60 % supply-rate floor, the 1.3 x boundary cap): it names what the
county does to come back within them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from landsim.monitor.thresholds import Threshold
from landsim.policy import COMMON
from landsim.presentation import UNIT_DECIMALS, decimals_to_show, format_number, unit_text
from landsim.units import ha_to_mu

__all__ = ["DIAGNOSIS_COLUMNS", "Finding", "diagnose"]

DIAGNOSIS_COLUMNS = ("indicator", "name", "status", "cause_zh", "cause_en", "action_zh",
                     "action_en")
"""Columns of :func:`diagnose`."""


@dataclass(frozen=True)
class Finding:
    """Cause and recommended action of one light, in Chinese and English."""

    cause_zh: str
    cause_en: str
    action_zh: str
    action_en: str


def _n(x: Any, unit: str | None = None, decimals: int | None = None) -> str:
    return format_number(x, unit, decimals)


def _pct(x: float) -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.1f} %"


def _area(ha: float) -> str:
    return f"{_n(ha, 'ha')} ha（{_n(ha_to_mu(ha), 'mu')} 亩）"


def _area_en(ha: float) -> str:
    return f"{_n(ha, 'ha')} ha ({_n(ha_to_mu(ha), 'mu')} mu)"


@dataclass(frozen=True)
class _Context:
    year: int
    status: str
    value: float
    threshold: Threshold
    row: pd.Series
    first: pd.Series
    targets: Mapping[str, float]
    annual: pd.DataFrame | None


def _bound(ctx: _Context, which: str) -> str:
    return ctx.threshold.describe(which)


def _binding(key: str, target_key: str, name_zh: str, name_en: str, column: str,
             floor: bool, action_red: tuple[str, str], action_yellow: tuple[str, str]
             ) -> Callable[[_Context], Finding]:
    def find(ctx: _Context) -> Finding:
        actual = float(ctx.row.get(column, math.nan))
        target = float(ctx.targets.get(target_key, math.nan))
        gap = actual - target
        if ctx.status == "red":
            word_zh = "低于" if floor else "超过"
            word_en = "below" if floor else "above"
            cause_zh = (f"{ctx.year} 年{name_zh} {_area(actual)}，{word_zh}规划目标 "
                        f"{_area(target)}，差 {_area(abs(gap))}。")
            cause_en = (f"{name_en} {_area_en(actual)} in {ctx.year}, {word_en} the plan's "
                        f"{_area_en(target)} by {_area_en(abs(gap))}.")
            zh, en = action_red
        else:
            cause_zh = (f"{ctx.year} 年{name_zh} {_area(actual)}，守住目标 {_area(target)}，"
                        f"但余量仅 {_area(abs(gap))}，在预警幅度内（绿灯 {_bound(ctx, 'green')}）。")
            cause_en = (f"{name_en} {_area_en(actual)} in {ctx.year} keeps the plan's "
                        f"{_area_en(target)}, but the margin of {_area_en(abs(gap))} is inside "
                        f"the early-warning band (green {_bound(ctx, 'green')}).")
            zh, en = action_yellow
        return Finding(cause_zh, cause_en, zh, en)

    find.__name__ = f"find_{key}"
    return find


def _per_capita(scope_zh: str, scope_en: str, land: str, pop: str, standard: str
                ) -> Callable[[_Context], Finding]:
    def find(ctx: _Context) -> Finding:
        land_now, pop_now = float(ctx.row.get(land, math.nan)), float(ctx.row.get(pop, math.nan))
        land_0, pop_0 = (float(ctx.first.get(land, math.nan)),
                         float(ctx.first.get(pop, math.nan)))
        y0 = int(ctx.first["year"])
        side = "高于" if ctx.value > ctx.threshold.green[1] else "低于"
        side_en = "above" if ctx.value > ctx.threshold.green[1] else "below"
        trend_zh = trend_en = ""
        if all(math.isfinite(x) and x > 0 for x in (land_now, pop_now, land_0, pop_0)):
            dl, dp = land_now / land_0 - 1, pop_now / pop_0 - 1
            trend_zh = (f"{y0}–{ctx.year} 年城镇建设用地变化 {_pct(dl)}，城镇人口变化 "
                        f"{_pct(dp)}。")
            trend_en = (f"From {y0} to {ctx.year} urban construction land changed by "
                        f"{_pct(dl)} and urban population by {_pct(dp)}.")
        cause_zh = (f"{scope_zh}人均城镇建设用地 {_n(ctx.value, 'm2/person')} m²/人（"
                    f"{_area(land_now)} / {_n(pop_now, 'persons')} 人），{side}{standard} "
                    f"区间 {_bound(ctx, 'green')} m²/人。{trend_zh}")
        cause_en = (f"Per-capita urban construction land of {scope_en} is "
                    f"{_n(ctx.value, 'm2/person')} m²/person ({_area_en(land_now)} for "
                    f"{_n(pop_now, 'persons')} people), {side_en} the {standard} band "
                    f"{_bound(ctx, 'green')} m²/person. {trend_en}".strip())
        if side_en == "above":
            action_zh = ("以盘活存量为主：优先利用批而未供、闲置和低效用地；新增城镇建设用地按"
                         "人地挂钩标准从严核定（人均超过 150 m² 时按 50 m²/人）；可在两挂钩模拟中"
                         "启用人均用地制动评估其后果。标准不调整，以用地整改回到区间内。")
            action_en = ("Use stock land first (approved-but-unsupplied, idle and inefficient "
                         "land); grant new urban land strictly by the population-link tiers "
                         "(50 m²/person above 150 m²); the quota simulation's per-capita brake "
                         "shows the consequence. The standard stays; land use comes back "
                         "within it.")
        else:
            action_zh = "核实城镇人口与用地数据；人口集聚区按标准保障民生用地。"
            action_en = ("Check the urban population and land figures; provide livelihood "
                         "land by the standard where people concentrate.")
        return Finding(cause_zh, cause_en, action_zh, action_en)

    return find


def _supply_rate(ctx: _Context) -> Finding:
    withheld = []
    if ctx.annual is not None and "binding_cap" in ctx.annual:
        caps = ctx.annual[ctx.annual["binding_cap"].astype(str) == "supply_rate_floor"]
        withheld = [int(y) for y in caps["year"]]
    floor = COMMON.supply_rate_floor
    years_zh = (f"两挂钩模拟中 {'、'.join(str(y) for y in withheld)} 年因此不安排增存挂钩指标。"
                if withheld else "")
    years_en = (f"The quota simulation withholds the stock-linked quota in "
                f"{', '.join(str(y) for y in withheld)}." if withheld else "")
    if ctx.value < floor:
        cause_zh = (f"近五年平均供地率 {_pct(ctx.value)}，低于 {_pct(floor)} 的下限："
                    f"批准的土地中有较多尚未供应（批而未供）。{years_zh}")
        cause_en = (f"The five-year supply rate is {_pct(ctx.value)}, below the "
                    f"{_pct(floor)} floor: much approved land is still unsupplied. {years_en}")
    else:
        cause_zh = (f"近五年平均供地率 {_pct(ctx.value)}，达到 {_pct(floor)} 下限，但在预警"
                    f"幅度内（绿灯 {_bound(ctx, 'green')}）。{years_zh}")
        cause_en = (f"The five-year supply rate of {_pct(ctx.value)} keeps the "
                    f"{_pct(floor)} floor but is inside the early-warning band (green "
                    f"{_bound(ctx, 'green')}). {years_en}")
    action_zh = ("逐批核查批而未供原因（landsim stock assess），加快供应或依法处置；供地率回到"
                 f"{_pct(floor)} 以上后方可获得普通新增指标。")
    action_en = ("Check every unsupplied batch (landsim stock assess) and supply or dispose of "
                 f"it; ordinary new quota returns once the rate is back above {_pct(floor)}.")
    return Finding(cause_zh, cause_en.strip(), action_zh, action_en)


def _idle(ctx: _Context) -> Finding:
    found = float(ctx.row.get("idle_identified_ha", math.nan))
    done = float(ctx.row.get("idle_disposed_ha", math.nan))
    cause_zh = (f"截至 {ctx.year} 年末认定闲置土地 {_area(found)}，已处置 {_area(done)}，"
                f"处置率 {_pct(ctx.value)}（绿灯 {_bound(ctx, 'green')}，假定值）。")
    cause_en = (f"By the end of {ctx.year}, {_area_en(found)} of idle land was identified and "
                f"{_area_en(done)} disposed of: {_pct(ctx.value)} (green "
                f"{_bound(ctx, 'green')}, ASSUMED).")
    action_zh = ("依《闲置土地处置办法》（国土资源部令第53号）处置：企业原因的征收土地闲置费，"
                 "满两年的无偿收回；政府原因的协商延长期限、调整用途、临时使用、置换或有偿收回。")
    action_en = ("Dispose of idle land under Order No. 53: for enterprise causes charge the "
                 "idle-land fee and recover without compensation after two years; for "
                 "government causes agree an extension, a change of use, temporary use, a "
                 "swap or a compensated recovery.")
    return Finding(cause_zh, cause_en, action_zh, action_en)


def _stock_share(ctx: _Context) -> Finding:
    total = float(ctx.row.get("land_supplied_ha", math.nan))
    stock = float(ctx.row.get("supplied_from_stock_ha", math.nan))
    cause_zh = (f"{ctx.year} 年供应土地 {_area(total)}，其中存量 {_area(stock)}，占 "
                f"{_pct(ctx.value)}（绿灯 {_bound(ctx, 'green')}，假定值）。")
    cause_en = (f"Of {_area_en(total)} supplied in {ctx.year}, {_area_en(stock)} came from "
                f"stock: {_pct(ctx.value)} (green {_bound(ctx, 'green')}, ASSUMED).")
    action_zh = "年度供地计划优先安排批而未供、闲置和低效用地，减少新增占用。"
    action_en = ("Put approved-but-unsupplied, idle and inefficient land first in the annual "
                 "supply plan, so less new land is taken.")
    return Finding(cause_zh, cause_en, action_zh, action_en)


def _multiple(name_zh: str, name_en: str, column: str) -> Callable[[_Context], Finding]:
    def find(ctx: _Context) -> Finding:
        area = float(ctx.row.get(column, math.nan))
        base = float(ctx.row.get("udb_base_urban_land_ha", math.nan))
        cap = COMMON.udb_expansion_multiple
        cause_zh = (f"{name_zh} {_area(area)}，为 {COMMON.udb_base_year} 年城镇建设用地 "
                    f"{_area(base)} 的 {_n(ctx.value, 'factor')} 倍（上限 {cap:g} 倍，绿灯 "
                    f"{_bound(ctx, 'green')}）。")
        cause_en = (f"{name_en} {_area_en(area)} is {_n(ctx.value, 'factor')} x the "
                    f"{COMMON.udb_base_year} urban construction land {_area_en(base)} (cap "
                    f"{cap:g} x, green {_bound(ctx, 'green')}).")
        action_zh = ("城镇开发边界外不新增城镇建设用地；新增规模优先用于存量盘活，按年度核减剩余"
                     "空间。")
        action_en = ("Add no urban construction land outside the boundary; use what room is "
                     "left for stock revitalisation first and track it every year.")
        return Finding(cause_zh, cause_en, action_zh, action_en)

    return find


def _gdp_gap(ctx: _Context) -> Finding:
    cause_zh = (f"单位GDP建设用地下降幅度较 2020–2035 年下降 40 % 的匀速路径相差 "
                f"{_n(100 * ctx.value, 'fraction', 1)} 个百分点（绿灯 {_bound(ctx, 'green')}）。")
    cause_en = (f"The decline of construction land per unit GDP is "
                f"{_n(100 * ctx.value, 'fraction', 1)} points off the constant-rate path to "
                f"-40 % by 2035 (green {_bound(ctx, 'green')}).")
    action_zh = "推进低效用地再开发和亩均效益评价，提高存量供应比例，控制新增建设用地。"
    action_en = ("Redevelop inefficient land, apply the per-mu performance evaluation, supply "
                 "more from stock and less new construction land.")
    return Finding(cause_zh, cause_en, action_zh, action_en)


def _elasticity(ctx: _Context) -> Finding:
    cause_zh = (f"城镇用地增长率与城镇人口增长率之比为 {_n(ctx.value, 'ratio')}（基准 "
                f"{COMMON.elasticity_benchmark:g}，绿灯 {_bound(ctx, 'green')}）："
                "用地增长快于人口增长。")
    cause_en = (f"Urban land grows {_n(ctx.value, 'ratio')} times as fast as urban "
                f"population (benchmark {COMMON.elasticity_benchmark:g}, green "
                f"{_bound(ctx, 'green')}).")
    action_zh = "新增城镇建设用地与落户人口挂钩，人口减少的乡镇不安排新增城镇用地。"
    action_en = ("Tie new urban land to settled migrants; plan no new urban land where the "
                 "population falls.")
    return Finding(cause_zh, cause_en, action_zh, action_en)


def _flexible(ctx: _Context) -> Finding:
    cause_zh = (f"弹性发展区占集中建设区 {_pct(ctx.value)}（上限 "
                f"{_pct(COMMON.flexible_zone_share_max)}，RECALLED）。")
    cause_en = (f"The flexible development zone is {_pct(ctx.value)} of the concentrated "
                f"construction zone (cap {_pct(COMMON.flexible_zone_share_max)}, RECALLED).")
    action_zh = "按开发边界划定规则核减弹性发展区。"
    action_en = "Reduce the flexible zone to the delineation rule."
    return Finding(cause_zh, cause_en, action_zh, action_en)


_KEEP_ZH = "严格控制建设占用，落实占补平衡和进出平衡，按年度变更调查跟踪。"
_KEEP_EN = ("Limit construction on it, balance every loss by replenishment, and track it in "
            "each annual change survey.")

_FINDERS: dict[str, Callable[[_Context], Finding]] = {
    "cultivated_land_vs_target": _binding(
        "cultivated", "cultivated_land_ha", "耕地保有量", "Cultivated land", "cultivated_land_ha",
        True, ("整改耕地流出，补足缺口（占补平衡、进出平衡）；缺口补足前暂停占用耕地的项目审批。",
               "Restore the cultivated land lost and close the gap (replenishment balance); "
               "approve no project that takes cultivated land until it is closed."),
        (_KEEP_ZH, _KEEP_EN)),
    "pbf_vs_task": _binding(
        "pbf", "pbf_ha", "永久基本农田", "Permanent basic farmland", "pbf_ha", True,
        ("按数量不减、质量不降、布局稳定补划永久基本农田（landsim farmland optimize 拟定方案）。",
         "Re-designate PBF so that its area does not fall, its quality does not drop and its "
         "layout stays stable (landsim farmland optimize drafts a layout)."),
        (_KEEP_ZH, _KEEP_EN)),
    "eco_redline_vs_target": _binding(
        "eco", "eco_redline_ha", "生态保护红线面积", "Ecological red line area", "eco_redline_ha",
        True, ("核查红线内图斑变化，恢复被占用地块；红线不调减。",
               "Check the parcels inside the red line and restore what was taken; the line is "
               "not reduced."),
        ("核查红线内图斑变化。", "Check the parcels inside the red line.")),
    "udb_area_vs_target": _binding(
        "udb", "udb_ha", "城镇开发边界面积", "Urban development boundary area", "udb_ha", False,
        ("按批准的城镇开发边界核减超出部分。",
         "Take the boundary back to the approved area."),
        ("边界调整须按程序报批。", "Any boundary change goes through approval.")),
    "udb_expansion_multiple": _multiple("城镇开发边界面积", "The urban development boundary",
                                        "udb_ha"),
    "urban_land_growth_multiple": _multiple("城镇建设用地", "Urban construction land",
                                            "urban_construction_land_ha"),
    "flexible_zone_share": _flexible,
    "per_capita_urban_land": _per_capita("全县", "the county", "urban_construction_land_ha",
                                         "urban_pop", "GB 50137-2011"),
    "per_capita_seat_land": _per_capita("县城", "the county seat", "seat_urban_land_ha",
                                        "seat_urban_pop", "GB 50137-2011"),
    "per_capita_town_land": _per_capita("其他镇", "the other towns", "town_urban_land_ha",
                                        "town_urban_pop", "GB 50188-2007"),
    "gdp_land_decline_gap": _gdp_gap,
    "land_pop_elasticity": _elasticity,
    "supply_rate_5y": _supply_rate,
    "idle_disposal_rate": _idle,
    "stock_supply_share": _stock_share,
}
"""Indicator key -> the function that writes its finding."""

def _review_finding(row: pd.Series, year: int) -> Finding:
    u = {"ha": "ha", "m2/person": "m2/person"}.get(str(row["unit"]))
    unit = unit_text(row["unit"])
    base = UNIT_DECIMALS.get(u or "", 2)
    floor = str(row["direction"]) == "at_least"

    def kept(bound: float) -> tuple[float, float]:
        from landsim.monitor.lights import TARGET_TOLERANCE

        tol = TARGET_TOLERANCE
        return (bound - tol, math.inf) if floor else (-math.inf, bound + tol)

    d_now = decimals_to_show(float(row["value"]), [kept(float(row["path_value"]))], base)
    d_proj = decimals_to_show(float(row["projected_target_year"]),
                              [kept(float(row["target_value"]))], base)
    value, path = _n(row["value"], u, d_now), _n(row["path_value"], u, d_now)
    proj = _n(row["projected_target_year"], u, d_proj)
    target = _n(row["target_value"], u, d_proj)
    basis = str(row["projected_basis"])
    basis_zh = {"simulation": "两挂钩模拟", "5-year trend": "近五年趋势外推"}.get(basis, basis)
    ty = int(row["target_year"])
    cause_zh = (f"{row['name_zh']}：{year} 年 {value} {unit}，直线路径应达 {path} {unit}；"
                f"{ty} 年预测 {proj} {unit}（{basis_zh}），目标 {target} {unit}。")
    cause_en = (f"{year}: {value} {unit} against {path} {unit} due on the straight path; "
                f"{proj} {unit} projected for {ty} ({basis}) against the target {target} {unit}.")
    action_zh = ("按规划目标制定年度控制计划，逐年对照路径值跟踪。" if floor else
                 "控制年度新增规模，使其回到直线路径之下。")
    action_en = ("Set yearly control figures from the target and track them against the path."
                 if floor else "Hold the yearly increase so the figure returns below the path.")
    return Finding(cause_zh, cause_en, action_zh, action_en)


def diagnose(lights: pd.DataFrame, frame: pd.DataFrame, year: int,
             thresholds: Mapping[str, Threshold], targets: Mapping[str, float],
             annual: pd.DataFrame | None = None, review: pd.DataFrame | None = None
             ) -> pd.DataFrame:
    """One row per red or yellow light (and review row) with its cause and action.

    Parameters
    ----------
    lights : pandas.DataFrame
        :func:`~landsim.monitor.lights.traffic_lights` of ``year``.
    frame : pandas.DataFrame
        Formula inputs per year (:func:`~landsim.monitor.indicators.monitor_frame`).
    year : int
        Year assessed. [year]
    thresholds : mapping
        Indicator key -> :class:`~landsim.monitor.thresholds.Threshold`.
    targets : mapping
        planning_targets.csv indicator -> target value.
    annual : pandas.DataFrame, optional
        County annual quota table (years the supply-rate floor withheld quota).
    review : pandas.DataFrame, optional
        :func:`~landsim.monitor.lights.five_year_review` of ``year``; its red and yellow
        rows are diagnosed too.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`DIAGNOSIS_COLUMNS`, red rows first.

    Examples
    --------
    >>> from landsim.monitor import load_thresholds
    >>> lights = pd.DataFrame({"indicator": ["supply_rate_5y"], "name": ["近五年平均供地率"],
    ...                        "value": [0.534], "status": ["red"]})
    >>> frame = pd.DataFrame({"year": [2022], "supply_rate_5y": [0.534]})
    >>> d = diagnose(lights, frame, 2022, load_thresholds(), {})
    >>> d.loc[0, "cause_zh"].split("：")[0]
    '近五年平均供地率 53.4 %，低于 60.0 % 的下限'
    """
    f = frame.sort_values("year").set_index("year", drop=False)
    row = f.loc[year]
    first = f.iloc[0]
    rows = []
    for light in lights.itertuples(index=False):
        if light.status not in ("red", "yellow"):
            continue
        ctx = _Context(int(year), str(light.status), float(light.value),
                       thresholds[light.indicator], row, first, targets, annual)
        finder = _FINDERS.get(str(light.indicator))
        if finder is None:
            continue
        found = finder(ctx)
        rows.append({"indicator": light.indicator, "name": light.name, "status": light.status,
                     "cause_zh": found.cause_zh, "cause_en": found.cause_en,
                     "action_zh": found.action_zh, "action_en": found.action_en})
    if review is not None:
        for _, r in review.iterrows():
            if r["status"] not in ("red", "yellow"):
                continue
            found = _review_finding(r, int(year))
            rows.append({"indicator": f"review:{r['indicator']}",
                         "name": f"{r['name_zh']}（五年评估 five-year review）",
                         "status": r["status"], "cause_zh": found.cause_zh,
                         "cause_en": found.cause_en, "action_zh": found.action_zh,
                         "action_en": found.action_en})
    out = pd.DataFrame(rows, columns=list(DIAGNOSIS_COLUMNS))
    order = {"red": 0, "yellow": 1}
    return out.sort_values("status", key=lambda s: s.map(order), kind="stable"
                           ).reset_index(drop=True)
