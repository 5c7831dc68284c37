"""Exception hierarchy of landsim.

``InputError`` subclasses ``ValueError`` and ``InfeasibleError`` subclasses
``RuntimeError`` so that callers catching the builtins keep working.
"""

from __future__ import annotations

__all__ = ["InfeasibleError", "InputError", "LandsimError", "NoSolutionError"]


class LandsimError(Exception):
    """Base class of every error landsim raises on purpose."""


class InputError(LandsimError, ValueError):
    """Bad input data: the message names the file, column, rows and the fix."""


class InfeasibleError(LandsimError, RuntimeError):
    """A model requirement cannot be met: the message names it and by how much."""


class NoSolutionError(LandsimError, RuntimeError):
    """The solver stopped (time limit) before finding any feasible solution."""
