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
from workbooks import write_xlsx  # noqa: F401 - shared with the tests that import it from here

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


# --- workbooks written by the tests (added for the data-quality audit and the importers) ----


def clean_company() -> dict[str, list[list[object]]]:
    """A small, clean company typed in the template: every check of the audit passes.

    The funnel sheet agrees with the deals and activities (see roi_core.funnel): C1 has
    4 contacts, 2 leads, 1 meeting, 2 opportunities, 1 client (6 000); C2 3 contacts,
    1 lead, 1 opportunity, no client.
    """
    import datetime as dt

    d = dt.datetime
    return {
        "Campagnes": [
            ["ID campagne", "Campagne", "Canal", "Segment", "Date de début", "Date de fin",
             "Cibles"],
            ["C1", "Phoning PME", "Téléprospection", "PME", d(2026, 1, 5), d(2026, 3, 31), 100],
            ["C2", "Emailing ETI", "Emailing", "ETI", d(2026, 2, 1), d(2026, 4, 30), 200],
        ],
        "Coûts": [
            ["ID campagne", "Catégorie", "Poste", "Montant", "Heures", "Taux horaire"],
            ["C1", "directe", "Temps commercial", None, 40, 35],
            ["C1", "indirecte", "Licence CRM", 300, None, None],
            ["C2", "directe", "Routage", 500, None, None],
        ],
        "Entonnoir": [
            ["ID campagne", "Contacts", "Leads", "Opportunités", "Rendez-vous", "Clients",
             "Chiffre d'affaires", "Taux de marge"],
            ["C1", 4, 2, 2, 1, 1, 6000, 0.4],
            ["C2", 3, 1, 1, None, 0, 0, 0.4],
        ],
        "Affaires": [
            ["ID affaire", "ID campagne", "ID compte", "Date de création", "Date de signature",
             "Statut", "Montant", "Taux de marge"],
            ["D1", "C1", "A1", d(2026, 1, 15), d(2026, 2, 10), "gagnée", 6000, 0.4],
            ["D2", "C1", "A2", d(2026, 1, 20), None, "en cours", 5000, 0.4],
            ["D3", "C2", "A3", d(2026, 2, 10), d(2026, 3, 20), "perdue", 3000, 0.4],
        ],
        "Activités": [
            ["Date", "Commercial", "ID campagne", "Type", "Résultat", "Durée (min)"],
            [d(2026, 1, 6), "Léa", "C1", "appel", "pas de réponse", 1],
            [d(2026, 1, 6), "Léa", "C1", "appel", "contact", 4],
            [d(2026, 1, 7), "Léa", "C1", "appel", "lead", 6],
            [d(2026, 1, 8), "Hugo", "C1", "appel", "contact", 3],
            [d(2026, 1, 9), "Hugo", "C1", "appel", "lead", 8],
            [d(2026, 2, 3), "Hugo", "C1", "rdv", "tenu", 45],
            [d(2026, 2, 2), "Léa", "C2", "email", "contact", None],
            [d(2026, 2, 2), "Léa", "C2", "email", "lead", None],
            [d(2026, 2, 2), "Léa", "C2", "email", "pas de réponse", None],
            [d(2026, 2, 3), "Léa", "C2", "email", "contact", None],
        ],
        "Points de contact": [
            ["ID compte", "Horodatage", "Canal", "ID campagne"],
            ["A1", d(2026, 1, 15, 10, 0), "Téléprospection", "C1"],
            ["A3", d(2026, 2, 5, 9, 30), "Emailing", "C2"],
        ],
    }
