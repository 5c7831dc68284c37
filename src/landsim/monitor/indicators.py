"""Plan-implementation monitoring indicators (规划实施监测指标): formulas and yearly values.

Each indicator of :data:`INDICATORS` has a formula, unit, source, direction and
traffic-light thresholds (:mod:`landsim.monitor.thresholds`). Values per year come from a
county's indicator history (:func:`history_frame`) and, for later years, from a quota
simulation run (:func:`simulation_frame`); :func:`indicator_values` joins both and
evaluates every formula. Where an input is missing (for example the zones inside the
urban development boundary) the value is NaN and shown as "no data", never invented.

The per-capita, elasticity and GDP-land formulas are those of
:mod:`landsim.quota.indicators`; the supply rate is
:func:`landsim.stockland.inventory.supply_rate`, the idle land identified and disposed come
from the one stock inventory (:func:`landsim.stockland.inventory.build_inventories`, where the
Order No. 53 engine decides what is idle) and the base of the UDB expansion multiple is
:func:`landsim.quota.engine.udb_base_urban_land` (the county's 2020 urban construction
land), the same as the quota engine's.

>>> round(float(target_ratio(41411.15, 41204.09)), 4)
1.005
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from landsim.errors import InputError
from landsim.policy import COMMON
from landsim.quota.engine import udb_base_urban_land
from landsim.quota.indicators import (
    elasticity_within_benchmark,
    gdp_land_decline,
    growth_elasticity,
    required_gdp_land_decline,
)
from landsim.quota.params import IndicatorParams, load_policy
from landsim.quota.population import per_capita_m2
from landsim.stockland.inventory import build_inventories, supply_rate

__all__ = [
    "FRAME_COLUMNS",
    "INDICATORS",
    "IndicatorSpec",
    "disposal_rate",
    "effective_elasticity",
    "expansion_multiple",
    "gdp_land_decline_gap",
    "history_frame",
    "indicator_table",
    "indicator_values",
    "monitor_frame",
    "planning_targets",
    "seat_townships",
    "simulation_frame",
    "stock_supply_share",
    "target_ratio",
    "udb_base",
    "udb_room",
    "zone_share",
]


@dataclass(frozen=True)
class IndicatorSpec:
    """Definition of one monitoring indicator.

    Parameters
    ----------
    key : str
        Identifier (column of :func:`indicator_values`, key of the thresholds).
    name_zh, name_en : str
        Names shown to planners.
    formula : str
        How the value is computed from the inputs (columns of :data:`FRAME_COLUMNS`).
    unit : str
        Unit of the value (and of its thresholds).
    source : str
        Rule or standard behind the indicator and its status (CONFIRMED / RECALLED / ...).
    direction : str
        ``'at_least'`` (higher is better), ``'at_most'`` or ``'within'`` a band.
    recalled : bool
        The rule is RECALLED (not found in a readable public copy): shown flagged.
    """

    key: str
    name_zh: str
    name_en: str
    formula: str
    unit: str
    source: str
    direction: str
    recalled: bool = False


_FACTS = "policy-facts.md"

INDICATORS: tuple[IndicatorSpec, ...] = (
    IndicatorSpec(
        "cultivated_land_vs_target", "耕地保有量完成度", "Cultivated land retained vs target",
        "cultivated_land_ha / target cultivated_land_ha (planning_targets.csv)", "ratio",
        f"binding indicator of the county plan; {_FACTS} s.5", "at_least"),
    IndicatorSpec(
        "pbf_vs_task", "永久基本农田保护任务完成度", "Permanent basic farmland vs task",
        "pbf_ha / target pbf_ha (planning_targets.csv)", "ratio",
        f"binding indicator; 三区三线, {_FACTS} s.5", "at_least"),
    IndicatorSpec(
        "eco_redline_vs_target", "生态保护红线面积", "Ecological red line area vs target",
        "eco_redline_ha (parcels in_eco_redline) / target eco_redline_ha", "ratio",
        f"binding indicator; 三区三线, {_FACTS} s.5", "at_least"),
    IndicatorSpec(
        "udb_area_vs_target", "城镇开发边界面积", "Urban development boundary area vs target",
        "udb_ha (parcels in_udb) / target udb_ha", "ratio",
        f"binding indicator (ceiling); 三区三线, {_FACTS} s.5", "at_most"),
    IndicatorSpec(
        "udb_expansion_multiple", "城镇开发边界扩展倍数", "UDB expansion multiple",
        "udb_ha / 2020 urban construction land of the county (every township)", "factor",
        f"<= 1.3 x 2020 urban construction land, State Council approvals, {_FACTS} s.5 "
        "(CONFIRMED)", "at_most"),
    IndicatorSpec(
        "urban_land_growth_multiple", "城镇建设用地扩展倍数", "Urban construction land vs 2020",
        "urban_construction_land_ha / 2020 urban construction land of the county", "factor",
        f"urban land within the 1.3 x 2020 boundary cap, {_FACTS} s.5 (CONFIRMED); the quota "
        "simulation applies the same cap", "at_most"),
    IndicatorSpec(
        "flexible_zone_share", "弹性发展区占集中建设区比例",
        "Flexible development zone / concentrated construction zone",
        "flexible_zone_ha / concentrated_zone_ha inside the UDB (udb_zones.csv, or the "
        "parcels column udb_zone: 01 concentrated, 02 flexible)", "fraction",
        f"<= 15 % from the UDB delineation guide, {_FACTS} s.5 (RECALLED)", "at_most",
        recalled=True),
    IndicatorSpec(
        "per_capita_urban_land", "人均城镇建设用地面积(全县)",
        "Per-capita urban construction land, county total (vs plan target)",
        "urban_construction_land_ha x 10,000 / urban_pop", "m2/person",
        "county total of the seat and every town (planning_targets.csv definition), shown "
        "against the GB 50137-2011 band as the plan's 2035 target (115, not binding) is; "
        f"the standards apply to the seat (GB 50137) and the towns (GB 50188), {_FACTS} "
        "s.10 (CONFIRMED)", "within"),
    IndicatorSpec(
        "per_capita_seat_land", "县城人均城镇建设用地面积(GB 50137)",
        "Per-capita urban construction land of the county seat (GB 50137-2011)",
        "seat_urban_land_ha x 10,000 / seat_urban_pop (township with is_county_seat)",
        "m2/person",
        "GB 50137-2011 (cities and county-seat towns), 65-115 m2/person in climate zones "
        f"I/II, {_FACTS} s.10 (CONFIRMED)", "within"),
    IndicatorSpec(
        "per_capita_town_land", "镇人均建设用地面积(GB 50188)",
        "Per-capita construction land of the towns (GB 50188-2007)",
        "town_urban_land_ha x 10,000 / town_urban_pop, every township other than the seat "
        "pooled (urban construction land and urban population of population.csv)",
        "m2/person",
        "GB 50188-2007 镇规划标准 (towns other than the county seat), 60-140 m2/person over "
        f"four grades, {_FACTS} s.10 (CONFIRMED)", "within"),
    IndicatorSpec(
        "gdp_land_decline_gap", "单位GDP建设用地下降率(较目标路径)",
        "Decline of construction land per unit GDP vs the 40 % path",
        "[1 - (L_t/G_t)/(L_2020/G_2020)] - [1 - 0.6^((t-2020)/15)]; L construction land "
        "[ha], G GDP [亿元, current prices]", "fraction",
        f"-40 % by 2035, State Council approvals, {_FACTS} s.5, s.10 (CONFIRMED); decline "
        "formula TD/T 1063-2021 (RECALLED, real GDP; the sample has current prices)",
        "at_least"),
    IndicatorSpec(
        "land_pop_elasticity", "城镇用地人口增长弹性系数", "Land-to-population growth elasticity",
        "(urban land growth rate) / (urban population growth rate), year on year; when the "
        "urban population does not grow: 0 if urban land does not grow either, else +inf",
        "ratio", f"1.12 benchmark, 熊柴、蔡继明 2014, {_FACTS} s.10 (CONFIRMED)", "at_most"),
    IndicatorSpec(
        "supply_rate_5y", "近五年平均供地率", "5-year average land-supply rate",
        "supplied_ha / approved_ha of the batches approved in the 5 years up to t (end of "
        "year t, as stock assess and the quota's supply_rate); nothing approved: no data, and "
        "the floor is not applied (the quota engine and stock assess do the same)", "fraction",
        f">= 60 % or no ordinary quota, {_FACTS} s.2 (CONFIRMED)", "at_least"),
    IndicatorSpec(
        "idle_disposal_rate", "闲置土地处置率", "Idle-land disposal rate",
        "idle area disposed (accepted) by t / (idle area at the end of t under Order No. 53 "
        "+ idle area disposed by t)", "fraction",
        f"Order No. 53 disposal, {_FACTS} s.3; threshold NOT FOUND (ASSUMED)", "at_least"),
    IndicatorSpec(
        "stock_supply_share", "存量土地供应比例", "Share of land supply from stock",
        "supplied_from_stock_ha / land_supplied_ha in year t", "fraction",
        f"TD/T 1063-2021 indicator, {_FACTS} s.10 (RECALLED); threshold NOT FOUND (ASSUMED)",
        "at_least"),
)
"""The monitoring indicators, in report order."""

SPECS: dict[str, IndicatorSpec] = {s.key: s for s in INDICATORS}

FRAME_COLUMNS = (
    "year", "basis", "cultivated_land_ha", "pbf_ha", "eco_redline_ha", "udb_ha",
    "udb_base_urban_land_ha", "urban_construction_land_ha", "urban_pop",
    "construction_land_ha", "gdp_yi_yuan", "supply_rate_5y", "idle_identified_ha",
    "idle_disposed_ha", "land_supplied_ha", "supplied_from_stock_ha", "flexible_zone_ha",
    "concentrated_zone_ha", "new_construction_land_ha", "seat_urban_land_ha",
    "seat_urban_pop", "town_urban_land_ha", "town_urban_pop",
)
"""Inputs of the formulas, one row per year (``basis``: history or simulation). ``seat_*``:
the county seat (townships.csv ``is_county_seat``), ``town_*``: every other township,
pooled; NaN when the county has no townships table or no seat."""

SEAT_TOWN_COLUMNS = ("seat_urban_land_ha", "seat_urban_pop", "town_urban_land_ha",
                     "town_urban_pop")
"""Frame columns splitting urban land and population into the seat and the towns."""


# ----------------------------------------------------------------------------- formulas


def target_ratio(actual: Any, target: Any) -> np.ndarray:
    """Achieved value over the plan's target value. [ratio]

    >>> target_ratio([99.0, 100.0], 100.0).tolist()
    [0.99, 1.0]
    """
    a, t = np.asarray(actual, float), np.asarray(target, float)
    return np.divide(a, t, out=np.full(np.broadcast(a, t).shape, np.nan), where=t > 0)


def expansion_multiple(area_ha: Any, base_ha: Any) -> np.ndarray:
    """Area over its base-year level, e.g. UDB / 2020 urban construction land. [factor]

    >>> expansion_multiple(130.0, 100.0).tolist()
    1.3
    """
    return target_ratio(area_ha, base_ha)


def udb_room(urban_land_ha: Any, base_ha: Any,
             multiple: float = COMMON.udb_expansion_multiple) -> np.ndarray:
    """Room left under the UDB cap: ``multiple x base - urban construction land``. [ha]

    >>> udb_room(550.0, 500.0).tolist()
    100.0
    """
    return multiple * np.asarray(base_ha, float) - np.asarray(urban_land_ha, float)


def zone_share(flexible_ha: Any, concentrated_ha: Any) -> np.ndarray:
    """Flexible development zone over the concentrated construction zone. [fraction]

    >>> zone_share(15.0, 100.0).tolist()
    0.15
    """
    return target_ratio(flexible_ha, concentrated_ha)


def disposal_rate(disposed_ha: Any, identified_ha: Any) -> np.ndarray:
    """Area disposed over area identified (NaN when nothing was identified). [fraction]

    >>> disposal_rate([1.0, 0.0], [4.0, 0.0]).tolist()
    [0.25, nan]
    """
    return target_ratio(disposed_ha, identified_ha)


def stock_supply_share(from_stock_ha: Any, supplied_ha: Any) -> np.ndarray:
    """Land supplied from stock over all land supplied in the year. [fraction]

    >>> stock_supply_share(8.17, 45.55).round(4).tolist()
    0.1794
    """
    return target_ratio(from_stock_ha, supplied_ha)


def gdp_land_decline_gap(land_ha: Any, gdp: Any, years: Any, land0_ha: float, gdp0: float,
                         params: IndicatorParams | None = None) -> np.ndarray:
    """Decline of construction land per unit GDP minus the decline the path requires.

    ``gdp_land_decline(L_t, G_t, L_0, G_0) - required_gdp_land_decline(t)`` (both from
    :mod:`landsim.quota.indicators`); >= 0 means on or ahead of the path. [fraction]

    >>> gap = gdp_land_decline_gap([2552.48], [40.7], [2022], 2500.47, 35.14)
    >>> round(float(gap[0]), 4)
    0.0528
    """
    params = IndicatorParams() if params is None else params
    decline = gdp_land_decline(np.asarray(land_ha, float), np.asarray(gdp, float),
                               land0_ha, gdp0)
    return decline - required_gdp_land_decline(np.asarray(years), params)


def effective_elasticity(land_prev: Any, land: Any, pop_prev: Any, pop: Any,
                         benchmark: float = COMMON.elasticity_benchmark) -> np.ndarray:
    """Land-to-population growth elasticity, with the shrinking-population rule.

    Where the urban population grows: :func:`~landsim.quota.indicators.growth_elasticity`.
    Where it does not: 0 when urban land does not grow either, ``+inf`` when it grows (any
    growth then exceeds the benchmark, as in
    :func:`~landsim.quota.indicators.elasticity_within_benchmark`). [ratio]

    >>> effective_elasticity([100.0, 100.0, 100.0], [102.0, 101.0, 99.0],
    ...                      [1000.0, 1000.0, 1000.0], [1010.0, 990.0, 990.0]).tolist()
    [2.0, inf, 0.0]
    """
    lp, ln = np.asarray(land_prev, float), np.asarray(land, float)
    pp, pn = np.asarray(pop_prev, float), np.asarray(pop, float)
    e = growth_elasticity(lp, ln, pp, pn)
    ok = elasticity_within_benchmark(lp, ln, pp, pn, benchmark)
    pop_grows = pn > pp
    known = ~(np.isnan(lp) | np.isnan(ln) | np.isnan(pp) | np.isnan(pn))
    out = np.where(pop_grows, e, np.where(ok, 0.0, np.inf))
    return np.where(known, out, np.nan)


# ----------------------------------------------------------------------------- inputs


def planning_targets(county: Any) -> dict[str, float]:
    """Target value of each planning indicator (planning_targets.csv; empty if absent)."""
    t = getattr(county, "planning_targets", None)
    if t is None:
        return {}
    return {str(k): float(v) for k, v in zip(t["indicator"], t["target_value"], strict=True)}


def _parcel_layer(county: Any) -> dict[str, float]:
    """Current-layer figures from the parcels: red line, UDB, zone areas. [ha]"""
    p = county.parcels
    eco = float(p.loc[p["in_eco_redline"].astype(bool), "area_ha"].sum())
    in_udb = p["in_udb"].astype(bool)
    udb = float(p.loc[in_udb, "area_ha"].sum())
    flex = conc = np.nan
    zones = getattr(county, "udb_zones", None)
    if zones is not None:  # udb_zones.csv, the zoning that landsim quota allocate uses
        from landsim.allocation.zones import zone_areas, zones_from_table

        areas = zone_areas(zones_from_table(zones, p))
        conc, flex = areas["01"], areas["02"]
    elif "udb_zone" in p.columns:  # 规划分区 codes: 01 concentrated, 02 flexible, 03 special
        zone = p.loc[in_udb, "udb_zone"].astype(str).str.zfill(2)
        conc = float(p.loc[in_udb, "area_ha"][zone == "01"].sum())
        flex = float(p.loc[in_udb, "area_ha"][zone == "02"].sum())
    return {"eco_redline_ha": eco, "udb_ha": udb, "flexible_zone_ha": flex,
            "concentrated_zone_ha": conc}


def udb_base(county: Any, udb_base_year: int = COMMON.udb_base_year) -> float:
    """County base of the UDB expansion multiple: the ``udb_base_year`` urban construction
    land of every township (:func:`landsim.quota.engine.udb_base_urban_land`); NaN when the
    county has no population table or no row for that year. [ha]

    >>> from landsim.datasets import load_sample
    >>> round(udb_base(load_sample()), 2)
    532.34
    """
    pop = getattr(county, "population", None)
    if pop is None or int(udb_base_year) not in set(pop["year"].astype(int)):
        return np.nan
    return float(udb_base_urban_land(pop, udb_base_year).sum())


def seat_townships(county: Any) -> list[str]:
    """Townships flagged ``is_county_seat`` in townships.csv (empty if none or no table).

    >>> from landsim.datasets import load_sample
    >>> seat_townships(load_sample())
    ['新关镇']
    """
    t = getattr(county, "townships", None)
    if t is None or "is_county_seat" not in t.columns:
        return []
    flag = t["is_county_seat"].astype(str).str.lower().isin(("true", "1"))
    return [str(x) for x in t.loc[flag, "township"]]


def _seat_town_split(land: pd.DataFrame, pop: pd.DataFrame, seats: Sequence[str]
                     ) -> dict[str, np.ndarray]:
    """Urban land [ha] and urban population of the seat and of the other townships.

    ``land`` and ``pop`` are indexed by year with one column per township.
    """
    if not seats:
        nan = np.full(len(land), np.nan)
        return dict.fromkeys(SEAT_TOWN_COLUMNS, nan)
    seat = land.columns.isin(list(seats))
    return {"seat_urban_land_ha": land.loc[:, seat].sum(axis=1).to_numpy(float),
            "seat_urban_pop": pop.loc[:, seat].sum(axis=1).to_numpy(float),
            "town_urban_land_ha": land.loc[:, ~seat].sum(axis=1).to_numpy(float),
            "town_urban_pop": pop.loc[:, ~seat].sum(axis=1).to_numpy(float)}


def _idle_status(county: Any, years: Sequence[int]) -> list[tuple[float, float]]:
    """Idle area identified and disposed (accepted) by the end of each year. [ha]

    From the one stock inventory at each ``year``-12-31: identified = idle stock (Order
    No. 53) + idle cases disposed by then.
    """
    plots = getattr(county, "stock_plots", None)
    contracts = getattr(county, "industrial_contracts", None)
    if plots is None and contracts is None:
        return [(np.nan, np.nan)] * len(years)
    invs = build_inventories(None, plots, contracts, [f"{int(y):04d}-12-31" for y in years])
    return [(t["idle_identified_ha"], t["idle_disposed_ha"])
            for t in (inv.totals() for inv in invs)]


def history_frame(county: Any, udb_base_year: int = COMMON.udb_base_year) -> pd.DataFrame:
    """Formula inputs per year of the county's indicator history.

    Parameters
    ----------
    county : landsim.datasets.County
        Needs ``indicators`` (indicator_history.csv) and ``parcels``; uses
        ``population`` (urban population), ``supply_batches`` and ``stock_plots`` when
        present (else those inputs are NaN).
    udb_base_year : int
        Base year of the UDB expansion multiple. [year]

    Returns
    -------
    pandas.DataFrame
        Columns :data:`FRAME_COLUMNS`, ``basis = 'history'``. The parcel layer (red line,
        UDB, zones) describes the current state, so it fills only the last history year;
        the UDB base (:func:`udb_base`) is the same in every year. The supply rate is
        that of the window ending in each year; idle land identified and disposed are
        those of the stock inventory at the end of each year.
    """
    hist = getattr(county, "indicators", None)
    if hist is None:
        msg = (f"{getattr(county, 'source', 'county')}: indicator_history.csv is missing; "
               "monitoring needs it. Fix: add indicator_history.csv to the county folder "
               "(columns: see data/sample_county/README.md)")
        raise InputError(msg)
    h = hist.sort_values("year").reset_index(drop=True)
    years = h["year"].astype(int).to_numpy()
    out = pd.DataFrame({"year": years, "basis": "history"})
    for col in ("cultivated_land_ha", "pbf_ha", "urban_construction_land_ha",
                "construction_land_ha", "gdp_yi_yuan", "land_supplied_ha",
                "supplied_from_stock_ha", "new_construction_land_ha"):
        out[col] = h[col].to_numpy(float)
    pop = getattr(county, "population", None)
    if pop is not None:
        urban = pop.groupby("year")["urban_pop"].sum()
        out["urban_pop"] = urban.reindex(years).to_numpy(float)
        wide = {col: pop.pivot_table(index="year", columns="township", values=col,
                                     aggfunc="sum").reindex(years)
                for col in ("urban_construction_land_ha", "urban_pop")}
        split = _seat_town_split(wide["urban_construction_land_ha"], wide["urban_pop"],
                                 seat_townships(county))
        for col, value in split.items():
            out[col] = value
    else:
        out["urban_pop"] = np.nan
        for col in SEAT_TOWN_COLUMNS:
            out[col] = np.nan
    batches = getattr(county, "supply_batches", None)
    rates = []
    for y in years:
        if batches is None:
            rates.append(np.nan)
            continue
        r = supply_rate(batches, int(y), COMMON.supply_rate_window_years, "county")
        rates.append(float(r.iloc[0]) if len(r) else np.nan)
    out["supply_rate_5y"] = rates
    idle = _idle_status(county, [int(y) for y in years])
    out["idle_identified_ha"] = [i for i, _ in idle]
    out["idle_disposed_ha"] = [d for _, d in idle]
    out["udb_base_urban_land_ha"] = udb_base(county, udb_base_year)
    layer = _parcel_layer(county)
    last = out.index[-1]
    for col, value in layer.items():
        out[col] = np.nan
        out.loc[last, col] = value
    return out[list(FRAME_COLUMNS)]


def simulation_frame(run: Any, county: Any,
                     udb_base_year: int = COMMON.udb_base_year) -> pd.DataFrame:
    """Formula inputs per simulated year of a quota run, continuing the history.

    Parameters
    ----------
    run : landsim.quota.scenario.ScenarioRun
        Output of :func:`~landsim.quota.scenario.run_scenario` (county level, first draw).
    county : landsim.datasets.County
        The county the run was made for (its history gives the starting levels).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`FRAME_COLUMNS`, ``basis = 'simulation'``. Cultivated land falls by
        the simulated occupation (no replenishment is simulated); PBF, red line, UDB and
        zones are held at the current layer (the quota simulation does not change them);
        supply = new construction land + stock disposed, of which from stock = stock
        disposed; idle disposal adds the simulated idle disposal to what was done.
    """
    hist = history_frame(county, udb_base_year)
    last = hist.iloc[-1]
    ind = run.indicators.set_index("year")
    ann = run.annual.set_index("year")
    if "draw" in ann.columns:
        ann = ann[ann["draw"] == 0]
    years = ind.index.to_numpy()
    res = run.result
    sim_years = res.drivers.years
    keep = np.isin(sim_years, years)
    urban_pop = res.arrays["urban_pop"][0].sum(axis=-1)[keep]
    idle_cum = np.cumsum(res.arrays["disposed_idle_ha"][0].sum(axis=-1))[keep]
    out = pd.DataFrame({"year": years, "basis": "simulation"})
    out["cultivated_land_ha"] = (last["cultivated_land_ha"]
                                 - ann["cultivated_occupied_ha"].cumsum().to_numpy())
    for col in ("pbf_ha", "eco_redline_ha", "udb_ha", "udb_base_urban_land_ha",
                "flexible_zone_ha", "concentrated_zone_ha"):
        out[col] = last[col]
    out["urban_construction_land_ha"] = ann["urban_land_ha"].to_numpy()
    out["urban_pop"] = urban_pop
    towns = list(res.drivers.townships)
    split = _seat_town_split(
        pd.DataFrame(res.arrays["urban_land_ha"][0][keep], columns=towns),
        pd.DataFrame(res.arrays["urban_pop"][0][keep], columns=towns),
        seat_townships(county))
    for col, value in split.items():
        out[col] = value
    out["construction_land_ha"] = ind["construction_land_ha"].to_numpy()
    out["gdp_yi_yuan"] = ind["gdp_yi_yuan"].to_numpy()
    out["supply_rate_5y"] = ann["supply_rate"].to_numpy()
    out["idle_identified_ha"] = last["idle_identified_ha"]
    out["idle_disposed_ha"] = last["idle_disposed_ha"] + idle_cum
    out["new_construction_land_ha"] = ann["new_construction_land_ha"].to_numpy()
    out["supplied_from_stock_ha"] = ann["stock_disposed_ha"].to_numpy()
    out["land_supplied_ha"] = (ann["new_construction_land_ha"] + ann["stock_disposed_ha"]
                               ).to_numpy()
    return out[list(FRAME_COLUMNS)]


# ----------------------------------------------------------------------------- values


def indicator_table(frame: pd.DataFrame, targets: dict[str, float] | None = None,
                    params: IndicatorParams | None = None,
                    udb_base_year: int = COMMON.udb_base_year) -> pd.DataFrame:
    """Evaluate every indicator formula on a frame of inputs.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns :data:`FRAME_COLUMNS`, one row per consecutive year.
    targets : dict, optional
        Planning targets ``indicator -> target_value`` (planning_targets.csv); indicators
        whose target is absent are NaN.
    params : IndicatorParams, optional
        GDP-land path and elasticity benchmark (default: ``data/policy/default.toml``).
    udb_base_year : int
        Base year of the urban-land growth multiple, used only when the frame has no
        ``udb_base_urban_land_ha`` (then the frame's own urban land of that year). [year]

    Returns
    -------
    pandas.DataFrame
        ``year``, ``basis`` and one column per indicator key (NaN: no data).
    """
    targets = targets or {}
    params = load_policy().indicators if params is None else params
    f = frame.reset_index(drop=True)
    nan = np.full(len(f), np.nan)

    def target(key: str) -> float:
        return targets.get(key, np.nan)

    def at(col: str, year: int) -> float:
        rows = f.loc[f["year"] == year, col]
        return float(rows.iloc[0]) if len(rows) else np.nan

    out = pd.DataFrame({"year": f["year"].astype(int), "basis": f["basis"]})
    out["cultivated_land_vs_target"] = target_ratio(f["cultivated_land_ha"],
                                                    target("cultivated_land_ha"))
    out["pbf_vs_task"] = target_ratio(f["pbf_ha"], target("pbf_ha"))
    out["eco_redline_vs_target"] = target_ratio(f["eco_redline_ha"], target("eco_redline_ha"))
    out["udb_area_vs_target"] = target_ratio(f["udb_ha"], target("udb_ha"))
    out["udb_expansion_multiple"] = expansion_multiple(f["udb_ha"],
                                                       f["udb_base_urban_land_ha"])
    known_base = f["udb_base_urban_land_ha"].dropna()
    growth_base = (float(known_base.iloc[0]) if len(known_base)
                   else at("urban_construction_land_ha", udb_base_year))
    out["urban_land_growth_multiple"] = expansion_multiple(f["urban_construction_land_ha"],
                                                           growth_base)
    out["flexible_zone_share"] = zone_share(f["flexible_zone_ha"], f["concentrated_zone_ha"])
    out["per_capita_urban_land"] = per_capita_m2(f["urban_construction_land_ha"].to_numpy(float),
                                                 f["urban_pop"].to_numpy(float))
    for key, where in (("per_capita_seat_land", "seat"), ("per_capita_town_land", "town")):
        land_col, pop_col = f"{where}_urban_land_ha", f"{where}_urban_pop"
        if land_col in f.columns and pop_col in f.columns:
            sl, sp = f[land_col].to_numpy(float), f[pop_col].to_numpy(float)
            out[key] = np.where(np.isnan(sl) | np.isnan(sp), np.nan, per_capita_m2(sl, sp))
        else:
            out[key] = nan
    y0 = params.gdp_land_base_year
    out["gdp_land_decline_gap"] = (
        gdp_land_decline_gap(f["construction_land_ha"], f["gdp_yi_yuan"], f["year"],
                             at("construction_land_ha", y0), at("gdp_yi_yuan", y0), params)
        if not np.isnan(at("gdp_yi_yuan", y0)) else nan)
    land, pop = f["urban_construction_land_ha"].to_numpy(float), f["urban_pop"].to_numpy(float)
    consecutive = np.r_[False, np.diff(f["year"].to_numpy()) == 1]
    land_prev = np.where(consecutive, np.r_[np.nan, land[:-1]], np.nan)
    pop_prev = np.where(consecutive, np.r_[np.nan, pop[:-1]], np.nan)
    out["land_pop_elasticity"] = effective_elasticity(land_prev, land, pop_prev, pop,
                                                      params.elasticity_benchmark)
    out["supply_rate_5y"] = f["supply_rate_5y"].to_numpy(float)
    out["idle_disposal_rate"] = disposal_rate(f["idle_disposed_ha"], f["idle_identified_ha"])
    out["stock_supply_share"] = stock_supply_share(f["supplied_from_stock_ha"],
                                                   f["land_supplied_ha"])
    return out


def monitor_frame(county: Any, run: Any = None) -> pd.DataFrame:
    """Formula inputs: :func:`history_frame`, then the run's later years (if any)."""
    frame = history_frame(county)
    if run is not None:
        sim = simulation_frame(run, county)
        sim = sim[sim["year"] > frame["year"].max()]
        frame = pd.concat([frame, sim], ignore_index=True)
    return frame


def indicator_values(county: Any, run: Any = None, params: IndicatorParams | None = None
                     ) -> pd.DataFrame:
    """Value of every indicator per year: the history, then the simulated years.

    Parameters
    ----------
    county : landsim.datasets.County
    run : landsim.quota.scenario.ScenarioRun, optional
        Quota simulation run whose years (after the history) are appended.
    params : IndicatorParams, optional
        Default: ``data/policy/default.toml``.

    Returns
    -------
    pandas.DataFrame
        ``year``, ``basis`` ('history' or 'simulation') and one column per indicator.

    Examples
    --------
    >>> from landsim.datasets import load_sample
    >>> v = indicator_values(load_sample()).set_index("year")
    >>> round(float(v.loc[2022, "per_capita_urban_land"]), 1)
    137.6
    """
    params = load_policy().indicators if params is None else params
    return indicator_table(monitor_frame(county, run), planning_targets(county), params)
