"""Benchmark the vectorised quota ensemble against a per-draw loop, and the ensemble CLI.

    python benchmarks/bench_quota.py [--draws 100000] [--loop-draws 300] [--dask] [--cli]
                                     [--numpy-loop]

Sample county (8 townships), baseline scenario run to 2037 (15 simulated years), its
uncertain inputs plus the stock-link ratio and the provincial factor. Measures, as wall
and CPU seconds (best of --repeat): the engine on all draws in one call
(``run_scenario(..., draws=...)``: population and stock paths, the year loop, the county
annual table), the same followed by reading one township array (the loop's second pass,
which writes every township array), ``run_ensemble`` in this process (batches of 10,000,
summary included), optionally on a local Dask cluster, and a per-draw Python loop on --loop-draws draws (its
per-draw cost gives the speed-up). With --numpy-loop, the engine once more with the
compiled year loop switched off (the numpy loop over blocks of draws, the reference).
With --cli, ``landsim quota simulate --draws N --scheduler none`` in a fresh process
(after a 1,000-draw warm-up run, so numba's on-disk cache of the compiled loop exists):
wall seconds, CPU seconds, peak resident memory and the size of each output file.
Issue 14's goals: engine under 2 s, CLI under 10 s and 1 GB.
Writes ``build/bench/bench_quota.csv`` and ``.md`` (see ``_bench.py``).
"""

from __future__ import annotations

import argparse
import dataclasses
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _bench import best_of, write_results

import landsim
from landsim.quota import _kernel
from landsim.quota.ensemble import run_ensemble, sample_draws
from landsim.quota.scenario import Scenario, ScenarioInputs, run_scenario

EXTRA = {"policy.stock_link.ratio": {"dist": "uniform", "low": 0.8, "high": 1.2},
         "policy.population_link.provincial_factor": {"dist": "uniform", "low": 0.9,
                                                      "high": 1.1}}

CLI = ("import sys\nfrom landsim.cli import main\n"
       "if __name__ == '__main__':\n    sys.exit(main(sys.argv[1:]))\n")


def timed(fn, repeat: int) -> tuple[float, float]:
    """Best wall and best CPU seconds of ``repeat`` calls."""
    cpu = []

    def once() -> None:
        start = time.process_time()
        fn()
        cpu.append(time.process_time() - start)

    wall, _ = best_of(once, repeat)
    return wall, min(cpu)


def _cli(draws: int, fmt: str, out: Path) -> None:
    """``landsim quota simulate`` of the baseline scenario in a fresh process."""
    subprocess.run([sys.executable, "-c", CLI, "quota", "simulate", "--scenario",
                    "baseline", "--draws", str(draws), "--scheduler", "none",
                    "--format", fmt, "--out", str(out)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def cli_rows(draws: int, fmt: str) -> list[dict[str, object]]:
    """One CLI ensemble run in a fresh process: wall, CPU, peak RSS, output sizes."""
    case = f"landsim quota simulate --draws {draws} --scheduler none --format {fmt}"
    with tempfile.TemporaryDirectory() as tmp:
        _cli(1_000, fmt, Path(tmp) / "warm-up")  # compiles the loop once if not cached
        out = Path(tmp) / "run"
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        _cli(draws, fmt, out)
        wall = time.perf_counter() - start
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        peak_kb = usage.ru_maxrss
        cpu = (usage.ru_utime + usage.ru_stime) - (before.ru_utime + before.ru_stime)
        before = before.ru_maxrss
        rows = [{"case": case, "metric": "wall", "value": round(wall, 2), "unit": "s"},
                {"case": case, "metric": "cpu", "value": round(cpu, 2), "unit": "s"}]
        if peak_kb > before:  # the largest child so far: this one (the warm-up is smaller)
            rows.append({"case": case, "metric": "peak RSS", "value": round(peak_kb / 1024),
                         "unit": "MB"})
        rows += [{"case": case, "metric": f"size {p.name}",
                  "value": round(p.stat().st_size / 1e6, 1), "unit": "MB"}
                 for p in sorted(out.iterdir())]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=100_000)
    parser.add_argument("--loop-draws", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dask", action="store_true", help="also time a local Dask cluster")
    parser.add_argument("--cli", action="store_true",
                        help="also time the CLI ensemble (wall, peak memory, file sizes)")
    parser.add_argument("--numpy-loop", action="store_true",
                        help="also time the engine with the compiled year loop switched off")
    args = parser.parse_args()

    rows: list[dict[str, object]] = []
    if args.cli:  # first: peak RSS of children is a running maximum
        rows += cli_rows(args.draws, "parquet")
    inputs = ScenarioInputs.from_county(landsim.load_sample())
    base = Scenario.packaged("baseline")
    scenario = dataclasses.replace(base, end_year=2037,
                                   uncertain={**base.uncertain, **EXTRA})
    draws = sample_draws(scenario.uncertain, args.draws, seed=1)
    size = f"{args.draws:,} draws x 15 years x 8 townships"
    cases = [("engine, all draws in one call", args.draws,
              lambda: run_scenario(scenario, inputs, draws=draws), args.repeat),
             ("engine + a township array (second loop pass)", args.draws,
              lambda: run_scenario(scenario, inputs, draws=draws).result.arrays[
                  "pop_link_quota_ha"], args.repeat),
             ("run_ensemble in-process, batches of 10,000", args.draws,
              lambda: run_ensemble(scenario, inputs, args.draws, seed=1), args.repeat)]
    if args.numpy_loop:
        def numpy_loop() -> None:
            saved = _kernel.AVAILABLE
            _kernel.AVAILABLE = False
            try:
                run_scenario(scenario, inputs, draws=draws)
            finally:
                _kernel.AVAILABLE = saved

        cases.append(("engine, numpy year loop (reference)", args.draws, numpy_loop, 1))
    if args.dask:
        cases.append(("run_ensemble, local Dask cluster", args.draws,
                      lambda: run_ensemble(scenario, inputs, args.draws, seed=1,
                                           scheduler="local"), 1))

    def loop() -> None:
        for i in range(args.loop_draws):
            run_scenario(scenario, inputs, draws={k: v[i:i + 1] for k, v in draws.items()})

    cases.append(("per-draw Python loop", args.loop_draws, loop, 1))
    per_draw_loop = None
    measured = []
    for name, n, fn, repeat in cases:
        wall, cpu = timed(fn, repeat)
        measured.append((name, n, wall))
        case = f"{name}: {size}" if n == args.draws else f"{name}: {n:,} draws"
        rows += [{"case": case, "metric": "wall", "value": round(wall, 3), "unit": "s"},
                 {"case": case, "metric": "cpu", "value": round(cpu, 3), "unit": "s"},
                 {"case": case, "metric": "per draw", "value": round(1e6 * wall / n, 1),
                  "unit": "us"}]
        print(f"{name:<46} {n:>8,} draws {wall:>8.2f} s wall {cpu:>8.2f} s cpu", flush=True)
    per_draw_loop = measured[-1][2] / args.loop_draws
    for name, n, wall in measured[:-1]:
        rows.append({"case": f"{name}: {size}", "metric": "speed-up over the loop",
                     "value": round(per_draw_loop * n / wall), "unit": "x"})
    write_results("bench_quota", rows)


if __name__ == "__main__":
    main()
