"""Traffic-light tables (红黄绿灯) and the five-year review (五年评估) of plan targets.

Pure functions over the tables of :mod:`landsim.monitor.indicators`; the widgets of
:mod:`landsim.monitor.widgets` only map controls onto the arguments of :func:`monitor_view`.

Binding indicators (column ``binding``) are red on any breach of their floor or ceiling
and yellow only inside an early-warning margin that still keeps the rule (the rule is
enforced by :class:`~landsim.monitor.thresholds.Threshold`; margins in ``monitor.toml``).
Per-capita land is shown three ways, each labelled by its standard: the county total (the
plan's indicator), the county seat against GB 50137-2011 and the other towns against
GB 50188-2007.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from landsim.errors import InputError
from landsim.monitor.indicators import INDICATORS
from landsim.monitor.thresholds import Threshold, classify, load_thresholds
from landsim.policy import COMMON
from landsim.units import M2_PER_HA

__all__ = [
    "LIGHT_COLUMNS",
    "REVIEW_COLUMNS",
    "TARGET_TOLERANCE",
    "adjust_thresholds",
    "check_year",
    "five_year_review",
    "monitor_view",
    "target_quantities",
    "traffic_lights",
]

LIGHT_COLUMNS = ("indicator", "name", "value", "unit", "status", "green", "yellow",
                 "basis", "recalled", "formula", "source", "binding")
"""Columns of :func:`traffic_lights` (``binding``: ratio to a binding floor or ceiling of
planning_targets.csv, red on any breach)."""


def check_year(values: pd.DataFrame, year: int) -> int:
    """``year`` if ``values`` has it, else :class:`InputError` naming the valid years.

    >>> check_year(pd.DataFrame({"year": [2021, 2022]}), 2022)
    2022
    """
    years = sorted(int(y) for y in values["year"])
    if isinstance(year, bool) or not isinstance(year, int | np.integer) or year not in years:
        msg = (f"year {year!r} has no monitoring data. Fix: choose a year from {years[0]} to "
               f"{years[-1]} (history up to the last year of indicator_history.csv, later "
               "years from the quota simulation)")
        raise InputError(msg)
    return int(year)


def traffic_lights(values: pd.DataFrame, year: int,
                   thresholds: Mapping[str, Threshold] | None = None) -> pd.DataFrame:
    """Traffic light of every indicator in ``year``.

    Parameters
    ----------
    values : pandas.DataFrame
        Output of :func:`~landsim.monitor.indicators.indicator_values`.
    year : int
        Year to assess. [year]
    thresholds : mapping, optional
        Indicator key -> :class:`Threshold` (default :func:`load_thresholds`).

    Returns
    -------
    pandas.DataFrame
        One row per indicator (report order), columns :data:`LIGHT_COLUMNS`; ``status``
        is green, yellow, red or "no data".

    Examples
    --------
    >>> v = pd.DataFrame({"year": [2022], "basis": ["history"], "supply_rate_5y": [0.65]})
    >>> t = traffic_lights(v, 2022)
    >>> t.set_index("indicator").loc["supply_rate_5y", "status"]
    'yellow'
    """
    thresholds = load_thresholds() if thresholds is None else thresholds
    year = check_year(values, year)
    row = values[values["year"] == year].iloc[0]
    rows = []
    for spec in INDICATORS:
        value = float(row[spec.key]) if spec.key in row.index else math.nan
        t = thresholds[spec.key]
        rows.append({
            "indicator": spec.key, "name": f"{spec.name_zh} {spec.name_en}", "value": value,
            "unit": spec.unit, "status": classify(value, t), "green": t.describe("green"),
            "yellow": t.describe("yellow"), "basis": row["basis"], "recalled": spec.recalled,
            "formula": spec.formula, "source": f"{spec.source}; thresholds: {t.source}",
            "binding": t.binding})
    return pd.DataFrame(rows, columns=list(LIGHT_COLUMNS))


def _set(t: Threshold, which: str, side: int, value: float) -> Threshold:
    """Move one bound (side 0: min, 1: max); keep green inside yellow."""
    green, yellow = list(t.green), list(t.yellow)
    if which == "green":
        green[side] = value
        green[1 - side] = min(green[0], green[1]) if side == 1 else max(green[0], green[1])
        yellow = [min(yellow[0], green[0]), max(yellow[1], green[1])]
    else:
        yellow[side] = value
        yellow[1 - side] = min(yellow[0], yellow[1]) if side == 1 else max(yellow[0], yellow[1])
        green = [max(green[0], yellow[0]), min(green[1], yellow[1])]
        green[0] = min(green[0], green[1])
    return dataclasses.replace(t, green=(green[0], green[1]), yellow=(yellow[0], yellow[1]),
                               source=f"{t.source} (adjusted)")


def adjust_thresholds(thresholds: Mapping[str, Threshold] | None = None, *,
                      per_capita_max_m2: float | None = None,
                      elasticity_max: float | None = None,
                      supply_rate_floor: float | None = None,
                      udb_multiple_max: float | None = None,
                      gdp_land_gap_min: float | None = None,
                      stock_share_min: float | None = None) -> dict[str, Threshold]:
    """Thresholds with the planner's usual levers changed (None: keep).

    Parameters
    ----------
    per_capita_max_m2 : float
        Upper end of the green GB 50137-2011 per-capita band, for the county total and
        the county seat (the towns' GB 50188 band is left as it is). [m2/person]
    elasticity_max : float
        Highest green land-to-population elasticity. [ratio]
    supply_rate_floor : float
        Five-year supply rate below which the light is red. [fraction]
    udb_multiple_max : float
        UDB and urban-land expansion multiple above which the light is red. [factor]
    gdp_land_gap_min : float
        Lowest green gap to the GDP-land decline path (0: on the path). [fraction]
    stock_share_min : float
        Lowest green share of supply from stock. [fraction]

    Examples
    --------
    >>> t = adjust_thresholds(supply_rate_floor=0.5)["supply_rate_5y"]
    >>> t.describe("yellow"), t.describe("green")
    ('>= 0.5', '>= 0.7')
    """
    t = dict(load_thresholds() if thresholds is None else thresholds)
    levers = [  # (value, indicators, interval, side: 0 lower bound, 1 upper bound)
        (per_capita_max_m2, ("per_capita_urban_land", "per_capita_seat_land"), "green", 1),
        (elasticity_max, ("land_pop_elasticity",), "green", 1),
        (supply_rate_floor, ("supply_rate_5y",), "yellow", 0),
        (udb_multiple_max, ("udb_expansion_multiple", "urban_land_growth_multiple"), "yellow", 1),
        (gdp_land_gap_min, ("gdp_land_decline_gap",), "green", 0),
        (stock_share_min, ("stock_supply_share",), "green", 0),
    ]
    for value, keys, which, side in levers:
        if value is not None:
            for key in keys:
                t[key] = _set(t[key], which, side, float(value))
    return t


def monitor_view(values: pd.DataFrame, year: int,
                 per_capita_max_m2: float = COMMON.per_capita_band_max_m2,
                 elasticity_max: float = COMMON.elasticity_benchmark,
                 supply_rate_floor: float = COMMON.supply_rate_floor,
                 udb_multiple_max: float = COMMON.udb_expansion_multiple,
                 gdp_land_gap_min: float = 0.0,
                 stock_share_min: float = 0.25,
                 thresholds: Mapping[str, Threshold] | None = None) -> pd.DataFrame:
    """Traffic-light table of ``year`` under adjusted thresholds (what the widget shows).

    The keyword arguments are those of :func:`adjust_thresholds`; their defaults are the
    default thresholds, so ``monitor_view(values, y)`` equals ``traffic_lights(values, y)``.

    Examples
    --------
    >>> v = pd.DataFrame({"year": [2022], "basis": ["history"],
    ...                   "per_capita_urban_land": [120.0]})
    >>> def light(table):
    ...     return table.set_index("indicator").loc["per_capita_urban_land", "status"]
    >>> light(monitor_view(v, 2022)), light(monitor_view(v, 2022, per_capita_max_m2=120.0))
    ('yellow', 'green')
    """
    t = adjust_thresholds(thresholds, per_capita_max_m2=per_capita_max_m2,
                          elasticity_max=elasticity_max, supply_rate_floor=supply_rate_floor,
                          udb_multiple_max=udb_multiple_max, gdp_land_gap_min=gdp_land_gap_min,
                          stock_share_min=stock_share_min)
    return traffic_lights(values, year, t)


# ----------------------------------------------------------------------------- review

TARGET_TOLERANCE = 0.005
"""planning_targets.csv gives its figures to 0.01 (ha, m2/person, ha/亿元): a value within
half of that of the path or the target counts as on it (a 374.523 ha boundary against a
target written as 374.52). [unit of the target]"""

REVIEW_COLUMNS = ("indicator", "name_zh", "unit", "direction", "binding", "base_year",
                  "base_value", "target_year", "target_value", "year", "value", "path_value",
                  "projected_target_year", "projected_basis", "on_path", "target_met",
                  "status")
"""Columns of :func:`five_year_review`."""


def target_quantities(frame: pd.DataFrame) -> pd.DataFrame:
    """Planning-target quantities per year from the formula inputs.

    Columns named as ``planning_targets.csv``'s indicators: cultivated_land_ha, pbf_ha,
    eco_redline_ha, udb_ha, urban_construction_land_ha,
    new_construction_land_2021_2035_ha (cumulative from 2021),
    construction_land_per_gdp_ha_per_yi [ha/亿元], per_capita_urban_land_m2
    [m2/person]; index year.
    """
    f = frame.set_index("year")
    out = pd.DataFrame(index=f.index)
    for col in ("cultivated_land_ha", "pbf_ha", "eco_redline_ha", "udb_ha",
                "urban_construction_land_ha"):
        out[col] = f[col]
    new = f["new_construction_land_ha"].where(f.index >= 2021, 0.0)
    out["new_construction_land_2021_2035_ha"] = new.cumsum().where(f.index >= 2021)
    out["construction_land_per_gdp_ha_per_yi"] = f["construction_land_ha"] / f["gdp_yi_yuan"]
    out["per_capita_urban_land_m2"] = (f["urban_construction_land_ha"] * M2_PER_HA
                                       / f["urban_pop"])
    return out


def _trend(series: pd.Series, year: int, to_year: int, span: int = 5) -> float:
    """Linear trend of the ``span`` years up to ``year`` extrapolated to ``to_year``."""
    s = series[(series.index > year - span) & (series.index <= year)].dropna()
    if len(s) < 2:
        return float(s.iloc[-1]) if len(s) else math.nan
    slope, intercept = np.polyfit(s.index.to_numpy(float), s.to_numpy(float), 1)
    return float(slope * to_year + intercept)


def five_year_review(frame: pd.DataFrame, targets: pd.DataFrame, year: int) -> pd.DataFrame:
    """Compare the plan's targets with the trajectory (五年一评估).

    Parameters
    ----------
    frame : pandas.DataFrame
        Formula inputs (:func:`~landsim.monitor.indicators.monitor_frame`): history and,
        if a run was given, simulated years.
    targets : pandas.DataFrame
        planning_targets.csv (indicator, name_zh, unit, base_year, base_value,
        target_year, target_value, direction, binding).
    year : int
        Review year (the end of the five-year period). [year]

    Returns
    -------
    pandas.DataFrame
        One row per target, columns :data:`REVIEW_COLUMNS`: ``value`` in ``year``,
        ``path_value`` on the straight line from base to target, the value projected for
        the target year (from the simulation when it reaches it, else the linear trend of
        the five years up to ``year``), ``on_path`` (value no worse than the path),
        ``target_met`` (projection no worse than the target) and ``status``: green (both),
        yellow (one), red (neither), "no data".
    """
    q = target_quantities(frame)
    if year not in q.index:
        check_year(frame, year)
    rows = []
    for t in targets.itertuples(index=False):
        key = str(t.indicator)
        floor = str(t.direction) == "at_least"
        series = q[key] if key in q.columns else pd.Series(dtype=float)
        value = float(series.get(year, math.nan)) if len(series) else math.nan
        span = t.target_year - t.base_year
        frac = min(max((year - t.base_year) / span, 0.0), 1.0) if span > 0 else 1.0
        path = t.base_value + (t.target_value - t.base_value) * frac
        if len(series) and t.target_year in series.index and not math.isnan(
                series.get(t.target_year, math.nan)):
            projected = float(series[t.target_year])
            basis = frame.set_index("year").loc[t.target_year, "basis"]
        elif len(series):
            projected, basis = _trend(series, year, int(t.target_year)), "5-year trend"
        else:
            projected, basis = math.nan, "no data"

        def no_worse(a: float, b: float, floor: bool = floor) -> Any:
            if math.isnan(a) or math.isnan(b):
                return pd.NA
            return bool(a >= b - TARGET_TOLERANCE) if floor else bool(a <= b + TARGET_TOLERANCE)

        on_path, met = no_worse(value, path), no_worse(projected, float(t.target_value))
        known = [x for x in (on_path, met) if x is not pd.NA]
        status = ("no data" if not known else
                  "green" if all(known) and len(known) == 2 else
                  "red" if not any(known) else "yellow")
        rows.append({"indicator": key, "name_zh": t.name_zh, "unit": t.unit,
                     "direction": t.direction, "binding": bool(t.binding),
                     "base_year": int(t.base_year), "base_value": float(t.base_value),
                     "target_year": int(t.target_year), "target_value": float(t.target_value),
                     "year": int(year), "value": value, "path_value": float(path),
                     "projected_target_year": projected, "projected_basis": basis,
                     "on_path": on_path, "target_met": met, "status": status})
    if not rows:
        msg = ("planning_targets.csv has no rows: the five-year review compares targets "
               "with the trajectory. Fix: add the plan's targets (see "
               "data/sample_county/README.md)")
        raise InputError(msg)
    return pd.DataFrame(rows, columns=list(REVIEW_COLUMNS))
