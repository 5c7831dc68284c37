"""Execute every notebook many times in a row and count stalls (issue 18, item 1).

    python benchmarks/stress_execute.py [--runs 20] [--stock] notebooks/*.ipynb

Default: the landsim executor (:func:`landsim.execution.execute_notebook`: shell replies
polled in slices, IPC kernel, per-cell time limit). A run that does not finish counts as a
stall; ``recovered`` is the number of replies that the direct poll at the end of a slice
found (each one a wait that would have hung the stock client, up to slice-edge arrivals).

``--stock`` runs nbclient's own client instead, with ``--stock-timeout`` seconds per cell:
a lost wake-up there surfaces as a cell lasting the whole time limit before the reply is
found, and is counted as a stall (with no time limit, as ``jupyter nbconvert --execute``
runs, it would wait for ever).

Prints one line per run and a table: notebook, runs, finished, stalls, recovered, median
seconds per run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import nbformat

from landsim.execution import NotebookRunError, ReplyPollingShellChannel, execute_notebook


def run_landsim(path: Path, cell_timeout: float) -> tuple[bool, int, str]:
    """(finished, replies recovered, error) of one run with the landsim executor."""
    before = ReplyPollingShellChannel.recovered
    nb = nbformat.read(path, as_version=4)
    try:
        execute_notebook(nb, name=path.name, cwd=path.parent, cell_timeout=cell_timeout)
    except NotebookRunError as err:
        return False, ReplyPollingShellChannel.recovered - before, str(err)
    return True, ReplyPollingShellChannel.recovered - before, ""


def run_stock(path: Path, cell_timeout: float) -> tuple[bool, int, str]:
    """(finished without a stall, stalled cells, note) of one run with nbclient's client."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    starts: dict[int, float] = {}
    stalled: list[int] = []

    def start(cell, cell_index):
        starts[cell_index] = time.monotonic()

    def done(cell, cell_index, execute_reply):
        if time.monotonic() - starts[cell_index] >= cell_timeout - 0.5:
            stalled.append(cell_index)

    client = NotebookClient(nb, timeout=int(cell_timeout), kernel_name="python3",
                            record_timing=False, on_cell_execute=start, on_cell_executed=done,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    note = f"cells {stalled} lasted the whole {cell_timeout:g} s limit" if stalled else ""
    return not stalled, len(stalled), note


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--cell-timeout", type=float, default=300.0,
                        help="per-cell time limit of the landsim executor [s]")
    parser.add_argument("--stock", action="store_true",
                        help="nbclient's own client instead of the landsim executor")
    parser.add_argument("--stock-timeout", type=float, default=40.0,
                        help="per-cell limit of the stock client: a cell lasting it is a stall [s]")
    args = parser.parse_args(argv)
    rows = []
    for path in args.notebooks:
        seconds, finished, stalls, recovered = [], 0, 0, 0
        for i in range(1, args.runs + 1):
            start = time.perf_counter()
            if args.stock:
                ok, count, note = run_stock(path, args.stock_timeout)
                stalls += count
            else:
                ok, count, note = run_landsim(path, args.cell_timeout)
                recovered += count
                stalls += not ok
            finished += ok
            seconds.append(time.perf_counter() - start)
            print(f"{path.name} run {i}/{args.runs}: {'ok' if ok else 'STALL'} "
                  f"{seconds[-1]:.1f} s {note}", flush=True)
        rows.append((path.name, args.runs, finished, stalls, recovered,
                     statistics.median(seconds)))
    mode = "nbclient stock client" if args.stock else "landsim executor"
    print(f"\n{mode}: {'notebook':<26} runs finished stalls recovered median_s")
    for name, runs, fin, st, rec, med in rows:
        print(f"{'':>{len(mode) + 2}}{name:<26} {runs:>4} {fin:>8} {st:>6} {rec:>9} {med:>8.1f}")
    return 0 if all(r[3] == 0 for r in rows) or args.stock else 1


if __name__ == "__main__":
    sys.exit(main())
