"""roi_core.response and roi_core.advice: curves, the optimiser, bounds, gates, sentences."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from synthetic_company import make_company

from roi_core.advice import (
    advice_levers,
    advise,
    channel_bounds,
    match_channels,
    optimal_split,
    sentences,
    transfers,
)
from roi_core.errors import InputError
from roi_core.facts import COST_PARTS
from roi_core.response import fit_curves

DEMO = Path(__file__).resolve().parents[1] / "sample_data" / "demo_company.xlsx"


# --- the optimiser on curves whose optimum is known by hand ---

def test_equal_marginal_returns_with_square_roots():
    # margin_k = v_k √B_k: v_k / (2 √B_k) equal ⇒ B_k ∝ v_k² (1 : 4 : 9).
    value = np.array([[1.0], [2.0], [3.0]])
    b = optimal_split(value, np.full((3, 1), 0.5), np.ones(3), 1400.0, np.zeros(3),
                      np.full(3, np.inf))
    np.testing.assert_allclose(b, [100.0, 400.0, 900.0], rtol=1e-6)


def test_a_bound_that_binds_leaves_the_others_at_equal_marginal_returns():
    value = np.array([[1.0], [2.0], [3.0]])
    b = optimal_split(value, np.full((3, 1), 0.5), np.ones(3), 1400.0, np.zeros(3),
                      np.array([np.inf, np.inf, 500.0]))
    # channel 3 stops at 500; the other 900 split 1 : 4.
    np.testing.assert_allclose(b, [180.0, 720.0, 500.0], rtol=1e-6)


def test_the_optimum_maximises_the_mean_over_draws():
    # Two equally likely curvatures for channel 1: the optimum equalises the expected
    # marginal returns (checked by finite differences).
    value = np.array([[1.0, 1.0], [1.5, 1.5]])
    alpha = np.array([[0.3, 0.7], [0.5, 0.5]])
    base = np.array([10.0, 10.0])
    b = optimal_split(value, alpha, base, 20.0, np.zeros(2), np.full(2, np.inf))

    def slope(k, x):
        s = x / base[k]
        return float(np.mean(value[k] * alpha[k] * s ** (alpha[k] - 1) / base[k]))

    assert slope(0, b[0]) == pytest.approx(slope(1, b[1]), rel=1e-5)
    assert b.sum() == pytest.approx(20.0)


def test_infeasible_budget_is_an_input_error():
    with pytest.raises(InputError):
        optimal_split(np.ones((2, 1)), np.full((2, 1), 0.5), np.ones(2), 10.0,
                      np.array([6.0, 6.0]), np.array([9.0, 9.0]))


def test_bounds_and_transfers():
    lo, hi = channel_bounds(np.array([100.0, 50.0]), max_change=0.3, minimum=[0, 60.0])
    assert lo.tolist() == [70.0, 60.0] and hi.tolist() == [130.0, 65.0]
    assert transfers(np.array([5.0, -5.0]), ["a", "b"]) == [("b", "a", 5.0)]
    assert match_channels(["tele"], ["Téléprospection", "Emailing"]) == ["Téléprospection"]
    with pytest.raises(InputError):
        match_channels(["s"], ["Salons", "Social selling"])


# --- response curves ---

def test_a_channel_whose_campaigns_cost_the_same_keeps_the_shared_shape():
    c = make_company(5, balanced=False)
    facts = c.facts.copy()
    same = facts["channel"] == "Emailing"
    facts.loc[same, "cost_direct_variable"] = facts.loc[same, "cost_direct_variable"].mean()
    curves = fit_curves(facts, deals=c.deals, draws=500)
    j = curves.channels.index("Emailing")
    assert abs(curves.alpha_map[j] - curves.shared_alpha) < 0.02
    assert curves.alpha_sd[j] > 0.12  # the prior's spread, not a straight line


def test_many_varied_campaigns_recover_the_true_elasticity():
    rng = np.random.default_rng(1)
    cost = np.exp(rng.uniform(np.log(1000), np.log(50000), 60))
    clients = rng.poisson(0.05 * cost**0.3)
    facts = pd.DataFrame({"campaign_id": [f"C{i}" for i in range(60)], "channel": "x",
                          "cost_direct_fixed": cost, "cost_direct_variable": 0.0,
                          "cost_indirect_fixed": 0.0, "cost_indirect_variable": 0.0,
                          "clients": clients.astype(float), "margin": clients * 1000.0})
    curves = fit_curves(facts, draws=500)
    assert curves.alpha_map[0] == pytest.approx(0.3, abs=0.08)


def test_curves_are_concave_in_every_draw():
    c = make_company(2)
    curves = fit_curves(c.facts, deals=c.deals, draws=300)
    m = np.stack([curves.margin(curves.cost * s) for s in (0.5, 1.0, 1.5, 2.0)])
    steps = np.diff(m, axis=0)
    assert (steps > 0).all() and (np.diff(steps, axis=0) < 0).all()


# --- the advice ---

def test_budget_conserved_to_the_cent_and_bounds_respected():
    c = make_company(11, balanced=False)
    a = advise(c.facts, deals=c.deals, budget=float(c.today.sum()) + 1234.57, draws=500,
               max_change=0.4, locked=["Salons"], minimum={"Emailing": 0.0})
    for split in (a.proposed, a.candidate):
        assert int(np.round(split * 100).sum()) == int(round(a.budget * 100))
        assert (split >= a.lower - 0.011).all() and (split <= a.upper + 0.011).all()
    j = a.channels.index("Salons")
    assert a.proposed[j] == pytest.approx(a.today[j], abs=0.005)  # today's, to the cent
    assert a.candidate[j] == pytest.approx(a.today[j], abs=0.005)


def test_a_minimum_is_respected():
    c = make_company(11, balanced=False)
    j = c.channels.index("Emailing")
    floor = float(c.today[j]) * 1.2
    a = advise(c.facts, deals=c.deals, draws=500, minimum={"emailing": floor})
    k = a.channels.index("Emailing")
    assert a.candidate[k] >= floor - 0.01
    assert a.abstained or a.proposed[k] >= floor - 0.01


def test_advised_moves_pass_the_gate_and_say_so():
    c = make_company(3, balanced=False)
    a = advise(c.facts, deals=c.deals, draws=1000)
    assert not a.abstained
    for m in a.moves:
        assert m.probability >= 0.8 and m.low > 0
    pattern = (r"^Transférer [\d\u202f]+\u00a0€ du canal .+ vers le canal .+ : \+[\d\u202f]+"
               r"\u00a0€ de marge attendue \(80\u00a0% : [+−][\d\u202f]+\u00a0€ à \+[\d\u202f]+"
               r"\u00a0€\), probabilité de faire mieux : \d+\u00a0%\.$")
    assert re.match(pattern, sentences(a)[0]), sentences(a)[0]
    assert sentences(a, "en")[0].startswith("Move €")


def test_equal_channels_abstain_and_say_what_would_decide():
    # Four copies of the same channel: no transfer can be known to do better.
    c = make_company(4, balanced=False)
    one = c.facts[c.facts["channel"] == "Emailing"]
    facts = pd.concat([one.assign(channel=name, campaign_id=one["campaign_id"] + name)
                       for name in ["A", "B", "C", "D"]], ignore_index=True)
    a = advise(facts, draws=1000)
    assert a.abstained and not a.moves
    text = " ".join(sentences(a))
    assert "Pas assez de données pour conseiller un transfert" in text
    assert (a.proposed == a.reference).all()


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(k=st.sampled_from([0.01, 0.37, 3.0, 250.0]), seed=st.integers(0, 30))
def test_scaling_costs_and_margins_scales_moves_and_keeps_probabilities(k, seed):
    c = make_company(seed)
    scaled = c.facts.copy()
    scaled[COST_PARTS + ["revenue", "margin"]] *= k
    deals = c.deals.assign(amount=c.deals["amount"] * k)
    a = advise(c.facts, deals=c.deals, draws=500, seed=seed)
    b = advise(scaled, deals=deals, draws=500, seed=seed)
    assert a.abstained == b.abstained
    np.testing.assert_allclose(b.candidate, a.candidate * k, rtol=1e-5, atol=0.02)
    assert [(m.source, m.target) for m in b.moves] == [(m.source, m.target) for m in a.moves]
    for ma, mb in zip(a.moves, b.moves, strict=True):
        assert mb.amount == pytest.approx(ma.amount * k, rel=1e-5, abs=0.02)
        assert mb.probability == pytest.approx(ma.probability, abs=2 / 500)
    assert b.probability == pytest.approx(a.probability, abs=2 / 500)


def test_levers_make_the_scenario_spend_the_advised_split():
    from roi_core.io import load_workbook
    from roi_core.scenario import apply_levers, base_table, from_query, to_query

    data = load_workbook(DEMO)
    table = base_table(data)
    a = advise(table, deals=data.deals)
    levers = from_query(to_query(advice_levers(a, table)))  # through the URL and back
    moved = apply_levers(table, levers)
    cost = moved.groupby("channel")[COST_PARTS].sum().sum(axis=1)
    np.testing.assert_allclose(cost.reindex(a.channels).to_numpy(), a.proposed, rtol=1e-5)


def test_one_channel_has_nothing_to_reallocate():
    c = make_company(1)
    one = c.facts[c.facts["channel"] == "Emailing"]
    a = advise(one, draws=300)
    assert a.abstained and a.reason == "single"
    assert "un seul canal" in sentences(a)[0]


def test_no_recorded_cost_is_an_input_error():
    c = make_company(1)
    facts = c.facts.assign(**{p: np.nan for p in COST_PARTS})
    with pytest.raises(InputError, match="no channel has a recorded cost"):
        advise(facts, draws=300)
