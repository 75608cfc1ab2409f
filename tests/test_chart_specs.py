"""The fast chart specs (layout built once, rows swapped in) equal the altair path exactly."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from conftest import SAMPLE

from roi_core import charts
from roi_core import scenario as sc
from roi_core.io import load_workbook
from roi_core.kpis import compute_kpis

METRICS = ["cost_per_lead", "cost_per_opportunity", "cac", "margin_per_client", "roi"]


@pytest.fixture(scope="module")
def tables():
    facts = sc.base_table(load_workbook(SAMPLE / "demo_company.xlsx"))
    out = []
    for levers in (sc.Levers(), sc.Levers(win_rate=1.3), sc.Levers(contacts=0.4, hourly_rate=1.7)):
        moved = sc.apply_levers(facts, levers)
        out.append({by: compute_kpis(moved, by) for by in ("total", "channel", "month")}
                   | {"sensitivity": sc.sensitivity(facts, levers)})
    return out


def _same(fast: dict, chart, lang: str) -> None:
    slow = charts.vega_spec(chart, lang)
    assert fast == slow
    assert json.loads(json.dumps(fast)) == json.loads(json.dumps(slow))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_fast_specs_equal_the_altair_path_for_every_move(tables, lang):
    base = tables[0]
    for t in tables:  # the first call builds the layout, the next ones reuse it
        rows = {"Référence": base["total"].iloc[0], "Scénario": t["total"].iloc[0]}
        funnel = charts.funnel_data(rows, lang)
        _same(charts.funnel_spec(funnel, lang), charts.funnel_chart(funnel, lang), lang)
        single = charts.funnel_data(t["total"].iloc[0], lang)
        _same(charts.funnel_spec(single, lang), charts.funnel_chart(single, lang), lang)
        plain = charts.channel_data(t["channel"], METRICS, lang)
        _same(charts.channel_spec(plain, lang), charts.channel_chart(plain, lang), lang)
        both = charts.compare_channel_data({"a": base["channel"], "b": t["channel"]}, METRICS,
                                           lang)
        _same(charts.channel_spec(both, lang, series="series"),
              charts.channel_chart(both, lang, series="series"), lang)
        _same(charts.efficiency_spec(t["channel"], lang),
              charts.efficiency_chart(t["channel"], lang), lang)
        _same(charts.roi_by_month_spec(t["month"], lang),
              charts.roi_by_month_chart(t["month"], lang), lang)
        months = charts.with_series({"a": base["month"], "b": t["month"]})
        _same(charts.roi_by_month_spec(months, lang, series="series"),
              charts.roi_by_month_chart(months, lang, series="series"), lang)
        labels = {k: sc.lever_label(k, lang) for k in t["sensitivity"]["lever"]}
        tornado = charts.tornado_data(t["sensitivity"], labels, lang=lang)
        _same(charts.tornado_spec(tornado, lang), charts.tornado_chart(tornado, lang), lang)


def test_a_fast_spec_carries_the_new_rows_not_the_first_ones():
    first = pd.DataFrame({"channel": ["a", "b"], "cost_per_opportunity": [10.0, 20.0],
                          "margin_per_client": [5.0, float("nan")], "cost": [1.0, 2.0],
                          "roi": [0.5, 0.1], "cac": [3.0, 4.0]})
    second = first.assign(cost_per_opportunity=[99.0, 20.0], margin_per_client=[7.0, 8.0])
    charts.efficiency_spec(first, "en")
    spec = charts.efficiency_spec(second, "en")
    rows = spec["datasets"][spec["data"]["name"]]
    assert [(r["channel"], r["cost_per_opportunity"]) for r in rows] == [("a", 99.0), ("b", 20.0)]
    spec["config"]["locale"] = None  # a caller changing its copy leaves the layout intact
    assert charts.efficiency_spec(second, "en")["config"]["locale"]["number"]["decimal"] == "."


def test_tornado_keeps_the_top_ranked_levers_with_a_swing_low_then_high():
    s = pd.DataFrame({"lever": ["a", "b", "c", "d", "e"], "rank": [3, 1, 5, 2, 4],
                      "delta_low": [-0.1, -0.5, 0.0, -0.2, float("nan")],
                      "delta_high": [0.1, 0.5, 0.0, 0.3, float("nan")],
                      "swing": [0.2, 1.0, 0.0, 0.5, float("nan")]})
    t = charts.tornado_data(s, {"b": "Lever B"}, top=2, lang="en")
    assert t.values.tolist() == [["Lever B", 1, "-10%", -0.5, "ROI down"],
                                 ["Lever B", 1, "+10%", 0.5, "ROI up"],
                                 ["d", 2, "-10%", -0.2, "ROI down"],
                                 ["d", 2, "+10%", 0.3, "ROI up"]]
    assert charts.tornado_data(s, {}, lang="en")["lever"].tolist() == ["b", "b", "d", "d",
                                                                       "a", "a"]


def test_funnel_follows_the_sale_with_domain_rates_on_a_linear_axis():
    # DOMAIN.md: targets → contacts → leads → meetings → opportunities → clients;
    # meeting_rate = meetings / leads and opportunity_rate = opportunities / leads
    row = pd.Series({"targets": 1000.0, "contacts": 800.0, "leads": 120.0, "meetings": 60.0,
                     "opportunities": 30.0, "clients": 10.0})
    data = charts.funnel_data(row, "fr")
    assert data["stage"].tolist() == ["Cibles", "Contacts", "Leads", "Rendez-vous",
                                      "Opportunités", "Clients"]
    assert data["rate"].round(4).tolist()[1:] == [0.8, 0.15, 0.5, 0.25, 0.3333]
    assert data["rate_name"].tolist()[4] == "Taux d'opportunité"
    assert data["meaning"].tolist()[4].startswith("opportunités / leads")
    assert data["text"].tolist()[2] == "120 · 15,0\u00a0%"
    spec = charts.funnel_spec(data, "fr")
    bars = spec["layer"][0]["encoding"]["x"]
    assert "scale" not in bars  # linear: no symlog


def test_a_channel_keeps_its_colour_whatever_the_filter_and_the_scenario_is_a_shade():
    colors = charts.channel_colors(["Téléprospection", "Emailing", "Salons", "Social"])
    kpis = pd.DataFrame({"channel": ["Salons"], "cost_per_lead": [1.0], "roi": [0.5]})
    both = charts.compare_channel_data({"Référence": kpis, "Scénario": kpis},
                                       ["cost_per_lead", "roi"], "fr")
    spec = charts.channel_spec(both, "fr", series="series", colors=colors)
    for panel in spec["concat"]:
        scale = panel["encoding"]["color"]["scale"]
        assert dict(zip(scale["domain"], scale["range"], strict=True)) == colors
        assert panel["encoding"]["opacity"]["field"] == "series"  # shade, not colour
    assert [p["encoding"]["x"]["axis"]["format"] for p in spec["concat"]] == ["$,.0f", "%"]
    assert colors["Salons"] not in ("#a3b1c2", "#1e3a5f")


def test_tornado_is_green_when_the_roi_rises_and_red_when_it_falls():
    s = pd.DataFrame({"lever": ["cost.x"], "rank": [1], "delta_low": [0.16],
                      "delta_high": [-0.16], "swing": [0.32]})
    data = charts.tornado_data(s, {}, lang="fr")
    assert data["effect"].tolist() == ["ROI en hausse", "ROI en baisse"]
    scale = charts.tornado_spec(data, "fr")["layer"][0]["encoding"]["color"]["scale"]
    assert scale == {"domain": ["ROI en hausse", "ROI en baisse"],
                     "range": ["#15803d", "#b91c1c"]}
