r"""Solver choice, options, solving, status and report: written once for every model.

Every optimisation model of landsim (the PBF layout MILP, the exact Marxan minimum set,
the topsoil transport LP) hands its PuLP problem to :func:`solve_problem`, which

1. validates the options (:class:`SolverOptions`; time limit > 0 and finite, relative
   gap 0 <= gap < 1, threads >= 1) and the solver name (:func:`check_solver_name`);
2. builds the PuLP solver object (:func:`make_solver`: CBC through ``COIN_CMD`` with the
   binary bundled with PuLP, or HiGHS through ``highspy``), logs off by default;
3. optionally hands CBC a start solution and, when CBC crashes while reading it, retries
   once without the start;
4. maps PuLP's two status codes onto one label (:func:`status_label`): a time-limited
   incumbent is never ``"optimal"``;
5. tells a proven infeasible model (:class:`~landsim.errors.InfeasibleError`) from a
   solver that stopped before finding any solution
   (:class:`~landsim.errors.NoSolutionError`);
6. reads the best bound the solver proved and reports the relative gap from it, or
   ``None`` when the solver reports no bound (a gap is never invented).

The result is a frozen :class:`SolveReport`.

Status labels
-------------
=================================  ===================================================
``"optimal"``                      proven optimal (within the solver's default
                                   tolerance when no gap was requested)
``"optimal (relative gap <= g)"``  stopped at the requested relative gap ``g``
``"feasible (time limit)"``        the time limit stopped the solver at an incumbent
``"feasible (stopped early)"``     another limit (e.g. CBC ``maxNodes``) stopped it
=================================  ===================================================

Examples
--------
A set cover: unit 1 covers both features at cost 3.

>>> import pulp
>>> problem = pulp.LpProblem("cover", pulp.LpMinimize)
>>> x = [problem.add_variable(f"x{k}", cat=pulp.LpBinary) for k in range(3)]
>>> problem.setObjective(pulp.lpSum([4 * x[0], 3 * x[1], 2 * x[2]]))
>>> problem.addConstraint(x[0] + x[1] >= 1, "feature_a")
>>> problem.addConstraint(x[1] + x[2] >= 1, "feature_b")
>>> report = solve_problem(problem, "cbc", SolverOptions(time_limit=10))
>>> report.status, report.objective, report.gap, report.bound_source
('optimal', 3.0, 0.0, 'optimality proof')
>>> SolverOptions(gap=1.5)
Traceback (most recent call last):
...
landsim.errors.InputError: gap must be a relative gap with 0 <= gap < 1 [fraction], got 1.5; give e.g. gap=0.01 (1 %) or gap=None for the solver's default
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

from landsim.errors import InfeasibleError, InputError, NoSolutionError
from landsim.optimize.defaults import DEFAULT_SOLVER, PULP_SOLVERS, SOLVERS

if TYPE_CHECKING:
    import pulp  # imported where a PuLP problem is solved: the array solvers need none

__all__ = [
    "DEFAULT_SOLVER",
    "SOLVERS",
    "STATUS_OPTIMAL",
    "STATUS_STOPPED",
    "STATUS_TIME_LIMIT",
    "SolveReport",
    "SolverOptions",
    "cbc_available",
    "cbc_path",
    "check_gap",
    "check_solver_name",
    "check_threads",
    "check_time_limit",
    "default_solver_name",
    "highs_available",
    "is_optimal_status",
    "make_solver",
    "no_solution_error",
    "optimal_status",
    "raise_if_unsolved",
    "relative_gap",
    "scipy_status",
    "solve_problem",
    "status_label",
]

logger = logging.getLogger(__name__)

STATUS_OPTIMAL = "optimal"
"""Label of a proven optimum (no relative gap requested)."""
STATUS_TIME_LIMIT = "feasible (time limit)"
"""Label of an incumbent returned because the time limit passed (never optimal)."""
STATUS_STOPPED = "feasible (stopped early)"
"""Label of an incumbent returned because another limit (nodes, iterations) stopped the
solver (never optimal)."""

BoundSource = Literal["solver", "optimality proof", "unknown"]
"""Where :attr:`SolveReport.bound` comes from."""


# --------------------------------------------------------------------------------------
# Validation of options
# --------------------------------------------------------------------------------------
def check_time_limit(value: float | None, name: str = "time_limit") -> float | None:
    """A solver time limit: ``None`` (no limit) or a finite number > 0. [s]

    Parameters
    ----------
    value : float or None
        The time limit. [s]
    name : str
        How the caller calls the option (``"time_limit"``, ``"--time-limit"``).

    Returns
    -------
    float or None

    Raises
    ------
    InputError
        Not a number, not finite or not > 0.

    Examples
    --------
    >>> check_time_limit(60)
    60.0
    >>> check_time_limit(0)
    Traceback (most recent call last):
    ...
    landsim.errors.InputError: time_limit must be a finite number > 0 [s], got 0; give e.g. time_limit=60 or None for no limit
    """
    return _checked_number(value, name, lambda t: math.isfinite(t) and t > 0,
                           "a finite number > 0 [s]", f"{name}=60 or None for no limit")


def check_gap(value: float | None, name: str = "gap") -> float | None:
    """A relative optimality gap [fraction]: ``None`` (the solver's default) or a number
    with 0 <= gap < 1; ``name`` is how the caller calls the option. Raises
    :class:`InputError` otherwise."""
    return _checked_number(value, name, lambda g: 0.0 <= g < 1.0,
                           "a relative gap with 0 <= gap < 1 [fraction]",
                           f"{name}=0.01 (1 %) or {name}=None for the solver's default")


def _checked_number(value: Any, name: str, ok: Callable[[float], bool], rule: str,
                    example: str) -> float | None:
    """``None``, or ``value`` as a float when ``ok``; else InputError naming rule and fix."""
    if value is None:
        return None
    number = _as_float(value)
    if number is None or not ok(number):
        msg = f"{name} must be {rule}, got {value!r}; give e.g. {example}"
        raise InputError(msg)
    return number


def check_threads(value: int | None, name: str = "threads") -> int | None:
    """Number of solver threads: ``None`` (the solver's default) or a whole number >= 1.

    Raises
    ------
    InputError
        Not a whole number >= 1.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        msg = f"{name} must be a whole number >= 1, got {value!r}; give e.g. {name}=2"
        raise InputError(msg)
    return value


def check_solver_name(solver: str | None) -> str:
    """The lower-case name of a known solver; ``None`` picks :func:`default_solver_name`.

    Raises
    ------
    InputError
        The name is not one of :data:`SOLVERS`; the message lists the valid names.

    Examples
    --------
    >>> check_solver_name("HiGHS")
    'highs'
    >>> check_solver_name("gurobi")
    Traceback (most recent call last):
    ...
    landsim.errors.InputError: unknown solver 'gurobi'; use 'auto', 'cbc', 'highs', 'cpsat', 'scip', 'lagrangian' or a pulp.LpSolver object
    """
    if solver is None:
        return default_solver_name()
    name = str(solver).strip().lower()
    if name not in SOLVERS:
        valid = ", ".join(f"{s!r}" for s in SOLVERS)
        msg = f"unknown solver {solver!r}; use {valid} or a pulp.LpSolver object"
        raise InputError(msg)
    return name


def _pulp_solver_name(name: str) -> str:
    """A solver of the PuLP models: "auto" is HiGHS when installed, else CBC.

    Raises
    ------
    InputError
        ``"cpsat"``, ``"scip"`` or ``"lagrangian"``: they take the binary-selection arrays
        (:mod:`landsim.optimize.milp`), not a PuLP problem.
    """
    if name == "auto":
        return "highs" if highs_available() else "cbc"
    if name not in PULP_SOLVERS:
        msg = (f"solver {name!r} solves the binary-selection models (farmland marxan) "
               "in-process; this model is built through PuLP: use 'auto', 'cbc' or 'highs'")
        raise InputError(msg)
    return name


def _as_float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class SolverOptions:
    """Options of one solver run, validated when built.

    Parameters
    ----------
    time_limit : float or None
        Wall-time limit of the solver; ``None`` for none. [s]
    gap : float or None
        Relative optimality gap at which the solver may stop, 0 <= gap < 1; ``None``
        keeps the solver's default (CBC: 0, HiGHS: 1e-4). [fraction]
    threads : int or None
        Number of solver threads; ``None`` for the solver's default. [count]
    msg : bool
        Show the solver log (off by default so notebook output stays stable; CBC then
        reports no best bound).
    warm_start : bool
        Hand the solver the start solution of the model (CBC only; see
        :func:`solve_problem`).
    extra : Mapping[str, Any]
        Further keyword arguments of the PuLP solver class, e.g. ``maxNodes`` (CBC) or
        any HiGHS option such as ``mip_lp_solver="ipm"``.
    """

    time_limit: float | None = None
    gap: float | None = None
    threads: int | None = None
    msg: bool = False
    warm_start: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "time_limit", check_time_limit(self.time_limit))
        object.__setattr__(self, "gap", check_gap(self.gap))
        object.__setattr__(self, "threads", check_threads(self.threads))
        object.__setattr__(self, "msg", bool(self.msg))
        object.__setattr__(self, "warm_start", bool(self.warm_start))
        extra = dict(self.extra)
        clash = sorted(set(extra) & {"timeLimit", "gapRel", "warmStart", "path", "logPath",
                                     "msg", "threads"})
        if clash:
            msg = (f"solver option(s) {', '.join(clash)} are set by landsim; use the fields "
                   "time_limit, gap, threads, msg and warm_start instead")
            raise InputError(msg)
        object.__setattr__(self, "extra", MappingProxyType(dict(sorted(extra.items()))))

    @classmethod
    def from_kwargs(cls, *, time_limit: float | None = None, gap: float | None = None,
                    warm_start: bool = False, **solver_options: Any) -> SolverOptions:
        """Options from a model's ``solve(...)`` keywords.

        ``msg`` and ``threads`` in ``solver_options`` become fields; the rest goes to
        :attr:`extra`.
        """
        extra = dict(solver_options)
        msg = bool(extra.pop("msg", False))
        threads = extra.pop("threads", None)
        return cls(time_limit=time_limit, gap=gap, threads=threads, msg=msg,
                   warm_start=warm_start, extra=extra)

    @property
    def for_solver_object(self) -> bool:
        """True when nothing must be set on the PuLP solver object (all defaults)."""
        return (self.time_limit is None and self.gap is None and self.threads is None
                and not self.msg and not self.extra)


# --------------------------------------------------------------------------------------
# Solver choice
# --------------------------------------------------------------------------------------
def _bundled_cbc() -> Path:
    import pulp

    return Path(pulp.apis.coin_api.pulp_cbc_path)


def cbc_available() -> bool:
    """Whether a CBC binary exists (bundled with PuLP or ``cbc`` on the PATH)."""
    bundled = _bundled_cbc()
    return (bundled.is_file() and os.access(bundled, os.X_OK)) or shutil.which("cbc") is not None


def cbc_path() -> str:
    """Path of the CBC binary: the one bundled with PuLP, else ``cbc`` on the PATH.

    ``COIN_CMD`` with an explicit path is used because PuLP 3.3 deprecates
    ``PULP_CBC_CMD`` (to be removed in PuLP 4.0, which expects ``pip install pulp[cbc]``).

    Raises
    ------
    InputError
        No CBC binary was found.
    """
    bundled = _bundled_cbc()
    if bundled.is_file() and os.access(bundled, os.X_OK):
        return str(bundled)
    found = shutil.which("cbc")
    if found is None:
        msg = ("solver 'cbc' needs the CBC binary, found neither in PuLP nor on the PATH; "
               "run `pip install pulp[cbc]` or use solver='highs'")
        raise InputError(msg)
    return found


def highs_available() -> bool:
    """Whether HiGHS is reachable through PuLP (the ``highspy`` package is installed)."""
    import pulp

    return bool(pulp.HiGHS(msg=False).available())


def default_solver_name() -> str:
    """The default solver: :data:`DEFAULT_SOLVER` (CBC) when available, else the other one.

    Raises
    ------
    InputError
        Neither CBC nor HiGHS is available.
    """
    for name in (DEFAULT_SOLVER, *(s for s in PULP_SOLVERS if s != DEFAULT_SOLVER)):
        if cbc_available() if name == "cbc" else highs_available():
            return name
    msg = ("no MILP solver found: neither the CBC binary nor the highspy package; run "
           "`pip install highspy` or `pip install pulp[cbc]`")
    raise InputError(msg)


def make_solver(
    solver: str | pulp.LpSolver | None,
    options: SolverOptions | None = None,
    *,
    log_path: str | os.PathLike[str] | None = None,
    warm_start: bool = False,
) -> tuple[pulp.LpSolver, str]:
    """The PuLP solver object for a solver name (or object) and its name.

    Parameters
    ----------
    solver : {"cbc", "highs"}, pulp.LpSolver or None
        A solver name (case-insensitive), ``None`` for :func:`default_solver_name`, or a
        PuLP solver object used as given.
    options : SolverOptions, optional
        Time limit, gap, threads, log and extra options (names only).
    log_path : path-like, optional
        File CBC writes its log to (read afterwards for the best bound); ignored for
        HiGHS and when ``options.msg`` shows the log.
    warm_start : bool
        Let CBC read the variables' initial values as a start (``warmStart``).

    Returns
    -------
    (pulp.LpSolver, str)
        The solver object and its name (``"cbc"``, ``"highs"`` or the object's ``name``).

    Raises
    ------
    InputError
        Unknown name, the solver is not installed, or options given with a solver object.
    """
    import pulp

    options = SolverOptions() if options is None else options
    if isinstance(solver, pulp.LpSolver):
        if not options.for_solver_object:
            msg = ("time_limit, gap and solver options apply to solver names only; set "
                   "them on the PuLP solver object instead (e.g. pulp.HiGHS(timeLimit=60))")
            raise InputError(msg)
        return solver, str(getattr(solver, "name", type(solver).__name__))
    name = _pulp_solver_name(check_solver_name(solver))
    common: dict[str, Any] = {"msg": options.msg, "timeLimit": options.time_limit,
                              "gapRel": options.gap}
    if options.threads is not None:
        common["threads"] = options.threads
    if name == "cbc":
        # CBC's log is captured to read the best bound, unless the caller wants to see it
        log = {"logPath": str(log_path)} if log_path is not None and not options.msg else {}
        start = {"warmStart": True} if warm_start else {}
        return pulp.COIN_CMD(path=cbc_path(), **common, **log, **start,
                             **dict(options.extra)), "cbc"
    if not highs_available():
        msg = ("solver 'highs' needs the highspy package, which is not installed; "
               "run `pip install highspy` or use solver='cbc'")
        raise InputError(msg)
    return pulp.HiGHS(**common, **dict(options.extra)), "highs"


# --------------------------------------------------------------------------------------
# Status
# --------------------------------------------------------------------------------------
def optimal_status(gap: float | None) -> str:
    """Label of a proven optimum: ``"optimal"``, or with the relative gap requested.

    >>> optimal_status(None), optimal_status(0.01)
    ('optimal', 'optimal (relative gap <= 0.01)')
    """
    return STATUS_OPTIMAL if not gap else f"{STATUS_OPTIMAL} (relative gap <= {gap:g})"


def is_optimal_status(status: str) -> bool:
    """True for the labels of :func:`optimal_status`, never for a time-limited incumbent."""
    return status.startswith(STATUS_OPTIMAL)


def status_label(problem: Any, time_limit: float | None = None,
                 gap: float | None = None) -> str:
    """One status label from PuLP's ``status`` and ``sol_status`` of a solved problem.

    PuLP reports a time-limited incumbent with ``status`` "Optimal" and ``sol_status``
    "Integer Feasible"; only both "Optimal" codes give an optimal label.

    Parameters
    ----------
    problem : pulp.LpProblem or object with ``status`` and ``sol_status``
        A problem the solver returned with a solution.
    time_limit : float, optional
        The time limit of the run: names what stopped a non-optimal run. [s]
    gap : float, optional
        The relative gap requested. [fraction]

    Returns
    -------
    str
        See the table in the module docstring.
    """
    import pulp

    if problem.sol_status == pulp.LpSolutionOptimal and problem.status == pulp.LpStatusOptimal:
        return optimal_status(gap)
    return STATUS_TIME_LIMIT if time_limit is not None else STATUS_STOPPED


def no_solution_error(what: str, time_limit: float | None, detail: str) -> NoSolutionError:
    """The :class:`NoSolutionError` of a solver that stopped without a usable solution.

    Parameters
    ----------
    what : str
        What the model looks for (``"layout"``, ``"solution"``, ``"topsoil plan"``).
    time_limit : float or None
        The time limit of the run. [s]
    detail : str
        What the solver reported (e.g. "PuLP status 'Not Solved'").
    """
    limit = f" within the time limit of {time_limit:g} s" if time_limit else ""
    msg = (f"the solver found no feasible {what}{limit} ({detail}); raise the time limit, "
           "allow a larger gap or try the other solver ('cbc' or 'highs')")
    return NoSolutionError(msg)


def raise_if_unsolved(problem: pulp.LpProblem, time_limit: float | None = None, *,
                      seconds: float | None = None, what: str = "solution",
                      infeasible_message: str | None = None) -> None:
    """Raise unless the solver returned a usable solution.

    Parameters
    ----------
    problem : pulp.LpProblem
        The problem after ``solve``.
    time_limit : float, optional
        The time limit of the run. [s]
    seconds : float, optional
        How long the solver ran. [s]
    what : str
        What the model looks for, for the messages.
    infeasible_message : str, optional
        Message of the :class:`InfeasibleError` (it should name the rules to relax).

    Raises
    ------
    InfeasibleError
        The solver proved the problem infeasible (or unbounded, which PuLP's CBC
        interface also reports for some infeasible models) before its time limit.
    NoSolutionError
        The solver stopped (time or other limit) before finding a feasible solution; for
        a pure LP, before proving an optimum (a non-optimal LP iterate need not be
        feasible). Also when the solver reports infeasibility only once the time limit
        has passed: CBC 2.10 reports "Integer infeasible" when the limit cuts its
        preprocessing short, so that is no proof.
    """
    import pulp

    infeasible = problem.status in (pulp.LpStatusInfeasible, pulp.LpStatusUnbounded) or (
        problem.sol_status in (pulp.LpSolutionInfeasible, pulp.LpSolutionUnbounded))
    if infeasible and time_limit is not None and seconds is not None and seconds >= time_limit:
        raise no_solution_error(
            what, time_limit, f"the solver reported {pulp.LpStatus[problem.status]!r} "
            "only when the time limit had passed, which is no proof of infeasibility")
    if infeasible:
        msg = infeasible_message or (
            f"the solver proved the {what} infeasible (PuLP status "
            f"{pulp.LpStatus[problem.status]!r}); check the targets and the locked inputs. "
            "求解器判定无可行解：请核查目标和锁定的输入。")
        raise InfeasibleError(msg)
    usable = (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible)
    if problem.sol_status not in usable or (
            problem.sol_status != pulp.LpSolutionOptimal and not problem.isMIP()):
        raise no_solution_error(
            what, time_limit, f"PuLP status {pulp.LpStatus[problem.status]!r}, solution "
            f"status {pulp.LpSolution[problem.sol_status]!r}")


def scipy_status(result: Any, time_limit: float | None = None, *, what: str = "solution",
                 infeasible_message: str | None = None) -> str:
    """Status label of a :func:`scipy.optimize.linprog` result, or the matching error.

    ``linprog`` codes: 0 optimal, 1 iteration or time limit, 2 infeasible, 3 unbounded,
    4 numerical difficulties.

    Returns
    -------
    str
        :data:`STATUS_OPTIMAL`.

    Raises
    ------
    InfeasibleError
        Code 2 (proven infeasible).
    NoSolutionError
        Any other code: the solver stopped without a proven optimum.
    """
    if result.status == 0:
        return STATUS_OPTIMAL
    if result.status == 2:
        msg = infeasible_message or f"the solver proved the {what} infeasible"
        raise InfeasibleError(msg)
    raise no_solution_error(what, time_limit, f"HiGHS stopped: {result.message}")


# --------------------------------------------------------------------------------------
# Bound and gap
# --------------------------------------------------------------------------------------
def relative_gap(objective: float | None, bound: float | None) -> float | None:
    """``(objective - bound) / |objective|`` of a minimisation, 0 when both are equal.

    Returns ``None`` when the bound (or the objective) is unknown: a missing bound is
    never reported as a gap of 0. [fraction]

    >>> relative_gap(100.0, 99.0), relative_gap(100.0, None), relative_gap(0.0, 0.0)
    (0.01, None, 0.0)
    """
    if bound is None or objective is None:
        return None
    diff = max(0.0, objective - bound)
    if diff <= 1e-9 * max(1.0, abs(objective)):
        return 0.0
    return diff / max(abs(objective), 1e-12)


_CBC_NUMBER = r"([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)"


def _reported_bound(problem: pulp.LpProblem, cbc_log: str,
                    solver_objective: float | None) -> float | None:
    """Best proved bound, shifted onto the scale of the full objective (or None).

    The solvers see the objective without PuLP's constant (HiGHS) or report it their own
    way (CBC), so the bound is shifted by ``solver_objective - reported objective``.
    HiGHS gives it through ``getInfo().mip_dual_bound`` (infinite for an LP, so none);
    CBC prints ``Lower bound:`` in its log only when it stops short of a proof.
    """
    if solver_objective is None:
        return None
    model = getattr(problem, "solverModel", None)
    if model is not None and hasattr(model, "getInfo"):
        info = model.getInfo()
        bound, reported = float(info.mip_dual_bound), float(info.objective_function_value)
        if math.isfinite(bound) and math.isfinite(reported):
            return bound + (solver_objective - reported)
        return None
    found_bound = re.search(r"Lower bound:\s*" + _CBC_NUMBER, cbc_log)
    found_obj = re.search(r"Objective value:\s*" + _CBC_NUMBER, cbc_log)
    if found_bound and found_obj:
        return float(found_bound.group(1)) + (solver_objective - float(found_obj.group(1)))
    return None


# --------------------------------------------------------------------------------------
# Report and solve
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SolveReport:
    """What a solver run returned, in the vocabulary shared by every model.

    Attributes
    ----------
    status : str
        A label of the module table: ``"optimal"``, ``"optimal (relative gap <= g)"``,
        ``"feasible (time limit)"`` or ``"feasible (stopped early)"``.
    solver : str
        ``"cbc"``, ``"highs"`` or the ``name`` of the PuLP solver object.
    objective : float or None
        Objective of the returned solution (the model may replace it with its own
        recomputation through :meth:`with_objective`). [objective units]
    bound : float or None
        Lower bound on the optimum (minimisation): proved by the solver, or the
        objective itself when the solver proved optimality without a gap and reported
        no bound; ``None`` when unknown. [objective units]
    gap : float or None
        Relative gap ``(objective - bound) / |objective|``; ``None`` when the bound is
        unknown, never an invented 0. [fraction]
    seconds : float
        Wall time of the solver call(s), including PuLP's hand-over. [s]
    time_limit : float or None
        Time limit of the run. [s]
    requested_gap : float or None
        Relative gap the solver was allowed to stop at. [fraction]
    warm_start : bool
        Whether the solution came from a run that was handed a start solution (False
        after a retry without the start).
    bound_source : {"solver", "optimality proof", "unknown"}
        Where :attr:`bound` comes from.
    solver_objective : float or None
        Objective as evaluated by PuLP on the solver's values. [objective units]
    """

    status: str
    solver: str
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float
    time_limit: float | None = None
    requested_gap: float | None = None
    warm_start: bool = False
    bound_source: BoundSource = "unknown"
    solver_objective: float | None = None

    @property
    def is_optimal(self) -> bool:
        """True only when the solver proved optimality (never for a time-limited run)."""
        return is_optimal_status(self.status)

    def with_objective(self, objective: float) -> SolveReport:
        """The report for the model's own evaluation of the objective.

        A bound that came from the optimality proof moves with the objective; a bound
        reported by the solver stays and the gap is recomputed.
        """
        bound = objective if self.bound_source == "optimality proof" else self.bound
        return replace(self, objective=float(objective), bound=bound,
                       gap=relative_gap(objective, bound))


@contextlib.contextmanager
def _stdout_fd_silenced(silence: bool) -> Iterator[None]:
    """Send the process's file descriptor 1 to the null device while the block runs.

    highspy prints its banner ("Running HiGHS ...") from C when a ``Highs`` object is
    created, before PuLP can switch its output off; with ``msg=False`` that line must not
    reach the planner's terminal or a notebook.
    """
    if not silence:
        yield
        return
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no file descriptor 1 (some embedded interpreters)
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _run(problem: pulp.LpProblem, solver: str | pulp.LpSolver | None,
         options: SolverOptions, log_path: Path, warm_start: bool) -> str:
    import pulp

    pulp_solver, name = make_solver(solver, options, log_path=log_path, warm_start=warm_start)
    with _stdout_fd_silenced(not options.msg and isinstance(pulp_solver, pulp.HiGHS)):
        problem.solve(pulp_solver)
    return name


def solve_problem(
    problem: pulp.LpProblem,
    solver: str | pulp.LpSolver | None = DEFAULT_SOLVER,
    options: SolverOptions | None = None,
    *,
    set_start: Callable[[], bool] | None = None,
    what: str = "solution",
    infeasible_message: str | None = None,
) -> SolveReport:
    """Solve a PuLP minimisation problem and report status, objective, bound and gap.

    Parameters
    ----------
    problem : pulp.LpProblem
        The problem, built; a minimisation (bounds and gaps are those of a minimum).
    solver : {"cbc", "highs"}, pulp.LpSolver or None, default "cbc"
        Solver name, ``None`` for :func:`default_solver_name`, or a PuLP solver object
        (then ``options`` must be the defaults).
    options : SolverOptions, optional
        Time limit, gap, threads, log, warm start and extra options.
    set_start : callable, optional
        Called when ``options.warm_start`` is set and the solver is CBC by name: sets
        the variables' initial values and returns True, or returns False when it has no
        valid start. PuLP's HiGHS interface takes no start.
    what : str
        What the model looks for, for the error messages (``"layout"``).
    infeasible_message : str, optional
        Message of the :class:`InfeasibleError` when the solver proves infeasibility.

    Returns
    -------
    SolveReport

    Raises
    ------
    InputError
        Bad options or solver name, the solver is not installed, or the problem is a
        maximisation (negate its objective).
    InfeasibleError
        The solver proved the problem infeasible.
    NoSolutionError
        The solver stopped without a feasible solution, or failed with an error (CBC
        2.10 can exit abnormally when the time limit expires while it is still reading
        a MIP start; that run is retried once without the start first).

    Notes
    -----
    A problem without variables (every unit fixed) is not handed to a solver: it is
    optimal by construction.
    """
    import pulp

    options = SolverOptions() if options is None else options
    if problem.sense != pulp.LpMinimize:
        msg = (f"problem {problem.name!r} is a maximisation; solve_problem reports bounds and "
               "gaps of minimisations: minimise the negated objective instead")
        raise InputError(msg)
    name = (str(getattr(solver, "name", type(solver).__name__))
            if isinstance(solver, pulp.LpSolver)
            else _pulp_solver_name(check_solver_name(solver)))
    make_solver(solver, options)  # fail on bad options before any work
    has_variables = bool(problem.variables())
    use_start = bool(options.warm_start and name == "cbc" and not isinstance(
        solver, pulp.LpSolver) and has_variables and set_start is not None and set_start())
    problem.solverModel = None  # never read a bound left by an earlier solve
    with tempfile.TemporaryDirectory(prefix="landsim_solve_") as tmp:
        log_path = Path(tmp) / "cbc.log"
        start = time.perf_counter()
        if has_variables:
            try:
                name = _run(problem, solver, options, log_path, use_start)
            except pulp.PulpSolverError as err:
                if not use_start:
                    raise no_solution_error(what, options.time_limit,
                                            f"{name} stopped with an error: {err}") from err
                logger.warning("%s failed with a start solution (%s); retrying without",
                               name, err)
                use_start = False
                try:
                    name = _run(problem, solver, options, log_path, False)
                except pulp.PulpSolverError as again:
                    raise no_solution_error(what, options.time_limit,
                                            f"{name} stopped with an error: {again}") from again
        else:  # every unit fixed: nothing to optimise
            problem.assignStatus(pulp.LpStatusOptimal, pulp.LpSolutionOptimal)
        seconds = time.perf_counter() - start
        cbc_log = log_path.read_text(errors="replace") if log_path.exists() else ""
    raise_if_unsolved(problem, options.time_limit, seconds=seconds, what=what,
                      infeasible_message=infeasible_message)
    value = pulp.value(problem.objective)
    solver_objective = None if value is None else float(value)
    status = status_label(problem, options.time_limit, options.gap)
    bound = _reported_bound(problem, cbc_log, solver_objective) if has_variables else None
    source: BoundSource = "solver" if bound is not None else "unknown"
    if bound is None and status == STATUS_OPTIMAL:
        bound, source = solver_objective, "optimality proof"
    return SolveReport(
        status=status, solver=name, objective=solver_objective, bound=bound,
        gap=relative_gap(solver_objective, bound), seconds=seconds,
        time_limit=options.time_limit, requested_gap=options.gap, warm_start=use_start,
        bound_source=source, solver_objective=solver_objective)
