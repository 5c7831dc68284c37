"""Compiled year loop of the quota engine (numba), one draw at a time.

:func:`landsim.quota.engine.simulate_quota` runs the years of every draw through
:func:`year_loop` when numba is installed and the policy is one the kernel covers
(:func:`supported`: caps and assessments at county level, no 占补平衡 link); otherwise, and
as the reference the tests compare with, it runs its numpy loop over blocks of draws.

The kernel repeats the numpy loop's arithmetic operation for operation, in the same
order, so both give the same bits: sums over townships follow numpy's pairwise
summation (:func:`row_sum`), the lag-weighted supply of new cohorts is summed in
approval order (the numpy loop does the same, see ``engine._lagged``). No fastmath.

Everything here is private to the engine; arrays are ``(draws, years, townships)`` in
and ``(draws, years, townships | 1)`` out (one draw's years contiguous).
"""

from __future__ import annotations

import importlib.util
import os

import numpy as np

from landsim.threads import draw_slices, run_slices

__all__ = ["AVAILABLE", "MAX_TOWNSHIPS", "MIN_DRAWS", "MIN_DRAWS_PER_THREAD", "N_DRAW_ARGS",
           "compiled_population_loop", "compiled_year_loop", "population_loop", "row_sum",
           "run_threaded", "supported", "year_loop"]

# numba is a dependency, imported (and the loop loaded from its cache) only when a run
# needs the compiled loop: other commands, notebooks and single runs never pay for it
AVAILABLE = (importlib.util.find_spec("numba") is not None
             and os.environ.get("LANDSIM_NO_NUMBA", "") in ("", "0"))
"""Whether the compiled loop may be used (``LANDSIM_NO_NUMBA=1`` switches it off)."""

MIN_DRAWS = 512
"""Draws from which :func:`supported` picks the compiled loop; fewer run as fast through
the numpy loop without importing numba. [count]"""

MIN_DRAWS_PER_THREAD = 4096
"""Draws each thread of :func:`run_threaded` gets at least; below that one thread runs
them (starting a thread costs more than it saves). [count]"""

MAX_TOWNSHIPS = 128
"""Townships up to which :func:`row_sum` repeats numpy's summation order (numpy splits
longer rows recursively). [count]"""

TOTALS = ("settled_migrants", "pop_link_requested_ha", "pop_link_quota_ha",
          "stock_link_requested_ha", "stock_link_quota_ha", "key_project_quota_ha",
          "new_construction_land_ha", "cultivated_occupied_ha", "ordinary_requested_ha",
          "urban_land_ha", "withheld_ha", "settled_x_standard", "urban_pop")
"""Township totals per draw and year that :func:`year_loop` writes to ``out_tot`` (in this
order), each the sum numpy's ``.sum(axis=-1)`` gives of the engine array of that name
(``settled_x_standard``: settled migrants x standard [m2])."""

_BINDING_NONE, _FLOOR, _UDB, _PLAN, _BRAKE, _BALANCE = 0, 1, 2, 3, 4, 5
"""Indices into ``engine.BINDING`` (checked by the tests)."""


def supported(county: bool, balance_enabled: bool, n_townships: int,
              n_draws: int | None = None) -> bool:
    """Whether :func:`year_loop` covers a run: numba present, county-level caps and
    assessments, no 占补平衡 link, at most :data:`MAX_TOWNSHIPS` townships; with
    ``n_draws``, also at least :data:`MIN_DRAWS` draws (where it pays)."""
    return (AVAILABLE and county and not balance_enabled
            and 0 < n_townships <= MAX_TOWNSHIPS
            and (n_draws is None or n_draws >= MIN_DRAWS))


def row_sum(x: np.ndarray) -> float:
    """Sum of a short 1-D array [same unit as x] in numpy's order for ``x.sum()``:
    up to 7 values one after the other, 8 to 128 values in eight running sums added as
    a tree, then the rest; the total added to 0.0 (numpy's starting value)."""
    n = x.shape[0]
    if n < 8:
        res = 0.0
        for j in range(n):
            res += x[j]
        return 0.0 + res
    r0, r1, r2, r3 = x[0], x[1], x[2], x[3]
    r4, r5, r6, r7 = x[4], x[5], x[6], x[7]
    i = 8
    stop = n - n % 8
    while i < stop:
        r0 += x[i]
        r1 += x[i + 1]
        r2 += x[i + 2]
        r3 += x[i + 3]
        r4 += x[i + 4]
        r5 += x[i + 5]
        r6 += x[i + 6]
        r7 += x[i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += x[i]
        i += 1
    return 0.0 + res


def _per_capita(land_ha: float, people: float, m2_per_ha: float) -> float:
    """Per-capita land [m2/person]; no people: ``inf`` with land, else 0."""
    land_m2 = land_ha * m2_per_ha
    if people > 0:
        return land_m2 / people
    return np.inf if land_m2 > 0 else 0.0


def _room_factor(total: float, room: float) -> float:
    """Factor scaling requests totalling ``total`` [ha] into ``room`` [ha] (negative room
    counts as 0), as ``engine.scale_to_room``."""
    room = max(room, 0.0)
    if total > room:
        return room / total
    return 1.0


def year_loop(settled, urban_pop, q_stock_all, keys, keys_udb, later_keys, later_keys_udb,
              disp_u, fac, base_land, base_pop, udb_limit, band_max, hist_unsup_total,
              hist_app_win, hist_unsup_win, age_shares, rate0, plan_left0, scalars, flags,
              table, out_e, out_tier, out_g0, out_g1, out_key, out_cum, out_cap, out_udb,
              out_land, out_bind, out_keybind, out_county, out_rates, out_tot, out_bmax):
    """Run every draw through the years (county-level caps, no 占补平衡 link).

    ``scalars`` = (floor [fraction], tolerance [ha], tier bounds 1 and 2 [m2/person],
    tier tolerance [-], m2 per ha, cultivated share [fraction]); ``flags`` = (population link, supply-rate floor,
    floor exempts pop link, brake, brake proportional, key projects within caps, UDB cap,
    reserve pop link, window years, township outputs). Writes the ``out_*`` arrays in
    place; ``out_tot`` ``(totals, draws, years)`` gets the township totals :data:`TOTALS`,
    ``out_bmax`` ``(draws, years, 1)`` the most restrictive binding code of the townships.
    Without township outputs (last flag 0) the township arrays (``out_e``, ``out_tier``,
    ``out_g0``, ``out_g1``, ``out_key``, ``out_land``, ``out_bind``, ``out_keybind``,
    ``out_county``) are not touched (they may have no elements); every other output gets
    the same numbers.
    """
    n_d, n_t, n_k = settled.shape
    floor, tol, bound1, bound2, tier_rtol, m2_per_ha, share = (
        scalars[0], scalars[1], scalars[2], scalars[3], scalars[4], scalars[5], scalars[6])
    pl_on, sr_on, exempt, brake_on, proportional = (
        flags[0] != 0, flags[1] != 0, flags[2] != 0, flags[3] != 0, flags[4] != 0)
    within, udb_on, reserve, window = flags[5] != 0, flags[6] != 0, flags[7] != 0, flags[8]
    township = flags[9] != 0
    land = np.empty(n_k)
    pop_prev = np.empty(n_k)
    survival = np.empty(n_k)
    later_settled = np.empty((n_t, n_k))
    e = np.empty(n_k)
    std = np.empty(n_k)
    q_pop = np.empty(n_k)
    w0 = np.empty(n_k)
    w1 = np.empty(n_k)
    b0 = np.empty(n_k)
    b1 = np.empty(n_k)
    u0 = np.empty(n_k)
    u1 = np.empty(n_k)
    p0 = np.empty(n_k)
    p1 = np.empty(n_k)
    g0 = np.empty(n_k)
    g1 = np.empty(n_k)
    kg = np.empty(n_k)
    tmp = np.empty(n_k)
    tmp2 = np.empty(n_k)
    new = np.empty(n_k)
    req = np.empty(n_k)
    granted = np.empty(n_k)
    withheld = np.empty(n_k)
    cult = np.empty(n_k)
    weighted = np.empty(n_k)
    # this draw's granted quota per year, for the supply of its cohorts
    year_g0 = np.empty((n_t, n_k))
    year_g1 = np.empty((n_t, n_k))
    year_key = np.empty((n_t, n_k))
    for d in range(n_d):
        for k in range(n_k):
            land[k] = base_land[k]
            pop_prev[k] = base_pop[k]
            survival[k] = 1.0
            # what later years still hold: reverse cumulative sum less the year (_later)
            run = settled[d, n_t - 1, k]
            later_settled[n_t - 1, k] = run - settled[d, n_t - 1, k]
            for i in range(n_t - 2, -1, -1):
                run = run + settled[d, i, k]
                later_settled[i, k] = run - settled[d, i, k]
        plan_left = plan_left0
        cumulative = 0.0
        rate_prev = rate0
        out_rates[d, 0, 0] = rate0
        f = fac[d]
        for i in range(n_t):
            county_e = _per_capita(row_sum(land), row_sum(pop_prev), m2_per_ha)
            for k in range(n_k):
                no_urban = pop_prev[k] <= 0
                e[k] = county_e if no_urban else _per_capita(land[k], pop_prev[k], m2_per_ha)
                tier = 1 if e[k] <= bound1 else (2 if e[k] <= bound2 else 3)
                std[k] = table[tier] * f if pl_on else 0.0
                q_pop[k] = settled[d, i, k] * std[k] / m2_per_ha
                weighted[k] = settled[d, i, k] * std[k]
                if township:
                    out_tier[d, i, k] = tier
                    out_county[d, i, k] = no_urban
            ok = np.isnan(rate_prev) or rate_prev >= floor - tol or not sr_on
            pop_ok = ok or exempt
            for k in range(n_k):
                qs = q_stock_all[d, i, k]
                w0[k] = q_pop[k] if pop_ok else 0.0
                w1[k] = qs if ok else 0.0
                req[k] = q_pop[k] + qs
                if brake_on:
                    over = e[k] > band_max[k] * (1.0 + tier_rtol)
                    cut = (band_max[k] / (e[k] if over else 1.0)) if proportional else 0.0
                    b0[k] = w0[k] * cut if over else w0[k]
                    b1[k] = w1[k] * cut if over else w1[k]
                else:
                    b0[k] = w0[k]
                    b1[k] = w1[k]
            # key projects first: the plan's remainder, then (inside the UDB) the UDB room
            if within:
                for k in range(n_k):
                    tmp[k] = keys[d, i, k]
                fk = _room_factor(row_sum(tmp), plan_left)
                for k in range(n_k):
                    kg[k] = keys[d, i, k] * fk
            else:
                for k in range(n_k):
                    kg[k] = keys[d, i, k]
            for k in range(n_k):
                asked = keys[d, i, k]
                kept = kg[k] / asked if asked > tol else 1.0
                tmp[k] = keys_udb[d, i, k] * kept
            fu = 1.0
            if udb_on:
                for k in range(n_k):
                    tmp2[k] = udb_limit[k] - land[k]
                fu = _room_factor(row_sum(tmp), row_sum(tmp2))
            for k in range(n_k):
                key_udb = tmp[k] * fu
                kg[k] = kg[k] - (tmp[k] - key_udb)
                land[k] = land[k] + key_udb
            # ordinary quota: the room left after later key projects; pop link first
            if within:
                for k in range(n_k):
                    tmp[k] = later_keys[d, i, k]
                plan_room = plan_left - (row_sum(kg) + row_sum(tmp))
            else:
                plan_room = plan_left - 0.0
            udb_room = np.inf
            if udb_on:
                for k in range(n_k):
                    tmp2[k] = udb_limit[k] - land[k]
                    tmp[k] = later_keys_udb[d, i, k]
                udb_room = row_sum(tmp2) - row_sum(tmp)
            fa = _room_factor(row_sum(b0), udb_room) if udb_on else 1.0
            for k in range(n_k):
                u0[k] = b0[k] * fa
            fp = _room_factor(row_sum(u0), plan_room)
            for k in range(n_k):
                p0[k] = u0[k] * fp
                g0[k] = p0[k] * 1.0  # no 占补平衡 accounts: their room is unlimited
                tmp[k] = g0[k] + (later_settled[i, k] * std[k] / m2_per_ha
                                  if reserve else 0.0)
            set_aside = row_sum(tmp)
            plan_room = plan_room - set_aside
            if udb_on:
                udb_room = udb_room - set_aside
            fa = _room_factor(row_sum(b1), udb_room) if udb_on else 1.0
            for k in range(n_k):
                u1[k] = b1[k] * fa
            fp = _room_factor(row_sum(u1), plan_room)
            for k in range(n_k):
                p1[k] = u1[k] * fp
                g1[k] = p1[k] * 1.0
            bmax = _BINDING_NONE
            for k in range(n_k):
                if g0[k] < p0[k] - tol or g1[k] < p1[k] - tol:
                    code = _BALANCE
                elif p0[k] < u0[k] - tol or p1[k] < u1[k] - tol:
                    code = _PLAN
                elif u0[k] < b0[k] - tol or u1[k] < b1[k] - tol:
                    code = _UDB
                elif b0[k] < w0[k] - tol or b1[k] < w1[k] - tol:
                    code = _BRAKE
                elif w0[k] < q_pop[k] - tol or w1[k] < q_stock_all[d, i, k] - tol:
                    code = _FLOOR
                else:
                    code = _BINDING_NONE
                granted[k] = (0.0 + g0[k]) + g1[k]
                new[k] = granted[k] + kg[k]
                cult[k] = new[k] * share
                withheld[k] = req[k] - granted[k]
                # this year's 批而未供 disposal supplies old cohorts pro rata
                total_unsup = survival[k] * hist_unsup_total[k]
                frac = disp_u[d, i, k] / total_unsup if total_unsup > tol else 0.0
                survival[k] = survival[k] * (1.0 - min(frac, 1.0))
                land[k] = land[k] + granted[k]
                pop_prev[k] = urban_pop[d, i, k]
                bmax = max(bmax, code)
                year_g0[i, k] = g0[k]
                year_g1[i, k] = g1[k]
                year_key[i, k] = kg[k]
                if township:
                    out_e[d, i, k] = e[k]
                    out_g0[d, i, k] = g0[k]
                    out_g1[d, i, k] = g1[k]
                    out_key[d, i, k] = kg[k]
                    out_land[d, i, k] = land[k]
                    out_bind[d, i, k] = code
                    out_keybind[d, i, k] = kg[k] < keys[d, i, k] - tol
            out_bmax[d, i, 0] = bmax
            total_new = row_sum(new)
            out_tot[0, d, i] = row_sum(settled[d, i])
            out_tot[1, d, i] = row_sum(q_pop)
            out_tot[2, d, i] = row_sum(g0)
            out_tot[3, d, i] = row_sum(q_stock_all[d, i])
            out_tot[4, d, i] = row_sum(g1)
            out_tot[5, d, i] = row_sum(kg)
            out_tot[6, d, i] = total_new
            out_tot[7, d, i] = row_sum(cult)
            out_tot[8, d, i] = row_sum(req)
            out_tot[9, d, i] = row_sum(land)
            out_tot[10, d, i] = row_sum(withheld)
            out_tot[11, d, i] = row_sum(weighted)
            out_tot[12, d, i] = row_sum(urban_pop[d, i])
            cumulative = cumulative + total_new
            plan_left = plan_left - total_new
            # supply rate at the end of the year over the approvals of its window
            lo = max(0, i - window + 1)
            for k in range(n_k):
                approved = hist_app_win[i, k] + 0.0 * survival[k]
                supplied = approved - survival[k] * hist_unsup_win[i, k]
                cohorts = 0.0
                lagged = 0.0
                for c in range(lo, i + 1):
                    # new construction land of year c, as the year computed it
                    new_c = ((0.0 + year_g0[c, k]) + year_g1[c, k]) + year_key[c, k]
                    cohorts = cohorts + new_c
                    lagged = lagged + age_shares[i - c] * new_c
                tmp[k] = approved + (0.0 + cohorts)
                tmp2[k] = supplied + lagged
            total_app = row_sum(tmp)
            rate_prev = row_sum(tmp2) / total_app if total_app > tol else np.nan
            out_rates[d, i + 1, 0] = rate_prev
            out_cum[d, i, 0] = cumulative
            out_cap[d, i, 0] = plan_left
            if udb_on:
                for k in range(n_k):
                    tmp2[k] = udb_limit[k] - land[k]
                out_udb[d, i, 0] = row_sum(tmp2)
            else:
                out_udb[d, i, 0] = np.inf


N_DRAW_ARGS = 9
"""Leading arguments of :func:`year_loop` that run along the draws (the eight
``(draws, years, townships)`` inputs and ``fac``); of the outputs, all but ``out_tot``
run along the draws on their first axis, ``out_tot`` on its second."""


def run_threaded(loop, args: tuple, n_out: int, threads: int | None = None) -> None:
    """Call the compiled ``loop`` on ``args`` (:func:`year_loop`'s arguments, the last
    ``n_out`` of them outputs) split by draws over ``threads`` threads (default one per
    CPU, at most one per :data:`MIN_DRAWS_PER_THREAD` draws:
    :func:`landsim.threads.draw_slices`).

    Draws never interact and every thread writes its own rows of the outputs, so the
    numbers are those of one call on all draws; the compiled loop releases the GIL.
    """
    first_out, tot = len(args) - n_out, len(args) - 2  # out_tot: second to last

    def part(rows: slice) -> None:
        loop(*(a[:, rows] if j == tot else a[rows] if j < N_DRAW_ARGS or j >= first_out
               else a for j, a in enumerate(args)))

    run_slices(part, draw_slices(args[0].shape[0], threads, MIN_DRAWS_PER_THREAD))


def _max(a: float, b: float) -> float:
    """``np.maximum(a, b)`` for two floats (NaN in ``a`` kept, a tie gives ``a``)."""
    return a if (a >= b or np.isnan(a)) else b


def _min(a: float, b: float) -> float:
    """``np.minimum(a, b)`` for two floats (NaN in ``a`` kept, a tie gives ``a``)."""
    return a if (a <= b or np.isnan(a)) else b


def population_loop(growth, target, given, dest, resident0, urban0, use_given, out_res,
                    out_urb, out_moved):
    """Project resident and urban population with county-level transfers, draw by draw:
    ``landsim.quota.population._project_year`` for ``scope='county'`` or transfers given,
    operation for operation.

    ``growth`` ``(draws, years, townships)`` is 1 + natural growth + net migration
    [factor]; ``target`` ``(draws, years)`` the county's logistic urbanisation rate of the
    year [fraction] (numpy computes it: its ``exp`` may differ from the compiled one in
    the last bit); ``given`` ``(draws, years, townships)`` the transfers given [persons],
    read when ``use_given``; ``dest`` the destination shares [fraction]; ``resident0``,
    ``urban0`` the base-year population [persons]. Writes resident and urban population
    and the transfers ``(draws, years, townships)`` [persons].
    """
    n_d, n_t, n_k = out_res.shape
    pop = np.empty(n_k)
    urb = np.empty(n_k)
    pop0 = np.empty(n_k)
    urb0 = np.empty(n_k)
    rural0 = np.empty(n_k)
    arriving = np.empty(n_k)
    for d in range(n_d):
        for k in range(n_k):
            pop[k] = resident0[k]
            urb[k] = urban0[k]
        for i in range(n_t):
            for k in range(n_k):
                grow = growth[d, i, k]
                pop0[k] = pop[k] * grow
                urb0[k] = urb[k] * grow
                rural0[k] = _max(pop0[k] - urb0[k], 0.0)
            if use_given:
                for k in range(n_k):
                    arriving[k] = given[d, i, k]
            else:
                total = _max(target[d, i] * row_sum(pop0) - row_sum(urb0), 0.0)
                for k in range(n_k):
                    arriving[k] = total * dest[k]
            total = row_sum(arriving)
            rural_total = row_sum(rural0)
            scale = _min(rural_total / total if total > rural_total else 1.0, 1.0)
            for k in range(n_k):
                arriving[k] = arriving[k] * scale
            moved = row_sum(arriving)
            for k in range(n_k):
                share = rural0[k] / rural_total if rural_total > 0 else 0.0
                leaving = moved * share
                pop[k] = (pop0[k] - leaving) + arriving[k]
                urb[k] = urb0[k] + arriving[k]
                out_res[d, i, k] = pop[k]
                out_urb[d, i, k] = urb[k]
                out_moved[d, i, k] = arriving[k]


def _population_signature(numba):
    """The one signature :func:`population_loop` is compiled for (inputs read-only, any
    layout)."""
    t = numba.types
    f8 = t.float64

    def arr(ndim, readonly=False):
        return t.Array(f8, ndim, "A", readonly=readonly)

    return (t.void(arr(3, True), arr(2, True), arr(3, True), arr(1, True), arr(1, True),
                   arr(1, True), t.boolean, arr(3), arr(3), arr(3)),)


def _signature(numba) -> tuple:
    """The one signature :func:`year_loop` is compiled for: every input array read-only
    with any layout, so broadcast views and contiguous arrays share one machine code."""
    t = numba.types
    f8, i8, b1 = t.float64, t.int8, t.boolean

    def arr(dtype, ndim, readonly=False):
        return t.Array(dtype, ndim, "A", readonly=readonly)

    inputs = [arr(f8, 3, True)] * 8 + [arr(f8, 1, True)] * 6 + [arr(f8, 2, True)] * 2
    inputs += [arr(f8, 1, True), f8, f8, arr(f8, 1, True), arr(t.int64, 1, True),
               arr(f8, 1, True)]
    outputs = [arr(f8, 3), arr(i8, 3)] + [arr(f8, 3)] * 7
    outputs += [arr(i8, 3), arr(b1, 3), arr(b1, 3), arr(f8, 3), arr(f8, 3), arr(i8, 3)]
    return (t.void(*inputs, *outputs),)


_COMPILED: dict[str, object] = {}


def compiled_year_loop():
    """:func:`year_loop` compiled with numba for :func:`_signature` (loaded from the
    on-disk cache after the first run), with further compilation switched off.

    The first call imports numba and replaces this module's helpers by their compiled
    versions (the loop calls them by name)."""
    return _compiled("year_loop")


def compiled_population_loop():
    """:func:`population_loop` compiled with numba (as :func:`compiled_year_loop`)."""
    return _compiled("population_loop")


def _compiled(name: str):
    """Loop ``name`` compiled for its one signature, from numba's on-disk cache after the
    first run; the first call imports numba and compiles the helpers the loops call by
    name."""
    if name not in _COMPILED:
        import numba

        def jit(fn):
            return numba.njit(cache=True, nogil=True, error_model="numpy")(fn)

        if not _COMPILED:
            for helper in ("row_sum", "_per_capita", "_room_factor", "_max", "_min"):
                globals()[helper] = jit(globals()[helper])
        signature = {"year_loop": _signature, "population_loop": _population_signature}[name]
        loop = jit(globals()[name])
        loop.compile(signature(numba)[0])
        loop.disable_compile()
        _COMPILED[name] = loop
    return _COMPILED[name]
