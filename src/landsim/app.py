"""The Voila web app's landing page (首页): one line per notebook page.

:func:`pages` reads each notebook's title (its first ``#`` heading, Chinese · English) and
its first line of description (the first paragraph under the heading, Chinese), so a new
notebook appears on the landing page by itself. :func:`landing_page` shows them as a
table of links that work in Voila (``/voila/render/...``) and in JupyterLab.
:func:`voila_server` starts the app on a free local port for the browser tests and the
page-load benchmark.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

import pandas as pd

__all__ = ["LANDING", "landing_page", "pages", "voila_server"]

LANDING = "index.ipynb"
"""File name of the landing page notebook (left out of its own list)."""


def _title_and_line(notebook: Path) -> tuple[str, str]:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    first = next((c for c in nb["cells"] if c["cell_type"] == "markdown"), None)
    lines = "".join(first["source"]).splitlines() if first else []
    title = next((ln.lstrip("# ").strip() for ln in lines if ln.startswith("# ")), notebook.stem)
    body = [ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")]
    line = body[0] if body else ""
    # the Chinese sentence up to its first full stop
    match = re.match(r"(.+?[。！？])", line)
    return title, (match.group(1) if match else line)


def pages(folder: str | Path = ".") -> pd.DataFrame:
    """Every notebook page of ``folder`` but the landing page: file, title, description.

    >>> from landsim.app import pages
    >>> import tempfile, json, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> cell = {"cell_type": "markdown", "metadata": {}, "source": ["# 导览 · Tour\\n", "\\n",
    ...         "本页介绍样例县。More text.\\n"]}
    >>> _ = (d / "00_tour.ipynb").write_text(json.dumps({"cells": [cell]}), encoding="utf-8")
    >>> pages(d).to_dict("records")
    [{'file': '00_tour.ipynb', 'title': '导览 · Tour', 'description': '本页介绍样例县。'}]
    """
    rows = []
    for path in sorted(Path(folder).glob("*.ipynb")):
        if path.name == LANDING:
            continue
        title, line = _title_and_line(path)
        rows.append({"file": path.name, "title": title, "description": line})
    return pd.DataFrame(rows, columns=["file", "title", "description"])


class _Landing:
    def __init__(self, table: pd.DataFrame) -> None:
        self.table = table

    def _repr_html_(self) -> str:
        rows = "".join(
            f'<tr><td><a href="{html.escape(r.file)}" target="_self">{html.escape(r.title)}'
            f"</a></td><td>{html.escape(r.description)}</td></tr>"
            for r in self.table.itertuples(index=False))
        return ('<table class="landsim-landing" style="font-size:15px">'
                "<thead><tr><th>页面 Page</th><th>内容 What it shows</th></tr></thead>"
                f"<tbody>{rows}</tbody></table>")

    def __repr__(self) -> str:
        return "\n".join(f"{r.title}: {r.description} ({r.file})"
                         for r in self.table.itertuples(index=False))


def landing_page(folder: str | Path = ".") -> _Landing:
    """The landing page's table of pages (links open each page)."""
    return _Landing(pages(folder))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_http(url: str, process: subprocess.Popen[bytes], timeout_s: float) -> None:
    """Return once ``url`` answers 200; raise if the server exits or ``timeout_s`` [s] pass."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            msg = f"the server exited early with status {process.returncode}"
            raise RuntimeError(msg)
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    msg = f"{url} did not answer within {timeout_s:.0f} s"
    raise RuntimeError(msg)


@contextlib.contextmanager
def voila_server(folder: str | Path, log: str | Path, extra_args: Sequence[str] = (),
                 cwd: str | Path | None = None, start_timeout_s: float = 60.0
                 ) -> Iterator[str]:
    """Serve ``folder`` with Voila on a free port of 127.0.0.1 and yield its base URL.

    The server runs in its own process group (stopped with SIGTERM, then SIGKILL after
    10 s) from ``cwd``, whose ``voila.json`` configures it; its output goes to ``log``.
    """
    port = _free_port()
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "voila", str(folder), "--no-browser", f"--port={port}",
             "--Voila.ip=127.0.0.1", *extra_args],
            stdout=out, stderr=subprocess.STDOUT, cwd=cwd, start_new_session=True)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_http(f"{url}/", process, start_timeout_s)
            yield url
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
