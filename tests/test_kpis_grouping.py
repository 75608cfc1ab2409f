"""compute_kpis groups with numpy: the same groups, order and sums as a pandas groupby."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import fact_tables

from roi_core.kpis import compute_kpis


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
