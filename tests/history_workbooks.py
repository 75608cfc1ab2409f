"""The demo company split into its months: one workbook per month, as a company that sends
each month's figures would keep them (the month's cost lines and funnel rows, its won deals,
its campaigns), for the history's month-by-month snapshots."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from roi_core.dataset import Dataset
from roi_core.facts import build_facts
from roi_core.importers.writer import write_workbook

FUNNEL = ["contacts", "leads", "opportunities", "meetings", "clients", "revenue", "margin"]


def split_by_month(data: Dataset) -> dict[str, dict[str, pd.DataFrame]]:
    """month "YYYY-MM" -> the contract's sheets of that month.

    Each month holds the campaigns active in it (a row in the facts), their cost lines
    dated in it and their funnel rows of it; a campaign that records a volume (or a cost)
    in other months shows a 0 where the month has none (the full workbook's facts read a 0
    there too); a campaign's targets sit in its first month; won deals by close month.
    Every line of the demo is dated, which this split relies on.
    """
    assert data.costs["date"].notna().all() and data.funnel["month"].notna().all()
    facts = build_facts(data)
    cost_month = data.costs["date"].dt.to_period("M").dt.to_timestamp()
    close_month = data.deals["close_date"].dt.to_period("M").dt.to_timestamp()
    out = {}
    for month in sorted(facts["month"].dropna().unique()):
        here = facts[facts["month"] == month].set_index("campaign_id")
        campaigns = data.campaigns[data.campaigns["campaign_id"].isin(here.index)].copy()
        campaigns["targets"] = campaigns["campaign_id"].map(here["targets"])
        costs = data.costs[cost_month == month]
        costed = here.index[here["cost_direct_fixed"].notna()]
        zero_costs = pd.DataFrame({
            "campaign_id": [c for c in costed if c not in set(costs["campaign_id"])],
            "category": "direct", "item": "(rien ce mois-ci)", "amount": 0.0,
            "behaviour": "fixed", "date": pd.Timestamp(month)})
        funnel = data.funnel[data.funnel["month"] == month].copy()
        for col in FUNNEL:  # blank in the month, 0 in the facts: recorded elsewhere
            zero = funnel["campaign_id"].map(here[col]).eq(0.0) & funnel[col].isna()
            funnel.loc[zero, col] = 0.0
        without = [c for c in here.index if c not in set(funnel["campaign_id"])
                   and here.loc[c, FUNNEL].notna().any()]
        extra = pd.DataFrame({"campaign_id": without, "month": pd.Timestamp(month),
                              **{col: here.loc[without, col].to_numpy(dtype=float)
                                 for col in FUNNEL}})
        deals = data.deals[(data.deals["status"] == "won") & (close_month == month)]
        sheets = {"campaigns": campaigns.drop(columns="row"),
                  "costs": pd.concat([costs.drop(columns="row"), zero_costs],
                                     ignore_index=True),
                  "funnel": pd.concat([funnel.drop(columns="row"), extra],
                                      ignore_index=True).drop(columns="margin_rate"),
                  "deals": deals.drop(columns="row")}
        out[pd.Timestamp(month).strftime("%Y-%m")] = sheets
    return out


def write_months(data: Dataset, folder: Path) -> list[Path]:
    """The month workbooks written in ``folder`` (``demo_YYYY-MM.xlsx``), oldest first."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for month, sheets in split_by_month(data).items():
        path = folder / f"demo_{month}.xlsx"
        write_workbook(sheets, path)
        paths.append(path)
    return paths


__all__ = ["split_by_month", "write_months", "np"]
