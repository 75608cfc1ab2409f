"""Attribution: hand-built journeys with the expected credits written out, properties, and
the exact Markov removal effects against a plain dense linear-algebra computation."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from journey_workbook import write_journey_workbook

from roi_core.attribution import (
    HEURISTIC_RULES,
    NO_TOUCHPOINT,
    RULES,
    attribute,
    attribution_table,
    build_journeys,
    journeys_from_dataset,
    last_touch_gap,
    markov_removal_effects,
    markov_removal_table,
    touch_weights,
    transition_probabilities,
)
from roi_core.io import load_workbook

# --- the hand-built workbook (tests/journey_workbook.py) ---------------------------------
# A (won D1, 1000 €, 40 %, created 5/1, closed 10/1): emailing 1/1, social 3/1, phoning 8/1,
#   events 9/1 (phoning 20/1 comes after the close).
# B (won D2, 2000 €, 50 %, created 1/1 before any touch, closed 6/1): emailing 2/1, phoning 4/1.
# C (won D3, 500 €, 20 %): social 3/1, closed 4/1.
# D (lost) and F (open): non-converting journeys. E (won D5, 3000 €, 50 %): no touchpoint.

EM, SO, TP, EV = "emailing", "social_selling", "teleprospecting", "events"


def _decay(days: list[float], h: float = 7.0) -> list[float]:
    w = [2 ** (-d / h) for d in days]
    return [x / sum(w) for x in w]


A_DECAY = _decay([9, 7, 2, 1])  # emailing, social, phoning, events
B_DECAY = _decay([4, 2])  # emailing, phoning

# rule -> channel -> credited conversions (A + B + C), written out by hand.
EXPECTED = {
    "first_touch": {EM: 2.0, SO: 1.0, TP: 0.0, EV: 0.0},
    "last_touch": {EM: 0.0, SO: 1.0, TP: 1.0, EV: 1.0},
    "linear": {EM: 0.25 + 0.5, SO: 0.25 + 1, TP: 0.25 + 0.5, EV: 0.25},
    "position_based": {EM: 0.4 + 0.5, SO: 0.1 + 1, TP: 0.1 + 0.5, EV: 0.4},
    # A: first 30, creation (social) 30, other (phoning) 10, last 30;
    # B: creation = first (emailing) 60, last 30, no other touch -> 60/90 and 30/90.
    "w_shaped": {EM: 0.3 + 2 / 3, SO: 0.3 + 1, TP: 0.1 + 1 / 3, EV: 0.3},
    "time_decay": {EM: A_DECAY[0] + B_DECAY[0], SO: A_DECAY[1] + 1, TP: A_DECAY[2] + B_DECAY[1],
                   EV: A_DECAY[3]},
    # Markov, solved by hand: P(conv) = 3/5; removal effects emailing 5/12, social 25/48,
    # phoning 5/9, events 1/3 (= 60, 75, 80, 48 / 144); 3 conversions × share.
    "markov": {EM: 3 * 60 / 263, SO: 3 * 75 / 263, TP: 3 * 80 / 263, EV: 3 * 48 / 263},
}
# Revenue credited under "linear": A's 1000 in quarters, B's 2000 in halves, C's 500.
LINEAR_REVENUE = {EM: 250 + 1000, SO: 250 + 500, TP: 250 + 1000, EV: 250}


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    return write_journey_workbook(tmp_path_factory.mktemp("wb") / "journeys.xlsx")


@pytest.fixture(scope="module")
def journeys(workbook):
    return journeys_from_dataset(load_workbook(workbook))


def test_journeys_follow_the_conventions(journeys):
    jr = journeys.journeys
    assert jr["converted"].tolist() == [True, True, True, False, False]
    assert jr["deal_id"].tolist()[:3] == ["D1", "D2", "D3"]
    t = journeys.touches
    a = t[t["journey"] == 0]
    assert a["channel"].tolist() == [EM, SO, TP, EV]  # the 20/1 touch is after the close
    assert a["creation_touch"].tolist() == [False, True, False, False]
    b = t[t["journey"] == 1]
    assert b["creation_touch"].tolist() == [True, False]  # created before any touch
    assert journeys.unattributed["deal_id"].tolist() == ["D5"]
    assert journeys.conversions == 4


@pytest.mark.parametrize("rule", RULES)
def test_hand_built_credits(journeys, rule):
    got = attribute(journeys, rule).set_index("channel")["conversions"]
    for channel, expected in EXPECTED[rule].items():
        assert got[channel] == pytest.approx(expected, abs=1e-12), channel
    assert got[NO_TOUCHPOINT] == 1.0  # E's won deal with no touchpoint
    assert got.sum() == pytest.approx(4.0)


def test_linear_revenue_and_margin(journeys):
    got = attribute(journeys, "linear").set_index("channel")
    for channel, expected in LINEAR_REVENUE.items():
        assert got.loc[channel, "revenue"] == pytest.approx(expected)
    # margin: A 400 in quarters, B 1000 in halves, C 100.
    assert got.loc[SO, "margin"] == pytest.approx(100 + 100)
    assert got.loc[NO_TOUCHPOINT, "margin"] == pytest.approx(1500)


def test_markov_removal_effects_by_hand(journeys):
    effects = markov_removal_effects(journeys)
    assert effects.to_dict() == pytest.approx({EM: 5 / 12, SO: 25 / 48, TP: 5 / 9, EV: 1 / 3})


def test_time_decay_half_life_changes_the_split(journeys):
    w1 = attribute(journeys, "time_decay", half_life_days=1).set_index("channel")
    assert w1.loc[EM, "conversions"] == pytest.approx(_decay([9, 7, 2, 1], 1)[0]
                                                      + _decay([4, 2], 1)[0])
    with pytest.raises(ValueError):
        touch_weights(journeys, "time_decay", half_life_days=0)


def test_per_campaign_credits_sum_to_the_channel(journeys):
    for rule in RULES:
        camp = attribute(journeys, rule, by="campaign")
        chan = attribute(journeys, rule).set_index("channel")["conversions"]
        summed = camp.groupby("channel")["conversions"].sum()
        for channel, value in summed.items():
            assert value == pytest.approx(chan[channel]), (rule, channel)
    camp = attribute(journeys, "first_touch", by="campaign").set_index(["campaign_id",
                                                                        "channel"])
    assert camp.loc[("EM1", EM), "conversions"] == 2.0
    assert camp.loc[("EV1", NO_TOUCHPOINT), "conversions"] == 1.0  # D5: no touchpoint


def test_attribution_table_adds_cost_and_roi(workbook):
    table = attribution_table(load_workbook(workbook), "linear")
    row = table.set_index("channel").loc[EM]
    assert row["cost"] == 500.0
    assert row["margin"] == pytest.approx(100 + 500)  # A 400/4 + B 1000/2
    assert row["roi"] == pytest.approx((600 - 500) / 500)
    assert np.isnan(table.set_index("channel").loc[NO_TOUCHPOINT, "roi"])
    everything = attribution_table(load_workbook(workbook))
    assert set(everything["model"]) == set(RULES)
    gap = last_touch_gap(everything)
    first = gap[(gap["model"] == "first_touch")].set_index("channel")["gap"]
    assert first[EM] == -2.0 and first[EV] == 1.0


def test_transition_probabilities_rows_sum_to_one(journeys):
    probs = transition_probabilities(journeys)
    sums = probs.groupby("from")["probability"].sum()
    assert np.allclose(sums, 1.0)
    start = probs[probs["from"] == "(start)"].set_index("to")["probability"]
    assert start[EM] == pytest.approx(2 / 5)


# --- the command line -------------------------------------------------------------------

def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "roi_core", *args], cwd=ROOT,
                          capture_output=True, text=True)


def test_cli_json_all_models(workbook):
    out = _cli("attribution", str(workbook), "--model", "all", "--format", "json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert set(rows[0]) == {"model", "channel", "conversions", "revenue", "margin", "cost",
                            "roi"}
    markov = {r["channel"]: r for r in rows if r["model"] == "markov"}
    assert markov[TP]["conversions"] == pytest.approx(240 / 263)
    assert markov[NO_TOUCHPOINT]["roi"] is None


def test_cli_one_model_and_half_life(workbook):
    out = _cli("attribution", str(workbook), "--model", "time_decay", "--half-life-days", "1",
               "--format", "csv")
    assert out.returncode == 0, out.stderr
    frame = pd.read_csv(__import__("io").StringIO(out.stdout))
    assert list(frame.columns) == ["channel", "conversions", "revenue", "margin", "cost", "roi"]
    em = frame.set_index("channel").loc[EM, "conversions"]
    assert em == pytest.approx(_decay([9, 7, 2, 1], 1)[0] + _decay([4, 2], 1)[0])


def test_cli_bad_input_exits_2_without_traceback(tmp_path):
    missing = _cli("attribution", str(tmp_path / "nope.xlsx"))
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    bad = _cli("attribution", str(tmp_path / "nope.xlsx"), "--half-life-days", "-3")
    assert bad.returncode == 2 and "half-life" in bad.stderr


# --- properties -------------------------------------------------------------------------

CHANNELS = ["a", "b", "c", "d"]
journey_st = st.tuples(st.lists(st.sampled_from(CHANNELS), min_size=1, max_size=6),
                       st.booleans(), st.integers(0, 5))


def _frames(specs, accounts=None):
    """touchpoints and deals frames: one account per spec (touches a day apart)."""
    tp, deals = [], []
    for i, (path, won, created_at) in enumerate(specs):
        acc = accounts[i] if accounts else f"acc{i}"
        start = pd.Timestamp("2026-01-01")
        for k, ch in enumerate(path):
            tp.append((acc, start + pd.Timedelta(hours=12 * k + i % 3), ch, f"{ch}-camp"))
        if won:
            close = start + pd.Timedelta(days=len(path))
            deals.append((f"D{i}", acc, "won", start + pd.Timedelta(hours=12 * created_at),
                          close, 100.0 * (i + 1), 0.5))
    touchpoints = pd.DataFrame(tp, columns=["account_id", "timestamp", "channel", "campaign_id"])
    deal_frame = pd.DataFrame(deals, columns=["deal_id", "account_id", "status", "created_date",
                                              "close_date", "amount", "margin_rate"])
    return touchpoints, deal_frame


@settings(max_examples=60, deadline=None)
@given(st.lists(journey_st, min_size=1, max_size=12))
def test_credits_of_each_conversion_sum_to_one_and_totals_match(specs):
    tp, deals = _frames(specs)
    j = build_journeys(tp, deals)
    conv = j.touches[j.touches["converted"]]
    for rule in HEURISTIC_RULES:
        w = touch_weights(j, rule)
        assert (w >= 0).all()
        per = pd.Series(w).groupby(conv["journey"].to_numpy()).sum()
        assert np.allclose(per, 1.0), rule
    for rule in RULES:
        got = attribute(j, rule)
        assert got["conversions"].sum() == pytest.approx(len(deals)), rule
        assert got["revenue"].sum() == pytest.approx(deals["amount"].sum()), rule
        assert got["margin"].sum() == pytest.approx(0.5 * deals["amount"].sum()), rule


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 5), st.booleans(), st.integers(0, 5)), min_size=1,
                max_size=8))
def test_a_one_channel_world_gets_everything(specs):
    tp, deals = _frames([(["a"] * n, won, c) for n, won, c in specs])
    j = build_journeys(tp, deals)
    for rule in RULES:
        got = attribute(j, rule).set_index("channel")
        assert got.loc["a", "conversions"] == pytest.approx(len(deals)), rule


@settings(max_examples=30, deadline=None)
@given(st.lists(journey_st, min_size=1, max_size=10), st.randoms(use_true_random=False))
def test_permuting_account_ids_changes_nothing(specs, rnd):
    names = [f"acc{i}" for i in range(len(specs))]
    shuffled = names[:]
    rnd.shuffle(shuffled)
    tp1, d1 = _frames(specs, names)
    tp2, d2 = _frames(specs, shuffled)
    j1, j2 = build_journeys(tp1, d1), build_journeys(tp2, d2)
    for rule in RULES:
        a = attribute(j1, rule)
        b = attribute(j2, rule)
        assert np.allclose(a[["conversions", "revenue", "margin"]],
                           b[["conversions", "revenue", "margin"]]), rule


# --- exact Markov against a plain dense computation --------------------------------------

def _dense_removal_effects(paths: list[list[str]], won: list[bool],
                           order: int = 1) -> dict[str, float]:
    """Removal effects from the full dense absorbing chain, built from the paths directly:
    states start, the tuples of the last ``order`` channels (None before the journey),
    conversion, null; absorption by the fundamental matrix."""
    channels = sorted({c for p in paths for c in p})
    walks = []
    for path in paths:
        padded = [None] * (order - 1) + list(path)
        walks.append([tuple(padded[i : i + order]) for i in range(len(path))])
    states = sorted({s for w in walks for s in w}, key=str)
    names = ["start", *states, "conv", "null"]
    idx = {n: i for i, n in enumerate(names)}
    size = len(names)
    counts = np.zeros((size, size))
    for walk, ok in zip(walks, won, strict=True):
        chain = ["start", *walk, "conv" if ok else "null"]
        for s, t in zip(chain[:-1], chain[1:], strict=True):
            counts[idx[s], idx[t]] += 1

    def p_conv(removed: str | None) -> float:
        c = counts.copy()
        # Every transition into a state holding the removed channel goes to null.
        for state in states if removed is not None else []:
            if removed not in state:
                continue
            col = idx[state]
            c[:, idx["null"]] += c[:, col]
            c[:, col] = 0
            c[col, :] = 0
            c[col, idx["null"]] = 1
        p = np.zeros((size, size))
        for i in range(size):
            p[i] = c[i] / c[i].sum() if c[i].sum() else np.eye(size)[i]
        p[idx["conv"]] = np.eye(size)[idx["conv"]]
        p[idx["null"]] = np.eye(size)[idx["null"]]
        transient = [i for i in range(size) if p[i, i] < 1]
        q = p[np.ix_(transient, transient)]
        b = np.linalg.inv(np.eye(len(transient)) - q) @ p[np.ix_(transient, [idx["conv"]])]
        return float(b[transient.index(idx["start"]), 0])

    base = p_conv(None)
    return {c: 1 - p_conv(c) / base for c in channels}


@settings(max_examples=60, deadline=None)
@given(st.lists(journey_st, min_size=2, max_size=15))
def test_markov_matches_dense_linear_algebra(specs):
    if not any(won for _, won, _ in specs):
        specs = [(specs[0][0], True, 0), *specs[1:]]
    tp, deals = _frames(specs)
    ours = markov_removal_effects(build_journeys(tp, deals))
    dense = _dense_removal_effects([p for p, _, _ in specs], [w for _, w, _ in specs])
    for channel, value in dense.items():
        assert ours[channel] == pytest.approx(value, abs=1e-9), channel


def test_markov_on_random_chains_from_a_seed():
    rng = np.random.default_rng(7)
    paths = [list(rng.choice(list("abcdef"), size=rng.integers(1, 8))) for _ in range(300)]
    won = list(rng.random(300) < 0.3)
    tp, deals = _frames([(p, w, 0) for p, w in zip(paths, won, strict=True)])
    ours = markov_removal_effects(build_journeys(tp, deals))
    dense = _dense_removal_effects(paths, won)
    assert ours.to_dict() == pytest.approx(dense, abs=1e-10)


def test_nothing_converts_gives_zero_effects():
    tp, deals = _frames([(["a", "b"], False, 0), (["b"], False, 0)])
    j = build_journeys(tp, deals)
    assert markov_removal_effects(j).tolist() == [0.0, 0.0]
    assert attribute(j, "markov")["conversions"].sum() == 0.0


# --- Markov credit in money: value-weighted removal effects ---------------------------------

def _dense_value_removal_effects(paths: list[list[str]], values: list[float | None],
                                 order: int = 1) -> dict[str, float]:
    """Value-weighted removal effects by brute force, independent of the library's solve.

    ``values[i]`` is journey i's conversion value (None: not converted). The dense chain
    has one absorbing conversion state *per state it is reached from* (conv@s), so that
    the matrix power P^N from start gives the probability of converting from each state;
    a conversion from s is worth the mean value of the observed conversions from s.
    Removing a channel redirects every transition into a state holding it to null.
    """
    channels = sorted({c for p in paths for c in p})
    walks = []
    for path in paths:
        padded = [None] * (order - 1) + list(path)
        walks.append([tuple(padded[i : i + order]) for i in range(len(path))])
    states = sorted({s for w in walks for s in w}, key=str)
    names = ["start", *states, *[("conv", s) for s in states], "null"]
    idx = {n: i for i, n in enumerate(names)}
    size = len(names)
    counts = np.zeros((size, size))
    worth: dict[tuple, list[float]] = {}
    for walk, value in zip(walks, values, strict=True):
        end = ("conv", walk[-1]) if value is not None else "null"
        chain = ["start", *walk, end]
        for a, b in zip(chain[:-1], chain[1:], strict=True):
            counts[idx[a], idx[b]] += 1
        if value is not None:
            worth.setdefault(walk[-1], []).append(value)
    mean_value = np.zeros(size)
    for state, vals in worth.items():
        mean_value[idx[("conv", state)]] = np.mean(vals)

    def expected(removed: str | None) -> float:
        c = counts.copy()
        for state in states:
            if removed is not None and removed in state:
                c[:, idx["null"]] += c[:, idx[state]]
                c[:, idx[state]] = 0
        p = np.eye(size)
        for i in range(size):
            if c[i].sum():
                p[i] = c[i] / c[i].sum()
        reach = np.linalg.matrix_power(p, 2**14)[idx["start"]]  # absorption after N steps
        return float(reach @ mean_value)

    base = expected(None)
    return {ch: 1 - expected(ch) / base for ch in channels}


@settings(max_examples=40, deadline=None)
@given(st.lists(journey_st, min_size=2, max_size=12), st.integers(1, 2))
def test_value_weighted_markov_matches_matrix_powers(specs, order):
    if not any(won for _, won, _ in specs):
        specs = [(specs[0][0], True, 0), *specs[1:]]
    tp, deals = _frames(specs)
    j = build_journeys(tp, deals)
    table = markov_removal_table(j, order)
    paths = [p for p, _, _ in specs]
    # _frames: journey i, when won, is worth 100 (i + 1) of revenue, half of it in margin.
    revenue = [100.0 * (i + 1) if won else None for i, (_, won, _) in enumerate(specs)]
    dense = _dense_value_removal_effects(paths, revenue, order)
    for channel, value in dense.items():
        assert table.loc[channel, "revenue"] == pytest.approx(value, abs=1e-9), channel
        assert table.loc[channel, "margin"] == pytest.approx(value, abs=1e-9), channel
    counted = _dense_value_removal_effects(paths, [1.0 if v else None for v in revenue], order)
    assert table["conversions"].to_dict() == pytest.approx(counted, abs=1e-9)
    got = attribute(j, "markov", markov_order=order).set_index("channel")
    total = sum(v for v in revenue if v)
    share = {c: v / sum(dense.values()) for c, v in dense.items()}
    for channel, part in share.items():
        assert got.loc[channel, "revenue"] == pytest.approx(total * part, rel=1e-9, abs=1e-9)
        assert got.loc[channel, "margin"] == pytest.approx(total / 2 * part, rel=1e-9,
                                                           abs=1e-9)


def test_markov_money_is_value_weighted_on_the_hand_built_workbook(journeys):
    got = attribute(journeys, "markov").set_index("channel")
    # Conversions: the count shares written out by hand above.
    assert got.loc[TP, "conversions"] == pytest.approx(240 / 263)
    # Revenue: A (1000) ends on events, B (2000) on phoning, C (500) on social selling.
    paths = [[EM, SO, TP, EV], [EM, TP], [SO], [TP, EM], [EV]]
    revenue = [1000.0, 2000.0, 500.0, None, None]
    margin = [400.0, 1000.0, 100.0, None, None]
    for measure, values, total in (("revenue", revenue, 3500.0), ("margin", margin, 1500.0)):
        dense = _dense_value_removal_effects(paths, values)
        for channel, effect in dense.items():
            assert got.loc[channel, measure] == pytest.approx(
                total * effect / sum(dense.values()), rel=1e-9), (measure, channel)
    # Not the count share any more: phoning is on the 2000 € path, so it earns more money
    # than its share of conversions.
    count_share = got.loc[TP, "conversions"] / 3
    assert got.loc[TP, "revenue"] / 3500.0 > count_share + 0.01
    assert got.loc[NO_TOUCHPOINT, "revenue"] == 3000.0  # E, won without any touch
    by_campaign = attribute(journeys, "markov", by="campaign")
    assert by_campaign["revenue"].sum() == pytest.approx(6500.0)
    assert by_campaign.groupby("channel")["revenue"].sum()[TP] == pytest.approx(
        got.loc[TP, "revenue"])


def test_markov_credit_of_a_channel_that_only_leads_elsewhere_is_kept_by_campaign():
    # c is never in a converting journey, but in the chain c -> x -> conversion.
    tp, deals = _frames([(["c", "x"], False, 0), (["y", "x"], True, 0), (["x"], True, 0)])
    j = build_journeys(tp, deals)
    chan = attribute(j, "markov").set_index("channel")
    assert chan.loc["c", "revenue"] > 0
    camp = attribute(j, "markov", by="campaign")
    assert camp["revenue"].sum() == pytest.approx(deals["amount"].sum())
    assert camp.set_index("channel").loc["c", "revenue"] == pytest.approx(
        chan.loc["c", "revenue"])


def test_markov_removal_effects_value_must_be_known(journeys):
    with pytest.raises(ValueError):
        markov_removal_effects(journeys, value="clients")
    rev = markov_removal_effects(journeys, value="revenue")
    assert rev.to_dict() == pytest.approx(markov_removal_table(journeys)["revenue"].to_dict())


def _channelattribution():
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):  # it prints a banner on import
        return pytest.importorskip("ChannelAttribution")


def test_markov_money_agrees_with_channelattribution_var_value():
    """ChannelAttribution simulates the same chain (conversion value drawn per last state);
    with a large max_step its only difference from our exact solve is simulation noise."""
    import contextlib
    import io

    ca = _channelattribution()
    rng = np.random.default_rng(3)
    paths = [list(rng.choice(list("abcd"), size=rng.integers(1, 5),
                             p=[0.4, 0.3, 0.2, 0.1])) for _ in range(400)]
    won = rng.random(400) < 0.35
    tp, deals = _frames([(p, bool(w), 0) for p, w in zip(paths, won, strict=True)])
    # Journeys that end on d are worth ten times more: money and counts part ways.
    last = {f"acc{i}": p[-1] for i, p in enumerate(paths)}
    deals["amount"] = np.where(deals["account_id"].map(last) == "d", 5000.0, 500.0)
    ours = attribute(build_journeys(tp, deals), "markov").set_index("channel")
    amount = dict(zip(deals["account_id"], deals["amount"], strict=True))
    table = pd.DataFrame({"path": [" > ".join(p) for p in paths],
                          "conv": won.astype(int), "null": (~won).astype(int),
                          "value": [amount.get(f"acc{i}", 0.0) for i in range(400)]})
    table = table.groupby("path", as_index=False)[["conv", "null", "value"]].sum()
    with contextlib.redirect_stdout(io.StringIO()):
        theirs = ca.markov_model(table, "path", "conv", var_value="value", var_null="null",
                                 max_step=10_000, seed=1, verbose=False, flg_pro=False)
    theirs = theirs.set_index("channel_name")
    for channel in "abcd":
        assert theirs.loc[channel, "total_conversions"] == pytest.approx(
            ours.loc[channel, "conversions"], rel=0.03), channel
        assert theirs.loc[channel, "total_conversion_value"] == pytest.approx(
            ours.loc[channel, "revenue"], rel=0.03), channel
    # The value-weighted credit is not the count share: the test can tell them apart.
    count_split = ours["conversions"] / ours["conversions"].sum() * deals["amount"].sum()
    assert (count_split / ours["revenue"] - 1).abs().max() > 0.2


# --- awkward input ------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [object, "string", "str"])
def test_string_flavours_give_the_same_credits(dtype):
    specs = [(["a", "b", "c"], True, 1), (["b"], True, 0), (["c", "a"], False, 0)]
    tp, deals = _frames(specs)
    expected = {r: attribute(build_journeys(tp, deals), r) for r in RULES}
    tp2 = tp.astype({"account_id": dtype, "channel": dtype, "campaign_id": dtype})
    deals2 = deals.astype({"account_id": dtype, "deal_id": dtype, "status": dtype})
    j = build_journeys(tp2, deals2)
    for rule in RULES:
        got = attribute(j, rule)
        assert got["channel"].tolist() == expected[rule]["channel"].tolist()
        assert np.allclose(got["conversions"], expected[rule]["conversions"]), rule


def test_touch_without_campaign_and_won_deal_without_account():
    tp = pd.DataFrame({"account_id": ["a", "a"], "channel": ["x", "y"],
                       "timestamp": pd.to_datetime(["2026-01-01", "2026-01-02"]),
                       "campaign_id": ["X1", None]})
    deals = pd.DataFrame({"deal_id": ["D1", "D2"], "account_id": ["a", None],
                          "campaign_id": ["X1", "Y1"], "status": ["won", "won"],
                          "close_date": pd.to_datetime(["2026-01-03", "2026-01-03"]),
                          "amount": [100.0, 50.0], "margin_rate": [0.5, 0.5]})
    j = build_journeys(tp, deals)
    by_campaign = attribute(j, "linear", by="campaign").set_index(["campaign_id", "channel"])
    assert by_campaign.loc[("X1", "x"), "conversions"] == 0.5
    assert by_campaign.loc[("(unassigned)", "y"), "conversions"] == 0.5
    assert by_campaign.loc[("Y1", NO_TOUCHPOINT), "revenue"] == 50.0
    assert attribute(j, "markov")["conversions"].sum() == pytest.approx(2.0)


def test_several_won_deals_of_one_account_are_separate_journeys():
    # account a: x on 1/1, y on 5/1; won D1 on 3/1 (journey x), won D2 on 6/1 (x, y).
    tp = pd.DataFrame({"account_id": ["a", "a"], "channel": ["x", "y"],
                       "timestamp": pd.to_datetime(["2026-01-01", "2026-01-05"])})
    deals = pd.DataFrame({"deal_id": ["D1", "D2"], "account_id": ["a", "a"],
                          "status": ["won", "won"],
                          "close_date": pd.to_datetime(["2026-01-03", "2026-01-06"]),
                          "amount": [100.0, 200.0], "margin_rate": [0.5, 0.5]})
    got = attribute(build_journeys(tp, deals), "last_touch").set_index("channel")
    assert got["conversions"].to_dict() == {"x": 1.0, "y": 1.0}
    assert got["revenue"].to_dict() == {"x": 100.0, "y": 200.0}


def test_a_touch_at_the_close_instant_counts():
    tp = pd.DataFrame({"account_id": ["a", "a"], "channel": ["x", "y"],
                       "timestamp": pd.to_datetime(["2026-01-01", "2026-01-03"])})
    deals = pd.DataFrame({"deal_id": ["D"], "account_id": ["a"], "status": ["won"],
                          "close_date": pd.to_datetime(["2026-01-03"]), "amount": [1.0],
                          "margin_rate": [1.0]})
    got = attribute(build_journeys(tp, deals), "last_touch").set_index("channel")
    assert got.loc["y", "conversions"] == 1.0


def test_a_touch_on_the_day_of_signature_counts():
    # close dates are days: a call at 14:00 on the signing day is at or before the close.
    tp = pd.DataFrame({"account_id": ["a", "a", "a"], "channel": ["x", "y", "z"],
                       "timestamp": pd.to_datetime(["2026-01-01 09:00", "2026-01-03 14:00",
                                                    "2026-01-04 08:00"])})
    deals = pd.DataFrame({"deal_id": ["D"], "account_id": ["a"], "status": ["won"],
                          "created_date": pd.to_datetime(["2026-01-01"]),
                          "close_date": pd.to_datetime(["2026-01-03"]), "amount": [1.0],
                          "margin_rate": [1.0]})
    j = build_journeys(tp, deals)
    assert j.touches.loc[j.touches["converted"], "channel"].tolist() == ["x", "y"]  # not z
    got = attribute(j, "last_touch").set_index("channel")
    assert got.loc["y", "conversions"] == 1.0
    # The touch after the close's midnight is 0 days from the close, not −0.58.
    assert j.touches.loc[j.touches["channel"] == "y", "days_to_close"].tolist() == [0.0]
    # The created date is a day too: the 09:00 touch on the creation day is its anchor.
    assert j.touches.loc[j.touches["channel"] == "x", "creation_touch"].tolist() == [True]
    # A close date that carries a time (an import) still takes the whole day.
    late = deals.assign(close_date=pd.to_datetime(["2026-01-03 10:00"]))
    assert attribute(build_journeys(tp, late), "last_touch").set_index("channel").loc[
        "y", "conversions"] == 1.0


def test_attribution_table_by_campaign(workbook):
    table = attribution_table(load_workbook(workbook), "linear", by="campaign")
    t = table.set_index("campaign_id")
    assert list(table.columns) == ["campaign_id", "campaign", "channel", "conversions",
                                   "revenue", "margin", "cost", "roi"]
    assert t.loc["EM1", "conversions"] == pytest.approx(0.75)
    # EV1: A's events touch (1/4) + D5, won without touchpoint, from EV1 itself.
    assert t.loc["EV1", "conversions"] == pytest.approx(1.25)
    assert t.loc["EV1", "margin"] == pytest.approx(100 + 1500)
    assert t.loc["EV1", "roi"] == pytest.approx((1600 - 2000) / 2000)
    assert table["conversions"].sum() == pytest.approx(4.0)
    out = _cli("attribution", str(workbook), "--model", "markov", "--by", "campaign",
               "--markov-order", "2", "--format", "json")
    assert out.returncode == 0, out.stderr
    assert {r["campaign_id"] for r in json.loads(out.stdout)} == {"EM1", "SO1", "TP1", "EV1"}


@settings(max_examples=40, deadline=None)
@given(st.lists(journey_st, min_size=2, max_size=12), st.integers(2, 3))
def test_higher_order_markov_matches_dense_linear_algebra(specs, order):
    if not any(won for _, won, _ in specs):
        specs = [(specs[0][0], True, 0), *specs[1:]]
    tp, deals = _frames(specs)
    j = build_journeys(tp, deals)
    ours = markov_removal_effects(j, order=order)
    dense = _dense_removal_effects([p for p, _, _ in specs], [w for _, w, _ in specs], order)
    for channel, value in dense.items():
        assert ours[channel] == pytest.approx(value, abs=1e-9), channel
    got = attribute(j, "markov", markov_order=order)
    assert got["conversions"].sum() == pytest.approx(len(deals))


def test_markov_order_must_be_a_positive_whole_number(journeys):
    with pytest.raises(ValueError):
        markov_removal_effects(journeys, order=0)
