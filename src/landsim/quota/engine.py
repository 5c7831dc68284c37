r"""Two-links quota engine (design 5.3): 人地挂钩 + 增存挂钩, caps and a ledger.

Per year t and township k (arrays ``(draws, townships)`` inside a loop over years; the
years loop is needed because this year's new land changes next year's per-capita level,
cap room and supply rate):

- current per-capita urban construction land ``e = U(t-1) / P_urban(t-1)`` [m2/person];
  a township without urban population is assessed at the county's level;
- tier standard ``s(e)``: ``e <= 100 -> 100``, ``100 < e <= 150 -> 80``, ``e > 150 -> 50``
  m2/person (bounds inclusive, exact despite float residue), times the provincial factor;
- population-linked quota ``Q_pop = M s / 10,000`` [ha] for M settled migrants
  (registrations, 落户);
- stock-linked quota ``Q_stock = ratio x D x m`` [ha] for D ha of stock disposed, with
  m = 1 + 10 % when both disposal tasks (批而未供, 闲置) are met and 1 - 20 % when either
  is missed;
- no ordinary quota (``Q_pop + Q_stock``) when the five-year supply rate at the end of
  the previous year (approvals ``t-5..t-1``) is below 60 %; nothing approved in the
  window: the floor is not applied (the one treatment used by ``stock assess`` and the
  monitor too);
- an optional per-capita brake on ordinary quota above the GB 50137 / GB 50188 band;
- key projects first: granted within the upper-level plan's remainder (and, inside the
  UDB, the UDB room), counted as new construction land and, inside the UDB, as urban
  land; ordinary quota takes what remains after the room later key projects need;
- caps on ordinary quota: the UDB ``U(t) <= 1.3 U(2020)`` and the upper-level plan's
  remaining new construction land (from the county's planning targets). Township
  requests are scaled pro rata when a county cap binds.

New construction land is supplied over the years after its approval by the supply-lag
distribution ``supply_rate.lag_shares``, so the supply rate evolves and the floor can bind
in later years. Disposal of 批而未供 land supplies the historical cohorts pro rata.

>>> import numpy as np
>>> from landsim.quota.params import PopulationLink
>>> tier_standard(np.array([100.0, 100.01, 150.0, 150.01]), PopulationLink())[0].tolist()
[100.0, 80.0, 80.0, 50.0]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, partial

import numpy as np
import pandas as pd

import landsim.quota._kernel as _kernel
from landsim.errors import InputError
from landsim.policy import COMMON
from landsim.quota.params import PopulationLink, QuotaPolicy, RewardPenalty, SupplyRateRule
from landsim.quota.population import (
    PopulationPath,
    base_population,
    broadcast_dtk,
    compact,
    per_capita_m2,
)
from landsim.quota.stock import StockPath, cohort_arrays, supply_rate_from_sums
from landsim.schema import require_columns, require_known
from landsim.units import M2_PER_HA

__all__ = [
    "ANNUAL_COLUMNS",
    "BALANCE_ACCOUNTS",
    "BINDING",
    "QuotaDrivers",
    "QuotaResult",
    "annual_table",
    "build_drivers",
    "key_project_array",
    "ledger",
    "population_link_quota",
    "reward_penalty_multiplier",
    "scale_to_room",
    "simulate_quota",
    "task_met",
    "tier_standard",
    "udb_base_urban_land",
]

ANNUAL_COLUMNS = (
    "year", "settled_migrants", "per_capita_urban_land_m2", "standard_m2",
    "pop_link_requested_ha", "pop_link_quota_ha", "stock_disposed_ha",
    "stock_link_requested_ha", "stock_link_quota_ha", "key_project_quota_ha",
    "new_construction_land_ha", "cumulative_new_ha", "cap_remaining_ha",
    "cultivated_occupied_ha",
)
"""Columns of ``annual.csv`` fixed by design 5.3 (more may follow)."""

BINDING = ("none", "supply_rate_floor", "udb", "upper_plan", "per_capita_brake",
           "cultivated_balance")
"""Codes of the ``binding_cap`` column: what limited the ordinary quota (the last rule
that cut it, in the order floor, brake, UDB, upper-level plan, 占补平衡 accounts)."""

BALANCE_ACCOUNTS = ("quantity_ha", "capacity_kg", "paddy_ha")
"""The 占补平衡 accounts of the optional cultivated-balance link (same order as
:data:`landsim.cultivated.ACCOUNTS`)."""

_TOL = 1e-9
_TIER_RTOL = 1e-9
"""Relative tolerance of the tier bounds (floating-point residue of the per-capita ratio)."""


# ----------------------------------------------------------------------------- rules


def tier_standard(per_capita_m2: np.ndarray, params: PopulationLink,
                  factor: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Standard per settled migrant from the current per-capita urban land.

    Parameters
    ----------
    per_capita_m2 : array-like
        Current per-capita urban construction land e. [m2/person]
    params : PopulationLink
        Tier bounds (inclusive upper bounds), standards and provincial factor.
    factor : array-like, optional
        Provincial factor per draw, broadcastable to ``per_capita_m2``; replaces
        ``params.provincial_factor`` (Monte Carlo). [factor]

    Returns
    -------
    standard : numpy.ndarray
        ``s(e) x provincial_factor``. [m2/person]
    tier : numpy.ndarray
        Tier number 1, 2 or 3. [-]

    Notes
    -----
    The bounds are inclusive and exact: a value within a relative ``1e-9`` of a bound
    (the floating-point residue of ha x 10,000 / persons, e.g. 10.13 ha and 1,013 residents
    give 100.00000000000001) counts as on the bound, so it falls in the lower tier.

    Examples
    --------
    >>> s, tier = tier_standard(np.array([120.0]), PopulationLink(provincial_factor=1.1))
    >>> round(float(s[0]), 6), int(tier[0])
    (88.0, 2)
    >>> tier_standard(np.array([10.13 * 10_000 / 1_013]), PopulationLink())[1].tolist()
    [1]
    """
    e = np.asarray(per_capita_m2, dtype=float)
    bound1 = params.tier1_max_m2 * (1.0 + _TIER_RTOL)
    bound2 = params.tier2_max_m2 * (1.0 + _TIER_RTOL)
    tier = np.where(e <= bound1, 1, np.where(e <= bound2, 2, 3))
    table = np.array([0.0, params.standard_tier1_m2, params.standard_tier2_m2,
                      params.standard_tier3_m2])
    return table[tier] * (params.provincial_factor if factor is None else factor), tier


def population_link_quota(settled: np.ndarray, standard_m2: np.ndarray) -> np.ndarray:
    """Population-linked quota ``Q_pop = M x s / 10,000``.

    Parameters
    ----------
    settled : array-like
        Settled migrants M. [persons]
    standard_m2 : array-like
        Standard s including the provincial factor. [m2/person]

    Returns
    -------
    numpy.ndarray
        Quota. [ha]

    Examples
    --------
    >>> float(population_link_quota(1000, 80.0))
    8.0
    """
    return np.asarray(settled, dtype=float) * np.asarray(standard_m2, dtype=float) / M2_PER_HA


def task_met(disposed: np.ndarray, opening: np.ndarray, task_rate: float,
             county: bool) -> np.ndarray:
    """Whether the disposal task ``disposed >= task_rate x opening stock`` is met.

    Parameters
    ----------
    disposed, opening : numpy.ndarray
        ``(draws, years, townships)`` area disposed and stock at the start of the year. [ha]
    task_rate : float
        Task as a share of the opening stock. [fraction/year]
    county : bool
        Assess county totals (the result is broadcast to every township).

    Returns
    -------
    numpy.ndarray
        Boolean, same shape (with ``county``, a read-only view of one value per draw
        and year). A task on an empty stock is met.
    """
    d, o = np.broadcast_arrays(np.asarray(disposed, float), np.asarray(opening, float))
    if county:  # one test per draw and year, broadcast to every township
        met = d.sum(axis=-1, keepdims=True) >= task_rate * o.sum(axis=-1, keepdims=True) - 1e-9
        return np.broadcast_to(met, d.shape)
    return d >= task_rate * o - 1e-9


def reward_penalty_multiplier(unsupplied_met: np.ndarray, idle_met: np.ndarray,
                              params: RewardPenalty) -> np.ndarray:
    """Multiplier of the stock-linked quota: ``1 + reward`` or ``1 - penalty``.

    The assessment of year t applies to year ``t + lag_years``; years without an
    assessment get 1.

    Parameters
    ----------
    unsupplied_met, idle_met : numpy.ndarray
        ``(draws, years, townships)`` booleans of the two disposal tasks.
    params : RewardPenalty

    Returns
    -------
    numpy.ndarray
        Multiplier. [factor]

    Examples
    --------
    >>> m = reward_penalty_multiplier(np.array([[[True], [True]]]),
    ...                               np.array([[[True], [False]]]), RewardPenalty())
    >>> m.ravel().tolist()
    [1.1, 0.8]
    """
    both, other = np.broadcast_arrays(np.asarray(unsupplied_met), np.asarray(idle_met))
    mult = np.where(both & other, 1.0 + params.reward_rate, 1.0 - params.penalty_rate)
    if not params.enabled:
        return np.ones_like(mult)
    lag = params.lag_years
    if lag:
        mult = np.concatenate([np.ones_like(mult[:, :lag]), mult[:, :-lag]], axis=1)
    return mult


def scale_to_room(request: np.ndarray, room: np.ndarray, county: bool) -> np.ndarray:
    """Scale requests down pro rata so that they fit the room.

    Parameters
    ----------
    request : numpy.ndarray
        ``(draws, townships)`` requested areas, >= 0. [ha]
    room : numpy.ndarray
        ``(draws, 1)`` county room or ``(draws, townships)`` room; negative counts as 0,
        ``inf`` means no cap. [ha]
    county : bool
        Compare the county total with the room; otherwise each township with its own.

    Returns
    -------
    numpy.ndarray
        Granted areas, ``<= request``. [ha]

    Examples
    --------
    >>> scale_to_room(np.array([[6.0, 2.0]]), np.array([[4.0]]), county=True).tolist()
    [[3.0, 1.0]]
    """
    room = np.maximum(np.asarray(room, dtype=float), 0.0)
    total = request.sum(axis=-1, keepdims=True) if county else request
    safe = np.where(total > room, total, 1.0)
    factor = np.where(total > room, room / safe, 1.0)
    return request * factor


# ----------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class QuotaDrivers:
    """Everything the engine needs, as arrays ``(draws, years, townships)``.

    Attributes
    ----------
    years : numpy.ndarray
        Simulated years. [year]
    townships : tuple of str
        Township order of the last axis.
    settled_migrants : numpy.ndarray
        Settled migrants M. [persons/year]
    urban_pop : numpy.ndarray
        Urban population at the end of each year. [persons]
    base_urban_pop, base_urban_land_ha, udb_base_urban_land_ha : numpy.ndarray
        Base-year urban population [persons], urban construction land [ha] and the urban
        construction land of the UDB reference year [ha], shape ``(townships,)``.
    stock : StockPath
        Stock disposal per category.
    key_projects_ha : numpy.ndarray
        Key-project quota requested. [ha/year]
    cohort_years : numpy.ndarray
        Historical approval years. [year]
    cohort_approved, cohort_supplied : numpy.ndarray
        ``(cohorts, townships)`` approved and supplied land of historical batches. [ha]
    migrants_rule : str
        How the settled migrants were obtained (for the ledger).
    stock_link_ratio, provincial_factor : numpy.ndarray, optional
        Per-draw values ``(draws,)`` replacing the policy's scalar stock-link ratio
        [ha/ha] and provincial factor [factor] (Monte Carlo).
    key_projects_udb_ha : numpy.ndarray, optional
        Part of the key-project requests that lies inside the urban development boundary
        and so becomes urban construction land; default all of it. [ha/year]
    is_county_seat : numpy.ndarray, optional
        Boolean per township; default the township with the most base-year urban land.
    caps_source : str
        Where the upper-level plan's allocation came from (for the ledger).
    cultivated_credits : numpy.ndarray, optional
        ``(years, 3)`` county credits of the 占补平衡 accounts (quantity [ha], grain capacity
        [kg], paddy [ha]) from verified projects, per simulated year, net of the year's
        other occupations (orchards, afforestation, ...; so it may be negative); needed
        when ``policy.cultivated_balance`` is on.
    cultivated_opening : numpy.ndarray, optional
        ``(3,)`` balances at the start of the first simulated year.
    cultivated_cost_per_ha : numpy.ndarray, optional
        ``(3,)`` what one hectare of occupied cultivated land costs each account: 1 [ha/ha],
        grain capacity [kg/ha], paddy share [ha/ha].
    """

    years: np.ndarray
    townships: tuple[str, ...]
    settled_migrants: np.ndarray
    urban_pop: np.ndarray
    base_urban_pop: np.ndarray
    base_urban_land_ha: np.ndarray
    udb_base_urban_land_ha: np.ndarray
    stock: StockPath
    key_projects_ha: np.ndarray
    cohort_years: np.ndarray
    cohort_approved: np.ndarray
    cohort_supplied: np.ndarray
    migrants_rule: str = "new urban residents x settlement share"
    stock_link_ratio: np.ndarray | None = None
    provincial_factor: np.ndarray | None = None
    key_projects_udb_ha: np.ndarray | None = None
    is_county_seat: np.ndarray | None = None
    caps_source: str = "policy"
    cultivated_credits: np.ndarray | None = None
    cultivated_opening: np.ndarray | None = None
    cultivated_cost_per_ha: np.ndarray | None = None

    def __post_init__(self) -> None:
        n_t, n_k = len(self.years), len(self.townships)
        for name, shape in (("cultivated_credits", (n_t, 3)), ("cultivated_opening", (3,)),
                            ("cultivated_cost_per_ha", (3,))):
            value = getattr(self, name)
            if value is None:
                continue
            arr = np.asarray(value, dtype=float)
            # credits and opening are net of other occupations (orchards, ...): may be < 0
            low = -np.inf if name != "cultivated_cost_per_ha" else 0.0
            if arr.shape != shape or not np.isfinite(arr).all() or (arr < low).any():
                msg = (f"QuotaDrivers.{name} must be an array of shape {shape} of finite "
                       "numbers (quantity ha, capacity kg, paddy ha)"
                       + ("" if low else " >= 0"))
                raise InputError(msg)
            object.__setattr__(self, name, arr)
        if self.key_projects_udb_ha is None:
            object.__setattr__(self, "key_projects_udb_ha", self.key_projects_ha)
        if self.is_county_seat is None:
            seat = np.zeros(n_k, dtype=bool)
            if n_k:
                seat[int(np.argmax(np.asarray(self.base_urban_land_ha, dtype=float)))] = True
            object.__setattr__(self, "is_county_seat", seat)
        seat = np.asarray(self.is_county_seat, dtype=bool).reshape(-1)
        if seat.shape[0] != n_k:
            msg = f"QuotaDrivers.is_county_seat needs one flag per township ({n_k})"
            raise InputError(msg)
        object.__setattr__(self, "is_county_seat", seat)
        for name in ("stock_link_ratio", "provincial_factor"):
            value = getattr(self, name)
            if value is not None:
                arr = np.asarray(value, dtype=float).reshape(-1)
                if np.isnan(arr).any() or (arr < 0).any():
                    msg = f"QuotaDrivers.{name} must be >= 0 everywhere (no NaN)"
                    raise InputError(msg)
                object.__setattr__(self, name, arr)
        for name in ("settled_migrants", "urban_pop", "key_projects_ha",
                     "key_projects_udb_ha"):
            arr = broadcast_dtk(getattr(self, name), n_t, n_k, name)
            # one pass, no temporary: the minimum is NaN where any value is
            if arr.size and not compact(arr).min() >= 0:
                msg = f"QuotaDrivers.{name} must be >= 0 everywhere (no NaN)"
                raise InputError(msg)
            object.__setattr__(self, name, arr)
        if (np.asarray(self.key_projects_udb_ha) > np.asarray(self.key_projects_ha) + _TOL).any():
            msg = ("QuotaDrivers.key_projects_udb_ha exceeds key_projects_ha: the part of a "
                   "key project inside the UDB cannot exceed the project")
            raise InputError(msg)

    @property
    def n_draws(self) -> int:
        """Number of draws after broadcasting every driver. [-]"""
        arrays = [self.settled_migrants, self.urban_pop, self.key_projects_ha,
                  self.key_projects_udb_ha,
                  *self.stock.disposed.values(), *self.stock.opening.values()]
        per_draw = [len(a) for a in (self.stock_link_ratio, self.provincial_factor)
                    if a is not None]
        return max([a.shape[0] for a in arrays] + per_draw)


def key_project_array(key_projects: pd.DataFrame | None, years: Sequence[int],
                      townships: Sequence[str], *, in_udb_only: bool = False) -> np.ndarray:
    """Key-project quota requests as ``(1, years, townships)``.

    Parameters
    ----------
    key_projects : pandas.DataFrame or None
        Columns year, township, area_ha [ha], optionally name and in_udb (bool, default
        true: the project lies inside the urban development boundary).
    years : sequence of int
    townships : sequence of str
    in_udb_only : bool
        Count only the projects inside the UDB (the urban land they add).

    Returns
    -------
    numpy.ndarray
        Requested key-project quota. [ha/year]

    Examples
    --------
    >>> kp = pd.DataFrame({"year": [2024, 2024], "township": ["A", "A"],
    ...                    "area_ha": [3.0, 2.0], "in_udb": [True, False]})
    >>> key_project_array(kp, [2024], ["A"]).ravel().tolist()
    [5.0]
    >>> key_project_array(kp, [2024], ["A"], in_udb_only=True).ravel().tolist()
    [3.0]
    """
    out = np.zeros((1, len(years), len(townships)))
    if key_projects is None or key_projects.empty:
        return out
    require_columns(key_projects, ("year", "township", "area_ha"), "key projects")
    require_known(key_projects["township"], townships, "key projects", "township")
    if (key_projects["area_ha"] < 0).any():
        msg = "key projects: area_ha must be >= 0 [ha]"
        raise InputError(msg)
    inside = (key_projects["in_udb"].astype(bool) if "in_udb" in key_projects.columns
              else pd.Series(True, index=key_projects.index))
    year_index = {int(y): i for i, y in enumerate(years)}
    for row, in_udb in zip(key_projects.itertuples(index=False), inside, strict=True):
        i = year_index.get(int(row.year))
        if i is not None and (in_udb or not in_udb_only):
            # projects outside the horizon do not draw quota in it
            out[0, i, list(townships).index(str(row.township))] += float(row.area_ha)
    return out


def udb_base_urban_land(population: pd.DataFrame,
                        base_year: int = COMMON.udb_base_year) -> pd.Series:
    """Base of the UDB expansion cap: urban construction land of ``base_year`` per township.

    The cap is UDB <= ``udb_expansion_multiple`` x the base year's urban construction land
    of the whole county (policy-facts s.5; the UDB covers every town, not only the county
    seat), so the county base is the sum over every township of the population table. The
    quota engine (:func:`build_drivers`) and the monitor
    (:func:`landsim.monitor.indicators.history_frame`) both take the base from here.

    Parameters
    ----------
    population : pandas.DataFrame
        Population history (year, township, urban_construction_land_ha [ha], ...).
    base_year : int
        Base year of the expansion multiple (default the shared figure
        ``udb_base_year``). [year]

    Returns
    -------
    pandas.Series
        Urban construction land per township (sorted), name ``udb_base_urban_land_ha``;
        ``.sum()`` is the county base. [ha]

    Raises
    ------
    InputError
        The population table has no rows for ``base_year``.

    Examples
    --------
    >>> pop = pd.DataFrame({"year": [2020, 2020], "township": ["A", "B"],
    ...                     "resident_pop": [100, 50], "registered_pop": [100, 50],
    ...                     "urban_pop": [80, 10], "urban_construction_land_ha": [3.0, 1.5]})
    >>> float(udb_base_urban_land(pop, 2020).sum())
    4.5
    """
    if int(base_year) not in set(population["year"].astype(int)):
        msg = (f"population table has no urban_construction_land_ha for the UDB reference year "
               f"{int(base_year)}; add that year or change caps.udb_base_year")
        raise InputError(msg)
    ref = base_population(population, int(base_year))
    return ref["urban_construction_land_ha"].astype(float).rename("udb_base_urban_land_ha")


def build_drivers(population: pd.DataFrame, batches: pd.DataFrame, path: PopulationPath,
                  stock: StockPath, *, settled: np.ndarray,
                  key_projects_ha: np.ndarray | None = None,
                  udb_base_year: int = COMMON.udb_base_year,
                  migrants_rule: str = "new urban residents x settlement share",
                  stock_link_ratio: np.ndarray | None = None,
                  provincial_factor: np.ndarray | None = None,
                  key_projects_udb_ha: np.ndarray | None = None,
                  is_county_seat: np.ndarray | None = None,
                  caps_source: str = "policy",
                  **balance: np.ndarray,
                  ) -> QuotaDrivers:
    """Assemble :class:`QuotaDrivers` from the tables and the projected paths.

    Parameters
    ----------
    population : pandas.DataFrame
        Population history (for base-year and UDB-reference urban land).
    batches : pandas.DataFrame
        Supply batches (for the supply-rate cohorts).
    path : PopulationPath
        Output of :func:`~landsim.quota.population.project_population`.
    stock : StockPath
        Output of :func:`~landsim.quota.stock.project_stock`.
    settled : numpy.ndarray
        Settled migrants, ``(draws, years, townships)``. [persons/year]
    key_projects_ha : numpy.ndarray, optional
        Key-project requests (see :func:`key_project_array`). [ha/year]
    udb_base_year : int
        Reference year of the UDB expansion multiple; the base is
        :func:`udb_base_urban_land`. [year]
    migrants_rule : str
        Ledger text for the settled migrants.
    stock_link_ratio, provincial_factor : numpy.ndarray, optional
        Per-draw policy values ``(draws,)`` (Monte Carlo).
    key_projects_udb_ha : numpy.ndarray, optional
        The part of the key projects inside the UDB (default all). [ha/year]
    is_county_seat : numpy.ndarray, optional
        Seat flag per township in ``path.townships`` order.
    caps_source : str
        Where the upper-level plan's allocation came from.
    **balance
        ``cultivated_credits``, ``cultivated_opening``, ``cultivated_cost_per_ha`` of the
        optional 占补平衡 link (see :class:`QuotaDrivers`).

    Returns
    -------
    QuotaDrivers
    """
    if tuple(stock.townships) != tuple(path.townships):
        msg = (f"stock townships {list(stock.townships)} differ from population townships "
               f"{list(path.townships)}; give both tables the same townships")
        raise InputError(msg)
    base = base_population(population, path.base_year)
    udb_base = udb_base_urban_land(population, udb_base_year)
    first = int(min(batches["approval_year"].min(), path.base_year)) if len(batches) else \
        path.base_year
    c_years, c_app, c_sup = cohort_arrays(batches, path.townships, first, path.base_year)
    keys = (np.zeros((1, len(path.years), len(path.townships))) if key_projects_ha is None
            else key_projects_ha)
    return QuotaDrivers(
        years=path.years, townships=path.townships, settled_migrants=settled,
        urban_pop=path.urban_pop, base_urban_pop=path.base_urban_pop,
        base_urban_land_ha=base["urban_construction_land_ha"].reindex(
            list(path.townships)).to_numpy(float),
        udb_base_urban_land_ha=udb_base.reindex(list(path.townships)).fillna(0.0)
        .to_numpy(float),
        stock=stock, key_projects_ha=keys, cohort_years=c_years, cohort_approved=c_app,
        cohort_supplied=c_sup, migrants_rule=migrants_rule,
        stock_link_ratio=stock_link_ratio, provincial_factor=provincial_factor,
        key_projects_udb_ha=key_projects_udb_ha, is_county_seat=is_county_seat,
        caps_source=caps_source, **balance)


# ----------------------------------------------------------------------------- engine


@dataclass(frozen=True)
class QuotaResult:
    """Engine output: arrays ``(draws, years, townships)`` plus the inputs that made them.

    Array attributes are listed in :attr:`arrays`; areas in [ha], per-capita values in
    [m2/person], people in [persons]. ``binding`` holds indices into :data:`BINDING`.
    """

    drivers: QuotaDrivers
    policy: QuotaPolicy
    arrays: Mapping[str, np.ndarray] = field(repr=False)
    totals: Mapping[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)
    """Township totals ``(draws, years)`` the compiled loop summed as it went (the same
    numbers as ``arrays[name].sum(axis=-1)``); :func:`annual_table` uses them."""

    def __getitem__(self, name: str) -> np.ndarray:
        return self.arrays[name]


def _pool(x: np.ndarray, county: bool) -> np.ndarray:
    """County total broadcast to every township, or ``x`` itself."""
    return np.broadcast_to(x.sum(axis=-1, keepdims=True), x.shape) if county else x


def _window_rate(year: int, i: int, hist: tuple[np.ndarray, np.ndarray, np.ndarray],
                 survival: np.ndarray, new_land: np.ndarray, rule: SupplyRateRule,
                 county: bool) -> np.ndarray:
    """Supply rate at the end of ``year`` over the approvals of its window.

    The window holds the ``rule.window_years`` approval years up to ``year``, the same
    window as :func:`landsim.stockland.inventory.supply_rate` for that year. Historical
    cohorts keep what they had supplied plus the 批而未供 disposed since (``survival`` is
    the share of their unsupplied land left); new land of simulated years ``0..i`` is
    supplied by the lag distribution ``rule.lag_shares``.
    """
    hist_years, hist_approved, hist_unsup = hist
    first = year - rule.window_years + 1
    in_hist = (hist_years >= first) & (hist_years <= year)
    approved = hist_approved[in_hist].sum(axis=0) + 0.0 * survival
    supplied = approved - survival * hist_unsup[in_hist].sum(axis=0)
    lo = max(0, i - rule.window_years + 1)
    if i >= lo and i >= 0:
        cohorts = new_land[lo:i + 1]  # (cohorts, draws, townships)
        shares = np.asarray(rule.cumulative_supplied(np.arange(i - lo, -1, -1)))
        approved = approved + cohorts.sum(axis=0)
        supplied = supplied + _lagged(shares, cohorts)
    return supply_rate_from_sums(approved, supplied, county)


def _lagged(shares: np.ndarray, cohorts: np.ndarray) -> np.ndarray:
    """Land of the cohorts supplied so far [ha]: ``sum_c shares[c] x cohorts[c]``, added
    in approval order (the compiled loop adds in the same order; a BLAS product's order
    depends on the CPU)."""
    total = np.zeros(cohorts.shape[1:])
    for share, cohort in zip(shares, cohorts, strict=True):
        total = total + share * cohort
    return total


BLOCK_DRAWS = 2048
"""Draws :func:`simulate_quota` runs through the years together. [count]

Small enough for one block's per-year arrays (draws x townships) to stay in the CPU cache,
large enough for numpy's per-call overhead to vanish (``benchmarks/bench_quota.py``
measures the choice)."""

_COUNTY_ARRAYS = frozenset({"cumulative_new_ha", "cap_remaining_ha", "balance_room_ha",
                            "balance_account", "balance_quantity_ha", "balance_capacity_kg",
                            "balance_paddy_ha"})
"""Result arrays with one value per draw and year, returned broadcast over townships."""

_DTYPES = {"tier": np.int8, "binding": np.int8, "balance_account": np.int8,
           "key_binding": bool, "county_level": bool}
"""Result arrays stored as codes or flags rather than float. [-]"""


def _later(x: np.ndarray) -> np.ndarray:
    """What the years after each year still hold: reverse cumulative sum less the year."""
    return np.cumsum(x[:, ::-1], axis=1)[:, ::-1] - x


def _run_kernel(drivers: QuotaDrivers, policy: QuotaPolicy, out: dict[str, np.ndarray],
                hist: tuple[np.ndarray, np.ndarray, np.ndarray], q_stock_all: np.ndarray,
                later_keys: np.ndarray, later_keys_udb: np.ndarray, udb_limit: np.ndarray,
                band_max: np.ndarray, threads: int | None = None, township: bool = True
                ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Run the compiled year loop (county-level caps, no 占补平衡 link) on ``threads``
    threads (:func:`landsim.quota._kernel.run_threaded`); same numbers as the numpy loop.

    Adds to ``out`` the arrays the loop writes, draw-major ``(draws, years, townships |
    1)``: the county-wide ones always, the :data:`_KERNEL_TOWNSHIP` ones only with
    ``township``; the others follow from them (:func:`simulate_quota`'s derived arrays).
    Returns the supply rates ``(draws, years + 1, 1)`` [fraction] and the township totals
    :data:`landsim.quota._kernel.TOTALS` plus ``binding_max`` (the most restrictive
    binding code of the townships), ``(draws, years)`` each.
    """
    pl, sr, caps, brake = (policy.population_link, policy.supply_rate, policy.caps,
                           policy.per_capita_brake)
    n_d, n_t, n_k = drivers.n_draws, len(drivers.years), len(drivers.townships)
    shape = (n_d, n_t, n_k)
    hist_years, hist_approved, hist_unsup = hist
    # window sums of the historical cohorts per simulated year, as _window_rate takes them
    win_app, win_unsup = np.zeros((n_t, n_k)), np.zeros((n_t, n_k))
    for i, year in enumerate(drivers.years):
        in_hist = (hist_years >= int(year) - sr.window_years + 1) & (hist_years <= int(year))
        win_app[i] = hist_approved[in_hist].sum(axis=0)
        win_unsup[i] = hist_unsup[in_hist].sum(axis=0)
    year0 = int(drivers.years[0])
    rate0 = _window_rate(year0 - 1, -1, hist, np.ones((1, n_k)), np.zeros((0, 1, n_k)), sr,
                         county=True)
    factor = (np.full(n_d, pl.provincial_factor) if drivers.provincial_factor is None
              else np.broadcast_to(drivers.provincial_factor, (n_d,)).astype(float))
    plan_left = (caps.upper_plan_new_construction_ha - caps.upper_plan_used_ha
                 if caps.upper_plan_enabled else np.inf)
    scalars = np.array([sr.floor, _TOL, pl.tier1_max_m2 * (1.0 + _TIER_RTOL),
                        pl.tier2_max_m2 * (1.0 + _TIER_RTOL), _TIER_RTOL, M2_PER_HA,
                        policy.indicators.cultivated_share])
    flags = np.array([pl.enabled, sr.enabled, sr.exempt_pop_link, brake.enabled,
                      brake.mode == "proportional", caps.key_projects_within_caps,
                      caps.udb_enabled, caps.reserve_pop_link, sr.window_years, township],
                     dtype=np.int64)
    table = np.array([0.0, pl.standard_tier1_m2, pl.standard_tier2_m2, pl.standard_tier3_m2])

    def full(a: np.ndarray) -> np.ndarray:
        return np.broadcast_to(np.asarray(a, dtype=float), shape)

    def store(name: str) -> np.ndarray:
        """The loop's output ``name`` (no elements: a township array not wanted)."""
        dtype = _DTYPES.get(name, float)
        if not township and name in _KERNEL_TOWNSHIP:
            return np.empty((n_d, 0, 0), dtype)
        width = 1 if name in _COUNTY_ARRAYS | {"udb_room_ha"} else n_k
        return np.empty((n_d, n_t, width), dtype)

    written = ("per_capita_urban_land_m2", "tier", "pop_link_quota_ha", "stock_link_quota_ha",
               "key_project_quota_ha", "cumulative_new_ha", "cap_remaining_ha", "udb_room_ha",
               "urban_land_ha", "binding", "key_binding", "county_level")
    stored = {n: store(n) for n in written}
    out.update({n: a for n, a in stored.items() if township or n not in _KERNEL_TOWNSHIP})
    rates = np.empty((n_d, n_t + 1, 1))
    totals = np.empty((len(_kernel.TOTALS), n_d, n_t))  # each total contiguous
    binding_max = np.empty((n_d, n_t, 1), np.int8)
    args = (
        full(drivers.settled_migrants), full(drivers.urban_pop), full(q_stock_all),
        full(drivers.key_projects_ha), full(drivers.key_projects_udb_ha), full(later_keys),
        full(later_keys_udb), full(drivers.stock.disposed["unsupplied"]), factor,
        np.asarray(drivers.base_urban_land_ha, dtype=float),
        np.asarray(drivers.base_urban_pop, dtype=float), np.asarray(udb_limit, dtype=float),
        np.broadcast_to(np.asarray(band_max, dtype=float), (n_k,)).copy(),
        hist_unsup.sum(axis=0), win_app, win_unsup,
        sr.cumulative_supplied(np.arange(sr.window_years)).astype(float),
        float(rate0[0, 0]), float(plan_left), scalars, flags, table,
        *stored.values(), rates, totals, binding_max)
    _kernel.run_threaded(_kernel.compiled_year_loop(), args, len(written) + 3, threads)
    # no 占补平衡 link: unlimited room, closing balances 0 (one value, broadcast)
    out["balance_room_ha"] = np.full((1, 1, 1), np.inf)
    for name in ("balance_account", "balance_quantity_ha", "balance_capacity_kg",
                 "balance_paddy_ha"):
        out[name] = np.zeros((1, 1, 1), _DTYPES.get(name, float))
    return rates, {**dict(zip(_kernel.TOTALS, totals, strict=True)),
                   "binding_max": binding_max[..., 0]}


def _township_run(kernel: Callable[..., object]) -> dict[str, np.ndarray]:
    """The township arrays of the compiled loop: ``kernel`` (:func:`_run_kernel` with its
    inputs bound) run again with township outputs."""
    out: dict[str, np.ndarray] = {}
    kernel(out, township=True)
    return {name: out[name] for name in _KERNEL_TOWNSHIP}


def _from_run(run: Callable[[], dict[str, np.ndarray]], arrays: Mapping[str, np.ndarray],
              *, name: str) -> np.ndarray:
    """Array ``name`` of the township run (a derived array of :class:`ResultArrays`)."""
    return run()[name]


_KERNEL_TOWNSHIP = frozenset({"per_capita_urban_land_m2", "tier", "pop_link_quota_ha",
                              "stock_link_quota_ha", "key_project_quota_ha", "urban_land_ha",
                              "binding", "key_binding", "county_level"})
"""Township arrays of the compiled loop that an ensemble's county table does not need:
computed on first use by running the loop again with township outputs (same numbers)."""


def _standard(arrays: Mapping[str, np.ndarray], table: np.ndarray, factor: np.ndarray,
              enabled: bool) -> np.ndarray:
    """Standard [m2/person] from the tier codes, as the year loop computed it."""
    std = table[arrays["tier"]] * factor
    return std if enabled else np.zeros_like(std)


def _pop_requested(arrays: Mapping[str, np.ndarray]) -> np.ndarray:
    """Population-linked quota requested, ``M x s / 10,000``. [ha]"""
    return arrays["settled_migrants"] * arrays["standard_m2"] / M2_PER_HA


def _ordinary_requested(arrays: Mapping[str, np.ndarray]) -> np.ndarray:
    """Population- plus stock-linked quota requested. [ha]"""
    return arrays["pop_link_requested_ha"] + arrays["stock_link_requested_ha"]


def _granted(arrays: Mapping[str, np.ndarray]) -> np.ndarray:
    """Ordinary quota granted (the sum over the two links numpy's loop takes). [ha]"""
    return 0.0 + arrays["pop_link_quota_ha"] + arrays["stock_link_quota_ha"]


def _new_land(arrays: Mapping[str, np.ndarray]) -> np.ndarray:
    """New construction land: ordinary plus key-project quota granted. [ha]"""
    return _granted(arrays) + arrays["key_project_quota_ha"]


def _withheld(arrays: Mapping[str, np.ndarray]) -> np.ndarray:
    """Ordinary quota requested but not granted. [ha]"""
    return arrays["ordinary_requested_ha"] - _granted(arrays)


def _cultivated(arrays: Mapping[str, np.ndarray], share: float) -> np.ndarray:
    """Cultivated land occupied by the new construction land. [ha]"""
    return arrays["new_construction_land_ha"] * share


class ResultArrays(Mapping[str, np.ndarray]):
    """The arrays of a :class:`QuotaResult`, some computed from the others on first use.

    A read-only mapping ``name -> (draws, years, townships)`` array; an array listed in
    ``derived`` (name -> function of this mapping) is computed when first asked for and
    then kept, so an ensemble that reads only county totals never builds it.
    """

    def __init__(self, arrays: Mapping[str, np.ndarray],
                 derived: Mapping[str, Callable[[Mapping[str, np.ndarray]], np.ndarray]]
                 | None = None) -> None:
        self._arrays = dict(arrays)
        self._derived = {k: v for k, v in (derived or {}).items() if k not in self._arrays}
        self._names = [*self._arrays, *self._derived]

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._arrays:
            if name not in self._derived:
                raise KeyError(name)
            self._arrays[name] = self._derived[name](self)
        return self._arrays[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __contains__(self, name: object) -> bool:
        return name in self._arrays or name in self._derived


def simulate_quota(drivers: QuotaDrivers, policy: QuotaPolicy | None = None, *,
                   block_draws: int = BLOCK_DRAWS,
                   compiled: bool | None = None, threads: int | None = None) -> QuotaResult:
    """Run the two-links quota rules year by year, vectorised over draws and townships.

    Each year: the standard from the current per-capita urban land (a township without
    urban population takes the county's level); the requested population- and
    stock-linked quota; the supply-rate floor tested on the rate at the end of the
    previous year; the optional per-capita brake; key projects granted first (within the
    upper-level plan's remainder, and within the UDB room when they lie in the UDB);
    ordinary quota takes what remains after the room still needed by later key projects
    is set aside, cut first to the UDB room and then to the plan's remainder. New land is
    supplied over the following years by ``policy.supply_rate.lag_shares``.

    Parameters
    ----------
    drivers : QuotaDrivers
        Settled migrants, urban population, stock disposal, key projects, cohorts.
    policy : QuotaPolicy, optional
        Default :class:`~landsim.quota.params.QuotaPolicy` ().
    block_draws : int
        Draws run through the years together (default :data:`BLOCK_DRAWS`); any value
        gives the same numbers, since draws never interact. [count]
    compiled : bool, optional
        Run the years through the compiled loop (:mod:`landsim.quota._kernel`, numba):
        ``None`` (default) where it covers the policy (county-level caps, no 占补平衡
        link) and the run has at least :data:`landsim.quota._kernel.MIN_DRAWS` draws,
        ``False`` never (the numpy loop over blocks of draws), ``True`` always (an
        error where it does not cover the policy). Both give the same numbers.
    threads : int, optional
        Threads the compiled loop splits the draws over (default one per CPU this
        process may use, at most one per
        :data:`landsim.quota._kernel.MIN_DRAWS_PER_THREAD` draws); the same numbers for
        any value. [count]

    Returns
    -------
    QuotaResult
        Arrays per (draw, year, township); see :func:`ledger` and :func:`annual_table`.
    """
    policy = QuotaPolicy() if policy is None else policy
    pl, sl, rp = policy.population_link, policy.stock_link, policy.reward_penalty
    sr, caps, brake = policy.supply_rate, policy.caps, policy.per_capita_brake
    county = caps.level == "county"
    n_d, n_t, n_k = drivers.n_draws, len(drivers.years), len(drivers.townships)
    shape = (n_d, n_t, n_k)

    def full(a: np.ndarray) -> np.ndarray:
        return np.broadcast_to(a, shape)

    stock = drivers.stock
    counted = [c for c, on in (("unsupplied", sl.count_unsupplied), ("idle", sl.count_idle),
                               ("inefficient", sl.count_inefficient)) if on]
    disposed = full(stock.total_disposed(counted)) if counted else np.zeros(shape)
    met_u = full(task_met(stock.disposed["unsupplied"], stock.opening["unsupplied"],
                          rp.unsupplied_task_rate, county))
    met_i = full(task_met(stock.disposed["idle"], stock.opening["idle"], rp.idle_task_rate,
                          county))
    # on the values the tests hold (one per draw and year at county level), broadcast
    mult = full(reward_penalty_multiplier(compact(met_u), compact(met_i), rp))
    ratio = (sl.ratio if drivers.stock_link_ratio is None
             else drivers.stock_link_ratio.reshape(-1, 1, 1))
    if sl.enabled:  # ratio x disposed x multiplier, the product taken in place
        q_stock_all = ratio * disposed
        np.multiply(q_stock_all, mult, out=q_stock_all)
    else:
        q_stock_all = np.zeros(shape)
    factor = (None if drivers.provincial_factor is None
              else drivers.provincial_factor.reshape(-1, 1))
    settled = full(drivers.settled_migrants)
    urban_pop = full(drivers.urban_pop)
    keys = full(drivers.key_projects_ha)
    keys_udb = full(drivers.key_projects_udb_ha)
    within = caps.key_projects_within_caps
    # room later key projects still need, set aside before ordinary quota is granted
    later_keys = full(_later(drivers.key_projects_ha))
    later_keys_udb = full(_later(drivers.key_projects_udb_ha))
    disp_u = full(stock.disposed["unsupplied"])
    seat = np.asarray(drivers.is_county_seat, dtype=bool)
    band_max = np.where(seat, brake.seat_band_max_m2, brake.town_band_max_m2)

    # Historical cohorts share one survival factor of their unsupplied land per draw and
    # township (disposal is pro rata over cohorts).
    hist_years = np.asarray(drivers.cohort_years)
    hist_approved = np.asarray(drivers.cohort_approved, dtype=float).reshape(-1, n_k)
    hist_unsup = np.maximum(hist_approved - np.asarray(drivers.cohort_supplied, dtype=float)
                            .reshape(-1, n_k), 0.0)
    hist = (hist_years, hist_approved, hist_unsup)

    names = ("per_capita_urban_land_m2", "standard_m2", "tier", "pop_link_requested_ha",
             "ordinary_requested_ha", "pop_link_quota_ha", "stock_link_quota_ha",
             "key_project_quota_ha", "new_construction_land_ha",
             "cumulative_new_ha", "cap_remaining_ha", "udb_room_ha", "urban_land_ha",
             "binding", "key_binding", "withheld_ha", "county_level", "balance_room_ha",
             "balance_account", "balance_quantity_ha", "balance_capacity_kg",
             "balance_paddy_ha")
    balance_on = policy.cultivated_balance.enabled
    use_kernel = (_kernel.supported(county, balance_on, n_k, n_d) if compiled is None
                  else compiled)
    if use_kernel and not _kernel.supported(county, balance_on, n_k):
        msg = ("simulate_quota(compiled=True) needs numba and county-level caps without the "
               "占补平衡 link")
        raise InputError(msg)
    # The numpy loop stores year-major (each year's write contiguous), the compiled loop
    # draw-major (each draw's years contiguous); views (draws, years, ...) are returned.
    # Codes and flags are stored small, county-wide values once per draw: first writes to
    # fresh memory (page faults) were the largest cost of a 100,000-draw run.
    pooled = _COUNTY_ARRAYS | ({"udb_room_ha"} if county else set())

    def storage(years: int, width: int, dtype: type = float) -> np.ndarray:
        return np.empty((n_d, years, width) if use_kernel else (years, n_d, width), dtype)

    out = ({} if use_kernel and n_d else
           {n: storage(n_t, 1 if n in pooled else n_k, _DTYPES.get(n, float)) for n in names})
    # the rate tested in year t is the rate at the end of year t - 1: one array serves both
    rates = storage(n_t + 1, 1 if county else n_k)
    totals: dict[str, np.ndarray] = {}
    udb_limit = caps.udb_expansion_multiple * drivers.udb_base_urban_land_ha

    def udb_room_now() -> np.ndarray:
        if not caps.udb_enabled:
            return no_udb
        room = _pool(udb_limit - land, county)
        return room[:, :1] if county else room

    cb = policy.cultivated_balance
    if cb.enabled:
        if drivers.cultivated_credits is None or drivers.cultivated_cost_per_ha is None:
            msg = ("cultivated_balance.enabled needs the county's 占补平衡 credits: add "
                   "cultivated_projects.csv to the county folder (see data/sample_county/"
                   "README.md) or switch the balance off")
            raise InputError(msg)
        opening = (np.zeros(3) if drivers.cultivated_opening is None
                   else drivers.cultivated_opening)
        # cost of one ha of new construction land in each account
        cost = drivers.cultivated_cost_per_ha * policy.indicators.cultivated_share
    else:
        opening = np.zeros(3)
        cost = np.zeros(3)

    def balance_room() -> tuple[np.ndarray, np.ndarray]:
        """New construction land [ha] the accounts can pay (n_d, 1) and the binding account."""
        with np.errstate(divide="ignore", invalid="ignore"):
            rooms = np.where(cost > 0, np.maximum(balance, 0.0) / np.where(cost > 0, cost, 1.0),
                             np.inf)
        return rooms.min(axis=-1, keepdims=True), rooms.argmin(axis=-1)

    year0 = int(drivers.years[0])
    # Blocks of draws small enough for their per-year arrays to stay in the CPU cache: the
    # same operations as on all draws at once, at a fraction of the memory traffic.
    block = max(int(block_draws), 1)
    if use_kernel and n_d:
        kernel = partial(_run_kernel, drivers, policy, hist=hist, q_stock_all=q_stock_all,
                         later_keys=later_keys, later_keys_udb=later_keys_udb,
                         udb_limit=udb_limit, band_max=band_max, threads=threads)
        rates, totals = kernel(out, township=False)
    else:
        for lo in range(0, n_d, block):
            rows = slice(lo, min(lo + block, n_d))
            nb = rows.stop - lo
            land = np.broadcast_to(drivers.base_urban_land_ha, (nb, n_k)).astype(float)
            pop_prev = np.broadcast_to(drivers.base_urban_pop, (nb, n_k)).astype(float)
            plan_left = np.full((nb, 1), caps.upper_plan_new_construction_ha
                                - caps.upper_plan_used_ha if caps.upper_plan_enabled else np.inf)
            cumulative = np.zeros((nb, 1))
            no_udb = np.full((nb, n_k), np.inf)
            balance = np.broadcast_to(opening, (nb, 3)).astype(float).copy()
            survival = np.ones((nb, n_k))
            fac = None if factor is None else factor[rows]
            settled_b = settled[rows]
            later_settled = _later(settled_b)
            new_land = out["new_construction_land_ha"][:, rows]
            rate_prev = _window_rate(year0 - 1, -1, hist, survival, new_land, sr, county)
            rates[0, rows] = rate_prev[:, :rates.shape[-1]]
            for i, year in enumerate(drivers.years):
                county_e = per_capita_m2(land.sum(axis=-1, keepdims=True),
                                         pop_prev.sum(axis=-1, keepdims=True))
                # townships without urban population are assessed at the county's level
                no_urban = pop_prev <= 0
                e = np.where(no_urban, county_e, per_capita_m2(land, pop_prev))
                std, tier = tier_standard(e, pl, fac)
                std = std if pl.enabled else np.zeros_like(std)
                q_pop = population_link_quota(settled_b[:, i], std)
                q_stock = q_stock_all[rows, i]

                rate = rate_prev
                ok = np.isnan(rate) | (rate >= sr.floor - _TOL) | (not sr.enabled)
                requested = q_pop + q_stock
                # the floor withholds stock-linked quota; population-linked quota too unless it
                # is exempt as livelihood (民生) land
                pop_ok = ok | sr.exempt_pop_link
                wanted = np.stack([np.where(pop_ok, q_pop, 0.0), np.where(ok, q_stock, 0.0)])
                if brake.enabled:
                    over = e > band_max * (1.0 + _TIER_RTOL)
                    cut = band_max / np.where(over, e, 1.0) if brake.mode == "proportional" else 0.0
                    braked = np.where(over, wanted * cut, wanted)
                else:
                    braked = wanted

                # key projects first: the plan's remainder, then (inside the UDB) the UDB room
                key_req, key_udb_req = keys[rows, i], keys_udb[rows, i]
                key_granted = scale_to_room(key_req, plan_left, county=True) if within else key_req
                if cb.enabled:
                    balance = balance + drivers.cultivated_credits[i]
                    bal_room, bal_account = balance_room()
                    if cb.include_key_projects:
                        key_granted = scale_to_room(key_granted, bal_room, county=True)
                    bal_left = bal_room - key_granted.sum(axis=-1, keepdims=True)
                else:
                    bal_room = bal_left = np.full((nb, 1), np.inf)
                    bal_account = np.zeros(nb, dtype=int)
                kept = np.divide(key_granted, key_req, out=np.ones_like(key_req), where=key_req > _TOL)
                key_udb = scale_to_room(key_udb_req * kept, udb_room_now(), county)
                key_granted = key_granted - (key_udb_req * kept - key_udb)
                land = land + key_udb
                # ordinary quota: what remains after the room later key projects need; the
                # population-linked quota (a special quota, 专项) before the stock-linked one,
                # which also leaves the room later settled migrants need at this year's standard
                # (caps.reserve_pop_link)
                plan_room = plan_left - (key_granted.sum(axis=-1, keepdims=True)
                                         + later_keys[rows, i].sum(axis=-1, keepdims=True)
                                         if within else 0.0)
                udb_room = udb_room_now()
                if caps.udb_enabled:
                    udb_room = udb_room - (later_keys_udb[rows, i].sum(axis=-1, keepdims=True)
                                           if county else later_keys_udb[rows, i])
                after_udb = np.empty_like(braked)
                after_plan = np.empty_like(braked)
                granted_by = np.empty_like(braked)
                for j in (0, 1):
                    after_udb[j] = scale_to_room(braked[j], udb_room, county)
                    after_plan[j] = scale_to_room(after_udb[j], plan_room, county=True)
                    # 以补定占: the accounts pay what remains after key projects (and pop link)
                    granted_by[j] = scale_to_room(after_plan[j], bal_left, county=True)
                    bal_left = bal_left - granted_by[j].sum(axis=-1, keepdims=True)
                    if j == 0:
                        set_aside = granted_by[0] + (later_settled[:, i] * std / M2_PER_HA
                                                     if caps.reserve_pop_link else 0.0)
                        plan_room = plan_room - set_aside.sum(axis=-1, keepdims=True)
                        udb_room = udb_room - (set_aside.sum(axis=-1, keepdims=True) if county
                                               else set_aside)
                granted = granted_by.sum(axis=0)

                binding = np.select(
                    [(granted_by < after_plan - _TOL).any(axis=0),
                     (after_plan < after_udb - _TOL).any(axis=0),
                     (after_udb < braked - _TOL).any(axis=0),
                     (braked < wanted - _TOL).any(axis=0),
                     (wanted < np.stack([q_pop, q_stock]) - _TOL).any(axis=0)],
                    [BINDING.index("cultivated_balance"), BINDING.index("upper_plan"),
                     BINDING.index("udb"),
                     BINDING.index("per_capita_brake"), BINDING.index("supply_rate_floor")],
                    BINDING.index("none"))
                new = granted + key_granted
                if cb.enabled:
                    balance = balance - new.sum(axis=-1, keepdims=True) * cost
                    balance[np.abs(balance) < _TOL] = 0.0

                # this year's 批而未供 disposal supplies old cohorts pro rata
                total_unsup = survival * hist_unsup.sum(axis=0)
                frac = np.divide(disp_u[rows, i], total_unsup, out=np.zeros_like(total_unsup),
                                 where=total_unsup > _TOL)
                survival = survival * (1.0 - np.minimum(frac, 1.0))

                land = land + granted
                pop_prev = urban_pop[rows, i]
                cumulative = cumulative + new.sum(axis=-1, keepdims=True)
                plan_left = plan_left - new.sum(axis=-1, keepdims=True)
                new_land[i] = new
                rate_end = _window_rate(int(year), i, hist, survival, new_land, sr, county)

                rates[i + 1, rows] = rate_end[:, :rates.shape[-1]]
                udb_left = (_pool(udb_limit - land, county) if caps.udb_enabled else no_udb)
                values = {
                    "per_capita_urban_land_m2": e, "standard_m2": std, "tier": tier,
                    "pop_link_requested_ha": q_pop, "ordinary_requested_ha": requested,
                    "pop_link_quota_ha": granted_by[0], "stock_link_quota_ha": granted_by[1],
                    "key_project_quota_ha": key_granted,
                    "cumulative_new_ha": cumulative, "cap_remaining_ha": plan_left,
                    "udb_room_ha": udb_left[:, :1] if county else udb_left,
                    "urban_land_ha": land, "binding": binding,
                    "key_binding": key_granted < key_req - _TOL, "withheld_ha": requested - granted,
                    "county_level": no_urban,
                    "balance_room_ha": bal_room, "balance_account": bal_account[:, None],
                    "balance_quantity_ha": balance[:, :1], "balance_capacity_kg": balance[:, 1:2],
                    "balance_paddy_ha": balance[:, 2:],
                }
                for name, value in values.items():
                    out[name][i, rows] = value
                rate_prev = rate_end

    if not (use_kernel and n_d):
        out = {name: np.moveaxis(value, 0, 1) for name, value in out.items()}
        rates = np.moveaxis(rates, 0, 1)
    arrays = {name: np.broadcast_to(value, shape) if name in pooled else value
              for name, value in out.items()}
    arrays["supply_rate"] = full(rates[:, 1:])
    arrays["supply_rate_tested"] = full(rates[:, :-1])
    # inputs are returned as read-only broadcast views, not copies
    arrays.update({"stock_link_requested_ha": q_stock_all, "key_project_requested_ha": keys,
                   "settled_migrants": settled, "urban_pop": urban_pop,
                   "stock_disposed_ha": disposed, "stock_multiplier": mult,
                   "unsupplied_task_met": met_u, "idle_task_met": met_i})
    for cat in ("unsupplied", "idle", "inefficient"):
        arrays[f"disposed_{cat}_ha"] = full(stock.disposed[cat])
    derived = {"cultivated_occupied_ha": partial(_cultivated,
                                                 share=policy.indicators.cultivated_share)}
    if use_kernel and n_d:  # township arrays of the loop: all from one more run, when asked
        township = cache(partial(_township_run, kernel))  # run once, when first asked
        derived.update({name: partial(_from_run, township, name=name)
                        for name in _KERNEL_TOWNSHIP})
    if "standard_m2" not in arrays:  # the compiled loop's outputs: the rest follows
        table = np.array([0.0, pl.standard_tier1_m2, pl.standard_tier2_m2,
                          pl.standard_tier3_m2])
        fac = (np.full((n_d, 1, 1), pl.provincial_factor) if factor is None
               else factor.reshape(-1, 1, 1))
        derived.update({
            "standard_m2": partial(_standard, table=table, factor=fac, enabled=pl.enabled),
            "pop_link_requested_ha": _pop_requested, "ordinary_requested_ha": _ordinary_requested,
            "new_construction_land_ha": _new_land, "withheld_ha": _withheld})
    return QuotaResult(drivers=drivers, policy=policy, arrays=ResultArrays(arrays, derived),
                       totals=totals)


# ----------------------------------------------------------------------------- outputs


def annual_table(result: QuotaResult, by: str = "county") -> pd.DataFrame:
    """Annual quota table with the design 5.3 columns.

    Parameters
    ----------
    result : QuotaResult
    by : {'county', 'township'}
        County totals per year, or one row per year and township.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ANNUAL_COLUMNS` first, then ``township`` (when ``by='township'``),
        ``draw`` (when there is more than one draw), supply_rate [fraction] (five-year
        rate at the end of the year: the approvals of the year and the four before, as
        ``landsim stock assess`` and the monitor give it for that year),
        supply_rate_tested [fraction] (the rate the floor was tested on: the end of the
        previous year), ordinary_requested_ha, key_project_requested_ha, withheld_ha
        (ordinary quota requested but not granted), udb_room_ha, urban_land_ha [ha],
        binding_cap (what cut the ordinary quota, :data:`BINDING`). The
        ``*_requested_ha`` columns are design 5.3's Q_pop = M x s / 10,000 and
        Q_stock = ratio x disposed (after reward/penalty), before the floor and the caps;
        the ``*_quota_ha`` columns are the granted amounts: ``pop_link + stock_link +
        key_project = new_construction_land``. The county ``standard_m2`` is the effective
        standard, requested pop-link quota x 10,000 / settled migrants (the migrant-weighted
        mean of the township standards); in a year without migrants it is the tier standard
        of the county's per-capita urban land.
    """
    a = result.arrays
    years = result.drivers.years
    n_d, n_t, n_k = result.drivers.n_draws, len(years), len(result.drivers.townships)
    sums = ("settled_migrants", "pop_link_requested_ha", "pop_link_quota_ha",
            "stock_disposed_ha", "stock_link_requested_ha", "stock_link_quota_ha",
            "key_project_quota_ha", "new_construction_land_ha", "cultivated_occupied_ha",
            "ordinary_requested_ha", "urban_land_ha", "key_project_requested_ha",
            "withheld_ha")
    if by == "township":
        cols = {n: a[n] for n in sums}
        cols.update({n: a[n] for n in ("per_capita_urban_land_m2", "standard_m2",
                                       "supply_rate", "supply_rate_tested", "udb_room_ha")})
        cols["cumulative_new_ha"] = np.cumsum(a["new_construction_land_ha"], axis=1)
        cols["cap_remaining_ha"] = a["cap_remaining_ha"]
        binding = np.asarray(BINDING)[a["binding"].astype(int)]
        township = np.broadcast_to(np.asarray(result.drivers.townships), (n_d, n_t, n_k))
        frame = {k: np.asarray(v).ravel() for k, v in cols.items()}
        frame["binding_cap"] = binding.ravel()
        frame["township"] = township.ravel()
        frame["year"] = np.broadcast_to(years[None, :, None], (n_d, n_t, n_k)).ravel()
        frame["draw"] = np.broadcast_to(np.arange(n_d)[:, None, None], (n_d, n_t, n_k)).ravel()
        lead = ["year", "township"]
    elif by == "county":
        totals = {n: result.totals[n] if n in result.totals else _township_total(a[n])
                  for n in sums}
        # copies (never the result's memory), in one allocation: fresh memory costs a page
        # fault per page, and one large block is mapped in far fewer
        block = np.empty((len(sums), n_d * n_t))
        frame = {}
        for row, n in zip(block, sums, strict=True):
            np.copyto(row.reshape(n_d, n_t), totals[n])
            frame[n] = row
        land_prev = np.concatenate(
            [np.broadcast_to(result.drivers.base_urban_land_ha.sum(), (n_d, 1)),
             totals["urban_land_ha"][:, :-1]], axis=1)
        pop_prev = np.concatenate(
            [np.broadcast_to(result.drivers.base_urban_pop.sum(), (n_d, 1)),
             (result.totals["urban_pop"] if "urban_pop" in result.totals
              else _township_total(a["urban_pop"]))[:, :-1]], axis=1)
        county_pc = per_capita_m2(land_prev, pop_prev)
        frame["per_capita_urban_land_m2"] = county_pc.ravel()
        migrants = totals["settled_migrants"]
        weighted = (result.totals["settled_x_standard"] if "settled_x_standard" in result.totals
                    else (a["settled_migrants"] * a["standard_m2"]).sum(axis=-1))
        # migrant-weighted standard; without migrants, the standard of the county level
        factor = result.drivers.provincial_factor
        county_std = tier_standard(county_pc,
                                   result.policy.population_link,
                                   None if factor is None else factor.reshape(-1, 1))[0]
        if not result.policy.population_link.enabled:
            county_std = np.zeros_like(county_std)
        frame["standard_m2"] = np.divide(weighted, migrants, out=county_std,
                                         where=migrants > 0).ravel()
        # copies: the table never shares memory with the result
        frame["cumulative_new_ha"] = a["cumulative_new_ha"][..., 0].flatten()
        frame["cap_remaining_ha"] = a["cap_remaining_ha"][..., 0].flatten()
        frame["supply_rate"] = _county_supply_rate(a["supply_rate"]).ravel()
        frame["supply_rate_tested"] = _county_supply_rate(a["supply_rate_tested"]).ravel()
        frame["udb_room_ha"] = _county_udb_room(result, totals["urban_land_ha"]).ravel()
        frame["binding_cap"] = _county_binding(result.totals["binding_max"][..., None]
                                               if "binding_max" in result.totals
                                               else a["binding"])
        frame["year"] = np.broadcast_to(years[None, :], (n_d, n_t)).ravel()
        frame["draw"] = np.broadcast_to(np.arange(n_d)[:, None], (n_d, n_t)).ravel()
        lead = ["year"]
    else:
        msg = f"annual_table: by must be 'county' or 'township', got {by!r}"
        raise InputError(msg)
    extra = ["supply_rate", "supply_rate_tested", "ordinary_requested_ha",
             "key_project_requested_ha", "withheld_ha", "udb_room_ha", "urban_land_ha",
             "binding_cap"]
    if result.policy.cultivated_balance.enabled:
        # the county's 占补平衡 accounts after the year and the account that limits
        names = np.asarray(BALANCE_ACCOUNTS)
        for name in ("balance_room_ha", "balance_quantity_ha", "balance_capacity_kg",
                     "balance_paddy_ha"):
            values = a[name][..., 0]
            frame[name] = (values.flatten() if by == "county"
                           else np.broadcast_to(values[..., None], (n_d, n_t, n_k)).ravel())
        acct = names[a["balance_account"][..., 0].astype(int)]
        frame["balance_account"] = (acct if by == "county" else np.broadcast_to(
            acct[..., None], (n_d, n_t, n_k))).ravel()
        extra += ["balance_room_ha", "balance_account", "balance_quantity_ha",
                  "balance_capacity_kg", "balance_paddy_ha"]
    order = lead + [c for c in ANNUAL_COLUMNS if c != "year"] + extra
    if n_d > 1:
        order = ["draw", *order]
    # one frame built once, in column order (no reordering copy of every column); the
    # county columns are new arrays, so they are taken as they are (no consolidating copy)
    if by == "county":  # the table's own arrays: residues set to 0 where they are
        for c in order:
            if c.endswith("_ha"):
                _clear_residues(frame[c])
        return pd.DataFrame({c: frame[c] for c in order}, copy=False)
    return pd.DataFrame({c: _without_residues(frame[c]) if c.endswith("_ha") else frame[c]
                         for c in order})


def _township_total(x: np.ndarray) -> np.ndarray:
    """Sum over the township axis of ``(draws, years, townships)`` values, ``(draws,
    years)``; an input broadcast over draws is summed once (the same sum for every draw)."""
    x = np.asarray(x)
    if x.ndim == 3 and x.shape[0] > 1 and x.strides[0] == 0:
        return np.broadcast_to(x[:1].sum(axis=-1), x.shape[:2])
    return x.sum(axis=-1)


def _without_residues(values: np.ndarray) -> np.ndarray:
    """Areas [ha] closer to 0 than ``_TOL`` as exactly 0 (no 2.3e-13 in the files); a copy
    only where there is such a residue, so the result's arrays are never written to."""
    values = np.asarray(values, dtype=float)
    tiny = np.abs(values) < _TOL
    return np.where(tiny, 0.0, values) if tiny.any() else values


_RESIDUE_CHUNK = 1 << 16
"""Values :func:`_clear_residues` tests at a time (its scratch arrays stay small). [count]"""


def _clear_residues(values: np.ndarray) -> None:
    """Set areas [ha] closer to 0 than ``_TOL`` to exactly 0 in place (1-D ``values``, the
    caller's own array), a chunk at a time (no temporaries the size of ``values``)."""
    scratch = np.empty(min(values.size, _RESIDUE_CHUNK))
    tiny = np.empty(scratch.size, bool)
    for lo in range(0, values.size, _RESIDUE_CHUNK):
        part = values[lo:lo + _RESIDUE_CHUNK]
        n = part.size
        np.less(np.abs(part, out=scratch[:n]), _TOL, out=tiny[:n])
        part[tiny[:n]] = 0.0


def _county_supply_rate(rate: np.ndarray) -> np.ndarray:
    """County supply rate (identical across townships in county mode, else the minimum)."""
    if rate.shape[-1] > 1 and rate.strides[-1] == 0:  # county mode: one rate, broadcast
        rate = rate[..., :1]
    with np.errstate(all="ignore"):
        filled = np.where(np.isnan(rate), np.inf, rate).min(axis=-1)
    return np.where(np.isinf(filled), np.nan, filled)


def _county_udb_room(result: QuotaResult, land: np.ndarray | None = None) -> np.ndarray:
    """County UDB room left after each year [ha]; ``land`` is the county urban land
    ``(draws, years)`` [ha] when already summed."""
    caps = result.policy.caps
    land = result.arrays["urban_land_ha"].sum(axis=-1) if land is None else land
    if not caps.udb_enabled:
        return np.full(land.shape, np.inf)
    limit = caps.udb_expansion_multiple * result.drivers.udb_base_urban_land_ha.sum()
    return limit - land


def _county_binding(binding: np.ndarray) -> pd.Categorical:
    """Most restrictive binding code over townships, as text (categorical: cheap for
    ensembles of many draws)."""
    codes = binding.max(axis=-1).astype(np.int8).ravel()
    return pd.Categorical.from_codes(codes, categories=list(BINDING))


def _fmt(x: float) -> str:
    return f"{x:,.2f}"


def ledger(result: QuotaResult, draw: int = 0) -> pd.DataFrame:
    """Year-by-township ledger: each number and the rule that produced it.

    Parameters
    ----------
    result : QuotaResult
    draw : int
        Which draw to explain.

    Returns
    -------
    pandas.DataFrame
        Tidy rows ``year, township, quantity, value, unit, rule, binding_cap``.
    """
    a = {k: v[draw] for k, v in result.arrays.items()}
    pol = result.policy
    pl, sl, rp, sr = (pol.population_link, pol.stock_link, pol.reward_penalty,
                      pol.supply_rate)
    tiers = {1: f"tier 1 (e <= {pl.tier1_max_m2:g} m2): {pl.standard_tier1_m2:g} m2",
             2: f"tier 2 ({pl.tier1_max_m2:g} < e <= {pl.tier2_max_m2:g} m2): "
                f"{pl.standard_tier2_m2:g} m2",
             3: f"tier 3 (e > {pl.tier2_max_m2:g} m2): {pl.standard_tier3_m2:g} m2"}
    rows: list[tuple[object, ...]] = []
    for i, year in enumerate(result.drivers.years):
        for k, town in enumerate(result.drivers.townships):
            def v(name: str, i: int = i, k: int = k) -> float:
                return float(a[name][i, k])

            bind = BINDING[int(v("binding"))]
            rate = v("supply_rate_tested")
            window = f"approvals {int(year) - sr.window_years}-{int(year) - 1}"
            if not sr.enabled:
                rate_rule = "supply-rate floor switched off"
            elif np.isnan(rate):
                rate_rule = (f"nothing approved in the {sr.window_years} years before "
                             f"({window}): floor not applied")
            elif rate >= sr.floor - _TOL:
                rate_rule = f"{rate:.1%} ({window}) >= {sr.floor:.0%}: ordinary quota allowed"
            else:
                rate_rule = f"{rate:.1%} ({window}) < {sr.floor:.0%}: no ordinary quota"
            mult = v("stock_multiplier")
            if not rp.enabled:
                mult_rule = "reward/penalty switched off"
            elif mult > 1:
                mult_rule = f"both disposal tasks met: +{rp.reward_rate:.0%}"
            elif mult < 1:
                missed = [n for n, met in (("批而未供", a["unsupplied_task_met"][i, k]),
                                           ("idle", a["idle_task_met"][i, k])) if not met]
                missed_txt = ", ".join(missed) if missed else "earlier year"
                mult_rule = f"task missed ({missed_txt}): -{rp.penalty_rate:.0%}"
            else:
                mult_rule = "no assessment yet (lag)"
            std_rule = (f"{tiers[int(v('tier'))]} x provincial factor "
                        f"{pl.provincial_factor:g}" if pl.enabled
                        else "population link switched off")
            pop_rule = (f"M x s / 10,000 = {_fmt(v('settled_migrants'))} x "
                        f"{v('standard_m2'):g} / 10,000" if pl.enabled
                        else "population link switched off")
            stock_rule = (f"ratio {sl.ratio:g} x {_fmt(v('stock_disposed_ha'))} ha x {mult:g}"
                          f" ({mult_rule})" if sl.enabled else "stock link switched off")
            withheld = v("withheld_ha")
            granted_rule = {
                "none": "requested quota granted in full",
                "supply_rate_floor": "withheld: supply rate below the floor",
                "per_capita_brake": "cut by the per-capita brake "
                                    f"({pol.per_capita_brake.mode})",
                "udb": "cut to the urban development boundary room "
                       f"({pol.caps.udb_expansion_multiple:g} x {pol.caps.udb_base_year} "
                       "urban land, less key projects)",
                "upper_plan": "cut to the upper-level plan's remaining new construction land "
                              f"({result.drivers.caps_source}), less key projects",
                "cultivated_balance": "cut to what the 占补平衡 accounts can pay (以补定占; "
                                      "binding account "
                                      f"{BALANCE_ACCOUNTS[int(v('balance_account'))]})",
            }[bind]
            if bind != "none":
                granted_rule += f"; {_fmt(withheld)} ha withheld"
            key_rule = (f"cut to the remaining caps: {_fmt(v('key_project_requested_ha'))} ha "
                        "requested" if a["key_binding"][i, k]
                        else "granted first, directly")
            disp_rule = (f"批而未供 {_fmt(v('disposed_unsupplied_ha'))} + idle "
                         f"{_fmt(v('disposed_idle_ha'))} + inefficient "
                         f"{_fmt(v('disposed_inefficient_ha'))} ha disposed; counted: "
                         + ", ".join(c for c, on in (("批而未供", sl.count_unsupplied),
                                                     ("idle", sl.count_idle),
                                                     ("inefficient", sl.count_inefficient))
                                     if on))
            entries = [
                ("settled_migrants", v("settled_migrants"), "persons",
                 result.drivers.migrants_rule),
                ("per_capita_urban_land_m2", v("per_capita_urban_land_m2"), "m2/person",
                 "no urban population: the county's level (assessed at county level)"
                 if a["county_level"][i, k] else
                 "urban construction land / urban population at the start of the year"),
                ("standard_m2", v("standard_m2"), "m2/person", std_rule),
                ("pop_link_requested_ha", v("pop_link_requested_ha"), "ha", pop_rule),
                ("stock_disposed_ha", v("stock_disposed_ha"), "ha", disp_rule),
                ("stock_link_requested_ha", v("stock_link_requested_ha"), "ha", stock_rule),
                ("supply_rate_tested", rate, "fraction", rate_rule),
                ("ordinary_requested_ha", v("ordinary_requested_ha"), "ha",
                 "pop-link + stock-link quota requested"),
                ("pop_link_quota_ha", v("pop_link_quota_ha"), "ha", granted_rule),
                ("stock_link_quota_ha", v("stock_link_quota_ha"), "ha", granted_rule),
                ("key_project_quota_ha", v("key_project_quota_ha"), "ha", key_rule),
                ("new_construction_land_ha", v("new_construction_land_ha"), "ha",
                 "granted pop-link + stock-link + key-project quota"),
                ("cultivated_occupied_ha", v("cultivated_occupied_ha"), "ha",
                 f"new construction land x cultivated share "
                 f"{pol.indicators.cultivated_share:g}"),
            ]
            if pol.cultivated_balance.enabled:
                acct = BALANCE_ACCOUNTS[int(v("balance_account"))]
                entries.append((
                    "balance_room_ha", v("balance_room_ha"), "ha",
                    "以补定占: new construction land the county's accounts can pay after the "
                    f"year's credits (binding account {acct}); closing balances quantity "
                    f"{_fmt(v('balance_quantity_ha'))} ha, capacity "
                    f"{_fmt(v('balance_capacity_kg'))} kg, paddy "
                    f"{_fmt(v('balance_paddy_ha'))} ha"))
            rows.extend((int(year), town, *entry, bind) for entry in entries)
    return pd.DataFrame(rows, columns=["year", "township", "quantity", "value", "unit", "rule",
                                       "binding_cap"])
