r"""Binary-selection MILPs as arrays, solved in-process by HiGHS, CP-SAT or SCIP.

The selection models (Marxan minimum set, PBF layout) can hand the solver layer one
array form instead of a PuLP problem:

.. math::

    \min\ c^\top v + c_0 \quad\text{s.t.}\quad \ell \le A v \le u,\quad 0 \le v \le 1,
    \quad v_k \in \{0, 1\}\ (k < n_\text{binary})

The first ``n_binary`` columns are the unit decisions :math:`x`, the rest the boundary
products :math:`y` (continuous in HiGHS and SCIP, Boolean in CP-SAT: the rows
:math:`y \le x_i, y \le x_j` make both exact). No model file is written and no
subprocess started: the build costs a few array operations and the solver starts at once.

:func:`solve_arrays` runs one solver with a time limit, a relative gap, a start
solution and a progress callback, and returns an :class:`ArraySolution` whose objective
is recomputed from the arrays (never the solver's own figure) and whose trace holds the
incumbent and bound as they improved.

Integer scaling for CP-SAT
--------------------------
CP-SAT solves integer programmes only. The objective is multiplied by
``s = OBJECTIVE_RANGE / sum |c|`` and rounded, so the scaled objective of any selection
differs from ``s`` times the true one by at most ``0.5 * nnz(c)``; the reported bound
subtracts that error (:attr:`ArraySolution.scaling_error`) and stays a valid bound of
the scaled rows. Each constraint row is scaled to ``ROW_RANGE / max |a|``; a ``>=`` row
rounds its coefficients down and its right-hand side up, a ``<=`` row the other way, so
every CP-SAT solution meets the original rows (the rounded rows are a restriction; the
bound is that of the restriction, within ``1 / ROW_RANGE`` of each row). The solution
is checked against the original rows before it is returned.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse

from landsim.errors import InputError, NoSolutionError

__all__ = [
    "ARRAY_SOLVERS",
    "OBJECTIVE_RANGE",
    "ROW_RANGE",
    "ArraySolution",
    "SelectionArrays",
    "STATUS_HEURISTIC",
    "STATUS_HEURISTIC_KEPT",
    "TracePoint",
    "array_status",
    "build_selection_arrays",
    "cpsat_scaling",
    "pick_solver",
    "solve_arrays",
]

ARRAY_SOLVERS: tuple[str, ...] = ("highs", "cpsat", "scip", "lagrangian")
"""Solvers reachable in-process through :func:`solve_arrays`: HiGHS, CP-SAT, SCIP, and the
Lagrangian relaxation by minimum cuts (:mod:`landsim.optimize.lagrangian`), continued by
HiGHS from its layout on problems of up to :data:`LAGRANGIAN_MIP_MAX_UNITS` units."""

LAGRANGIAN_MIP_MAX_UNITS = 20_000
"""``solver="lagrangian"``: after the relaxation, HiGHS's branch and cut continues from the
best layout (the bound kept is the better of the two) on problems of up to this many free
units; above it HiGHS spends the budget before its first node (measured on the 100,000-cell
grids of benchmarks/bench_farmland.py and bench_marxan.py), so the relaxation's own
layouts and bound are returned."""

OBJECTIVE_RANGE = 1e12
"""CP-SAT: the scaled objective coefficients sum to about this (int64 holds 9.2e18)."""

ROW_RANGE = 1e6
"""CP-SAT: the largest coefficient of each scaled constraint row."""

_FEAS_TOL = 1e-6

STATUS_HEURISTIC = "heuristic (no solver time left)"
"""Label of the greedy start returned because the budget left no time for a solver."""

STATUS_HEURISTIC_KEPT = "heuristic (solver found nothing better in time, gap unknown)"
"""Label of the heuristic start returned because the solver neither improved it nor
proved a bound within the budget."""

AUTO_CPSAT_MAX_UNITS = 100
"""``solver="auto"``: up to this many units CP-SAT, above it the Lagrangian relaxation
(continued by HiGHS up to :data:`LAGRANGIAN_MIP_MAX_UNITS` units).

Measured (benchmarks/bench_scorecard.py, bench_marxan.py, bench_farmland.py; 2 shared
cores): on a 49-unit grid with a boundary CP-SAT proves the optimum in 0.24 s, HiGHS in
2.1 s. On Tasmania (1,751 units, BLM 1) the relaxation gives 1.0005e8 with a bound
0.3 % below it in 0.3 s, where the greedy start is 1.0077e8 and HiGHS alone needs 5 s
to pass 1.0e8; HiGHS then continues from that layout. On the all-eligible 100,000-cell
PBF grid and the 100,000-hexagon Marxan grid the relaxation proves 0.03 % and 0.4 %
within seconds, where HiGHS and CP-SAT alone did not improve the greedy start in 60 s."""


def pick_solver(solver: object, n_units: int, n_edges: int = 0) -> object:
    """Resolve ``"auto"`` (or None) to a solver name by problem size and shape.

    CP-SAT for tiny problems (<= :data:`AUTO_CPSAT_MAX_UNITS` units), the Lagrangian
    relaxation by minimum cuts (HiGHS continuing on mid-sized problems) for everything
    larger, whether or not a boundary term (``n_edges``) is present. Other values pass
    through unchanged (names are checked by the caller).

    >>> pick_solver("auto", 1751, 4000), pick_solver(None, 40, 60)
    ('lagrangian', 'cpsat')
    >>> pick_solver("cbc", 10)
    'cbc'
    """
    if solver is None or (isinstance(solver, str) and solver.strip().lower() == "auto"):
        return "cpsat" if n_units <= AUTO_CPSAT_MAX_UNITS else "lagrangian"
    if isinstance(solver, str):
        return solver.strip().lower()
    return solver


def array_status(solved: ArraySolution, gap: float | None, limit: float | None) -> str:
    """The status label of an :class:`ArraySolution` (the vocabulary of
    :mod:`landsim.optimize.solvers`; never "optimal" unless proved)."""
    from landsim.optimize.solvers import STATUS_STOPPED, STATUS_TIME_LIMIT, optimal_status

    if solved.solver == "heuristic":
        return STATUS_HEURISTIC
    if solved.from_start and not solved.proven and solved.bound is None:
        return STATUS_HEURISTIC_KEPT
    if solved.proven:
        return optimal_status(gap)
    return STATUS_TIME_LIMIT if limit is not None else STATUS_STOPPED


@dataclass(frozen=True)
class SelectionArrays:
    """``min cost @ v + constant`` s.t. ``row_lo <= matrix @ v <= row_hi``, ``0 <= v <= 1``.

    Attributes
    ----------
    cost : numpy.ndarray of float
        Objective coefficient per column. [objective units]
    matrix : scipy.sparse.csr_array
        Constraint rows.
    row_lo, row_hi : numpy.ndarray of float
        Row bounds (``-inf`` / ``inf`` for none).
    n_binary : int
        The first ``n_binary`` columns are binary, the rest continuous in [0, 1].
    constant : float
        Constant of the objective. [objective units]
    """

    cost: np.ndarray
    matrix: sparse.csr_array
    row_lo: np.ndarray
    row_hi: np.ndarray
    n_binary: int
    constant: float = 0.0

    @property
    def n_columns(self) -> int:
        """Number of columns."""
        return len(self.cost)

    def objective(self, values: np.ndarray) -> float:
        """The objective of a column vector. [objective units]"""
        return float(self.cost @ np.asarray(values, dtype=float) + self.constant)

    def violation(self, values: np.ndarray) -> float:
        """Largest row violation of a column vector (0 when every row holds)."""
        if not self.matrix.shape[0]:
            return 0.0
        act = self.matrix @ np.asarray(values, dtype=float)
        scale = np.maximum(1.0, np.maximum(np.abs(np.where(np.isfinite(self.row_lo),
                                                           self.row_lo, 0.0)),
                                           np.abs(np.where(np.isfinite(self.row_hi),
                                                           self.row_hi, 0.0))))
        low = np.where(np.isfinite(self.row_lo), (self.row_lo - act) / scale, 0.0)
        high = np.where(np.isfinite(self.row_hi), (act - self.row_hi) / scale, 0.0)
        return float(max(0.0, low.max(initial=0.0), high.max(initial=0.0)))

    def completed(self, x: np.ndarray) -> np.ndarray:
        """Columns from the binary part: each product column ``y`` set to its optimum.

        Every column after ``n_binary`` has rows ``y - x_i <= 0`` and ``y - x_j <= 0``
        and a cost <= 0, so its best value is ``min`` of the binaries it is bound to.
        """
        x = np.asarray(x, dtype=float)
        values = np.zeros(self.n_columns)
        values[:self.n_binary] = x
        if self.n_columns > self.n_binary:
            tail = self.matrix[:, self.n_binary:].tocsc()
            rows_with_y = tail.indices
            y_of_row = np.repeat(np.arange(tail.shape[1]), np.diff(tail.indptr))
            head = self.matrix[rows_with_y][:, :self.n_binary]
            # each y row holds one x with coefficient -1: its value bounds y from above
            x_of_row = np.asarray(abs(head) @ x).ravel()
            y = np.ones(tail.shape[1])
            np.minimum.at(y, y_of_row, x_of_row)
            values[self.n_binary:] = y
        return values


def build_selection_arrays(
    fixed: np.ndarray,
    coef: np.ndarray,
    constant: float,
    terms: Any,
    edge_i: np.ndarray,
    edge_j: np.ndarray,
    rows: sparse.sparray | sparse.spmatrix,
    row_lo: np.ndarray,
    row_hi: np.ndarray,
) -> SelectionArrays:
    """The arrays of a binary selection over all units, fixed units folded in.

    Parameters
    ----------
    fixed : array of int8
        -1 free, 0 fixed out, 1 fixed in (:func:`landsim.optimize.selection.fixed_values`).
    coef : array of float
        Objective coefficient per unit (all units; boundary terms included).
    constant : float
        Objective constant besides the fixed units' coefficients.
    terms : BoundaryTerms
        From :func:`landsim.optimize.selection.boundary_terms` (its product columns).
    edge_i, edge_j : array of int
        The edges ``terms`` was built from.
    rows : sparse array, shape (m, units)
        Constraint rows over all units; the fixed-in units' part moves to the bounds.
    row_lo, row_hi : array of float
        Bounds of the rows (``-inf`` / ``inf`` for none).
    """
    fixed = np.asarray(fixed)
    free = np.flatnonzero(fixed < 0)
    slot = np.full(len(fixed), -1, dtype=np.int64)
    slot[free] = np.arange(len(free))
    nf, ny = len(free), len(terms.pair_edges)
    rows = sparse.csr_array(rows)
    shift = np.asarray(rows @ (fixed == 1).astype(float)).ravel()
    head = sparse.hstack([rows[:, free], sparse.csr_array((rows.shape[0], ny))],
                         format="csr")
    yk = np.arange(ny)
    pi, pj = slot[edge_i[terms.pair_edges]], slot[edge_j[terms.pair_edges]]
    r = np.concatenate([yk, yk, ny + yk, ny + yk])
    c = np.concatenate([nf + yk, pi, nf + yk, pj])
    v = np.concatenate([np.ones(ny), -np.ones(ny), np.ones(ny), -np.ones(ny)])
    tail = sparse.csr_array((v, (r, c)), shape=(2 * ny, nf + ny))
    return SelectionArrays(
        cost=np.concatenate([np.asarray(coef, dtype=float)[free], terms.pair_coef]),
        matrix=sparse.csr_array(sparse.vstack([head, tail], format="csr")),
        row_lo=np.concatenate([np.asarray(row_lo, dtype=float) - shift,
                               np.full(2 * ny, -np.inf)]),
        row_hi=np.concatenate([np.asarray(row_hi, dtype=float) - shift, np.zeros(2 * ny)]),
        n_binary=nf, constant=float(constant + np.asarray(coef)[fixed == 1].sum()))


@dataclass(frozen=True)
class TracePoint:
    """One improvement of the incumbent or the bound during a solve."""

    seconds: float
    incumbent: float | None
    bound: float | None

    def as_dict(self) -> dict[str, float | None]:
        """The point as a JSON-ready mapping (seconds since the solve started)."""
        return {"seconds": round(self.seconds, 4), "incumbent": self.incumbent,
                "bound": self.bound}


@dataclass(frozen=True)
class ArraySolution:
    """What :func:`solve_arrays` returned.

    Attributes
    ----------
    values : numpy.ndarray of float
        The columns of the best solution (the start when the solver found none better).
    objective : float
        Recomputed from the arrays. [objective units]
    bound : float or None
        Proved lower bound (``None`` when unknown). [objective units]
    proven : bool
        The solver stopped because the requested gap (or optimality) was proved.
    solver : str
        ``"highs"``, ``"cpsat"``, ``"scip"`` or ``"heuristic"`` (no solver time left).
    seconds : float
        Wall time of build plus solve. [s]
    trace : tuple of TracePoint
        Incumbent and bound as they improved.
    scaling_error : float
        CP-SAT: largest difference between the scaled objective / scale and the true
        objective; 0 for the other solvers. [objective units]
    from_start : bool
        The returned solution is the start handed in (the solver found nothing better).
    """

    values: np.ndarray
    objective: float
    bound: float | None
    proven: bool
    solver: str
    seconds: float
    trace: tuple[TracePoint, ...] = field(default_factory=tuple)
    scaling_error: float = 0.0
    from_start: bool = False


Progress = Callable[[float, float | None, float | None], None]
"""Called with (seconds, incumbent, bound) when either improves."""


class _Tracker:
    """Collects the trace and forwards improvements to the progress callback."""

    def __init__(self, progress: Progress | None, shift: float = 0.0,
                 scale: float = 1.0) -> None:
        self.progress = progress
        self.start = time.monotonic()
        self.shift, self.scale = shift, scale
        self.points: list[TracePoint] = []
        self.incumbent: float | None = None
        self.bound: float | None = None

    def update(self, incumbent: float | None, bound: float | None) -> None:
        inc = None if incumbent is None or not math.isfinite(incumbent) else (
            incumbent / self.scale + self.shift)
        bnd = None if bound is None or not math.isfinite(bound) else (
            bound / self.scale + self.shift)
        better_inc = inc is not None and (self.incumbent is None or inc < self.incumbent - 1e-9
                                          * max(1.0, abs(inc)))
        better_bnd = bnd is not None and (self.bound is None or bnd > self.bound + 1e-4
                                          * max(1.0, abs(bnd)))
        if not (better_inc or better_bnd):
            return
        if better_inc:
            self.incumbent = inc
        if better_bnd:
            self.bound = bnd
        point = TracePoint(time.monotonic() - self.start, self.incumbent, self.bound)
        self.points.append(point)
        if self.progress is not None:
            self.progress(point.seconds, point.incumbent, point.bound)


def _time_left(deadline: float | None, time_limit: float | None) -> float | None:
    left = None if deadline is None else deadline - time.monotonic()
    if time_limit is not None:
        left = time_limit if left is None else min(left, time_limit)
    return left


def solve_arrays(
    arrays: SelectionArrays,
    solver: str = "highs",
    *,
    time_limit: float | None = None,
    deadline: float | None = None,
    gap: float | None = None,
    threads: int | None = None,
    start: np.ndarray | None = None,
    progress: Progress | None = None,
    msg: bool = False,
) -> ArraySolution:
    """Solve a :class:`SelectionArrays` in-process.

    Parameters
    ----------
    arrays : SelectionArrays
    solver : {"highs", "cpsat", "scip"}
    time_limit : float, optional
        Solver time limit. [s]
    deadline : float, optional
        ``time.monotonic()`` value by which the call must return (a command's wall-clock
        budget); the tighter of the two limits applies.
    gap : float, optional
        Relative gap at which to stop. [fraction]
    threads : int, optional
        Solver threads (CP-SAT workers). [count]
    start : array of float, optional
        A feasible start (all columns); returned as it is when no solver time is left
        and used as the incumbent to beat.
    progress : callable, optional
        Called with (seconds, incumbent, bound) as either improves.
    msg : bool
        Show the solver log.

    Returns
    -------
    ArraySolution

    Raises
    ------
    NoSolutionError
        No start and the solver found no feasible solution in time.
    InputError
        Unknown solver name.
    """
    if solver not in ARRAY_SOLVERS:
        msg_ = f"unknown in-process solver {solver!r}; use one of {', '.join(ARRAY_SOLVERS)}"
        raise InputError(msg_)
    begin = time.monotonic()
    if time_limit is not None:  # the limit covers the solver's model build as well
        end = begin + float(time_limit)
        deadline = end if deadline is None else min(deadline, end)
        time_limit = None
    if start is not None:
        start = np.asarray(start, dtype=float)
        if arrays.violation(start) > _FEAS_TOL:
            start = None
    left = _time_left(deadline, time_limit)
    if start is not None and left is not None and left <= 0.02:
        if progress is not None:
            progress(0.0, arrays.objective(start), None)
        return ArraySolution(start, arrays.objective(start), None, False, "heuristic",
                             time.monotonic() - begin, from_start=True)
    if arrays.n_columns == 0:
        zero = np.zeros(0)
        return ArraySolution(zero, arrays.constant, arrays.constant, True, solver,
                             0.0)
    run = {"highs": _solve_highs, "cpsat": _solve_cpsat, "scip": _solve_scip,
           "lagrangian": _solve_lagrangian}[solver]
    values, bound, proven, tracker, scaling_error = run(
        arrays, deadline, time_limit, gap, threads, start, progress, msg)
    from_start = False
    if values is None or arrays.violation(values) > _FEAS_TOL:
        if start is None:
            raise NoSolutionError(
                f"{solver} found no feasible solution within the time limit; raise the "
                "time limit or try another solver")
        values, from_start = start, True
    values = np.asarray(values, dtype=float).copy()
    values[:arrays.n_binary] = np.round(values[:arrays.n_binary])
    values = arrays.completed(values[:arrays.n_binary])
    objective = arrays.objective(values)
    if start is not None and arrays.objective(start) < objective - 1e-9 * max(1, abs(objective)):
        values, objective, from_start = start, arrays.objective(start), True
    if bound is not None:
        bound = min(bound, objective)
    return ArraySolution(values, objective, bound, proven, solver,
                         time.monotonic() - begin, tuple(tracker.points), scaling_error,
                         from_start)


# --------------------------------------------------------------------------------------
# HiGHS
# --------------------------------------------------------------------------------------
GRACE_S = 1.0
"""How long past its limit a solver may run before its result is given up. [s]"""


def _run_within(run: Callable[[], Any], deadline: float | None,
                time_limit: float | None) -> bool:
    """Run ``run()`` (which releases the GIL) in a daemon thread; False when it has not
    returned :data:`GRACE_S` after the limit (it is then abandoned, still running)."""
    left = _time_left(deadline, time_limit)
    if left is None:
        run()
        return True
    worker = threading.Thread(target=run, name="landsim-solver", daemon=True)
    worker.start()
    worker.join(max(0.0, left) + GRACE_S)
    return not worker.is_alive()


def _solve_highs(arrays: SelectionArrays, deadline: float | None, time_limit: float | None,
                 gap: float | None, threads: int | None, start: np.ndarray | None,
                 progress: Progress | None, msg: bool, *, tracker: _Tracker | None = None,
                 known_bound: float | None = None):
    """HiGHS branch and cut; ``known_bound`` (a proved bound from elsewhere, objective
    units) stops it once its incumbent is within ``gap`` of that bound."""
    import highspy

    from landsim.optimize.solvers import _stdout_fd_silenced

    with _stdout_fd_silenced(not msg):
        h = highspy.Highs()
    h.setOptionValue("output_flag", bool(msg))
    left = _time_left(deadline, time_limit)
    if left is not None:
        h.setOptionValue("time_limit", max(0.01, left))
    if gap is not None:
        h.setOptionValue("mip_rel_gap", float(gap))
    if threads is not None:
        h.setOptionValue("threads", int(threads))
    n = arrays.n_columns
    inf = highspy.kHighsInf
    h.addVars(n, np.zeros(n), np.ones(n))
    cols = np.arange(n, dtype=np.int32)
    h.changeColsCost(n, cols, arrays.cost.astype(float))
    kinds = np.array([highspy.HighsVarType.kInteger] * arrays.n_binary
                     + [highspy.HighsVarType.kContinuous] * (n - arrays.n_binary))
    h.changeColsIntegrality(n, cols, kinds)
    m = arrays.matrix.tocsr()
    if m.shape[0]:
        h.addRows(m.shape[0], np.where(np.isfinite(arrays.row_lo), arrays.row_lo, -inf),
                  np.where(np.isfinite(arrays.row_hi), arrays.row_hi, inf), m.nnz,
                  m.indptr.astype(np.int32), m.indices.astype(np.int32),
                  m.data.astype(float))
    tracker = _Tracker(progress, shift=arrays.constant) if tracker is None else tracker
    if start is not None:
        solution = highspy.HighsSolution()
        solution.col_value = start.tolist()
        h.setSolution(solution)
        tracker.update(float(arrays.cost @ start), None)

    def improving(event) -> None:
        tracker.update(event.data_out.objective_function_value, event.data_out.mip_dual_bound)

    def interrupt(event) -> None:
        tracker.update(None, event.data_out.mip_dual_bound)
        if deadline is not None and time.monotonic() >= deadline:
            event.data_in.user_interrupt = True
        if (known_bound is not None and tracker.incumbent is not None
                and tracker.incumbent - known_bound
                <= (gap or 0.0) * max(abs(tracker.incumbent), 1e-12)):
            event.data_in.user_interrupt = True

    def lp_interrupt(event) -> None:
        if deadline is not None and time.monotonic() >= deadline:
            event.data_in.user_interrupt = True

    h.cbMipImprovingSolution.subscribe(improving)
    h.cbMipInterrupt.subscribe(interrupt)
    h.cbSimplexInterrupt.subscribe(lp_interrupt)
    h.cbIpmInterrupt.subscribe(lp_interrupt)
    if not _run_within(h.run, deadline, time_limit):
        # HiGHS 1.16 checks neither its time limit nor the callbacks while it sets up the
        # clique table of large boundary models (more than 480 s on a 100,000-cell grid
        # with a 60 s limit): the run is left to finish in its daemon thread and the start
        # (the heuristic) is returned, so the command keeps its wall-clock budget
        return None, None, False, tracker, 0.0
    info = h.getInfo()
    status = h.getModelStatus()
    proven = status == highspy.HighsModelStatus.kOptimal
    bound = float(info.mip_dual_bound)
    bound = bound + arrays.constant if math.isfinite(bound) else None
    values = None
    if info.primal_solution_status == 2:  # kSolutionStatusFeasible
        values = np.asarray(h.getSolution().col_value, dtype=float)
    tracker.update(None if values is None else float(arrays.cost @ values),
                   None if bound is None else bound - arrays.constant)
    return values, bound, proven, tracker, 0.0


# --------------------------------------------------------------------------------------
# Lagrangian relaxation by minimum cuts (then HiGHS on mid-sized problems)
# --------------------------------------------------------------------------------------
def _solve_lagrangian(arrays: SelectionArrays, deadline: float | None,
                      time_limit: float | None, gap: float | None, threads: int | None,
                      start: np.ndarray | None, progress: Progress | None, msg: bool):
    from landsim.optimize.lagrangian import MinCutRelaxation, solve_lagrangian

    shift = arrays.constant
    tracker = _Tracker(progress, shift=shift)
    left = _time_left(deadline, time_limit)
    if left is not None:
        end = time.monotonic() + left
        deadline = end if deadline is None else min(deadline, end)
    best = None if start is None else np.asarray(start, dtype=float)
    best_obj = math.inf if best is None else arrays.objective(best)
    if best is not None:
        tracker.update(best_obj - shift, None)
    relaxation = MinCutRelaxation(arrays)
    found = solve_lagrangian(
        relaxation, deadline=deadline, gap=gap, incumbent=best_obj,
        on_layout=lambda _x, value: tracker.update(value - shift, None),
        on_bound=lambda value: tracker.update(None, value - shift))
    bound = found.bound if math.isfinite(found.bound) else None
    if found.x is not None and found.objective < best_obj:
        best, best_obj = arrays.completed(found.x.astype(float)), found.objective

    def proved() -> bool:
        return (bound is not None and math.isfinite(best_obj)
                and best_obj - bound <= (gap or 0.0) * max(abs(best_obj), 1e-12))

    left = _time_left(deadline, None)
    if (not proved() and arrays.n_binary <= LAGRANGIAN_MIP_MAX_UNITS
            and (left is None or left > 0.05)):
        values, highs_bound, _, _, _ = _solve_highs(
            arrays, deadline, None, gap, threads, best, progress, msg, tracker=tracker,
            known_bound=bound)
        if highs_bound is not None:
            bound = highs_bound if bound is None else max(bound, highs_bound)
        if values is not None and arrays.violation(values) <= _FEAS_TOL:
            values = arrays.completed(np.round(values[:arrays.n_binary]))
            if arrays.objective(values) < best_obj:
                best, best_obj = values, arrays.objective(values)
    if msg:
        print(f"lagrangian: {found.cuts} minimum cuts, bound {found.bound:.6g}, "
              f"{'converged' if found.converged else 'stopped'}")
    return best, bound, proved(), tracker, 0.0


# --------------------------------------------------------------------------------------
# CP-SAT
# --------------------------------------------------------------------------------------
def cpsat_scaling(arrays: SelectionArrays) -> tuple[float, np.ndarray, float]:
    """Objective scale, integer objective coefficients and the largest rounding error.

    Returns
    -------
    scale : float
        Factor applied to the objective before rounding.
    coef : numpy.ndarray of int64
        ``round(cost * scale)``.
    error : float
        Largest ``|coef @ v / scale - cost @ v|`` over 0/1 vectors ``v``: the sum of the
        rounding errors over the columns. [objective units]
    """
    total = float(np.abs(arrays.cost).sum())
    scale = OBJECTIVE_RANGE / total if total > 0 else 1.0
    coef = np.round(arrays.cost * scale).astype(np.int64)
    error = float(np.abs(coef - arrays.cost * scale).sum() / scale)
    return scale, coef, error


def _integer_rows(arrays: SelectionArrays):
    """Each row scaled and rounded so that every integer solution meets the original."""
    m = arrays.matrix.tocsr()
    for r in range(m.shape[0]):
        lo, hi = m.indptr[r], m.indptr[r + 1]
        cols, vals = m.indices[lo:hi], m.data[lo:hi]
        top = float(np.abs(vals).max()) if len(vals) else 1.0
        s = ROW_RANGE / top if top > 0 else 1.0
        if np.all(vals == np.round(vals)) and all(
                not math.isfinite(b) or b == round(b) for b in (arrays.row_lo[r],
                                                                 arrays.row_hi[r])):
            s = 1.0  # an integer row stays as it is
        yield cols, vals * s, arrays.row_lo[r] * s, arrays.row_hi[r] * s


def _solve_cpsat(arrays: SelectionArrays, deadline: float | None, time_limit: float | None,
                 gap: float | None, threads: int | None, start: np.ndarray | None,
                 progress: Progress | None, msg: bool):
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    n = arrays.n_columns
    v = [model.new_bool_var(f"v{k}") for k in range(n)]
    for cols, vals, lo, hi in _integer_rows(arrays):
        if len(cols) == 2 and lo == -math.inf and hi == 0 and vals.min() < 0 < vals.max():
            # y - x <= 0: y implies x
            pos, neg = (cols[0], cols[1]) if vals[0] > 0 else (cols[1], cols[0])
            model.add_implication(v[pos], v[neg])
            continue
        if math.isfinite(lo):  # row >= lo: coefficients down, bound up
            model.add(cp_model.LinearExpr.weighted_sum(
                [v[c] for c in cols.tolist()], np.floor(vals).astype(np.int64).tolist())
                >= math.ceil(lo - 1e-9))
        if math.isfinite(hi):  # row <= hi: coefficients up, bound down
            model.add(cp_model.LinearExpr.weighted_sum(
                [v[c] for c in cols.tolist()], np.ceil(vals).astype(np.int64).tolist())
                <= math.floor(hi + 1e-9))
    scale, coef, error = cpsat_scaling(arrays)
    nz = np.flatnonzero(coef)
    model.minimize(cp_model.LinearExpr.weighted_sum([v[k] for k in nz.tolist()],
                                                    coef[nz].tolist()))
    if start is not None:
        for k in range(n):
            model.add_hint(v[k], bool(start[k] > 0.5))
    solver = cp_model.CpSolver()
    left = _time_left(deadline, time_limit)
    if left is not None and left <= 0.02 and start is not None:
        return None, None, False, _Tracker(progress, shift=arrays.constant), 0.0
    if left is not None:
        solver.parameters.max_time_in_seconds = max(0.01, left)
    if gap is not None:
        solver.parameters.relative_gap_limit = float(gap)
    # measured (tests' 144-unit grid, Tasmania): with 2-7 workers CP-SAT's portfolio
    # runs no LP-based worker and its bound stays far below the optimum; one worker with
    # the full linearisation proves the grid in about 1 s, 8 workers come second
    solver.parameters.num_workers = int(threads) if threads else 1
    solver.parameters.linearization_level = 2
    solver.parameters.log_search_progress = bool(msg)
    tracker = _Tracker(progress, shift=arrays.constant, scale=scale)

    class _Callback(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            tracker.update(self.objective_value, self.best_objective_bound)
            if deadline is not None and time.monotonic() >= deadline:
                self.stop_search()

    status = solver.solve(model, _Callback())
    values = None
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        values = np.array([solver.boolean_value(x) for x in v], dtype=float)
    bound_scaled = solver.best_objective_bound
    bound = (bound_scaled / scale - error + arrays.constant
             if math.isfinite(bound_scaled) else None)
    tracker.update(None, None if bound is None else (bound - arrays.constant) * scale)
    return values, bound, status == cp_model.OPTIMAL, tracker, error


# --------------------------------------------------------------------------------------
# SCIP
# --------------------------------------------------------------------------------------
def _solve_scip(arrays: SelectionArrays, deadline: float | None, time_limit: float | None,
                gap: float | None, threads: int | None, start: np.ndarray | None,
                progress: Progress | None, msg: bool):
    import pyscipopt

    model = pyscipopt.Model()
    if not msg:
        model.hideOutput()
    n = arrays.n_columns
    v = [model.addVar(f"v{k}", vtype="B" if k < arrays.n_binary else "C", lb=0, ub=1,
                      obj=float(arrays.cost[k])) for k in range(n)]
    m = arrays.matrix.tocsr()
    for r in range(m.shape[0]):
        lo, hi = m.indptr[r], m.indptr[r + 1]
        expr = pyscipopt.quicksum(float(a) * v[c] for c, a in
                                  zip(m.indices[lo:hi].tolist(), m.data[lo:hi].tolist(),
                                      strict=True))
        rlo, rhi = arrays.row_lo[r], arrays.row_hi[r]
        if math.isfinite(rlo):
            model.addCons(expr >= rlo)
        if math.isfinite(rhi):
            model.addCons(expr <= rhi)
    left = _time_left(deadline, time_limit)
    if left is not None and left <= 0.02 and start is not None:
        return None, None, False, _Tracker(progress, shift=arrays.constant), 0.0
    if left is not None:
        model.setParam("limits/time", max(0.01, left))
    if gap is not None:
        model.setParam("limits/gap", float(gap))
    tracker = _Tracker(progress, shift=arrays.constant)
    if start is not None:
        sol = model.createSol()
        for k in range(n):
            model.setSolVal(sol, v[k], float(start[k]))
        model.addSol(sol)
        tracker.update(float(arrays.cost @ start), None)
    model.optimize()
    values = None
    if model.getNSols() > 0:
        best = model.getBestSol()
        values = np.array([model.getSolVal(best, x) for x in v], dtype=float)
    bound = float(model.getDualbound())
    # SCIP reports "no bound" as its infinity, 1e20
    bound = bound + arrays.constant if abs(bound) < model.infinity() else None
    tracker.update(None if values is None else float(arrays.cost @ values),
                   None if bound is None else bound - arrays.constant)
    return values, bound, model.getStatus() in ("optimal", "gaplimit"), tracker, 0.0
