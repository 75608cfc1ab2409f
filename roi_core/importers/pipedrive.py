"""Pipedrive deal exports: "Deal - ID", "Deal - Title", "Deal - Value", "Deal - Currency",
"Deal - Status" (open / won / lost / deleted), "Deal - Won time", "Deal - Lost time",
"Deal - Deal created", "Deal - Organization", "Deal - Source channel" (or
"Lead - Source channel") ...

The close date is the won time, else the lost time; deleted deals are left out. The
campaign comes from a custom "Deal - Campaign" field when there is one, else from the
source channel.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from roi_core.errors import InputError
from roi_core.importers.localize import parse_dates
from roi_core.importers.mapping import ColumnMapping
from roi_core.importers.preset import CHANNEL_HINT, Preset, column_of
from roi_core.io.read import RawTable
from roi_core.schema import normalize_label

__all__ = ["PRESETS", "DEALS"]

_SOURCE = ("Deal - Source channel", "Lead - Source channel", "Deal - Source origin",
           "Affaire - Canal source")


def _finish(table: RawTable, frames: dict[str, pd.DataFrame],
            locale: str) -> dict[str, pd.DataFrame]:
    deals = frames["deals"]
    lost = column_of(table, "Deal - Lost time", "Affaire - Date de perte")
    if lost is not None:
        lost_dates, bad = parse_dates(lost, locale)
        if bad.any():
            idx = int(np.flatnonzero(bad)[0])
            raise InputError(f"'{lost.iat[idx]}' is not a date", file=table.file,
                             sheet=table.sheet, row=int(table.rows[idx]),
                             column="Deal - Lost time", more=int(bad.sum()) - 1,
                             expected="a date such as 2026-01-15 10:32:00")
        deals = deals.assign(close_date=deals["close_date"].fillna(
            lost_dates.where(deals["status"] == "lost")))
    deals = deals.assign(close_date=deals["close_date"].where(deals["status"] != "open"))
    status = column_of(table, "Deal - Status", "Affaire - Statut")
    if status is not None:
        deleted = status.map(lambda v: normalize_label(v) in ("deleted", "supprime")
                             if isinstance(v, str) else False).to_numpy()
        deals = deals[~deleted].reset_index(drop=True)
    if CHANNEL_HINT in deals:
        deals = deals.assign(campaign_id=deals["campaign_id"].fillna(deals[CHANNEL_HINT]))
    return {"deals": deals}


DEALS = Preset(
    vendor="pipedrive", name="Pipedrive deals",
    mapping=ColumnMapping(
        sheet="deals", name="Pipedrive deals",
        columns={
            "deal_id": ["Deal - ID", "Affaire - ID"],
            "campaign_id": ["Deal - Campaign", "Deal - Campagne", "Affaire - Campagne"],
            "account_id": ["Deal - Organization", "Deal - Organisation",
                           "Affaire - Organisation"],
            "created_date": ["Deal - Deal created", "Deal - Add time",
                             "Affaire - Affaire créée"],
            "close_date": ["Deal - Won time", "Affaire - Date de gain"],
            "status": ["Deal - Status", "Affaire - Statut"],
            "amount": ["Deal - Value", "Affaire - Valeur"],
            "margin_rate": ["Deal - Margin rate", "Deal - Taux de marge"],
        },
        values={"status": {"deleted": "lost", "supprimé": "lost"}},
        required=("deal_id", "status")),
    signature=("Deal - Status",), channel_from=_SOURCE, finish=_finish)

PRESETS = [DEALS]
