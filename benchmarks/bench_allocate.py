"""Benchmark the year-by-year allocation on a large synthetic county.

    python benchmarks/bench_allocate.py [--parcels 100000] [--repeat 3] [--out build/bench_allocate.csv]

A synthetic county of ``--parcels`` parcels (``landsim.synthetic.synthesize``, seed 2023,
with its synthetic UDB zoning) and the baseline scenario run by township to 2037 (15
simulated years, 2023-2037). Times :func:`landsim.allocation.allocate_county` (zone checks,
suitability, 15 years of per-year LPs, consumption table) with the greedy and, once, with
the LP solver; prints one row per measurement and writes them as CSV. The target of
issue 16 is under 20 s for the greedy run on 2 cores.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import time
from pathlib import Path

import pandas as pd

from landsim.allocation import AllocationParams, allocate_county
from landsim.datasets import county_from_synthetic
from landsim.quota.scenario import Scenario, ScenarioInputs, run_scenario
from landsim.synthetic import synthesize


def best(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", default="build/bench_allocate.csv")
    args = parser.parse_args()

    start = time.perf_counter()
    county = county_from_synthetic(synthesize(args.parcels))
    made = time.perf_counter() - start
    scenario = dataclasses.replace(Scenario.packaged("baseline"), end_year=2037)
    run = run_scenario(scenario, ScenarioInputs.from_county(county), by="township")
    years = run.annual["year"].nunique()
    rows = []
    greedy_s, res = best(lambda: allocate_county(county, run.annual), args.repeat)
    rows.append(("allocate_county, greedy (best of repeats)", greedy_s, res))
    lp_s, res_lp = best(lambda: allocate_county(county, run.annual,
                                                AllocationParams(method="lp")), 1)
    rows.append(("allocate_county, LP solver (CBC), once", lp_s, res_lp))
    table = pd.DataFrame([{
        "what": what, "parcels": args.parcels, "years": years,
        "zoned_parcels": len(r.zones), "allocation_rows": len(r.allocation),
        "allocated_ha": round(float(r.shortfall["allocated_ha"].sum()), 2),
        "shortfall_ha": round(float(r.shortfall["shortfall_ha"].sum()), 2),
        "seconds": round(s, 2), "cpus": os.cpu_count()} for what, s, r in rows])
    print(f"synthesize({args.parcels:,}): {made:.1f} s (not timed below)")
    print(table.to_string(index=False))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out, index=False)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
