"""Benchmark the single-period topsoil transport against POT's network simplex.

For each size S x D (seeded random supplies, demands and coordinates; one year; no
stockpiles) it times:

- ``ot.emd``      POT's network simplex on the same balanced problem (dummy "unused
                  demand" source and "disposal" destination) -- the reference;
- ``landsim emd`` ``TopsoilModel.from_arrays(...).solve(method="emd")``: model build,
                  the same ot.emd call and the result tables;
- ``landsim highs`` the full LP from the same sparse arrays, scipy HiGHS;
- ``pulp build`` / ``pulp solve`` the PuLP model from the arrays, solved by CBC
                  (only up to ``--pulp-max`` sources, PuLP's Python objects dominate).

Every path's objective is checked against ot.emd's. Prints one row per (size, path) and
writes ``build/bench/bench_topsoil.csv`` and ``.md`` (see ``_bench.py``)::

    python benchmarks/bench_topsoil.py --sizes 10 100 300 1000 --pulp-max 300
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _bench import write_results

from landsim.topsoil import TopsoilModel, TopsoilParams


def problem(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    supply = rng.uniform(500, 20_000, n).round()
    demand = rng.uniform(500, 25_000, n).round()
    a = rng.uniform(0, 40_000, (n, 2))
    b = rng.uniform(0, 40_000, (n, 2))
    km = np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=2)) / 1000 * 1.3
    return supply, demand, km


def reference(supply: np.ndarray, demand: np.ndarray, km: np.ndarray, p: TopsoilParams
              ) -> tuple[float, float]:
    import ot

    cost = p.haul_cost_yuan_per_m3_km * km
    m = np.zeros((len(supply) + 1, len(demand) + 1))
    m[:-1, :-1] = cost
    m[:-1, -1] = p.disposal_penalty_yuan_per_m3
    total = supply.sum() + demand.sum()
    aa = np.append(supply, demand.sum()) / total
    bb = np.append(demand, supply.sum()) / total
    bb[-1] += aa.sum() - bb.sum()
    t0 = time.perf_counter()
    plan = ot.emd(aa, bb, m, numItermax=100_000_000)
    seconds = time.perf_counter() - t0
    return seconds, float((plan * m).sum() * total)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 300, 1000])
    parser.add_argument("--pulp-max", type=int, default=300)
    parser.add_argument("--highs-max", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    p = TopsoilParams(strip_cost_yuan_per_m3=0.0)
    print(f"{'size':>11} {'path':<14} {'seconds':>9} {'x ot.emd':>9} {'objective yuan':>16}"
          f" {'rel diff':>9}")
    table = []
    for n in args.sizes:
        supply, demand, km = problem(n, args.seed)
        ref_s, ref_obj = reference(supply, demand, km, p)
        rows = [("ot.emd", ref_s, ref_obj)]
        t0 = time.perf_counter()
        res = TopsoilModel.from_arrays(supply, demand, km, params=p).solve(method="emd")
        rows.append(("landsim emd", time.perf_counter() - t0, res.objective_yuan))
        if n <= args.highs_max:
            t0 = time.perf_counter()
            res = TopsoilModel.from_arrays(supply, demand, km, params=p).solve(method="highs")
            rows.append(("landsim highs", time.perf_counter() - t0, res.objective_yuan))
        if n <= args.pulp_max:
            model = TopsoilModel.from_arrays(supply, demand, km, params=p)
            t0 = time.perf_counter()
            model.build()
            build = time.perf_counter() - t0
            t0 = time.perf_counter()
            res = model.solve(method="pulp")
            rows.append(("pulp build", build, float("nan")))
            rows.append(("pulp solve", time.perf_counter() - t0, res.objective_yuan))
        for name, seconds, obj in rows:
            rel = abs(obj - ref_obj) / ref_obj if np.isfinite(obj) else float("nan")
            print(f"{n:>5}x{n:<5} {name:<14} {seconds:>9.3f} {seconds / ref_s:>9.1f} "
                  f"{obj:>16,.0f} {rel:>9.1e}")
            case = f"{name}: {n} sources x {n} destinations"
            table.append({"case": case, "metric": "wall", "value": round(seconds, 4),
                          "unit": "s"})
            if np.isfinite(rel):
                table.append({"case": case, "metric": "objective rel. diff vs ot.emd",
                              "value": rel, "unit": "-"})
    write_results("bench_topsoil", table)


if __name__ == "__main__":
    main()
