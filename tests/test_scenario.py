"""roi_core.scenario: levers, top-down funnel, costs by behaviour, break-even, sensitivity."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from app_workbooks import article_sheets, company_sheets, write_workbook
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roi_core.errors import InputError
from roi_core.facts import COST_PARTS
from roi_core.io import load_workbook
from roi_core.kpis import GROUPINGS, compute_kpis
from roi_core.scenario import (
    COST_ITEMS,
    SCALAR_LEVERS,
    Levers,
    apply_levers,
    assumptions_table,
    base_table,
    break_even,
    compare_kpis,
    delta_table,
    from_json,
    from_query,
    prepare,
    scenario_columns,
    scenario_kpis,
    scenario_roi,
    sensitivity,
    to_json,
    to_query,
)
from roi_core.shared import ALLOCATIONS

FIXTURE_OK = [HealthCheck.function_scoped_fixture]
CHANNELS = ["emailing", "events", "teleprospecting"]


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    path = write_workbook(tmp_path_factory.mktemp("wb") / "company.xlsx", company_sheets())
    return base_table(load_workbook(path))


@pytest.fixture(scope="module")
def shared_company(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    # The company plus costs of no campaign: a dated direct line, an undated hours × rate
    # one (variable), an indirect line on an unknown campaign id.
    sheets = company_sheets()
    sheets["Coûts"] = [*sheets["Coûts"],
                       [None, "directe", "Salaires non ventilés", 5000, None, None, None,
                        "2026-02-01"],
                       [None, "directe", "Assistante", None, 80, 30, None, None],
                       ["ZZ", "indirecte", "Loyer", 1200, None, None, "fixe", "2026-01-01"]]
    path = write_workbook(tmp_path_factory.mktemp("wb") / "shared.xlsx", sheets)
    return base_table(load_workbook(path))


@pytest.fixture(scope="module")
def article(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    path = write_workbook(tmp_path_factory.mktemp("wb") / "article.xlsx", article_sheets())
    return base_table(load_workbook(path))


def _total(table: pd.DataFrame, **opts: object) -> pd.Series:
    return compute_kpis(table, "total", **opts).iloc[0]


# --- the baseline -------------------------------------------------------------------------

@pytest.mark.parametrize("by", list(GROUPINGS))
@pytest.mark.parametrize("include_indirect", [True, False])
@pytest.mark.parametrize("basis", ["margin", "revenue"])
def test_baseline_reproduces_baseline_kpis_exactly(company: pd.DataFrame, by: str,
                                                   include_indirect: bool, basis: str) -> None:
    opts = {"include_indirect": include_indirect, "basis": basis}
    expected = compute_kpis(company, by, **opts)
    got = compute_kpis(apply_levers(company, Levers()), by, **opts)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_base_table_keeps_the_fact_table_and_adds_time_based_costs(company: pd.DataFrame) -> None:
    # C1's salaried time: 100 h and 120 h at 40 €/h, direct variable; C2's 20 h × 50 €/h
    # of marketing, indirect variable.
    by_campaign = company.groupby("campaign_id")[["labour_direct_variable",
                                                  "labour_indirect_variable"]].sum()
    assert by_campaign.loc["C1"].tolist() == [8800.0, 0.0]
    assert by_campaign.loc["C2"].tolist() == [0.0, 1000.0]
    assert by_campaign.loc["C3"].tolist() == [0.0, 0.0]


# --- the funnel and the costs ----------------------------------------------------------------

def test_doubling_contacts_doubles_clients_and_variable_costs_not_fixed(
        company: pd.DataFrame) -> None:
    moved = apply_levers(company, Levers(contacts=2.0))
    for col in ["contacts", "leads", "opportunities", "meetings", "clients", "revenue",
                "margin", "cost_direct_variable", "cost_indirect_variable"]:
        assert moved[col].sum() == 2 * company[col].sum(), col
    for col in ["cost_direct_fixed", "cost_indirect_fixed", "targets"]:
        assert moved[col].sum() == company[col].sum(), col
    base, scen = _total(company), _total(moved)
    assert scen["clients"] == 2 * base["clients"] == 36.0
    assert scen["win_rate"] == base["win_rate"]  # fixed rates


def test_a_rate_lever_moves_its_stage_and_everything_below() -> None:
    table = pd.DataFrame({
        "campaign_id": ["A"], "channel": ["calls"], "cost_direct_fixed": [8000.0],
        "cost_direct_variable": [0.0], "cost_indirect_fixed": [0.0],
        "cost_indirect_variable": [0.0], "targets": [1000.0],
        "contacts": [800.0],  # the article's case
        "leads": [120.0], "opportunities": [30.0], "meetings": [np.nan], "clients": [10.0],
        "revenue": [60000.0], "margin": [24000.0]})
    row = apply_levers(table, Levers(opportunity_rate=1.5)).iloc[0]
    assert [float(row[c]) for c in ("contacts", "leads", "opportunities", "clients",
                                    "revenue", "margin")] == [800, 120, 45, 15, 90000, 36000]
    assert math.isnan(row["meetings"])  # not recorded stays not recorded
    row = apply_levers(table, Levers(revenue_per_client=0.5, margin_rate=0.5)).iloc[0]
    assert [float(row["clients"]), float(row["revenue"]), float(row["margin"])] == [
        10, 30000, 6000]


def test_channel_cost_moves_only_that_channel(company: pd.DataFrame) -> None:
    moved = apply_levers(company, Levers(channel_cost={"events": 0.7}))
    base_cost = compute_kpis(company, "channel").set_index("channel")["cost"]
    cost = compute_kpis(moved, "channel").set_index("channel")["cost"]
    assert cost["events"] == pytest.approx(0.7 * 10200.0)
    assert cost.drop("events").equals(base_cost.drop("events"))
    assert moved["clients"].equals(company["clients"])  # a price change, not volume


def test_channel_volume_moves_that_channel_funnel_and_variable_costs(
        company: pd.DataFrame) -> None:
    moved = apply_levers(company, Levers(channel_volume={"teleprospecting": 1.5}))
    k = compute_kpis(moved, "channel").set_index("channel")
    # teleprospecting: 11 clients ×1.5; variable cost 8 800 € of time ×1.5, fixed 2 300 € not
    assert k.loc["teleprospecting", "clients"] == pytest.approx(16.5)
    assert k.loc["teleprospecting", "cost"] == pytest.approx(8800 * 1.5 + 2300)
    assert k.loc["events", "clients"] == 4.0


def test_hourly_rate_moves_only_time_based_lines(company: pd.DataFrame) -> None:
    moved = apply_levers(company, Levers(hourly_rate=1.25))
    base, scen = _total(company), _total(moved)
    # time-based lines: 8 800 € (calls) + 1 000 € (marketing) -> +25 %
    assert scen["cost"] - base["cost"] == pytest.approx(0.25 * 9800.0)
    assert scen["margin"] == base["margin"]


def test_cost_item_lever(company: pd.DataFrame) -> None:
    moved = apply_levers(company, Levers(cost_item={"indirect_fixed": 0.0}))
    assert moved["cost_indirect_fixed"].sum() == 0.0
    for part in COST_PARTS[:2] + COST_PARTS[3:]:
        assert moved[part].sum() == company[part].sum()


def test_compare_and_delta(company: pd.DataFrame) -> None:
    both = compare_kpis(company, Levers(win_rate=2.0))
    base = both[both["series"] == "baseline"].iloc[0]
    scen = both[both["series"] == "scenario"].iloc[0]
    deltas = delta_table(base[["clients", "cost", "margin"]], scen[["clients", "cost",
                                                                     "margin"]])
    assert deltas.loc["clients", "delta"] == 18.0
    assert deltas.loc["clients", "relative"] == 1.0
    assert deltas.loc["cost", "delta"] == 0.0


# --- break-even -----------------------------------------------------------------------------

def test_article_break_even_win_rate_is_11_1_percent(article: pd.DataFrame) -> None:
    be = break_even(article, Levers()).set_index("lever")
    assert be.loc["win_rate", "value_now"] == pytest.approx(1 / 3)
    assert be.loc["win_rate", "value_at_break_even"] == pytest.approx(10 / 90)
    assert round(be.loc["win_rate", "value_at_break_even"] * 100, 1) == 11.1
    assert _total(article)["break_even_win_rate"] == pytest.approx(10 / 90)
    # at that multiplier the scenario's ROI is 0 and its clients are 3.33
    at = Levers(win_rate=be.loc["win_rate", "break_even"])
    assert scenario_roi(article, at) == pytest.approx(0.0, abs=1e-12)
    assert _total(apply_levers(article, at))["clients"] == pytest.approx(10 / 3)
    # and the article's cost could grow to 24 000 € (×3) before ROI reaches 0
    assert be.loc["cost.teleprospecting", "break_even"] == pytest.approx(3.0)


def test_break_even_contacts_counts_variable_costs(company: pd.DataFrame) -> None:
    be = break_even(company, Levers()).set_index("lever")
    x = be.loc["contacts", "break_even"]
    assert scenario_roi(company, Levers(contacts=x)) == pytest.approx(0.0, abs=1e-9)
    assert be.loc["contacts", "value_at_break_even"] == pytest.approx(5600 * x)


def test_break_even_without_a_root_is_nan() -> None:
    table = pd.DataFrame({
        "campaign_id": ["A"], "channel": ["x"], "cost_direct_fixed": [0.0],
        "cost_direct_variable": [100.0], "cost_indirect_fixed": [0.0],
        "cost_indirect_variable": [0.0], "targets": [np.nan], "contacts": [10.0],
        "leads": [5.0], "opportunities": [2.0], "meetings": [np.nan], "clients": [1.0],
        "revenue": [50.0], "margin": [20.0]})
    # all costs variable and gain below cost: no contact volume ever breaks even
    be = break_even(table, Levers()).set_index("lever")
    assert math.isnan(be.loc["contacts", "break_even"])


# --- sensitivity ------------------------------------------------------------------------------

def test_sensitivity_article_values_and_ranks(article: pd.DataFrame) -> None:
    s = sensitivity(article, Levers()).set_index("lever")
    # margin ∝ each rate: ±10 % of 24 000 € on 8 000 € of cost is ±30 points of ROI
    for lever in ["lead_rate", "opportunity_rate", "win_rate", "revenue_per_client",
                  "margin_rate", "contacts"]:
        assert s.loc[lever, "delta_high"] == pytest.approx(0.3)
        assert s.loc[lever, "delta_low"] == pytest.approx(-0.3)
    # cost ×1.1: ROI = 24 000 / 8 800 − 1
    assert s.loc["cost.teleprospecting", "roi_high"] == pytest.approx(24000 / 8800 - 1)
    assert s.loc["hourly_rate", "swing"] == 0.0  # no time-based line
    # ties rank in the order of the lever keys: stable
    ranks = s["rank"].to_dict()
    assert ranks["contacts"] < ranks["lead_rate"] < ranks["win_rate"] < ranks["margin_rate"]
    # a cost ±10 % swings ROI from 24 000/7 200 − 1 to 24 000/8 800 − 1: more than ±30 points
    assert ranks["cost.teleprospecting"] == 1 and ranks["item.direct_fixed"] == 2
    assert s.loc["item.indirect_variable", "rank"] == len(s)


def test_sensitivity_ranks_are_stable_under_row_order_and_repeat(company: pd.DataFrame) -> None:
    first = sensitivity(company, Levers(channel_cost={"events": 0.7}))
    again = sensitivity(company, Levers(channel_cost={"events": 0.7}))
    shuffled = sensitivity(company.sample(frac=1.0, random_state=3),
                           Levers(channel_cost={"events": 0.7}))
    assert first["lever"].tolist() == again["lever"].tolist() == shuffled["lever"].tolist()
    assert first["rank"].tolist() == list(range(1, len(first) + 1))
    assert set(first["lever"]) == set(SCALAR_LEVERS) | {
        f"{k}.{c}" for k in ("cost", "volume") for c in CHANNELS} | {
        f"item.{i}" for i in COST_ITEMS}


# --- serialisation ---------------------------------------------------------------------------

def test_query_and_json_round_trip() -> None:
    levers = Levers(contacts=1.3, win_rate=0.85, channel_cost={"events": 0.7},
                    channel_volume={"teleprospecting": 1.3}, cost_item={"indirect_fixed": 0.5})
    query = to_query(levers)
    assert query == {"contacts": "1.3", "win_rate": "0.85", "cost.events": "0.7",
                     "volume.teleprospecting": "1.3", "item.indirect_fixed": "0.5"}
    assert from_query(query) == levers
    assert from_json(to_json(levers)).moved() == levers.moved()
    assert to_query(Levers()) == {}


def test_query_ignores_other_parameters_and_reads_commas() -> None:
    assert from_query({"lang": "en", "win_rate": "1,5", "item.unknown": "2"}).moved() == {
        "win_rate": 1.5}


@pytest.mark.parametrize("bad", ["abc", "-1", "nan", "inf", "1000"])
def test_bad_lever_value_is_an_input_error(bad: str) -> None:
    with pytest.raises(InputError, match="win_rate"):
        from_query({"win_rate": bad})


@pytest.mark.parametrize("text", ["{", "[]", '{"levers": 3}', '{"levers": {"contacts": "x"}}'])
def test_bad_json_is_an_input_error_naming_the_file(text: str) -> None:
    with pytest.raises(InputError, match="my.json"):
        from_json(text, "my.json")


def test_assumptions_table_lists_every_lever_in_both_languages() -> None:
    fr = assumptions_table(Levers(win_rate=1.2), "fr")
    en = assumptions_table(Levers(win_rate=1.2), "en")
    assert fr.set_index("lever").loc["win_rate", "label"] == "Taux de signature"
    assert en.set_index("lever").loc["win_rate", "multiplier"] == 1.2


# --- properties -------------------------------------------------------------------------------

multipliers = st.floats(min_value=0.0, max_value=5.0, allow_nan=False)
lever_sets = st.builds(
    Levers, contacts=multipliers, lead_rate=multipliers, opportunity_rate=multipliers,
    win_rate=multipliers, revenue_per_client=multipliers, margin_rate=multipliers,
    hourly_rate=multipliers,
    channel_cost=st.dictionaries(st.sampled_from(CHANNELS), multipliers, max_size=3),
    channel_volume=st.dictionaries(st.sampled_from(CHANNELS), multipliers, max_size=3),
    cost_item=st.dictionaries(st.sampled_from(COST_ITEMS), multipliers, max_size=4))


@settings(max_examples=60, deadline=None, suppress_health_check=FIXTURE_OK)
@given(levers=lever_sets, include_indirect=st.booleans(),
       basis=st.sampled_from(["margin", "revenue"]))
def test_fast_roi_equals_the_kpi_engine(company: pd.DataFrame, levers: Levers,
                                        include_indirect: bool, basis: str) -> None:
    opts = {"include_indirect": include_indirect, "basis": basis}
    expected = _total(apply_levers(company, levers), **opts)["roi"]
    got = scenario_roi(company, levers, **opts)
    if math.isnan(expected):
        assert math.isnan(got)
    else:
        assert got == pytest.approx(expected, rel=1e-9, abs=1e-12)


@settings(max_examples=60, deadline=None, suppress_health_check=FIXTURE_OK)
@given(levers=lever_sets)
def test_rates_scale_clients_and_fixed_costs_never_move_with_volume(
        company: pd.DataFrame, levers: Levers) -> None:
    moved = apply_levers(company, levers)
    expected_clients = (company["clients"] * levers.contacts * levers.lead_rate
                        * levers.opportunity_rate * levers.win_rate
                        * company["channel"].map(lambda c: levers.channel_volume.get(c, 1.0)))
    assert np.allclose(moved["clients"], expected_clients)
    again = apply_levers(company, Levers(**{**levers.__dict__, "contacts": 1.0,
                                            "channel_volume": {}}))
    for part in ("cost_direct_fixed", "cost_indirect_fixed"):
        assert np.allclose(moved[part], again[part])
    assert moved["targets"].equals(company["targets"])


@settings(max_examples=40, deadline=None, suppress_health_check=FIXTURE_OK)
@given(levers=lever_sets, up=st.floats(min_value=1.0, max_value=3.0))
def test_a_higher_win_rate_never_lowers_roi(company: pd.DataFrame, levers: Levers,
                                            up: float) -> None:
    low = scenario_roi(company, levers)
    high = scenario_roi(company, levers.with_lever("win_rate", min(levers.win_rate * up, 100)))
    if not (math.isnan(low) or math.isnan(high)):
        assert high >= low - 1e-12


@settings(max_examples=25, deadline=None, suppress_health_check=FIXTURE_OK)
@given(scale=st.floats(min_value=0.01, max_value=1000.0))
def test_sensitivity_ranks_do_not_depend_on_the_currency_unit(company: pd.DataFrame,
                                                              scale: float) -> None:
    scaled = company.copy()
    money = COST_PARTS + ["revenue", "margin", "labour_direct_fixed", "labour_direct_variable",
                          "labour_indirect_fixed", "labour_indirect_variable"]
    scaled[money] = scaled[money] * scale
    assert sensitivity(scaled, Levers())["lever"].tolist() == sensitivity(
        company, Levers())["lever"].tolist()


@settings(max_examples=60, deadline=None)
@given(levers=lever_sets)
def test_query_round_trip_property(levers: Levers) -> None:
    back = from_query(to_query(levers))
    for key, value in levers.flat().items():
        assert back.flat().get(key, 1.0) == pytest.approx(value, rel=1e-5)


# --- the prepared table: the app's path on every slider move ----------------------------------

@settings(max_examples=60, deadline=None, suppress_health_check=FIXTURE_OK)
@given(levers=lever_sets, by=st.sampled_from(["total", "channel", "month", "campaign"]),
       include_indirect=st.booleans(), basis=st.sampled_from(["margin", "revenue"]))
def test_scenario_kpis_are_compute_kpis_of_apply_levers_to_the_last_bit(
        company: pd.DataFrame, levers: Levers, by: str, include_indirect: bool,
        basis: str) -> None:
    opts = {"include_indirect": include_indirect, "basis": basis}
    prepared = prepare(company, by=("total", "channel", "month"))  # campaign: made on demand
    expected = compute_kpis(apply_levers(company, levers), by, **opts)
    pd.testing.assert_frame_equal(scenario_kpis(prepared, levers, by, **opts), expected,
                                  check_exact=True)
    numbers = scenario_columns(prepared, levers)
    pd.testing.assert_frame_equal(scenario_kpis(prepared, numbers, by, **opts), expected,
                                  check_exact=True)


@settings(max_examples=30, deadline=None, suppress_health_check=FIXTURE_OK)
@given(levers=lever_sets, include_indirect=st.booleans())
def test_sensitivity_and_break_even_evaluate_each_lever_as_scenario_roi_does(
        company: pd.DataFrame, levers: Levers, include_indirect: bool) -> None:
    # All the variants are evaluated in one pass; each must be the ROI of its own scenario.
    s = sensitivity(company, levers, include_indirect=include_indirect).set_index("lever")
    flat = levers.flat()
    for key in ("win_rate", "hourly_rate", "cost.events", "volume.emailing",
                "item.indirect_variable"):
        current = flat.get(key, 1.0)
        for side, factor in (("roi_low", 0.9), ("roi_high", 1.1)):
            expected = scenario_roi(company, levers.with_lever(key, current * factor),
                                    include_indirect=include_indirect)
            np.testing.assert_array_equal(s.loc[key, side], expected)
    prepared = prepare(company)
    pd.testing.assert_frame_equal(sensitivity(prepared, levers, include_indirect=include_indirect),
                                  s.reset_index(), check_exact=True)
    pd.testing.assert_frame_equal(break_even(prepared, levers, include_indirect=include_indirect),
                                  break_even(company, levers, include_indirect=include_indirect),
                                  check_exact=True)


@settings(max_examples=50, deadline=None, suppress_health_check=FIXTURE_OK)
@given(levers=lever_sets, by=st.sampled_from(["total", "channel", "month", "campaign",
                                              "segment"]),
       method=st.sampled_from(ALLOCATIONS), include_indirect=st.booleans(),
       basis=st.sampled_from(["margin", "revenue"]))
def test_with_costs_of_no_campaign_the_prepared_path_is_still_exact(
        shared_company: pd.DataFrame, levers: Levers, by: str, method: str,
        include_indirect: bool, basis: str) -> None:
    opts = {"include_indirect": include_indirect, "basis": basis}
    prepared = prepare(shared_company, by=("total", "channel", "month"))
    expected = compute_kpis(apply_levers(shared_company, levers), by, **opts,
                            allocate_shared=method)
    pd.testing.assert_frame_equal(
        scenario_kpis(prepared, levers, by, **opts, allocate_shared=method), expected,
        check_exact=True)
    total = compute_kpis(apply_levers(shared_company, levers), "total", **opts).iloc[0]
    # The shared cost weighs on the scenario's ROI, the fast one and the tornado's too.
    if math.isnan(total["roi"]):
        assert math.isnan(scenario_roi(prepared, levers, **opts))
    else:
        assert scenario_roi(prepared, levers, **opts) == pytest.approx(
            total["roi"], rel=1e-9, abs=1e-12)
        cost = total["cost"]
        assert total["roi"] == (total[basis] - cost) / cost


def test_the_shared_cost_is_in_the_scenarios_total(shared_company: pd.DataFrame) -> None:
    total = _total(shared_company)
    # 23 800 € of campaigns, 5 000 + 80 h × 30 € + 1 200 € of no campaign.
    assert total["cost"] == 23800 + 5000 + 2400 + 1200
    assert total["roi"] == (total["margin"] - total["cost"]) / total["cost"]
    be = break_even(shared_company, Levers()).set_index("lever")
    x = be.loc["win_rate", "break_even"]
    assert scenario_roi(shared_company, Levers(win_rate=x)) == pytest.approx(0.0, abs=1e-12)


def test_a_bad_lever_is_refused_on_the_prepared_path_too(company: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="win_rate"):
        scenario_columns(prepare(company), Levers(win_rate=-1.0))
