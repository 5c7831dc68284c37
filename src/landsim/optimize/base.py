"""The lazily built PuLP problem that the binary-selection models share.

:class:`PulpModel` holds the one piece of model plumbing that is not about solving: the
PuLP problem is built on first access of :attr:`PulpModel.problem` (or by an explicit
``build()``) and can be written as an LP file for debugging. Subclasses implement
:meth:`PulpModel.build`, which must set ``self._problem``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pulp

__all__ = ["PulpModel"]


class PulpModel:
    """Base of the models whose PuLP problem is built once and solved by
    :func:`landsim.optimize.solve_problem`."""

    _problem: pulp.LpProblem | None = None

    def build(self) -> pulp.LpProblem:
        """Create the PuLP problem (and set ``self._problem``); subclasses implement it."""
        msg = f"{type(self).__name__} must implement build()"
        raise NotImplementedError(msg)

    @property
    def problem(self) -> pulp.LpProblem:
        """The PuLP problem (built on first access)."""
        if self._problem is None:
            self.build()
        if self._problem is None:
            msg = f"{type(self).__name__}.build() did not set the problem"
            raise RuntimeError(msg)
        return self._problem

    def write_lp(self, path: str | os.PathLike[str]) -> Path:
        """Write the problem in CPLEX LP format for debugging; return the path."""
        path = Path(path)
        self.problem.writeLP(str(path))
        return path
