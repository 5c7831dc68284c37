"""Exception hierarchy of landsim.

``InputError`` subclasses ``ValueError`` and ``InfeasibleError`` subclasses
``RuntimeError`` so that callers catching the builtins keep working.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["InfeasibleError", "InputError", "LandsimError", "NoSolutionError", "first_items"]


class LandsimError(Exception):
    """Base class of every error landsim raises on purpose."""


class InputError(LandsimError, ValueError):
    """Bad input data: the message names the file, column, rows and the fix."""


class InfeasibleError(LandsimError, RuntimeError):
    """A model requirement cannot be met: the message names it and by how much."""


class NoSolutionError(LandsimError, RuntimeError):
    """The solver stopped (time limit) before finding any feasible solution."""


def first_items(items: Sequence[Any], most: int = 5) -> str:
    """The first ``most`` items as ``'a, b, c, d, e, ...'`` for error messages.

    >>> first_items(range(7))
    '0, 1, 2, 3, 4, ...'
    """
    items = list(items)
    text = ", ".join(str(i) for i in items[:most])
    return text + (", ..." if len(items) > most else "")
