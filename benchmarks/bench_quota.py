"""Benchmark the vectorised quota ensemble against a per-draw loop.

    python benchmarks/bench_quota.py [--draws 100000] [--loop-draws 300] [--dask]

Sample county (8 townships), baseline scenario run to 2037 (15 simulated years), its
uncertain inputs plus the stock-link ratio and the provincial factor. Prints one row per
measurement: what was timed, draws, seconds (best of --repeat), and microseconds per draw.
The per-draw loop is timed on --loop-draws draws and its per-draw cost is used for the
speed-up ratio.
"""

from __future__ import annotations

import argparse
import dataclasses
import time

import numpy as np

import landsim
from landsim.quota.ensemble import run_ensemble, sample_draws
from landsim.quota.scenario import Scenario, ScenarioInputs, run_scenario

EXTRA = {"policy.stock_link.ratio": {"dist": "uniform", "low": 0.8, "high": 1.2},
         "policy.population_link.provincial_factor": {"dist": "uniform", "low": 0.9,
                                                      "high": 1.1}}


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=100_000)
    parser.add_argument("--loop-draws", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dask", action="store_true", help="also time a local Dask cluster")
    args = parser.parse_args()

    inputs = ScenarioInputs.from_county(landsim.load_sample())
    base = Scenario.packaged("baseline")
    scenario = dataclasses.replace(base, end_year=2037,
                                   uncertain={**base.uncertain, **EXTRA})
    draws = sample_draws(scenario.uncertain, args.draws, seed=1)
    n_years = 2037 - 2022
    rows = []

    def engine_only() -> None:
        run_scenario(scenario, inputs, draws=draws)

    rows.append(("engine: all draws in one array", args.draws,
                 best(engine_only, args.repeat)))
    rows.append(("run_ensemble in-process (batches of 10,000)", args.draws,
                 best(lambda: run_ensemble(scenario, inputs, args.draws, seed=1),
                      args.repeat)))
    if args.dask:
        rows.append(("run_ensemble on a local Dask cluster", args.draws,
                     best(lambda: run_ensemble(scenario, inputs, args.draws, seed=1,
                                               scheduler="local"), 1)))

    def loop() -> None:
        for i in range(args.loop_draws):
            one = {k: v[i:i + 1] for k, v in draws.items()}
            run_scenario(scenario, inputs, draws=one)

    loop_s = best(loop, 1)
    rows.append(("per-draw Python loop", args.loop_draws, loop_s))
    print(f"{args.draws:,} draws x {n_years} years x 8 townships")
    print(f"{'measurement':<46} {'draws':>8} {'seconds':>9} {'us/draw':>9}")
    for name, n, seconds in rows:
        print(f"{name:<46} {n:>8,} {seconds:>9.2f} {1e6 * seconds / n:>9.1f}")
    per_draw_loop = loop_s / args.loop_draws
    for name, n, seconds in rows[:-1]:
        print(f"speed-up of '{name}' over the loop: {per_draw_loop * n / seconds:,.0f}x")
    np.testing.assert_equal(len(draws), len(scenario.uncertain))


if __name__ == "__main__":
    main()
