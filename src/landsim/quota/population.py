"""Population module of the two-links quota simulation (人地挂钩 side).

Base-year population per township, a projection to the horizon with natural growth, net
migration and a logistic urbanisation path, and the settled migrants (农业转移人口落户)
per year. Every projected quantity is an array shaped ``(draws, years, townships)`` so
that a Monte Carlo layer can pass arrays of draws for any rate; scalars and per-township
vectors broadcast.

The projection can shrink: Pianguan's resident population fell from 112,111 (2010
census) to 73,382 (2020 census), about -4.2 %/year. When the urban population falls the
net change is not what the policy counts: it counts registrations (落户) of rural
people moving into towns, a gross flow that continues while the total population shrinks.
:func:`project_population` therefore projects gross rural-to-urban transfers from the
urbanisation path, and :func:`settled_migrants` takes a share of them.

>>> import numpy as np
>>> logistic_urbanisation(np.array(0.5), 0.7, 0.1, np.array([0.0, 10.0])).round(4)
array([0.5   , 0.6102])
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

import landsim.quota._kernel as _kernel
from landsim.errors import InputError
from landsim.schema import require_columns
from landsim.threads import draw_slices, run_slices
from landsim.units import ha_to_m2

__all__ = [
    "POPULATION_COLUMNS",
    "PopulationPath",
    "base_population",
    "REGISTRATION_COLUMNS",
    "SCOPES",
    "broadcast_dtk",
    "calibrated_settlement_share",
    "check_years",
    "destination_shares",
    "historical_growth_rate",
    "historical_transfers",
    "logistic_urbanisation",
    "new_urban_residents",
    "per_capita_m2",
    "project_population",
    "settled_migrants",
    "settled_migrants_from_table",
]

POPULATION_COLUMNS = ("year", "township", "resident_pop", "registered_pop", "urban_pop",
                      "urban_construction_land_ha")
"""Columns the population table must have."""


def broadcast_dtk(value: object, n_years: int, n_townships: int, name: str) -> np.ndarray:
    """Read a scalar, per-township vector or ``(draws, years|1, townships|1)`` array.

    Parameters
    ----------
    value : float, array-like
        Scalar, shape ``(townships,)``, or 3-D ``(draws, years or 1, townships or 1)``.
    n_years, n_townships : int
        Sizes of the years and townships axes.
    name : str
        Parameter name for error messages.

    Returns
    -------
    numpy.ndarray
        Float array broadcast to ``(draws, n_years, n_townships)`` (a read-only view).

    Examples
    --------
    >>> broadcast_dtk(0.5, 3, 2, "share").shape
    (1, 3, 2)
    >>> broadcast_dtk([1.0, 2.0], 2, 2, "x")[0, 1].tolist()
    [1.0, 2.0]
    """
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0:
        arr = arr.reshape(1, 1, 1)
    elif arr.ndim == 1:
        if arr.shape[0] != n_townships:
            msg = (f"{name}: a 1-D value must have one entry per township "
                   f"({n_townships}), got {arr.shape[0]}")
            raise InputError(msg)
        arr = arr.reshape(1, 1, n_townships)
    elif arr.ndim != 3:
        msg = f"{name}: give a scalar, one value per township or a (draws, years, townships) array"
        raise InputError(msg)
    try:
        return np.broadcast_to(arr, (arr.shape[0], n_years, n_townships))
    except ValueError as exc:
        msg = (f"{name}: shape {arr.shape} does not broadcast to "
               f"(draws, {n_years} years, {n_townships} townships)")
        raise InputError(msg) from exc


def compact(arr: np.ndarray) -> np.ndarray:
    """The smallest part of a broadcast view that holds all its values: length 1 along
    every axis it repeats (stride 0); ``np.broadcast_to(compact(a), a.shape)`` equals ``a``.

    >>> compact(np.broadcast_to(np.array([[1.0], [2.0]]), (2, 3))).shape
    (2, 1)
    """
    arr = np.asarray(arr)
    return arr[tuple(slice(0, 1) if st == 0 and n > 1 else slice(None)
                     for st, n in zip(arr.strides, arr.shape, strict=True))]


def _check_range(arr: np.ndarray, name: str, lo: float, hi: float, unit: str) -> None:
    """Raise :class:`InputError` if ``arr`` leaves ``[lo, hi]``."""
    if np.isnan(arr).any() or (arr < lo).any() or (arr > hi).any():
        bad = arr[np.isnan(arr) | (arr < lo) | (arr > hi)].ravel()[0]
        msg = f"{name} = {bad:g} [{unit}] is out of range; allowed {lo:g} to {hi:g}"
        raise InputError(msg)


def base_population(population: pd.DataFrame, base_year: int | None = None) -> pd.DataFrame:
    """Base-year population and urban land per township.

    Parameters
    ----------
    population : pandas.DataFrame
        Columns :data:`POPULATION_COLUMNS`, one row per township and year.
    base_year : int, optional
        Year to take; default the latest year in the table. [year]

    Returns
    -------
    pandas.DataFrame
        Indexed by township (sorted), columns resident_pop, registered_pop, urban_pop
        [persons], urban_construction_land_ha [ha], urbanisation_rate [fraction] and
        per_capita_urban_land_m2 [m2/person]; ``attrs["base_year"]`` holds the year.

    Raises
    ------
    InputError
        Missing columns, duplicate (year, township) rows or a base year without data.
    """
    require_columns(population, POPULATION_COLUMNS, "population")
    dup = population.duplicated(["year", "township"])
    if dup.any():
        rows = population.loc[dup, ["year", "township"]].head(5).to_dict("records")
        msg = f"population table has duplicate (year, township) rows: {rows}; keep one per pair"
        raise InputError(msg)
    year = int(population["year"].max()) if base_year is None else int(base_year)
    base = population[population["year"] == year]
    if base.empty:
        years = sorted(population["year"].unique().tolist())
        msg = f"population table has no rows for base year {year}; years present: {years}"
        raise InputError(msg)
    cols = ["resident_pop", "registered_pop", "urban_pop", "urban_construction_land_ha"]
    out = base.set_index("township")[cols].astype(float).sort_index()
    if (out["urban_pop"] > out["resident_pop"]).any():
        bad = out.index[out["urban_pop"] > out["resident_pop"]].tolist()[:5]
        msg = f"population {year}: urban_pop exceeds resident_pop in {bad}; fix the table"
        raise InputError(msg)
    resident = out["resident_pop"].to_numpy()
    urban = out["urban_pop"].to_numpy()
    out["urbanisation_rate"] = np.divide(urban, resident, out=np.zeros_like(urban),
                                         where=resident > 0)
    out["per_capita_urban_land_m2"] = per_capita_m2(out["urban_construction_land_ha"].to_numpy(),
                                                    urban)
    out.attrs["base_year"] = year
    return out


def per_capita_m2(land_ha: np.ndarray, people: np.ndarray) -> np.ndarray:
    """Per-capita land [m2/person] from land [ha] and people [persons].

    No people and no land gives 0; land without people gives ``inf``.

    >>> per_capita_m2(np.array([10.0, 0.0, 1.0]), np.array([1000.0, 0.0, 0.0])).tolist()
    [100.0, 0.0, inf]
    """
    land_m2 = ha_to_m2(np.asarray(land_ha, dtype=float))
    people = np.asarray(people, dtype=float)
    safe = np.where(people > 0, people, 1.0)
    return np.where(people > 0, land_m2 / safe, np.where(land_m2 > 0, np.inf, 0.0))


def historical_growth_rate(population: pd.DataFrame, column: str = "resident_pop",
                           start_year: int | None = None,
                           end_year: int | None = None) -> pd.Series:
    """Compound annual growth rate of ``column`` per township between two years.

    Parameters
    ----------
    population : pandas.DataFrame
        Population table (:data:`POPULATION_COLUMNS`).
    column : str
        Column to measure, e.g. ``resident_pop`` or ``urban_pop``.
    start_year, end_year : int, optional
        Default the first and last year of the table. [year]

    Returns
    -------
    pandas.Series
        Rate per township [fraction/year]; negative when the column shrank.

    Examples
    --------
    >>> df = pd.DataFrame({"year": [2010, 2020], "township": ["A", "A"],
    ...                    "resident_pop": [112_111, 73_382]})
    >>> round(float(historical_growth_rate(df).loc["A"]), 4)
    -0.0415
    """
    require_columns(population, ["year", "township", column], "population")
    y0 = int(population["year"].min()) if start_year is None else int(start_year)
    y1 = int(population["year"].max()) if end_year is None else int(end_year)
    if y1 <= y0:
        msg = f"historical_growth_rate: end_year {y1} must be after start_year {y0}"
        raise InputError(msg)
    wide = population.pivot_table(index="township", columns="year", values=column,
                                  aggfunc="sum")
    for y in (y0, y1):
        if y not in wide.columns:
            msg = f"population table has no {column} for year {y}"
            raise InputError(msg)
    ratio = wide[y1] / wide[y0]
    return (ratio ** (1.0 / (y1 - y0)) - 1.0).rename(f"{column}_growth_rate")


def logistic_urbanisation(u0: np.ndarray, saturation: object, speed: object,
                          t: np.ndarray) -> np.ndarray:
    """Urbanisation rate on a logistic path from ``u0`` towards ``saturation``.

    ``u(t) = S / (1 + (S / u0 - 1) exp(-k t))``, so ``u(0) = u0`` and ``u -> S``. A base
    rate above the saturation declines towards it; a base rate of 0 stays 0.

    Parameters
    ----------
    u0 : array-like
        Base-year urbanisation rate. [fraction]
    saturation : float or array-like
        Saturation level S, in (0, 1]. [fraction]
    speed : float or array-like
        Logistic growth rate k >= 0. [1/year]
    t : array-like
        Years since the base year. [year]

    Returns
    -------
    numpy.ndarray
        Urbanisation rate, broadcast over the inputs. [fraction]
    """
    u0 = np.asarray(u0, dtype=float)
    s = np.asarray(saturation, dtype=float)
    k = np.asarray(speed, dtype=float)
    t = np.asarray(t, dtype=float)
    safe_u0 = np.where(u0 > 0, u0, 1.0)
    u = s / (1.0 + (s / safe_u0 - 1.0) * np.exp(-k * t))
    return np.where(u0 > 0, u, 0.0)


@dataclass(frozen=True)
class PopulationPath:
    """Projected population, arrays shaped ``(draws, years, townships)``.

    Attributes
    ----------
    years : numpy.ndarray
        Simulated years, shape ``(years,)``. [year]
    townships : tuple of str
        Township order of the last axis.
    base_year : int
        Year of the base data. [year]
    resident_pop : numpy.ndarray
        Resident population at the end of each year. [persons]
    urban_pop : numpy.ndarray
        Urban resident population at the end of each year. [persons]
    base_urban_pop : numpy.ndarray
        Urban population in the base year, shape ``(townships,)``. [persons]
    transfers : numpy.ndarray
        Gross rural-to-urban transfers (农业转移人口) arriving in each township's towns in
        the year; a gross flow that continues while the total population shrinks.
        [persons/year]
    scope : str
        ``'county'``, ``'township'`` or ``'given'``: how the transfers were obtained.
    """

    years: np.ndarray
    townships: tuple[str, ...]
    base_year: int
    resident_pop: np.ndarray
    urban_pop: np.ndarray
    base_urban_pop: np.ndarray
    transfers: np.ndarray
    scope: str = "county"

    @functools.cached_property
    def new_urban_residents(self) -> np.ndarray:
        """Net increase of the urban population, floored at 0 (reported only; the quota
        uses the gross transfers), computed on first use. [persons/year]"""
        return new_urban_residents(self.urban_pop, self.base_urban_pop)


SCOPES = ("county", "township")
"""Levels at which the urbanisation path (and its saturation) is set."""


def destination_shares(base: pd.DataFrame,
                       registrations: pd.DataFrame | None = None) -> np.ndarray:
    """Share of the county's rural-to-urban transfers that each township's towns receive.

    From a registration history (the share of each township in all registrations), or
    without one from the base-year urban population (people settle where towns are).

    Parameters
    ----------
    base : pandas.DataFrame
        Output of :func:`base_population` (townships in its index order).
    registrations : pandas.DataFrame, optional
        Registration history (year, township, registrations [persons]).

    Returns
    -------
    numpy.ndarray
        Shares per township in ``base``'s order, summing to 1. [fraction]

    Examples
    --------
    >>> base = pd.DataFrame({"urban_pop": [300.0, 100.0]}, index=["A", "B"])
    >>> destination_shares(base).tolist()
    [0.75, 0.25]
    >>> reg = pd.DataFrame({"year": [2021, 2022], "township": ["B", "B"],
    ...                     "registrations": [5, 5]})
    >>> destination_shares(base, reg).tolist()
    [0.0, 1.0]
    """
    towns = list(base.index.astype(str))
    if registrations is not None and len(registrations):
        require_columns(registrations, ["township", "registrations"], "registrations")
        by_town = (registrations.assign(township=registrations["township"].astype(str))
                   .groupby("township")["registrations"].sum().reindex(towns).fillna(0.0)
                   .to_numpy(dtype=float))
        if by_town.sum() > 0:
            return by_town / by_town.sum()
    urban = base["urban_pop"].to_numpy(dtype=float)
    if urban.sum() > 0:
        return urban / urban.sum()
    return np.full(len(towns), 1.0 / max(len(towns), 1))


def project_population(base: pd.DataFrame, years: Sequence[int], *,
                       natural_growth_rate: object = 0.0,
                       net_migration_rate: object = 0.0,
                       urbanisation_saturation: object = 0.7,
                       urbanisation_speed: object = 0.05,
                       scope: str = "county",
                       destination: Sequence[float] | np.ndarray | None = None,
                       transfers: np.ndarray | None = None,
                       threads: int | None = None,
                       compiled: bool | None = None) -> PopulationPath:
    """Project resident and urban population per township with gross rural-urban transfers.

    Each year, every township's urban and rural population first changes by natural
    growth g and net migration m (shares of the resident population, negative for
    decline). Then rural people move into towns (农业转移人口):

    - ``scope='county'`` (default): the county urbanisation rate follows a logistic path
      from its base level towards the saturation S (:func:`logistic_urbanisation`); the
      transfers are what it takes to reach it, ``T = max(u(t) P(t) - U'(t), 0)``, drawn
      from the rural population of every township pro rata and arriving in the towns by
      ``destination`` (default :func:`destination_shares` of the base urban population).
      A county seat already above S keeps receiving migrants from the countryside.
    - ``scope='township'``: each township on its own logistic path, with the saturation
      raised to the township's base rate where it starts above S (its urbanisation is
      never pushed down); transfers stay within the township.
    - ``transfers`` given (``(draws|1, years, townships)``, persons arriving in each
      township): they replace the projected transfers and join the urban population,
      drawn from the rural population of the county pro rata.

    Transfers are never negative and never exceed the rural population.

    Parameters
    ----------
    base : pandas.DataFrame
        Output of :func:`base_population`.
    years : sequence of int
        Consecutive simulated years after the base year. [year]
    natural_growth_rate : float or array-like
        Births minus deaths over residents. [fraction/year]
    net_migration_rate : float or array-like
        In- minus out-migration over residents. [fraction/year]
    urbanisation_saturation : float or array-like
        Level the urbanisation rate tends to. [fraction]
    urbanisation_speed : float or array-like
        Logistic growth rate of urbanisation. [1/year]
    scope : {'county', 'township'}
        Level of the urbanisation path.
    destination : array-like, optional
        Share of the county's transfers per township (``scope='county'``); sums to 1.
        [fraction]
    transfers : numpy.ndarray, optional
        Transfers given directly. [persons/year]
    threads : int, optional
        Threads the draws are split over (default one per CPU this process may use, at
        most one per :data:`landsim.quota._kernel.MIN_DRAWS_PER_THREAD` draws in the
        compiled loop, one per 8,192 in numpy: :func:`landsim.threads.draw_slices`); the
        same numbers for any value. [count]
    compiled : bool, optional
        Project through the compiled loop (:func:`landsim.quota._kernel.population_loop`,
        numba): ``None`` (default) for ``scope='county'`` or given transfers with at least
        :data:`landsim.quota._kernel.MIN_DRAWS` draws, ``False`` never (numpy over blocks
        of draws), ``True`` always (an error where it does not apply). Both give the same
        numbers.

    Returns
    -------
    PopulationPath

    Raises
    ------
    InputError
        Years not consecutive or not after the base year; rates out of range (growth
        plus migration must stay above -100 %); unknown scope; bad destination shares.

    Examples
    --------
    A shrinking county that keeps urbanising still sends migrants to its towns:

    >>> base = pd.DataFrame({"resident_pop": [1000.0, 1000.0], "urban_pop": [900.0, 100.0],
    ...                      "urbanisation_rate": [0.9, 0.1]}, index=["seat", "rural"])
    >>> base.attrs["base_year"] = 2022
    >>> path = project_population(base, [2023], net_migration_rate=-0.02,
    ...                           urbanisation_saturation=0.7, urbanisation_speed=0.1,
    ...                           destination=[1.0, 0.0])
    >>> bool(path.transfers[0, 0, 0] > 0), float(path.transfers[0, 0, 1])
    (True, 0.0)
    """
    years_arr = check_years(years, after=int(base.attrs.get("base_year", -10_000)))
    base_year = int(base.attrs.get("base_year", years_arr[0] - 1))
    n_t, n_k = len(years_arr), len(base)
    if scope not in SCOPES:
        msg = f"urbanisation scope must be one of {', '.join(SCOPES)}, got {scope!r}"
        raise InputError(msg)
    g = broadcast_dtk(natural_growth_rate, n_t, n_k, "natural_growth_rate")
    m = broadcast_dtk(net_migration_rate, n_t, n_k, "net_migration_rate")
    sat = broadcast_dtk(urbanisation_saturation, n_t, n_k, "urbanisation_saturation")
    k = broadcast_dtk(urbanisation_speed, n_t, n_k, "urbanisation_speed")
    # inputs broadcast from per-draw (or scalar) values are checked and added once per value
    g_c, m_c = np.broadcast_arrays(compact(g), compact(m))
    _check_range(g_c + m_c, "natural_growth_rate + net_migration_rate", -0.99, 1.0,
                 "fraction/year")
    _check_range(compact(sat), "urbanisation_saturation", 0.0, 1.0, "fraction")
    _check_range(compact(k), "urbanisation_speed", 0.0, 10.0, "1/year")
    resident0 = base["resident_pop"].to_numpy(dtype=float)
    urban0 = base["urban_pop"].to_numpy(dtype=float)
    dest = _destination(base, destination)
    given = None
    if transfers is not None:
        given = broadcast_dtk(transfers, n_t, n_k, "transfers")
        _check_range(given, "transfers", 0.0, np.inf, "persons/year")
    g_b, m_b = np.broadcast_arrays(g, m)
    growth = 1.0 + g_b + m_b
    n_d = max(a.shape[0] for a in (growth, sat, k, *(() if given is None else (given,))))
    resident = np.empty((n_d, n_t, n_k))
    urban = np.empty((n_d, n_t, n_k))
    moved = np.empty((n_d, n_t, n_k))
    u0_county = urban0.sum() / resident0.sum() if resident0.sum() > 0 else 0.0
    u0_town = np.divide(urban0, resident0, out=np.zeros(n_k), where=resident0 > 0)
    years_off = [float(year - base_year) for year in years_arr]

    def project_rows(part: slice) -> None:
        """Project the draws of ``part``, in blocks small enough for a year's arrays to
        stay in the CPU cache (draws never interact: every split gives the same numbers)."""
        for lo in range(part.start, part.stop, _BLOCK_DRAWS):
            rows = slice(lo, min(lo + _BLOCK_DRAWS, part.stop))
            nb = rows.stop - lo

            def block(a: np.ndarray, rows: slice = rows) -> np.ndarray:
                """Rows of a ``(draws|1, ...)`` input for this block of draws."""
                return a if a.shape[0] == 1 else a[rows]

            growth_b, sat_b, k_b = block(growth), block(sat), block(k)
            given_b = None if given is None else block(given)
            pop = np.broadcast_to(resident0, (nb, n_k)).astype(float)
            urb = np.broadcast_to(urban0, (nb, n_k)).astype(float)
            for i, t in enumerate(years_off):
                pop, urb, arriving = _project_year(
                    pop, urb, growth_b[:, i], sat_b[:, i], k_b[:, i], t, scope=scope,
                    dest=dest, given=None if given_b is None else given_b[:, i],
                    u0_county=u0_county, u0_town=u0_town)
                resident[rows, i], urban[rows, i], moved[rows, i] = pop, urb, arriving

    if compiled is None:
        compiled = (_kernel.AVAILABLE and n_d >= _kernel.MIN_DRAWS
                    and (scope == "county" or given is not None)
                    and n_k <= _kernel.MAX_TOWNSHIPS)
    elif compiled and not _kernel.AVAILABLE:
        msg = "project_population(compiled=True) needs numba (pip install numba)"
        raise InputError(msg)
    if compiled and scope == "township" and given is None:
        msg = "project_population(compiled=True) covers scope='county' or given transfers"
        raise InputError(msg)
    if compiled:
        # the logistic target in numpy (its exp), the rest compiled
        target = logistic_urbanisation(u0_county, sat[..., 0], k[..., 0],
                                       np.asarray(years_off)[None, :])
        full = (n_d, n_t, n_k)
        growth_f, target_f = np.broadcast_to(growth, full), np.broadcast_to(target, (n_d, n_t))
        given_f = np.broadcast_to(given if given is not None else 0.0, full)
        loop = _kernel.compiled_population_loop()

        def project_compiled(rows: slice) -> None:
            loop(growth_f[rows], target_f[rows], given_f[rows], dest, resident0, urban0,
                 given is not None, resident[rows], urban[rows], moved[rows])

        run_slices(project_compiled, draw_slices(n_d, threads, _kernel.MIN_DRAWS_PER_THREAD))
    else:  # numpy releases the GIL on a block's arrays: the draws are split over the CPUs
        run_slices(project_rows, draw_slices(n_d, threads, 2 * _BLOCK_DRAWS))
    return PopulationPath(
        years=years_arr, townships=tuple(base.index.astype(str)), base_year=base_year,
        resident_pop=resident, urban_pop=urban, base_urban_pop=urban0,
        transfers=moved,
        scope="given" if given is not None else scope)


_BLOCK_DRAWS = 4096
"""Draws :func:`project_population` runs through the years together. [count]"""


def _project_year(pop: np.ndarray, urb: np.ndarray, growth: np.ndarray, sat: np.ndarray,
                  speed: np.ndarray, t: float, *, scope: str, dest: np.ndarray,
                  given: np.ndarray | None, u0_county: float,
                  u0_town: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One year of :func:`project_population` for ``(draws, townships)`` arrays.

    ``pop`` and ``urb`` are the resident and urban population at the end of the previous
    year [persons]; ``growth`` is 1 + natural growth + net migration [factor], ``sat`` and
    ``speed`` the logistic saturation [fraction] and speed [1/year], ``t`` the years since
    the base year, ``given`` transfers given directly [persons]. Returns resident, urban
    population and the transfers of the year [persons].
    """
    n_d, n_k = pop.shape
    grow = np.broadcast_to(growth, (n_d, n_k))
    pop0, urb0 = pop * grow, urb * grow
    rural0 = np.maximum(pop0 - urb0, 0.0)
    s_i, k_i = np.broadcast_to(sat, (n_d, n_k)), np.broadcast_to(speed, (n_d, n_k))
    if given is not None or scope == "county":
        if given is not None:
            arriving = np.broadcast_to(given, (n_d, n_k)).astype(float)
        else:
            target = logistic_urbanisation(u0_county, s_i[:, :1], k_i[:, :1], t)
            total = np.maximum(target * pop0.sum(axis=-1, keepdims=True)
                               - urb0.sum(axis=-1, keepdims=True), 0.0)
            arriving = total * dest
        total = arriving.sum(axis=-1, keepdims=True)
        rural_total = rural0.sum(axis=-1, keepdims=True)
        scale = np.divide(rural_total, total, out=np.ones_like(total),
                          where=total > rural_total)
        arriving = arriving * np.minimum(scale, 1.0)
        leaving = arriving.sum(axis=-1, keepdims=True) * np.divide(
            rural0, rural_total, out=np.zeros_like(rural0), where=rural_total > 0)
    else:
        target = logistic_urbanisation(u0_town, np.maximum(s_i, u0_town), k_i, t)
        arriving = np.clip(target * pop0 - urb0, 0.0, rural0)
        leaving = arriving
    return pop0 - leaving + arriving, urb0 + arriving, arriving


def _destination(base: pd.DataFrame, destination: object) -> np.ndarray:
    """Destination shares as a ``(townships,)`` vector summing to 1."""
    if destination is None:
        return destination_shares(base)
    dest = np.asarray(destination, dtype=float).reshape(-1)
    if dest.shape[0] != len(base) or np.isnan(dest).any() or (dest < 0).any() \
            or not np.isclose(dest.sum(), 1.0):
        msg = (f"destination shares must be {len(base)} values >= 0 (one per township) "
               f"summing to 1, got {dest.tolist()}")
        raise InputError(msg)
    return dest


def check_years(years: Sequence[int], after: int | None = None) -> np.ndarray:
    """Check that ``years`` are consecutive, increasing and after ``after``.

    >>> check_years([2023, 2024]).tolist()
    [2023, 2024]
    """
    arr = np.asarray(list(years), dtype=int)
    if arr.size == 0:
        msg = "no simulated years: give at least one year"
        raise InputError(msg)
    if arr.size > 1 and not (np.diff(arr) == 1).all():
        msg = f"simulated years must be consecutive and increasing, got {arr.tolist()}"
        raise InputError(msg)
    if after is not None and arr[0] <= after:
        msg = (f"simulated years out of order: the first year {arr[0]} must come after the "
               f"base year {after}")
        raise InputError(msg)
    return arr


def new_urban_residents(urban_pop: np.ndarray, base_urban_pop: np.ndarray) -> np.ndarray:
    """Yearly increase of the urban population, never negative.

    Parameters
    ----------
    urban_pop : numpy.ndarray
        Urban population, ``(draws, years, townships)``. [persons]
    base_urban_pop : numpy.ndarray
        Urban population of the base year, ``(townships,)``. [persons]

    Returns
    -------
    numpy.ndarray
        ``max(urban(t) - urban(t-1), 0)``. [persons/year]

    Examples
    --------
    >>> new_urban_residents(np.array([[[110.0], [105.0]]]), np.array([100.0])).ravel().tolist()
    [10.0, 0.0]
    """
    urban_pop = np.asarray(urban_pop, dtype=float)
    # in place, without a shifted copy (these arrays reach draws x years x townships)
    out = np.empty_like(urban_pop)
    np.subtract(urban_pop[:, :1], np.asarray(base_urban_pop, dtype=float), out=out[:, :1])
    np.subtract(urban_pop[:, 1:], urban_pop[:, :-1], out=out[:, 1:])
    return np.maximum(out, 0.0, out=out)


def settled_migrants(transfers: np.ndarray, settlement_share: object) -> np.ndarray:
    """Settled migrants (落户 registrations) = rural-to-urban transfers x settlement share.

    Parameters
    ----------
    transfers : numpy.ndarray
        Gross rural-to-urban transfers, ``(draws, years, townships)``
        (:attr:`PopulationPath.transfers`). [persons/year]
    settlement_share : float or array-like
        Share of the transferred people who register (落户) where they settle. [fraction 0-1]

    Returns
    -------
    numpy.ndarray
        Settled migrants. [persons/year]

    Examples
    --------
    >>> settled_migrants(np.full((1, 2, 1), 1000.0), 0.4).ravel().tolist()
    [400.0, 400.0]
    """
    transfers = np.asarray(transfers, dtype=float)
    share = broadcast_dtk(settlement_share, transfers.shape[1], transfers.shape[2],
                          "settlement_share")
    _check_range(share, "settlement_share", 0.0, 1.0, "fraction")
    return transfers * share


REGISTRATION_COLUMNS = ("year", "township", "registrations")
"""Columns of a registration (落户) history table; ``source`` may follow."""


def historical_transfers(population: pd.DataFrame) -> pd.Series:
    """County rural-to-urban transfers per year implied by the population history.

    ``T(t) = P(t) (u(t) - u(t-1))`` with P the county resident population and u the
    county urbanisation rate: the growth of the urban population that natural change and
    migration of the whole population do not explain. Negative values (urbanisation
    falling) count as 0.

    Parameters
    ----------
    population : pandas.DataFrame
        Population history (:data:`POPULATION_COLUMNS`).

    Returns
    -------
    pandas.Series
        Transfers by year, from the second year of the table. [persons/year]

    Examples
    --------
    >>> pop = pd.DataFrame({"year": [2021, 2022], "township": ["A", "A"],
    ...                     "resident_pop": [1000, 900], "urban_pop": [500, 495]})
    >>> historical_transfers(pop).round(1).to_dict()
    {2022: 45.0}
    """
    require_columns(population, ["year", "township", "resident_pop", "urban_pop"],
                    "population")
    county = population.groupby("year")[["resident_pop", "urban_pop"]].sum().sort_index()
    rate = county["urban_pop"] / county["resident_pop"]
    out = (county["resident_pop"] * rate.diff()).iloc[1:].clip(lower=0.0)
    return out.rename("transfers")


def calibrated_settlement_share(population: pd.DataFrame,
                                registrations: pd.DataFrame) -> float:
    """Share of the historical transfers that registered (落户), over the common years.

    Parameters
    ----------
    population : pandas.DataFrame
        Population history.
    registrations : pandas.DataFrame
        Registration history (:data:`REGISTRATION_COLUMNS`).

    Returns
    -------
    float
        Sum of registrations / sum of :func:`historical_transfers` over the years both
        cover; NaN when they share no year or no transfer. [fraction]
    """
    require_columns(registrations, REGISTRATION_COLUMNS, "registrations")
    transfers = historical_transfers(population)
    regs = registrations.groupby("year")["registrations"].sum()
    common = transfers.index.intersection(regs.index)
    total = float(transfers.loc[common].sum())
    return float(regs.loc[common].sum()) / total if total > 0 else float("nan")


def settled_migrants_from_table(table: pd.DataFrame, years: Sequence[int],
                                townships: Sequence[str]) -> np.ndarray:
    """Settled migrants given directly, as a ``(1, years, townships)`` array.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns year, township and settled_migrants or registrations [persons]; every
        simulated (year, township) pair must be present once.
    years : sequence of int
        Simulated years. [year]
    townships : sequence of str
        Township order.

    Returns
    -------
    numpy.ndarray
        Settled migrants. [persons/year]

    Raises
    ------
    InputError
        Missing columns, unknown townships, negative counts or missing pairs.
    """
    if "settled_migrants" not in table.columns and "registrations" in table.columns:
        table = table.rename(columns={"registrations": "settled_migrants"})
    require_columns(table, ["year", "township", "settled_migrants"], "settled migrants")
    unknown = sorted(set(table["township"].astype(str)) - set(townships))
    if unknown:
        msg = (f"settled migrants table names unknown township(s) {unknown[:5]}; "
               f"valid: {sorted(townships)}")
        raise InputError(msg)
    if (table["settled_migrants"] < 0).any():
        msg = "settled migrants table has negative settled_migrants; counts must be >= 0"
        raise InputError(msg)
    wide = table.pivot_table(index="year", columns="township", values="settled_migrants",
                             aggfunc="sum")
    wide = wide.reindex(index=list(years), columns=list(townships))
    if wide.isna().any().any():
        rows, cols = np.nonzero(wide.isna().to_numpy())
        pairs = [(int(wide.index[i]), str(wide.columns[j])) for i, j in zip(rows[:5], cols[:5],
                                                                           strict=True)]
        msg = f"settled migrants table lacks (year, township) pairs {pairs}; give every pair"
        raise InputError(msg)
    return wide.to_numpy(dtype=float)[None, :, :]
