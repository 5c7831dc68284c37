"""What planners read: one number format and one bilingual label table.

Every table a planner sees (the health-check report, the widgets, the notebooks) goes
through :func:`planner_table`; single numbers through :func:`format_number`. The rules:

- thousands separators, a fixed number of decimals per unit (:data:`UNIT_DECIMALS`), never
  scientific notation, never ``-0.00``;
- years as ``2023`` (no separator);
- ``—`` for a missing value (None, NaN, ``<NA>``), ``∞`` for an unbounded one;
- where a value is compared with a threshold, enough decimals that the value shown is not
  equal to a bound it differs from (:func:`decimals_to_show`);
- column names (``binding_cap``, ...) and codes (``at_least``, ``no_start``, ...) replaced
  by their entry in the one label table :data:`LABELS` (Chinese, then English).

Areas stay hectares inside landsim; mu (亩) is shown beside them where the table has it.

>>> format_number(2534265.0, "mu"), format_number(168540.0, "ha"), format_number(-0.001, "ha")
('2,534,265', '168,540.00', '0.00')
>>> format_number(float("nan")), format_number(2023, "year"), format_number(float("inf"))
('—', '2023', '∞')
>>> column_label("binding_cap"), label("supply_rate_floor")
('约束规则 Rule that cut the quota', '供地率低于下限 Supply rate below the floor')
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import pandas as pd

from landsim.policy import COMMON

__all__ = ["CODE_LABELS", "COLUMN_LABELS", "LABELS", "MISSING", "UNIT_DECIMALS",
           "column_label", "column_unit", "decimals_to_show", "format_number", "format_year",
           "is_numeric_text", "label", "Message", "planner_message", "planner_table", "planner_view",
           "unit_text", "TableView"]

MISSING = "—"
"""What a missing value reads as."""

UNIT_DECIMALS: dict[str, int] = {
    "ha": 2, "mu": 0, "亩": 0, "m2": 0, "m2/person": 1, "km2": 2, "persons": 0, "count": 0,
    "ratio": 3, "factor": 2, "fraction": 3, "%": 1, "wan_yuan": 2, "万元": 2, "yuan": 0,
    "yuan/m3": 2, "m3": 0, "km": 2, "m": 2, "grade": 2, "degree": 1, "day": 0, "score": 1,
    "weight": 2, "ha/亿元": 2, "ha per patch": 2, "ha/ha": 2, "yi_yuan": 2,
}
"""Decimals shown per unit (unknown units: 2)."""

_SUFFIX_UNITS = (("_wan_yuan_per_ha", "万元"), ("_wan_yuan", "wan_yuan"), ("_yi_yuan", "yi_yuan"),
                 ("_ha_per_yi_yuan", "ha/亿元"), ("_ha_per_yi", "ha/亿元"), ("_m2", "m2"),
                 ("_ha", "ha"), ("_mu", "mu"), ("_m3", "m3"), ("_km", "km"), ("_pct", "%"),
                 ("_yuan", "yuan"), ("_deg", "degree"), ("_days", "day"))
"""Column-name suffix -> unit (longest first)."""

_NAMED_UNITS = {"year": "year", "years": "year", "settled_migrants": "persons",
                "parcels": "count", "units": "count", "contracts": "count", "batches": "count",
                "n_parcels": "count", "patches_before": "count", "patches_after": "count",
                "rank": "count", "breaches": "count", "quality_grade": "grade",
                "mean_grade_before": "grade", "mean_grade_after": "grade",
                "supply_rate": "fraction", "supply_rate_tested": "fraction",
                "supply_rate_5y": "fraction", "score": "ratio", "share_of_county_pct": "%",
                "urbanisation_pct": "%", "resident_pop": "persons", "registered_pop": "persons",
                "urban_pop": "persons", "registrations": "persons", "elasticity": "ratio",
                "delay_days": "day", "unpaid_recovery": "count", "weight": "weight",
                "land_use_ratio": "ratio", "cultivated_share": "fraction",
                "pbf_share": "fraction", "p_shortfall": "fraction", "breach_share": "fraction",
                "median_share": "fraction", "target_year": "year", "base_year": "year",
                "approval_year": "year", "last_year": "year", "earliest_year": "year",
                "latest_year": "year", "year_ready": "year"}
"""Columns whose unit the name does not end in."""

_FLOOR = f"{COMMON.supply_rate_floor:.0%}"

CODE_LABELS: dict[str, str] = {
    # ---- quota caps (binding_cap)
    "none": "无 none",
    "supply_rate_floor": "供地率低于下限 Supply rate below the floor",
    "udb": "城镇开发边界上限 Urban development boundary cap",
    "upper_plan": "上级规划剩余规模 Upper-level plan remainder",
    "per_capita_brake": "人均用地制动 Per-capita brake",
    # ---- directions
    "at_least": "不低于 at least", "at_most": "不高于 at most", "within": "区间内 within",
    # ---- traffic lights
    "green": "绿 green", "yellow": "黄 yellow", "red": "红 red", "no data": "无数据 no data",
    # ---- basis
    "history": "历史统计 history", "simulation": "模拟 simulation",
    "5-year trend": "近五年趋势外推 5-year trend",
    # ---- idle land
    "no_start": "未动工满一年 Not started one year after the agreed date",
    "suspended": "中止开发满一年 Development suspended for a year",
    "enterprise": "企业原因 enterprise", "government": "政府原因 government",
    # ---- layout changes
    "kept": "保留 kept", "added": "调入 added", "removed": "调出 removed",
    # ---- eligibility criteria
    "cultivated": "耕地 Cultivated",
    "slope_ok": f"坡度 ≤ {COMMON.max_slope_deg:g}° Slope ≤ {COMMON.max_slope_deg:g}°",
    "outside_redline": "生态保护红线外 Outside the ecological red line",
    "outside_udb": "城镇开发边界外 Outside the urban development boundary",
    "stable": "稳定耕地 Stable cultivated land",
    "eligible": "可划入永久基本农田 Eligible for PBF",
    # ---- land-supply levels and categories
    "county": "全县 county", "township": "乡镇 township",
    "idle": "闲置 idle", "inefficient": "低效 inefficient", "unsupplied": "批而未供 unsupplied",
    "not_evaluated": "未评价 not evaluated",
}
"""Bilingual label of every code shown to planners in a table cell (Chinese, then English)."""

COLUMN_LABELS: dict[str, str] = {
    "year": "年份 Year",
    "scenario": "情景 Scenario",
    "item": "项目 Item",
    "name": "名称 Name",
    "status": "状态 Status",
    "value": "数值 Value",
    "unit": "单位 Unit",
    "basis": "数据基础 Basis",
    "direction": "方向 Direction",
    "indicator": "指标 Indicator",
    "green": "绿灯区间 Green",
    "yellow": "黄灯区间 Yellow",
    "area_ha": "面积 Area [ha]",
    "area_mu": "面积 Area [亩]",
    "share_pct": "占比 Share [%]",
    "share_of_county_pct": "占全县 Share of county [%]",
    "parcels": "图斑数 Parcels",
    "land_class": "地类编码 Land class",
    "township": "乡镇 Township",
    "settled_migrants": "落户人数 Settled migrants [人]",
    "per_capita_urban_land_m2": "人均城镇建设用地 Per-capita urban land [m²/人]",
    "standard_m2": "挂钩标准 Standard [m²/人]",
    "pop_link_requested_ha": "人地挂钩申请 Population link requested [ha]",
    "pop_link_quota_ha": "人地挂钩批准 Population link granted [ha]",
    "pop_link_granted_ha": "人地挂钩批准 Population link granted [ha]",
    "stock_disposed_ha": "存量处置 Stock disposed [ha]",
    "stock_link_requested_ha": "增存挂钩申请 Stock link requested [ha]",
    "stock_link_quota_ha": "增存挂钩批准 Stock link granted [ha]",
    "stock_link_granted_ha": "增存挂钩批准 Stock link granted [ha]",
    "key_project_requested_ha": "重点项目申请 Key projects requested [ha]",
    "key_project_quota_ha": "重点项目批准 Key projects granted [ha]",
    "key_project_granted_ha": "重点项目批准 Key projects granted [ha]",
    "new_construction_land_ha": "新增建设用地 New construction land [ha]",
    "cumulative_new_ha": "累计新增 Cumulative new [ha]",
    "cap_remaining_ha": "上级规划剩余 Upper-level plan left [ha]",
    "udb_room_ha": "开发边界余量 Room in the UDB [ha]",
    "withheld_ha": "未批准 Withheld [ha]",
    "binding_cap": "约束规则 Rule that cut the quota",
    "supply_rate": "近五年供地率(年末) 5-year supply rate, year end",
    "supply_rate_tested": "近五年供地率(上年末) 5-year supply rate tested",
    "supply_rate_5y": "近五年平均供地率 5-year supply rate",
    "cultivated_occupied_ha": "占用耕地 Cultivated land occupied [ha]",
    "check": "检查 Check",
    "criterion": "标准 Criterion",
    "before": "调整前 Before",
    "after": "调整后 After",
    "passed": "通过 Passed",
    "detail": "说明 Detail",
    "requirement": "要求 Requirement",
    "test": "判定 Test",
    "cause": "原因 Cause",
    "contracts": "合同数 Contracts",
    "fee_wan_yuan": "闲置费 Idle fee [万元]",
    "unpaid_recovery": "可无偿收回 Recoverable without compensation",
    "perf_class": "亩均效益分类 Performance class",
    "units": "单位数 Units",
    "method": "方法 Method",
    "scheme_id": "方案 Scheme",
    "score": "得分 Score",
    "rank": "排名 Rank",
    "tie_rule": "同等条件规则 Tie rule",
    "component": "费用项 Cost item",
    "cost_yuan": "费用 Cost [元]",
    "cost_wan_yuan": "费用 Cost [万元]",
    "quantity": "数量项 Quantity",
    "total": "合计 Total",
    "total_mu": "合计 Total [亩]",
    "target_value": "目标值 Target",
    "target_year": "目标年 Target year",
    "base_value": "基期值 Base value",
    "base_year": "基期年 Base year",
    "path_value": "路径应达值 Value due on the path",
    "projected_target_year": "目标年预测值 Projected for the target year",
    "projected_basis": "预测依据 Projection basis",
    "on_path": "符合路径 On the path",
    "target_met": "可达目标 Target reachable",
    "name_zh": "名称 Name",
    "section": "章节 Section",
    "objective": "目标函数值 Objective",
    "gap": "相对间隙 Relative gap",
    "solver": "求解器 Solver",
    "target_ha": "保护目标 Target [ha]",
    "area_before_ha": "调整前面积 Area before [ha]",
    "area_after_ha": "调整后面积 Area after [ha]",
    "added_ha": "调入 Added [ha]",
    "removed_ha": "调出 Removed [ha]",
    "mean_grade_before": "调整前平均等别 Mean grade before",
    "mean_grade_after": "调整后平均等别 Mean grade after",
    "patches_before": "调整前连片数 Patches before",
    "patches_after": "调整后连片数 Patches after",
}
"""Bilingual header of every column shown to planners (Chinese, then English)."""

LABELS = {"codes": CODE_LABELS, "columns": COLUMN_LABELS}
"""The one label table: codes (cell values) and columns (headers)."""


UNIT_TEXT = {"m2/person": "m²/人", "m2": "m²", "m3": "m³", "mu": "亩", "persons": "人",
             "wan_yuan": "万元", "degree": "°"}
"""How a unit code is written for planners (others as they are)."""


def unit_text(unit: Any) -> str:
    """A unit as planners write it.

    >>> unit_text("m2/person"), unit_text("ha")
    ('m²/人', 'ha')
    """
    return UNIT_TEXT.get(str(unit), str(unit))


def label(code: Any) -> str:
    """Bilingual label of a code (:data:`CODE_LABELS`); anything unknown is returned as text.

    >>> label("at_least"), label("W1")
    ('不低于 at least', 'W1')
    """
    text = str(code)
    return CODE_LABELS.get(text, text)


def column_unit(name: str) -> str | None:
    """Unit of a column from its name (``area_ha`` -> ``'ha'``; ``year`` -> ``'year'``).

    >>> column_unit("area_mu"), column_unit("year"), column_unit("fee_wan_yuan"), column_unit("x")
    ('mu', 'year', 'wan_yuan', None)
    """
    if name in _NAMED_UNITS:
        return _NAMED_UNITS[name]
    for suffix, unit in _SUFFIX_UNITS:
        if name.endswith(suffix):
            return unit
    return None


def column_label(name: Any) -> str:
    """Column header for planners: its :data:`COLUMN_LABELS` entry, else the name with its
    unit.

    >>> column_label("area_ha"), column_label("eligible_mu")
    ('面积 Area [ha]', 'eligible [亩]')
    """
    text = str(name)
    if text in COLUMN_LABELS:
        return COLUMN_LABELS[text]
    unit = column_unit(text)
    for suffix, u in _SUFFIX_UNITS:
        if text.endswith(suffix) and u == unit:
            shown = {"mu": "亩", "wan_yuan": "万元", "m2": "m²", "m3": "m³"}.get(u, u)
            return f"{text.removesuffix(suffix).replace('_', ' ')} [{shown}]"
    return text


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(isinstance(value, float | np.floating) and math.isnan(value))
    except TypeError:
        return False


def format_year(value: Any) -> str:
    """A calendar year without separator (``—`` when missing).

    >>> format_year(2023.0), format_year(None)
    ('2023', '—')
    """
    if _is_missing(value):
        return MISSING
    return str(int(round(float(value))))


def format_number(value: Any, unit: str | None = None, decimals: int | None = None) -> str:
    """One number as planners read it.

    Parameters
    ----------
    value : number, bool, str or missing
        Strings pass through :func:`label`; booleans read 是 yes / 否 no.
    unit : str, optional
        Unit of the value: picks the decimals (:data:`UNIT_DECIMALS`); ``'year'`` prints a
        year.
    decimals : int, optional
        Overrides the unit's decimals.

    >>> format_number(1234.5, "ha"), format_number(1234.5, "mu"), format_number(0.53431, "fraction")
    ('1,234.50', '1,235', '0.534')
    >>> format_number(True), format_number(-0.004, decimals=2), format_number(3e-07, "ha")
    ('是 yes', '0.00', '0.00')
    """
    if _is_missing(value):
        return MISSING
    if isinstance(value, bool | np.bool_):
        return "是 yes" if value else "否 no"
    if isinstance(value, str):
        return label(value)
    if unit == "year":
        return format_year(value)
    if not isinstance(value, int | float | np.integer | np.floating):
        return label(value)
    x = float(value)
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    if decimals is None:
        integral = isinstance(value, int | np.integer)
        decimals = 0 if integral and unit is None else UNIT_DECIMALS.get(unit or "", 2)
    # half away from zero on the decimal text (1234.5 mu -> 1,235), as planners round
    exact = Decimal(repr(x)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{exact:,.{decimals}f}"
    if re.fullmatch(r"-[0,.]+", text):  # no "-0.00"
        text = text[1:]
    return text


def is_numeric_text(text: str) -> bool:
    """Whether a formatted cell is a number (right-aligned in tables).

    >>> is_numeric_text("1,234.50"), is_numeric_text("53.4 %"), is_numeric_text("—")
    (True, True, False)
    """
    t = str(text).replace(",", "").replace(" %", "").replace("−", "-").strip()
    try:
        float(t)
    except ValueError:
        return False
    return True


def decimals_to_show(value: float, bounds: Iterable[float], decimals: int,
                     most: int = 6) -> int:
    """Decimals that keep ``value`` from being shown equal to a bound it differs from.

    A traffic light is decided on the exact value; if 1.0049 were printed as 1.005 beside
    the green bound ``>= 1.005`` (and a yellow light), the table would contradict itself.

    >>> decimals_to_show(1.0049, [1.005, 1.0], 3), decimals_to_show(1.2, [1.005], 3)
    (4, 3)
    >>> decimals_to_show(1.0 + 1e-12, [1.0], 3)
    3
    """
    if _is_missing(value) or not math.isfinite(float(value)):
        return decimals
    # a value within rounding noise of a bound is on it (and gets that bound's colour)
    finite = [float(b) for b in bounds if b is not None and math.isfinite(float(b))
              and abs(float(value) - float(b)) > 1e-9 * max(1.0, abs(float(b)))]
    d = decimals
    while d < most and any(float(value) != b and format_number(float(value), decimals=d)
                           == format_number(b, decimals=d) for b in finite):
        d += 1
    return d


def planner_table(frame: pd.DataFrame, *, units: Mapping[str, str] | None = None,
                  decimals: Mapping[str, int] | None = None, labels: bool = True,
                  index: bool = False) -> pd.DataFrame:
    """``frame`` as planners read it: every cell formatted text, bilingual headers.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table of landsim (hectares inside).
    units : mapping, optional
        Column -> unit, for columns whose name does not tell it (:func:`column_unit`).
    decimals : mapping, optional
        Column -> decimals, overriding the unit's.
    labels : bool
        Replace column names and codes by :data:`LABELS`.
    index : bool
        Keep the index (formatted, as the first column) instead of dropping it.

    Returns
    -------
    pandas.DataFrame
        Same rows, text cells, a plain 0..n-1 index.

    Examples
    --------
    >>> t = pd.DataFrame({"year": [2023, 2024], "area_ha": [168540.0, -1e-12],
    ...                   "area_mu": [2528100.0, 0.0], "binding_cap": ["udb", "none"]})
    >>> planner_table(t).to_dict("list")  # doctest: +NORMALIZE_WHITESPACE
    {'年份 Year': ['2023', '2024'], '面积 Area [ha]': ['168,540.00', '0.00'],
     '面积 Area [亩]': ['2,528,100', '0'],
     '约束规则 Rule that cut the quota': ['城镇开发边界上限 Urban development boundary cap', '无 none']}
    """
    units = dict(units or {})
    decimals = dict(decimals or {})
    t = frame.reset_index() if index else frame.reset_index(drop=True)
    out = pd.DataFrame(index=range(len(t)))
    for col in t.columns:
        name = str(col)
        unit = units.get(name, column_unit(name))
        d = decimals.get(name)
        values = t[col].tolist()
        if labels:
            cells = [format_number(v, unit, d) for v in values]
        else:
            cells = [str(v) if isinstance(v, str) else format_number(v, unit, d)
                     for v in values]
        out[column_label(name) if labels else name] = cells
    return out


class TableView:
    """A planner table for display: HTML without the row index, plain text for logs and
    nbval (also without the index). Build it with :func:`planner_view`."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame

    def _repr_html_(self) -> str:
        return self.frame.to_html(index=False, border=0, classes="landsim-table",
                                  escape=True)

    def __repr__(self) -> str:
        return self.frame.to_string(index=False)


def planner_view(frame: pd.DataFrame, **kwargs: Any) -> TableView:
    """:func:`planner_table` of ``frame`` ready to display (notebooks, widgets).

    >>> print(planner_view(pd.DataFrame({"year": [2023], "area_ha": [1234.5]})))
    年份 Year 面积 Area [ha]
       2023     1,234.50
    """
    return TableView(planner_table(frame, **kwargs))


class Message:
    """A bilingual message for display: red text in HTML, the plain sentence as text."""

    def __init__(self, text: str) -> None:
        self.text = text

    def _repr_html_(self) -> str:
        import html

        return f'<p class="landsim-message" style="color:#b00">{html.escape(self.text)}</p>'

    def __repr__(self) -> str:
        return self.text


def planner_message(err: BaseException, names: Mapping[str, str] | None = None) -> str:
    """One bilingual sentence for an error a planner meets in a widget.

    Argument names in the message are replaced by their control labels (``names``) or
    column labels, so no code name is shown; errors that are not landsim's own read as
    an internal failure (never a traceback).

    >>> from landsim.errors import InputError
    >>> planner_message(InputError("area_ha must be > 0"))
    '无法按这些数值计算，请调整后重试。Cannot compute with these values: 面积 Area [ha] must be > 0'
    """
    from landsim.errors import InfeasibleError, LandsimError

    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    for name, shown in sorted({**{k: v for k, v in COLUMN_LABELS.items()},
                               **dict(names or {})}.items(), key=lambda kv: -len(kv[0])):
        if "_" in name or name in (names or {}):
            text = re.sub(rf"\b{re.escape(name)}\b", shown, text)
    if isinstance(err, InfeasibleError):
        return f"在这些条件下无解，请调整后重试。No solution under these settings: {text}"
    if isinstance(err, LandsimError | ValueError):
        return f"无法按这些数值计算，请调整后重试。Cannot compute with these values: {text}"
    return ("计算出错，请调整数值或重新打开页面。The calculation failed; change a value or "
            f"reload the page ({type(err).__name__}).")
