"""Benchmark the Marxan minimum set: Tasmania, or a seeded hexagon grid of any size.

Tasmania (``../shared/data/marxan-tasmania``: 1,751 planning units, 17 features, BLM 1)
is solved with BLM 0 and the file's BLM; ``--hex N`` instead builds a seeded grid of
about N hexagons with 20 features (targets 20 % of each feature's total) and BLM 2, the
shape of the issue-14 grid. Each solver runs side by side on the same problem; the greedy
start, the array build and the solve are timed apart::

    python benchmarks/bench_marxan.py --solvers highs cpsat scip lagrangian --time-limit 60
    python benchmarks/bench_marxan.py --hex 100000 --solvers auto --time-limit 60 --gap 0.005

Marxan 4 (10 runs x 1e6 iterations) returned 362,635 in 122 s on the issue's 100,000-
hexagon grid (not this seeded one). Prints the table and writes
``build/bench/bench_marxan.{csv,md}``.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
from _bench import write_tables
from scipy.ndimage import gaussian_filter

from landsim.farmland.marxan import MarxanMinSetModel, read_marxan

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "marxan-tasmania"


def hex_grid_model(n: int, seed: int = 0, n_features: int = 20, blm: float = 2.0,
                   share: float = 0.2) -> MarxanMinSetModel:
    """Seeded grid of ``side x side`` hexagons (odd rows shifted), unit side length."""
    rng = np.random.default_rng(seed)
    side = round(np.sqrt(n))
    ids = np.arange(side * side).reshape(side, side)
    r = np.arange(side)[:, None].repeat(side, 1)
    right = (ids[:, :-1].ravel(), ids[:, 1:].ravel())
    even, odd = r[:-1, :] % 2 == 0, r[:-1, :] % 2 == 1
    down_a = (ids[:-1, :][even | odd], ids[1:, :][even | odd])  # straight below
    lo = ids[:-1, 1:][even[:, 1:]], ids[1:, :-1][even[:, 1:]]  # even row: below left
    hi = ids[:-1, :-1][odd[:, :-1]], ids[1:, 1:][odd[:, :-1]]  # odd row: below right
    edge_i = np.concatenate([right[0], down_a[0], lo[0], hi[0]])
    edge_j = np.concatenate([right[1], down_a[1], lo[1], hi[1]])
    degree = np.bincount(edge_i, minlength=side * side) + np.bincount(edge_j,
                                                                      minlength=side * side)
    sigma = max(2.0, side / 30)

    def smooth() -> np.ndarray:
        field = gaussian_filter(rng.standard_normal((side, side)), sigma, mode="reflect")
        return ((field - field.mean()) / field.std()).ravel()

    cost = np.exp(0.5 * smooth()) * 100.0
    amount = np.vstack([np.where(f > 0.8, f - 0.8, 0.0) for f in
                        (smooth() for _ in range(n_features))])
    return MarxanMinSetModel.from_arrays(
        cost, amount, share * amount.sum(axis=1), edge_i=edge_i, edge_j=edge_j,
        edge_length=np.ones(len(edge_i)), fixed_boundary=6.0 - degree, blm=blm)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input-dir", default=str(DEFAULT_DIR), help="Marxan folder")
    parser.add_argument("--hex", type=int, default=None, metavar="N",
                        help="a seeded grid of about N hexagons instead of Tasmania")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--solvers", nargs="+",
                        default=["highs", "cpsat", "scip", "lagrangian"])
    parser.add_argument("--time-limit", type=float, default=60.0, help="per solve [s]")
    parser.add_argument("--gap", type=float, default=0.005, help="relative gap [fraction]")
    parser.add_argument("--workers", type=int, default=None, help="solver threads")
    args = parser.parse_args()

    load = os.getloadavg()
    start = time.perf_counter()
    if args.hex:
        base = hex_grid_model(args.hex, args.seed).data
        cases = [(f"hex {base.n_units}", base)]
    else:
        base = read_marxan(args.input_dir)
        cases = [(f"tasmania blm {b:g}", base.with_blm(b)) for b in sorted({0.0, base.blm})]
    read_s = time.perf_counter() - start
    print(f"{base.n_units:,} units, {base.n_features} features, {len(base.edge_i):,} "
          f"shared boundaries; made/read in {read_s:.2f} s; time limit {args.time_limit:g} s, "
          f"gap {args.gap:g}; load average {load[0]:.2f} on {os.cpu_count()} cores")
    header = ["case", "solver", "greedy s", "build s", "solve s", "total s", "build share",
              "status", "gap", "greedy score", "score", "targets"]
    print(" | ".join(header))
    wide, long = [], []
    for case, problem in cases:
        for solver in args.solvers:
            model = MarxanMinSetModel.from_problem(problem)
            t0 = time.perf_counter()
            greedy = model.initial_solution()
            greedy_s = time.perf_counter() - t0
            kwargs = {} if args.workers is None else {"threads": args.workers}
            t0 = time.perf_counter()
            result = model.solve(solver, time_limit=args.time_limit, gap=args.gap, **kwargs)
            total = time.perf_counter() - t0
            build = result.build_seconds
            row = [case, result.solver if solver == "auto" else solver, f"{greedy_s:.2f}",
                   f"{build:.2f}", f"{result.solve_seconds:.2f}", f"{total:.2f}",
                   f"{build / total:.0%}", result.status,
                   "unknown" if result.gap is None else f"{result.gap:.3%}",
                   f"{model.score(greedy):,.6g}", f"{result.score:,.6g}",
                   "all met" if result.all_targets_met else "MISSED"]
            wide.append(row)
            print(" | ".join(row), flush=True)
            name = f"{case} {solver}"
            long += [("bench_marxan", name, "build", round(build, 3), "s"),
                     ("bench_marxan", name, "solve", round(result.solve_seconds, 3), "s"),
                     ("bench_marxan", name, "total", round(total, 3), "s"),
                     ("bench_marxan", name, "gap", result.gap, "fraction"),
                     ("bench_marxan", name, "score", result.score, "cost"),
                     ("bench_marxan", name, "greedy_score", model.score(greedy), "cost")]
    write_tables("bench_marxan", long, header, wide,
                 f"Load average {load[0]:.2f} on {os.cpu_count()} cores; time limit "
                 f"{args.time_limit:g} s, gap {args.gap:g}.")


if __name__ == "__main__":
    main()
