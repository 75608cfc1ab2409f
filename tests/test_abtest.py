"""roi_core.abtest: two groups compared on each rate and on the cost per opportunity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from roi_core.abtest import ab_groups, ab_sentence, ab_test
from roi_core.errors import InputError


def two_scripts(leads_b: float, contacts: float = 1000.0) -> pd.DataFrame:
    return pd.DataFrame({
        "script": ["A", "B"],  # one row per script
        "targets": [np.nan, np.nan], "contacts": [contacts, contacts],
        "leads": [100.0 * contacts / 1000, leads_b * contacts / 1000],
        "meetings": [np.nan, np.nan], "opportunities": [20.0, 20.0], "clients": [5.0, 5.0],
        "cost_direct_fixed": [5000.0, 4000.0], "cost_direct_variable": [0.0, 0.0],
        "cost_indirect_fixed": [0.0, 0.0], "cost_indirect_variable": [0.0, 0.0]})


def test_a_clear_winner_is_decided_with_no_more_contacts_needed():
    t = ab_test(two_scripts(160.0), "script").set_index("metric")
    row = t.loc["lead_rate"]
    assert row["decision"] == "B" and row["contacts_needed"] == 0.0
    assert row["difference"] == pytest.approx(0.06)
    assert row["difference_low"] < 0.06 < row["difference_high"]
    assert row["loss_choose_b"] < row["loss_choose_a"]
    assert "meeting_rate" not in t.index and "contact_rate" not in t.index  # not recorded


def test_a_close_call_is_undecided_and_says_how_many_contacts_remain():
    t = ab_test(two_scripts(105.0), "script").set_index("metric")
    row = t.loc["lead_rate"]
    assert row["decision"] is None and 0.5 < row["p_b_beats_a"] < 0.95
    pa, pb = 100.5 / 1001, 105.5 / 1001
    z = 1.6448536269514722
    need = z**2 * (pa * (1 - pa) + pb * (1 - pb)) / (pb - pa) ** 2
    assert row["contacts_needed"] == pytest.approx(need - 1000.0, rel=1e-9)
    assert "contacts de plus par groupe" in ab_sentence(row.rename(None).to_frame().T.assign(
        metric="lead_rate").iloc[0])


def test_cost_per_opportunity_lower_is_better():
    t = ab_test(two_scripts(100.0), "script").set_index("metric")
    cpo = t.loc["cost_per_opportunity"]
    assert cpo["a_value"] == 250.0 and cpo["b_value"] == 200.0
    assert cpo["p_b_beats_a"] > 0.5  # B spends less for the same opportunities


def test_groups_must_be_two_known_values():
    f = pd.DataFrame({"segment": ["x", "y", "z"]})
    with pytest.raises(InputError):
        ab_groups(f, "segment")
    with pytest.raises(InputError):
        ab_groups(f, "segment", "x", "w")
    with pytest.raises(InputError):
        ab_groups(f, "script")
    assert ab_groups(f, "segment", "z", "x") == ("z", "x")
