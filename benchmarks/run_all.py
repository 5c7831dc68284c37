"""Run every ``benchmarks/bench_*.py`` and join their tables into one (``make bench``).

    python benchmarks/run_all.py [--out build/bench] [--timeout 900] [--only quota allocate]

Each script runs in its own process with quick but meaningful arguments (:data:`ARGS`;
a script not listed runs with its defaults) and a time limit; it writes
``<out>/<stem>.csv`` (columns benchmark, case, metric, value, unit). A script that fails,
times out or writes no table gets a ``failed`` row with the reason instead, so one broken
benchmark never hides the others. Then ``<out>/bench.csv`` and ``<out>/bench.md`` hold
every row under a header describing the machine (CPU, cores, memory, Python, numpy, OS,
load average, date, git commit). Copy ``bench.md`` to ``benchmarks/RESULTS.md`` when it
is the table the README should quote.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
from _bench import COLUMNS, markdown

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

ARGS: dict[str, list[str] | list[list[str]]] = {
    "bench_quota": ["--draws", "100000", "--repeat", "2", "--loop-draws", "100", "--cli"],
    "bench_allocate": ["--parcels", "20000", "--repeat", "1"],
    "bench_county_import": ["--sizes", "20000"],
    "bench_synthesize": ["--sizes", "5000", "20000", "--repeat", "2"],
    "bench_topsoil": ["--sizes", "10", "100", "300", "--pulp-max", "100"],
    "bench_scorecard": [],
    "bench_marxan": [["--time-limit", "30"],
                     ["--hex", "100000", "--solvers", "auto", "--time-limit", "60", "--gap",
                      "0.005"]],
    "bench_farmland": [["--sizes", "10000", "--solvers", "highs", "auto", "--time-limit",
                        "60"],
                       ["--generator", "grid", "--sizes", "100000", "--solvers", "auto",
                        "--time-limit", "60", "--gap", "0.005"]],
}
"""Arguments per script (a list of lists: one run per list): sizes that finish in a few
minutes on 2 cores yet show the scaling the issues' targets speak of, and issue 14's two
100,000-cell grids (the scripts' own defaults are the full-size runs)."""


def runs_of(stem: str) -> list[list[str]]:
    """The argument lists of one script (one run each; no entry: one run, no arguments).

    >>> runs_of("bench_topsoil")[0][:2], len(runs_of("bench_farmland")), runs_of("x")
    (['--sizes', '10'], 2, [[]])
    """
    args = ARGS.get(stem, [])
    if args and isinstance(args[0], list):
        return [list(a) for a in args]
    return [list(args)]  # type: ignore[arg-type]


def _read(path: str, default: str = "") -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError:
        return default


def machine_info() -> dict[str, str]:
    """Where and when the table was measured."""
    import numpy as np

    cpu = next((line.split(":", 1)[1].strip() for line in _read("/proc/cpuinfo").splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    mem_kb = next((int(line.split()[1]) for line in _read("/proc/meminfo").splitlines()
                   if line.startswith("MemTotal:")), 0)
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                                capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=REPO, capture_output=True, text=True).stdout.strip()
        commit += " (with uncommitted changes)" if dirty else ""
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    return {
        "date (UTC)": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"),
        "git commit": commit,
        "CPU": cpu,
        "cores": str(os.cpu_count()),
        "RAM": f"{mem_kb / 1024**2:.1f} GiB",
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "load average (1/5/15 min) at start": load,
    }


def run_one(script: Path, out: Path, timeout: float, args: list[str]) -> pd.DataFrame:
    """Run one script with ``args``; its table, or one ``failed`` row saying why."""
    stem = script.stem
    table_path = out / f"{stem}.csv"
    table_path.unlink(missing_ok=True)
    env = {**os.environ, "LANDSIM_BENCH_DIR": str(out)}
    cmd = [sys.executable, str(script), *args]
    start = time.perf_counter()
    reason = ""
    try:
        proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True,
                              timeout=timeout)
        (out / f"{stem}.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
        if proc.returncode != 0:
            last = (proc.stderr.strip().splitlines() or ["no message"])[-1]
            reason = f"exit {proc.returncode}: {last[:200]}"
    except subprocess.TimeoutExpired:
        reason = f"timed out after {timeout:g} s"
    seconds = time.perf_counter() - start
    if not reason and not table_path.is_file():
        reason = f"wrote no {table_path.name}"
    if not reason:
        table = pd.read_csv(table_path)
        missing = [c for c in COLUMNS if c not in table.columns]
        if not missing:
            return table
        reason = f"{table_path.name} lacks columns {missing}"
    print(f"{stem}: FAILED ({reason})", flush=True)
    return pd.DataFrame([{"benchmark": stem, "case": " ".join(cmd[2:]) or "defaults",
                          "metric": "failed", "value": seconds, "unit": f"s; {reason}"}])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="build/bench", help="folder of the tables")
    parser.add_argument("--timeout", type=float, default=900.0,
                        help="seconds each script may take")
    parser.add_argument("--only", nargs="+", default=None, metavar="NAME",
                        help="run only these scripts (stems with or without 'bench_')")
    args = parser.parse_args()
    if args.timeout <= 0:
        parser.error(f"--timeout {args.timeout:g}: must be > 0 seconds. Fix: e.g. 900")
    out = (REPO / args.out) if not Path(args.out).is_absolute() else Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    scripts = sorted(HERE.glob("bench_*.py"))
    if args.only:
        wanted = {n if n.startswith("bench_") else f"bench_{n}" for n in args.only}
        unknown = sorted(wanted - {s.stem for s in scripts})
        if unknown:
            parser.error(f"--only {' '.join(unknown)}: no such benchmark. Fix: one of "
                         + ", ".join(s.stem for s in scripts))
        scripts = [s for s in scripts if s.stem in wanted]
    info = machine_info()
    tables = []
    for script in scripts:
        for run in runs_of(script.stem):
            print(f"== {script.stem} {' '.join(run)}", flush=True)
            start = time.perf_counter()
            tables.append(run_one(script, out, args.timeout, run))
            print(f"   {time.perf_counter() - start:.1f} s", flush=True)
    table = pd.concat(tables, ignore_index=True)[list(COLUMNS)]
    info["load average (1/5/15 min) at end"] = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    table.to_csv(out / "bench.csv", index=False, lineterminator="\n")
    header = "\n".join(f"- {k}: {v}" for k, v in info.items())
    (out / "machine.txt").write_text(header + "\n", encoding="utf-8")
    text = ("# landsim benchmarks\n\nMeasured by `make bench` (`benchmarks/run_all.py`); "
            "each script's arguments are in `run_all.ARGS`. Timings are wall-clock seconds on "
            "a machine shared with other work: compare rows of one table, not tables of "
            "different days.\n\n" + header + "\n\n" + markdown(table))
    (out / "bench.md").write_text(text, encoding="utf-8")
    failed = table[table["metric"] == "failed"]["benchmark"].tolist()
    print(f"wrote {out / 'bench.md'} and {out / 'bench.csv'} ({len(table)} rows"
          + (f"; failed: {', '.join(failed)}" if failed else "") + ")")


if __name__ == "__main__":
    main()
