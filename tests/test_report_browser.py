"""The report opened in Chromium with the network cut: charts drawn, numbers shown.

Every request that is not the report file itself is aborted and recorded; the test
asserts none was attempted.
"""

from __future__ import annotations

import pytest
from conftest import SAMPLE

from roi_core.formatting import kpi_value
from roi_core.io import load_workbook
from roi_core.kpis import kpi_table
from roi_core.outputs.report import ReportParams, build_report

DEMO = SAMPLE / "demo_company.xlsx"


@pytest.fixture(scope="module")
def report_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("browser") / "rapport.html"
    path.write_text(build_report(ReportParams(DEMO)), encoding="utf-8")
    return path


def open_offline(browser, path):
    """A page on ``path`` where every non-file request is aborted and recorded."""
    context = browser.new_context(offline=True)
    page = context.new_page()
    attempted: list[str] = []

    def guard(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            attempted.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return context, page, attempted


@pytest.mark.browser
def test_the_guard_sees_a_network_request(browser, tmp_path):
    page_file = tmp_path / "leaky.html"
    page_file.write_text('<img src="https://cdn.example.invalid/x.png">', encoding="utf-8")
    context, _, attempted = open_offline(browser, page_file)
    assert attempted == ["https://cdn.example.invalid/x.png"]
    context.close()


@pytest.mark.browser
def test_report_draws_offline(browser, report_file):
    context, page, attempted = open_offline(browser, report_file)

    charts = page.locator("figure[data-chart] svg")
    # funnel, ROI by channel, ROI by month, ROI with its interval (advice), the plan's cash
    assert charts.count() == 5
    for i in range(5):
        chart = charts.nth(i)
        assert chart.is_visible()
        box = chart.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 80
        # vega draws marks as <path> (bars, rules) or <text> inside "role-mark" groups.
        marks = chart.locator("g.role-mark path, g.role-mark text")
        assert marks.count() >= 3, page.locator("figure[data-chart]").nth(i).get_attribute(
            "data-chart")
    total = kpi_table(load_workbook(DEMO), "total").iloc[0]
    for name in ("roi", "cost", "cac", "cost_per_lead"):
        shown = page.locator(f'[data-figure="total.{name}"]')
        assert shown.is_visible()
        assert shown.inner_text() == kpi_value(name, total[name], "fr")
    assert page.locator("table tbody tr").count() >= 5  # four channels and the total
    assert attempted == []
    context.close()
