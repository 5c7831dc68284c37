"""Write a benchmark's table as ``build/bench/<stem>.csv`` (long form) and ``<stem>.md``.

The CSV has one row per measurement with the columns ``benchmark, case, metric, value,
unit`` (what ``make bench`` collects from ``build/bench/*.csv``); the markdown file holds
the wide table the script printed.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parents[1] / "build" / "bench"
"""Where every benchmark writes its table."""

LONG_COLUMNS = ("benchmark", "case", "metric", "value", "unit")


def markdown(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A markdown table of already formatted cells."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def write_tables(stem: str, long_rows: Sequence[Sequence[object]], header: Sequence[str],
                 wide_rows: Sequence[Sequence[object]], note: str = "") -> tuple[Path, Path]:
    """Write ``<stem>.csv`` (rows of :data:`LONG_COLUMNS`) and ``<stem>.md``; return both."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    csv_path, md_path = BENCH_DIR / f"{stem}.csv", BENCH_DIR / f"{stem}.md"
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(LONG_COLUMNS)
        writer.writerows(long_rows)
    md_path.write_text(f"# {stem}\n\n{note}\n\n" + markdown(header, wide_rows),
                       encoding="utf-8")
    return csv_path, md_path
