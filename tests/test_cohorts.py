"""Cohorts: measurement windows, immature campaigns with their estimate, maturity, cycles."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from roi_core.cohorts import (
    cohort_curves,
    cohort_deals,
    cohort_summary,
    deal_states,
    latest_date,
    maturity_curve,
    sales_cycle_distribution,
)
from roi_core.dataset import Dataset, empty_frame
from roi_core.io import load_workbook

AS_OF = "2026-08-01"
CAMPAIGNS = [
    # campaign_id, campaign, channel, start_date
    ("TP1", "Phoning janvier", "teleprospecting", datetime(2026, 1, 1)),  # mature on 1/8
    ("TP2", "Phoning mai", "teleprospecting", datetime(2026, 5, 1)),  # immature (92 days)
    ("EM1", "Emailing janvier", "emailing", datetime(2026, 1, 1)),  # mature
    ("EV1", "Salon septembre", "events", datetime(2026, 9, 1)),  # not started
]
COSTS = [
    # campaign_id, category, item, amount, date
    ("TP1", "direct", "salaires", 800.0, None),
    ("TP2", "direct", "salaires", 1000.0, datetime(2026, 5, 1)),
    ("TP2", "direct", "relance", 500.0, datetime(2026, 9, 15)),  # after as_of: not counted
    ("EM1", "direct", "routeur", 200.0, None),
    ("EV1", "direct", "stand", 3000.0, None),
]
DEALS = [
    # deal_id, campaign_id, account, first_contact, created, close, status, amount, margin
    ("T1", "TP1", "a1", datetime(2026, 1, 2), datetime(2026, 1, 5), datetime(2026, 1, 20),
     "won", 1000.0, 0.5),  # age 19: period 0
    ("T2", "TP1", "a2", datetime(2026, 1, 10), datetime(2026, 2, 1), datetime(2026, 3, 10),
     "won", 1000.0, 0.5),  # age 68: period 2
    ("T3", "TP1", "a3", datetime(2026, 1, 10), datetime(2026, 2, 1), datetime(2026, 7, 15),
     "won", 1000.0, 0.5),  # age 195: outside the 180-day window
    ("T4", "TP1", "a4", datetime(2026, 1, 10), datetime(2026, 1, 15), datetime(2026, 2, 1),
     "lost", 900.0, 0.5),
    ("T5", "TP2", "a5", datetime(2026, 5, 2), datetime(2026, 5, 5), datetime(2026, 5, 20),
     "won", 1000.0, 0.5),  # age 19: period 0
    ("T6", "TP2", "a6", datetime(2026, 5, 20), datetime(2026, 6, 1), None, "open", 2000.0,
     0.5),
    ("T7", "TP2", "a7", datetime(2026, 5, 20), datetime(2026, 6, 1), None, "open", 2000.0,
     0.5),
    ("T8", "TP2", "a8", datetime(2026, 6, 1), datetime(2026, 6, 15), datetime(2026, 9, 1),
     "won", 5000.0, 0.5),  # won after as_of: still open on 1/8
    ("E1", "EM1", "a9", datetime(2026, 1, 5), datetime(2026, 1, 20), datetime(2026, 2, 15),
     "won", 400.0, 0.5),  # age 45: period 1
]


def write_cohort_workbook(path):
    wb = Workbook()
    sheets = {
        "campaigns": (["campaign_id", "campaign", "channel", "start_date"], CAMPAIGNS),
        "costs": (["campaign_id", "category", "item", "amount", "date"], COSTS),
        "deals": (["deal_id", "campaign_id", "account_id", "first_contact_date",
                   "created_date", "close_date", "status", "amount", "margin_rate"], DEALS),
    }
    wb.remove(wb.active)
    for name, (header, rows) in sheets.items():
        ws = wb.create_sheet(name)
        ws.append(header)
        for row in rows:
            ws.append(list(row))
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return load_workbook(write_cohort_workbook(tmp_path_factory.mktemp("c") / "cohorts.xlsx"))


def test_states_as_of(data):
    states = deal_states(data.deals, AS_OF)
    assert states.tolist() == ["won", "won", "won", "lost", "won", "open", "open", "open", "won"]


def test_summary_windows_and_status(data):
    s = cohort_summary(data, AS_OF).set_index("campaign_id")
    assert s["status"].to_dict() == {"TP1": "mature", "TP2": "immature", "EM1": "mature",
                                     "EV1": "not started"}
    assert s.loc["TP1", "clients"] == 2  # T3 closed after its window
    assert s.loc["TP1", "margin"] == 1000.0
    assert s.loc["TP1", "roi"] == pytest.approx((1000 - 800) / 800)
    assert s.loc["TP1", "window_end"] == pd.Timestamp("2026-06-30")
    assert np.isnan(s.loc["TP1", "estimated_margin"]) and not s.loc["TP1", "is_estimate"]


def test_immature_campaign_gets_its_open_pipeline_estimate(data):
    s = cohort_summary(data, AS_OF).set_index("campaign_id")
    tp2 = s.loc["TP2"]
    assert tp2["cost"] == 1000.0  # the line dated after as_of is not counted
    assert tp2["roi"] == pytest.approx(-0.5)
    assert tp2["open_deals"] == 3  # T6, T7 and T8 (won only in September)
    # teleprospecting as of 1/8: 4 won (T1, T2, T3, T5), 1 lost: win rate 0.8;
    # margin per client 4 × 500 / 4 = 500.
    assert tp2["estimated_clients"] == pytest.approx(3 * 0.8)
    assert tp2["estimated_margin"] == pytest.approx(3 * 0.8 * 500)
    assert tp2["roi_with_estimate"] == pytest.approx((500 + 1200 - 1000) / 1000)
    assert tp2["is_estimate"]


def test_window_is_a_parameter(data):
    s = cohort_summary(data, AS_OF, window_days=220).set_index("campaign_id")
    assert s.loc["TP1", "clients"] == 3
    assert s.loc["TP1", "status"] == "immature"  # 212 days old, window 220
    with pytest.raises(ValueError):
        cohort_summary(data, AS_OF, window_days=0)


def test_curves_by_month(data):
    c = cohort_curves(data, AS_OF)
    tp1 = c[c["campaign_id"] == "TP1"]
    assert tp1["period"].tolist() == [0, 1, 2, 3, 4, 5]  # 180 days = 5.9 months
    assert tp1["cum_clients"].tolist() == [1, 1, 2, 2, 2, 2]
    assert tp1["age_days"].iloc[-1] == 180.0
    assert tp1["roi"].iloc[0] == pytest.approx((500 - 800) / 800)
    tp2 = c[c["campaign_id"] == "TP2"]
    assert tp2["period"].tolist() == [0, 1, 2, 3]  # 92 days old on 1/8
    assert tp2["age_days"].iloc[-1] == 92.0
    assert "EV1" not in set(c["campaign_id"])  # not started


def test_curves_by_week(data):
    c = cohort_curves(data, AS_OF, period="week")
    tp1 = c[c["campaign_id"] == "TP1"].set_index("period")
    assert len(tp1) == 26  # 180 / 7 = 25.7 weeks
    assert tp1.loc[2, "clients"] == 1  # T1 at 19 days
    assert tp1.loc[9, "clients"] == 1  # T2 at 68 days


def test_maturity_curve(data):
    m = maturity_curve(data, AS_OF)
    tp = m[m["channel"] == "teleprospecting"].set_index("period")["share"]
    assert tp.tolist() == [0.5, 0.5, 1.0, 1.0, 1.0, 1.0]
    em = m[m["channel"] == "emailing"].set_index("period")["share"]
    assert em.tolist() == [0.0, 1.0, 1.0, 1.0, 1.0, 1.0]


def test_sales_cycle_distribution(data):
    d = sales_cycle_distribution(data).set_index("channel")
    # teleprospecting won: T1 18 days, T2 59, T3 186, T5 18, T8 92 (close − first contact).
    assert d.loc["teleprospecting", "deals"] == 5
    assert d.loc["teleprospecting", "median"] == 59
    assert d.loc["teleprospecting", "q1"] == 18 and d.loc["teleprospecting", "q3"] == 92
    assert d.loc["emailing", "median"] == 41
    seen = sales_cycle_distribution(data, as_of=AS_OF).set_index("channel")
    assert seen.loc["teleprospecting", "deals"] == 4  # T8 closes after as_of
    assert seen.loc["teleprospecting", "median"] == pytest.approx((18 + 59) / 2)


def test_latest_date(data):
    assert latest_date(data) == pd.Timestamp("2026-09-15")


# --- property: a deal is counted at most once, and never outside its window --------------

day = st.integers(-30, 400)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), day, st.sampled_from(["won", "lost", "open"]),
                          st.booleans()), min_size=1, max_size=25),
       st.integers(1, 300), st.integers(0, 400), st.sampled_from(["week", "month"]))
def test_cohort_windows_never_double_count(deals_spec, window, as_of_day, period):
    base = pd.Timestamp("2026-01-01")
    campaigns = empty_frame("campaigns").iloc[:0]
    campaigns = pd.DataFrame({
        "campaign_id": [f"C{i}" for i in range(4)], "campaign": [f"C{i}" for i in range(4)],
        "channel": ["x", "x", "y", "y"], "segment": None, "team": None,
        "start_date": [base + pd.Timedelta(days=30 * i) for i in range(4)],
        "end_date": pd.NaT, "targets": np.nan})
    rows = []
    for i, (camp, close_day, status, has_close) in enumerate(deals_spec):
        close = base + pd.Timedelta(days=close_day) if has_close or status == "won" else pd.NaT
        rows.append({"deal_id": f"D{i}", "campaign_id": f"C{camp}", "account_id": f"a{i}",
                     "first_contact_date": base, "created_date": base,
                     "close_date": close, "status": status, "amount": 100.0,
                     "margin_rate": 0.5})
    deals = pd.DataFrame(rows)
    data = Dataset(campaigns, empty_frame("costs"), empty_frame("funnel"), deals=deals)
    as_of = base + pd.Timedelta(days=as_of_day)
    counted = cohort_deals(data, as_of, window_days=window, period=period)
    assert counted["deal_id"].is_unique
    launch = deals["campaign_id"].map(campaigns.set_index("campaign_id")["start_date"])
    age = (deals["close_date"] - launch).dt.total_seconds() / 86400
    expected = deals[(deals["status"] == "won") & (age >= 0) & (age < window)
                     & (deals["close_date"] <= as_of)]
    assert set(counted["deal_id"]) == set(expected["deal_id"])
    curves = cohort_curves(data, as_of, window_days=window, period=period)
    assert curves["clients"].sum() == len(expected)
    summary = cohort_summary(data, as_of, window_days=window)
    assert summary["clients"].sum() == len(expected)


# --- the command line -------------------------------------------------------------------

def _cli(*args: str):
    import subprocess
    import sys

    from conftest import ROOT
    return subprocess.run([sys.executable, "-m", "roi_core", *args], cwd=ROOT,
                          capture_output=True, text=True)


def test_cli_cohorts_json(tmp_path):
    import json
    path = write_cohort_workbook(tmp_path / "c.xlsx")
    out = _cli("cohorts", str(path), "--as-of", AS_OF, "--format", "json")
    assert out.returncode == 0, out.stderr
    rows = {r["campaign_id"]: r for r in json.loads(out.stdout)}
    assert rows["TP2"]["roi_with_estimate"] == pytest.approx(0.7)
    assert rows["TP2"]["is_estimate"] is True
    assert rows["TP1"]["roi_with_estimate"] is None
    assert rows["TP1"]["window_end"] == "2026-06-30"
    wider = json.loads(_cli("cohorts", str(path), "--as-of", AS_OF, "--window-days", "220",
                            "--format", "json").stdout)
    assert {r["campaign_id"]: r["clients"] for r in wider}["TP1"] == 3


def test_cli_cohorts_bad_input(tmp_path):
    out = _cli("cohorts", str(tmp_path / "missing.xlsx"))
    assert out.returncode == 2 and "Traceback" not in out.stderr
    path = write_cohort_workbook(tmp_path / "c.xlsx")
    out = _cli("cohorts", str(path), "--window-days", "0")
    assert out.returncode == 2 and "window" in out.stderr


def test_a_deal_signed_during_the_as_of_day_counts():
    # Dates are days: a close date that carries 10:00 is on the as_of day, not after it.
    camps = pd.DataFrame({"campaign_id": ["C1"], "campaign": ["Calls"], "channel": ["calls"],
                          "start_date": pd.to_datetime(["2026-01-01"])})
    deals = pd.DataFrame({"deal_id": ["D1", "D2"], "campaign_id": ["C1", "C1"],
                          "status": ["won", "open"], "amount": [1.0, 1.0],
                          "margin_rate": [1.0, 1.0],
                          "created_date": [pd.Timestamp("2026-01-05"),
                                           pd.Timestamp("2026-03-01 09:00")],
                          "close_date": [pd.Timestamp("2026-03-01 10:00"), pd.NaT]})
    data = Dataset(camps, empty_frame("costs"), empty_frame("funnel"), deals=deals)
    assert cohort_deals(data, "2026-03-01")["deal_id"].tolist() == ["D1"]
    assert deal_states(deals, "2026-03-01").tolist() == ["won", "open"]
    assert deal_states(deals, "2026-02-28").tolist() == ["open", "future"]
