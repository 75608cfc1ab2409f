"""The served data-quality page shows the audit of a planted workbook, with no traceback, and
its tables offer no download unless the deployer sets ROI_ALLOW_DOWNLOAD=1."""

from __future__ import annotations

import pytest
from conftest import NOTEBOOKS, clean_company, write_xlsx

pytestmark = pytest.mark.browser

SHOW_DOWNLOAD = "els => els.map(e => e.getAttribute('data-show-download'))"


def _planted(tmp_path):
    sheets = clean_company()
    sheets["Affaires"].append(["D1", "C1", "A9", None, None, "en cours", None, 0.4])
    return write_xlsx(tmp_path / "planted.xlsx", sheets)


@pytest.mark.parametrize("allow", ["", "1"])
def test_served_page_shows_the_findings(browser, marimo_server, tmp_path, allow) -> None:
    server = marimo_server(NOTEBOOKS / "data_quality.py",
                           env={"ROI_WORKBOOK": str(_planted(tmp_path)),
                                "ROI_ALLOW_DOWNLOAD": allow})
    page = browser.new_page()
    try:
        page.goto(server.url, wait_until="networkidle")
        page.get_by_text("Données : 1 erreur").first.wait_for(timeout=60_000)
        page.get_by_text("L'identifiant « D1 » apparaît 2 fois.").first.wait_for(
            timeout=30_000)
        assert "Traceback" not in page.inner_text("body")
        tables = page.eval_on_selector_all("marimo-table[data-show-download]", SHOW_DOWNLOAD)
        assert len(tables) == 3  # summary, scores, findings
        assert set(tables) == {"true" if allow == "1" else "false"}
    finally:
        page.close()
