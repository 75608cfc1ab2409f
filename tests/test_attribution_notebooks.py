"""The attribution and cohorts notebooks run headless (``app.run()``), and in ``marimo run``."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from conftest import NOTEBOOKS
from journey_workbook import write_journey_workbook


def _app(name: str):
    spec = importlib.util.spec_from_file_location(f"nb_{name}", NOTEBOOKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.app


def _html(outputs) -> str:
    return "\n".join(getattr(o, "text", "") or "" for o in outputs if o is not None)


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> Path:
    return write_journey_workbook(tmp_path_factory.mktemp("nb") / "journeys.xlsx")


def test_attribution_notebook_runs_on_a_workbook(workbook):
    outputs, defs = _app("attribution").run(defs={"workbook_path": workbook})
    table = defs["table"]
    assert set(table["model"]) == {"first_touch", "last_touch", "linear", "position_based",
                                   "w_shaped", "time_decay", "markov"}
    kinds = [type(o).__name__ for o in outputs]
    assert kinds.count("altair_chart") >= 2
    assert "could not be loaded" not in _html(outputs)


def test_cohorts_notebook_runs_on_a_workbook(workbook):
    outputs, defs = _app("cohorts").run(defs={"workbook_path": workbook})
    summary = defs["summary"]
    assert list(summary["campaign_id"]) == ["EM1", "SO1", "TP1", "EV1"]
    assert "altair_chart" in [type(o).__name__ for o in outputs]
    assert "estimate" in _html(outputs)


@pytest.mark.parametrize("name", ["attribution", "cohorts"])
def test_a_bad_workbook_shows_a_callout_not_a_traceback(tmp_path, name):
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"this is not a workbook")
    outputs, defs = _app(name).run(defs={"workbook_path": bad})
    html = _html(outputs)
    assert "could not be loaded" in html and "broken.xlsx" in html
    assert "Traceback" not in html


@pytest.mark.parametrize("name", ["attribution", "cohorts"])
def test_the_default_path_runs_without_arguments(name):
    outputs, defs = _app(name).run()
    assert defs["workbook_path"].name == "demo_company.xlsx"
    assert "Traceback" not in _html(outputs)


@pytest.mark.browser
@pytest.mark.parametrize("name", ["attribution", "cohorts"])
def test_notebook_serves_in_marimo_run(name, workbook, browser, marimo_server):
    server = marimo_server(NOTEBOOKS / f"{name}.py", "--", "--workbook", str(workbook))
    page = browser.new_page()
    try:
        page.goto(server.url, wait_until="networkidle")
        page.wait_for_selector("canvas, svg.marks", timeout=60_000)
        text = page.inner_text("body")
        assert "could not be loaded" not in text
        assert "Traceback" not in text
    finally:
        page.close()
