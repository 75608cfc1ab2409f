"""roi_core.app.view: the app's words and cards in French (default) and English."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from strategies import app_views

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


# --- the scoreboard, each channel's break-even, the view in the link (issue 14) ----------

def _article(**changes: float) -> pd.DataFrame:
    # DOMAIN.md test vector 1 (the article's case) as one channel, and a losing channel
    row = {"channel": "Téléprospection", "cost": 8000.0, "clients": 10.0, "cac": 800.0,
           "cost_per_opportunity": 8000 / 30, "margin_per_client": 2400.0,
           "net_margin_per_client": 1600.0, "roi": 2.0, "win_rate": 10 / 30,
           "break_even_cost": 24000.0, "break_even_win_rate": 8000 / 2400 / 30}
    losing = {**row, "channel": "Emailing", "roi": -0.55, "break_even_cost": 3600.0}
    return pd.DataFrame([{**row, **changes}, losing])


def test_scoreboard_rows_best_roi_first_with_verdict_word_and_total() -> None:
    from roi_core.app.view import scoreboard_html

    kpis = _article()
    total = pd.Series({"channel": "x", **kpis.iloc[0].to_dict(), "roi": 0.03})
    board = scoreboard_html(kpis, total)
    tele, mail, tot = (board.index(f'data-channel="{c}"') for c in
                       ("Téléprospection", "Emailing", "__total__"))
    assert tele < mail < tot
    assert f'data-kpi="roi" data-value="200,0{NBSP}%"' in board
    assert f'data-kpi="cost_per_opportunity" data-value="266,67{NBSP}€"' in board
    assert f'data-kpi="net_margin_per_client" data-value="1{NNBSP}600,00{NBSP}€"' in board
    # colour AND word: the verdict's data attribute styles it, its word says it
    import html

    assert "▲ gagne" in board and "▼ perd" in board
    assert "● à l'équilibre" in html.unescape(board)
    assert 'class="ref"' not in board  # no scenario: no baseline beneath


def test_scoreboard_with_a_scenario_shows_the_baseline_beneath_and_follows_its_roi() -> None:
    from roi_core.app.view import scoreboard_html

    base = _article()
    scen = base.assign(roi=[-0.6, 0.4])  # the scenario swaps the order
    board = scoreboard_html(base, base.iloc[0], scen, scen.iloc[1], lang="en")
    assert board.index('data-channel="Emailing"') < board.index('data-channel="Téléprospection"')
    assert 'data-active="true"' in board
    assert '<span class="ref">base 200.0%</span>' in board
    assert '<span class="ref">base earns</span>' in board and "▼ loses" in board


@pytest.mark.parametrize(("roi", "expected"), [(0.051, "win"), (0.05, "even"), (0.0, "even"),
                                               (-0.05, "even"), (-0.051, "lose"),
                                               (float("nan"), None)])
def test_verdict_against_break_even(roi: float, expected: str | None) -> None:
    from roi_core.app.view import verdict

    assert verdict(roi) == expected


def test_each_channels_break_even_is_its_own_and_says_so() -> None:
    from roi_core.app.view import break_even_view, channel_break_even_view

    view = channel_break_even_view(_article(), "fr")
    row = view.iloc[0].tolist()
    # the article: margin 24 000 makes the cost at which ROI = 0; win rate 11,1 %
    assert row == ["Téléprospection", f"200,0{NBSP}%", f"8{NNBSP}000{NBSP}€",
                   f"24{NNBSP}000{NBSP}€", f"33,3{NBSP}%", f"11,1{NBSP}%"]
    assert all("du canal" in c for c in view.columns[1:])
    total = break_even_view(pd.DataFrame({"lever": ["cost.Emailing"], "current": [1.0],
                                          "break_even": [9.75], "value_now": [float("nan")],
                                          "value_at_break_even": [float("nan")]}), "fr")
    assert all("du total" in total.columns[i] for i in (2, 4))


def test_chips_name_every_setting_that_is_not_the_default() -> None:
    import html

    from roi_core.app.view import chips_html

    plain = chips_html({"indirect": "1", "basis": "margin"}, months=["2025-12", "2026-11"])
    assert plain.count('class="roi-chip"') == 1 and "déc. 2025 → nov. 2026" in plain
    full = html.unescape(chips_html({"period": "2026-01..2026-01", "channel": "A|B",
                                     "indirect": "0", "basis": "revenue"}, active=True))
    assert "Période : janv. 2026<" in full and "Canal : A, B" in full
    for words in ("coûts indirects exclus", "ROI sur le chiffre d'affaires", "scénario actif"):
        assert words in full


@given(app_views())
@settings(max_examples=60, deadline=None)
def test_a_view_read_back_from_its_link_is_the_same_view(case) -> None:
    from roi_core.app.view import read_view, view_query

    view, months, choices = case
    back, notes = read_view(view_query(view, months), months, choices, view["lang"])
    assert notes == [] and back == view


def test_a_link_asking_for_the_impossible_names_it() -> None:
    from roi_core.app.view import read_view

    view, notes = read_view({"period": "2027-01", "basis": "profit", "indirect": "peut-être",
                             "lang": ["en", "xx"]}, ["2026-01"], {}, "fr")
    assert (view["first"], view["basis"], view["indirect"], view["lang"]) == (
        "2026-01", "margin", True, "fr")
    assert len(notes) == 4 and "« 2027-01 »" in notes[0]
