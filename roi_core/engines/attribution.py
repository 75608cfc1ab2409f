"""Attribution on any engine: the journeys, every rule's credits and the Markov chain's
transition counts as one narwhals plan (joins, window functions, group-bys) that pandas,
DuckDB and Spark run alike; the exact Markov solve then runs in numpy on the counts
(``roi_core.attribution.removal_table``), the costs and ROI on the workbook
(``roi_core.attribution.attribution_table``).

The rules and their edge cases are ``roi_core.attribution``'s, to 1e-9 (the tests run every
engine against it): a won deal's journey is its account's touches up to the end of its
signing day, ordered by time, then row, channel and campaign; an account with touches and
no won deal is one non-converting journey (Markov only); a won deal without a touch counts
under ``NO_TOUCHPOINT``. What crosses from the engine to Python is small: one row per
channel and rule, one per observed Markov transition.
"""

from __future__ import annotations

import math
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

from roi_core.attribution import (
    HEURISTIC_RULES,
    MARKOV_VALUES,
    NO_TOUCHPOINT,
    RULES,
    attribution_table,
    finish_credits,
    markov_channel_credits,
    removal_table,
)
from roi_core.dataset import Dataset
from roi_core.engines.backends import Frames, distinct

__all__ = ["engine_credits", "engine_attribution"]

DAY_US = 86_400_000_000.0
_ORDER = ["ts_us", "row", "channel", "campaign_key"]
MEASURES = ("conversions", "revenue", "margin")


def _zero_blank(expr: Any) -> Any:
    """A value that adds nothing to a sum when it is blank (null or NaN)."""
    return nw.when(expr.is_null()).then(nw.lit(0.0)).otherwise(expr).fill_nan(0.0)


def _next_midnight(us: Any) -> Any:
    """The first instant of the next day: a touch before it is on or before that day."""
    return (us / DAY_US).floor() * DAY_US + DAY_US


def _touches(frames: Frames) -> Any:
    t = frames.touchpoints
    usable = (~nw.col("account_id").is_null() & ~nw.col("ts_us").is_null()
              & ~nw.col("channel").is_null())
    return t.filter(usable).with_columns(
        campaign_key=nw.when(nw.col("campaign_id").is_null()).then(nw.lit(""))
        .otherwise(nw.col("campaign_id")))


def _won(frames: Frames) -> Any:
    d = frames.deals
    won = d.filter((nw.col("status") == "won") & ~nw.col("close_us").is_null())
    return won.select(
        "deal_id", "account_id", "close_us", "created_us",
        rev0=_zero_blank(nw.col("amount")),
        mar0=_zero_blank(nw.col("amount") * nw.col("margin_rate")))


def _converting(touches: Any, won: Any) -> Any:
    """One row per (won deal, touch of its account on or before its signing day)."""
    pairs = touches.join(won.filter(~nw.col("account_id").is_null()), on="account_id",
                         how="inner")
    return pairs.filter(nw.col("ts_us") < _next_midnight(nw.col("close_us")))


def _positions(frame: Any, key: list[str]) -> Any:
    return frame.with_columns(
        pos=nw.col("ts_us").cum_count().over(*key, order_by=_ORDER) - 1,
        n=nw.col("ts_us").count().over(*key))


def _weights(conv: Any, half_life_days: float) -> Any:
    """Each converting touch's share under the six heuristic rules (``touch_weights``)."""
    key = ["deal_id"]
    eligible = (~nw.col("created_us").is_null()
                & (nw.col("ts_us") < _next_midnight(nw.col("created_us"))))
    f = _positions(conv, key).with_columns(
        days=((nw.col("close_us") - nw.col("ts_us")) / DAY_US).clip(lower_bound=0.0),
        anchor=nw.when(eligible).then(nw.col("pos")).otherwise(None).max().over(*key),
    ).with_columns(
        first=(nw.col("pos") == 0).cast(nw.Float64),
        last=(nw.col("pos") == nw.col("n") - 1).cast(nw.Float64),
        creation=(nw.col("pos") == nw.col("anchor").fill_null(0)).cast(nw.Float64),
        near=nw.col("days").min().over(*key),
    ).with_columns(
        anchors=0.3 * (nw.col("first") + nw.col("last") + nw.col("creation")),
        decay=((nw.col("near") - nw.col("days")) * (math.log(2) / half_life_days)).exp(),
    ).with_columns(
        other=(nw.col("anchors") == 0).cast(nw.Float64),
    ).with_columns(m=nw.col("other").sum().over(*key))
    ends = (nw.when(nw.col("n") == 1).then(nw.lit(1.0))
            .otherwise(nw.when(nw.col("n") == 2).then(nw.lit(0.5)).otherwise(nw.lit(0.4))))
    middle = nw.when(nw.col("n") > 2).then(0.2 / (nw.col("n") - 2)).otherwise(nw.lit(0.0))
    ends_touch = (nw.col("first") + nw.col("last")) > 0
    return f.with_columns(
        w_first_touch=nw.col("first"),
        w_last_touch=nw.col("last"),
        w_linear=1.0 / nw.col("n"),
        w_position_based=nw.when(ends_touch).then(ends).otherwise(middle),
        w_w_shaped=nw.when(nw.col("m") > 0).then(
            nw.col("anchors") + nw.when(nw.col("other") > 0).then(0.1 / nw.col("m"))
            .otherwise(nw.lit(0.0))).otherwise(nw.col("anchors") / 0.9),
        w_time_decay=nw.col("decay") / nw.col("decay").sum().over(*key),
    )


def _heuristic_credits(frames: Frames, conv: Any, rules: list[str],
                       half_life_days: float) -> dict[str, pd.DataFrame]:
    if not rules:
        return {}
    weighted = _weights(conv, half_life_days)
    # The products first, so that the group-by only sums (every engine's fast path).
    weighted = weighted.with_columns(**{
        f"{rule}__{m}": nw.col(f"w_{rule}") * nw.col(v) if v else nw.col(f"w_{rule}")
        for rule in rules for m, v in (("conversions", None), ("revenue", "rev0"),
                                       ("margin", "mar0"))})
    sums = frames.collect(weighted.group_by("channel").agg(
        nw.col(f"{rule}__{m}").sum() for rule in rules for m in MEASURES))
    return {rule: pd.DataFrame({"channel": sums["channel"].astype(object).to_numpy(),
                                **{m: sums[f"{rule}__{m}"].astype(float).to_numpy()
                                   for m in MEASURES}}) for rule in rules}


def _markov_counts(frames: Frames, touches: Any, won: Any, conv: Any, order: int,
                   channels: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``transition_counts``, ``markov_states`` and the state rewards, from two group-bys."""
    cols = ["channel", "campaign_key", "ts_us", "row"]
    lonely = touches.join(distinct(won.filter(~nw.col("account_id").is_null()), "account_id"),
                          on="account_id", how="anti")
    journeys = nw.concat([
        conv.select(*cols, key=nw.col("deal_id"), conv=nw.lit(1), rev0=nw.col("rev0"),
                    mar0=nw.col("mar0")),
        lonely.select(*cols, key=nw.col("account_id"), conv=nw.lit(0), rev0=nw.lit(0.0),
                      mar0=nw.lit(0.0)),
    ])
    key = ["conv", "key"]
    lags = [f"l{i}" for i in range(order + 1)]
    # One window spec (partition, order) for every column: one sort. A touch with no
    # previous touch starts its journey; one with no next touch ends it.
    ordered = {f"l{i}": nw.col("channel").shift(i).over(*key, order_by=_ORDER)
               for i in range(1, order + 1)}
    ordered["following"] = nw.col("channel").shift(-1).over(*key, order_by=_ORDER)
    # One group-by of every step by its states and whether it ends its journey: the two
    # tables the chain needs (steps into each state; journeys ending in each) add up from it.
    steps = journeys.with_columns(l0=nw.col("channel"), **ordered).with_columns(
        last=nw.col("following").is_null().cast(nw.Int8))
    grouped = frames.collect(steps.group_by(*lags, "last", "conv").agg(
        nw.col("l0").count().alias("count"), nw.col("rev0").sum().alias("revenue"),
        nw.col("mar0").sum().alias("margin")))
    for col in lags:  # a missing lag is "before the journey", whatever the engine's null
        grouped[col] = grouped[col].astype(object).where(grouped[col].notna(), None)
    into = grouped.groupby(lags, dropna=False, as_index=False)["count"].sum()
    ending = grouped[grouped["last"].astype(int) == 1]
    ends = ending.groupby(["conv", *lags[:order]], dropna=False, as_index=False)[
        ["count", "revenue", "margin"]].sum()

    code_of = {c: i for i, c in enumerate(channels)}
    base = len(channels) + 1

    def digits(frame: pd.DataFrame, names: list[str]) -> np.ndarray:
        # Oldest channel first, as markov_states codes a state; -1 before the journey.
        out = np.zeros((len(frame), len(names)), dtype=np.int64)
        for j, name in enumerate(names):
            values = frame[name].astype(object)
            out[:, j] = [code_of[v] if v is not None and v == v else -1 for v in values]
        return out

    def encode(d: np.ndarray) -> np.ndarray:
        code = np.zeros(len(d), dtype=np.int64)
        for j in range(d.shape[1]):
            code = code * base + (d[:, j] + 1)
        return code

    cur_names = [f"l{i}" for i in range(order - 1, -1, -1)]
    prev_names = [f"l{i}" for i in range(order, 0, -1)]
    cur = digits(into, cur_names)
    prev = digits(into, prev_names)
    start = prev[:, -1] < 0  # no previous touch: the step leaves (start)
    end_state = digits(ends, cur_names)
    if order == 1:
        states = np.arange(len(channels), dtype=np.int64)[:, None]
        cur_idx, prev_idx, end_idx = cur[:, 0], prev[:, 0], end_state[:, 0]
    else:
        uniq = np.unique(encode(cur))
        states = np.empty((len(uniq), order), dtype=np.int64)
        rest = uniq.copy()
        for col in range(order - 1, -1, -1):
            states[:, col] = rest % base - 1
            rest //= base
        cur_idx = np.searchsorted(uniq, encode(cur))
        prev_idx = np.searchsorted(uniq, encode(prev))
        end_idx = np.searchsorted(uniq, encode(end_state))
    n_states = len(states)
    size = n_states + 3
    counts = np.zeros((size, size), dtype=np.int64)
    n_into = into["count"].astype(np.int64).to_numpy()
    src = np.where(start, 0, prev_idx + 1)
    np.add.at(counts, (src, cur_idx + 1), n_into)
    converted = ends["conv"].astype(int).to_numpy() == 1
    np.add.at(counts, (end_idx + 1, np.where(converted, n_states + 1, n_states + 2)),
              ends["count"].astype(np.int64).to_numpy())
    rewards = np.zeros((n_states, len(MARKOV_VALUES)))
    got = np.column_stack([ends["count"].astype(float), ends["revenue"].astype(float),
                           ends["margin"].astype(float)])
    np.add.at(rewards, end_idx[converted], got[converted])
    return counts, states, rewards


def engine_credits(frames: Frames, rules: tuple[str, ...] | list[str] = RULES, *,
                   half_life_days: float = 7.0, markov_order: int = 1
                   ) -> dict[str, pd.DataFrame]:
    """Each rule's credits per channel, as ``roi_core.attribution.attribute`` gives them
    (channel, conversions, revenue, margin; ``NO_TOUCHPOINT`` for won deals without a
    touch; every channel of the touchpoints present), computed by ``frames``' engine.

    >>> from roi_core.engines.backends import open_frames
    >>> tp = pd.DataFrame({"account_id": ["a", "a"], "channel": ["email", "call"],
    ...     "timestamp": pd.to_datetime(["2026-01-01", "2026-01-02"])})
    >>> dl = pd.DataFrame({"deal_id": ["D"], "account_id": ["a"], "status": ["won"],
    ...     "close_date": pd.to_datetime(["2026-01-03"]), "amount": [1000.0],
    ...     "margin_rate": [0.5]})
    >>> engine_credits(open_frames("pandas", tp, dl), ["linear"])["linear"].to_numpy().tolist()
    [['call', 0.5, 500.0, 250.0], ['email', 0.5, 500.0, 250.0]]
    """
    unknown = [r for r in rules if r not in RULES]
    if unknown:
        raise ValueError(f"unknown rule {unknown[0]!r}; choose among {', '.join(RULES)}")
    if not half_life_days > 0:
        raise ValueError(f"half_life_days must be positive, not {half_life_days!r}")
    if not isinstance(markov_order, (int, np.integer)) or markov_order < 1:
        raise ValueError(f"the Markov order must be a whole number ≥ 1, not {markov_order!r}")
    say = frames.progress
    touches = _touches(frames)  # read where it lies: each query scans it once
    won = frames.materialize(_won(frames), "roi_won")
    say("journeys: each won deal's touches up to its signing day")
    conv = frames.materialize(_converting(touches, won), "roi_converting")
    say("channels and won deals without a touch")
    channels = sorted(str(c) for c in frames.collect(distinct(touches, "channel"))
                      ["channel"].tolist())
    claimed = distinct(conv, "deal_id")
    alone = frames.collect(won.join(claimed, on="deal_id", how="anti").select(
        nw.col("rev0").count().alias("conversions"), nw.col("rev0").sum().alias("revenue"),
        nw.col("mar0").sum().alias("margin")))
    n_alone = int(alone["conversions"].fillna(0).iloc[0]) if len(alone) else 0
    no_touch = pd.DataFrame()
    if n_alone:
        no_touch = pd.DataFrame({"channel": pd.Series([NO_TOUCHPOINT], dtype=object),
                                 "conversions": [float(n_alone)],
                                 "revenue": [float(alone["revenue"].fillna(0).iloc[0])],
                                 "margin": [float(alone["margin"].fillna(0).iloc[0])]})
    say(f"heuristic rules: {', '.join(r for r in rules if r in HEURISTIC_RULES) or 'none'}")
    out = {rule: finish_credits(frame, no_touch, channels) for rule, frame in
           _heuristic_credits(frames, conv, [r for r in rules if r in HEURISTIC_RULES],
                              half_life_days).items()}
    if "markov" in rules:
        say(f"Markov transitions (order {markov_order})")
        counts, states, rewards = _markov_counts(frames, touches, won, conv, markov_order,
                                                 channels)
        say(f"exact Markov solve: {len(states)} states")
        # One row per converting journey (its deal), then the sums.
        per_deal = conv.group_by("deal_id").agg(nw.col("rev0").max(), nw.col("mar0").max())
        whole_frame = frames.collect(per_deal.select(
            nw.col("deal_id").count().alias("conversions"),
            nw.col("rev0").sum().alias("revenue"), nw.col("mar0").sum().alias("margin")))
        whole = {m: float(pd.to_numeric(whole_frame[m]).fillna(0).iloc[0]) for m in MEASURES}
        effects = removal_table(counts, states, rewards, channels)
        out["markov"] = finish_credits(markov_channel_credits(effects, whole), no_touch,
                                       channels)
    say("credits done")
    return {rule: out[rule] for rule in rules}


def engine_attribution(data: Dataset, frames: Frames, model: str = "all", *,
                       half_life_days: float = 7.0, include_indirect: bool = True,
                       basis: str = "margin", markov_order: int = 1) -> pd.DataFrame:
    """``roi_core.attribution.attribution_table`` by channel, the credits computed by the
    engine of ``frames`` (the logs), the costs by the workbook ``data``."""
    if model != "all" and model not in RULES:
        raise ValueError(f"unknown model {model!r}; choose one of {', '.join(RULES)}, all")
    rules = RULES if model == "all" else (model,)
    credits = engine_credits(frames, rules, half_life_days=half_life_days,
                             markov_order=markov_order)
    return attribution_table(data, model, half_life_days=half_life_days,
                             include_indirect=include_indirect, basis=basis,
                             markov_order=markov_order, credits=credits)
