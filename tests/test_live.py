"""roi_core.app.widgets: the in-place charts and tables of the meeting app (Python side; the browser
side is driven in tests/test_app_browser.py)."""

from __future__ import annotations

import re

import pandas as pd

from roi_core import charts
from roi_core.app.view import table_html
from roi_core.app.widgets import LiveChart, LiveHtml, chart_bundle


def test_the_chart_bundle_is_offline_and_an_es_module() -> None:
    code = chart_bundle()
    assert "export" in code and "default" in code
    # no module loaded from the network (a served app may have no internet access)
    assert not re.search(r"""(from|import)\s*\(?\s*["']https?://""", code)
    assert chart_bundle() is code  # built once per process


def test_show_sends_the_spec_and_counts_revisions() -> None:
    frame = pd.DataFrame({"channel": ["a", "b"], "cost_per_opportunity": [100.0, 200.0],
                          "margin_per_client": [900.0, 400.0], "cost": [1000.0, 500.0],
                          "roi": [2.0, -0.5], "cac": [300.0, 900.0]})
    chart = LiveChart()
    assert chart.spec is None and chart.revision == 0
    spec = charts.efficiency_spec(frame, "fr")
    chart.show(spec)
    assert chart.spec == spec and chart.revision == 1
    chart.show(spec)  # the same spec again still counts: the browser marks each revision
    assert chart.revision == 2
    assert LiveChart(spec).revision == 1


def test_a_new_scenario_changes_only_the_datasets_of_a_chart_spec() -> None:
    """What lets the browser swap rows instead of embedding anew: same layout, new rows."""
    frame = pd.DataFrame({"channel": ["a"], "cost_per_opportunity": [100.0],
                          "margin_per_client": [900.0], "cost": [1000.0], "roi": [2.0],
                          "cac": [300.0]})
    first = charts.efficiency_spec(frame, "fr")
    second = charts.efficiency_spec(frame.assign(roi=3.0, cost=1500.0), "fr")
    assert first["datasets"] != second["datasets"]
    assert {k: v for k, v in first.items() if k != "datasets"} == {
        k: v for k, v in second.items() if k != "datasets"}


def test_live_html_shows_escaped_tables() -> None:
    block = LiveHtml()
    block.show(table_html(pd.DataFrame({"Canal": ["<script>x</script>"], "ROI": ["1 %"]})))
    assert block.revision == 1
    assert "<script>" not in block.html and "&lt;script&gt;" in block.html
    assert "table.roi-table" in block.css
