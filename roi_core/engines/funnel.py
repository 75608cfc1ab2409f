"""The funnel volumes that activities and deals imply, on any engine: the three group-bys of
``roi_core.funnel.derive_funnel`` as one narwhals plan, assembled by
``roi_core.funnel.assemble_funnel`` (the same "not recorded" rules), for activity logs of
10⁷–10⁸ rows that no workbook holds.

Logs use the contract's canonical columns and codes (activities: campaign_id, date, type,
outcome; deals: deal_id, campaign_id, status, created_date, first_contact_date, close_date,
amount, margin_rate).
"""

from __future__ import annotations

from typing import Any

import narwhals as nw
import pandas as pd

from roi_core.engines.backends import Frames, distinct
from roi_core.funnel import LEAD_OUTCOMES, NOT_REACHED, assemble_funnel

__all__ = ["engine_funnel"]

_KEY = ["campaign_id", "year", "month_no"]


def _month_keys(expr: Any) -> dict[str, Any]:
    return {"year": expr.dt.year(), "month_no": expr.dt.month()}


def _collect(frames: Frames, lazy: Any) -> pd.DataFrame:
    out = frames.collect(lazy)
    out["month"] = pd.to_datetime({"year": out["year"].astype(int),
                                   "month": out["month_no"].astype(int), "day": 1})
    out["campaign_id"] = out["campaign_id"].astype(object)
    return out.drop(columns=["year", "month_no"])


def engine_funnel(frames: Frames, activities: Any, deals: Any) -> pd.DataFrame:
    """``derive_funnel`` computed by ``frames``' engine; ``activities`` and ``deals`` are
    lazy frames of that engine (``open_table``), or None when absent.

    >>> from roi_core.engines.backends import open_frames, open_table
    >>> f = open_frames("pandas", pd.DataFrame({"account_id": [], "timestamp": [],
    ...     "channel": []}), pd.DataFrame({"deal_id": [], "account_id": [], "status": [],
    ...     "close_date": [], "amount": []}))
    >>> acts = pd.DataFrame({"date": pd.to_datetime(["2026-01-05"] * 3), "campaign_id": "C1",
    ...     "type": ["call", "call", "call"], "outcome": ["no_answer", "contact", "lead"]})
    >>> engine_funnel(f, open_table(f, acts, "activities"), None)[
    ...     ["contacts", "leads", "opportunities"]].values.tolist()
    [[2.0, 1.0, nan]]
    """
    acts_part = opp_part = wins_part = None
    with_acts: set = set()
    with_deals: set = set()
    if activities is not None:
        kind = nw.col("type").fill_null("")
        outcome = nw.col("outcome").fill_null("")
        usable = activities.filter(~nw.col("campaign_id").is_null() & ~nw.col("date").is_null())
        steps = usable.with_columns(
            **_month_keys(nw.col("date")),
            contacts=((kind != "meeting") & ~outcome.is_in(sorted(NOT_REACHED))).cast(
                nw.Float64),
            leads=((kind != "meeting") & outcome.is_in(sorted(LEAD_OUTCOMES))).cast(nw.Float64),
            meetings=((kind == "meeting") & (outcome != "no_show")).cast(nw.Float64))
        acts_part = _collect(frames, steps.group_by(*_KEY).agg(
            nw.col("contacts").sum(), nw.col("leads").sum(), nw.col("meetings").sum()))
        with_acts = set(frames.collect(distinct(activities.filter(
            ~nw.col("campaign_id").is_null()), "campaign_id"))["campaign_id"])
    if deals is not None:
        d = deals.filter(~nw.col("campaign_id").is_null())
        opened = nw.coalesce("created_date", "first_contact_date", "close_date")
        opp = d.with_columns(opened=opened).filter(~nw.col("opened").is_null())
        opp_part = _collect(frames, opp.with_columns(**_month_keys(nw.col("opened")))
                            .group_by(*_KEY).agg(nw.col("opened").count()
                                                 .alias("opportunities")))
        won = d.filter((nw.col("status") == "won") & ~nw.col("close_date").is_null())
        wins = won.with_columns(**_month_keys(nw.col("close_date")),
                                margin=nw.col("amount") * nw.col("margin_rate"))
        wins_part = _collect(frames, wins.group_by(*_KEY).agg(
            nw.col("close_date").count().alias("clients"),
            nw.col("amount").sum().alias("revenue"), nw.col("margin").sum(),
            nw.col("amount").count().alias("_n_revenue"),
            nw.col("margin").count().alias("_n_margin")))
        # pandas' sum(min_count=1): a month whose amounts are all blank has no revenue.
        for col, n in (("revenue", "_n_revenue"), ("margin", "_n_margin")):
            wins_part[col] = wins_part[col].astype(float).where(wins_part[n] > 0)
        wins_part = wins_part.drop(columns=["_n_revenue", "_n_margin"])
        wins_part["clients"] = wins_part["clients"].astype(float)
        opp_part["opportunities"] = opp_part["opportunities"].astype(float)
        with_deals = set(frames.collect(distinct(d, "campaign_id"))["campaign_id"])
    return assemble_funnel(acts_part, opp_part, wins_part, with_acts, with_deals)
