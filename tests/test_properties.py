"""Invariants of the KPI engine and the number reader, checked by hypothesis."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import fact_tables, french_amount

from roi_core.facts import COST_PARTS
from roi_core.io.cells import parse_number
from roi_core.kpis import RATIOS, compute_kpis

settings.register_profile("roi", deadline=None, max_examples=60)
settings.load_profile("roi")


def by_channel(facts: pd.DataFrame, **kw) -> pd.DataFrame:
    return compute_kpis(facts, "channel", **kw).set_index("channel")


@given(fact_tables())
def test_a_groups_ratio_is_the_ratio_of_its_sums(facts):
    result = by_channel(facts)
    facts = facts.assign(cost=facts[COST_PARTS].sum(axis=1))
    campaign = facts.groupby("campaign_id")
    has_targets = campaign["targets"].transform("count") > 0
    has_contacts = campaign["contacts"].transform("count") > 0
    for channel, rows in facts.groupby("channel"):
        for name, (num, den) in RATIOS.items():
            if name == "contact_rate":
                # A campaign's targets pair with its contacts of every month.
                nums = rows.loc[has_targets[rows.index], num].dropna()
                dens = rows.loc[has_contacts[rows.index], den].dropna()
                total = dens.sum()
                expected = nums.sum() / total if len(nums) and len(dens) and total else np.nan
                got = result.loc[channel, name]
                if np.isnan(expected):
                    assert np.isnan(got), (channel, name)
                else:
                    assert got == pytest.approx(expected, rel=1e-9), (channel, name)
                continue
            usable = rows[rows[num].notna() & rows[den].notna()]
            total = usable[den].sum()
            expected = usable[num].sum() / total if len(usable) and total else np.nan
            got = result.loc[channel, name]
            if np.isnan(expected):
                assert np.isnan(got), (channel, name)
            else:
                assert got == pytest.approx(expected, rel=1e-9), (channel, name)


@given(fact_tables(), st.randoms())
def test_row_order_changes_nothing(facts, rnd):
    order = list(facts.index)
    rnd.shuffle(order)
    pd.testing.assert_frame_equal(compute_kpis(facts, "channel"),
                                  compute_kpis(facts.loc[order], "channel"))
    pd.testing.assert_frame_equal(compute_kpis(facts), compute_kpis(facts.loc[order]))


@given(fact_tables(), st.floats(min_value=0.01, max_value=100))
def test_scaling_all_costs_scales_every_cost_per_x(facts, k):
    scaled = facts.copy()
    scaled[COST_PARTS] = scaled[COST_PARTS] * k
    before, after = compute_kpis(facts), compute_kpis(scaled)
    for name in ("cost_per_contact", "cost_per_lead", "cost_per_opportunity",
                 "cost_per_meeting", "cac"):
        a, b = before[name].iloc[0], after[name].iloc[0]
        assert (np.isnan(a) and np.isnan(b)) or b == pytest.approx(a * k, rel=1e-9)


@given(fact_tables())
def test_no_infinity_ever(facts):
    table = compute_kpis(facts, ["channel", "month"])
    numbers = table.select_dtypes("number").to_numpy(dtype=float)
    assert not np.isinf(numbers).any()


@given(fact_tables())
def test_total_is_the_sum_of_the_channels(facts):
    total = compute_kpis(facts).iloc[0]
    channels = compute_kpis(facts, "channel")
    assert total.cost == pytest.approx(channels["cost"].sum(), rel=1e-9, abs=1e-6)


@given(st.floats(min_value=0, max_value=1e9, allow_nan=False),
       st.integers(min_value=0, max_value=2),
       st.sampled_from([" ", "\u00a0", "\u202f", ""]), st.booleans())
def test_a_french_number_and_its_plain_value_load_identically(value, decimals, space,
                                                              currency):
    plain = round(value, decimals)
    typed = french_amount(plain, decimals, space, currency)
    got, bad = parse_number(pd.Series([typed, plain], dtype=object))
    assert not bad.any()
    assert got[0] == pytest.approx(got[1], rel=1e-12)
    assert got[1] == plain
