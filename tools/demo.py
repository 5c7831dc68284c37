"""Execute every notebook headless and write its HTML page to ``build/`` (``make demo``).

Notebooks run through :func:`landsim.execution.execute_notebook`, which removes the cause
of the old hang (jupyter/nbclient issue 312: a lost wake-up on the shell socket after a
widget cell; see that module) and stops any cell that runs over ``--cell-timeout`` with an
error naming the notebook and the cell, so the demo always ends. Pages are written under a
temporary name and moved into place.

    python tools/demo.py [--out build] [--cell-timeout 300] notebooks/*.ipynb
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

from landsim.execution import DEFAULT_CELL_TIMEOUT_S, NotebookRunError, execute_notebook


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=Path("build"))
    parser.add_argument("--cell-timeout", type=float, default=DEFAULT_CELL_TIMEOUT_S,
                        help="seconds one cell may run before the demo stops with an error")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    exporter = HTMLExporter()
    for path in args.notebooks:
        start = time.perf_counter()
        nb = nbformat.read(path, as_version=4)
        try:
            execute_notebook(nb, name=str(path), cwd=path.parent, cell_timeout=args.cell_timeout)
        except NotebookRunError as err:
            print(f"demo: error: {err}", file=sys.stderr)
            return 1
        body, _ = exporter.from_notebook_node(nb)
        target = args.out / f"{path.stem}.html"
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_text(body, encoding="utf-8")
        tmp.replace(target)
        print(f"demo: {path.name} -> {target} ({time.perf_counter() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
