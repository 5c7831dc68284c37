"""Time the seeded county generator and its writer; check same seed -> same bytes.

    python benchmarks/bench_synthesize.py [--sizes 5000 100000] [--repeat 3]

Prints one row per size: best-of-N generation time, write time (CSV + GeoPackage), number
of adjacency edges, and whether two writes with the same seed gave identical files;
writes ``build/bench/bench_synthesize.csv`` and ``.md`` (see ``_bench.py``).
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
import time
from pathlib import Path

from _bench import write_results

from landsim.synthetic import synthesize, write_county


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()


def run(n: int, repeat: int, seed: int) -> dict[str, object]:
    gen = []
    for _ in range(repeat):
        start = time.perf_counter()
        county = synthesize(n, seed)
        gen.append(time.perf_counter() - start)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        write_county(county, Path(tmp) / "a")
        write_s = time.perf_counter() - start
        write_county(synthesize(n, seed), Path(tmp) / "b")
        same = digest(Path(tmp) / "a") == digest(Path(tmp) / "b")
    return {"parcels": n, "edges": len(county.edges), "generate_s": min(gen),
            "write_s": write_s, "total_s": min(gen) + write_s, "same_bytes": same}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 20000, 100000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2023)
    args = parser.parse_args()
    print(f"{'parcels':>9} {'edges':>8} {'generate_s':>11} {'write_s':>8} {'total_s':>8} "
          f"{'same_bytes':>10}")
    rows = []
    for n in args.sizes:
        r = run(n, args.repeat, args.seed)
        case = f"synthesize + write_county: {n:,} parcels ({r['edges']:,} edges)"
        rows += [{"case": case, "metric": k.removesuffix("_s"), "value": round(r[k], 3),
                  "unit": "s"} for k in ("generate_s", "write_s", "total_s")]
        rows.append({"case": case, "metric": "same seed, same bytes",
                     "value": int(r["same_bytes"]), "unit": "1 = yes"})
        print(f"{r['parcels']:>9,} {r['edges']:>8,} {r['generate_s']:>11.2f} {r['write_s']:>8.2f} "
              f"{r['total_s']:>8.2f} {r['same_bytes']!s:>10}")

    write_results("bench_synthesize", rows)

if __name__ == "__main__":
    main()
