r"""Year-by-year placement of granted new construction land on the UDB zones.

Each year ``t`` and township ``k`` of a quota run grants :math:`G_{k,t}` ha of new
construction land (``new_construction_land_ha`` of ``annual.csv``). It is placed on the
*room* of the township's concentrated-zone pieces (zone 01): greenfield land, that is a
parcel that is not built-up (三调 classes 05-10 and 20x), not water (11xx), not permanent
basic farmland and not in the ecological red line. The special-use zone (03) is never
used; PBF and red-line land is never used.

**Suitability** of parcel :math:`i` in year :math:`t` (weights :math:`w`, all parameters
of :class:`~landsim.allocation.params.AllocationParams`):

.. math::

    s_{i,t} = \frac{w_s (1 - \min(\theta_i/\Theta, 1)) + w_u (1 - \min(d^u_i/D, 1))
              + w_r (1 - \min(d^r_i/D, 1)) + w_a\, b_{i,t}}{w_s + w_u + w_r + w_a}

with slope :math:`\theta_i`, centroid distances to the nearest built-up parcel
:math:`d^u_i` and road parcel (10xx) :math:`d^r_i`, and :math:`b_{i,t}` the share of the
parcel's boundary shared with built-up land or with land allocated in earlier years
(each neighbour weighted by its developed fraction): the compactness term.

**Per-year LP.** With :math:`a_i` the area placed on piece :math:`i` and :math:`r_i` its
remaining room,

.. math::

    \max \sum_i s_{i,t}\, a_i \quad \text{s.t.} \quad \sum_i a_i = \min(G_{k,t}, \sum_i r_i),
    \qquad 0 \le a_i \le r_i .

This is a continuous knapsack: filling the pieces in decreasing :math:`s` (ties by
parcel id) is an exact optimum (Dantzig 1957), which ``method="greedy"`` does;
``method="lp"`` hands the same LP to the shared solver layer
(:func:`landsim.optimize.solve_problem`) and the tests check both give the same objective
on random small cases. Years are solved in order, so the compactness term of year
:math:`t` sees everything placed before it (a myopic, rule-by-rule sequence, as a
planner's annual plan is).

**Flexible-zone swap** (``flexible_swap``; policy-facts s.5, RECALLED): when the
concentrated zone cannot take the year's quota, part of the flexible zone (02) becomes
concentrated zone and the same area of concentrated zone that cannot be built (its
pieces on PBF or the red line) becomes flexible, so the concentrated total never changes;
the quota is then placed on the swapped-in land. What still cannot be placed is the
shortfall of the township and year.

**Stock redeveloped in place** (增存挂钩): the year's ``stock_disposed_ha`` is marked on the
township's built-up concentrated-zone pieces (``in_place_stock = True``); it uses no
new construction land and no zone room.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from landsim.allocation.params import AllocationParams
from landsim.allocation.zones import ZONE_CODES, check_zones, zones_from_table
from landsim.errors import InputError

__all__ = [
    "ALLOCATION_COLUMNS",
    "CONSUMPTION_COLUMNS",
    "SHORTFALL_COLUMNS",
    "SWAP_COLUMNS",
    "AllocationResult",
    "allocate",
    "allocate_county",
    "granted_from_annual",
    "land_use_kind",
    "solve_year",
]

ALLOCATION_COLUMNS = ("parcel_id", "year", "township", "zone", "area_ha", "suitability",
                      "in_place_stock", "via_swap")
"""Columns of ``allocation.csv`` (the issue's seven and ``via_swap``)."""

SHORTFALL_COLUMNS = ("year", "township", "granted_ha", "allocated_ha", "shortfall_ha",
                     "via_swap_ha", "reason", "stock_disposed_ha", "in_place_stock_ha")
"""Columns of ``shortfall.csv`` (one row per year and township of the quota run)."""

CONSUMPTION_COLUMNS = ("year", "township", "zone", "zone_ha", "developable_ha",
                       "allocated_ha", "used_ha", "remaining_ha", "full_year",
                       "years_until_full")
"""Columns of ``zone_consumption.csv``; ``township = "ALL"`` rows are the county."""

SWAP_COLUMNS = ("year", "township", "parcel_id", "from_zone", "to_zone", "area_ha")
"""Columns of ``swaps.csv``: each piece of land that changed zone under the swap rule."""

BUILT_PREFIXES = ("05", "06", "07", "08", "09", "20")
"""三调 first-level classes of built-up land (commercial, industrial, residential, public,
special) and the 20x town/village/mine codes (GB/T 21010-2017)."""
ROAD_PREFIX = "10"
"""三调 transport land (railways, highways, urban and rural roads)."""
WATER_PREFIX = "11"
"""三调 water and water facilities: never allocated."""

_TOL = 1e-9
ALL = "ALL"


def land_use_kind(land_class: pd.Series) -> pd.Series:
    """``built``, ``road``, ``water`` or ``open`` from 三调 land-class codes.

    >>> land_use_kind(pd.Series(["0701", "1006", "1101", "0103", "201"])).tolist()
    ['built', 'road', 'water', 'open', 'built']
    """
    raw = land_class.astype(str).str.strip()
    prefix = raw.str[:2]
    out = np.where(prefix.isin(BUILT_PREFIXES) | raw.str.fullmatch(r"20\d").fillna(False),
                   "built", np.where(prefix == ROAD_PREFIX, "road",
                                     np.where(prefix == WATER_PREFIX, "water", "open")))
    return pd.Series(out, index=land_class.index)


def granted_from_annual(annual: pd.DataFrame, origin: str = "annual.csv") -> pd.DataFrame:
    """Granted new construction land per year and township from a quota run's table.

    Parameters
    ----------
    annual : pandas.DataFrame
        ``annual.csv`` of ``landsim quota simulate --by township`` (or the ``annual`` of
        :func:`landsim.quota.scenario.run_scenario` with ``by="township"``). With a
        ``draw`` column the first draw is used.
    origin : str
        File name for the messages.

    Returns
    -------
    pandas.DataFrame
        year, township, granted_ha [ha], stock_disposed_ha [ha] (0 when absent).
    """
    need = ("year", "township", "new_construction_land_ha")
    missing = [c for c in need if c not in annual.columns]
    if "township" in missing:
        msg = (f"{origin}: has no township column (a county-level run). Fix: run "
               "'landsim quota simulate --by township' and allocate that run")
        raise InputError(msg)
    if missing:
        msg = (f"{origin}: column(s) {', '.join(missing)} missing; not a quota run's "
               "annual.csv. Fix: give the folder written by 'landsim quota simulate'")
        raise InputError(msg)
    frame = annual
    if "draw" in frame.columns:
        frame = frame[frame["draw"] == frame["draw"].min()]
    granted = pd.to_numeric(frame["new_construction_land_ha"], errors="coerce")
    bad = ~np.isfinite(granted.to_numpy(float)) | (granted.to_numpy(float) < 0)
    if bad.any():
        msg = (f"{origin}: column 'new_construction_land_ha' has {int(bad.sum())} empty, "
               "negative or non-numeric value(s). Fix: give the quota run's file unchanged")
        raise InputError(msg)
    stock = (pd.to_numeric(frame["stock_disposed_ha"], errors="coerce").fillna(0.0)
             if "stock_disposed_ha" in frame.columns else pd.Series(0.0, index=frame.index))
    out = pd.DataFrame({"year": frame["year"].astype(int).to_numpy(),
                        "township": frame["township"].astype(str).to_numpy(),
                        "granted_ha": granted.to_numpy(float),
                        "stock_disposed_ha": stock.to_numpy(float).clip(0)})
    dup = out.duplicated(["year", "township"])
    if dup.any():
        msg = (f"{origin}: {int(dup.sum())} repeated (year, township) row(s). Fix: give one "
               "scenario's run")
        raise InputError(msg)
    return out.sort_values(["year", "township"]).reset_index(drop=True)


def solve_year(score: np.ndarray, room: np.ndarray, demand: float, method: str = "greedy",
               solver: Any = None) -> np.ndarray:
    """Area placed on each piece by the per-year LP (module docstring). [ha]

    Parameters
    ----------
    score : numpy.ndarray
        Suitability of each piece. [-]
    room : numpy.ndarray
        Room of each piece. [ha]
    demand : float
        Area to place; at most the total room is placed. [ha]
    method : {"greedy", "lp"}
        Exact sorted fill, or the shared solver layer.
    solver : str or pulp.LpSolver, optional
        Solver of ``method="lp"`` (default CBC).

    Examples
    --------
    >>> solve_year(np.array([0.2, 0.9, 0.5]), np.array([3.0, 1.0, 2.0]), 2.5).tolist()
    [0.0, 1.0, 1.5]
    """
    score = np.asarray(score, dtype=float)
    room = np.clip(np.asarray(room, dtype=float), 0.0, None)
    target = min(float(demand), float(room.sum()))
    out = np.zeros_like(room)
    if target <= _TOL:
        return out
    if method == "lp":
        return _solve_lp(score, room, target, solver)
    order = np.lexsort((np.arange(score.size), -score))
    filled = np.cumsum(room[order])
    before = filled - room[order]
    out[order] = np.clip(target - before, 0.0, room[order])
    return out


def _solve_lp(score: np.ndarray, room: np.ndarray, target: float, solver: Any) -> np.ndarray:
    import pulp

    from landsim.optimize import solve_problem

    prob = pulp.LpProblem("allocate_year", pulp.LpMinimize)
    a = [prob.add_variable(f"a_{i:06d}", lowBound=0, upBound=float(r))
         for i, r in enumerate(room)]
    prob += pulp.lpSum(-float(s) * v for s, v in zip(score, a, strict=True))
    prob += pulp.lpSum(a) == target, "quota"
    solve_problem(prob, solver if solver is not None else "cbc", what="allocation")
    return np.clip(np.array([v.value() or 0.0 for v in a]), 0.0, room)


@dataclass(frozen=True)
class AllocationResult:
    """Result of :func:`allocate`.

    Attributes
    ----------
    allocation : pandas.DataFrame
        :data:`ALLOCATION_COLUMNS`, one row per parcel, zone and year; area [ha],
        suitability [-] at the time of placement.
    shortfall : pandas.DataFrame
        :data:`SHORTFALL_COLUMNS`, one row per year and township. [ha]
    consumption : pandas.DataFrame
        :data:`CONSUMPTION_COLUMNS`: used and remaining per zone after each year. [ha]
    swaps : pandas.DataFrame
        :data:`SWAP_COLUMNS`. [ha]
    checks : pandas.DataFrame
        :func:`~landsim.allocation.zones.check_zones` of the zoning.
    suitability : pandas.DataFrame
        Static scores of every zoned parcel: parcel_id, township, kind, area_ha,
        slope_score, urban_score, road_score and suitability_start (without the
        compactness term). [-]
    zones : pandas.DataFrame
        The zone pieces allocated on (parcel_id, zone, area_ha [ha]).
    params : AllocationParams
    """

    allocation: pd.DataFrame
    shortfall: pd.DataFrame
    consumption: pd.DataFrame
    swaps: pd.DataFrame
    checks: pd.DataFrame
    suitability: pd.DataFrame
    zones: pd.DataFrame
    params: AllocationParams = field(default_factory=AllocationParams)

    def full_year(self, township: str = ALL) -> int | None:
        """First year after which the concentrated zone has no room left (None: not within
        the run)."""
        c = self.consumption
        row = c[(c["township"] == township) & (c["zone"] == "01")]
        full = row["full_year"].dropna()
        return int(full.iloc[0]) if len(full) else None

    def totals(self) -> pd.DataFrame:
        """County totals per year: granted, allocated, via swap, shortfall. [ha]"""
        cols = ["granted_ha", "allocated_ha", "via_swap_ha", "shortfall_ha",
                "stock_disposed_ha", "in_place_stock_ha"]
        return self.shortfall.groupby("year", as_index=False)[cols].sum()


def _features(parcels: Any, pieces: pd.DataFrame, edges: pd.DataFrame | None,
              params: AllocationParams) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Static scores of the zoned parcels and the adjacency structure."""
    from scipy.spatial import cKDTree

    ids = parcels["parcel_id"].astype(str).to_numpy()
    kind = land_use_kind(parcels["land_class"]).to_numpy()
    cent = parcels.geometry.centroid
    xy = np.column_stack([cent.x.to_numpy(), cent.y.to_numpy()])
    zoned = np.isin(ids, pieces["parcel_id"].astype(str).unique())
    zi = np.flatnonzero(zoned)
    scale = params.distance_scale_m

    def nearness(mask: np.ndarray) -> np.ndarray:
        if not mask.any():
            return np.zeros(zi.size)
        d, _ = cKDTree(xy[mask]).query(xy[zi])
        return 1.0 - np.minimum(d / scale, 1.0)

    slope = pd.to_numeric(parcels["slope_deg"], errors="coerce").fillna(0.0).to_numpy(float)
    feats = pd.DataFrame({
        "parcel_id": ids[zi],
        "township": parcels["township"].astype(str).to_numpy()[zi],
        "kind": kind[zi],
        "area_ha": parcels["area_ha"].astype(float).to_numpy()[zi],
        "slope_score": 1.0 - np.minimum(slope[zi] / params.slope_scale_deg, 1.0),
        "urban_score": nearness(kind == "built"),
        "road_score": nearness(kind == "road"),
    })
    # adjacency: edges touching a zoned parcel, both directions
    if edges is None:
        from landsim.farmland.adjacency import edges_from_geometry

        edges = edges_from_geometry(parcels.iloc[zi].pipe(_with_neighbours, parcels))
    e = edges[["parcel_a", "parcel_b", "shared_length_m"]].astype(
        {"parcel_a": str, "parcel_b": str})
    both = pd.concat([e, e.rename(columns={"parcel_a": "parcel_b", "parcel_b": "parcel_a"})],
                     ignore_index=True)
    zoned_ids = set(feats["parcel_id"])
    both = both[both["parcel_a"].isin(zoned_ids)]
    built = pd.Series(kind == "built", index=ids)
    adj = {"edges": both, "built": built,
           "area": pd.Series(parcels["area_ha"].astype(float).to_numpy(), index=ids)}
    return feats, adj


def _with_neighbours(zoned: Any, parcels: Any) -> Any:
    """The zoned parcels and every parcel touching them (for edges from geometry)."""
    import shapely

    tree = shapely.STRtree(parcels.geometry.values)
    hit = np.unique(tree.query(zoned.geometry.values, predicate="intersects")[1])
    return parcels.iloc[hit]


def allocate(parcels: Any, pieces: pd.DataFrame, granted: pd.DataFrame,
             params: AllocationParams | None = None, *, edges: pd.DataFrame | None = None,
             base_urban_land_ha: float | None = None, solver: Any = None
             ) -> AllocationResult:
    """Place each year's granted new construction land on the UDB zones (module docstring).

    Parameters
    ----------
    parcels : geopandas.GeoDataFrame
        Parcels with geometry in a projected CRS (design 5.1 columns).
    pieces : pandas.DataFrame
        Zone pieces (:mod:`landsim.allocation.zones`).
    granted : pandas.DataFrame
        :func:`granted_from_annual`: year, township, granted_ha [ha], stock_disposed_ha [ha].
    params : AllocationParams, optional
    edges : pandas.DataFrame, optional
        parcel_a, parcel_b, shared_length_m [m]; derived from geometry when None.
    base_urban_land_ha : float, optional
        County urban construction land of the UDB base year, for the checks. [ha]
    solver : str or pulp.LpSolver, optional
        Solver of ``method="lp"``.

    Returns
    -------
    AllocationResult
    """
    params = AllocationParams() if params is None else params
    if "geometry" not in getattr(parcels, "columns", ()):
        msg = ("allocation needs parcel geometry (distances and adjacency). Fix: give the "
               "county's parcels as parcels.gpkg")
        raise InputError(msg)
    checks = check_zones(pieces, parcels, base_urban_land_ha, params.flexible_zone_share_max,
                         params.udb_expansion_multiple)
    feats, adj = _features(parcels, pieces, edges, params)
    flags = parcels.set_index(parcels["parcel_id"].astype(str))
    blocked_parcel = pd.Series(False, index=flags.index)
    for col in ("is_pbf", "in_eco_redline"):
        if col in flags.columns:
            blocked_parcel |= flags[col].astype(bool)
    f = feats.set_index("parcel_id")
    pc = pieces.reset_index(drop=True).copy()
    pc["parcel_id"] = pc["parcel_id"].astype(str)
    pc["township"] = f["township"].reindex(pc["parcel_id"]).to_numpy()
    pc["kind"] = f["kind"].reindex(pc["parcel_id"]).to_numpy()
    pc["blocked"] = blocked_parcel.reindex(pc["parcel_id"]).to_numpy(bool)
    green = (pc["kind"] == "open").to_numpy() & ~pc["blocked"].to_numpy()
    zone = pc["zone"].to_numpy()
    area = pc["area_ha"].to_numpy(float)
    room = np.where(green & (zone == "01"), area, 0.0)        # concentrated room left
    flex_room = np.where(green & (zone == "02"), area, 0.0)   # flexible land not swapped in
    swap_out = np.where((zone == "01") & pc["blocked"].to_numpy(), area, 0.0)
    swapped_in = np.zeros_like(area)
    swapped_out = np.zeros_like(area)
    stock_room = np.where((pc["kind"] == "built").to_numpy() & (zone == "01")
                          & ~pc["blocked"].to_numpy(), area, 0.0)
    used = np.zeros_like(area)

    w = params.weights
    wsum = sum(w.values())
    static = (w["slope"] * f["slope_score"] + w["urban"] * f["urban_score"]
              + w["road"] * f["road_score"])
    e = adj["edges"]
    perim = e.groupby("parcel_a")["shared_length_m"].sum()
    developed = adj["built"].astype(float)  # developed fraction of every parcel

    def scores(idx: np.ndarray) -> np.ndarray:
        pid = pc["parcel_id"].to_numpy()[idx]
        if w["adjacency"] > 0 and len(e):
            sub = e[e["parcel_a"].isin(set(pid))]
            dev = developed.reindex(sub["parcel_b"]).fillna(0.0).to_numpy()
            shared = (sub["shared_length_m"].to_numpy() * dev)
            b = (pd.Series(shared, index=sub["parcel_a"].to_numpy()).groupby(level=0).sum()
                 / perim).reindex(pid).fillna(0.0).to_numpy()
        else:
            b = np.zeros(idx.size)
        s = static.reindex(pid).to_numpy() + w["adjacency"] * b
        return s / wsum if wsum > 0 else np.zeros(idx.size)

    by_town = {t: np.flatnonzero(pc["township"].to_numpy() == t)
               for t in sorted(set(pc["township"]))}
    alloc_rows: list[tuple] = []
    short_rows: list[tuple] = []
    swap_rows: list[tuple] = []
    cons_rows: list[tuple] = []
    years = sorted(granted["year"].unique())
    pid_arr = pc["parcel_id"].to_numpy()
    area_of = adj["area"]
    zone01_total = {t: area[idx][zone[idx] == "01"].sum() for t, idx in by_town.items()}
    for year in years:
        rows = granted[granted["year"] == year]
        year_alloc = np.zeros_like(area)
        for t, demand, stock in zip(rows["township"], rows["granted_ha"],
                                    rows["stock_disposed_ha"], strict=True):
            idx = by_town.get(t, np.array([], dtype=int))
            placed = swap_ha = in_place = 0.0
            if idx.size:
                cand = idx[room[idx] > _TOL]
                if cand.size and demand > _TOL:
                    s = scores(cand)
                    a = solve_year(s, room[cand], demand, params.method, solver)
                    for j, v, sc in zip(cand, a, s, strict=True):
                        if v > _TOL:
                            alloc_rows.append((pid_arr[j], year, t, zone[j], v, sc, False,
                                               bool(swapped_in[j] > _TOL)))
                    room[cand] -= a
                    used[cand] += a
                    year_alloc[cand] += a
                    placed = float(a.sum())
                left = demand - placed
                if params.flexible_swap and left > _TOL:
                    swap_ha = _swap(idx, left, year, t, flex_room, swap_out, swapped_in,
                                    swapped_out, room, scores, params, solver, pid_arr,
                                    swap_rows)
                    if swap_ha > _TOL:
                        cand = idx[(room[idx] > _TOL) & (zone[idx] == "02")]
                        s = scores(cand)
                        a = solve_year(s, room[cand], swap_ha, params.method, solver)
                        for j, v, sc in zip(cand, a, s, strict=True):
                            if v > _TOL:
                                alloc_rows.append((pid_arr[j], year, t, zone[j], v, sc,
                                                   False, True))
                        room[cand] -= a
                        used[cand] += a
                        year_alloc[cand] += a
                        placed += float(a.sum())
                        swap_ha = float(a.sum())
                if stock > _TOL:
                    cand = idx[stock_room[idx] > _TOL]
                    if cand.size:
                        s = scores(cand)
                        a = solve_year(s, stock_room[cand], stock)
                        for j, v, sc in zip(cand, a, s, strict=True):
                            if v > _TOL:
                                alloc_rows.append((pid_arr[j], year, t, zone[j], v, sc,
                                                   True, False))
                        stock_room[cand] -= a
                        in_place = float(a.sum())
            shortfall = max(demand - placed, 0.0)
            if shortfall <= 1e-7:
                reason = ""
            elif idx.size == 0 or zone01_total.get(t, 0.0) <= _TOL:
                reason = "no concentrated zone"
            else:
                reason = "concentrated zone full"
            short_rows.append((year, t, demand, placed, shortfall, swap_ha, reason, stock,
                               in_place))
            if idx.size:  # developed fraction seen by the compactness term of later years
                pids = pid_arr[idx]
                extra = pd.Series(year_alloc[idx], index=pids).groupby(level=0).sum()
                extra = extra[extra > 0]
                if len(extra):
                    developed.loc[extra.index] = np.minimum(
                        developed.reindex(extra.index).fillna(0.0)
                        + extra / area_of.reindex(extra.index), 1.0)
        cons_rows += _consumption(year, by_town, zone, area, room, used, year_alloc, flex_room,
                                  swapped_in, swapped_out)
    allocation = pd.DataFrame(alloc_rows, columns=list(ALLOCATION_COLUMNS))
    allocation = allocation.sort_values(["year", "township", "in_place_stock", "parcel_id",
                                         "zone"]).reset_index(drop=True)
    shortfall = pd.DataFrame(short_rows, columns=list(SHORTFALL_COLUMNS))
    consumption = _full_years(pd.DataFrame(cons_rows, columns=list(CONSUMPTION_COLUMNS)))
    swaps = pd.DataFrame(swap_rows, columns=list(SWAP_COLUMNS))
    suit = feats.assign(
        suitability_start=(static.reindex(feats["parcel_id"]).to_numpy() / wsum
                           if wsum > 0 else 0.0))
    return AllocationResult(allocation=allocation, shortfall=shortfall,
                            consumption=consumption, swaps=swaps, checks=checks,
                            suitability=suit, zones=pieces.reset_index(drop=True),
                            params=params)


def _swap(idx: np.ndarray, left: float, year: int, town: str, flex_room: np.ndarray,
          swap_out: np.ndarray, swapped_in: np.ndarray, swapped_out: np.ndarray,
          room: np.ndarray, scores: Any, params: AllocationParams, solver: Any,
          pid_arr: np.ndarray, swap_rows: list) -> float:
    """Swap flexible land in and unbuildable concentrated land out; return the area. [ha]"""
    flex = idx[flex_room[idx] > _TOL]
    out_idx = idx[swap_out[idx] > _TOL]
    area = min(left, float(flex_room[flex].sum()), float(swap_out[out_idx].sum()))
    if area <= _TOL:
        return 0.0
    take = solve_year(scores(flex), flex_room[flex], area, params.method, solver)
    give = solve_year(np.zeros(out_idx.size), swap_out[out_idx], area)
    for j, v in zip(flex, take, strict=True):
        if v > _TOL:
            swap_rows.append((year, town, pid_arr[j], "02", "01", float(v)))
    for j, v in zip(out_idx, give, strict=True):
        if v > _TOL:
            swap_rows.append((year, town, pid_arr[j], "01", "02", float(v)))
    flex_room[flex] -= take
    swapped_in[flex] += take
    room[flex] += take
    swap_out[out_idx] -= give
    swapped_out[out_idx] += give
    return area


def _consumption(year: int, by_town: dict[str, np.ndarray], zone: np.ndarray,
                 area: np.ndarray, room: np.ndarray, used: np.ndarray,
                 year_alloc: np.ndarray, flex_room: np.ndarray, swapped_in: np.ndarray,
                 swapped_out: np.ndarray) -> list[tuple]:
    rows = []
    groups = [*by_town.items(), (ALL, np.concatenate([*by_town.values(), np.array([], int)]))]
    for town, idx in groups:
        z = zone[idx]
        for code in ZONE_CODES:
            m = idx[z == code]
            if code == "01":
                zone_ha = area[m].sum() - swapped_out[m].sum() + swapped_in[idx].sum()
                developable = room[idx].sum() + used[idx].sum()
                used_ha, alloc = used[idx].sum(), year_alloc[idx].sum()
                remaining = room[idx].sum()
            elif code == "02":
                zone_ha = area[m].sum() - swapped_in[m].sum() + swapped_out[idx].sum()
                developable = remaining = flex_room[m].sum()
                used_ha = alloc = 0.0
            else:
                zone_ha, developable, used_ha, alloc, remaining = area[m].sum(), 0, 0, 0, 0
            rows.append((year, town, code, zone_ha, developable, alloc, used_ha, remaining,
                         np.nan, np.nan))
    return rows


def _full_years(cons: pd.DataFrame) -> pd.DataFrame:
    """Fill full_year (first year the concentrated zone is full) and years_until_full."""
    cons = cons.copy()
    conc = cons["zone"] == "01"
    for _town, grp in cons[conc].groupby("township", sort=False):
        grp = grp.sort_values("year")
        has = grp["developable_ha"] > 1e-6
        full = grp.loc[has & (grp["remaining_ha"] <= 1e-6), "year"]
        full_year = int(full.iloc[0]) if len(full) else np.nan
        first = int(grp["year"].min())
        rate = grp["used_ha"] / (grp["year"] - first + 1)
        until = np.where(np.isfinite(full_year), full_year - grp["year"],
                         np.where(rate > 1e-9, grp["remaining_ha"] / rate.where(rate > 1e-9),
                                  np.nan))
        until = np.where(grp["remaining_ha"] <= 1e-6, 0.0, until)
        until = np.where(has, until, np.nan)
        cons.loc[grp.index, "full_year"] = full_year
        cons.loc[grp.index, "years_until_full"] = np.maximum(until, 0.0)
    cons["full_year"] = cons["full_year"].astype("Int64")
    return cons


def allocate_county(county: Any, annual: pd.DataFrame,
                    params: AllocationParams | None = None, *,
                    pieces: pd.DataFrame | None = None, solver: Any = None,
                    origin: str = "annual.csv") -> AllocationResult:
    """:func:`allocate` for a county (:class:`landsim.datasets.County`) and a quota run.

    Parameters
    ----------
    county : landsim.datasets.County
        Needs parcels with geometry and a zoning (``udb_zones.csv`` or ``pieces``); uses
        edges and the population table (UDB base) when present.
    annual : pandas.DataFrame
        Township rows of a quota run (:func:`granted_from_annual`).
    pieces : pandas.DataFrame, optional
        Zone pieces; default from ``county.udb_zones``.

    Examples
    --------
    >>> from landsim.datasets import load_sample
    >>> from landsim.quota.scenario import Scenario, ScenarioInputs, run_scenario
    >>> county = load_sample()
    >>> run = run_scenario(Scenario.packaged("baseline"), ScenarioInputs.from_county(county),
    ...                    by="township")
    >>> res = allocate_county(county, run.annual)
    >>> t = res.totals()
    >>> bool((t["allocated_ha"] + t["shortfall_ha"] - t["granted_ha"]).abs().max() < 1e-6)
    True
    """
    from landsim.policy import COMMON
    from landsim.quota.engine import udb_base_urban_land

    if pieces is None:
        if getattr(county, "udb_zones", None) is None:
            msg = (f"{getattr(county, 'source', 'county')}: no udb_zones.csv (zones of the "
                   "urban development boundary). Fix: add udb_zones.csv (parcel_id, "
                   "zone_code 01/02/03) or give a zone layer with --zones")
            raise InputError(msg)
        pieces = zones_from_table(county.udb_zones, county.parcels)
    base = None
    pop = getattr(county, "population", None)
    year = COMMON.udb_base_year
    if pop is not None and int(year) in set(pop["year"].astype(int)):
        base = float(udb_base_urban_land(pop, int(year)).sum())
    granted = granted_from_annual(annual, origin)
    return allocate(county.parcels, pieces, granted, params, edges=county.edges,
                    base_urban_land_ha=base, solver=solver)
