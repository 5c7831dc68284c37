"""Draws split over threads: every draw exactly once, the caps users set, errors raised."""

from __future__ import annotations

import threading

import pytest

from landsim.threads import THREAD_LIMITS, available_cpus, draw_slices, run_slices


@pytest.fixture(autouse=True)
def _no_limits(monkeypatch):
    for name in THREAD_LIMITS:
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(("n", "threads", "least"), [
    (0, 2, 1), (1, 2, 1), (7, 3, 1), (100, 4, 30), (100, 4, 26), (100_000, 2, 4096)])
def test_slices_cover_every_draw_once_in_order(n, threads, least):
    slices = draw_slices(n, threads, least)
    assert 1 <= len(slices) <= threads
    assert slices[0].start == 0 and slices[-1].stop == n
    assert all(a.stop == b.start for a, b in zip(slices[:-1], slices[1:], strict=True))
    if len(slices) > 1:
        assert min(s.stop - s.start for s in slices) >= least
    assert len(slices) == max(1, min(threads, n // least))


def test_environment_caps_the_threads(monkeypatch):
    cpus = available_cpus()
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert available_cpus() == 1
    assert len(draw_slices(100_000, None, 1)) == 1
    monkeypatch.setenv("LANDSIM_THREADS", str(cpus + 5))  # the first set wins, within CPUs
    assert available_cpus() == cpus
    monkeypatch.setenv("LANDSIM_THREADS", "zero")  # not a count: the next one applies
    assert available_cpus() == 1


def test_run_slices_runs_each_slice_on_its_own_thread_and_raises_errors():
    seen: dict[int, str] = {}
    together = threading.Barrier(4, timeout=30)  # broken unless all four run at once

    def fn(rows: slice) -> None:
        seen[rows.start] = threading.current_thread().name
        together.wait()

    run_slices(fn, draw_slices(40, 4, 10))
    assert sorted(seen) == [0, 10, 20, 30]
    assert len(set(seen.values())) == 4

    def fails(rows: slice) -> None:
        if rows.start:
            raise ValueError(f"draws {rows.start}..")

    with pytest.raises(ValueError, match="draws 20"):
        run_slices(fails, draw_slices(40, 2, 10))
