"""Benchmark: our attribution pipeline against the peer a data analyst would write.

    .venv/bin/python benchmarks/bench_attribution.py [--journeys 1000000] [--seed 1]

One synthetic touchpoint table (1 000 000 journeys, about 3 million touches in random row
order, 8 channels, about 11 % of the journeys won) and its deals, built once. On the
same frames, in the same run:

- ours: ``roi_core.attribution``: journeys + every rule (first_touch, last_touch, linear,
  position_based, w_shaped, time_decay) + the exact Markov removal effects.
- peer: pandas path strings ("a>b>c" per journey, aggregated per path) + the
  ``channelattribution`` package from PyPI (``heuristic_models`` and ``markov_model``, its
  simulated removal effects). It is an optional benchmark dependency only
  (``pip install channelattribution matplotlib``); without it only ours is timed.

Prints both times, the ratio, the peer's Markov deviation from our exact credits (the
conversions, and the revenue: both value-weighted with ``var_value``), and our
peak memory (tracemalloc over a second run of our pipeline, and the process's peak RSS
after our timed run, before the peer ran).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from roi_core.attribution import (  # noqa: E402
    HEURISTIC_RULES,
    attribute,
    build_journeys,
    markov_removal_effects,
)

CHANNELS = ["teleprospecting", "emailing", "social_selling", "events", "webinar", "partners",
            "content", "referral"]


def synthetic(n_journeys: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """touchpoints (account_id, timestamp, channel, campaign_id) and deals frames."""
    rng = np.random.default_rng(seed)
    length = 1 + rng.poisson(2.0, n_journeys)
    journey = np.repeat(np.arange(n_journeys), length)
    n = len(journey)
    starts = np.concatenate([[0], np.cumsum(length)[:-1]])
    # Channels: a per-journey favourite and some noise, so paths are not uniform.
    favourite = rng.integers(0, len(CHANNELS), n_journeys)
    noise = rng.integers(0, len(CHANNELS), n)
    channel = np.where(rng.random(n) < 0.5, favourite[journey], noise)
    t0 = np.datetime64("2025-01-01T00:00", "s").astype("int64")
    begin = t0 + rng.integers(0, 300 * 86400, n_journeys)
    gaps = rng.exponential(5 * 86400, n).astype(np.int64)
    gaps[starts] = 0
    cum = np.cumsum(gaps)
    ts = begin[journey] + cum - cum[starts][journey]
    # Conversion odds grow with the journey's length and with calls and events in it.
    strong = np.bincount(journey, weights=np.isin(channel, [0, 3]), minlength=n_journeys)
    p = 0.03 + 0.02 * np.minimum(length, 5) + 0.03 * np.minimum(strong, 2)
    won = rng.random(n_journeys) < p
    last_ts = ts[starts + length - 1]
    first_ts = ts[starts]
    accounts = np.char.add("ACC", np.arange(n_journeys).astype(str)).astype(object)
    names = np.array(CHANNELS, dtype=object)
    touchpoints = pd.DataFrame({
        "account_id": accounts[journey],
        "timestamp": pd.to_datetime(ts, unit="s"),
        "channel": names[channel],
        "campaign_id": np.char.add("C-", channel.astype(str)).astype(object),
    })
    # Rows in a random order, as an export may list them: nobody gets a pre-sorted table.
    touchpoints = touchpoints.iloc[rng.permutation(n)].reset_index(drop=True)
    w = np.flatnonzero(won)
    close = last_ts[w] + rng.integers(3600, 20 * 86400, len(w))
    created = first_ts[w] + ((last_ts[w] - first_ts[w]) * rng.random(len(w))).astype(np.int64)
    deals = pd.DataFrame({
        "deal_id": np.char.add("D", w.astype(str)).astype(object),
        "campaign_id": np.char.add("C-", favourite[w].astype(str)).astype(object),
        "account_id": accounts[w],
        "created_date": pd.to_datetime(created, unit="s"),
        "close_date": pd.to_datetime(close, unit="s"),
        "status": "won",
        "amount": rng.choice([1200.0, 2500.0, 6000.0, 9000.0], len(w)),
        "margin_rate": 0.4,
    })
    return touchpoints, deals


def ours(touchpoints: pd.DataFrame, deals: pd.DataFrame) -> dict[str, pd.DataFrame]:
    journeys = build_journeys(touchpoints, deals)
    out = {rule: attribute(journeys, rule) for rule in HEURISTIC_RULES}
    out["markov"] = attribute(journeys, "markov")
    out["removal_effects"] = markov_removal_effects(journeys).to_frame()
    return out


def peer_paths(touchpoints: pd.DataFrame, deals: pd.DataFrame) -> pd.DataFrame:
    """The path table an analyst builds with pandas: one row per distinct path."""
    won = deals[(deals["status"] == "won") & deals["close_date"].notna()]
    conv = touchpoints.merge(won[["deal_id", "account_id", "close_date", "amount"]],
                             on="account_id")
    conv = conv[conv["timestamp"] <= conv["close_date"]].sort_values(["deal_id", "timestamp"],
                                                                     kind="stable")
    conv_paths = conv.groupby("deal_id", sort=False).agg(
        path=("channel", ">".join), value=("amount", "first"))
    lost = touchpoints[~touchpoints["account_id"].isin(won["account_id"])]
    lost = lost.sort_values(["account_id", "timestamp"], kind="stable")
    lost_paths = lost.groupby("account_id", sort=False)["channel"].agg(">".join)
    table = pd.concat([
        pd.DataFrame({"path": conv_paths["path"].to_numpy(), "conv": 1, "null": 0,
                      "value": conv_paths["value"].to_numpy()}),
        pd.DataFrame({"path": lost_paths.to_numpy(), "conv": 0, "null": 1, "value": 0.0}),
    ])
    return table.groupby("path", as_index=False)[["conv", "null", "value"]].sum()


def peer(touchpoints: pd.DataFrame, deals: pd.DataFrame, ca) -> dict[str, pd.DataFrame]:
    paths = peer_paths(touchpoints, deals)
    with contextlib.redirect_stdout(io.StringIO()):
        heuristic = ca.heuristic_models(paths, "path", "conv", var_value="value",
                                        flg_pro=False)
        markov = ca.markov_model(paths, "path", "conv", var_value="value", var_null="null",
                                 verbose=False, flg_pro=False)
    return {"heuristic": heuristic, "markov": markov}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journeys", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-peer", action="store_true")
    args = parser.parse_args()

    t = time.perf_counter()
    touchpoints, deals = synthetic(args.journeys, args.seed)
    print(f"data: {args.journeys:,} journeys, {len(touchpoints):,} touches, "
          f"{touchpoints['channel'].nunique()} channels, {len(deals):,} won deals "
          f"(built in {time.perf_counter() - t:.1f} s)")

    t = time.perf_counter()
    result = ours(touchpoints, deals)
    t_ours = time.perf_counter() - t
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    tracemalloc.start()
    ours(touchpoints, deals)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    t_peer = None
    deviation = None
    ca = None
    if not args.skip_peer:
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                import ChannelAttribution as ca  # noqa: N813
        except ImportError as exc:
            print(f"peer: channelattribution is not installed ({exc}); "
                  "pip install channelattribution matplotlib")
    if ca is not None:
        t = time.perf_counter()
        theirs = peer(touchpoints, deals, ca)
        t_peer = time.perf_counter() - t
        exact = result["markov"].set_index("channel")
        sim = theirs["markov"].set_index("channel_name").reindex(exact.index)
        # Conversions, and revenue: both value-weighted removal effects (var_value).
        deviation = pd.DataFrame({
            "exact conv.": exact["conversions"], "peer conv.": sim["total_conversions"],
            "exact revenue": exact["revenue"], "peer revenue": sim["total_conversion_value"]})
        deviation["rel. conv."] = deviation["peer conv."] / deviation["exact conv."] - 1
        deviation["rel. revenue"] = (deviation["peer revenue"] / deviation["exact revenue"]
                                     - 1)
        heur = theirs["heuristic"].set_index("channel_name")
        heuristic_gap = max(
            float((heur[f"{name}_conversions"].reindex(mine.index) - mine).abs().max())
            for rule, name in (("first_touch", "first_touch"), ("last_touch", "last_touch"),
                               ("linear", "linear_touch"))
            for mine in [result[rule].set_index("channel")["conversions"]])

    print()
    print(f"{'pipeline':<58}{'seconds':>10}")
    print(f"{'ours: journeys + 6 rules + exact Markov':<58}{t_ours:>10.2f}")
    if t_peer is not None:
        print(f"{'peer: pandas paths + channelattribution (3 rules + Markov)':<58}"
              f"{t_peer:>10.2f}")
        print(f"ratio peer / ours: {t_peer / t_ours:.1f}x")
        print()
        print("Markov credits (conversions, revenue): exact vs channelattribution's "
              "simulation")
        print(deviation.to_string(float_format=lambda v: f"{v:,.4f}"))
        worst = deviation[["rel. conv.", "rel. revenue"]].abs().max()
        print(f"max |relative deviation| of the peer: conversions {worst['rel. conv.']:.2%}, "
              f"revenue {worst['rel. revenue']:.2%}; "
              f"first/last/linear vs the peer's heuristics, max |difference|: "
              f"{heuristic_gap:.2e} conversions")
    else:
        print("ratio: peer not run")
    print()
    print(f"our peak memory: {peak / 2**20:,.0f} MiB traced (tracemalloc, second run); "
          f"process peak RSS after our run: {rss_mb:,.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
