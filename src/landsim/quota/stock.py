"""Stock-land module of the two-links quota simulation (增存挂钩 side).

The stock at the start of the simulation (批而未供 by approval year, idle and inefficient
land) is the one inventory of :mod:`landsim.stockland.inventory`, where the Order No. 53
engine decides what is idle; this module turns it into disposal per year, by a rate or by
a plan table, and gives the engine the approval cohorts of the five-year land-supply rate
(supplied / approved over the batches approved in the last five years,
:func:`supply_rate`, defined once in the stock-land package).

Disposal of 批而未供 land is modelled as supplying it (it raises the supply rate of its
approval cohort, pro rata over cohorts); revoking approvals is not modelled. Idle and
inefficient land is already supplied, so disposing of it does not change the supply rate.
Disposal paths are arrays shaped ``(draws, years, townships)``.

>>> import numpy as np
>>> disposed, opening = disposal_by_rate(np.array([100.0]), np.full((1, 2, 1), 0.5))
>>> disposed.ravel().tolist(), opening.ravel().tolist()
([50.0, 25.0], [100.0, 50.0])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from landsim.errors import InputError
from landsim.quota.population import broadcast_dtk, check_years
from landsim.schema import require_columns, require_known
from landsim.stockland.inventory import (
    BATCH_COLUMNS,
    CATEGORIES,
    PLAN_COLUMNS,
    PLOT_COLUMNS,
    build_inventory,
    check_batch_table,
    supply_rate,
    unsupplied_by_batch,
)
from landsim.stockland.params import IdleRules

__all__ = [
    "BATCH_COLUMNS",
    "CATEGORIES",
    "PLAN_COLUMNS",
    "PLOT_COLUMNS",
    "StockPath",
    "cohort_arrays",
    "disposal_by_plan",
    "disposal_by_rate",
    "inventory_date",
    "plan_array",
    "project_stock",
    "stock_inventory",
    "supply_rate",
    "supply_rate_from_sums",
    "unsupplied_cohorts",
]

_TOL_HA = 1e-9


def inventory_date(base_year: int) -> str:
    """As-of date of the stock a simulation starts from: the end of its base year.

    >>> inventory_date(2022)
    '2022-12-31'
    """
    return f"{int(base_year):04d}-12-31"


def unsupplied_cohorts(batches: pd.DataFrame) -> pd.DataFrame:
    """Approved, supplied and unsupplied (批而未供) land by township and approval year.

    Parameters
    ----------
    batches : pandas.DataFrame
        Columns :data:`BATCH_COLUMNS`.

    Returns
    -------
    pandas.DataFrame
        Indexed by (township, approval_year), columns approved_ha, supplied_ha,
        unsupplied_ha (sums of :func:`landsim.stockland.inventory.unsupplied_by_batch`).
        [ha]
    """
    per_batch = unsupplied_by_batch(batches)
    out = per_batch.groupby(["township", "approval_year"])[
        ["approved_ha", "supplied_ha", "unsupplied_ha"]].sum()
    return out.sort_index()


def stock_inventory(batches: pd.DataFrame, plots: pd.DataFrame,
                    townships: Sequence[str] | None = None, *,
                    contracts: pd.DataFrame | None = None, as_of: str | None = None,
                    rules: IdleRules | None = None) -> pd.DataFrame:
    """Stock land per township at the start of a simulation: 批而未供, idle and inefficient.

    The figures are :meth:`~landsim.stockland.inventory.StockInventory.by_township` of
    the one inventory (:func:`landsim.stockland.inventory.build_inventory`), so the quota
    engine, ``landsim stock assess`` and the monitor report the same stock.

    Parameters
    ----------
    batches : pandas.DataFrame
        Supply batches (:data:`BATCH_COLUMNS`).
    plots : pandas.DataFrame
        Stock plots (:data:`PLOT_COLUMNS`), category idle or inefficient. Plots whose
        disposal was accepted (``disposed_year``) no longer count as stock.
    townships : sequence of str, optional
        Township order; default the sorted union of both tables.
    contracts : pandas.DataFrame, optional
        Industrial contracts: with them the Order No. 53 engine decides what is idle
        (needs ``as_of``); without them idle plots are taken as recorded.
    as_of : str, optional
        As-of date ``YYYY-MM-DD`` (a simulation uses :func:`inventory_date` of its base
        year); default no date filter.
    rules : IdleRules, optional
        Order No. 53 parameters (default the national figures).

    Returns
    -------
    pandas.DataFrame
        Indexed by township, columns unsupplied_ha, idle_ha, inefficient_ha. [ha]
    """
    inventory = build_inventory(batches, plots, contracts, as_of, rules)
    return inventory.by_township(townships)


def cohort_arrays(batches: pd.DataFrame, townships: Sequence[str],
                  first_year: int, last_year: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Approval cohorts as arrays for the engine.

    Parameters
    ----------
    batches : pandas.DataFrame
        Supply batches (:data:`BATCH_COLUMNS`).
    townships : sequence of str
        Township order of the last axis.
    first_year, last_year : int
        Cohort years to return (earlier batches matter only through the inventory). [year]

    Returns
    -------
    years : numpy.ndarray
        Cohort years, shape ``(cohorts,)``. [year]
    approved, supplied : numpy.ndarray
        Shape ``(cohorts, townships)``. [ha]
    """
    batches = check_batch_table(batches)
    years = np.arange(first_year, last_year + 1)
    sums = batches.groupby(["approval_year", "township"])[["approved_ha", "supplied_ha"]].sum()
    idx = pd.MultiIndex.from_product([years, list(townships)])
    sums = sums.reindex(idx).fillna(0.0)
    shape = (len(years), len(townships))
    return (years, sums["approved_ha"].to_numpy().reshape(shape),
            sums["supplied_ha"].to_numpy().reshape(shape))


def supply_rate_from_sums(approved: np.ndarray, supplied: np.ndarray,
                          county: bool = False) -> np.ndarray:
    """Supply rate from window sums of approved and supplied land.

    Parameters
    ----------
    approved, supplied : numpy.ndarray
        ``(draws, townships)`` sums over the batches approved in the window. [ha]
    county : bool
        Pool townships (the rate is broadcast back to every township).

    Returns
    -------
    numpy.ndarray
        ``(draws, townships)`` rate, NaN where nothing was approved. [fraction]
    """
    a = np.asarray(approved, dtype=float)
    s = np.asarray(supplied, dtype=float)
    a, s = np.broadcast_arrays(a, s)
    if county:
        a = np.broadcast_to(a.sum(axis=-1, keepdims=True), a.shape)
        s = np.broadcast_to(s.sum(axis=-1, keepdims=True), s.shape)
    return np.divide(s, a, out=np.full(a.shape, np.nan), where=a > _TOL_HA)


def disposal_by_rate(initial: np.ndarray, rate: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dispose a share of the remaining stock each year.

    Parameters
    ----------
    initial : numpy.ndarray
        Stock at the start of the first year, ``(townships,)``. [ha]
    rate : numpy.ndarray
        Share of the opening stock disposed, ``(draws, years, townships)``. [fraction/year]

    Returns
    -------
    disposed, opening : numpy.ndarray
        Area disposed in each year and the stock at its start, ``(draws, years,
        townships)``. [ha]
    """
    rate = np.asarray(rate, dtype=float)
    if rate.ndim == 3 and rate.shape[2] > 1 and rate.strides[2] == 0:
        rate = rate[:, :, :1]  # one rate for every township: the same product, once
    if np.isnan(rate).any() or (rate < 0).any() or (rate > 1).any():
        msg = "disposal rates must be between 0 and 1 [fraction/year]; negative rates are invalid"
        raise InputError(msg)
    initial = np.asarray(initial, dtype=float)
    kept = np.cumprod(1.0 - rate, axis=1)  # share of the initial stock left after each year
    shape = np.broadcast_shapes(initial.shape, kept.shape)
    # two arrays of the full size and no temporaries: remaining = initial x kept is written
    # into ``disposed`` and then taken from the opening stock
    opening = np.empty(shape)
    opening[:, :1] = initial
    np.multiply(initial, kept[:, :-1], out=opening[:, 1:])
    disposed = np.multiply(initial, kept, out=np.empty(shape))
    return np.subtract(opening, disposed, out=disposed), opening


def disposal_by_plan(initial: np.ndarray, planned: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dispose planned areas, never more than what remains.

    As :func:`disposal_by_rate`, with ``planned`` [ha/year], shaped ``(draws, years,
    townships)``, in place of the rates; returns ``(disposed, opening)`` [ha].

    Examples
    --------
    >>> d, o = disposal_by_plan(np.array([10.0]), np.array([[[6.0], [6.0]]]))
    >>> d.ravel().tolist(), o.ravel().tolist()
    ([6.0, 4.0], [10.0, 4.0])
    """
    planned = np.asarray(planned, dtype=float)
    if np.isnan(planned).any() or (planned < 0).any():
        msg = "planned disposal areas must be >= 0 [ha]"
        raise InputError(msg)
    initial = np.asarray(initial, dtype=float)
    done = np.minimum(np.cumsum(planned, axis=1), initial)
    before = np.concatenate([np.zeros_like(done[:, :1]), done[:, :-1]], axis=1)
    return done - before, initial - before


def plan_array(plan: pd.DataFrame, category: str, years: Sequence[int],
               townships: Sequence[str]) -> np.ndarray | None:
    """Planned disposal of one category as ``(1, years, townships)``; None if not planned.

    Raises
    ------
    InputError
        Missing columns, unknown category or township, or years outside the horizon.
    """
    require_columns(plan, PLAN_COLUMNS, "disposal plan")
    require_known(plan["category"], CATEGORIES, "disposal plan", "category")
    require_known(plan["township"], townships, "disposal plan", "township")
    bad_y = sorted(set(plan["year"].astype(int)) - set(int(y) for y in years))
    if bad_y:
        msg = (f"disposal plan: year(s) {bad_y[:5]} outside the simulated years "
               f"{years[0]}..{years[-1]}")
        raise InputError(msg)
    sub = plan[plan["category"] == category]
    if sub.empty:
        return None
    wide = sub.pivot_table(index="year", columns="township", values="area_ha", aggfunc="sum")
    wide = wide.reindex(index=list(years), columns=list(townships)).fillna(0.0)
    return wide.to_numpy(dtype=float)[None, :, :]


@dataclass(frozen=True)
class StockPath:
    """Stock disposal per year, arrays shaped ``(draws, years, townships)``.

    ``years`` [year] and ``townships`` (the last axis) as in
    :class:`~landsim.quota.engine.QuotaDrivers`.

    Attributes
    ----------
    opening : dict of str to numpy.ndarray
        Stock at the start of each year per category (:data:`CATEGORIES`). [ha]
    disposed : dict of str to numpy.ndarray
        Area disposed in each year per category. [ha/year]
    """

    years: np.ndarray
    townships: tuple[str, ...]
    opening: dict[str, np.ndarray]
    disposed: dict[str, np.ndarray]

    def total_disposed(self, categories: Sequence[str] = CATEGORIES) -> np.ndarray:
        """Sum of the disposed areas of ``categories``. [ha/year]"""
        arrays = [self.disposed[c] for c in categories]
        if not arrays:
            return np.zeros_like(self.disposed["idle"])
        if len(arrays) == 1:
            return np.asarray(arrays[0], dtype=float)
        # added in turn into one new array (not stacked, no temporaries): the same sums
        total = np.add(arrays[0], arrays[1], dtype=float)
        for more in arrays[2:]:
            if np.broadcast_shapes(total.shape, np.shape(more)) == total.shape:
                np.add(total, more, out=total)
            else:  # a category with more draws than the first two
                total = total + more
        return total


def project_stock(inventory: pd.DataFrame, years: Sequence[int], *,
                  unsupplied_rate: object = 0.0, idle_rate: object = 0.0,
                  inefficient_rate: object = 0.0,
                  plan: pd.DataFrame | None = None) -> StockPath:
    """Disposal of each stock category over the simulated years.

    A category that appears in ``plan`` follows the plan; the others follow their rate.

    Parameters
    ----------
    inventory : pandas.DataFrame
        Output of :func:`stock_inventory`.
    years : sequence of int
        Consecutive simulated years. [year]
    unsupplied_rate, idle_rate, inefficient_rate : float or array-like
        Share of the remaining stock disposed per year; scalars, per-township vectors or
        ``(draws, years|1, townships|1)`` arrays. [fraction/year]
    plan : pandas.DataFrame, optional
        Columns :data:`PLAN_COLUMNS`; area_ha is disposed in that year. [ha]

    Returns
    -------
    StockPath
    """
    years_arr = check_years(years)
    townships = tuple(inventory.index.astype(str))
    n_t, n_k = len(years_arr), len(townships)
    rates = {"unsupplied": unsupplied_rate, "idle": idle_rate, "inefficient": inefficient_rate}
    opening: dict[str, np.ndarray] = {}
    disposed: dict[str, np.ndarray] = {}
    for cat in CATEGORIES:
        initial = inventory[f"{cat}_ha"].to_numpy(dtype=float)
        planned = (None if plan is None
                   else plan_array(plan, cat, years_arr.tolist(), list(townships)))
        if planned is not None:
            disposed[cat], opening[cat] = disposal_by_plan(initial, planned)
        else:
            rate = broadcast_dtk(rates[cat], n_t, n_k, f"{cat}_rate")
            disposed[cat], opening[cat] = disposal_by_rate(initial, rate)
    return StockPath(years=years_arr, townships=townships, opening=opening, disposed=disposed)
