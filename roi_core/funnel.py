"""Funnel volumes implied by the deals and activities sheets.

Used when a workbook has no funnel sheet, and by the data-quality audit to reconcile one
that it has. The rules, per campaign and month:

- ``contacts``: activities whose outcome shows someone was reached (anything but
  "no answer"; an activity logged without an outcome counts as a contact), of any type
  but meetings;
- ``leads``: activities whose outcome is "lead" or "meeting booked";
- ``meetings``: activities of type meeting, except no-shows;
- ``opportunities``: deals, by the month they were created (else first contact, else close);
- ``clients``, ``revenue``, ``margin``: won deals, by the month they closed; margin is
  amount × margin rate.

A campaign with no activity at all has its contacts, leads and meetings "not recorded"
(NaN), not zero; the same holds for deals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["derive_funnel", "assemble_funnel", "FUNNEL_VOLUMES", "NOT_REACHED", "LEAD_OUTCOMES"]

FUNNEL_VOLUMES = ["contacts", "leads", "opportunities", "meetings", "clients"]
NOT_REACHED = {"no_answer"}  # outcomes that are no contact
LEAD_OUTCOMES = {"lead", "meeting"}  # outcomes that make a lead


def _month(dates: pd.Series) -> pd.Series:
    return dates.dt.to_period("M").dt.to_timestamp()


def derive_funnel(campaigns: pd.DataFrame, deals: pd.DataFrame,
                  activities: pd.DataFrame) -> pd.DataFrame:
    """Funnel rows (campaign_id, month, volumes, revenue, margin) from deals and activities.

    Shape in: the canonical deals and activities frames. Shape out: one row per campaign
    and month with any activity or deal, in the funnel sheet's columns.

    >>> deals = pd.DataFrame({"deal_id": ["D1", "D2"], "campaign_id": ["C1", "C1"],
    ...     "created_date": pd.to_datetime(["2026-01-10", "2026-01-20"]),
    ...     "first_contact_date": pd.NaT, "close_date": pd.to_datetime(["2026-02-03", None]),
    ...     "status": ["won", "open"], "amount": [6000.0, 5000.0], "margin_rate": [0.4, 0.4]})
    >>> acts = pd.DataFrame({"date": pd.to_datetime(["2026-01-05"] * 3), "campaign_id": "C1",
    ...     "type": ["call", "call", "call"], "outcome": ["no_answer", "contact", "lead"]})
    >>> f = derive_funnel(pd.DataFrame({"campaign_id": ["C1"]}), deals, acts)
    >>> f[["contacts", "leads", "opportunities", "clients", "margin"]].values.tolist()
    [[2.0, 1.0, 2.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0, 2400.0]]
    """
    acts_part = opp_part = wins_part = None
    if len(activities):
        acts = activities[activities["campaign_id"].notna() & activities["date"].notna()]
        outcome = acts["outcome"] if "outcome" in acts else pd.Series(None, index=acts.index)
        kind = acts["type"]
        frame = pd.DataFrame({
            "campaign_id": acts["campaign_id"], "month": _month(acts["date"]),
            "contacts": ((kind != "meeting") & ~outcome.isin(NOT_REACHED)).astype(float),
            "leads": ((kind != "meeting") & outcome.isin(LEAD_OUTCOMES)).astype(float),
            "meetings": ((kind == "meeting") & (outcome != "no_show")).astype(float),
        })
        acts_part = frame.groupby(["campaign_id", "month"], as_index=False).sum()
    if len(deals):
        d = deals[deals["campaign_id"].notna()]
        opened = d["created_date"].fillna(d["first_contact_date"]).fillna(d["close_date"])
        opp = pd.DataFrame({"campaign_id": d["campaign_id"], "month": _month(opened),
                            "opportunities": 1.0})
        won = d[(d["status"] == "won") & d["close_date"].notna()]
        wins = pd.DataFrame({"campaign_id": won["campaign_id"], "month": _month(won["close_date"]),
                             "clients": 1.0, "revenue": won["amount"],
                             "margin": won["amount"] * won["margin_rate"]})
        opp_part = opp.groupby(["campaign_id", "month"], as_index=False).sum()
        wins_part = wins.groupby(["campaign_id", "month"], as_index=False).sum(min_count=1)
    with_acts = set(activities["campaign_id"].dropna()) if len(activities) else set()
    with_deals = set(deals["campaign_id"].dropna()) if len(deals) else set()
    return assemble_funnel(acts_part, opp_part, wins_part, with_acts, with_deals)


def assemble_funnel(acts_part: pd.DataFrame | None, opp_part: pd.DataFrame | None,
                    wins_part: pd.DataFrame | None, with_acts: set, with_deals: set
                    ) -> pd.DataFrame:
    """The funnel rows from the three sums ``derive_funnel`` makes (or an engine made,
    ``roi_core.engines``): per campaign and month, the activities' contacts, leads and
    meetings; the deals' opportunities; the won deals' clients, revenue and margin.

    A campaign in ``with_acts`` (``with_deals``) has activities (deals): its missing
    volumes of that source are 0; any other campaign's are "not recorded" (NaN).
    """
    parts = [p for p in (acts_part, opp_part, wins_part) if p is not None]
    columns = ["campaign_id", "month", *FUNNEL_VOLUMES, "revenue", "margin", "margin_rate",
               "row"]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=float) for c in columns})
    out = parts[0]
    for part in parts[1:]:
        out = out.merge(part, on=["campaign_id", "month"], how="outer")
    for col in [*FUNNEL_VOLUMES, "revenue", "margin"]:
        if col not in out:
            out[col] = np.nan
    for cols, known in ((["contacts", "leads", "meetings"], with_acts),
                        (["opportunities", "clients", "revenue", "margin"], with_deals)):
        recorded = out["campaign_id"].isin(known)
        for col in cols:
            out[col] = out[col].where(~recorded, out[col].fillna(0.0))
    out["margin_rate"] = out["margin"] / out["revenue"].where(out["revenue"] > 0)
    out["row"] = pd.array([pd.NA] * len(out), dtype="Int64")
    return out[columns].sort_values(["campaign_id", "month"]).reset_index(drop=True)
