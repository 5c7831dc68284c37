"""Annual plan indicators of a quota simulation.

- per-capita urban construction land against GB 50137-2011's 65-115 m2/person band
  (climate zones I/II) and its -25/+20 m2/person change limit versus the current level;
- land-to-population growth elasticity (urban-land growth / urban-population growth)
  against the 1.12 benchmark; where the urban population does not grow, any growth of
  urban land counts as exceeding it;
- construction land per unit GDP and its decline ``1 - (L_t/G_t) / (L_0/G_0)`` against
  the -40 % by 2035 target (on a constant-rate path from the base year);
- cultivated land occupied by new construction (a share of new construction land).

>>> import numpy as np
>>> growth_elasticity(np.array([100.0]), np.array([102.0]),
...                   np.array([1000.0]), np.array([1010.0])).round(3).tolist()
[2.0]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from landsim.errors import InputError
from landsim.quota.engine import QuotaResult
from landsim.quota.params import IndicatorParams
from landsim.quota.population import per_capita_m2

__all__ = [
    "INDICATOR_COLUMNS",
    "elasticity_within_benchmark",
    "gdp_land_decline",
    "growth_elasticity",
    "indicator_table",
    "per_capita_checks",
    "required_gdp_land_decline",
]

INDICATOR_COLUMNS = (
    "year", "per_capita_urban_land_m2", "per_capita_change_m2", "in_band", "change_ok",
    "elasticity", "elasticity_ok", "construction_land_ha", "gdp_yi_yuan",
    "land_per_gdp_ha_per_yi_yuan", "gdp_land_decline", "gdp_land_decline_required",
    "gdp_land_on_track", "cultivated_occupied_ha",
)
"""Columns of :func:`indicator_table`."""


def per_capita_checks(per_capita: np.ndarray, current_m2: float | np.ndarray,
                      params: IndicatorParams) -> dict[str, np.ndarray]:
    """Check per-capita urban construction land against the band and change limit.

    Parameters
    ----------
    per_capita : array-like
        Per-capita urban construction land. [m2/person]
    current_m2 : float or array-like
        Current (base-year) level the change is measured from. [m2/person]
    params : IndicatorParams

    Returns
    -------
    dict
        ``change_m2`` [m2/person], ``in_band`` and ``change_ok`` (booleans).

    Examples
    --------
    >>> out = per_capita_checks(np.array([120.0, 100.0]), 95.0, IndicatorParams())
    >>> out["in_band"].tolist(), out["change_ok"].tolist()
    ([False, True], [False, True])
    """
    pc = np.asarray(per_capita, dtype=float)
    change = pc - np.asarray(current_m2, dtype=float)
    return {
        "change_m2": change,
        "in_band": (pc >= params.band_min_m2) & (pc <= params.band_max_m2),
        "change_ok": (change >= params.change_min_m2) & (change <= params.change_max_m2),
    }


def growth_elasticity(land_prev: np.ndarray, land: np.ndarray, pop_prev: np.ndarray,
                      pop: np.ndarray) -> np.ndarray:
    """Urban-land growth rate divided by urban-population growth rate.

    Parameters
    ----------
    land_prev, land : array-like
        Urban construction land at the start and end of the period. [ha]
    pop_prev, pop : array-like
        Urban population at the start and end of the period. [persons]

    Returns
    -------
    numpy.ndarray
        Elasticity [ratio]; NaN where the population did not change or a start value is 0.
    """
    lp, ln = np.asarray(land_prev, float), np.asarray(land, float)
    pp, pn = np.asarray(pop_prev, float), np.asarray(pop, float)
    g_land = np.divide(ln - lp, lp, out=np.full(np.broadcast(lp, ln).shape, np.nan),
                       where=lp > 0)
    g_pop = np.divide(pn - pp, pp, out=np.full(np.broadcast(pp, pn).shape, np.nan),
                      where=pp > 0)
    return np.divide(g_land, g_pop, out=np.full(g_land.shape, np.nan),
                     where=np.abs(np.nan_to_num(g_pop)) > 1e-12)


def elasticity_within_benchmark(land_prev: np.ndarray, land: np.ndarray,
                                pop_prev: np.ndarray, pop: np.ndarray,
                                benchmark: float) -> np.ndarray:
    """Whether urban land grew no faster than ``benchmark`` x urban-population growth.

    ``g_land <= benchmark x max(g_pop, 0)``: equivalent to elasticity <= benchmark when
    the population grows; when it stagnates or shrinks, urban land must not grow.

    Examples
    --------
    >>> elasticity_within_benchmark(np.array([100.0]), np.array([101.0]),
    ...                             np.array([100.0]), np.array([99.0]), 1.12).tolist()
    [False]
    """
    lp, ln = np.asarray(land_prev, float), np.asarray(land, float)
    pp, pn = np.asarray(pop_prev, float), np.asarray(pop, float)
    g_land = np.divide(ln - lp, lp, out=np.zeros(np.broadcast(lp, ln).shape), where=lp > 0)
    g_pop = np.divide(pn - pp, pp, out=np.zeros(np.broadcast(pp, pn).shape), where=pp > 0)
    return g_land <= benchmark * np.maximum(g_pop, 0.0) + 1e-12


def gdp_land_decline(land_ha: np.ndarray, gdp: np.ndarray, land0_ha: float,
                     gdp0: float) -> np.ndarray:
    """Decline of construction land per unit GDP since the base year.

    ``1 - (L_t / G_t) / (L_0 / G_0)`` (TD/T 1063-2021 wording, RECALLED).

    Parameters
    ----------
    land_ha, gdp : array-like
        Construction land [ha] and GDP [亿元] in year t.
    land0_ha, gdp0 : float
        Base-year values [ha], [亿元].

    Returns
    -------
    numpy.ndarray
        Decline [fraction]; positive when land is used more intensively.

    Examples
    --------
    >>> round(float(gdp_land_decline(np.array(1100.0), np.array(20.0), 1000.0, 10.0)), 6)
    0.45
    """
    ratio = np.asarray(land_ha, float) / np.asarray(gdp, float)
    return 1.0 - ratio / (land0_ha / gdp0)


def required_gdp_land_decline(years: np.ndarray, params: IndicatorParams) -> np.ndarray:
    """Decline needed by each year on a constant-rate path to the target.

    ``1 - (1 - target) ** ((t - base) / (target_year - base))``. [fraction]

    >>> required_gdp_land_decline(np.array([2020, 2035]), IndicatorParams()).round(3).tolist()
    [0.0, 0.4]
    """
    span = params.gdp_land_target_year - params.gdp_land_base_year
    t = (np.asarray(years, float) - params.gdp_land_base_year) / span
    return 1.0 - (1.0 - params.gdp_land_decline_target) ** np.clip(t, 0.0, None)


def indicator_table(result: QuotaResult, *, construction_land_ha: pd.Series | None = None,
                    gdp_yi_yuan: pd.Series | None = None, draw: int = 0) -> pd.DataFrame:
    """County indicators per simulated year.

    Parameters
    ----------
    result : QuotaResult
        Output of :func:`~landsim.quota.engine.simulate_quota`.
    construction_land_ha : pandas.Series, optional
        Historical county construction land by year [ha]; needs the base year of the
        population data and ``gdp_land_base_year``. Simulated years add the cumulative new
        construction land. Without it the GDP columns are NaN.
    gdp_yi_yuan : pandas.Series, optional
        GDP by year [亿元], covering ``gdp_land_base_year`` and the simulated years.
    draw : int
        Which draw to report.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`INDICATOR_COLUMNS`.
    """
    params = result.policy.indicators
    a = result.arrays
    drv = result.drivers
    years = drv.years
    totals = result.totals  # township totals the compiled loop kept, when it ran
    land = (totals["urban_land_ha"][draw] if "urban_land_ha" in totals
            else a["urban_land_ha"][draw].sum(axis=-1))
    pop = (totals["urban_pop"][draw] if "urban_pop" in totals
           else a["urban_pop"][draw].sum(axis=-1))
    land0 = float(drv.base_urban_land_ha.sum())
    pop0 = float(drv.base_urban_pop.sum())
    land_prev = np.concatenate([[land0], land[:-1]])
    pop_prev = np.concatenate([[pop0], pop[:-1]])
    pc = per_capita_m2(land, pop)
    checks = per_capita_checks(pc, float(per_capita_m2(np.array(land0), np.array(pop0))),
                               params)
    out = pd.DataFrame({
        "year": years,
        "per_capita_urban_land_m2": pc,
        "per_capita_change_m2": checks["change_m2"],
        "in_band": checks["in_band"],
        "change_ok": checks["change_ok"],
        "elasticity": growth_elasticity(land_prev, land, pop_prev, pop),
        "elasticity_ok": elasticity_within_benchmark(land_prev, land, pop_prev, pop,
                                                     params.elasticity_benchmark),
    })
    new_cum = a["cumulative_new_ha"][draw][:, 0]
    base_year = int(years[0]) - 1
    nan = np.full(len(years), np.nan)
    out["construction_land_ha"] = nan
    out["gdp_yi_yuan"] = nan
    out["land_per_gdp_ha_per_yi_yuan"] = nan
    out["gdp_land_decline"] = nan
    if construction_land_ha is not None:
        if base_year not in construction_land_ha.index:
            msg = (f"construction_land_ha has no value for the base year {base_year}; give the "
                   "county construction land of that year")
            raise InputError(msg)
        out["construction_land_ha"] = float(construction_land_ha.loc[base_year]) + new_cum
    if construction_land_ha is not None and gdp_yi_yuan is not None:
        y0 = params.gdp_land_base_year
        missing = [y for y in [y0, *years.tolist()] if y not in gdp_yi_yuan.index]
        if y0 not in construction_land_ha.index or missing:
            msg = (f"GDP-land indicator needs construction land for {y0} and GDP for "
                   f"{y0} and every simulated year; missing GDP years {missing[:5]}")
            raise InputError(msg)
        gdp = gdp_yi_yuan.reindex(years).to_numpy(float)
        out["gdp_yi_yuan"] = gdp
        out["land_per_gdp_ha_per_yi_yuan"] = out["construction_land_ha"].to_numpy() / gdp
        out["gdp_land_decline"] = gdp_land_decline(
            out["construction_land_ha"].to_numpy(), gdp,
            float(construction_land_ha.loc[y0]), float(gdp_yi_yuan.loc[y0]))
    out["gdp_land_decline_required"] = required_gdp_land_decline(years, params)
    out["gdp_land_on_track"] = out["gdp_land_decline"] >= out["gdp_land_decline_required"]
    out["cultivated_occupied_ha"] = (totals["cultivated_occupied_ha"][draw]
                                     if "cultivated_occupied_ha" in totals
                                     else a["cultivated_occupied_ha"][draw].sum(axis=-1))
    return out[list(INDICATOR_COLUMNS)]
