r"""Lagrangian relaxation of a binary selection, each subproblem a minimum cut.

A selection model in array form (:class:`landsim.optimize.milp.SelectionArrays`) is

.. math::

    \min\ c^\top x - \sum_{k} w_k\, x_{i_k} x_{j_k} + c_0
    \quad\text{s.t.}\quad \ell \le A x \le u,\quad x \in \{0, 1\}^n

with :math:`w_k > 0` the boundary a shared edge saves when both of its units are selected
(the product columns :math:`y_k \le x_{i_k}, y_k \le x_{j_k}`) and :math:`A` a handful of
rows: feature targets (Marxan), the area, compensation and grade rules (PBF layout).
Moving the rows into the objective with multipliers :math:`\lambda` (:math:`\lambda_r \ge
0` on a ``>=`` side, :math:`\le 0` on a ``<=`` side) leaves

.. math::

    L(\lambda) = \min_x\ (c - A^\top\lambda)^\top x - \sum_k w_k x_{i_k} x_{j_k}
    + \sum_r \min(\lambda_r \ell_r, \lambda_r u_r) + c_0,

a sum of unary terms and submodular pairs, solved exactly by one minimum s-t cut
(:math:`-w x_i x_j = \tfrac{w}{2}|x_i - x_j| - \tfrac{w}{2}(x_i + x_j)`). Every
:math:`L(\lambda)` is a lower bound of the selection problem; its best value equals the
bound of the LP relaxation, because the cut problem's LP is integral. The multipliers are
found by a trust-region cutting-plane method on :math:`L` (a small LP per step, one
minimum cut per step), and every cut's selection, repaired when it misses a row, is a
candidate layout. The gap between the best layout and the best :math:`L` is a proved
gap, independent of any MILP solver.

The cut is solved by OR-Tools' max-flow (``ortools.graph.python.max_flow``) on int64
capacities: each capacity is scaled and rounded *down*, so a cut's value in the rounded
graph is at most its true value and the bound stays valid; the selection it returns is
optimal within ``arcs / scale`` of the true :math:`L`.

Reference: Fisher, M. L. (2004). The Lagrangian relaxation method for solving integer
programming problems. *Management Science* 50(12 suppl.), 1861-1871; the cut
construction for pairwise submodular energies: Kolmogorov, V., & Zabih, R. (2004). What
energy functions can be minimized via graph cuts? *IEEE TPAMI* 26(2), 147-159.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import sparse

__all__ = ["CutPoint", "LagrangianResult", "MinCutRelaxation", "solve_lagrangian"]

CAPACITY_RANGE = 2.0**50
"""The scaled capacities of one cut sum to at most this (int64 holds 9.2e18)."""

_FEAS_TOL = 1e-6
"""Relative row tolerance of a candidate layout (that of :mod:`landsim.optimize.milp`)."""

NEAR_DUAL_OPTIMUM = 0.01
"""Cut layouts that miss a row are repaired once the cutting-plane model predicts at most
this relative rise of the bound (near the best multipliers). [fraction]"""

FINAL_REPAIR_RESERVE = 4.0
"""The search for better multipliers stops this many cut times before the deadline, so
that the cut of the best bound found can still be repaired into a layout (a repair costs
about three cuts on the 100,000-hexagon grid). [cut durations]"""

DIVERSIFY_CUTS = 40
"""Cuts at randomly perturbed best multipliers tried for better layouts once the bound has
converged (each repaired when it misses a row); seeded, so a run repeats."""

_REPAIRS_PER_POINT = 8
"""Multiplier pushes tried to make one cut's layout meet its rows (general rows)."""


@dataclass(frozen=True)
class CutPoint:
    """One evaluation of :math:`L(\\lambda)`.

    Attributes
    ----------
    multipliers : numpy.ndarray of float
        :math:`\\lambda` per row (>= 0 pulls a ``>=`` side, <= 0 a ``<=`` side).
    bound : float
        :math:`L(\\lambda)`, a lower bound of the selection problem. [objective units]
    x : numpy.ndarray of bool
        The cut's selection (free units).
    activity : numpy.ndarray of float
        :math:`A x`.
    objective : float
        The selection problem's objective of ``x`` (rows ignored). [objective units]
    """

    multipliers: np.ndarray
    bound: float
    x: np.ndarray
    activity: np.ndarray
    objective: float


class MinCutRelaxation:
    """The Lagrangian relaxation of one :class:`~landsim.optimize.milp.SelectionArrays`.

    Parameters
    ----------
    arrays : SelectionArrays
        Unit columns first, then product columns, each bound by two rows
        ``y - x_i <= 0`` (as :func:`landsim.optimize.milp.build_selection_arrays` makes
        them); the other rows are relaxed.
    """

    def __init__(self, arrays) -> None:
        from ortools.graph.python import max_flow  # here, so that cuts time the cut only

        self._max_flow = max_flow
        n = arrays.n_binary
        matrix = sparse.csr_array(arrays.matrix)
        in_tail = np.diff(sparse.csr_array(matrix[:, n:]).indptr) > 0
        head = np.flatnonzero(~in_tail)
        tail = np.flatnonzero(in_tail)
        self.n = n
        self.constant = float(arrays.constant)
        self.cost = np.asarray(arrays.cost[:n], dtype=float)
        self.rows = sparse.csr_array(matrix[head][:, :n])
        self.lo = np.asarray(arrays.row_lo, dtype=float)[head]
        self.hi = np.asarray(arrays.row_hi, dtype=float)[head]
        # the two unit ends of every product column, in column order
        pairs = sparse.csc_array(matrix[tail])
        y_rows = pairs[:, n:].tocsc()
        units_of_row = sparse.csr_array(pairs[:, :n]).indices
        ends = units_of_row[y_rows.indices].reshape(-1, 2)
        self.edge_i = ends[:, 0].astype(np.int64)
        self.edge_j = ends[:, 1].astype(np.int64)
        self.weight = -np.asarray(arrays.cost[n:], dtype=float)
        half = self.weight / 2
        self._unary = (self.cost - np.bincount(self.edge_i, half, n)
                       - np.bincount(self.edge_j, half, n))
        index = np.arange(n, dtype=np.int32)
        ei, ej = self.edge_i.astype(np.int32), self.edge_j.astype(np.int32)
        self._tails = np.concatenate([np.full(n, n, np.int32), index, ei, ej])
        self._heads = np.concatenate([index, np.full(n, n + 1, np.int32), ej, ei])
        self._half = half
        self._row_tol = _FEAS_TOL * np.maximum(1.0, np.maximum(
            np.abs(np.where(np.isfinite(self.lo), self.lo, 0.0)),
            np.abs(np.where(np.isfinite(self.hi), self.hi, 0.0))))

    @property
    def n_rows(self) -> int:
        """Number of relaxed rows."""
        return self.rows.shape[0]

    @property
    def cover_form(self) -> bool:
        """Every relaxed row is ``a x >= t`` with ``a >= 0`` (Marxan's targets)."""
        return bool(np.isfinite(self.lo).all() and not np.isfinite(self.hi).any()
                    and (self.rows.data >= 0).all())

    def objective(self, x: np.ndarray) -> float:
        """The objective of a selection of the free units (rows ignored). [objective units]"""
        x = np.asarray(x, dtype=bool)
        return (float(self.cost @ x) - float(self.weight @ (x[self.edge_i] & x[self.edge_j]))
                + self.constant)

    def shortfall(self, activity: np.ndarray) -> np.ndarray:
        """How far each row is outside its bounds (0 when met, within the tolerance)."""
        below = np.where(np.isfinite(self.lo), self.lo - activity, 0.0)
        above = np.where(np.isfinite(self.hi), activity - self.hi, 0.0)
        miss = np.maximum(np.maximum(below, above), 0.0)
        return np.where(miss > self._row_tol, miss, 0.0)

    def evaluate(self, multipliers: np.ndarray) -> CutPoint:
        """:math:`L(\\lambda)` and its selection by one minimum cut."""
        lam = np.asarray(multipliers, dtype=float)
        unary = self._unary - self.rows.T @ lam if self.n_rows else self._unary.copy()
        # lam > 0 prices the lower side, lam < 0 the upper one: min(lam lo, lam hi)
        side = np.where(lam > 0, np.where(np.isfinite(self.lo), self.lo, 0.0),
                        np.where(np.isfinite(self.hi), self.hi, 0.0))
        constant = float((lam * side).sum()) + self.constant
        source = np.maximum(-unary, 0.0)
        sink = np.maximum(unary, 0.0)
        total = float(source.sum() + sink.sum() + 2 * self._half.sum())
        scale = CAPACITY_RANGE / total if total > 0 else 1.0
        capacity = np.floor(np.concatenate([source, sink, self._half, self._half])
                            * scale).astype(np.int64)
        flow = self._max_flow.SimpleMaxFlow()
        flow.add_arcs_with_capacity(self._tails, self._heads, capacity)
        status = flow.solve(self.n, self.n + 1)
        if status != flow.OPTIMAL:  # pragma: no cover - capacities are bounded above
            msg = f"max-flow failed with status {status}"
            raise RuntimeError(msg)
        side = np.asarray(flow.get_source_side_min_cut(), dtype=np.int64)
        x = np.zeros(self.n, dtype=bool)
        x[side[side < self.n]] = True
        bound = flow.optimal_flow() / scale + float(np.minimum(unary, 0.0).sum()) + constant
        activity = self.rows @ x.astype(float) if self.n_rows else np.zeros(0)
        return CutPoint(lam, bound, x, np.asarray(activity, dtype=float), self.objective(x))

    def signed(self, multipliers: np.ndarray) -> np.ndarray:
        """Multipliers with the sign each row allows (>= 0 on a row with only a lower
        bound, <= 0 on a row with only an upper bound, either on a ranged row)."""
        lam = np.asarray(multipliers, dtype=float)
        lam = np.where(np.isfinite(self.hi), lam, np.maximum(lam, 0.0))
        return np.where(np.isfinite(self.lo), lam, np.minimum(lam, 0.0))

    def row_scale(self) -> np.ndarray:
        """A first step per multiplier: median cost over median row coefficient."""
        typical = float(np.median(np.abs(self.cost))) if self.n else 1.0
        out = np.ones(self.n_rows)
        for r in range(self.n_rows):
            data = np.abs(self.rows.data[self.rows.indptr[r]:self.rows.indptr[r + 1]])
            data = data[data > 0]
            out[r] = max(typical, 1e-9) / float(np.median(data)) if len(data) else 1.0
        return out


@dataclass(frozen=True)
class LagrangianResult:
    """What :func:`solve_lagrangian` found.

    Attributes
    ----------
    x : numpy.ndarray of bool or None
        Best selection meeting every row (free units); None when none was found.
    objective : float
        Its objective (``inf`` when none). [objective units]
    bound : float
        Best :math:`L(\\lambda)` (``-inf`` when none evaluated). [objective units]
    multipliers : numpy.ndarray of float
        The multipliers of the best bound.
    cuts : int
        Minimum cuts solved.
    converged : bool
        The cutting-plane model predicts no further rise of the bound.
    """

    x: np.ndarray | None
    objective: float
    bound: float
    multipliers: np.ndarray
    cuts: int
    converged: bool


def _new_highs():
    """A silent HiGHS instance (its banner goes to the C-level stdout at creation)."""
    import highspy

    from landsim.optimize.solvers import _stdout_fd_silenced

    with _stdout_fd_silenced(True):
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    return h


def _master(h, points: list[CutPoint], center: np.ndarray, radius: np.ndarray,
            lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, float]:
    """Maximise the cutting-plane model of L within the box ``|lam - center| <= radius``.

    Variables ``theta, p, q`` with ``lam = p - q`` (``p`` on the ``>=`` sides, ``q`` on
    the ``<=`` sides); each point gives ``theta <= F_k + p.(lo - Ax_k) - q.(hi - Ax_k)``.
    A small LP solved by HiGHS (highspy: imported in milliseconds, where
    ``scipy.optimize`` takes about a second).
    """
    import highspy

    m = len(center)
    lo0, hi0 = np.where(np.isfinite(lo), lo, 0.0), np.where(np.isfinite(hi), hi, 0.0)
    k = len(points)
    dense = np.zeros((k + m, 1 + 2 * m))
    row_lo = np.full(k + m, -highspy.kHighsInf)
    row_hi = np.zeros(k + m)
    for r, point in enumerate(points):
        dense[r, 0] = 1.0
        dense[r, 1:1 + m] = point.activity - lo0
        dense[r, 1 + m:] = hi0 - point.activity
        row_hi[r] = point.objective
    dense[k:, 1:1 + m], dense[k:, 1 + m:] = np.eye(m), -np.eye(m)
    row_lo[k:], row_hi[k:] = center - radius, center + radius
    matrix = sparse.csr_array(dense)
    h.clearModel()
    inf = highspy.kHighsInf
    col_hi = np.concatenate([[inf], np.where(np.isfinite(lo), inf, 0.0),
                             np.where(np.isfinite(hi), inf, 0.0)])
    col_lo = np.concatenate([[-inf], np.zeros(2 * m)])
    h.addVars(1 + 2 * m, col_lo, col_hi)
    h.changeColCost(0, 1.0)
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    h.addRows(k + m, row_lo, row_hi, matrix.nnz, matrix.indptr.astype(np.int32),
              matrix.indices.astype(np.int32), matrix.data.astype(float))
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:  # pragma: no cover
        return center, math.inf  # the box keeps the LP bounded and feasible
    x = np.asarray(h.getSolution().col_value)
    return x[1:1 + m] - x[1 + m:], float(h.getInfo().objective_function_value)


def _repair_cover(relaxation: MinCutRelaxation, point: CutPoint) -> np.ndarray:
    """A cut's selection completed to meet every ``>=`` row and pruned (greedy)."""
    from landsim.optimize.heuristic import greedy_cover

    return greedy_cover(relaxation.cost, relaxation.rows, relaxation.lo, start=point.x,
                        edge_i=relaxation.edge_i, edge_j=relaxation.edge_j,
                        edge_w=relaxation.weight)


def _repair_push(relaxation: MinCutRelaxation, point: CutPoint, steps: np.ndarray,
                 out_of_time: Callable[[], bool]) -> CutPoint | None:
    """Push the multipliers of the rows a cut misses until its selection meets them."""
    lam = point.multipliers.copy()
    current = point
    for attempt in range(_REPAIRS_PER_POINT):
        miss = relaxation.shortfall(current.activity)
        if not miss.any():
            return current
        if out_of_time():
            return None
        below = np.isfinite(relaxation.lo) & (relaxation.lo - current.activity > 0) & (miss > 0)
        push = np.where(below, 1.0, np.where(miss > 0, -1.0, 0.0))
        lam = relaxation.signed(lam + push * np.maximum(np.abs(lam), steps) * 0.01
                                * 2.0**attempt)
        current = relaxation.evaluate(lam)
    return current if not relaxation.shortfall(current.activity).any() else None


def solve_lagrangian(
    relaxation: MinCutRelaxation,
    *,
    deadline: float | None,
    gap: float | None,
    incumbent: float = math.inf,
    on_layout: Callable[[np.ndarray, float], None] | None = None,
    on_bound: Callable[[float], None] | None = None,
    max_cuts: int = 500,
) -> LagrangianResult:
    """Raise the Lagrangian bound and collect layouts until the gap or the deadline.

    Parameters
    ----------
    relaxation : MinCutRelaxation
    deadline : float, optional
        ``time.monotonic()`` value by which to return.
    gap : float, optional
        Stop once ``(best layout - bound) <= gap * |best layout|``. [fraction]
    incumbent : float
        Objective of a layout already known (the heuristic start). [objective units]
    on_layout : callable, optional
        Called with (x, objective) for every better layout meeting the rows.
    on_bound : callable, optional
        Called with every better bound.
    max_cuts : int
        At most this many minimum cuts.

    Returns
    -------
    LagrangianResult
    """
    target_gap = 0.0 if gap is None else float(gap)
    m = relaxation.n_rows
    steps = relaxation.row_scale()
    best_x: np.ndarray | None = None
    best_obj = math.inf
    known = incumbent

    fastest_cut = math.inf  # seconds of the quickest cut so far

    def out_of_time() -> bool:
        return deadline is not None and time.monotonic() >= deadline

    def time_to_finish() -> bool:
        """Only the final repair's reserve is left before the deadline."""
        reserve = FINAL_REPAIR_RESERVE * (fastest_cut if math.isfinite(fastest_cut) else 0.0)
        return deadline is not None and time.monotonic() >= deadline - reserve

    def offer(x: np.ndarray, value: float | None = None) -> None:
        """Keep ``x`` if it meets every row and is better; ``value``: the objective of a
        cut's layout whose rows were already checked (a repaired layout is checked here)."""
        nonlocal best_x, best_obj, known
        if value is None:
            activity = relaxation.rows @ x.astype(float) if m else np.zeros(0)
            if relaxation.shortfall(np.asarray(activity)).any():
                return
            value = relaxation.objective(x)
        if value < best_obj - 1e-12 * max(1.0, abs(value)):
            best_x, best_obj = x.copy(), value
            if value < known:
                known = value
                if on_layout is not None:
                    on_layout(x, value)

    def proved(bound: float) -> bool:
        return math.isfinite(known) and known - bound <= target_gap * max(abs(known), 1e-12)

    def consider(point: CutPoint, near: bool) -> None:
        """Offer a cut's layout; repair it only near the dual optimum (repairs far
        from it cost time and give poor layouts)."""
        if not relaxation.shortfall(point.activity).any():
            offer(point.x, point.objective)
            return
        if not near:
            return
        if relaxation.cover_form:
            offer(_repair_cover(relaxation, point))
        else:
            pushed = _repair_push(relaxation, point, steps, out_of_time)
            if pushed is not None:  # meets every row
                offer(pushed.x, pushed.objective)

    highs = _new_highs() if m else None
    points: list[CutPoint] = []
    best_bound, best_lam = -math.inf, np.zeros(m)
    best_point: CutPoint | None = None

    def cut(lam: np.ndarray) -> CutPoint:
        """Evaluate L at ``lam`` and keep the best bound."""
        nonlocal best_bound, best_lam, best_point, fastest_cut
        began = time.monotonic()
        point = relaxation.evaluate(lam)
        fastest_cut = min(fastest_cut, time.monotonic() - began)
        points.append(point)
        if point.bound > best_bound:
            best_bound, best_lam, best_point = point.bound, lam, point
            if on_bound is not None:
                on_bound(best_bound)
        return point

    center = np.zeros(m)
    point = cut(center)
    consider(point, m == 0)
    radius = steps.copy()
    f_center = point.bound
    converged = m == 0
    while not converged and len(points) < max_cuts and not time_to_finish() \
            and not proved(best_bound):
        lam, predicted = _master(highs, points, center, radius, relaxation.lo, relaxation.hi)
        rise = predicted - f_center
        if rise <= 1e-9 * max(1.0, abs(f_center)):
            converged = True
            break
        point = cut(lam)
        ratio = (point.bound - f_center) / rise
        serious = ratio > 0.1
        if serious:
            center, f_center = lam, point.bound
            if ratio > 0.5:
                radius = radius * 2.0
        else:
            radius = radius * 0.5
        consider(point, serious and predicted - point.bound
                 <= NEAR_DUAL_OPTIMUM * max(abs(point.bound), 1e-12))
    # diversify near the best multipliers while time is left and the gap is open
    rng = np.random.default_rng(0)
    spread = 1e-3
    last = min(max_cuts, len(points) + DIVERSIFY_CUTS)
    while m and not time_to_finish() and not proved(best_bound) and len(points) < last:
        lam = relaxation.signed(best_lam * (1.0 + spread * rng.standard_normal(m)))
        point = cut(lam)
        consider(point, True)
        spread = min(spread * 1.5, 0.05)
    if (best_point is not None and time_to_finish() and not out_of_time()
            and not proved(best_bound)):
        consider(best_point, True)  # stopped by the deadline: repair the best cut's layout
    return LagrangianResult(best_x, best_obj, best_bound, best_lam, len(points), converged)
