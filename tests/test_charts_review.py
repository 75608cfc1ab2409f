"""roi_core.charts.review: ROI by month, the compared periods coloured, decisions marked."""

from __future__ import annotations

import pandas as pd

from roi_core.charts.kpi import vega_spec
from roi_core.charts.review import decision_marks, review_month_data, roi_review_chart
from roi_core.variance import parse_period

KPIS = pd.DataFrame({"month": ["2026-09", "2026-10", "2026-11"], "roi": [0.5, 1.2, 3.4],
                     "cost": [10.0, 20.0, 30.0], "margin": [15.0, 44.0, 132.0]})
DECISIONS = pd.DataFrame({"date": pd.to_datetime(["2026-10-15", "2026-10-20", "2026-12-01"]),
                          "text": ["Salons réduits de 30 %", "Nouveau script", "Plus tard"],
                          "channel": ["Salons/Événements", None, None],
                          "author": ["DG", "Chef des ventes", None]})


def test_the_two_periods_are_coloured_and_the_decisions_marked():
    months = review_month_data(KPIS, parse_period("2026-10"), parse_period("2026-11"), "fr")
    assert months["role"].tolist() == ["Autres mois", "Période 1", "Période 2"]
    marks = decision_marks(DECISIONS, months["month"])
    assert marks["who"].tolist() == ["Salons/Événements · DG", "Chef des ventes"]
    assert marks["rank"].tolist() == [0, 1]  # stacked on October; December is not drawn
    spec = vega_spec(roi_review_chart(months, marks, "fr"), "fr")
    layers = spec["layer"]
    assert [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]
            for layer in layers] == ["bar", "rule", "rule", "text"]
    data = {name: rows for name, rows in spec["datasets"].items()}
    texts = {(r["tag"], r["month"], r["text"]) for rows in data.values() for r in rows
             if "tag" in r}
    assert sorted(texts) == [
        ("D1", "2026-10", "Salons réduits de 30 %"), ("D2", "2026-10", "Nouveau script")]
    assert layers[0]["encoding"]["color"]["scale"]["domain"] == ["Période 1", "Période 2",
                                                                 "Autres mois"]


def test_without_decisions_only_the_bars_and_the_zero_rule():
    months = review_month_data(KPIS, parse_period("2026-09"), parse_period("2026Q4"), "en")
    assert months["role"].tolist() == ["Period 1", "Period 2", "Period 2"]
    spec = vega_spec(roi_review_chart(months, decision_marks(None, months["month"]), "en"))
    assert len(spec["layer"]) == 2
