"""Shared fixtures: paths, workbook writers, and the browser and served-app fixtures.

Browser tests use Debian's Chromium through Playwright (no browser download). Where no
Chromium is installed they skip with the reason; with ROI_REQUIRE_BROWSER=1 (set by
``.ci/run``) that skip becomes a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
NOTEBOOKS = ROOT / "notebooks"
DATA = Path(__file__).resolve().parent / "data"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("ROI_CHROMIUM"), "/usr/bin/chromium",
                      shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def _no_browser(reason: str) -> None:
    if os.environ.get("ROI_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests are required here (ROI_REQUIRE_BROWSER=1): {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """A headless Debian Chromium driven by Playwright, shared by the session."""
    path = chromium_path()
    if path is None:
        _no_browser("no Chromium here: install Debian's 'chromium' package to run browser tests")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _no_browser("playwright is not installed: pip install -e '.[test]'")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class MarimoServer:
    """``marimo run`` of a notebook (or a folder) on a free loopback port."""

    def __init__(self, target: Path, *extra: str, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [sys.executable, "-m", "marimo", "-q", "-y", "run", str(target), "--headless",
               "--host", "127.0.0.1", "--port", str(self.port), "--no-token", *extra]
        self.log = open(os.devnull, "w")  # noqa: SIM115
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
                                     env={**os.environ, **(env or {})})
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"marimo run exited with {self.proc.returncode}")
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=2):
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("marimo run did not answer within 60 s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


@pytest.fixture
def marimo_server():
    """Factory: ``marimo_server(path, *args)`` starts ``marimo run``; stopped after the test."""
    servers: list[MarimoServer] = []

    def start(target: Path, *extra: str, env: dict[str, str] | None = None) -> MarimoServer:
        server = MarimoServer(target, *extra, env=env)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
