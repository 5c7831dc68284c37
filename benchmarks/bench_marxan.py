"""Benchmark the exact Marxan minimum-set model on the Tasmania problem.

Reads ``../shared/data/marxan-tasmania`` (1,751 planning units, 17 features, BLM 1 in
``input.dat``) and solves it with BLM 0 and with the file's BLM, for each solver, printing
one row per run::

    python benchmarks/bench_marxan.py --solvers cbc highs --time-limit 60

Marxan 4.0.6 (10 runs x 1e6 iterations) reaches a best score of 1.01957e8 at BLM 1.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from landsim.farmland.marxan import MarxanMinSetModel, read_marxan

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "marxan-tasmania"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input-dir", default=str(DEFAULT_DIR), help="Marxan folder")
    parser.add_argument("--solvers", nargs="+", default=["cbc", "highs"])
    parser.add_argument("--time-limit", type=float, default=60.0, help="per solve [s]")
    parser.add_argument("--gap", type=float, default=0.0, help="relative gap [fraction]")
    args = parser.parse_args()

    start = time.perf_counter()
    problem = read_marxan(args.input_dir)
    read_s = time.perf_counter() - start
    print(f"{problem.source}: {problem.n_units:,} units, {problem.n_features} features, "
          f"{len(problem.edge_i):,} shared boundaries, file BLM {problem.blm:g}; "
          f"read {read_s:.2f} s; time limit {args.time_limit:g} s, gap {args.gap:g}")
    header = (f"{'BLM':>5} {'solver':>6} {'build s':>8} {'solve s':>8} {'status':>22} "
              f"{'gap':>9} {'score':>14} {'cost':>14} {'boundary':>11} {'units':>6} "
              f"{'targets':>7}")
    print(header)
    print("-" * len(header))
    for blm in sorted({0.0, problem.blm}):
        for solver in args.solvers:
            model = MarxanMinSetModel.from_problem(problem, blm=blm)
            model.build()
            result = model.solve(solver, time_limit=args.time_limit, gap=args.gap)
            gap = "n/a" if result.gap is None else f"{result.gap:.4%}"
            met = "all" if result.all_targets_met else "MISSED"
            print(f"{blm:>5g} {solver:>6} {result.build_seconds:>8.2f} "
                  f"{result.solve_seconds:>8.2f} {result.status:>22} {gap:>9} "
                  f"{result.score:>14,.1f} {result.cost:>14,.1f} {result.boundary:>11,.0f} "
                  f"{result.n_selected:>6} {met:>7}")


if __name__ == "__main__":
    main()
