"""The served app under hostile uploads (issue 13, "done when"): one viewer uploads each
hostile file while another keeps moving a slider; the server lives, the uploader gets a
message, the other viewer's moves keep answering.

Run under the browser lock: ``flock /tmp/roi-browser.lock env PYTHONPATH=$PWD python -m
pytest tests/test_hostile_browser.py``.
"""

from __future__ import annotations

import time
from pathlib import Path

import hostile_files as hostile
import pytest
from conftest import SAMPLE
from test_app_browser import APP, assert_no_error, card, expected_card, lever, open_app, upload

from roi_core.errors import InputError
from roi_core.io import isolated
from roi_core.scenario import Levers

pytestmark = pytest.mark.browser
DEMO = SAMPLE / "demo_company.xlsx"


class SliderViewer:
    """The other viewer: moves the win-rate slider by one step and back, timing each answer."""

    def __init__(self, page) -> None:
        self.page = page
        self.slider = lever(page, "Volume et conversion", "Taux de signature")
        self.values = {"ArrowRight": expected_card(DEMO, "roi", Levers(win_rate=1.05)),
                       "ArrowLeft": expected_card(DEMO, "roi", Levers(win_rate=1.0))}
        assert self.values["ArrowRight"] != self.values["ArrowLeft"]
        self.times: list[float] = []

    def move(self, key: str) -> None:
        start = time.perf_counter()
        self.slider.focus()
        self.slider.press(key)
        self.page.wait_for_function(
            """(value) => Array.from(document.querySelectorAll('marimo-anywidget'))
                .some((w) => w.shadowRoot && w.shadowRoot.querySelector(
                    `.roi-card[data-label="ROI"][data-value="${value}"]`))""",
            arg=self.values[key], timeout=30_000)
        self.times.append(time.perf_counter() - start)

    def back_and_forth(self) -> None:
        self.move("ArrowRight")
        self.move("ArrowLeft")


def test_hostile_uploads_leave_the_server_and_other_viewers_alive(browser, marimo_server,
                                                                  tmp_path: Path) -> None:
    server = marimo_server(APP)
    ctx_a = browser.new_context(viewport={"width": 1400, "height": 1000})
    ctx_b = browser.new_context(viewport={"width": 1400, "height": 1000})
    page_a, page_b = open_app(ctx_a, server.url), open_app(ctx_b, server.url)
    other = SliderViewer(page_b)
    other.back_and_forth()
    roi_a = card(page_a, "ROI")
    for name, data in hostile.hostile_files():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(InputError) as expected:
            isolated.load_bytes(data, name, max_bytes=20 * 2**20)
        upload(page_a, path)
        other.back_and_forth()  # while the kernel reads the upload
        # The uploader gets the message (the InputError, shown as text) ...
        page_a.get_by_text(expected.value.problem[:60], exact=False).first.wait_for(
            timeout=120_000)
        # ... the server lives, and the other viewer's moves keep answering.
        assert server.proc.poll() is None, f"the server died on {name}"
        other.back_and_forth()
        assert card(page_a, "ROI") == roi_a  # the figures on screen stay
    assert max(other.times) < 15, other.times
    # A file named with a backtick and markdown is shown as typed.
    odd = tmp_path / "odd`name*.csv"
    odd.write_text("Campagne;Canal;Coût;Leads;Clients\nA;Emailing;1000;10;1\n", encoding="utf-8")
    upload(page_a, odd)
    page_a.get_by_text("odd`name*.csv", exact=False).first.wait_for()
    assert_no_error(page_a)
    assert_no_error(page_b)
    ctx_a.close()
    ctx_b.close()
