"""The fact table: one row per campaign and month, costs split by kind, volumes beside them.

Every KPI of any grouping is a ratio of sums over these rows (``roi_core.kpis``); the
what-if scenarios move these rows (``roi_core.scenario``).

Policy:

- A cost line falls in the month of its date; an undated line falls in its campaign's
  start month (else the campaign's first funnel month).
- A funnel row without a month falls in its campaign's start month.
- Cost lines and funnel rows whose campaign id is blank or unknown form their own
  "(unassigned)" campaign and channel: shown, never dropped from the totals. Such a row
  belongs to no campaign, so no campaign left its volumes unrecorded: they are zero (a shared
  budget brought no lead by itself), and its cost weighs on every ratio of every group that
  contains it (``roi_core.shared``). Its segment and team are "(unassigned)" too.
- A campaign with no cost line at all has its cost "not recorded" (NaN), not zero.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from roi_core.dataset import UNASSIGNED, Dataset

__all__ = [
    "DIMENSIONS",
    "COST_PARTS",
    "VOLUMES",
    "NOT_SET",
    "build_facts",
    "build_cycles",
    "filter_facts",
]

DIMENSIONS = ["campaign_id", "campaign", "channel", "segment", "team", "month"]
COST_PARTS = ["cost_direct_fixed", "cost_direct_variable", "cost_indirect_fixed",
              "cost_indirect_variable"]
VOLUMES = ["targets", "contacts", "leads", "opportunities", "meetings", "clients", "revenue",
           "margin"]
NOT_SET = "(not set)"


def _month(dates: pd.Series) -> pd.Series:
    return pd.to_datetime(dates).dt.to_period("M").dt.to_timestamp()


def _campaign_months(data: Dataset) -> pd.Series:
    """campaign_id -> the month a campaign's undated lines fall in."""
    start = _month(data.campaigns.set_index("campaign_id")["start_date"])
    first_funnel = data.funnel.dropna(subset=["month"]).groupby("campaign_id")["month"].min()
    return start.fillna(first_funnel.reindex(start.index))


def build_facts(data: Dataset) -> pd.DataFrame:
    """One row per (campaign, month): the four cost parts and every volume.

    Shape out: ``DIMENSIONS + COST_PARTS + VOLUMES`` columns; ``month`` is the first day
    of the month (NaT when nothing dates the row).
    """
    known = set(data.campaigns["campaign_id"])
    home = _campaign_months(data)

    costs = data.costs
    cost_id = costs["campaign_id"].fillna(UNASSIGNED)
    cost_month = _month(costs["date"]).fillna(cost_id.map(home))
    part = "cost_" + costs["category"].astype(str) + "_" + costs["behaviour"].astype(str)
    cost_rows = pd.DataFrame({"campaign_id": cost_id.to_numpy(),
                              "month": pd.to_datetime(cost_month).to_numpy(),
                              "part": part.to_numpy(), "amount": costs["amount"].to_numpy()})
    cost_table = (cost_rows.groupby(["campaign_id", "month", "part"], dropna=False)["amount"]
                  .sum().unstack("part").reindex(columns=COST_PARTS).reset_index())
    cost_table.columns.name = None

    funnel = data.funnel
    f_id = funnel["campaign_id"].where(funnel["campaign_id"].notna(), UNASSIGNED)
    f_month = funnel["month"].fillna(f_id.map(home))
    vol_cols = [c for c in VOLUMES if c != "targets"]
    funnel_rows = funnel[vol_cols].copy()
    funnel_rows.insert(0, "campaign_id", f_id.to_numpy())
    funnel_rows.insert(1, "month", pd.to_datetime(f_month).to_numpy())
    funnel_table = funnel_rows.groupby(["campaign_id", "month"], dropna=False,
                                       as_index=False).sum(min_count=1)

    facts = cost_table.merge(funnel_table, on=["campaign_id", "month"], how="outer")
    present = set(facts["campaign_id"])
    lonely = data.campaigns[~data.campaigns["campaign_id"].isin(present)]
    if len(lonely):
        facts = pd.concat([facts, pd.DataFrame({
            "campaign_id": lonely["campaign_id"].to_numpy(),
            "month": lonely["campaign_id"].map(home).to_numpy()})], ignore_index=True)
    facts["month"] = pd.to_datetime(facts["month"])

    # Recorded somewhere for the campaign -> zero in its other months; else not recorded.
    with_costs = set(cost_rows["campaign_id"])
    has_cost = facts["campaign_id"].isin(with_costs)
    for col in COST_PARTS:
        facts[col] = facts[col].astype(float).where(~has_cost, facts[col].fillna(0.0))
    recorded = funnel_rows.groupby("campaign_id")[vol_cols].count() > 0
    # A row of no known campaign records zero, not "not recorded": its cost must weigh on
    # the ratios (DOMAIN.md: "not recorded" applies to a campaign's volumes, never to cost).
    shared = ~facts["campaign_id"].isin(known)
    for col in vol_cols:
        ok = facts["campaign_id"].isin(recorded.index[recorded[col]]) | shared
        facts[col] = facts[col].astype(float).where(~ok, facts[col].fillna(0.0))

    # Targets belong to a campaign, not a month: they sit on its first row.
    targets = data.campaigns.set_index("campaign_id")["targets"]
    first = ~facts.sort_values("month").duplicated("campaign_id")
    facts["targets"] = np.where(first.reindex(facts.index), facts["campaign_id"].map(targets),
                                np.nan).astype(float)

    dims = data.campaigns.set_index("campaign_id")[["campaign", "channel", "segment", "team"]]
    for col in ["campaign", "channel", "segment", "team"]:
        values = facts["campaign_id"].map(dims[col])
        unknown = ~facts["campaign_id"].isin(known)
        fallback = pd.Series(UNASSIGNED if col in ("campaign", "channel") else NOT_SET,
                             index=facts.index).where(~unknown, UNASSIGNED)
        if col == "campaign":
            values = values.where(~unknown, facts["campaign_id"].where(
                facts["campaign_id"] == UNASSIGNED, facts["campaign_id"] + " " + UNASSIGNED))
        facts[col] = values.where(values.notna(), fallback).astype(object)
    facts = facts[DIMENSIONS + COST_PARTS + VOLUMES]
    return facts.sort_values(["campaign_id", "month"], na_position="last").reset_index(drop=True)


def build_cycles(data: Dataset) -> pd.DataFrame:
    """Won deals with their sales cycle in days (close − first contact, else − creation).

    Shape out: ``DIMENSIONS + ["sales_cycle_days"]``, one row per won deal with both dates;
    ``month`` is the close month.
    """
    deals = data.deals
    won = deals[(deals["status"] == "won") & deals["close_date"].notna()]
    start = won["first_contact_date"].fillna(won["created_date"])
    won = won[start.notna()]
    days = (won["close_date"] - start[start.notna()]).dt.total_seconds() / 86400.0
    dims = data.campaigns.set_index("campaign_id")[["campaign", "channel", "segment", "team"]]
    known = won["campaign_id"].isin(dims.index)
    out = pd.DataFrame({
        "campaign_id": won["campaign_id"].where(known, UNASSIGNED).fillna(UNASSIGNED),
        "month": _month(won["close_date"]), "sales_cycle_days": days})
    for col in ["campaign", "channel", "segment", "team"]:
        values = out["campaign_id"].map(dims[col])
        fallback = (UNASSIGNED if col in ("campaign", "channel") else NOT_SET)
        out[col] = values.where(values.notna(), fallback).where(known.to_numpy(), UNASSIGNED)
    return out[DIMENSIONS + ["sales_cycle_days"]].reset_index(drop=True)


def filter_facts(facts: pd.DataFrame, *, months: tuple[object, object] | None = None,
                 channels: Iterable[str] | None = None, segments: Iterable[str] | None = None,
                 teams: Iterable[str] | None = None,
                 campaigns: Iterable[str] | None = None) -> pd.DataFrame:
    """Rows of a fact (or cycle) table within a month range and the chosen groups.

    ``months`` is an inclusive (first, last) pair of anything ``pd.Timestamp`` reads
    ("2026-01"); None keeps everything. Undated rows (a cost line of no campaign without a
    date) are kept when no range is set or when the range holds every dated row: a period
    that covers all the data is all the data, and no euro leaves it.

    >>> f = pd.DataFrame({"month": pd.to_datetime(["2026-01-01", "2026-03-01", None]),
    ...                   "channel": ["emailing", "events", "(unassigned)"]})
    >>> len(filter_facts(f, months=("2026-01", "2026-02"))), len(filter_facts(f, channels=[]))
    (1, 0)
    >>> len(filter_facts(f, months=("2026-01", "2026-03")))
    3
    """
    mask = pd.Series(True, index=facts.index)
    if months is not None:
        first, last = (pd.Timestamp(m).to_period("M").to_timestamp() for m in months)
        mask &= facts["month"].between(first, last)
        dated = facts["month"].dropna()
        if len(dated) and first <= dated.min() and dated.max() <= last:
            mask |= facts["month"].isna()
    for col, chosen in (("channel", channels), ("segment", segments), ("team", teams),
                        ("campaign_id", campaigns)):
        if chosen is not None:
            mask &= facts[col].isin(list(chosen))
    return facts[mask]
