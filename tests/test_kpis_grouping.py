"""compute_kpis groups with numpy: the same groups, order and sums as a pandas groupby."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import fact_tables

from roi_core.facts import COST_PARTS, VOLUMES
from roi_core.kpis import compute_kpis, grouping, kpis_of


@settings(max_examples=60, deadline=None)
@given(fact_tables(max_rows=20), st.sampled_from([["channel"], ["segment", "month"]]),
       st.integers(0, 3))
def test_groups_sums_and_counts_match_a_pandas_groupby(facts, keys, blanks):
    facts = facts.copy()
    facts["channel"] = facts["channel"].astype(object)
    facts.loc[facts.index[:blanks], "channel"] = None  # a blank key is a group of its own
    got = compute_kpis(facts, keys)
    grouped = facts.groupby(keys, dropna=False, sort=True)
    expected = grouped[["contacts", "leads", "clients", "revenue"]].sum(min_count=1)
    expected["campaigns"] = grouped["campaign_id"].nunique()
    expected = expected.reset_index()
    if "month" in keys:
        expected["month"] = expected["month"].dt.strftime("%Y-%m")
    assert got[keys].astype(str).values.tolist() == expected[keys].astype(str).values.tolist()
    assert got["campaigns"].tolist() == expected["campaigns"].tolist()
    for col in ("contacts", "leads", "clients", "revenue"):
        np.testing.assert_allclose(got[col].to_numpy(float), expected[col].to_numpy(float),
                                   rtol=1e-12, equal_nan=True)


def test_a_group_without_any_recorded_value_stays_blank():
    facts = pd.DataFrame({
        "campaign_id": ["A", "B", "B"], "campaign": ["A", "B", "B"], "channel": ["x", "y", "y"],
        "segment": ["s"] * 3, "team": ["t"] * 3, "month": pd.to_datetime(["2026-01-01"] * 3),
        "cost_direct_fixed": [1.0, 2.0, 3.0], "cost_direct_variable": [np.nan] * 3,
        "cost_indirect_fixed": [np.nan] * 3, "cost_indirect_variable": [np.nan] * 3,
        "targets": [np.nan] * 3, "contacts": [5.0, np.nan, np.nan], "leads": [1.0, 2.0, 3.0],
        "opportunities": [1.0] * 3, "meetings": [np.nan] * 3, "clients": [1.0] * 3,
        "revenue": [10.0] * 3, "margin": [4.0] * 3})
    k = compute_kpis(facts, "channel").set_index("channel")
    assert k.loc["x", "contacts"] == 5.0 and np.isnan(k.loc["y", "contacts"])
    assert k.loc["y", "cost"] == 5.0 and k.loc["y", "leads"] == 5.0
    assert k["campaigns"].tolist() == [1, 1] and k["campaigns"].dtype == np.int64
    assert np.isnan(k.loc["y", "cost_per_contact"]) and k.loc["x", "cost_per_contact"] == 0.2


def _groupby_sums(facts: pd.DataFrame, keys: list[str], col: str) -> np.ndarray:
    return facts.groupby(keys, dropna=False, sort=True)[col].sum(min_count=1).to_numpy(float)


@pytest.mark.parametrize("layout", ["dense", "sparse"])
def test_group_sums_equal_pandas_to_the_last_bit_on_both_paths(layout: str) -> None:
    # Dense groups are summed as one (rank × group) table, sparse ones (a big group beside
    # many small ones) rank by rank: both give pandas' compensated sums exactly.
    rng = np.random.default_rng(11)
    n = 400
    if layout == "dense":
        channel = rng.choice(["a", "b", "c", "d"], n)
    else:
        channel = np.where(np.arange(n) < 300, "big", [f"s{i:03d}" for i in range(n)])
    facts = pd.DataFrame({
        "campaign_id": [f"C{i % 37}" for i in range(n)], "channel": channel,
        **{c: np.where(rng.random(n) < 0.1, np.nan, rng.random(n) * 10 ** rng.integers(0, 7, n))
           for c in COST_PARTS + VOLUMES}})
    groups = grouping(facts, "channel")
    assert (groups.slots is not None) == (layout == "dense")
    got = compute_kpis(facts, "channel")
    for col in ("contacts", "leads", "revenue", "margin"):
        np.testing.assert_array_equal(got[col].to_numpy(float),
                                      _groupby_sums(facts, ["channel"], col))


@settings(max_examples=60, deadline=None)
@given(fact_tables(max_rows=20), st.sampled_from(["total", "channel", "month", "campaign"]),
       st.booleans(), st.sampled_from(["margin", "revenue"]))
def test_kpis_of_a_grouping_is_compute_kpis(facts, by, include_indirect, basis):
    opts = {"include_indirect": include_indirect, "basis": basis}
    numbers = {c: facts[c].to_numpy(float) for c in COST_PARTS + VOLUMES}
    pd.testing.assert_frame_equal(kpis_of(numbers, grouping(facts, by), **opts),
                                  compute_kpis(facts, by, **opts), check_exact=True)
