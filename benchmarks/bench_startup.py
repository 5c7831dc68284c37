"""Start-up of ``landsim farmland marxan``: where the first second of a small budget goes.

Runs the scorecard's shortest command as a fresh process, with ``-X importtime``::

    python -X importtime -m landsim farmland marxan TASMANIA --out DIR --time-limit 0.5 --quiet

``--repeat`` times and reports the median of: the whole wall time, the time the command
spent before writing (``wall_seconds_before_write`` of summary.json, counted from the
start of the process), the import time of all modules, and the import time by top-level
package (the own time of its modules: numpy's figure includes the numpy submodules that
another package's import touches, e.g. scipy's array-API layer loading ``numpy.f2py``). Any of
pandas, PuLP, matplotlib, geopandas or pyarrow in the import list is reported: the
in-process path needs none of them. Writes ``build/bench/bench_startup.{csv,md}``.

    python benchmarks/bench_startup.py --repeat 5
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from _bench import write_results

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "marxan-tasmania"
HEAVY = ("pandas", "pulp", "matplotlib", "geopandas", "pyarrow", "ipywidgets")
"""Packages the in-process Marxan path should not import."""


def import_times(stderr: str) -> dict[str, float]:
    """Import time by top-level package from ``-X importtime`` lines (own time). [s]"""
    by_package: dict[str, float] = defaultdict(float)
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        own, _, name = line[len("import time:"):].split("|")
        by_package[name.strip().split(".")[0]] += int(own) / 1e6
    return dict(by_package)


def run_once(input_dir: str, out: Path, budget: float) -> tuple[float, float, dict[str, float]]:
    """Wall time [s], time before writing [s] and import times by package [s] of one run."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "landsim", "farmland",
                           "marxan", input_dir, "--out", str(out), "--time-limit",
                           f"{budget:g}", "--quiet"], capture_output=True, text=True,
                          check=False)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"landsim failed: {done.stderr.strip()[-2000:]}")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return wall, float(summary["wall_seconds_before_write"]), import_times(done.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input-dir", default=str(DEFAULT_DIR), help="Marxan folder")
    parser.add_argument("--budget", type=float, default=0.5, help="--time-limit [s]")
    parser.add_argument("--repeat", type=int, default=5, help="fresh processes to run")
    args = parser.parse_args()
    load = os.getloadavg()
    print(f"farmland marxan start-up, --time-limit {args.budget:g}; load average "
          f"{load[0]:.2f} on {os.cpu_count()} cores")
    walls, before_write, imports = [], [], defaultdict(list)
    with tempfile.TemporaryDirectory(prefix="startup_") as tmp:
        for k in range(max(args.repeat, 1)):
            wall, solved, by_package = run_once(args.input_dir, Path(tmp) / f"run{k}",
                                                args.budget)
            walls.append(wall)
            before_write.append(solved)
            for name in {*imports, *by_package}:
                imports[name].append(by_package.get(name, 0.0))
    total = [sum(values) for values in zip(*imports.values(), strict=True)]
    case = f"tasmania --time-limit {args.budget:g}"
    rows = [{"case": case, "metric": "wall", "value": statistics.median(walls), "unit": "s"},
            {"case": case, "metric": "before write", "value": statistics.median(before_write),
             "unit": "s"},
            {"case": case, "metric": "imports", "value": statistics.median(total), "unit": "s"}]
    ranked = sorted(imports, key=lambda name: -statistics.median(imports[name]))
    rows += [{"case": case, "metric": f"import {name}",
              "value": statistics.median(imports[name]), "unit": "s"}
             for name in ranked[:8]]
    heavy = sorted(set(HEAVY) & set(imports))
    rows.append({"case": case, "metric": "heavy packages imported", "value": len(heavy),
                 "unit": "count"})
    for row in rows:
        print(f"{row['metric']:>24}: {row['value']:.3f} {row['unit']}")
    print(f"heavy packages imported: {', '.join(heavy) or 'none'}")
    write_results("bench_startup", rows)


if __name__ == "__main__":
    main()
