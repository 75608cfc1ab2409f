"""roi_core.app.view: the app's words and cards in French (default) and English."""

from __future__ import annotations

import pandas as pd
import pytest

from roi_core.app.view import TEXT, cards_html, kpi_cards, kpi_view, text

NNBSP, NBSP = "\u202f", "\u00a0"


def test_every_text_has_both_languages() -> None:
    for key, (fr, en) in TEXT.items():
        assert fr and en, key
    assert text("reset") == "Revenir à la référence"
    assert text("reset", "en") == "Reset to baseline"


def test_cards_in_french_by_default() -> None:
    base = pd.Series({"cost": 8000.0, "cac": 800.0, "roi": 2.0, "clients": 10.0})
    scen = pd.Series({"cost": 8000.0, "cac": 640.0, "roi": 2.75, "clients": 12.5})
    cards = {c["name"]: c for c in kpi_cards(base, scen, ["cost", "cac", "roi", "clients"])}
    assert cards["cost"]["value"] == f"8{NNBSP}000{NBSP}€"
    assert cards["cost"]["delta"] is None  # unchanged: no delta
    assert cards["cac"]["value"] == f"640,00{NBSP}€"
    assert cards["cac"]["delta"] == f"-160,00{NBSP}€ (-20,0{NBSP}%) vs référence"
    assert cards["cac"]["direction"] == "decrease"
    assert cards["cac"]["target_direction"] == "decrease"  # cheaper is better
    assert cards["roi"]["value"] == f"275,0{NBSP}%"
    assert cards["roi"]["delta"] == f"+75,0 pt (+37,5{NBSP}%) vs référence"
    assert cards["clients"]["label"] == "Clients"


def test_cards_in_english() -> None:
    cards = kpi_cards(pd.Series({"cac": 800.0}), pd.Series({"cac": 640.0}), ["cac"], "en")
    assert cards[0]["label"] == "Customer acquisition cost"
    assert cards[0]["value"] == "€640.00"
    assert cards[0]["delta"] == "-€160.00 (-20.0%) vs baseline"


def test_baseline_cards_have_no_delta_and_undefined_shows_a_dash() -> None:
    cards = kpi_cards(pd.Series({"cac": float("nan")}), None, ["cac"])
    assert cards[0]["value"] == "—" and cards[0]["delta"] is None


@pytest.mark.parametrize(("lang", "header", "value"), [("fr", "Coût par lead", f"66,67{NBSP}€"),
                                                        ("en", "Cost per lead", "€66.67")])
def test_kpi_view_labels_and_formats(lang: str, header: str, value: str) -> None:
    k = pd.DataFrame({"channel": ["Téléprospection"], "cost_per_lead": [8000 / 120]})
    view = kpi_view(k, "channel", ["cost_per_lead"], lang)
    assert list(view.columns)[1] == header
    assert view.iloc[0, 1] == value


def test_cards_html_shows_each_card_escaped_with_its_direction() -> None:
    base = pd.Series({"cost": 8000.0, "roi": 2.0, "clients": 10.0})
    scen = pd.Series({"cost": 6000.0, "roi": 1.5, "clients": 10.0})
    page = cards_html(kpi_cards(base, scen, ["cost", "roi", "clients"], "fr"))
    assert page.count('class="roi-card"') == 3
    # cheaper is better: a lower cost is good news, a lower ROI is not, no move is neither
    assert 'data-kpi="cost" data-label="Coût" data-value="6\u202f000\u00a0€"' in page
    cost, roi, clients = page.split('<div class="roi-card" ')[1:]
    assert 'data-good="true"' in cost and "▼" in cost
    assert 'data-good="false"' in roi and "▼" in roi
    assert "data-good" not in clients and "roi-card-caption" not in clients
    baseline = cards_html(kpi_cards(base, None, ["cost"], "fr"))
    assert 'data-caption=""' in baseline and "▲" not in baseline and "▼" not in baseline
    evil = cards_html([{"name": "x", "label": '<img src=x onerror="alert(1)">', "value": "1",
                        "delta": None, "direction": None, "target_direction": "increase"}])
    assert "<img" not in evil and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in evil
