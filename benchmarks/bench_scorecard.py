"""Marxan scorecard: landsim's best Tasmania score at each wall-clock budget beside Marxan.

Runs the whole command ``landsim farmland marxan TASMANIA --time-limit B --quiet`` as a
fresh process per budget (start, read, build, solve and write all inside the wall time
measured here) for each solver, then the default command (no options). A solver written
``NAME@G`` runs with ``--gap G`` (``auto@0``: no early stop at the default 0.5 %, so the
score can keep improving with the budget)::

    python benchmarks/bench_scorecard.py --budgets 0.5 1 2 5 10 --solvers auto auto@0 highs

Marxan 4 (built from source with OpenMP, the same 2-core machine, 10 runs, BLM 1):
1e6 iterations 0.57 s wall -> best 1.01874e8; 1e7 iterations 5.05 s -> 1.00837e8. The
optimum is 9.9866e7. Prints the table and writes ``build/bench/bench_scorecard.{csv,md}``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _bench import write_tables

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "marxan-tasmania"
MARXAN = ((0.57, 1.01874e8, "1e6 iterations x 10 runs"),
          (5.05, 1.00837e8, "1e7 iterations x 10 runs"))
OPTIMUM = 9.9866e7


def marxan_at(budget: float) -> tuple[float, float] | None:
    """Marxan's best score reached within ``budget`` seconds wall, with its wall time."""
    done = [(wall, score) for wall, score, _ in MARXAN if wall <= budget]
    return done[-1] if done else None


def run(input_dir: str, out: Path, options: list[str]) -> tuple[float, dict]:
    """Wall time of the whole command and its summary.json."""
    env = dict(os.environ)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "landsim", "farmland", "marxan", input_dir,
                           "--out", str(out), *options], capture_output=True, text=True,
                          env=env, check=False)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"landsim failed: {done.stderr.strip()}")
    return wall, json.loads((out / "summary.json").read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input-dir", default=str(DEFAULT_DIR), help="Marxan folder")
    parser.add_argument("--budgets", type=float, nargs="+", default=[0.5, 1, 2, 5, 10])
    parser.add_argument("--solvers", nargs="+", default=["auto", "auto@0", "highs", "cpsat"],
                        help="solver names; NAME@G also passes --gap G")
    args = parser.parse_args()
    load = os.getloadavg()
    print(f"Tasmania scorecard; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on "
          f"{os.cpu_count()} cores")
    header = ["case", "solver", "budget s", "wall s", "score", "vs optimum", "gap",
              "targets", "Marxan score (wall s)", "landsim better"]
    wide, long = [], []
    cases = [(s, b) for s in args.solvers for b in args.budgets] + [("default", None)]
    with tempfile.TemporaryDirectory(prefix="scorecard_") as tmp:
        for k, (solver, budget) in enumerate(cases):
            options = ["--quiet"]
            if solver != "default":
                name, _, gap_option = solver.partition("@")
                options += ["--solver", name, "--time-limit", f"{budget:g}"]
                options += ["--gap", gap_option] if gap_option else []
            wall, summary = run(args.input_dir, Path(tmp) / f"run{k}", options)
            score = summary["score"]
            marxan = marxan_at(budget if budget is not None else wall)
            case = "default" if budget is None else f"budget {budget:g} s"
            gap = "unknown" if summary["gap"] is None else f"{summary['gap']:.3%}"
            row = [case, summary["solver"] if solver == "default" else solver,
                   "10 (default)" if budget is None else f"{budget:g}", f"{wall:.2f}",
                   f"{score:.6g}", f"{score / OPTIMUM - 1:+.3%}", gap,
                   "all met" if summary["all_targets_met"] else "MISSED",
                   "-" if marxan is None else f"{marxan[1]:.6g} ({marxan[0]:g})",
                   "-" if marxan is None else ("yes" if score < marxan[1] else "no")]
            wide.append(row)
            print(" | ".join(row), flush=True)
            name = f"{case} {row[1]}"
            long += [("bench_scorecard", name, "wall", round(wall, 3), "s"),
                     ("bench_scorecard", name, "score", score, "cost"),
                     ("bench_scorecard", name, "gap",
                      None if summary["gap"] is None else summary["gap"], "fraction"),
                     ("bench_scorecard", name, "targets_met",
                      int(summary["all_targets_met"]), "bool")]
    note = (f"Load average {load[0]:.2f} on {os.cpu_count()} cores. Marxan 4 measured here: "
            + "; ".join(f"{w:g} s -> {s:.6g} ({what})" for w, s, what in MARXAN)
            + f". Optimum {OPTIMUM:.5g}.")
    write_tables("bench_scorecard", long, header, wide, note)


if __name__ == "__main__":
    main()
