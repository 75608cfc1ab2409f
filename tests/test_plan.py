"""The quarter's plan (roi_core.plan): the article's case backwards, the round trip through
a scenario, cash and payback by hand, capacity on the demo company, the command line."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import funnel_counts

from roi_core.cli.main import main
from roi_core.dataset import Dataset, empty_frame
from roi_core.errors import InputError
from roi_core.facts import build_cycles
from roi_core.io import load_workbook
from roi_core.kpis import compute_kpis
from roi_core.plan import (
    Target,
    activity_rates,
    capacity,
    cash_flow,
    ceil_units,
    cycle_offsets,
    forward_funnel,
    lifetime_margin_per_client,
    payback,
    plan_quarter,
    plan_rates,
    reverse_funnel,
    split_from_budget,
    split_target,
    team_capacity,
)
from roi_core.scenario import Levers, apply_levers, base_table, to_json

DEMO = Path(__file__).resolve().parents[1] / "sample_data" / "demo_company.xlsx"


def facts_row(channel="case", *, fixed=0.0, variable=8000.0, targets=1000.0, contacts=800.0,
              leads=120.0, opportunities=30.0, meetings=np.nan, clients=10.0,
              revenue=60000.0, margin=24000.0, month="2026-01-01", campaign="A") -> dict:
    return {"campaign_id": campaign, "campaign": campaign, "channel": channel,
            "segment": "s", "team": "t", "month": pd.Timestamp(month),
            "cost_direct_fixed": fixed, "cost_direct_variable": variable,
            "cost_indirect_fixed": 0.0, "cost_indirect_variable": 0.0, "targets": targets,
            "contacts": contacts, "leads": leads, "opportunities": opportunities,
            "meetings": meetings, "clients": clients, "revenue": revenue, "margin": margin}


# The article's case study: 8 000 € for 1 000 targets, 800 contacts, 120 leads,
# 30 opportunities, 10 clients at 6 000 € of revenue and 40 % of margin.
CASE = pd.DataFrame([facts_row()])
JANUARY = Target("clients", 10, "2027-01", "2027-01")


@pytest.fixture(scope="module")
def demo():
    return load_workbook(DEMO)


@pytest.fixture(scope="module")
def demo_plan(demo):
    return plan_quarter(demo, base_table(demo), Target("clients", 30, "2027-01", "2027-03"))


# --- reverse funnel ---------------------------------------------------------------------

@pytest.mark.parametrize("cost", [{"variable": 8000.0, "fixed": 0.0},
                                  {"variable": 0.0, "fixed": 8000.0},
                                  {"variable": 5000.0, "fixed": 3000.0}])
def test_the_articles_case_backwards(cost):
    plan = reverse_funnel(plan_rates(pd.DataFrame([facts_row(**cost)])), JANUARY)
    row = plan.set_index("channel").loc["case"]
    assert [row[c] for c in ("clients", "opportunities", "leads", "contacts", "targets")] == [
        10, 30, 120, 800, 1000]
    # 800 contacts at the case's 10 € per contact (one month of history, one of plan).
    assert row["cost"] == pytest.approx(8000.0)
    assert row["margin"] == pytest.approx(24000.0)
    assert row["roi"] == pytest.approx(2.0)
    assert row["cac"] == pytest.approx(800.0)


@pytest.mark.parametrize("flavour", ["numpy_nullable", "pyarrow", "object"])
def test_the_plan_does_not_care_about_the_dataframe_flavour(flavour):
    table = pd.DataFrame([facts_row(), facts_row("mail", campaign="B", meetings=5.0,
                                                 clients=3.0)])
    other = (table.astype(object) if flavour == "object"
             else table.convert_dtypes(dtype_backend=flavour))
    pd.testing.assert_frame_equal(reverse_funnel(plan_rates(table), JANUARY),
                                  reverse_funnel(plan_rates(other), JANUARY),
                                  check_dtype=False)


def test_each_stage_is_rounded_up_to_whole_units():
    plan = reverse_funnel(plan_rates(CASE), Target("clients", 11, "2027-01", "2027-01"))
    row = plan.iloc[0]
    # 11 / (1/3) = 33 opportunities; 33 / 0.25 = 132 leads; 132 / 0.15 = 880 contacts;
    # 880 / 0.8 = 1 100 targets: exact; 12 clients: 36, 144, 960, 1 200.
    assert [row[c] for c in ("opportunities", "leads", "contacts", "targets")] == [
        33, 132, 880, 1100]
    odd = reverse_funnel(plan_rates(pd.DataFrame([facts_row(clients=7.0)])), JANUARY).iloc[0]
    # win 7/30: 10 clients need ⌈42.86⌉ = 43 opportunities, ⌈172⌉ leads, ⌈1146.67⌉ contacts.
    assert [odd[c] for c in ("opportunities", "leads", "contacts")] == [43, 172, 1147]


def test_fixed_costs_do_not_follow_the_volume_variable_ones_do():
    rates = plan_rates(pd.DataFrame([facts_row(variable=6000.0, fixed=2000.0)]))
    small = reverse_funnel(rates, JANUARY).iloc[0]
    double = reverse_funnel(rates, Target("clients", 20, "2027-01", "2027-01")).iloc[0]
    quarter = reverse_funnel(rates, Target("clients", 10, "2027-01", "2027-03")).iloc[0]
    assert (small["cost_variable"], small["cost_fixed"]) == pytest.approx((6000.0, 2000.0))
    assert (double["cost_variable"], double["cost_fixed"]) == pytest.approx((12000.0, 2000.0))
    # Fixed costs are paid per month of the plan, at the history's monthly rate.
    assert quarter["cost_fixed"] == pytest.approx(6000.0)


def test_margin_and_revenue_targets_give_whole_clients():
    rates = plan_rates(CASE)
    margin = reverse_funnel(rates, Target("margin", 24001, "2027-01", "2027-01")).iloc[0]
    revenue = reverse_funnel(rates, Target("revenue", 60000, "2027-01", "2027-01")).iloc[0]
    assert margin["clients"] == 11 and revenue["clients"] == 10


def test_the_binding_stage_is_the_lowest_rate():
    row = reverse_funnel(plan_rates(CASE), JANUARY).iloc[0]
    assert row["binding_stage"] == "lead_rate"  # 15 % < 25 % < 33 %
    # One more point of lead rate: 10 / (0.16 × 0.25 × 1/3) = 750 contacts, 50 saved.
    assert row["contacts_saved_per_point"] == pytest.approx(50.0)


def test_a_zero_rate_makes_the_stages_above_it_not_reachable():
    rates = plan_rates(pd.DataFrame([facts_row(clients=0.0, revenue=0.0, margin=0.0)]))
    row = reverse_funnel(rates, JANUARY, split={"case": 1.0}).iloc[0]
    assert math.isnan(row["opportunities"]) and math.isnan(row["contacts"])
    assert row["binding_stage"] == "win_rate"


def test_the_scenarios_levers_give_the_rates():
    rates = plan_rates(CASE, Levers(win_rate=2.0))
    row = reverse_funnel(rates, JANUARY).iloc[0]
    assert [row[c] for c in ("opportunities", "leads", "contacts")] == [15, 60, 400]


def test_the_target_is_split_by_todays_mix_or_the_given_split():
    table = pd.DataFrame([facts_row("calls", clients=30.0, campaign="A"),
                          facts_row("mail", clients=10.0, campaign="B")])
    rates = plan_rates(table)
    mix = reverse_funnel(rates, Target("clients", 10, "2027-01", "2027-01"))
    assert mix.set_index("channel")["clients"].to_dict() == {"calls": 8, "mail": 2,
                                                             "total": 10}
    given_split = reverse_funnel(rates, Target("clients", 10, "2027-01", "2027-01"),
                                 split={"calls": 1, "mail": 1})
    assert given_split.set_index("channel")["clients"].tolist() == [5, 5, 10]
    with pytest.raises(InputError, match="without history"):
        reverse_funnel(rates, JANUARY, split={"fax": 1.0})


def test_a_budget_split_becomes_target_weights_by_cost_per_client():
    weights = split_from_budget({"a": 0.5, "b": 0.5}, {"a": 1000.0, "b": 500.0})
    assert weights == pytest.approx({"a": 1 / 3, "b": 2 / 3})


@given(total=st.integers(1, 10_000),
       weights=st.dictionaries(st.sampled_from("abcdefgh"), st.floats(0, 1e6), min_size=1))
def test_a_whole_split_sums_to_the_target(total, weights):
    if not any(w > 0 for w in weights.values()):
        with pytest.raises(InputError):
            split_target(total, weights)
        return
    out = split_target(total, weights)
    assert sum(out.values()) == total
    assert all(v == int(v) and v >= 0 for v in out.values())
    weight = sum(weights.values())
    for k, v in out.items():
        assert abs(v - total * weights[k] / weight) < 1 + 1e-9


def test_ceil_units_ignores_floating_point_dust():
    assert ceil_units(10 / (10 / 30)) == 30 and ceil_units(30.000001) == 31


@settings(max_examples=150, deadline=None)
@given(counts=funnel_counts(), target=st.integers(1, 300))
def test_round_trip_plan_then_scenario_reaches_the_target(counts, target):
    contacts, clients = counts["contacts"], counts["clients"]
    table = pd.DataFrame([facts_row(**counts, targets=contacts, revenue=clients * 6000.0,
                                    margin=clients * 2400.0)])
    plan = reverse_funnel(plan_rates(table), Target("clients", target, "2027-01", "2027-01"))
    need = plan.iloc[0]
    volume = need["contacts"] / contacts
    if volume > 100:  # beyond the scenario's largest multiplier
        return
    scenario = compute_kpis(apply_levers(table, Levers(contacts=volume))).iloc[0]
    tol = 1e-6
    # At least the target at every stage, at most one unit per rounded stage above it.
    assert scenario["contacts"] == pytest.approx(need["contacts"])
    for stage, above in (("leads", 1), ("opportunities", 2), ("clients", 3)):
        assert scenario[stage] >= need[stage] - tol, stage
        assert scenario[stage] - need[stage] < above + tol, stage
    assert scenario["clients"] >= target - tol


def test_forward_funnel_gives_back_the_case():
    out = forward_funnel(plan_rates(CASE), {"case": 800})
    assert out["clients"].iloc[0] == pytest.approx(10.0)


# --- capacity ---------------------------------------------------------------------------

def test_the_demos_three_reps_make_about_800_calls_a_month(demo):
    team = team_capacity(demo)
    assert team.reps == 3
    assert team.calls_per_rep_month == pytest.approx(9605 / 36)
    assert team.calls_per_month == pytest.approx(800, rel=0.01)


def test_todays_volume_needs_todays_team(demo):
    # Planning last year's contacts again, at the measured utilisation, takes 3 reps.
    table = base_table(demo)
    rates = plan_rates(table)
    history = compute_kpis(table, "channel").set_index("channel")
    funnel = pd.DataFrame({"channel": history.index, "contacts": history["contacts"]})
    _, summary = capacity(funnel, activity_rates(demo, table), team_capacity(demo), 12)
    assert summary["fte"] == pytest.approx(3.0, rel=0.02)
    assert summary["calls"] == pytest.approx(9605, abs=4)
    assert summary["reps_by_calls"] == pytest.approx(3.0, rel=0.01)
    assert rates["channel"].tolist() == sorted(history.index)


def test_a_lower_utilisation_needs_more_people(demo_plan, demo):
    table = base_table(demo)
    acts = activity_rates(demo, table)
    team = team_capacity(demo)
    _, measured = capacity(demo_plan.funnel, acts, team, 3)
    _, low = capacity(demo_plan.funnel, acts, team, 3, utilisation=measured["utilisation"] / 2)
    assert low["fte"] == pytest.approx(2 * measured["fte"])
    assert low["hiring_gap"] == low["reps_needed"] - 3
    with pytest.raises(InputError):
        capacity(demo_plan.funnel, acts, team, 3, utilisation=1.5)


# --- cash and payback -------------------------------------------------------------------

def hand_built_cohort() -> Dataset:
    """One calls campaign; two won deals with cycles of 10 and 70 days, one lost."""
    camps = pd.DataFrame({"campaign_id": ["C1"], "campaign": ["Calls"], "channel": ["calls"],
                          "segment": ["s"], "team": ["t"],
                          "start_date": pd.to_datetime(["2026-01-01"]),
                          "end_date": pd.NaT, "targets": [np.nan]})
    deals = pd.DataFrame({
        "deal_id": ["D1", "D2", "D3"], "campaign_id": ["C1"] * 3, "account_id": ["a", "b", "c"],
        "first_contact_date": pd.to_datetime(["2026-01-01", "2026-01-01", "2026-01-01"]),
        "created_date": pd.to_datetime(["2026-01-02"] * 3),
        "close_date": pd.to_datetime(["2026-01-11", "2026-03-12", "2026-02-01"]),  # 10, 70 d
        "status": ["won", "won", "lost"], "amount": [1500.0] * 3, "margin_rate": [0.4] * 3})
    return Dataset(camps, empty_frame("costs"), empty_frame("funnel"), deals=deals)


def test_a_hand_built_cohort_gives_the_payback_month_by_hand():
    offsets = cycle_offsets(build_cycles(hand_built_cohort()))
    assert offsets["calls"].tolist() == [0, 2]
    # The plan: 2 clients at 600 € of margin, 1 000 € of cost, all in January 2027.
    funnel = pd.DataFrame({"channel": ["calls", "total"], "clients": [2.0, 2.0],
                           "cost": [1000.0, 1000.0], "margin": [1200.0, 1200.0]})
    cash = cash_flow(funnel, offsets, Target("clients", 2, "2027-01", "2027-01"))
    total = cash[cash["channel"] == "total"]
    # Half a client signs in January (offset 0), half in March (offset 2), in expectation:
    # January −1 000 + 600 = −400, February −400, March −400 + 600 = +200.
    assert total["cumulative"].tolist() == pytest.approx([-400.0, -400.0, 200.0])
    result = payback(cash)
    assert result["payback_month"] == pd.Timestamp("2027-03-01")
    assert result["payback_months"] == 3
    assert result["peak_cash_need"] == pytest.approx(400.0)
    # The band: some draws sign both clients in January, some both in March.
    assert total["cumulative_high"].iloc[0] == pytest.approx(200.0)
    assert total["cumulative_low"].iloc[0] == pytest.approx(-1000.0)
    assert result["payback_early"] == pd.Timestamp("2027-01-01")
    assert result["payback_late"] == pd.Timestamp("2027-03-01")


def test_a_payment_delay_moves_the_payback():
    offsets = {"calls": np.array([0])}
    funnel = pd.DataFrame({"channel": ["calls"], "clients": [2.0], "cost": [1000.0],
                           "margin": [1200.0]})
    target = Target("clients", 2, "2027-01", "2027-01")
    assert payback(cash_flow(funnel, offsets, target))["payback_months"] == 1
    late = cash_flow(funnel, offsets, target, payment_delay_months=2)
    assert payback(late)["payback_months"] == 3
    assert payback(late)["peak_cash_need"] == pytest.approx(1000.0)


@settings(max_examples=60, deadline=None)
@given(cycles=st.lists(st.floats(0, 400), min_size=1, max_size=30),
       clients=st.integers(0, 60), months=st.integers(1, 6), cost=st.floats(0, 1e5))
def test_margins_sum_to_the_funnels_margin_once_every_deal_has_closed(cycles, clients,
                                                                      months, cost):
    offsets = cycle_offsets(pd.DataFrame({"channel": "x", "sales_cycle_days": cycles}))
    funnel = pd.DataFrame({"channel": ["x"], "clients": [float(clients)], "cost": [cost],
                           "margin": [clients * 2400.0]})
    target = Target("clients", max(clients, 1), "2027-01",
                    str(pd.Period("2027-01", "M") + months - 1))
    cash = cash_flow(funnel, offsets, target, simulations=50)
    total = cash[cash["channel"] == "total"]
    assert total["margin"].sum() == pytest.approx(clients * 2400.0)
    assert total["clients"].sum() == pytest.approx(clients)
    assert total["cost"].sum() == pytest.approx(cost)
    assert total["cumulative"].iloc[-1] == pytest.approx(clients * 2400.0 - cost, abs=1e-6)
    assert (total["cumulative_low"] <= total["cumulative_high"] + 1e-9).all()


def test_the_demo_plan_margins_sum_to_its_funnel(demo_plan):
    cash = demo_plan.cash
    funnel = demo_plan.funnel.set_index("channel")
    for channel, rows in cash.groupby("channel"):
        assert rows["margin"].sum() == pytest.approx(funnel.loc[channel, "margin"])
        assert rows["cost"].sum() == pytest.approx(funnel.loc[channel, "cost"])


# --- lifetime value ---------------------------------------------------------------------

def test_lifetime_margin():
    assert lifetime_margin_per_client(2400, retention=0.8, years=2) == pytest.approx(4320)
    assert lifetime_margin_per_client(2400, retention=0.8, years=2.5) == pytest.approx(
        2400 * (1 + 0.8 + 0.5 * 0.64))
    with pytest.raises(InputError):
        lifetime_margin_per_client(2400, retention=1.2, years=2)


def test_a_lifetime_basis_is_labelled_and_pays_back_no_later(demo):
    table = base_table(demo)
    target = Target("clients", 30, "2027-01", "2027-03")
    first = plan_quarter(demo, table, target)
    life = plan_quarter(demo, table, target, basis="lifetime", retention=0.8, years=3)
    assert first.summary["roi_basis"] == "first_deal" and life.summary["roi_basis"] == "lifetime"
    assert life.summary["margin"] == pytest.approx(first.summary["margin"] * 2.44)
    assert life.summary["payback_month"] <= first.summary["payback_month"]


# --- the demo's answer and the command line ----------------------------------------------

def test_the_demos_answer_for_30_clients_next_quarter(demo_plan):
    s = demo_plan.summary
    assert s["clients"] == 30
    total = demo_plan.funnel.set_index("channel").loc["total"]
    by_channel = demo_plan.funnel[demo_plan.funnel["channel"] != "total"]
    for col in ("clients", "opportunities", "leads", "contacts", "cost", "margin"):
        assert by_channel[col].sum() == pytest.approx(total[col])
    assert s["reps"] == 3 and s["reps_needed"] >= 1
    assert s["payback_early"] <= s["payback_month"] <= s["payback_late"]
    assert s["peak_cash_need"] > 0
    assert 0 < s["clients_signed_in_period"] < 30


def test_cli_plan_table_and_json(capsys):
    args = ["plan", str(DEMO), "--target-clients", "30", "--period", "2027-01..2027-03"]
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "Commerciaux nécessaires" in text and "2027-03" in text
    assert main([*args, "--format", "json", "--by", "channel", "--lang", "en"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["summary"]["clients"] == 30
    assert [r["channel"] for r in doc["funnel"]][-1] == "total"
    assert len(doc["funnel"]) == 5
    assert doc["summary"]["payback_month"][:4] == "2027"


def test_cli_plan_writes_the_excel_plan(tmp_path, capsys):
    out = tmp_path / "plan.xlsx"
    assert main(["plan", str(DEMO), "--target-clients", "30", "--period", "2027-01..2027-03",
                 "--excel", str(out), "--format", "json"]) == 0
    assert out.stat().st_size > 0 and "wrote" in capsys.readouterr().err


def test_cli_plan_at_a_scenarios_rates(tmp_path, capsys):
    scenario = tmp_path / "scenario.json"
    scenario.write_text(to_json(Levers(win_rate=1.5)), encoding="utf-8")
    args = ["plan", str(DEMO), "--target-clients", "30", "--period", "2027-01..2027-03",
            "--format", "json"]
    assert main(args) == 0
    base = json.loads(capsys.readouterr().out)["summary"]
    assert main([*args, "--scenario", str(scenario)]) == 0
    better = json.loads(capsys.readouterr().out)["summary"]
    assert better["opportunities"] < base["opportunities"]
    assert better["contacts"] < base["contacts"]
    scenario.write_text("not json", encoding="utf-8")
    assert main([*args, "--scenario", str(scenario)]) == 2
    assert "scenario.json" in capsys.readouterr().err


def test_without_activities_the_people_are_not_known():
    data = hand_built_cohort()
    table = pd.DataFrame([facts_row("calls", campaign="C1")])
    plan = plan_quarter(data, table, JANUARY)
    assert math.isnan(plan.summary["fte"]) and math.isnan(plan.summary["hiring_gap"])
    assert plan.summary["contacts"] == 800
    # Its clients sign after the hand-built cycles: half in the month, half two months on.
    total = plan.cash[plan.cash["channel"] == "total"]
    assert total["clients"].tolist() == pytest.approx([5.0, 0.0, 5.0])


@pytest.mark.parametrize("extra", [["--period", "2027-03..2027-01"],
                                   ["--period", "2027-01", "--split", "Fax=1"],
                                   ["--period", "2027-01", "--utilisation", "0"]])
def test_cli_plan_bad_input_exits_2(capsys, extra):
    try:
        code = main(["plan", str(DEMO), "--target-clients", "30", *extra])
    except SystemExit as exc:  # argparse's own errors
        code = exc.code
    assert code == 2
    err = capsys.readouterr().err
    assert "error" in err and "Traceback" not in err
