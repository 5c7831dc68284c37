"""Time ``landsim county import`` on large synthetic 三调 layers (issue 12: 200,000 polygons
with overlay and adjacency in under 2 minutes on 2 cores).

    python benchmarks/bench_county_import.py [--sizes 200000]

For each size, a synthetic county (``landsim.synthesize``) is written as 三调-style layers
(:func:`landsim.county_import.sample.write_sandiao`: a DLTB GeoPackage with the standard
fields, the PBF, red-line and UDB polygons; not timed), then imported with the three
control lines and written as a county folder. Prints one row per size with the seconds
of each stage (read, attributes, overlay, edges, write) and the total, and writes
``build/bench/bench_county_import.csv`` and ``.md`` (see ``_bench.py``). Timings never
enter the test suite.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pandas as pd
from _bench import write_results

from landsim.county_import import import_county, write_import
from landsim.county_import.sample import write_sandiao
from landsim.synthetic import synthesize

TARGET_S = 120.0
"""The issue's target for 200,000 polygons on 2 cores [s]."""


def run(n: int, seed: int, folder: Path) -> dict[str, object]:
    write_sandiao(synthesize(n, seed), folder / "layers")
    gpkg = folder / "layers" / "sandiao.gpkg"
    start = time.perf_counter()
    result = import_county(gpkg, pbf=gpkg, redline=gpkg, udb=gpkg)
    imported = time.perf_counter() - start
    start = time.perf_counter()
    write_import(result, folder / "county")
    write_s = time.perf_counter() - start
    overlays = result.report.overlays.set_index("layer")
    return {"polygons": n, "edges": len(result.edges),
            "split_parcels": int(overlays["split_parcels"].sum()),
            **{f"{k}_s": round(v, 2) for k, v in result.seconds.items()},
            "write_s": round(write_s, 2), "total_s": round(imported + write_s, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200_000])
    parser.add_argument("--seed", type=int, default=2023)
    args = parser.parse_args()
    rows = []
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            rows.append(run(n, args.seed, Path(tmp)))
        print(pd.DataFrame(rows).to_string(index=False), flush=True)
    table = pd.DataFrame(rows)
    long = []
    for row in table.to_dict("records"):
        case = f"import {row['polygons']:,} polygons ({row['edges']:,} edges)"
        long += [{"case": case, "metric": k.removesuffix("_s"), "value": v, "unit": "s"}
                 for k, v in row.items() if k.endswith("_s")]
        long.append({"case": case, "metric": "target (scaled from 200,000 in 120 s)",
                     "value": round(TARGET_S * row["polygons"] / 200_000, 1), "unit": "s"})
    write_results("bench_county_import", long)


if __name__ == "__main__":
    main()
