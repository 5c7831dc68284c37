"""The one solver layer of landsim: solver choice, options, status, report, selection.

The PBF layout model (:mod:`landsim.farmland.model`), the exact Marxan minimum set
(:mod:`landsim.farmland.marxan`) and the topsoil transport LP
(:mod:`landsim.topsoil.model`) build their PuLP problems and hand them to
:func:`solve_problem`, which returns a frozen :class:`SolveReport` with one status
vocabulary (a time-limited incumbent is never ``"optimal"``; a gap is computed from a real
bound or left unknown).

Modules
-------
:mod:`landsim.optimize.defaults`
    Default solver name, time limit and gap of the command line (no heavy imports).
:mod:`landsim.optimize.base`
    :class:`PulpModel`: the lazily built PuLP problem and ``write_lp`` of the models.
:mod:`landsim.optimize.solvers`
    Option validation, solver objects, solving with the CBC warm-start retry, status
    labels, errors and the report.
:mod:`landsim.optimize.milp`
    Selection models as arrays solved in-process by HiGHS, CP-SAT, SCIP or the
    Lagrangian relaxation (time limit, gap, start, progress, trace; CP-SAT's integer
    scaling), and ``solver="auto"``.
:mod:`landsim.optimize.lagrangian`
    The Lagrangian relaxation of those arrays, each subproblem one minimum cut (OR-Tools
    max-flow), the multipliers coordinated by a cutting-plane master: a proved bound and
    repaired layouts in seconds on 100,000-unit grids (``solver="lagrangian"``).
:mod:`landsim.optimize.heuristic`
    The greedy cover start (O(nnz) passes) that every selection solve starts from.
:mod:`landsim.optimize.budget`
    A command's wall-clock budget (``--time-limit`` of ``farmland marxan``).
:mod:`landsim.optimize.selection`
    Binary-selection plumbing: locks folded into fixed values and the linearised
    boundary penalty.

Names are loaded on first use, so ``import landsim.optimize.defaults`` (the command
line's ``--help``) does not import PuLP. This package never imports the models.
"""

from __future__ import annotations

from landsim._lazy import lazy_names

_MODULES: dict[str, tuple[str, ...]] = {
    "landsim.optimize.base": ("PulpModel",),
    "landsim.optimize.defaults": (
        "DEFAULT_GAP", "DEFAULT_SOLVER", "DEFAULT_TIME_LIMIT_S", "SOLVERS"),
    "landsim.optimize.selection": (
        "BinarySelection", "BoundaryTerms", "boundary_terms", "fixed_values"),
    "landsim.optimize.solvers": (
        "STATUS_OPTIMAL", "STATUS_STOPPED", "STATUS_TIME_LIMIT", "SolveReport",
        "SolverOptions", "cbc_available", "cbc_path", "check_gap", "check_solver_name",
        "check_threads", "check_time_limit", "default_solver_name", "highs_available",
        "is_optimal_status", "make_solver", "no_solution_error", "optimal_status",
        "raise_if_unsolved", "relative_gap", "scipy_status", "solve_problem",
        "status_label"),
}
__all__, __getattr__, __dir__ = lazy_names(globals(), _MODULES, "landsim.optimize")
