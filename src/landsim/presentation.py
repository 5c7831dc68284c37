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
           "interval_of", "is_numeric_text", "label", "Message", "planner_message", "planner_table", "planner_view",
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
    "cultivated_balance": "占补平衡账户不足 Cultivated-balance accounts short",
    # ---- acceptance rules of newly added cultivated land (cultivated.projects.RULES)
    "status": "验收状态 acceptance status", "slope": "坡度 slope",
    "soil_depth": "土层厚度 soil depth", "paddy_irrigation": "水田灌溉 paddy irrigation",
    "grade": "耕地等级 grade", "road_access": "田间道路 road access",
    "quantity_not_lower": "数量不减少 quantity not lower",
    "paddy_not_lower": "水田不减少 paddy not lower",
    "capacity_not_lower": "产能不降低 capacity not lower",
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
    # ---- siting criteria and methods
    "cultivated_ha": "占用耕地 Cultivated land taken [ha]",
    "pbf_ha": "占用永久基本农田 PBF taken [ha]",
    "eco_redline_ha": "占用生态保护红线 Red line taken [ha]",
    "forest_ha": "占用林地 Forest taken [ha]",
    "outside_udb_ha": "开发边界外 Outside the UDB [ha]",
    "cost_wan_yuan": "投资 Cost [万元]",
    "topsis": "TOPSIS 逼近理想解排序", "weighted_sum": "加权求和 Weighted sum",
    "conflict": "冲突 conflict", "check": "须衔接 check against the plan",
    "pbf": "永久基本农田 PBF", "eco_redline": "生态保护红线 ecological red line",
    "energy": "能源 energy", "transport": "交通 transport", "water": "水利 water",
    # ---- contract supervision
    "admin_share": "行政办公及生活服务设施用地比例 Admin and living share",
    "building_coefficient": "建筑系数 Building coefficient",
    "completion_delay_days": "竣工延误 Completion delay [天 days]",
    "start_delay_days": "动工延误 Start delay [天 days]",
    "green_ratio": "绿地率 Green ratio", "plot_ratio": "容积率 Plot ratio",
    "investment_intensity_wan_yuan_per_ha": "投资强度 Investment intensity [万元/ha]",
    "output_per_mu_wan_yuan": "亩均产值 Output per mu [万元]",
    "tax_per_mu_wan_yuan": "亩均税收 Tax per mu [万元]",
    "start": "动工 start", "completion": "竣工 completion", "output_check": "达产 output check",
    "breach": "违约 breach", "ok": "合规 ok",
    # ---- topsoil
    "source": "取土区 source", "stockpile": "存放区 stockpile",
    "destination": "覆土区 destination", "disposal": "弃置 disposal",
    "improvement": "提质改造 improvement", "reclamation": "复垦 reclamation",
    "replenished": "补充耕地 replenished",
    "stripping": "剥离 stripping", "haul": "运输 haul",
    "stockpile_handling": "存放装卸 stockpile handling",
    "stockpile_storage": "存放保管 stockpile storage",
    "disposal_penalty": "弃置罚金 disposal penalty",
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
    "limit": "限值 Limit",
    "failed_rules": "未通过的规则 Failed rules",
    "new_cultivated_ha": "新增耕地 New cultivated land [ha]",
    "capacity_kg": "新增产能 Added capacity [kg]",
    "credit_capacity_kg": "认定产能 Credited capacity [kg]",
    "zone": "分区 Zone",
    "first_year": "首次使用年份 First year used",
    "via_swap": "弹性区置换 Via flexible-zone swap",
    "granted_ha": "批准规模 Granted [ha]",
    "allocated_ha": "已落地 Allocated [ha]",
    "via_swap_ha": "置换落地 Via swap [ha]",
    "shortfall_ha": "未落地 Shortfall [ha]",
    "in_place_stock_ha": "原地盘活存量 Stock used in place [ha]",
    "concentrated_remaining_ha": "集中建设区余量 Concentrated zone left [ha]",
    "years_until_full": "距用尽年数 Years until full",
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
    "description": "说明 Description",
    "registrations": "落户人数 Registrations [人]",
    "rule": "规则 Rule that produced it",
    "in_band": "在标准区间内 Within the band",
    "change_ok": "变化合规 Change allowed",
    "elasticity": "用地人口弹性 Land-population elasticity",
    "elasticity_ok": "弹性合规 Elasticity within the benchmark",
    "land_per_gdp_ha_per_yi_yuan": "单位GDP建设用地 Land per GDP [ha/亿元]",
    "gdp_land_decline": "单位GDP用地下降 Decline of land per GDP",
    "gdp_land_on_track": "符合下降路径 On the decline path",
    "new_construction_land_ha_p5": "新增建设用地 5 % New land p5 [ha]",
    "new_construction_land_ha_p50": "新增建设用地中位数 New land median [ha]",
    "new_construction_land_ha_p95": "新增建设用地 95 % New land p95 [ha]",
    "cumulative_new_ha_p50": "累计新增中位数 Cumulative new, median [ha]",
    "demand_ha": "用地需求 Demand [ha]",
    "p_shortfall": "指标不足概率 Probability of a shortfall",
    "years": "年份 Years",
    "new_construction_land_mu": "新增建设用地 New construction land [亩]",
    "first_supply_rate_floor": "供地率下限首次约束 First year cut by the supply-rate floor",
    "first_udb": "开发边界首次约束 First year cut by the UDB",
    "first_upper_plan": "上级规划首次约束 First year cut by the upper-level plan",
    "first_per_capita_brake": "人均制动首次约束 First year cut by the per-capita brake",
    "first_cultivated_balance": "占补平衡首次约束 First year cut by the cultivated balance",
    "per_capita_urban_land_last_m2": "末年人均城镇建设用地 Per-capita urban land, last year [m²/人]",
    "resident_pop": "常住人口 Resident population [人]",
    "registered_pop": "户籍人口 Registered population [人]",
    "urban_pop": "城镇人口 Urban population [人]",
    "urbanisation_pct": "城镇化率 Urbanisation [%]",
    "contract_id": "合同 Contract",
    "delay_days": "延误天数 Delay [days]",
    "option": "处置方式 Option", "option_zh": "处置方式 Option",
    "until": "期限 Until",
    "level": "层级 Level",
    "approved_ha": "批准 Approved [ha]",
    "supplied_ha": "已供应 Supplied [ha]",
    "meets_floor": "达到下限 Meets the floor",
    "approval_year": "批准年份 Approval year",
    "batches": "批次 Batches",
    "unsupplied_ha": "批而未供 Unsupplied [ha]",
    "unsupplied_mu": "批而未供 Unsupplied [亩]",
    "category": "类别 Category",
    "planned_ha": "计划 Planned [ha]", "done_ha": "完成 Done [ha]",
    "planned_mu": "计划 Planned [亩]", "done_mu": "完成 Done [亩]",
    "inefficient": "低效 Inefficient",
    "stage": "阶段 Stage",
    "required": "要求 Required", "actual": "实际 Actual",
    "breach_size": "违约幅度 Breach size",
    "action": "建议处理 Suggested action",
    "median_share": "违约比例中位数 Median breach share",
    "breaches": "违约项 Breaches",
    "source_id": "取土区 Source", "parcel_id": "图斑 Parcel",
    "depth_m": "剥离厚度 Depth [m]", "volume_m3": "体积 Volume [m³]",
    "stockpile_id": "存放区 Stockpile", "capacity_m3": "容量 Capacity [m³]",
    "destination_id": "覆土区 Destination", "kind": "类型 Kind",
    "required_m3": "需土量 Required [m³]", "year_ready": "可覆土年份 Ready in",
    "received_m3": "接收 Received [m³]", "unused_m3": "未满足 Unused demand [m³]",
    "from_kind": "起点类型 From (kind)", "from_id": "起点 From",
    "to_kind": "终点类型 To (kind)", "to_id": "终点 To",
    "distance_km": "运距 Distance [km]", "haul_cost_yuan": "运费 Haul cost [元]",
    "handling_cost_yuan_per_m3": "装卸单价 Handling [元/m³]",
    "storage_cost_yuan_per_m3_year": "保管单价 Storage [元/(m³·年)]",
    "earliest_year": "启用年份 First year", "latest_year": "停用年份 Last year",
    "project_id": "项目 Project", "plan": "专项规划 Plan", "line": "控制线 Control line",
    "line_name": "控制线名称 Control line", "severity": "性质 Severity",
    "n_parcels": "图斑数 Parcels", "parcel_ids": "图斑编号 Parcel ids",
    "weight": "权重 Weight",
    "lower_weight": "下调至 Lower weight", "ranking_below": "下调后排序 Ranking below",
    "upper_weight": "上调至 Upper weight", "ranking_above": "上调后排序 Ranking above",
    "top_changes_below": "下调时首位改变 Top changes below",
    "top_changes_above": "上调时首位改变 Top changes above",
    "recalled": "未见原文 RECALLED", "binding": "约束性 Binding",
    "footprint_ha": "用地 Footprint [ha]", "cultivated_share": "耕地占比 Cultivated share",
    "pbf_share": "基本农田占比 PBF share", "eco_redline_flag": "涉及红线 In the red line",
    "forestry_consultation": "须林业意见 Forestry opinion needed",
    "in_udb_ha": "开发边界内 Inside the UDB [ha]", "standard_ha": "用地标准 Standard [ha]",
    "land_use_ratio": "节地水平 Footprint / standard",
    "over_standard_ha": "超标准 Over the standard [ha]", "length_km": "长度 Length [km]",
    "area_carriageway_ha": "路面 Carriageway [ha]", "area_verge_ha": "路肩 Verge [ha]",
    "default": "默认值 Default", "source": "依据 Source",
    "cultivated_ha": "耕地 Cultivated [ha]", "cultivated_mu": "耕地 Cultivated [亩]",
    "pbf_ha": "永久基本农田 PBF [ha]", "pbf_mu": "永久基本农田 PBF [亩]",
    "eligible_ha": "可划入 Eligible for PBF [ha]", "eligible_mu": "可划入 Eligible for PBF [亩]",
    "eco_redline_ha": "生态保护红线 Red line [ha]", "forest_ha": "林地 Forest [ha]",
    "outside_udb_ha": "开发边界外 Outside the UDB [ha]",
    "amount_wan_yuan": "金额 Amount [万元]",
}
"""Bilingual header of every column shown to planners (Chinese, then English)."""

LABELS = {"codes": CODE_LABELS, "columns": COLUMN_LABELS}
"""The one label table: codes (cell values) and columns (headers)."""


UNIT_TEXT = {"m2/person": "m²/人", "m2": "m²", "m3": "m³", "mu": "亩", "persons": "人",
             "wan_yuan": "万元", "degree": "°", "day": "天 days"}
"""How a unit code is written for planners (others as they are)."""


def unit_text(unit: Any) -> str:
    """A unit as planners write it.

    >>> unit_text("m2/person"), unit_text("ha")
    ('m²/人', 'ha')
    """
    return UNIT_TEXT.get(str(unit), str(unit))


_UNIT_CODES = {"亩": "mu", "万元": "wan_yuan", "m²/人": "m2/person", "persons": "persons",
               "人": "persons", "m2/person": "m2/person"}
"""Unit as written in a table -> its code in :data:`UNIT_DECIMALS`."""


def label(code: Any) -> str:
    """Bilingual label of a code (:data:`CODE_LABELS`); anything unknown is returned as text.
    A list of codes joined by ``;`` (e.g. the failed rules of a project) is labelled code
    by code when every code is known.

    >>> label("at_least"), label("W1"), label("slope;soil_depth")
    ('不低于 at least', 'W1', '坡度 slope；土层厚度 soil depth')
    """
    text = str(code)
    if text in CODE_LABELS:
        return CODE_LABELS[text]
    parts = text.split(";")
    if len(parts) > 1 and all(p in CODE_LABELS for p in parts):
        return "；".join(CODE_LABELS[p] for p in parts)
    return text


def column_unit(name: str) -> str | None:
    """Unit of a column from its name (``area_ha`` -> ``'ha'``; ``year`` -> ``'year'``).

    >>> column_unit("area_mu"), column_unit("year"), column_unit("fee_wan_yuan"), column_unit("x")
    ('mu', 'year', 'wan_yuan', None)
    >>> column_unit("first_year"), column_unit("first_udb"), column_unit("demand_ha_per_year")
    ('year', 'year', None)
    """
    if name in _NAMED_UNITS:
        return _NAMED_UNITS[name]
    for suffix, unit in _SUFFIX_UNITS:
        if name.endswith(suffix):
            return unit
    if (name.endswith("_year") and "_per_" not in name) or name.startswith("first_"):
        return "year"  # disposed_year, first_year, first_udb (the first year a cap cut)
    return None


def column_label(name: Any) -> str:
    """Column header for planners: its :data:`COLUMN_LABELS` entry, else the name with its
    unit.

    >>> column_label("area_ha"), column_label("forest_mu")
    ('面积 Area [ha]', 'forest [亩]')
    """
    text = str(name)
    if text in COLUMN_LABELS:
        return COLUMN_LABELS[text]
    if text in CODE_LABELS:  # columns named after codes (e.g. a pivot by category)
        return CODE_LABELS[text]
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
        decimals = (0 if integral and (unit is None or unit not in UNIT_DECIMALS)
                    else UNIT_DECIMALS.get(unit or "", 2))
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


def decimals_to_show(value: float, intervals: Iterable[tuple[float, float]], decimals: int,
                     most: int = 9) -> int:
    """Decimals that keep ``value`` from looking as if it kept a bound it breaks.

    Each interval ``(lo, hi)`` is kept by values with ``lo <= value <= hi`` (a value on a
    bound keeps it). If 1.0049 were printed as 1.005 beside the green bound ``>= 1.005``
    (and a yellow light), the table would contradict itself; a value that keeps the bound
    may be printed equal to it.

    >>> inf = float("inf")
    >>> decimals_to_show(1.0049, [(1.005, inf), (1.0, inf)], 3)
    4
    >>> decimals_to_show(1.00000007, [(1.0, inf)], 3), decimals_to_show(115.04, [(65, 115)], 1)
    (3, 2)
    """
    if _is_missing(value) or not math.isfinite(float(value)):
        return decimals
    x = float(value)
    bounds = [b for lo, hi in intervals for b, broken in ((lo, x < lo), (hi, x > hi))
              if broken and b is not None and math.isfinite(float(b))]
    d = decimals
    while d < most and any(format_number(x, decimals=d) == format_number(float(b), decimals=d)
                           for b in bounds):
        d += 1
    return d


def interval_of(text: str) -> tuple[float, float]:
    """The interval a threshold text describes (``'>= 1.005'``, ``'<= 1'``, ``'65-115'``).

    >>> interval_of(">= 1.005"), interval_of("<= 1"), interval_of("65-115")
    ((1.005, inf), (-inf, 1.0), (65.0, 115.0))
    """
    t = str(text).strip()
    if t.startswith(">="):
        return float(t[2:]), math.inf
    if t.startswith("<="):
        return -math.inf, float(t[2:])
    match = re.fullmatch(r"(-?[\d.]+)-(-?[\d.]+)", t)
    if match:
        return float(match.group(1)), float(match.group(2))
    return -math.inf, math.inf


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

    A long table with ``value`` and ``unit`` columns formats each value by its row's unit.

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
    row_units = ([str(u) for u in t["unit"]] if "unit" in t.columns and "value" in t.columns
                 and "value" not in units else None)
    for col in t.columns:
        name = str(col)
        unit = units.get(name, column_unit(name))
        d = decimals.get(col, decimals.get(name))
        values = t[col].tolist()
        if name == "value" and row_units is not None:  # a long table: each row its unit
            cells = [format_number(v, _UNIT_CODES.get(u, u), d)
                     for v, u in zip(values, row_units, strict=True)]
        elif name == "unit" and labels:
            cells = [unit_text(u) for u in values]
        elif labels:
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
