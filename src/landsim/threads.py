"""Work split by draws over the CPUs this process may use (threads, shared memory).

The quota engine's large ensembles run draws that never interact: each thread takes its
own slice of the draws and writes its own rows of preallocated outputs, so the numbers
are those of one pass over all draws. Threads pay only where the work releases the GIL
(numpy on arrays of thousands of values, the compiled year loop); a slice smaller than
``min_per_thread`` draws stays with the calling thread.

>>> draw_slices(10, threads=4, min_per_thread=3)
[slice(0, 3, None), slice(3, 6, None), slice(6, 10, None)]
>>> draw_slices(10, threads=4, min_per_thread=100)
[slice(0, 10, None)]
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

__all__ = ["THREAD_LIMITS", "available_cpus", "draw_slices", "run_slices"]


THREAD_LIMITS = ("LANDSIM_THREADS", "OMP_NUM_THREADS")
"""Environment variables that cap :func:`available_cpus`, the first one set (a whole
number >= 1) taking effect: ``LANDSIM_THREADS`` for landsim alone, ``OMP_NUM_THREADS``
as numerical libraries read it (Dask sets it to 1 in its workers, which already run one
task per core)."""


def available_cpus() -> int:
    """CPUs this process may run on (``os.sched_getaffinity``; ``os.cpu_count`` where
    that is missing), capped by the first of :data:`THREAD_LIMITS` set. [count]"""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    for name in THREAD_LIMITS:
        value = os.environ.get(name, "").strip()
        if value.isdigit() and int(value) >= 1:
            return min(cpus, int(value))
    return cpus


def draw_slices(n_draws: int, threads: int | None = None,
                min_per_thread: int = 1) -> list[slice]:
    """Split ``n_draws`` draws into at most ``threads`` (default :func:`available_cpus`)
    consecutive slices of at least ``min_per_thread`` draws each (one slice when there are
    fewer). [count]"""
    threads = available_cpus() if threads is None else int(threads)
    parts = max(1, min(threads, n_draws // max(int(min_per_thread), 1)))
    edges = [n_draws * j // parts for j in range(parts + 1)]
    return [slice(lo, hi) for lo, hi in zip(edges[:-1], edges[1:], strict=True)]


def run_slices(fn: Callable[[slice], object], slices: Sequence[slice]) -> None:
    """Call ``fn(rows)`` for every slice, one thread each (the calling thread alone when
    there is one slice); an exception in any call is raised here."""
    if len(slices) == 1:
        fn(slices[0])
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(len(slices)) as pool:
        for job in [pool.submit(fn, rows) for rows in slices]:
            job.result()
