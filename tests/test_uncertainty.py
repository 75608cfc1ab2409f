"""roi_core.uncertainty: Beta posteriors (closed forms), intervals, P(A beats B)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from roi_core.facts import COST_PARTS, DIMENSIONS, VOLUMES
from roi_core.uncertainty import (
    beta_posterior,
    kpi_draws,
    kpi_intervals,
    margin_spread,
    prob_beats,
    rate_interval,
    roi_beats_table,
)


def facts_of(rows: list[dict]) -> pd.DataFrame:
    base = {c: 0.0 for c in COST_PARTS} | {v: np.nan for v in VOLUMES}
    full = [base | {"campaign_id": r.get("campaign_id", "C1"), "campaign": "c",
                    "segment": "s", "team": "t", "month": pd.Timestamp("2026-01-01")} | r
            for r in rows]
    return pd.DataFrame(full)[DIMENSIONS + COST_PARTS + VOLUMES]


# DOMAIN.md test vector 1: cost 8 000, 1 000 targets, 800 contacts, 120 leads,
# 30 opportunities, 10 clients, margin 24 000 (ROI 200 %).
CASE = facts_of([{"channel": "Téléprospection", "cost_direct_fixed": 8000.0, "targets": 1000.0,
                  "contacts": 800.0, "leads": 120.0, "opportunities": 30.0, "clients": 10.0,
                  "revenue": 60000.0, "margin": 24000.0}])


def test_beta_posterior_is_counts_plus_jeffreys_prior():
    assert beta_posterior(10, 30) == (10.5, 20.5)  # win rate of the case study
    assert beta_posterior(0, 0) == (0.5, 0.5)  # no trial: the prior
    assert beta_posterior(40, 30) == (30.5, 0.5)  # a count above its trials: k = n


def test_not_recorded_trials_give_nan():
    assert all(np.isnan(v) for v in rate_interval(3, np.nan))


@pytest.mark.parametrize("k,n", [(0, 5), (3, 10), (10, 30), (120, 800)])
def test_uniform_prior_interval_matches_the_binomial_identity(k, n):
    # With a Beta(1, 1) prior the posterior is Beta(k+1, n-k+1), whose CDF at x is
    # P(Binomial(n+1, x) >= k+1): an identity that needs no Beta function.
    low, high = rate_interval(k, n, level=0.8, prior=(1.0, 1.0))
    assert stats.binom.sf(k, n + 1, low) == pytest.approx(0.1, abs=1e-9)
    assert stats.binom.sf(k, n + 1, high) == pytest.approx(0.9, abs=1e-9)


def test_case_study_intervals_hold_the_point_values():
    iv = kpi_intervals(CASE, "total").iloc[0]
    assert iv["roi_low"] < 2.0 < iv["roi_high"]
    assert iv["cac_low"] < 800.0 < iv["cac_high"]
    assert iv["win_rate_low"] < 10 / 30 < iv["win_rate_high"]
    assert iv["lead_rate_low"] == pytest.approx(stats.beta.ppf(0.1, 120.5, 680.5))
    assert iv["net_margin_per_client_low"] < 1600.0 < iv["net_margin_per_client_high"]
    # Ten clients make a ROI of 200 % a guess: the interval is wide.
    assert iv["roi_high"] - iv["roi_low"] > 0.8


def test_more_clients_narrow_the_roi_interval():
    small = kpi_intervals(CASE, "total").iloc[0]
    big = CASE.copy()
    big[COST_PARTS + VOLUMES] *= 100
    large = kpi_intervals(big, "total").iloc[0]
    assert (large["roi_high"] - large["roi_low"]) < (small["roi_high"] - small["roi_low"]) / 5


def test_seeded_and_reproducible():
    a = kpi_intervals(CASE, "total", seed=3)
    b = kpi_intervals(CASE, "total", seed=3)
    pd.testing.assert_frame_equal(a, b)


def test_no_cost_and_no_client_are_nan_not_crashes():
    f = facts_of([{"channel": "x", "contacts": 100.0, "leads": 0.0, "opportunities": 0.0,
                   "clients": 0.0, "revenue": 0.0, "margin": 0.0}])
    iv = kpi_intervals(f, "channel").iloc[0]
    assert np.isnan(iv["roi_low"]) and np.isnan(iv["margin_per_client_low"])
    assert iv["lead_rate_low"] == 0.0 or iv["lead_rate_low"] < 0.01


def test_margin_spread_from_deals_is_shrunk_to_the_pooled_one():
    f = facts_of([{"campaign_id": "A", "channel": "x"}, {"campaign_id": "B", "channel": "y"}])
    deals = pd.DataFrame({"campaign_id": ["A", "A", "B", "B"], "status": ["won"] * 4,
                          "amount": [1000.0, 3000.0, 2000.0, 2000.0],
                          "margin_rate": [1.0] * 4})
    keys = pd.DataFrame({"channel": ["x", "y"]})
    cv = margin_spread(f, ("channel",), deals, keys)
    pooled = np.std([1000, 3000, 2000, 2000], ddof=1) / 2000
    raw_x = np.std([1000, 3000], ddof=1) / 2000
    assert cv[0] == pytest.approx(np.sqrt((2 * raw_x**2 + 5 * pooled**2) / 7))
    assert cv[1] == pytest.approx(np.sqrt(5 * pooled**2 / 7))
    assert margin_spread(f, ("channel",), None, keys).tolist() == [0.5, 0.5]


def test_prob_beats_is_complementary_and_picks_the_better_channel():
    f = facts_of([
        {"campaign_id": "A", "channel": "good", "cost_direct_fixed": 10000.0, "clients": 30.0,
         "margin": 60000.0},
        {"campaign_id": "B", "channel": "poor", "cost_direct_fixed": 10000.0, "clients": 4.0,
         "margin": 8000.0}])
    d = kpi_draws(f, "channel")
    p = prob_beats(d.roi[0], d.roi[1])
    assert p > 0.99
    assert prob_beats(d.roi[1], d.roi[0]) == pytest.approx(1 - p)
    table = roi_beats_table(f, "channel")
    assert table.loc["good", "poor"] == pytest.approx(p)
