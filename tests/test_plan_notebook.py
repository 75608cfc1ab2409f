"""The plan notebook runs headless (``app.run()``) and shows the plan, its charts and the
Excel download; a bad workbook shows a callout, not a traceback."""

from __future__ import annotations

import importlib.util

import pytest
from conftest import NOTEBOOKS, SAMPLE

from roi_core.charts import vega_spec
from roi_core.charts.plan import cash_curve_chart, needs_chart, needs_frame


def _app():
    spec = importlib.util.spec_from_file_location("nb_plan", NOTEBOOKS / "plan.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.app


@pytest.fixture(scope="module")
def run():
    return _app().run(defs={"workbook_path": SAMPLE / "demo_company.xlsx"})


def test_the_plan_notebook_shows_the_quarters_plan(run):
    outputs, defs = run
    plan = defs["plan"]
    assert plan.summary["clients"] == 30
    assert plan.summary["period"] == "2027-01..2027-03"  # the quarter after the history
    kinds = [type(o).__name__ for o in outputs]
    assert kinds.count("altair_chart") == 2 and "download" in kinds
    html = "\n".join(getattr(o, "text", "") or "" for o in outputs if o is not None)
    assert "Commerciaux nécessaires" in html and "Mois de retour" in html


def test_a_bad_workbook_shows_a_callout(tmp_path):
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"not a workbook")
    outputs, _ = _app().run(defs={"workbook_path": bad})
    html = "\n".join(getattr(o, "text", "") or "" for o in outputs if o is not None)
    assert "could not be loaded" in html and "Traceback" not in html


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_cash_chart_has_its_band_and_payback_mark(run, lang):
    plan = run[1]["plan"]
    pay = plan.payback.set_index("channel").loc["total"].to_dict()
    spec = vega_spec(cash_curve_chart(plan.cash, pay, lang), lang)
    marks = [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]
             for layer in spec["layer"]]
    assert marks[:3] == ["area", "line", "rule"] and "text" in marks
    rows = next(iter(spec["datasets"].values()))
    assert rows and all(r["cumulative_low"] <= r["cumulative_high"] for r in rows)
    assert f"{pay['payback_month']:%Y-%m}" in str(spec)


def test_the_needs_chart_follows_the_order_of_the_sale(run):
    frame = needs_frame(run[1]["plan"].funnel, "en")
    assert list(dict.fromkeys(frame["stage"])) == ["Targets", "Contacts", "Leads", "Meetings",
                                                   "Opportunities", "Clients"]
    assert "facet" in vega_spec(needs_chart(run[1]["plan"].funnel, "en"), "en")
