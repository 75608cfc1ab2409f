"""The report's decision sections (roi_core.outputs.report_decide) show the calculations'
own figures: the month's review, the advice with its intervals, the next quarter's plan."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SAMPLE

from roi_core.advice import advise, sentences
from roi_core.facts import build_cycles, build_facts
from roi_core.formatting import kpi_value
from roi_core.io import load_workbook
from roi_core.outputs.report import ReportParams, extract_figures, report_figures
from roi_core.outputs.report_decide import advice_html, plan_html, review_html
from roi_core.store.history import History
from roi_core.variance import compare_periods, explain

DEMO = SAMPLE / "demo_company.xlsx"


@pytest.fixture(scope="module")
def demo():
    data = load_workbook(DEMO)
    return data, report_figures(data, ReportParams(Path(DEMO)))


def test_the_review_says_what_compare_says(demo, monkeypatch):
    data, figures = demo
    monkeypatch.delenv("ROI_HISTORY", raising=False)
    shown = extract_figures(review_html(figures))
    want = explain(compare_periods(build_facts(data), "2026-10", "2026-11",
                                   cycles=build_cycles(data)), "fr")
    assert [v for k, v in shown.items() if k.startswith("review.")] == want["sentence"].tolist()
    assert "Décisions" not in review_html(figures)


def test_the_review_lists_the_decisions_of_a_history(demo, tmp_path, monkeypatch):
    _, figures = demo
    path = tmp_path / "h.sqlite"
    history = History(path)
    history.decide("2026-10-15", "Salons réduits de 30 %", author="DG")
    history.decide("2026-06-01", "Hors période")
    monkeypatch.setenv("ROI_HISTORY", str(path))
    page = review_html(figures)
    assert "Salons réduits de 30 %" in page and "Hors période" not in page


def test_the_advice_is_advise_in_sentences(demo):
    data, figures = demo
    shown = extract_figures(advice_html(figures))
    want = sentences(advise(build_facts(data), deals=data.deals), "fr")
    assert [shown[f"advice.{i}"] for i in range(len(want))] == want
    roi = figures.by_channel.set_index("channel").loc["Téléprospection", "roi"]
    assert shown["advice.Téléprospection.roi"] == kpi_value("roi", roi, "fr")
    assert "<svg" in advice_html(figures)


def test_the_plan_is_for_the_next_quarter_and_never_fails_the_report(demo, tmp_path):
    _, figures = demo
    page = plan_html(figures)
    assert "2027-01 – 2027-03" in page and "<svg" in page
    assert extract_figures(page)["plan.summary"].startswith("Retour sur investissement")
    csv = tmp_path / "t.csv"  # no date at all: no plan, a sentence instead of a failure
    csv.write_text("Campagne;Canal;Coût;Leads;Clients\nA;Emailing;100;10;1\n", encoding="utf-8")
    undated = report_figures(load_workbook(csv), ReportParams(csv, lang="en"))
    assert "no plan" in plan_html(undated) or "cannot support" in plan_html(undated)
