r"""Multi-period transport LP of stripped plough-layer soil (耕作层剥离再利用).

Soil stripped at source :math:`s` in its stripping year :math:`y_s` goes directly to a
destination :math:`j` that is ready (:math:`r_j \le y_s`), or into a stockpile :math:`k`
open that year, from which it is taken to ready destinations in later years; what reaches
no destination is disposed of at a penalty.

Symbols: :math:`V_s` stripped volume [m3], :math:`R_j` volume destination :math:`j` can
take [m3], :math:`C_k` stockpile capacity [m3], :math:`[e_k, l_k]` its years of use,
:math:`d` road distances [km], :math:`h` haul cost [yuan/(m3 km)], :math:`a_k` handling
[yuan/m3], :math:`g_k` keeping cost [yuan/(m3 year)], :math:`p` disposal penalty
[yuan/m3], :math:`c_s` stripping cost [yuan/m3].

Variables (all >= 0): direct flow :math:`x_{sj}`, flow into stock :math:`u_{sk}` (in
year :math:`y_s`), flow out of stock :math:`w_{kjt}`, disposal at the source
:math:`z_s` and from a stockpile at its last year :math:`q_k`, end-of-year level
:math:`L_{kt}`.

.. math::

    \min\ & c_s \sum_s V_s + h\Big(\sum d_{sj}x_{sj} + \sum d_{sk}u_{sk}
          + \sum d_{kj}w_{kjt}\Big) + \sum_k a_k \sum_s u_{sk}
          + \sum_{k,t<l_k} g_k L_{kt} + p\Big(\sum_s z_s + \sum_k q_k\Big) \\
    \text{s.t.}\ & \sum_j x_{sj} + \sum_k u_{sk} + z_s = V_s \quad \forall s
                   \quad\text{(every stripped m3 is placed)}\\
    & \sum_s x_{sj} + \sum_{k,t} w_{kjt} \le R_j \quad \forall j\\
    & L_{k,t-1} + \sum_{s: y_s=t} u_{sk} - \sum_j w_{kjt} - [t=l_k]\,q_k = L_{kt},
      \quad L_{k,e_k-1} = L_{k,l_k} = 0\\
    & L_{k,t-1} + \sum_{s: y_s=t} u_{sk} \le C_k \quad \forall k, t
      \quad\text{(soil arrives before it leaves)}

The model is assembled once, as sparse arrays (:meth:`TopsoilModel.arrays`); the PuLP
path (default solver CBC via ``COIN_CMD``), the HiGHS path (``scipy.optimize.linprog``) and, for a single
period without stockpiles, the network-simplex path (POT ``ot.emd``) all read them. The
PuLP path is solved by :func:`landsim.optimize.solve_problem`; every path reports the
status labels of :mod:`landsim.optimize` and tells a proven infeasible plan
(:class:`~landsim.errors.InfeasibleError`) from a solver stopped by its time limit
(:class:`~landsim.errors.NoSolutionError`).
"""

from __future__ import annotations

import logging
import re
import time
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pulp
import scipy.sparse as sp

from landsim.errors import InfeasibleError, InputError, NoSolutionError
from landsim.optimize.solvers import (
    STATUS_OPTIMAL,
    SolverOptions,
    check_time_limit,
    make_solver,
    scipy_status,
    solve_problem,
)
from landsim.topsoil.inputs import TopsoilInputs, distance_matrices
from landsim.topsoil.params import TopsoilParams

__all__ = ["METHODS", "LPArrays", "TopsoilModel", "TopsoilResult", "solve_transport_emd"]

logger = logging.getLogger(__name__)

METHODS = ("auto", "pulp", "highs", "emd")
"""Solve paths: ``pulp`` (any PuLP solver, default CBC), ``highs`` (scipy HiGHS on the
same arrays), ``emd`` (network simplex, single period without stockpiles only) and
``auto`` (``emd`` when it applies and POT is installed, else ``pulp``)."""

YUAN_PER_WAN = 10_000.0


@dataclass(frozen=True)
class LPArrays:
    """The LP as arrays: minimise ``c @ x + constant`` s.t. ``A_eq x = b_eq``,
    ``A_ub x <= b_ub``, ``x >= 0``. ``blocks`` maps each variable family (direct, in,
    out, dispose_source, dispose_stock, level) to its slice of ``x``; variable names come
    from :meth:`TopsoilModel.variable_names`."""

    c: np.ndarray
    constant: float
    A_eq: sp.csr_matrix
    b_eq: np.ndarray
    eq_names: list[str]
    A_ub: sp.csr_matrix
    b_ub: np.ndarray
    ub_names: list[str]
    blocks: dict[str, slice]


@dataclass(frozen=True)
class TopsoilResult:
    """Optimal topsoil plan. Volumes [m3], costs [yuan] and [万元], distances [km].

    Attributes
    ----------
    status : str
        ``'optimal'`` (a status label of :mod:`landsim.optimize`; an LP solution is
        returned only when proven optimal, otherwise the solve raises).
    method, solver : str
        Solve path (``pulp``, ``highs``, ``emd``) and solver name (for ``pulp`` the PuLP
        solver class, e.g. ``COIN_CMD`` for CBC).
    objective_yuan : float
        Total cost including stripping [yuan]; equals ``cost_split`` total.
    cost_split : DataFrame
        component (stripping, haul, stockpile_handling, stockpile_storage,
        disposal_penalty, total), cost_yuan, cost_wan_yuan.
    flows : DataFrame
        year, from_kind, from_id, to_kind, to_id, volume_m3, distance_km, haul_cost_yuan
        (kinds: source, stockpile, destination, disposal); only flows > 0.
    stockpile_levels : DataFrame
        stockpile_id, year, inflow_m3, outflow_m3, disposed_m3, level_end_m3,
        capacity_m3.
    destinations : DataFrame
        destination_id, kind, year_ready, required_m3, received_m3, unused_m3.
    sources : DataFrame
        source_id, year, volume_m3, direct_m3, to_stockpile_m3, disposed_m3.
    """

    status: str
    method: str
    solver: str
    objective_yuan: float
    cost_split: pd.DataFrame
    flows: pd.DataFrame
    stockpile_levels: pd.DataFrame
    destinations: pd.DataFrame
    sources: pd.DataFrame
    solve_seconds: float = field(default=0.0, compare=False)

    def summary(self) -> dict[str, Any]:
        """Headline figures [m3, yuan, 万元] (no timings: stable for notebooks)."""
        split = self.cost_split.set_index("component")["cost_yuan"]
        return {
            "status": self.status, "method": self.method, "solver": self.solver,
            "stripped_m3": float(self.sources["volume_m3"].sum()),
            "delivered_m3": float(self.destinations["received_m3"].sum()),
            "disposed_m3": float(self.sources["disposed_m3"].sum()
                                 + self.stockpile_levels["disposed_m3"].sum()),
            "unused_demand_m3": float(self.destinations["unused_m3"].sum()),
            "objective_yuan": self.objective_yuan,
            "total_wan_yuan": self.objective_yuan / YUAN_PER_WAN,
            **{f"{k}_yuan": float(v) for k, v in split.items() if k != "total"},
        }


def _safe(ids: list[str], prefix: str) -> list[str]:
    """PuLP-safe, unique labels from ids (falls back to positions on collision)."""
    clean = [re.sub(r"[^0-9A-Za-z_]", "_", str(i)) for i in ids]
    if len(set(clean)) != len(clean):
        clean = [f"{prefix}{n}" for n in range(len(ids))]
    return clean


class TopsoilModel:
    """Topsoil stripping-and-reuse transport LP (see the module docstring for the maths).

    Build with :meth:`from_inputs` (validated tables) or :meth:`from_arrays`; then
    :meth:`solve`. Pass every array in the units of :class:`TopsoilResult`.
    """

    def __init__(self, *, supply_m3: np.ndarray, source_year: np.ndarray,
                 demand_m3: np.ndarray, ready_year: np.ndarray, d_sd: np.ndarray,
                 d_sk: np.ndarray, d_kd: np.ndarray, capacity_m3: np.ndarray,
                 earliest_year: np.ndarray, latest_year: np.ndarray,
                 handling_yuan_per_m3: np.ndarray, storage_yuan_per_m3_year: np.ndarray,
                 params: TopsoilParams, source_ids: list[str], stockpile_ids: list[str],
                 destination_ids: list[str], destination_kind: list[str]) -> None:
        self.supply = np.asarray(supply_m3, float)
        self.source_year = np.asarray(source_year, int)
        self.demand = np.asarray(demand_m3, float)
        self.ready_year = np.asarray(ready_year, int)
        self.d_sd, self.d_sk, self.d_kd = (np.asarray(a, float) for a in (d_sd, d_sk, d_kd))
        self.capacity = np.asarray(capacity_m3, float)
        self.earliest = np.asarray(earliest_year, int)
        self.latest = np.asarray(latest_year, int)
        self.handling = np.asarray(handling_yuan_per_m3, float)
        self.storage = np.asarray(storage_yuan_per_m3_year, float)
        self.params = params
        self.source_ids, self.stockpile_ids = list(source_ids), list(stockpile_ids)
        self.destination_ids, self.destination_kind = list(destination_ids), list(
            destination_kind)
        self._check()
        self._arrays: LPArrays | None = None
        self.problem: pulp.LpProblem | None = None

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_arrays(cls, supply_m3: Any, demand_m3: Any, distance_km: Any, *,
                    source_year: Any = None, ready_year: Any = None,
                    stockpile_capacity_m3: Any = None, source_stockpile_km: Any = None,
                    stockpile_destination_km: Any = None, stockpile_years: Any = None,
                    handling_yuan_per_m3: Any = None, storage_yuan_per_m3_year: Any = None,
                    params: TopsoilParams | None = None) -> TopsoilModel:
        """From plain arrays. ``distance_km`` is sources x destinations [km] (``inf``: no
        route). Years default to one period (all 2025). ``stockpile_years`` is a K x 2
        array of (earliest, latest) years."""
        params = params or TopsoilParams()
        supply = np.atleast_1d(np.asarray(supply_m3, float))
        demand = np.atleast_1d(np.asarray(demand_m3, float))
        n_s, n_d = len(supply), len(demand)
        cap = np.asarray([] if stockpile_capacity_m3 is None else stockpile_capacity_m3, float)
        n_k = len(cap)
        years = np.asarray(stockpile_years if stockpile_years is not None
                           else np.full((n_k, 2), 2025), int).reshape(n_k, 2)
        return cls(
            supply_m3=supply,
            source_year=np.full(n_s, 2025) if source_year is None else source_year,
            demand_m3=demand,
            ready_year=np.full(n_d, 2025) if ready_year is None else ready_year,
            d_sd=np.asarray(distance_km, float).reshape(n_s, n_d),
            d_sk=np.zeros((n_s, 0)) if source_stockpile_km is None
            else np.asarray(source_stockpile_km, float).reshape(n_s, n_k),
            d_kd=np.zeros((0, n_d)) if stockpile_destination_km is None
            else np.asarray(stockpile_destination_km, float).reshape(n_k, n_d),
            capacity_m3=cap, earliest_year=years[:, 0], latest_year=years[:, 1],
            handling_yuan_per_m3=np.full(n_k, params.handling_cost_yuan_per_m3)
            if handling_yuan_per_m3 is None else handling_yuan_per_m3,
            storage_yuan_per_m3_year=np.full(n_k, params.storage_cost_yuan_per_m3_year)
            if storage_yuan_per_m3_year is None else storage_yuan_per_m3_year,
            params=params, source_ids=[f"S{i + 1}" for i in range(n_s)],
            stockpile_ids=[f"K{i + 1}" for i in range(n_k)],
            destination_ids=[f"D{i + 1}" for i in range(n_d)],
            destination_kind=["replenished"] * n_d)

    @classmethod
    def from_inputs(cls, inputs: TopsoilInputs, params: TopsoilParams | None = None
                    ) -> TopsoilModel:
        """From validated tables (:func:`~landsim.topsoil.read_topsoil_inputs`)."""
        params = params or TopsoilParams()
        d_sd, d_sk, d_kd = distance_matrices(inputs, params)
        src, stk, dst = inputs.sources, inputs.stockpiles, inputs.destinations
        return cls(
            supply_m3=src["volume_m3"].to_numpy(float), source_year=src["year"].to_numpy(int),
            demand_m3=dst["required_m3"].to_numpy(float),
            ready_year=dst["year_ready"].to_numpy(int), d_sd=d_sd, d_sk=d_sk, d_kd=d_kd,
            capacity_m3=stk["capacity_m3"].to_numpy(float),
            earliest_year=stk["earliest_year"].to_numpy(int),
            latest_year=stk["latest_year"].to_numpy(int),
            handling_yuan_per_m3=stk["handling_cost_yuan_per_m3"].to_numpy(float),
            storage_yuan_per_m3_year=stk["storage_cost_yuan_per_m3_year"].to_numpy(float),
            params=params, source_ids=src["source_id"].astype(str).tolist(),
            stockpile_ids=stk["stockpile_id"].astype(str).tolist(),
            destination_ids=dst["destination_id"].astype(str).tolist(),
            destination_kind=dst["kind"].astype(str).tolist())

    def _check(self) -> None:
        named = (("supply_m3", self.supply, self.source_ids),
                 ("demand_m3", self.demand, self.destination_ids),
                 ("capacity_m3", self.capacity, self.stockpile_ids))
        for what, arr, ids in named:
            bad = ~np.isfinite(arr) | (arr < 0)
            if bad.any():
                shown = ", ".join(f"{ids[i]}={arr[i]:g}" for i in np.flatnonzero(bad)[:5])
                msg = (f"negative or non-finite volume in {what}: {shown} [m3]. Fix: give "
                       "volumes >= 0.")
                raise InputError(msg)
        n_s, n_d, n_k = len(self.supply), len(self.demand), len(self.capacity)
        shapes = {"d_sd": (self.d_sd, (n_s, n_d)), "d_sk": (self.d_sk, (n_s, n_k)),
                  "d_kd": (self.d_kd, (n_k, n_d))}
        for name, (arr, shape) in shapes.items():
            if arr.shape != shape:
                msg = f"distance matrix {name} has shape {arr.shape}, expected {shape}"
                raise InputError(msg)
            if (arr < 0).any() or np.isnan(arr).any():
                msg = f"distance matrix {name} has negative or NaN distances [km]"
                raise InputError(msg)
        if (self.earliest > self.latest).any():
            msg = "a stockpile's earliest_year is after its latest_year"
            raise InputError(msg)

    # ------------------------------------------------------------------ arrays
    @property
    def is_single_period(self) -> bool:
        """One stripping year, every destination ready then, and no stockpile usable."""
        return bool(len(set(self.source_year.tolist())) <= 1
                    and (self.ready_year <= self.source_year.min(initial=10_000)).all()
                    and self._arc_lists()["in"][0].size == 0)

    def _arc_lists(self) -> dict[str, tuple[np.ndarray, ...]]:
        ys = self.source_year
        direct = (self.ready_year[None, :] <= ys[:, None]) & np.isfinite(self.d_sd)
        into = ((self.earliest[None, :] <= ys[:, None]) & (ys[:, None] <= self.latest[None, :])
                & np.isfinite(self.d_sk))
        ks, js, ts = [], [], []
        for k in range(len(self.capacity)):
            for j in np.flatnonzero(np.isfinite(self.d_kd[k])):
                for t in range(max(self.earliest[k], self.ready_year[j]), self.latest[k] + 1):
                    ks.append(k)
                    js.append(j)
                    ts.append(t)
        return {"direct": np.nonzero(direct), "in": np.nonzero(into),
                "out": (np.asarray(ks, int), np.asarray(js, int), np.asarray(ts, int))}

    def arrays(self) -> LPArrays:
        """Assemble (once) the LP as sparse arrays; see :class:`LPArrays`."""
        if self._arrays is not None:
            return self._arrays
        p = self.params
        arcs = self._arc_lists()
        ds, dj = arcs["direct"]
        is_, ik = arcs["in"]
        ok, oj, ot_ = arcs["out"]
        n_s, n_d, n_k = len(self.supply), len(self.demand), len(self.capacity)
        # level variables L[k, t] for t in [e_k, l_k - 1]
        lk = np.concatenate([np.full(max(self.latest[k] - self.earliest[k], 0), k)
                             for k in range(n_k)] or [np.zeros(0, int)]).astype(int)
        lt = np.concatenate([np.arange(self.earliest[k], self.latest[k])
                             for k in range(n_k)] or [np.zeros(0, int)]).astype(int)
        sizes = {"direct": len(ds), "in": len(is_), "out": len(ok), "dispose_source": n_s,
                 "dispose_stock": n_k, "level": len(lk)}
        blocks, start = {}, 0
        for name, size in sizes.items():
            blocks[name] = slice(start, start + size)
            start += size
        n = start
        h = p.haul_cost_yuan_per_m3_km
        c = np.concatenate([
            h * self.d_sd[ds, dj],
            h * self.d_sk[is_, ik] + self.handling[ik],
            h * self.d_kd[ok, oj],
            np.full(n_s, p.disposal_penalty_yuan_per_m3),
            np.full(n_k, p.disposal_penalty_yuan_per_m3),
            self.storage[lk],
        ])
        col = {name: np.arange(blocks[name].start, blocks[name].stop) for name in blocks}
        # equality rows: supply (n_s), then stock balance per (k, t in [e_k, l_k])
        rows, cols, vals = [ds, is_, np.arange(n_s)], [col["direct"], col["in"],
                                                        col["dispose_source"]], []
        vals = [np.ones(len(ds)), np.ones(len(is_)), np.ones(n_s)]
        bal_k = np.concatenate([np.full(self.latest[k] - self.earliest[k] + 1, k)
                                for k in range(n_k)] or [np.zeros(0, int)]).astype(int)
        bal_t = np.concatenate([np.arange(self.earliest[k], self.latest[k] + 1)
                                for k in range(n_k)] or [np.zeros(0, int)]).astype(int)
        bal_index = {(int(k), int(t)): n_s + i for i, (k, t) in enumerate(zip(bal_k, bal_t,
                                                                             strict=True))}

        def brow(ks: np.ndarray, ts: np.ndarray) -> np.ndarray:
            return np.asarray([bal_index[(int(k), int(t))] for k, t in zip(ks, ts, strict=True)],
                              int)

        # balance: L_{t-1} + in_t - out_t - [t=l]q - L_t = 0
        rows += [brow(ik, self.source_year[is_]), brow(ok, ot_),
                 brow(np.arange(n_k), self.latest), brow(lk, lt), brow(lk, lt + 1)]
        cols += [col["in"], col["out"], col["dispose_stock"], col["level"], col["level"]]
        vals += [np.ones(len(is_)), -np.ones(len(ok)), -np.ones(n_k), -np.ones(len(lk)),
                 np.ones(len(lk))]
        n_eq = n_s + len(bal_k)
        A_eq = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows),
                                                     np.concatenate(cols))), shape=(n_eq, n))
        b_eq = np.concatenate([self.supply, np.zeros(len(bal_k))])
        eq_names = ([f"supply_{s}" for s in _safe(self.source_ids, "S")]
                    + [f"balance_{_safe(self.stockpile_ids, 'K')[k]}_{t}"
                       for k, t in zip(bal_k, bal_t, strict=True)])
        # inequality rows: demand (n_d), then capacity per (k, t)
        cap_rows = {key: n_d + i - n_s for key, i in bal_index.items()}

        def crow(ks: np.ndarray, ts: np.ndarray) -> np.ndarray:
            return np.asarray([cap_rows[(int(k), int(t))] for k, t in zip(ks, ts, strict=True)],
                              int)

        urows = [dj, oj, crow(ik, self.source_year[is_]), crow(lk, lt + 1)]
        ucols = [col["direct"], col["out"], col["in"], col["level"]]
        uvals = [np.ones(len(dj)), np.ones(len(oj)), np.ones(len(is_)), np.ones(len(lk))]
        n_ub = n_d + len(bal_k)
        A_ub = sp.csr_matrix((np.concatenate(uvals), (np.concatenate(urows),
                                                      np.concatenate(ucols))), shape=(n_ub, n))
        b_ub = np.concatenate([self.demand, self.capacity[bal_k]])
        ub_names = ([f"demand_{d}" for d in _safe(self.destination_ids, "D")]
                    + [f"capacity_{_safe(self.stockpile_ids, 'K')[k]}_{t}"
                       for k, t in zip(bal_k, bal_t, strict=True)])
        self._arcs = arcs
        self._levels = (lk, lt)
        self._arrays = LPArrays(c=c, constant=p.strip_cost_yuan_per_m3 * float(self.supply.sum()),
                                A_eq=A_eq, b_eq=b_eq, eq_names=eq_names, A_ub=A_ub, b_ub=b_ub,
                                ub_names=ub_names, blocks=blocks)
        return self._arrays

    def variable_names(self) -> list[str]:
        """Deterministic names of the LP variables, from the site ids (in ``x`` order)."""
        self.arrays()
        ds, dj = self._arcs["direct"]
        is_, ik = self._arcs["in"]
        ok, oj, ot_ = self._arcs["out"]
        lk, lt = self._levels
        s_lab = _safe(self.source_ids, "S")
        k_lab = _safe(self.stockpile_ids, "K")
        d_lab = _safe(self.destination_ids, "D")
        return ([f"x_{s_lab[s]}_{d_lab[j]}" for s, j in zip(ds, dj, strict=True)]
                + [f"u_{s_lab[s]}_{k_lab[k]}" for s, k in zip(is_, ik, strict=True)]
                + [f"w_{k_lab[k]}_{d_lab[j]}_{t}" for k, j, t in zip(ok, oj, ot_, strict=True)]
                + [f"z_{s}" for s in s_lab] + [f"q_{k}" for k in k_lab]
                + [f"L_{k_lab[k]}_{t}" for k, t in zip(lk, lt, strict=True)])

    # ------------------------------------------------------------------ PuLP
    def build(self) -> pulp.LpProblem:
        """Create the PuLP problem from :meth:`arrays` (row by row from CSR data)."""
        arr = self.arrays()
        prob = pulp.LpProblem("topsoil_transport", pulp.LpMinimize)
        xs = [prob.add_variable(name, lowBound=0) for name in self.variable_names()]
        prob.setObjective(pulp.LpAffineExpression(
            [(xs[i], float(v)) for i, v in enumerate(arr.c)],
            constant=arr.constant))
        for A, b, names, sense in ((arr.A_eq, arr.b_eq, arr.eq_names, pulp.LpConstraintEQ),
                                   (arr.A_ub, arr.b_ub, arr.ub_names, pulp.LpConstraintLE)):
            indptr, indices, data = A.indptr, A.indices, A.data
            for r in range(A.shape[0]):
                lo, hi = indptr[r], indptr[r + 1]
                expr = pulp.LpAffineExpression(
                    [(xs[i], float(v)) for i, v in zip(indices[lo:hi], data[lo:hi],
                                                         strict=True)])
                prob.addConstraint(pulp.LpConstraint(expr, sense, rhs=float(b[r]),
                                                     name=names[r]))
        self._vars = xs
        self.problem = prob
        return prob

    def write_lp(self, path: str) -> None:
        """Write the PuLP model as an LP file (for debugging)."""
        (self.problem or self.build()).writeLP(path)

    # ------------------------------------------------------------------ solve
    def precheck(self, allow_disposal: bool = True) -> None:
        """Cheap feasibility check: without disposal, total demand must absorb all soil."""
        if not allow_disposal and self.supply.sum() > self.demand.sum() + 1e-9:
            msg = (f"disposal is not allowed but stripped soil {self.supply.sum():,.0f} m3 "
                   f"exceeds the destinations' total {self.demand.sum():,.0f} m3 by "
                   f"{self.supply.sum() - self.demand.sum():,.0f} m3. Fix: add destinations "
                   f"or allow disposal. 剥离土方 {self.supply.sum():,.0f} m³ 超过覆土区需求 "
                   f"{self.demand.sum():,.0f} m³；请增加覆土区或允许弃置。")
            raise InfeasibleError(msg)

    def solve(self, solver: str | pulp.LpSolver | None = None, method: str = "auto",
              allow_disposal: bool = True, *, time_limit: float | None = None
              ) -> TopsoilResult:
        """Solve and return a :class:`TopsoilResult`.

        Parameters
        ----------
        solver : {"cbc", "highs"}, pulp.LpSolver or None
            Solver of the ``pulp`` path: a name, a PuLP solver object, or ``None`` for
            the default (:func:`default_solver`: CBC, logs off). Ignored by the other
            paths.
        method : str
            One of :data:`METHODS`.
        allow_disposal : bool
            ``False`` forbids surplus disposal (then the LP may be infeasible).
        time_limit : float, optional
            Wall-time limit of the ``pulp`` and ``highs`` paths, finite and > 0 (the
            network simplex has none). With a PuLP solver object, set it on the object.
            [s]

        Returns
        -------
        TopsoilResult

        Raises
        ------
        InputError
            Unknown method or solver, ``emd`` on a multi-period plan, a bad time limit.
        InfeasibleError
            The plan is proven infeasible (only possible without disposal).
        NoSolutionError
            The solver stopped (time limit, iteration limit, numerical trouble) before
            proving an optimal plan.
        """
        if method not in METHODS:
            msg = f"unknown method {method!r}. Fix: use one of {', '.join(METHODS)}."
            raise InputError(msg)
        time_limit = check_time_limit(time_limit)
        self.precheck(allow_disposal)
        single = self.is_single_period
        if method == "auto":
            method = "emd" if single and allow_disposal and _has_pot() else "pulp"
        if method == "emd" and not single:
            msg = ("method 'emd' solves one period without stockpiles only; this plan has "
                   "several years or usable stockpiles. Fix: use method 'pulp' or 'highs'.")
            raise InputError(msg)
        arr = self.arrays()
        t0 = time.perf_counter()
        if method == "emd":
            x, solver_name, status = (self._solve_emd(), "POT ot.emd (network simplex)",
                                      STATUS_OPTIMAL)
        elif method == "highs":
            x, status = self._solve_highs(allow_disposal, time_limit)
            solver_name = "HiGHS (scipy linprog)"
        else:
            x, solver_name, status = self._solve_pulp(solver, allow_disposal, time_limit)
        seconds = time.perf_counter() - t0
        return self._result(x, arr, method, solver_name, seconds, status)

    def _bounds(self, allow_disposal: bool) -> list[tuple[float, float | None]]:
        arr = self.arrays()
        ub: list[tuple[float, float | None]] = [(0.0, None)] * len(arr.c)
        if not allow_disposal:
            for name in ("dispose_source", "dispose_stock"):
                sl = arr.blocks[name]
                ub[sl] = [(0.0, 0.0)] * (sl.stop - sl.start)
        return ub

    def _solve_pulp(self, solver: str | pulp.LpSolver | None, allow_disposal: bool,
                    time_limit: float | None) -> tuple[np.ndarray, str, str]:
        options = SolverOptions(time_limit=time_limit)
        # the plan names the PuLP solver class (e.g. COIN_CMD), as it always has
        label = str(make_solver(solver, options)[0].name)
        prob = self.problem or self.build()
        arr = self.arrays()
        for name in ("dispose_source", "dispose_stock"):
            for v in self._vars[arr.blocks[name]]:
                v.upBound = None if allow_disposal else 0.0
        report = solve_problem(prob, solver, options, what="topsoil plan",
                               infeasible_message=_INFEASIBLE_LP)
        x = np.array([v.varValue or 0.0 for v in self._vars])
        return x, label, report.status

    def _solve_highs(self, allow_disposal: bool,
                     time_limit: float | None) -> tuple[np.ndarray, str]:
        from scipy.optimize import linprog

        arr = self.arrays()
        options = {} if time_limit is None else {"time_limit": time_limit}
        res = linprog(arr.c, A_ub=arr.A_ub, b_ub=arr.b_ub, A_eq=arr.A_eq, b_eq=arr.b_eq,
                      bounds=self._bounds(allow_disposal), method="highs", options=options)
        status = scipy_status(res, time_limit, what="topsoil plan",
                              infeasible_message=_INFEASIBLE_LP)
        return np.asarray(res.x), status

    def _solve_emd(self) -> np.ndarray:
        arr = self.arrays()
        h = self.params.haul_cost_yuan_per_m3_km
        plan = solve_transport_emd(self.supply, self.demand, h * self.d_sd,
                                   self.params.disposal_penalty_yuan_per_m3,
                                   allowed=np.isfinite(self.d_sd))
        ds, dj = self._arcs["direct"]
        x = np.zeros(len(arr.c))
        x[arr.blocks["direct"]] = plan[ds, dj]
        x[arr.blocks["dispose_source"]] = plan[:-1, -1]
        return x

    # ------------------------------------------------------------------ result tables
    def _result(self, x: np.ndarray, arr: LPArrays, method: str, solver: str,
                seconds: float, status: str = STATUS_OPTIMAL) -> TopsoilResult:
        x = np.where(np.abs(x) < 1e-7, 0.0, x)
        b = arr.blocks
        h = self.params.haul_cost_yuan_per_m3_km
        ds, dj = self._arcs["direct"]
        is_, ik = self._arcs["in"]
        ok, oj, ot_ = self._arcs["out"]
        lk, lt = self._levels
        sid, kid, did = (np.asarray(self.source_ids, dtype=object),
                         np.asarray(self.stockpile_ids, dtype=object),
                         np.asarray(self.destination_ids, dtype=object))
        xd, xi, xo = x[b["direct"]], x[b["in"]], x[b["out"]]
        zs, qk, lv = x[b["dispose_source"]], x[b["dispose_stock"]], x[b["level"]]
        parts = [
            pd.DataFrame({"year": self.source_year[ds], "from_kind": "source", "from_id": sid[ds],
                          "to_kind": "destination", "to_id": did[dj], "volume_m3": xd,
                          "distance_km": self.d_sd[ds, dj]}),
            pd.DataFrame({"year": self.source_year[is_], "from_kind": "source",
                          "from_id": sid[is_], "to_kind": "stockpile", "to_id": kid[ik],
                          "volume_m3": xi, "distance_km": self.d_sk[is_, ik]}),
            pd.DataFrame({"year": ot_, "from_kind": "stockpile", "from_id": kid[ok],
                          "to_kind": "destination", "to_id": did[oj], "volume_m3": xo,
                          "distance_km": self.d_kd[ok, oj]}),
            pd.DataFrame({"year": self.source_year, "from_kind": "source", "from_id": sid,
                          "to_kind": "disposal", "to_id": "", "volume_m3": zs,
                          "distance_km": 0.0}),
            pd.DataFrame({"year": self.latest, "from_kind": "stockpile", "from_id": kid,
                          "to_kind": "disposal", "to_id": "", "volume_m3": qk,
                          "distance_km": 0.0}),
        ]
        flows = pd.concat([f for f in parts if len(f)], ignore_index=True)
        flows = flows[flows["volume_m3"] > 0].copy()
        flows["year"] = flows["year"].astype(int)
        flows["haul_cost_yuan"] = h * flows["volume_m3"] * flows["distance_km"]
        flows = flows.sort_values(["year", "from_kind", "from_id", "to_kind", "to_id"]
                                  ).reset_index(drop=True)

        received = (np.bincount(dj, xd, len(self.demand))
                    + np.bincount(oj, xo, len(self.demand)))
        dests = pd.DataFrame({"destination_id": did, "kind": self.destination_kind,
                              "year_ready": self.ready_year, "required_m3": self.demand,
                              "received_m3": received,
                              "unused_m3": np.maximum(self.demand - received, 0.0)})
        n_s = len(self.supply)
        sources = pd.DataFrame({"source_id": sid, "year": self.source_year,
                                "volume_m3": self.supply,
                                "direct_m3": np.bincount(ds, xd, n_s),
                                "to_stockpile_m3": np.bincount(is_, xi, n_s),
                                "disposed_m3": zs})
        rows = []
        level_of = {(int(k), int(t)): v for k, t, v in zip(lk, lt, lv, strict=True)}
        for k in range(len(self.capacity)):
            for t in range(self.earliest[k], self.latest[k] + 1):
                inflow = xi[(ik == k) & (self.source_year[is_] == t)].sum()
                outflow = xo[(ok == k) & (ot_ == t)].sum()
                rows.append({"stockpile_id": kid[k], "year": t, "inflow_m3": inflow,
                             "outflow_m3": outflow,
                             "disposed_m3": qk[k] if t == self.latest[k] else 0.0,
                             "level_end_m3": level_of.get((k, t), 0.0),
                             "capacity_m3": self.capacity[k]})
        levels = pd.DataFrame(rows, columns=["stockpile_id", "year", "inflow_m3", "outflow_m3",
                                             "disposed_m3", "level_end_m3", "capacity_m3"])
        p = self.params
        split = {
            "stripping": arr.constant,
            "haul": float(flows["haul_cost_yuan"].sum()),
            "stockpile_handling": float((self.handling[ik] * xi).sum()),
            "stockpile_storage": float((self.storage[lk] * lv).sum()),
            "disposal_penalty": p.disposal_penalty_yuan_per_m3 * float(zs.sum() + qk.sum()),
        }
        split["total"] = sum(split.values())
        cost = pd.DataFrame({"component": list(split), "cost_yuan": list(split.values())})
        cost["cost_wan_yuan"] = cost["cost_yuan"] / YUAN_PER_WAN
        objective = float(arr.c @ x + arr.constant)
        if not np.isclose(objective, split["total"], rtol=1e-7, atol=1e-6):  # pragma: no cover
            msg = f"cost split {split['total']} does not add up to the objective {objective}"
            raise AssertionError(msg)
        logger.debug("topsoil plan solved by %s in %.3f s", solver, seconds)
        return TopsoilResult(status, method, solver, objective, cost, flows, levels, dests,
                             sources, seconds)


_INFEASIBLE_LP = ("the topsoil plan is infeasible: stockpile capacities, years of use or "
                  "routes cannot place all stripped soil without disposal. Fix: allow "
                  "disposal or add capacity.")
"""Message of a plan the solver proves infeasible (only possible without disposal)."""


def default_solver() -> pulp.LpSolver:
    """The default solver of the ``pulp`` path: CBC with logs off, else HiGHS.

    Built by :func:`landsim.optimize.make_solver` for
    :func:`landsim.optimize.default_solver_name`.
    """
    return make_solver(None)[0]


def _has_pot() -> bool:
    try:
        import ot  # noqa: F401
    except ImportError:  # pragma: no cover - POT is an optional speed-up
        return False
    return True


_EMD_MAX_ITER = 100_000_000
"""Iteration limit of the network simplex."""


def solve_transport_emd(supply_m3: np.ndarray, demand_m3: np.ndarray, cost: np.ndarray,
                        penalty: float, allowed: np.ndarray | None = None) -> np.ndarray:
    """Single-period transport with disposal, by network simplex (POT ``ot.emd``).

    Returns an (S+1) x (D+1) plan [m3]: rows are sources then a dummy "unused demand"
    source, columns destinations then "disposal". Balanced by construction: the dummy
    source holds total demand, disposal takes up to total supply at ``penalty`` [yuan/m3].
    Pairs not ``allowed`` cost more than disposal, so they are never used.

    Raises
    ------
    NoSolutionError
        The network simplex stopped without an optimal plan (iteration limit).
    """
    import ot

    a = np.asarray(supply_m3, float)
    b = np.asarray(demand_m3, float)
    cost = np.asarray(cost, float)
    if allowed is None:
        allowed = np.isfinite(cost)
    finite = cost[allowed]
    big = penalty + (finite.max() if finite.size else 0.0) + 1.0
    m = np.empty((len(a) + 1, len(b) + 1))
    m[:-1, :-1] = np.where(allowed, np.where(np.isfinite(cost), cost, big), big)
    m[:-1, -1] = penalty
    m[-1, :] = 0.0
    total = a.sum() + b.sum()
    if total == 0:
        return np.zeros_like(m)
    aa = np.append(a, b.sum()) / total
    bb = np.append(b, a.sum()) / total
    bb[-1] += aa.sum() - bb.sum()  # exact balance after rounding
    with warnings.catch_warnings():
        # a non-optimal result code is raised as NoSolutionError below instead
        warnings.simplefilter("ignore", UserWarning)
        plan, log = ot.emd(aa, bb, np.ascontiguousarray(m), numItermax=_EMD_MAX_ITER,
                           log=True)
    if log.get("result_code", 1) != 1:
        msg = (f"the network simplex (POT ot.emd) stopped without an optimal plan: "
               f"{log.get('warning') or 'result code ' + str(log.get('result_code'))}; "
               "use method 'pulp' or 'highs'")
        raise NoSolutionError(msg)
    return plan * total
