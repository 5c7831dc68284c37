"""Real-browser fixtures: a Voila server on a free local port and headless Debian Chromium.

Chromium comes from Debian (``apt-get install chromium``; `.ci/run` installs it when
missing); no browser is ever downloaded. Without it the tests are skipped, except under
CI (``CI=true``), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_http(url: str, process: subprocess.Popen[bytes], timeout_s: float) -> None:
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


@pytest.fixture(scope="session")
def voila_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a Voila server rendering notebooks/ (stopped by its process id)."""
    _chromium()
    port = _free_port()
    log = (tmp_path_factory.mktemp("voila") / "voila.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "voila", str(REPO / "notebooks"), "--no-browser",
         f"--port={port}", "--Voila.ip=127.0.0.1", "--show_tracebacks=True"],
        stdout=log, stderr=subprocess.STDOUT, cwd=REPO, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_http(f"{url}/", process, timeout_s=60)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


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


def set_slider(page, label: str, value: float) -> None:
    """Type a value into the editable readout of the slider whose label contains ``label``."""
    slider = page.locator(".widget-slider", has=page.locator(f"label:has-text('{label}')"))
    readout = slider.locator(".widget-readout")
    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(f"{value:g}")
    page.keyboard.press("Enter")


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
