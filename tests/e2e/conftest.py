"""Real-browser fixtures: a Voila server on a free local port and headless Debian Chromium.

Chromium comes from Debian (``apt-get install chromium``; `.ci/run` installs it when
missing); no browser is ever downloaded. Without it the tests are skipped, except under
CI (``CI=true``), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from landsim.app import voila_server

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "build" / "e2e"
CHROMIUM_ARGS = ["--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-gpu"]


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        msg = ("Debian's chromium is not installed: run `apt-get install chromium` "
               "(.ci/run does this in CI)")
        if os.environ.get("CI") == "true":
            pytest.fail(msg)
        pytest.skip(msg)
    return path


@pytest.fixture(scope="session")
def voila_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a Voila server rendering notebooks/ (stopped by its process id)."""
    _chromium()
    log = tmp_path_factory.mktemp("voila") / "voila.log"
    with voila_server(REPO / "notebooks", log, ["--show_tracebacks=True"], cwd=REPO) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    path = _chromium()
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(120_000)  # [ms] Voila runs each notebook before showing it
    yield page
    context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


RENDER_TIMEOUT_MS = 240_000
"""Longest wait for a page to render [ms]: Voila runs the whole notebook before showing it."""


def open_page(page, url: str, selector: str) -> None:
    """Navigate and wait until ``selector`` shows (one load: a stall fails the test)."""
    page.goto(url, wait_until="commit", timeout=RENDER_TIMEOUT_MS)
    page.wait_for_selector(selector, timeout=RENDER_TIMEOUT_MS)


def set_slider(page, label: str, value: float) -> None:
    """Type a value into the editable readout of the slider whose label contains ``label``."""
    slider = page.locator(".widget-slider", has=page.locator(f"label:has-text('{label}')"))
    readout = slider.locator(".widget-readout")
    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(f"{value:g}")
    page.keyboard.press("Enter")


def table_rows(table, cells: str = "td") -> list[list[str]]:
    """Body rows of a table element (a Playwright locator), read in one call in the page,
    so that a table the widget redraws meanwhile is never read half old, half new."""
    return table.evaluate(
        "(t, cells) => Array.from(t.querySelectorAll('tbody tr')).map("
        "r => Array.from(r.querySelectorAll(cells)).map(c => c.innerText.trim()))", cells)


def wait_until_changed(read, before, tries: int = 400, pause_ms: int = 150, page=None):
    """Call ``read()`` until it returns something non-empty and different from ``before``."""
    for _ in range(tries):
        page.wait_for_timeout(pause_ms)
        now = read()
        if now and now != before:
            return now
    msg = "the widget's table did not change"
    raise AssertionError(msg)


def wait_until_equal(read, expected, page, seconds: float = 60.0):
    """Call ``read()`` until it returns ``expected`` (a widget may redraw more than once
    after one move, e.g. when a neighbouring control follows); return the last reading."""
    now = read()
    for _ in range(int(seconds * 5)):
        if now == expected:
            break
        page.wait_for_timeout(200)
        now = read()
    return now
