"""The served "Revue du mois": read-only by default; with ROI_HISTORY_WRITE=1 a decision typed
in the page lands in the history file."""

from __future__ import annotations

import time

import pytest
from conftest import NOTEBOOKS

from roi_core.store import History

pytestmark = pytest.mark.browser


def test_served_read_only_by_default(browser, marimo_server, tmp_path) -> None:
    path = tmp_path / "h.sqlite"
    History(path).decide("2026-10-15", "Salons réduits de 30 %", channel="Salons/Événements")
    server = marimo_server(NOTEBOOKS / "review.py", env={"ROI_HISTORY": str(path),
                                                         "ROI_HISTORY_WRITE": ""})
    page = browser.new_page()
    try:
        page.goto(server.url, wait_until="networkidle")
        page.get_by_text("Total : le ROI passe de 122,4").first.wait_for(timeout=90_000)
        page.get_by_text("Salons réduits de 30 %").first.wait_for(timeout=30_000)
        page.get_by_text("en lecture seule").first.wait_for(timeout=30_000)
        assert "Traceback" not in page.inner_text("body")
        assert page.get_by_text("Enregistrer la décision").count() == 0
    finally:
        page.close()


def test_a_decision_typed_in_the_served_page_is_logged(browser, marimo_server,
                                                       tmp_path) -> None:
    path = tmp_path / "h.sqlite"
    server = marimo_server(NOTEBOOKS / "review.py", env={"ROI_HISTORY": str(path),
                                                         "ROI_HISTORY_WRITE": "1"})
    page = browser.new_page()
    try:
        page.goto(server.url, wait_until="networkidle")
        page.get_by_text("Total : le ROI passe de 122,4").first.wait_for(timeout=90_000)
        area = page.locator("textarea").first
        area.wait_for(timeout=30_000)
        area.fill("Emailing : nouvelle séquence en 3 relances")
        page.get_by_role("button", name="Enregistrer la décision").click()
        page.get_by_text("Enregistré : decision n° 1").first.wait_for(timeout=30_000)
        deadline = time.monotonic() + 10
        while History(path).decisions().empty and time.monotonic() < deadline:
            time.sleep(0.2)
        assert History(path).decisions()["text"].tolist() == [
            "Emailing : nouvelle séquence en 3 relances"]
    finally:
        page.close()
