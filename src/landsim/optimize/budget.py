"""A wall-clock budget for a whole command: start, read, build, solve and write.

``landsim farmland marxan --time-limit 5`` means five seconds of wall time for the whole
command, not five seconds of solver time after a slow start. :class:`WallBudget` counts
from the start of the process (read from ``/proc/self/stat`` on Linux, else from the
first import of this module) and hands the solver what is left after a reserve for
writing the outputs.

No heavy imports here: the command line imports this module before pandas or a solver.

>>> budget = WallBudget(60.0)
>>> 59.0 < budget.remaining() <= 60.0
True
>>> WallBudget(None).solver_seconds() is None
True
"""

from __future__ import annotations

import os
import time

__all__ = ["WallBudget", "command_start", "process_age"]

_IMPORTED = time.monotonic()


def process_age() -> float:
    """Seconds since this process started (since this module's import when unknown). [s]"""
    try:
        with open("/proc/self/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
        start_ticks = int(fields[19])  # field 22 of proc(5), counted after the ")"
        with open("/proc/uptime", "rb") as uptime:
            now = float(uptime.read().split()[0])
        age = now - start_ticks / os.sysconf("SC_CLK_TCK")
        if 0.0 <= age < 3600.0 * 24 * 365:
            return age
    except (OSError, ValueError, IndexError, AttributeError):
        pass
    return time.monotonic() - _IMPORTED


def command_start(as_command: bool) -> float:
    """``time.monotonic()`` at the start of the command: the start of the process when
    it runs as the ``landsim`` command, else now (``main([...])`` called from a test or a
    notebook, whose process started long ago)."""
    return time.monotonic() - (process_age() if as_command else 0.0)


class WallBudget:
    """The wall time left of a command's budget.

    Parameters
    ----------
    total : float or None
        The whole command's budget; ``None`` for no limit. [s]
    reserve : float
        Time kept back for writing the outputs after the solver returns. [s]
    started : float, optional
        ``time.monotonic()`` value the budget counts from (default now); the command
        line passes the start of the process (see :func:`command_start`).
    """

    def __init__(self, total: float | None, *, reserve: float = 0.15,
                 started: float | None = None) -> None:
        self.total = None if total is None else float(total)
        self.reserve = float(reserve)
        self._start = time.monotonic() if started is None else float(started)

    def elapsed(self) -> float:
        """Seconds spent since the budget started. [s]"""
        return time.monotonic() - self._start

    def remaining(self) -> float:
        """Seconds left (``inf`` without a limit; may be negative when overrun). [s]"""
        return float("inf") if self.total is None else self.total - self.elapsed()

    def deadline(self) -> float | None:
        """``time.monotonic()`` value by which the solver must have returned, or None."""
        if self.total is None:
            return None
        return self._start + self.total - self.reserve

    def solver_seconds(self) -> float | None:
        """Time the solver may take: what is left minus the reserve, or None. [s]"""
        if self.total is None:
            return None
        return max(0.0, self.remaining() - self.reserve)
