"""Execute every notebook headless and write its HTML page to ``build/`` (``make demo``).

``jupyter nbconvert --execute`` can wait for ever when a widget cell's reply is lost
(jupyter/nbclient issue 312): the client blocks on the shell channel with no timeout. Here
every cell has a time limit; a notebook whose cell times out or whose kernel dies is run
again in a fresh kernel (up to three attempts), so the demo always finishes. Pages are
written under a temporary name and moved into place.

    python tools/demo.py [--out build] [--cell-timeout 60] notebooks/*.ipynb
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbconvert import HTMLExporter

ATTEMPTS = 3
"""Runs of one notebook before the demo gives up on it."""


def execute(path: Path, cell_timeout: float) -> nbformat.NotebookNode:
    """The executed notebook; retried in a fresh kernel when a cell times out."""
    for attempt in range(1, ATTEMPTS + 1):
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=cell_timeout, kernel_name="python3",
                                record_timing=False,
                                resources={"metadata": {"path": str(path.parent)}})
        try:
            client.execute()
            return nb
        except (CellTimeoutError, DeadKernelError) as err:
            reason = str(err).splitlines()[0] if str(err) else type(err).__name__
            print(f"demo: {path.name}: attempt {attempt} of {ATTEMPTS} stopped ({reason}); "
                  "running it again in a fresh kernel", file=sys.stderr)
    msg = f"{path}: no complete run in {ATTEMPTS} attempts"
    raise SystemExit(msg)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=Path("build"))
    parser.add_argument("--cell-timeout", type=float, default=60.0,
                        help="seconds a cell may run before the notebook is retried")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    exporter = HTMLExporter()
    for path in args.notebooks:
        start = time.perf_counter()
        body, _ = exporter.from_notebook_node(execute(path, args.cell_timeout))
        target = args.out / f"{path.stem}.html"
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_text(body, encoding="utf-8")
        tmp.replace(target)
        print(f"demo: {path.name} -> {target} ({time.perf_counter() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
