"""Multi-touch attribution: who really earned each sale, under seven rules, as ROI per channel.

Prepare → compute → present:

1. ``build_journeys(touchpoints, deals)`` turns the canonical ``touchpoints`` and ``deals``
   frames into journeys. A *conversion* is a won deal (``status == "won"`` with a
   ``close_date``); its journey is its account's touchpoints on or before the close date
   (close dates are days: a call at 14:00 on the signing day counts), in time order (ties
   keep the workbook's row order). An account with touchpoints and no won deal is one
   *non-converting* journey (used by the Markov rule only). A won deal whose account has no
   touchpoint before its close is kept, credited to the channel
   ``NO_TOUCHPOINT`` under every rule: the totals always equal the won deals.
2. ``touch_weights`` gives each touch of a converting journey its share of that conversion
   (the shares of one conversion sum to 1); ``markov_removal_effects`` solves the absorbing
   Markov chain exactly.
3. ``attribute`` sums the shares per channel (or per campaign): conversions, revenue
   (the deal's amount) and margin (amount × margin rate); ``attribution_table`` adds each
   channel's cost (``roi_core.facts``) and ROI = (margin − cost) / cost.

Rules (``RULES``):

- ``first_touch`` / ``last_touch``: 100 % to the first / last touch.
- ``linear``: 1/n to each of the n touches.
- ``position_based`` (U-shaped): 40 % first, 40 % last, 20 % spread evenly over the
  middle touches; one touch gets 100 %, two touches 50 % each.
- ``w_shaped``: 30 % to the first touch, 30 % to the *creation touch* (the last touch on or
  before the day of the deal's ``created_date``), 30 % to the last touch, 10 % spread
  evenly over the other touches. Coinciding anchors add up: when the creation touch is also
  the first touch that touch gets 60 %; a one-touch journey gets 90 %. When no touch is
  left for the 10 % (every touch is an anchor), the anchors' shares are divided by their
  sum (0.9), so a one-touch journey gets 100 % and a two-touch journey whose creation touch
  is the first gets 2/3 and 1/3. A deal with no ``created_date``, or created before its
  first touch, has its creation touch on the first touch.
- ``time_decay``: weight 2^(−d/h), d the fractional days from the touch to the close date
  (0 for a touch later on the signing day than the close's time),
  h the half-life (7 days by default), normalised per journey.
- ``markov``: first-order Markov chain over every journey, converting or not (states:
  start, each channel, conversion, null). Each channel's removal effect
  RE_c = 1 − P(conversion | c removed) / P(conversion), where removing c sends every
  transition into c to null; P is the exact absorption probability from the linear system
  (I − Q) x = r, not a simulation. Channel c gets conversions × RE_c / Σ RE. Revenue and
  margin are credited by their own, value-weighted removal effects (``var_value`` in
  ChannelAttribution): the same chain, where a conversion reached from a state is worth
  the mean revenue (margin) of the observed conversions from that state, so RE_c(revenue)
  = 1 − E[revenue | c removed] / E[revenue], solved exactly (``markov_removal_table``);
  channel c gets the total revenue × RE_c(revenue) / Σ RE(revenue), and likewise margin.
  Within a channel, its campaigns share its credit as they share the channel's ``linear``
  credit. Self-loops (a channel touched twice in a row) do not change
  absorption probabilities, so repeated touches need no special treatment. Higher orders
  (``markov_order=m``): each state is the journey's last m channels, and removing a
  channel removes every state that holds it; the same exact solve.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from roi_core.dataset import UNASSIGNED, Dataset
from roi_core.facts import build_facts
from roi_core.kpis import compute_kpis

__all__ = [
    "RULES",
    "HEURISTIC_RULES",
    "NO_TOUCHPOINT",
    "Journeys",
    "build_journeys",
    "journeys_from_dataset",
    "touch_weights",
    "markov_states",
    "transition_counts",
    "transition_probabilities",
    "conversion_probability",
    "markov_removal_effects",
    "markov_removal_table",
    "removal_table",
    "markov_channel_credits",
    "finish_credits",
    "MARKOV_VALUES",
    "attribute",
    "attribute_all",
    "channel_costs",
    "campaign_costs",
    "attribution_table",
    "last_touch_gap",
]

HEURISTIC_RULES = ("first_touch", "last_touch", "linear", "position_based", "w_shaped",
                   "time_decay")
RULES = (*HEURISTIC_RULES, "markov")
NO_TOUCHPOINT = "(no touchpoint)"
START, CONVERSION, NULL = "(start)", "(conversion)", "(null)"
_DAY_NS = 86_400e9


@dataclass(frozen=True)
class Journeys:
    """Journeys, one row per touch and one row per journey.

    - ``touches``: sorted by journey then time; columns ``journey`` (int), ``position``
      (0-based), ``length``, ``channel``, ``channel_code`` (index into ``channels``),
      ``campaign_id``, ``timestamp``, ``converted``, ``days_to_close`` (NaN when not
      converted), ``creation_touch`` (bool, the w-shaped middle anchor).
    - ``journeys``: one row per journey (index = journey id): ``converted``, ``deal_id``,
      ``account_id``, ``close_date``, ``created_date``, ``revenue``, ``margin``.
    - ``unattributed``: won deals with no touchpoint at or before their close
      (``deal_id``, ``account_id``, ``campaign_id``, ``revenue``, ``margin``).
    - ``channels``: the channel names, in code order.
    """

    touches: pd.DataFrame
    journeys: pd.DataFrame
    unattributed: pd.DataFrame
    channels: tuple[str, ...]

    @property
    def conversions(self) -> int:
        """Number of won deals, with or without touchpoints."""
        return int(self.journeys["converted"].sum()) + len(self.unattributed)


def _won_deals(deals: pd.DataFrame) -> pd.DataFrame:
    won = deals[(deals["status"] == "won") & deals["close_date"].notna()]
    amount = won["amount"].astype(float)
    rate = won["margin_rate"].astype(float) if "margin_rate" in won else np.nan
    return pd.DataFrame({
        "deal_id": won["deal_id"].to_numpy(object),
        "account_id": won["account_id"].to_numpy(object),
        "campaign_id": won["campaign_id"].to_numpy(object) if "campaign_id" in won
        else np.full(len(won), None, dtype=object),
        "close_date": pd.to_datetime(won["close_date"]).to_numpy("datetime64[ns]"),
        "created_date": pd.to_datetime(won["created_date"]).to_numpy("datetime64[ns]")
        if "created_date" in won else np.full(len(won), np.datetime64("NaT", "ns")),
        "revenue": amount.to_numpy(float),
        "margin": (amount * rate).to_numpy(float),
    })


def _end_of_day(ns: np.ndarray) -> np.ndarray:
    """The last nanosecond of each instant's day (NaT stays NaT)."""
    day = np.int64(_DAY_NS)
    out = (ns // day) * day + (day - 1)
    return np.where(ns == np.iinfo(np.int64).min, ns, out)


def build_journeys(touchpoints: pd.DataFrame, deals: pd.DataFrame) -> Journeys:
    """Journeys from the canonical ``touchpoints`` and ``deals`` frames.

    Touches without account, time or channel are left out (the quality audit lists them);
    a won deal without account has no journey and counts under ``NO_TOUCHPOINT``.

    Shape in: touchpoints (account_id, timestamp, channel, campaign_id?), deals (deal_id,
    account_id, status, close_date, created_date?, amount, margin_rate). Shape out:
    ``Journeys`` (converting journeys first, one per won deal, then one per account with
    touchpoints and no won deal). Revenue is the deal's amount, margin amount × margin_rate;
    a blank amount or rate is NaN and adds nothing to the sums.

    >>> tp = pd.DataFrame({"account_id": ["a", "a", "b"], "channel": ["email", "call", "call"],
    ...     "timestamp": pd.to_datetime(["2026-01-01", "2026-01-05", "2026-01-02"])})
    >>> dl = pd.DataFrame({"deal_id": ["D1"], "account_id": ["a"], "status": ["won"],
    ...     "close_date": pd.to_datetime(["2026-01-10"]), "amount": [1000.0],
    ...     "margin_rate": [0.4]})
    >>> j = build_journeys(tp, dl)
    >>> j.touches[["journey", "position", "channel", "converted"]].to_numpy().tolist()
    [[0, 0, 'email', True], [0, 1, 'call', True], [1, 0, 'call', False]]
    >>> float(j.journeys.loc[0, "margin"])
    400.0
    """
    won = _won_deals(deals)
    usable = (touchpoints["account_id"].notna() & touchpoints["timestamp"].notna()
              & touchpoints["channel"].notna())
    if not usable.all():
        touchpoints = touchpoints[usable]
    n_t, n_w = len(touchpoints), len(won)
    codes, accounts = pd.factorize(np.concatenate([
        touchpoints["account_id"].to_numpy(object), won["account_id"].to_numpy(object)]))
    accounts = np.asarray(accounts, dtype=object)
    t_acc, w_acc = codes[:n_t], codes[n_t:]
    ts = pd.to_datetime(touchpoints["timestamp"]).to_numpy("datetime64[ns]").view("i8")
    # Close dates are days: every touch of the signing day counts (a call at 14:00 on the
    # day of signature is at or before the close), whatever time the date carries.
    close = _end_of_day(won["close_date"].to_numpy("datetime64[ns]").view("i8"))
    ch_codes, channels = pd.factorize(touchpoints["channel"].astype(object), sort=True)
    if "campaign_id" in touchpoints:
        camp_codes, campaigns = pd.factorize(touchpoints["campaign_id"].astype(object))
    else:
        camp_codes, campaigns = np.full(n_t, -1, dtype=np.int64), np.array([], dtype=object)

    # One stable sort of touches and deals together, by account, then time, touches before
    # a deal closing at the same instant (a touch at the close counts), then row order.
    kind = np.concatenate([np.zeros(n_t, np.int8), np.ones(n_w, np.int8)])
    order = np.lexsort((kind, np.concatenate([ts, close]), codes))
    is_deal = order >= n_t
    touches_before = np.cumsum(~is_deal) - ~is_deal  # touches strictly before each slot
    sorted_touch = order[~is_deal]  # touch rows sorted by account, time, row
    n_acc = len(accounts)
    acc_count = np.bincount(t_acc, minlength=n_acc)
    acc_start = np.cumsum(acc_count) - acc_count
    deal_slot = np.empty(n_w, dtype=np.int64)
    deal_slot[order[is_deal] - n_t] = np.flatnonzero(is_deal)
    known = w_acc >= 0  # a won deal without an account has no journey
    n_before = np.where(known, touches_before[deal_slot] - acc_start[w_acc], 0)

    # Converting journeys: one per won deal with touches, in the deals' order.
    has_touch = n_before > 0
    conv_deals = np.flatnonzero(has_touch)
    n_conv = len(conv_deals)
    lengths_c = n_before[conv_deals]
    offsets_c = np.cumsum(lengths_c) - lengths_c
    pos_c = np.arange(int(lengths_c.sum())) - np.repeat(offsets_c, lengths_c)
    slot_c = np.repeat(acc_start[w_acc[conv_deals]], lengths_c) + pos_c
    journey_c = np.repeat(np.arange(n_conv), lengths_c)

    # Non-converting journeys: accounts with touches and no won deal at all.
    with_win = np.zeros(n_acc, dtype=bool)
    with_win[w_acc[known]] = True
    lonely_acc = np.flatnonzero(~with_win & (acc_count > 0))
    acc_journey = np.full(n_acc, -1, dtype=np.int64)
    acc_journey[lonely_acc] = n_conv + np.arange(len(lonely_acc))
    slot_n = np.flatnonzero(~with_win[t_acc[sorted_touch]])
    journey_n = acc_journey[t_acc[sorted_touch[slot_n]]]
    pos_n = slot_n - acc_start[t_acc[sorted_touch[slot_n]]]

    touch = sorted_touch[np.concatenate([slot_c, slot_n])]
    journey = np.concatenate([journey_c, journey_n])
    position = np.concatenate([pos_c, pos_n])
    n_journeys = n_conv + len(lonely_acc)
    length = np.bincount(journey, minlength=n_journeys)
    n_lonely = len(lonely_acc)

    journeys = pd.DataFrame({
        "converted": np.concatenate([np.ones(n_conv, bool), np.zeros(n_lonely, bool)]),
        "deal_id": np.concatenate([won["deal_id"].to_numpy(object)[conv_deals],
                                   np.full(n_lonely, None, dtype=object)]),
        "account_id": np.concatenate([accounts[w_acc[conv_deals]], accounts[lonely_acc]]),
        "close_date": np.concatenate([won["close_date"].to_numpy("datetime64[ns]")[conv_deals],
                                      np.full(n_lonely, np.datetime64("NaT", "ns"))]),
        "created_date": np.concatenate([
            won["created_date"].to_numpy("datetime64[ns]")[conv_deals],
            np.full(n_lonely, np.datetime64("NaT", "ns"))]),
        "revenue": np.concatenate([won["revenue"].to_numpy(float)[conv_deals],
                                   np.zeros(n_lonely)]),
        "margin": np.concatenate([won["margin"].to_numpy(float)[conv_deals],
                                  np.zeros(n_lonely)]),
    })
    journeys.index.name = "journey"

    t_ts = ts[touch]
    converted = journey < n_conv
    j_close = journeys["close_date"].to_numpy("datetime64[ns]").view("i8")[journey]
    # A touch later on the signing day than the close's time is at the close: 0 days.
    days = np.where(converted, np.maximum(j_close - t_ts, 0) / _DAY_NS, np.nan)
    created = journeys["created_date"].to_numpy("datetime64[ns]")
    eligible = (converted & ~np.isnat(created[journey])
                & (t_ts <= _end_of_day(created.view("i8"))[journey]))
    anchor = np.full(n_journeys, -1, dtype=np.int64)
    np.maximum.at(anchor, journey[eligible], position[eligible])
    anchor = np.where(anchor < 0, 0, anchor)
    creation_touch = converted & (position == anchor[journey])

    ch = ch_codes[touch]
    touches = pd.DataFrame({
        "journey": journey,
        "position": position,
        "length": length[journey],
        "channel": pd.Categorical.from_codes(ch, categories=pd.Index(channels, dtype=object)),
        "channel_code": ch,
        "campaign_id": pd.Categorical.from_codes(camp_codes[touch],
                                                 categories=pd.Index(campaigns, dtype=object)),
        "timestamp": t_ts.view("datetime64[ns]"),
        "converted": converted,
        "days_to_close": days,
        "creation_touch": creation_touch,
    })
    unattributed = won.loc[~has_touch, ["deal_id", "account_id", "campaign_id", "revenue",
                                        "margin"]].reset_index(drop=True)
    return Journeys(touches, journeys, unattributed, tuple(str(c) for c in channels))


def journeys_from_dataset(data: Dataset) -> Journeys:
    """``build_journeys`` on a dataset's ``touchpoints`` and ``deals``."""
    return build_journeys(data.touchpoints, data.deals)


# --- heuristic rules ----------------------------------------------------------------------


def touch_weights(journeys: Journeys, rule: str, half_life_days: float = 7.0) -> np.ndarray:
    """Each converting touch's share of its conversion (aligned with the converting rows of
    ``journeys.touches``); the shares of one conversion sum to 1.

    >>> tp = pd.DataFrame({"account_id": ["a"] * 3, "channel": ["x", "y", "z"],
    ...     "timestamp": pd.to_datetime(["2026-01-01", "2026-01-02", "2026-01-03"])})
    >>> dl = pd.DataFrame({"deal_id": ["D"], "account_id": ["a"], "status": ["won"],
    ...     "close_date": pd.to_datetime(["2026-01-03"]), "amount": [1.0], "margin_rate": [1.0]})
    >>> touch_weights(build_journeys(tp, dl), "position_based").tolist()
    [0.4, 0.2, 0.4]
    """
    t = journeys.touches
    conv = t["converted"].to_numpy()
    journey = t["journey"].to_numpy()[conv]
    pos = t["position"].to_numpy()[conv]
    n = t["length"].to_numpy()[conv]
    first = pos == 0
    last = pos == n - 1
    if rule == "first_touch":
        return first.astype(float)
    if rule == "last_touch":
        return last.astype(float)
    if rule == "linear":
        return 1.0 / n
    if rule == "position_based":
        middle = np.where(n > 2, 0.2 / np.maximum(n - 2, 1), 0.0)
        ends = np.where(n == 1, 1.0, np.where(n == 2, 0.5, 0.4))
        return np.where(first | last, ends, middle)
    if rule == "w_shaped":
        creation = t["creation_touch"].to_numpy()[conv]
        anchors = 0.3 * (first.astype(float) + last + creation)
        other = anchors == 0
        n_other = np.bincount(journey, weights=other, minlength=len(journeys.journeys))
        m = n_other[journey]
        return np.where(m > 0, anchors + np.where(other, 0.1 / np.maximum(m, 1), 0.0),
                        anchors / 0.9)
    if rule == "time_decay":
        if not half_life_days > 0:
            raise ValueError(f"half_life_days must be positive, not {half_life_days!r}")
        days = t["days_to_close"].to_numpy()[conv]
        # The last touch is the closest to the close: shift by it so no weight underflows.
        nearest = np.full(len(journeys.journeys), np.inf)
        np.minimum.at(nearest, journey, days)
        w = np.exp2(-(days - nearest[journey]) / half_life_days)
        return w / np.bincount(journey, weights=w, minlength=len(journeys.journeys))[journey]
    raise ValueError(f"unknown rule {rule!r}; choose one of {', '.join(HEURISTIC_RULES)}")


# --- Markov chain -------------------------------------------------------------------------


def markov_states(journeys: Journeys, order: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Each touch's Markov state, and each state's channels.

    A state of order m is the last m channels of the journey up to and including the touch
    (fewer at the start of a journey: -1 marks "before the journey"). Shape out:
    ``(state per touch (n,), channels per state (S, m))`` with channel codes of
    ``journeys.channels``; with order 1 the states are the channels themselves.

    >>> tp = pd.DataFrame({"account_id": ["a", "a"], "channel": ["x", "y"],
    ...     "timestamp": pd.to_datetime(["2026-01-01", "2026-01-02"])})
    >>> j = build_journeys(tp, pd.DataFrame(columns=["deal_id", "account_id", "status",
    ...     "close_date", "amount", "margin_rate"]))
    >>> state, channels = markov_states(j, order=2)
    >>> state.tolist(), channels.tolist()
    ([0, 1], [[-1, 0], [0, 1]])
    """
    if not isinstance(order, (int, np.integer)) or order < 1:
        raise ValueError(f"the Markov order must be a whole number ≥ 1, not {order!r}")
    t = journeys.touches
    ch = t["channel_code"].to_numpy().astype(np.int64)
    k = len(journeys.channels)
    if order == 1:
        return ch, np.arange(k, dtype=np.int64)[:, None]
    base = k + 1
    if base ** order >= 2**62:
        raise ValueError(f"a Markov chain of order {order} over {k} channels is too large")
    pos = t["position"].to_numpy()
    code = np.zeros(len(ch), dtype=np.int64)
    for back in range(order - 1, -1, -1):  # oldest channel first
        prev = np.full_like(ch, -1)
        prev[back:] = ch[: len(ch) - back]
        code = code * base + (np.where(pos >= back, prev, -1) + 1)
    uniq, state = np.unique(code, return_inverse=True)
    channels = np.empty((len(uniq), order), dtype=np.int64)
    rest = uniq.copy()
    for col in range(order - 1, -1, -1):
        channels[:, col] = rest % base - 1
        rest //= base
    return state.astype(np.int64), channels


def transition_counts(journeys: Journeys, order: int = 1) -> np.ndarray:
    """Transition counts over every journey, an (S + 3) × (S + 3) integer matrix.

    State order: ``(start)``, the S states of ``markov_states`` (order 1: the k channels in
    ``journeys.channels`` order), ``(conversion)``, ``(null)``. Each journey adds
    start → s1 → … → sn → conversion (won) or null (not won).

    >>> tp = pd.DataFrame({"account_id": ["a", "a", "b"], "channel": ["x", "y", "y"],
    ...     "timestamp": pd.to_datetime(["2026-01-01", "2026-01-02", "2026-01-02"])})
    >>> dl = pd.DataFrame({"deal_id": ["D"], "account_id": ["a"], "status": ["won"],
    ...     "close_date": pd.to_datetime(["2026-01-03"]), "amount": [1.0], "margin_rate": [1.0]})
    >>> transition_counts(build_journeys(tp, dl)).tolist()
    [[0, 1, 1, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 1, 1], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]]
    """
    t = journeys.touches
    codes, states = markov_states(journeys, order)
    n_states = len(states)
    size = n_states + 3
    state = codes + 1
    pos = t["position"].to_numpy()
    prev = np.empty_like(state)
    prev[1:] = state[:-1]
    if len(state):
        prev[0] = 0
    prev = np.where(pos == 0, 0, prev)
    last = pos == t["length"].to_numpy() - 1
    end = np.where(t["converted"].to_numpy()[last], n_states + 1, n_states + 2)
    flat = np.concatenate([prev * size + state, state[last] * size + end])
    return np.bincount(flat, minlength=size * size).reshape(size, size)


def transition_probabilities(journeys: Journeys) -> pd.DataFrame:
    """The Markov transition probabilities as a tidy frame (for the heatmap).

    Shape out: one row per observed transition: ``from``, ``to``, ``count``,
    ``probability`` (count / all transitions leaving ``from``).
    """
    counts = transition_counts(journeys)
    names = [START, *journeys.channels, CONVERSION, NULL]
    out = counts.sum(axis=1, keepdims=True)
    prob = np.divide(counts, out, out=np.zeros(counts.shape), where=out > 0)
    src, dst = np.nonzero(counts)
    return pd.DataFrame({"from": [names[i] for i in src], "to": [names[j] for j in dst],
                         "count": counts[src, dst], "probability": prob[src, dst]})


def conversion_probability(counts: np.ndarray,
                           removed: int | np.ndarray | None = None) -> float:
    """Exact P(start ends in conversion) of the absorbing chain given by ``counts``.

    ``counts`` is a ``transition_counts`` matrix; ``removed`` the index (0-based, among
    states) of a state, or a boolean mask of states, whose incoming transitions all go to
    null. Solves
    (I − Q) x = r over the transient states (Q: state → state probabilities,
    r: state → conversion), then P = s · x with s the start probabilities. States never
    left (no outgoing count) are dropped.

    >>> c = np.array([[0, 2, 0, 0, 0], [0, 0, 1, 1, 0], [0, 0, 0, 1, 1],
    ...               [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]])
    >>> conversion_probability(c), conversion_probability(c, removed=1)
    (0.75, 0.5)
    """
    k = counts.shape[0] - 3
    return float(_absorbed(counts, counts[1 : k + 1, k + 1, None], removed)[0])


def _absorbed(counts: np.ndarray, rewards: np.ndarray,
              removed: int | np.ndarray | None = None) -> np.ndarray:
    """Expected reward collected on entering conversion, per journey leaving start.

    ``rewards`` (S, m): per state, the total of each of m measures over the observed
    transitions state → conversion (their count, or the conversions' revenue, margin).
    The reward of one step state → conversion is then rewards / out (the mean value of a
    conversion from that state times the probability of converting from it), and the
    expectation solves (I − Q) X = R over the transient states, X then s · X; one solve
    for all m measures. Removed states (an index or a boolean mask) and states never left
    are dropped, which sends every transition into them to null.
    """
    k = counts.shape[0] - 3
    rows = counts[1 : k + 1].astype(float)
    out = rows.sum(axis=1)
    keep = out > 0
    if removed is not None:
        keep[removed] = False
    idx = np.flatnonzero(keep)
    start = counts[0, 1 : k + 1].astype(float)
    m = rewards.shape[1]
    if start.sum() == 0 or len(idx) == 0:
        return np.zeros(m)
    s = start[idx] / start.sum()
    q = rows[np.ix_(idx, idx + 1)] / out[idx, None]
    r = np.asarray(rewards, dtype=float)[idx] / out[idx, None]
    x = np.linalg.solve(np.eye(len(idx)) - q, r)
    return s @ x


MARKOV_VALUES = ("conversions", "revenue", "margin")


def _state_rewards(journeys: Journeys, codes: np.ndarray, n_states: int) -> np.ndarray:
    """Per Markov state (S, 3): conversions, revenue and margin of the converting journeys
    whose last touch is in that state (blank amounts add nothing)."""
    t = journeys.touches
    last = (t["position"].to_numpy() == t["length"].to_numpy() - 1) & t["converted"].to_numpy()
    j = t["journey"].to_numpy()[last]
    state = codes[last]
    jr = journeys.journeys
    revenue = np.nan_to_num(jr["revenue"].to_numpy(float))[j]
    margin = np.nan_to_num(jr["margin"].to_numpy(float))[j]
    return np.column_stack([np.bincount(state, minlength=n_states).astype(float),
                            np.bincount(state, weights=revenue, minlength=n_states),
                            np.bincount(state, weights=margin, minlength=n_states)])


def markov_removal_table(journeys: Journeys, order: int = 1) -> pd.DataFrame:
    """Each channel's exact removal effect on conversions, on revenue and on margin.

    RE_c(v) = 1 − V(c removed) / V, where V is the expected conversion value collected
    per journey on the absorbing chain: with v = conversions, V = P(conversion); with v =
    revenue (margin), a conversion reached from state s is worth the mean revenue
    (margin) of the observed conversions from s — the "var_value" of ChannelAttribution,
    solved exactly instead of simulated. Removing c sends every transition into a state
    holding c to null. Columns ``conversions``, ``revenue``, ``margin`` (``MARKOV_VALUES``),
    indexed by channel; 0 where nothing (no value) converts; clipped to [0, 1].

    >>> tp = pd.DataFrame({"account_id": ["a", "a", "b"], "channel": ["x", "y", "x"],
    ...     "timestamp": pd.to_datetime(["2026-01-01", "2026-01-02", "2026-01-02"])})
    >>> dl = pd.DataFrame({"deal_id": ["D", "E"], "account_id": ["a", "b"],
    ...     "status": ["won", "won"], "close_date": pd.to_datetime(["2026-01-03"] * 2),
    ...     "amount": [300.0, 100.0], "margin_rate": [1.0, 1.0]})
    >>> markov_removal_table(build_journeys(tp, dl)).round(4).to_numpy().tolist()
    [[1.0, 1.0, 1.0], [0.5, 0.75, 0.75]]
    """
    counts = transition_counts(journeys, order)
    codes, states = markov_states(journeys, order)
    rewards = _state_rewards(journeys, codes, len(states))
    return removal_table(counts, states, rewards, journeys.channels)


def removal_table(counts: np.ndarray, states: np.ndarray, rewards: np.ndarray,
                  channels: Sequence[str]) -> pd.DataFrame:
    """``markov_removal_table`` from the chain's aggregates alone, so that an engine that
    counts transitions elsewhere (``roi_core.engines``) solves the same chain here.

    ``counts``: ``transition_counts``; ``states`` (S, m): each state's channel codes
    (``markov_states``); ``rewards`` (S, 3): per state, the conversions, revenue and margin
    of the converting journeys whose last touch is in it; ``channels``: the names by code.

    >>> c = np.array([[0, 2, 0, 0, 0], [0, 0, 1, 1, 0], [0, 0, 0, 1, 1],
    ...               [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]])
    >>> r = np.array([[1.0, 10.0, 5.0], [1.0, 30.0, 15.0]])
    >>> removal_table(c, np.array([[0], [1]]), r, ["x", "y"]).round(4).to_numpy().tolist()
    [[1.0, 1.0, 1.0], [0.3333, 0.6, 0.6]]
    """
    base = _absorbed(counts, rewards)
    effects = np.zeros((len(channels), len(MARKOV_VALUES)))
    positive = base > 0
    if positive.any():
        for c in range(len(channels)):
            held = (states == c).any(axis=1)
            without = _absorbed(counts, rewards, removed=held)
            effects[c] = np.where(positive, 1.0 - without / np.where(positive, base, 1.0), 0.0)
    effects = np.clip(effects, 0.0, 1.0)
    return pd.DataFrame(effects, index=pd.Index(list(channels), name="channel"),
                        columns=list(MARKOV_VALUES))


def markov_removal_effects(journeys: Journeys, order: int = 1,
                           value: str = "conversions") -> pd.Series:
    """Each channel's exact removal effect: 1 − P(conversion | channel removed) / P(conversion).

    ``order``: the chain's order (1: first-order; m: each state is the last m channels, and
    removing a channel removes every state that holds it). ``value``: ``"conversions"``
    (the default, as above), ``"revenue"`` or ``"margin"`` (the same with the conversion's
    value, see ``markov_removal_table``). Indexed by channel; 0 for every channel when
    nothing converts.

    >>> tp = pd.DataFrame({"account_id": ["a", "a", "b"], "channel": ["x", "y", "y"],
    ...     "timestamp": pd.to_datetime(["2026-01-01", "2026-01-02", "2026-01-02"])})
    >>> dl = pd.DataFrame({"deal_id": ["D"], "account_id": ["a"], "status": ["won"],
    ...     "close_date": pd.to_datetime(["2026-01-03"]), "amount": [1.0], "margin_rate": [1.0]})
    >>> markov_removal_effects(build_journeys(tp, dl)).round(6).to_dict()
    {'x': 0.5, 'y': 1.0}
    """
    if value not in MARKOV_VALUES:
        raise ValueError(f"value must be one of {', '.join(MARKOV_VALUES)}, not {value!r}")
    return markov_removal_table(journeys, order)[value].rename("removal_effect")


# --- aggregation --------------------------------------------------------------------------


def _values(journeys: Journeys) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    t = journeys.touches
    conv = t["converted"].to_numpy()
    j = t["journey"].to_numpy()[conv]
    revenue = np.nan_to_num(journeys.journeys["revenue"].to_numpy(float))[j]
    margin = np.nan_to_num(journeys.journeys["margin"].to_numpy(float))[j]
    return conv, revenue, margin


def _sums_by_code(codes: np.ndarray, size: int, w: np.ndarray, revenue: np.ndarray,
                  margin: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per code: (seen, [conversions, revenue, margin]) with bincount."""
    seen = np.bincount(codes, minlength=size) > 0
    sums = np.vstack([np.bincount(codes, weights=w, minlength=size),
                      np.bincount(codes, weights=w * revenue, minlength=size),
                      np.bincount(codes, weights=w * margin, minlength=size)])
    return seen, sums


def _group_sums(keys: pd.DataFrame, w: np.ndarray, revenue: np.ndarray,
                margin: np.ndarray) -> pd.DataFrame:
    frame = keys.assign(conversions=w, revenue=w * revenue, margin=w * margin)
    cols = list(keys.columns)
    return frame.groupby(cols, dropna=False, sort=True, as_index=False)[
        ["conversions", "revenue", "margin"]].sum()


def _credit_frame(journeys: Journeys, w: np.ndarray, by: str) -> pd.DataFrame:
    """Touch weights of the converting touches summed per channel or (campaign, channel)."""
    t = journeys.touches
    conv, revenue, margin = _values(journeys)
    k = len(journeys.channels)
    ch = t["channel_code"].to_numpy()[conv]
    if by == "channel":
        seen, sums = _sums_by_code(ch, k, w, revenue, margin)
        names = np.asarray(journeys.channels, dtype=object)
        keys = {"channel": names[seen]}
    else:
        camp_cat = t["campaign_id"].array
        camp = np.asarray(camp_cat.codes)[conv].astype(np.int64) + 1  # 0: no campaign
        camp_names = np.concatenate([[UNASSIGNED],
                                     np.asarray(camp_cat.categories, dtype=object)])
        seen, sums = _sums_by_code(camp * k + ch, len(camp_names) * k, w, revenue, margin)
        where = np.flatnonzero(seen)
        keys = {"campaign_id": camp_names[where // k],
                "channel": np.asarray(journeys.channels, dtype=object)[where % k]}
    out = pd.DataFrame({c: pd.Series(v, dtype=object) for c, v in keys.items()})
    out["conversions"], out["revenue"], out["margin"] = sums[:, seen]
    if by == "campaign":
        # Several categories may name the same campaign as UNASSIGNED: add them up.
        out = out.groupby(["campaign_id", "channel"], as_index=False, sort=True).sum()
    return out


def _no_touch_rows(journeys: Journeys, by: str) -> pd.DataFrame:
    u = journeys.unattributed
    if u.empty:
        return pd.DataFrame()
    keys = {"channel": np.full(len(u), NO_TOUCHPOINT, dtype=object)}
    if by == "campaign":
        keys = {"campaign_id": u["campaign_id"].fillna(UNASSIGNED).to_numpy(object), **keys}
    return _group_sums(pd.DataFrame(keys), np.ones(len(u)), np.nan_to_num(u["revenue"]),
                       np.nan_to_num(u["margin"]))


def attribute(journeys: Journeys, rule: str, *, half_life_days: float = 7.0,
              by: str = "channel", markov_order: int = 1) -> pd.DataFrame:
    """Credited conversions, revenue and margin per channel (or per campaign) under a rule.

    ``by``: ``"channel"`` (columns channel, conversions, revenue, margin) or ``"campaign"``
    (campaign_id, channel, conversions, revenue, margin; a touch without campaign counts
    under ``(unassigned)``). Won deals without touchpoint appear under ``NO_TOUCHPOINT``.
    The conversions column sums to the number of won deals.

    >>> tp = pd.DataFrame({"account_id": ["a", "a"], "channel": ["email", "call"],
    ...     "timestamp": pd.to_datetime(["2026-01-01", "2026-01-02"])})
    >>> dl = pd.DataFrame({"deal_id": ["D"], "account_id": ["a"], "status": ["won"],
    ...     "close_date": pd.to_datetime(["2026-01-03"]), "amount": [1000.0],
    ...     "margin_rate": [0.5]})
    >>> attribute(build_journeys(tp, dl), "linear").to_numpy().tolist()
    [['call', 0.5, 500.0, 250.0], ['email', 0.5, 500.0, 250.0]]
    """
    if by not in ("channel", "campaign"):
        raise ValueError(f"by must be 'channel' or 'campaign', not {by!r}")
    if rule == "markov":
        return _attribute_markov(journeys, by, markov_order)
    out = _credit_frame(journeys, touch_weights(journeys, rule, half_life_days), by)
    return _finish(out, _no_touch_rows(journeys, by), by, journeys)


def _finish(out: pd.DataFrame, extra: pd.DataFrame, by: str,
            journeys: Journeys | Sequence[str]) -> pd.DataFrame:
    if not extra.empty:
        out = pd.concat([out, extra], ignore_index=True) if len(out) else extra
    if out.empty:
        cols = (["campaign_id"] if by == "campaign" else []) + ["channel"]
        out = pd.DataFrame({c: pd.Series(dtype=object) for c in cols}
                           | {c: pd.Series(dtype=float)
                              for c in ("conversions", "revenue", "margin")})
    if by == "channel":
        # Every channel seen in a journey appears, even with no credit.
        names = journeys.channels if isinstance(journeys, Journeys) else journeys
        seen = pd.DataFrame({"channel": list(names)}, dtype=object)
        out = seen.merge(out, on="channel", how="outer").fillna(
            {"conversions": 0.0, "revenue": 0.0, "margin": 0.0})
    for col in out.columns:
        if col in ("campaign_id", "channel"):
            out[col] = out[col].astype(object)
    return out.sort_values(list(out.columns[: 2 if by == "campaign" else 1])).reset_index(
        drop=True)


def markov_channel_credits(effects: pd.DataFrame, whole: dict[str, float]) -> pd.DataFrame:
    """Channel c's Markov credit of each measure: whole × RE_c / Σ RE (0 when Σ RE = 0).

    ``effects``: a ``removal_table``; ``whole``: the converting journeys' conversions,
    revenue and margin. Columns: channel, conversions, revenue, margin.

    >>> e = pd.DataFrame({"conversions": [1.0, 0.5], "revenue": [1.0, 0.0],
    ...                   "margin": [0.0, 0.0]}, index=["x", "y"])
    >>> markov_channel_credits(e, {"conversions": 3, "revenue": 9, "margin": 1}).to_numpy().tolist()
    [['x', 2.0, 9.0, 0.0], ['y', 1.0, 0.0, 0.0]]
    """
    totals = effects.sum()
    share = effects.div(totals.where(totals > 0), axis=1).fillna(0.0)
    return pd.DataFrame({"channel": share.index.to_numpy(object),
                         **{m: share[m].to_numpy() * whole[m] for m in MARKOV_VALUES}})


def finish_credits(credits: pd.DataFrame, no_touch: pd.DataFrame,
                   channels: Sequence[str]) -> pd.DataFrame:
    """Credits per channel as ``attribute`` returns them: the ``NO_TOUCHPOINT`` row added,
    every channel of ``channels`` present (0 credit where none), sorted by channel."""
    return _finish(credits, no_touch, "channel", channels)


def _attribute_markov(journeys: Journeys, by: str, order: int = 1) -> pd.DataFrame:
    # Each measure is split by its own removal effects: conversions by RE on P(conversion),
    # revenue and margin by RE on the expected revenue and margin (value-weighted).
    jr = journeys.journeys
    conv = jr["converted"].to_numpy()
    whole = {"conversions": float(conv.sum()),
             "revenue": float(np.nansum(jr["revenue"].to_numpy(float)[conv])),
             "margin": float(np.nansum(jr["margin"].to_numpy(float)[conv]))}
    per_channel = markov_channel_credits(markov_removal_table(journeys, order), whole)
    if by == "channel":
        return _finish(per_channel, _no_touch_rows(journeys, by), by, journeys)
    # Within a channel, campaigns share its credit as they share its linear credit; a
    # channel with Markov credit and no linear credit of that measure (it only leads, in
    # the chain, to conversions it never touched) shares it as its campaigns share its
    # touches, so that no credit is lost.
    lin = attribute(journeys, "linear", by="campaign")
    lin = lin[lin["channel"] != NO_TOUCHPOINT]
    t = journeys.touches
    camp = t["campaign_id"].astype(object)
    seen = pd.DataFrame({"campaign_id": camp.where(camp.notna(), UNASSIGNED).to_numpy(object),
                         "channel": t["channel"].astype(object).to_numpy(object)})
    touches = seen.value_counts().rename("touches").reset_index()
    lin = lin.merge(touches, on=["campaign_id", "channel"], how="outer").fillna(
        {m: 0.0 for m in (*MARKOV_VALUES, "touches")})
    totals = lin.groupby("channel")[[*MARKOV_VALUES, "touches"]].transform("sum")
    parts = lin[["campaign_id", "channel"]].copy()
    chan = per_channel.set_index("channel")
    by_touch = lin["touches"] / totals["touches"].where(totals["touches"] != 0)
    for m in MARKOV_VALUES:
        frac = (lin[m] / totals[m].where(totals[m] != 0)).fillna(by_touch).fillna(0.0)
        parts[m] = frac.to_numpy() * lin["channel"].map(chan[m]).to_numpy(float)
    return _finish(parts, _no_touch_rows(journeys, by), by, journeys)


def attribute_all(journeys: Journeys, rules: Sequence[str] = RULES, *,
                  half_life_days: float = 7.0, by: str = "channel",
                  markov_order: int = 1) -> pd.DataFrame:
    """``attribute`` for several rules stacked, with a ``model`` column first."""
    frames = [attribute(journeys, r, half_life_days=half_life_days, by=by,
                        markov_order=markov_order).assign(model=r) for r in rules]
    out = pd.concat(frames, ignore_index=True)
    return out[["model", *[c for c in out.columns if c != "model"]]]


def channel_costs(data: Dataset, *, include_indirect: bool = True) -> pd.Series:
    """Each channel's cost (Σ cost lines of its campaigns, ``roi_core.kpis``), by channel."""
    kpis = compute_kpis(build_facts(data), "channel", include_indirect=include_indirect)
    return kpis.set_index("channel")["cost"].astype(float)


def _with_roi(credits: pd.DataFrame, costs: pd.Series, basis: str) -> pd.DataFrame:
    out = credits.copy()
    out["cost"] = out["channel"].map(costs).astype(float)
    gain = out[basis].astype(float)
    cost = out["cost"].where(out["cost"] != 0)
    out["roi"] = (gain - cost) / cost
    return out


def campaign_costs(data: Dataset, *, include_indirect: bool = True) -> pd.DataFrame:
    """Each campaign's cost with its name and channel (``roi_core.kpis``), by campaign_id."""
    kpis = compute_kpis(build_facts(data), "campaign", include_indirect=include_indirect)
    return kpis.set_index("campaign_id")[["campaign", "channel", "cost"]]


def attribution_table(data: Dataset, model: str = "all", *, half_life_days: float = 7.0,
                      include_indirect: bool = True, basis: str = "margin",
                      by: str = "channel", markov_order: int = 1,
                      journeys: Journeys | None = None,
                      credits: Mapping[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """Per rule and channel (or campaign): credited conversions, revenue, margin, cost, ROI.

    ROI = (credited margin − cost) / cost (``basis="revenue"``: revenue − cost); NaN when
    the cost is zero or not recorded. Channels (campaigns) with cost and no touch appear
    with zero credit. Columns: ``model`` (when ``model == "all"``), channel, conversions,
    revenue, margin, cost, roi; with ``by="campaign"``, campaign_id and campaign come
    first and channel is the campaign's own channel (a campaign's touches all count for
    it, whatever channel they were logged under; a won deal without touchpoint counts for
    its own source campaign).

    ``credits``: each rule's ``attribute`` frame computed elsewhere (``roi_core.engines``
    on DuckDB or Spark, for logs beyond the workbook); the dataset then gives the costs.
    """
    if model != "all" and model not in RULES:
        raise ValueError(f"unknown model {model!r}; choose one of {', '.join(RULES)}, all")
    if basis not in ("margin", "revenue"):
        raise ValueError(f"basis must be 'margin' or 'revenue', not {basis!r}")
    if by not in ("channel", "campaign"):
        raise ValueError(f"by must be 'channel' or 'campaign', not {by!r}")
    rules = RULES if model == "all" else (model,)
    if credits is None:
        journeys = journeys if journeys is not None else journeys_from_dataset(data)

    def credit(rule: str, on: str) -> pd.DataFrame:
        if credits is not None:
            return credits[rule]
        return attribute(journeys, rule, half_life_days=half_life_days, by=on,
                         markov_order=markov_order)

    measures = ["conversions", "revenue", "margin"]
    frames = []
    if by == "channel":
        costs = channel_costs(data, include_indirect=include_indirect)
        for rule in rules:
            got = credit(rule, "channel")
            missing = [c for c in costs.index if c not in set(got["channel"])]
            if missing:
                got = pd.concat([got, pd.DataFrame({
                    "channel": pd.Series(missing, dtype=object), "conversions": 0.0,
                    "revenue": 0.0, "margin": 0.0})], ignore_index=True)
            got = got.sort_values("channel").reset_index(drop=True)
            frames.append(_with_roi(got, costs, basis).assign(model=rule))
        keys = ["channel"]
    else:
        camps = campaign_costs(data, include_indirect=include_indirect)
        for rule in rules:
            got = credit(rule, "campaign")
            touch_channel = got.groupby("campaign_id")["channel"].first()
            got = got.groupby("campaign_id")[measures].sum()
            got = got.reindex(got.index.union(camps.index), fill_value=0.0)
            out = got.reset_index().rename(columns={"index": "campaign_id"})
            ids = out["campaign_id"]
            out.insert(1, "campaign", ids.map(camps["campaign"]).fillna(ids).astype(object))
            own = ids.map(camps["channel"])
            out.insert(2, "channel", own.where(own.notna(), ids.map(touch_channel))
                       .astype(object))
            out["cost"] = ids.map(camps["cost"]).astype(float)
            cost = out["cost"].where(out["cost"] != 0)
            out["roi"] = (out[basis].astype(float) - cost) / cost
            frames.append(out.assign(model=rule))
        keys = ["campaign_id", "campaign", "channel"]
    out = pd.concat(frames, ignore_index=True)
    cols = [*keys, *measures, "cost", "roi"]
    return out[(["model"] if model == "all" else []) + cols]


def last_touch_gap(table: pd.DataFrame, measure: str = "conversions") -> pd.DataFrame:
    """How far the last-touch view misleads: per rule and channel, last_touch − rule.

    Shape in: an ``attribution_table(..., model="all")``. Shape out: model, channel,
    ``last_touch``, ``credited``, ``gap`` (positive: last touch over-credits the channel).

    >>> t = pd.DataFrame({"model": ["last_touch", "linear"], "channel": ["call", "call"],
    ...                   "conversions": [3.0, 2.0]})
    >>> last_touch_gap(t).to_numpy().tolist()
    [['linear', 'call', 3.0, 2.0, 1.0]]
    """
    last = table[table["model"] == "last_touch"].set_index("channel")[measure]
    others = table[table["model"] != "last_touch"]
    out = pd.DataFrame({"model": others["model"].to_numpy(object),
                        "channel": others["channel"].to_numpy(object)})
    out["last_touch"] = others["channel"].map(last).to_numpy(float)
    out["credited"] = others[measure].to_numpy(float)
    out["gap"] = out["last_touch"] - out["credited"]
    return out
