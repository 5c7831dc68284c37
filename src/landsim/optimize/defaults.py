"""Default solver settings shared by every optimisation verb and widget.

The command line's ``--solver``, ``--time-limit`` and ``--gap`` options take these
defaults everywhere (farmland layout, Marxan, topsoil).
"""

from __future__ import annotations

__all__ = ["DEFAULT_GAP", "DEFAULT_SOLVER", "DEFAULT_TIME_LIMIT_S", "MARXAN_GAP",
           "MARXAN_SOLVER", "MARXAN_TIME_LIMIT_S", "PLAN_GAP", "PULP_SOLVERS", "SOLVERS"]

SOLVERS: tuple[str, ...] = ("auto", "cbc", "highs", "cpsat", "scip", "lagrangian")
"""MILP solvers reachable without a download: CBC (bundled with PuLP), HiGHS (highspy),
OR-Tools CP-SAT (ortools), SCIP (pyscipopt) and the Lagrangian relaxation by minimum cuts
(:mod:`landsim.optimize.lagrangian`, OR-Tools max-flow); "auto" picks by problem size and
shape. The topsoil LP takes CBC or HiGHS (through PuLP); the binary-selection arrays
(Marxan, PBF layout) take all of them."""

PULP_SOLVERS: tuple[str, ...] = ("cbc", "highs")
"""Solvers reachable through PuLP (models built as a PuLP problem)."""

DEFAULT_SOLVER = "cbc"
"""Default MILP solver of the PuLP models (topsoil, PBF layout)."""

MARXAN_SOLVER = "auto"
"""Default solver of ``farmland marxan``: auto (the Lagrangian relaxation by minimum cuts,
HiGHS continuing on mid-sized problems; CP-SAT for tiny problems)."""

MARXAN_GAP = 0.005
"""Default relative gap of ``farmland marxan`` [fraction]: 0.5 %; proving optimality on
Tasmania took CBC 251 s, 0.5 % takes HiGHS in-process a few seconds."""

MARXAN_TIME_LIMIT_S = 10.0
"""Default wall-clock budget of ``farmland marxan`` for the whole command [s]."""

DEFAULT_GAP = 1e-4
"""Default relative MIP gap [fraction]: proving exact optimality of knapsack-like layouts
can take CBC very long, while 0.01 % is reached in seconds on the sample county."""

DEFAULT_TIME_LIMIT_S = 600.0
"""Default solver time limit [s]."""

PLAN_GAP = 1e-3
"""Default relative MIP gap of :func:`plan_layout` [fraction]. With the township cap,
compensation and quality rules in every township the optimisation is a set of coupled
knapsacks: on the sample county CBC reaches 0.1 % in seconds but needed more than 10
minutes for the shared default of 0.01 % (:data:`landsim.optimize.defaults.DEFAULT_GAP`).
The status then reads ``"optimal (relative gap <= 0.001)"``."""
