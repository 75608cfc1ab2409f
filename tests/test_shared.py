"""Costs that belong to no campaign: every euro in the total's ratios, allocated per group.

The base company (tests/app_workbooks.py) records cost and margin for every campaign, so its
total ROI is (margin − all cost) / all cost; the shared lines are added as a user types them
(no campaign id) or drawn by hypothesis (tests/strategies.py).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from app_workbooks import company_sheets, write_workbook
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from report_workbooks import write_report_workbook
from strategies import shared_cost_lines

from roi_core.dataset import UNASSIGNED, Dataset
from roi_core.facts import build_facts
from roi_core.io import load_workbook
from roi_core.kpis import compute_kpis, kpi_table
from roi_core.shared import ALLOCATIONS, allocate, shared_cost

FIXTURE_OK = [HealthCheck.function_scoped_fixture]
SALARIES = 50000.0


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    return load_workbook(write_workbook(tmp_path_factory.mktemp("wb") / "c.xlsx",
                                        company_sheets()))


@pytest.fixture(scope="module")
def with_salaries(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    sheets = company_sheets()
    # One line of no campaign, typed as a user does: "Salaires non ventilés", 50 000 €.
    sheets["Coûts"] = [*sheets["Coûts"],
                       [None, "directe", "Salaires non ventilés", "50 000 €", None, None,
                        None, None]]
    return load_workbook(write_workbook(tmp_path_factory.mktemp("wb") / "s.xlsx", sheets))


def with_lines(data: Dataset, lines: pd.DataFrame) -> Dataset:
    return data.replace(costs=pd.concat([data.costs, lines], ignore_index=True))


# --- the total counts every euro -------------------------------------------------------------

def test_the_totals_ratios_count_the_shared_line_to_the_last_bit(company, with_salaries):
    before = kpi_table(company).iloc[0]
    total = kpi_table(with_salaries).iloc[0]
    cost = math.fsum(with_salaries.costs["amount"])  # every cost line, shared one included
    margin = math.fsum(with_salaries.funnel["margin"])
    assert total["cost"] == cost == before["cost"] + SALARIES
    assert total["margin"] == margin == before["margin"]
    assert total["roi"] == (margin - cost) / cost  # to the last bit
    assert total["cac"] == cost / total["clients"]
    assert total["cost_per_lead"] == cost / total["leads"]
    assert total["cost_per_opportunity"] == cost / total["opportunities"]
    assert total["cost_per_contact"] == cost / total["contacts"]
    assert total["cost_per_meeting"] == cost / total["meetings"]
    assert total["net_margin_per_client"] == total["margin_per_client"] - total["cac"]
    assert total["break_even_cost"] == margin
    assert total["roi"] < before["roi"] - 0.5  # 50 000 € more on 23 800 € of cost


def test_the_shared_line_weighs_on_its_month_and_its_own_row(company):
    lines = pd.DataFrame({"campaign_id": [None], "category": ["direct"], "item": ["Loyer"],
                          "amount": [3000.0], "hours": [np.nan], "hourly_rate": [np.nan],
                          "behaviour": ["fixed"], "date": [pd.Timestamp("2026-02-10")],
                          "row": pd.array([pd.NA], dtype="Int64")})
    data = with_lines(company, lines)
    months = kpi_table(data, "month").set_index("month")
    before = kpi_table(company, "month").set_index("month")
    assert months.loc["2026-02", "cost"] == before.loc["2026-02", "cost"] + 3000
    assert months.loc["2026-02", "cac"] == months.loc["2026-02", "cost"] / months.loc[
        "2026-02", "clients"]
    assert months.loc["2026-01", "cost"] == before.loc["2026-01", "cost"]
    facts = build_facts(data)
    row = facts[facts["channel"] == UNASSIGNED].iloc[0]
    # No campaign left its volumes unrecorded: they are zero, and the row has no segment.
    assert [row[c] for c in ("contacts", "leads", "clients", "margin")] == [0, 0, 0, 0]
    assert math.isnan(row["targets"]) and row["segment"] == row["team"] == UNASSIGNED
    channels = kpi_table(data, "channel", allocate_shared="none").set_index("channel")
    assert channels.loc[UNASSIGNED, "cost"] == 3000
    assert channels.loc[UNASSIGNED, "roi"] == -1.0 and math.isnan(
        channels.loc[UNASSIGNED, "cost_per_lead"])


def test_a_campaign_that_records_no_margin_stays_out_of_roi_but_shared_cost_does_not(tmp_path):
    # tests/report_workbooks.py: C4 records no volume and C5 no cost, so both stay out of the
    # total's ROI (not recorded); the 700 € line of no campaign and C9's 400 € (unknown id)
    # belong to no campaign and count: margin C1 + C2 + C3 = 22 150 €, cost 9 550 + 1 100.
    data = load_workbook(write_report_workbook(tmp_path / "r.xlsx"))
    total = kpi_table(data).iloc[0]
    assert total["cost"] == 17750
    assert total["roi"] == (22150 - 10650) / 10650


# --- per group: none, cost, contacts ----------------------------------------------------------

def test_allocation_pro_rata_of_direct_cost_and_of_contacts(with_salaries):
    none = kpi_table(with_salaries, "channel", allocate_shared="none").set_index("channel")
    by_cost = kpi_table(with_salaries, "channel", allocate_shared="cost").set_index("channel")
    by_contacts = kpi_table(with_salaries, "channel",
                            allocate_shared="contacts").set_index("channel")
    assert none.loc[UNASSIGNED, "cost"] == SALARIES
    assert UNASSIGNED not in by_cost.index and UNASSIGNED not in by_contacts.index
    own = none.drop(UNASSIGNED)
    # Direct cost: calls 1 500 + 220 h × 40 € = 10 300, emailing 1 500, events 9 000.
    assert own["cost_direct"].tolist() == [1500, 9000, 10300]
    expected = own["cost"] + SALARIES * own["cost_direct"] / own["cost_direct"].sum()
    pd.testing.assert_series_equal(by_cost["cost"], expected, check_names=False, rtol=1e-12)
    expected = own["cost"] + SALARIES * own["contacts"] / own["contacts"].sum()
    pd.testing.assert_series_equal(by_contacts["cost"], expected, check_names=False,
                                   rtol=1e-12)
    # The salaries are direct: they land in cost_direct, and the ratios follow.
    assert by_cost["cost_indirect"].tolist() == own["cost_indirect"].tolist()
    assert by_cost.loc["events", "cac"] == by_cost.loc["events", "cost"] / 4
    total = kpi_table(with_salaries).iloc[0]
    for table in (none, by_cost, by_contacts):
        assert table["cost"].sum() == pytest.approx(total["cost"], abs=0.005)  # to the cent


@pytest.mark.parametrize("by", ["campaign", "segment", "team"])
def test_every_grouping_sums_to_the_total(with_salaries, by):
    total = kpi_table(with_salaries).iloc[0]
    for method in ALLOCATIONS:
        table = kpi_table(with_salaries, by, allocate_shared=method)
        assert table["cost"].sum() == pytest.approx(total["cost"], abs=0.005), method
        assert table["clients"].sum() == total["clients"]
        assert (UNASSIGNED in set(table.iloc[:, 0])) == (method == "none"), method


def test_the_total_and_the_months_do_not_move_with_the_setting(with_salaries):
    for by in ("total", "month"):
        none = kpi_table(with_salaries, by, allocate_shared="none")
        for method in ("cost", "contacts"):
            pd.testing.assert_frame_equal(kpi_table(with_salaries, by, allocate_shared=method),
                                          none, check_exact=True)


def test_with_months_a_share_stays_in_its_month(with_salaries):
    dated = with_salaries.costs.copy()
    dated.loc[dated["campaign_id"].isna(), "date"] = pd.Timestamp("2026-01-20")
    data = with_salaries.replace(costs=dated)
    table = kpi_table(data, ["channel", "month"], allocate_shared="cost")
    months = kpi_table(data, "month").set_index("month")["cost"]
    sums = table.groupby("month")["cost"].sum()
    assert sums.to_dict() == pytest.approx(months.to_dict(), abs=0.005)
    # Events only spends in February: none of January's salaries.
    events = table[table["channel"] == "events"].set_index("month")["cost"]
    assert events.to_dict() == {"2026-02": 10200.0}


def test_nothing_to_allocate_onto_keeps_the_shared_row(with_salaries):
    # No contact recorded anywhere: the pro rata of contacts has no key, the cost stays apart.
    funnel = with_salaries.funnel.assign(contacts=np.nan)
    table = kpi_table(with_salaries.replace(funnel=funnel), "channel",
                      allocate_shared="contacts").set_index("channel")
    assert table.loc[UNASSIGNED, "cost"] == SALARIES


def test_a_campaign_without_cost_line_takes_no_share():
    numbers = {"cost_direct_fixed": np.array([100.0, np.nan, 40.0]),
               "cost_direct_variable": np.array([0.0, np.nan, 0.0]),
               "cost_indirect_fixed": np.array([0.0, np.nan, 0.0]),
               "cost_indirect_variable": np.array([0.0, np.nan, 0.0]),
               "contacts": np.array([10.0, 90.0, 0.0])}  # A; B without cost line; shared
    out = allocate(numbers, np.array([False, False, True]), np.zeros(3, dtype=int), "contacts")
    assert out["cost_direct_fixed"][0] == 140.0 and math.isnan(out["cost_direct_fixed"][1])
    assert out["cost_direct_fixed"][2] == 0.0


def test_an_unknown_setting_is_refused(with_salaries):
    with pytest.raises(ValueError, match="allocate_shared"):
        kpi_table(with_salaries, "channel", allocate_shared="equal")


# --- properties --------------------------------------------------------------------------------

@settings(max_examples=40, deadline=None, suppress_health_check=FIXTURE_OK)
@given(lines=shared_cost_lines(), include_indirect=st.booleans(),
       method=st.sampled_from(ALLOCATIONS),
       by=st.sampled_from(["channel", "campaign", "segment", "team", "month"]))
def test_any_shared_lines_weigh_on_the_total_and_the_groups_sum_to_it(
        company, lines, include_indirect, method, by):
    data = with_lines(company, lines)
    opts = {"include_indirect": include_indirect}
    before = kpi_table(company, **opts).iloc[0]
    total = kpi_table(data, **opts).iloc[0]
    counted = lines if include_indirect else lines[lines["category"] == "direct"]
    added = math.fsum(counted["amount"])
    assert shared_cost(build_facts(data), include_indirect) == pytest.approx(added)
    assert total["cost"] == pytest.approx(before["cost"] + added, rel=1e-12)
    assert total["roi"] == (total["margin"] - total["cost"]) / total["cost"]
    assert total["cac"] == total["cost"] / total["clients"]
    assert total["cost_per_lead"] == total["cost"] / total["leads"]
    table = kpi_table(data, by, **opts, allocate_shared=method)
    assert table["cost"].sum() == pytest.approx(total["cost"], abs=0.005)
    assert table["margin"].sum() == pytest.approx(total["margin"], rel=1e-12)
    if method != "none" and by != "month":
        # Every campaign carries direct cost and contacts: nothing stays apart.
        assert UNASSIGNED not in set(table[by if by != "campaign" else "channel"])


@settings(max_examples=25, deadline=None, suppress_health_check=FIXTURE_OK)
@given(lines=shared_cost_lines())
def test_allocating_by_cost_gives_every_channel_the_same_share_of_its_direct_cost(
        company, lines):
    data = with_lines(company, lines)
    none = compute_kpis(build_facts(data), "channel").set_index("channel")
    by_cost = compute_kpis(build_facts(data), "channel",
                           allocate_shared="cost").set_index("channel")
    own = none.drop(UNASSIGNED, errors="ignore")
    rate = (by_cost["cost"] - own["cost"]) / own["cost_direct"]
    assert np.allclose(rate, rate.iloc[0], rtol=1e-9, atol=1e-12)
