"""Default solver settings shared by every optimisation verb and widget.

The command line's ``--solver``, ``--time-limit`` and ``--gap`` options take these
defaults everywhere (farmland layout, Marxan, topsoil).
"""

from __future__ import annotations

__all__ = ["DEFAULT_GAP", "DEFAULT_SOLVER", "DEFAULT_TIME_LIMIT_S", "SOLVERS"]

SOLVERS: tuple[str, ...] = ("cbc", "highs")
"""MILP solvers reachable through PuLP without a download (CBC bundled, HiGHS via highspy)."""

DEFAULT_SOLVER = "cbc"
"""Default MILP solver."""

DEFAULT_GAP = 1e-4
"""Default relative MIP gap [fraction]: proving exact optimality of knapsack-like layouts
can take CBC very long, while 0.01 % is reached in seconds on the sample county."""

DEFAULT_TIME_LIMIT_S = 600.0
"""Default solver time limit [s]."""
