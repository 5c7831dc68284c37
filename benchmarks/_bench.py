"""What every ``benchmarks/bench_*.py`` script shares: the long result table it writes.

Each script hands its measurements to :func:`write_results`, which writes
``build/bench/<script stem>.csv`` and ``.md`` with the columns :data:`COLUMNS` (one row a
measurement). ``benchmarks/run_all.py`` (``make bench``) runs every script and joins those
files into one table with the machine's description. Performance goals live here and in
the tables, never as timed assertions in the tests.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

import pandas as pd

COLUMNS = ("benchmark", "case", "metric", "value", "unit")
"""Columns of every result table: script stem, what was run (sizes, options), what was
measured, the number, its unit."""

OUT_DIR = Path(os.environ.get("LANDSIM_BENCH_DIR", "build/bench"))
"""Where the tables go (``LANDSIM_BENCH_DIR`` overrides; run_all.py sets it)."""


def best_of(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    """Smallest wall time of ``repeat`` calls [s] and the last call's result."""
    times, result = [], None
    for _ in range(max(int(repeat), 1)):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def markdown(table: pd.DataFrame) -> str:
    """``table`` as a GitHub markdown table (numbers to 4 significant digits)."""
    def cell(v: object) -> str:
        if isinstance(v, float):
            return f"{v:,.4g}" if abs(v) < 1e15 else f"{v:.4g}"
        return str(v).replace("|", "/")

    head = "| " + " | ".join(table.columns) + " |"
    rule = "|" + "|".join("---" for _ in table.columns) + "|"
    rows = ["| " + " | ".join(cell(v) for v in row) + " |"
            for row in table.itertuples(index=False)]
    return "\n".join([head, rule, *rows]) + "\n"


def write_results(benchmark: str, rows: Iterable[Mapping[str, object]],
                  out_dir: Path | None = None) -> Path:
    """Write ``rows`` (dicts with :data:`COLUMNS` but ``benchmark``) as CSV and markdown.

    Returns the CSV path, ``<out_dir>/<benchmark>.csv``.
    """
    out = OUT_DIR if out_dir is None else Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    table = pd.DataFrame([{"benchmark": benchmark, **row} for row in rows],
                         columns=list(COLUMNS))
    path = out / f"{benchmark}.csv"
    table.to_csv(path, index=False, lineterminator="\n")
    (out / f"{benchmark}.md").write_text(f"# {benchmark}\n\n" + markdown(table),
                                         encoding="utf-8")
    print(table.to_string(index=False))
    print(f"wrote {path}")
    return path


def write_tables(benchmark: str, long_rows: Sequence[Sequence[object]], header: Sequence[str],
                 wide_rows: Sequence[Sequence[object]], note: str = "") -> Path:
    """Write the long table (rows of :data:`COLUMNS`) as ``<benchmark>.csv`` and, for people,
    the wide table the script printed (already formatted cells) as ``<benchmark>.md``.

    Returns the CSV path.
    """
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / f"{benchmark}.csv"
    pd.DataFrame(list(long_rows), columns=list(COLUMNS)).to_csv(path, index=False,
                                                                lineterminator="\n")
    wide = pd.DataFrame([[str(c) for c in row] for row in wide_rows], columns=list(header))
    (OUT_DIR / f"{benchmark}.md").write_text(f"# {benchmark}\n\n{note}\n\n" + markdown(wide),
                                            encoding="utf-8")
    print(f"wrote {path}")
    return path
