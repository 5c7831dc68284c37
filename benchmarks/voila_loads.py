"""Load every Voila page many times in a real browser and count stalls (issue 18, item 2).

    python benchmarks/voila_loads.py [--loads 20] [--timeout 240] [PAGE ...]

Starts Voila on a free local port with the project's ``voila.json`` (run from the project
folder), opens each page (default: every notebook) ``--loads`` times in a row in headless
Debian chromium, and waits until the page has finished executing (no "Executing" banner
left and the page's last widget or table shown). A load that does not finish within
``--timeout`` seconds counts as a stall. Prints one line per load and a table: page, loads,
finished, stalls, median and longest seconds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from landsim.app import voila_server

REPO = Path(__file__).resolve().parents[1]
READY = {"index.ipynb": "table.landsim-landing", "07_import_county.ipynb": "table"}
"""Selector that shows a page has rendered (default: a widget's output table; the import
page has no widget)."""


def main(argv: list[str] | None = None) -> int:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*")
    parser.add_argument("--loads", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=240.0)
    args = parser.parse_args(argv)
    pages = args.pages or sorted(p.name for p in (REPO / "notebooks").glob("*.ipynb"))
    (REPO / "build").mkdir(exist_ok=True)
    rows = []
    with voila_server(REPO / "notebooks", REPO / "build" / "voila_loads.log", cwd=REPO) as url, \
            sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True)
        for name in pages:
            seconds, stalls = [], 0
            for i in range(1, args.loads + 1):
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                start = time.perf_counter()
                ok = True
                try:
                    page.goto(f"{url}/voila/render/{name}",
                              wait_until="commit", timeout=args.timeout * 1000)
                    page.wait_for_selector(
                        READY.get(name, ".widget-interact .widget-output table"),
                        timeout=args.timeout * 1000)
                    page.wait_for_function(
                        "!document.body.innerText.includes('Executing')",
                        timeout=args.timeout * 1000)
                except PlaywrightTimeout:
                    ok = False
                    stalls += 1
                seconds.append(time.perf_counter() - start)
                context.close()  # the tab closes: its kernel becomes idle, then culled
                print(f"{name} load {i}/{args.loads}: {'ok' if ok else 'STALL'} "
                      f"{seconds[-1]:.1f} s", flush=True)
            rows.append((name, args.loads, args.loads - stalls, stalls,
                         statistics.median(seconds), max(seconds)))
        browser.close()
    print(f"\n{'page':<26} loads finished stalls median_s max_s")
    for name, loads, fin, st, med, top in rows:
        print(f"{name:<26} {loads:>5} {fin:>8} {st:>6} {med:>8.1f} {top:>5.1f}")
    return 0 if all(r[3] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
