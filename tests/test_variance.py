"""roi_core.variance: two periods compared, every change split exactly into its causes."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from conftest import SAMPLE
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from strategies import fact_tables

from roi_core.facts import COST_PARTS, DIMENSIONS, VOLUMES, build_cycles, build_facts
from roi_core.io import load_workbook
from roi_core.kpis import RATIOS, compute_kpis
from roi_core.variance import (
    DRIVERS,
    change_table,
    compare_periods,
    driver_effects,
    explain,
    parse_period,
    period_label,
    previous_period,
    ratio_effects,
    same_period_last_year,
)


def _row(month: str, channel: str = "Emailing", campaign: str = "A", **values) -> dict:
    row = {"campaign_id": campaign, "campaign": campaign, "channel": channel, "segment": "PME",
           "team": "Nord", "month": pd.Timestamp(month),
           "cost_direct_fixed": 1000.0, "cost_direct_variable": 0.0,
           "cost_indirect_fixed": 0.0, "cost_indirect_variable": 0.0, "targets": np.nan,
           "contacts": 100.0, "leads": 20.0, "opportunities": 5.0, "meetings": np.nan,
           "clients": 2.0, "revenue": 5000.0, "margin": 2000.0}
    row.update(values)
    return row


def _facts(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=DIMENSIONS + COST_PARTS + VOLUMES)


def _values(comparison, group, kpi, split) -> dict:
    part = comparison.split(group, kpi, split)
    return dict(zip(part["effect"], part["value"], strict=True))


# --- hand-built cases ------------------------------------------------------------------

def test_cost_up_ten_percent_leads_unchanged_is_all_cost_effect():
    # October: cost 1 000, 20 leads (CPL 50); November: cost 1 100, 20 leads (CPL 55).
    c = compare_periods(_facts(_row("2026-10-01"), _row("2026-11-01", cost_direct_fixed=1100.0)),
                        "2026-10", "2026-11")
    row = c.change("Emailing", "cost_per_lead")
    assert (row["before"], row["after"]) == (50.0, 55.0)
    assert row["relative_change"] == pytest.approx(0.10, abs=1e-15)
    assert _values(c, "Emailing", "cost_per_lead", "ratio") == {"cost": 5.0, "leads": 0.0}
    # ROI 100 % -> 81.8 %: all of it the cost effect too.
    drivers = _values(c, "Emailing", "roi", "drivers")
    assert drivers["volume"] == drivers["conversion"] == drivers["per_client"] == 0.0
    assert drivers["cost"] == pytest.approx(2000 / 1100 - 2, abs=1e-15)


def test_cost_up_18_percent_leads_up_5_percent():
    # The example: CPL +12 % = +18 % cost, +5 % leads.
    num, den = ratio_effects(8000, 100, 9440, 105)
    assert num + den == pytest.approx(9440 / 105 - 80, abs=1e-12)
    assert num == pytest.approx(0.5 * 1440 * (1 / 100 + 1 / 105), abs=1e-12) and den < 0


def test_case_study_win_rate_doubled_is_all_conversion():
    # DOMAIN.md case study (cost 8 000, 800 contacts, 10 clients, margin 24 000: ROI 200 %);
    # then the same with 20 clients and 48 000 of margin: ROI 500 %.
    before = {"cost": 8000.0, "contacts": 800.0, "clients": 10.0, "gain": 24000.0}
    after = {"cost": 8000.0, "contacts": 800.0, "clients": 20.0, "gain": 48000.0}
    assert driver_effects(before, after) == {"cost": 0.0, "volume": 0.0, "conversion": 3.0,
                                             "per_client": 0.0}


def test_drivers_are_symmetric_shapley():
    # Volume x2 and cost x2 together: ROI unchanged, the two effects cancel exactly.
    e = driver_effects({"cost": 100.0, "contacts": 10.0, "clients": 1.0, "gain": 300.0},
                       {"cost": 200.0, "contacts": 20.0, "clients": 2.0, "gain": 600.0})
    assert e["volume"] == pytest.approx(-e["cost"]) and e["conversion"] == 0.0
    assert math.fsum(e.values()) == 0.0


def test_a_month_without_clients_is_carried_by_conversion():
    e = driver_effects({"cost": 100.0, "contacts": 10.0, "clients": 1.0, "gain": 300.0},
                       {"cost": 100.0, "contacts": 10.0, "clients": 0.0, "gain": 0.0})
    assert e == {"cost": 0.0, "volume": 0.0, "conversion": -3.0, "per_client": 0.0}


def test_cost_moving_between_two_steady_channels_is_all_mix():
    # x earns twice its cost (ROI 100 %), y its cost (ROI 0 %), in both months; November
    # moves cost from y to x: total ROI 50 % -> 75 %, all of it mix.
    rows = []
    for month, cost_x, cost_y in (("2026-10-01", 100.0, 100.0), ("2026-11-01", 150.0, 50.0)):
        rows.append(_row(month, "x", "X", cost_direct_fixed=cost_x, margin=2 * cost_x))
        rows.append(_row(month, "y", "Y", cost_direct_fixed=cost_y, margin=cost_y))
    c = compare_periods(_facts(*rows), "2026-10", "2026-11")
    assert c.change("total", "roi")["change"] == pytest.approx(0.25)
    mix = c.split("total", "roi", "mix")
    assert mix[mix["effect"] == "within"]["value"].abs().max() == 0.0
    assert math.fsum(mix[mix["effect"] == "mix"]["value"]) == pytest.approx(0.25)
    by_channel = mix.groupby("channel")["value"].sum()
    # Measured against the average: x gaining share above it and y losing share below it
    # both raise the total (+0.25 × (100 % − 62.5 %), −0.25 × (0 % − 62.5 %)).
    assert by_channel["x"] == pytest.approx(0.09375)
    assert by_channel["y"] == pytest.approx(0.15625)


def test_a_channel_that_starts_is_all_mix_and_the_parts_still_add_up():
    c = compare_periods(_facts(_row("2026-10-01", "x", "X"), _row("2026-11-01", "x", "X"),
                               _row("2026-11-01", "y", "Y", margin=4000.0)),
                        "2026-10", "2026-11")
    mix = c.split("total", "roi", "mix")
    y = mix[mix["channel"] == "y"].set_index("effect")["value"]
    assert y["within"] == 0.0 and y["mix"] > 0
    assert math.fsum(mix["value"]) == c.change("total", "roi")["change"]
    # The channel absent in October has zero sums there (not "not recorded").
    assert c.change("y", "cost")["before"] == 0.0
    assert math.isnan(c.change("y", "roi")["before"])


def test_a_cost_without_leads_weighs_on_the_total_cpl_as_mix():
    # y spends 500 in November and brings no lead: the total CPL carries that cost.
    c = compare_periods(_facts(_row("2026-10-01", "x", "X"), _row("2026-11-01", "x", "X"),
                               _row("2026-11-01", "y", "Y", cost_direct_fixed=500.0, leads=0.0)),
                        "2026-10", "2026-11")
    assert c.change("total", "cost_per_lead")["change"] == pytest.approx(25.0)
    mix = c.split("total", "cost_per_lead", "mix")
    assert mix[mix["channel"] == "y"]["value"].sum() == pytest.approx(25.0)
    assert math.fsum(mix["value"]) == pytest.approx(25.0, abs=1e-12)


# --- periods ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, first, last", [
    ("2026-10", "2026-10", "2026-10"), ("2026Q3", "2026-07", "2026-09"),
    ("2026-Q4", "2026-10", "2026-12"), ("T2 2026", "2026-04", "2026-06"),
    ("2026", "2026-01", "2026-12"), ("2026-09..2026-11", "2026-09", "2026-11"),
    ("10/2026", "2026-10", "2026-10")])
def test_periods(text, first, last):
    a, b = parse_period(text)
    assert (a.strftime("%Y-%m"), b.strftime("%Y-%m")) == (first, last)


@pytest.mark.parametrize("text", ["octobre", "2026-13", "2026Q5", "2026-11..2026-09", ""])
def test_bad_periods_say_what_a_period_is(text):
    with pytest.raises(ValueError):
        parse_period(text)


def test_this_quarter_and_last():
    q = parse_period("2026Q1")
    assert period_label(previous_period(q)) == "2025-10..2025-12"
    assert period_label(same_period_last_year(q)) == "2025-01..2025-03"


# --- invariants over random data ---------------------------------------------------------

def _check_exact(c) -> None:
    changes = c.changes.set_index(["group", "kpi"])
    for (group, kpi, split), part in c.effects.groupby(["group", "kpi", "split"]):
        change = changes.at[(group, kpi), "change"]
        total = math.fsum(part["value"])
        assert math.isfinite(change)
        assert abs(total - change) <= 1e-9 * max(1.0, abs(change)), (group, kpi, split)


period_texts = st.sampled_from(["2026-01", "2026-02", "2026-06", "2026-12", "2026Q1",
                                "2026Q2", "2026Q4", "2026-03..2026-08"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])  # shrinking is slow here
@given(facts=fact_tables(min_rows=1, max_rows=14), before=period_texts, after=period_texts,
       indirect=st.booleans(), basis=st.sampled_from(["margin", "revenue"]))
def test_the_parts_add_up_to_every_change(facts, before, after, indirect, basis):
    c = compare_periods(facts, before, after, include_indirect=indirect, basis=basis)
    _check_exact(c)
    changes = c.changes.set_index(["group", "kpi"])
    ratio_kpis = [*RATIOS, "roi"]
    for (group, kpi), row in changes.iterrows():
        if kpi in ratio_kpis and math.isfinite(row["change"]):
            # Every defined change of a ratio is split, and ROI into its drivers too.
            assert not c.split(group, kpi, "ratio").empty, (group, kpi)
            if kpi == "roi":
                assert set(c.split(group, kpi, "drivers")["effect"]) == set(DRIVERS)
                if group == "total":
                    assert not c.split(group, kpi, "mix").empty
    # The KPIs are those of compute_kpis with the period as a group (as kpis --by month);
    # to the last bit when both sum in groups (the demo test below), here up to the
    # summation order (a single group is summed pairwise, several with compensation).
    for period, column in ((c.before, "before"), (c.after, "after")):
        inside = facts["month"].between(*period)
        grouped = compute_kpis(facts.assign(p=np.where(inside, "in", None)), "p",
                               include_indirect=indirect, basis=basis)
        kpis = grouped[grouped["p"] == "in"]
        for kpi in ("cost", "roi", "cost_per_lead", "win_rate", "cac", "contact_rate"):
            got = changes.at[("total", kpi), column]
            want = kpis[kpi].iloc[0] if len(kpis) else float("nan")
            assert (math.isnan(got) and math.isnan(want)) or got == pytest.approx(
                want, rel=1e-12, abs=1e-9), (kpi, column)


# --- the demo company --------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo():
    data = load_workbook(SAMPLE / "demo_company.xlsx")
    return build_facts(data), build_cycles(data)


def test_demo_last_month_matches_the_kpis_by_month(demo):
    facts, cycles = demo
    c = compare_periods(facts, "2026-10", "2026-11", cycles=cycles)
    _check_exact(c)
    by_month = compute_kpis(facts, "month", cycles=cycles).set_index("month")
    total = c.changes[c.changes["group"] == "total"].set_index("kpi")
    for kpi in by_month.columns:
        for month, column in (("2026-10", "before"), ("2026-11", "after")):
            want, got = by_month.at[month, kpi], total.at[kpi, column]
            assert (pd.isna(want) and pd.isna(got)) or want == got, (kpi, month)


def test_demo_sentences_one_roi_sentence_per_channel(demo):
    facts, cycles = demo
    c = compare_periods(facts, "2026-10", "2026-11", cycles=cycles)
    for lang, word in (("fr", "le ROI passe de"), ("en", "ROI went from")):
        s = explain(c, lang)
        roi = s[s["kpi"] == "roi"]
        assert list(roi["group"]) == ["total", "Emailing", "Salons/Événements",
                                      "Social selling", "Téléprospection"]
        assert roi["sentence"].iloc[0].startswith("Total")
        assert word in roi["sentence"].iloc[-1] and roi["sentence"].iloc[-1].endswith(".")
    fr = explain(c, "fr").set_index(["group", "kpi"])["sentence"]
    # Téléprospection: ROI 324,4 % -> 495,0 %, conversion the first cause.
    assert fr[("Téléprospection", "roi")].startswith(
        "Téléprospection : le ROI passe de 324,4\u00a0% à 495,0\u00a0% (+170,6 pts) : "
        "clients par contact +25,3\u00a0%")
    table = change_table(c, "en")
    assert list(table.columns) == ["Channel", "KPI", "2026-10", "2026-11", "Change",
                                   "Change %"]
