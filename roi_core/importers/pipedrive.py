"""Pipedrive deal exports, in the layouts Pipedrive has written:

- English: "Deal - ID", "Deal - Title", "Deal - Value", "Deal - Currency", "Deal -
  Status" (open / won / lost / deleted), "Deal - Won time", "Deal - Lost time", "Deal -
  Deal created", "Deal - Organization", "Deal - Source channel" (or "Lead - Source
  channel") ...;
- newer English: "Deal - System ID" (or "Deal - Pipedrive System ID"), "Deal - Title",
  "Deal - Value", "Deal - Currency of value", "Deal - Status" (Open / Won / Lost),
  "Deal - Creation date", "Deal - Won time", "Deal - Lost time", "Deal - Closed on",
  "Organization", "Contact person", "Deal - Stage (pipeline)" ...;
- French: "Affaire - ID", "Affaire - Titre", "Affaire - Valeur", "Affaire - Statut"
  (Gagnée / Perdue / En cours / Supprimée), "Affaire - Affaire créée", "Affaire - Date
  de gain" (or "Heure de la conclusion"), "Affaire - Heure de l'échec" (or "Date de
  perte"), "Affaire - Organisation", "Affaire - Source du lead" ...

The close date is the won time, else the lost time, else "Closed on"; deleted deals are
left out. The campaign comes from a custom "Deal - Campaign" field when there is one,
else from the source channel.
"""

from __future__ import annotations

import pandas as pd

from roi_core.importers.localize import Conventions
from roi_core.importers.mapping import ColumnMapping, read_cells
from roi_core.importers.preset import CHANNEL_HINT, Preset, column_of, header_of
from roi_core.io.notes import ImportNote
from roi_core.io.read import RawTable
from roi_core.schema import normalize_label

__all__ = ["PRESETS", "DEALS"]

_SOURCE = ("Deal - Source channel", "Lead - Source channel", "Deal - Source origin",
           "Deal - Lead source", "Affaire - Canal source", "Affaire - Source du lead",
           "Affaire - Origine de la source")
_LOST = ("Deal - Lost time", "Affaire - Heure de l'échec", "Affaire - Date de perte",
         "Affaire - Heure de la perte")
_CLOSED_ON = ("Deal - Closed on", "Affaire - Date de clôture", "Affaire - Clôturée le",
              "Affaire - Fermée le")


def _dates_of(table: RawTable, headers: tuple[str, ...],
              conventions: Conventions) -> pd.Series | None:
    raw = column_of(table, *headers)
    if raw is None:
        return None
    return read_cells(table, raw, header_of(table, *headers), "date", conventions)


def _finish(table: RawTable, frames: dict[str, pd.DataFrame], conventions: Conventions,
            notes: list[ImportNote]) -> dict[str, pd.DataFrame]:
    deals = frames["deals"]
    lost_dates = _dates_of(table, _LOST, conventions)
    if lost_dates is not None:
        deals = deals.assign(close_date=deals["close_date"].fillna(
            lost_dates.where(deals["status"] == "lost")))
    closed_on = _dates_of(table, _CLOSED_ON, conventions)
    if closed_on is not None:
        deals = deals.assign(close_date=deals["close_date"].fillna(closed_on))
    deals = deals.assign(close_date=deals["close_date"].where(deals["status"] != "open"))
    status = column_of(table, "Deal - Status", "Affaire - Statut")
    if status is not None:
        deleted = status.map(lambda v: normalize_label(v) in ("deleted", "supprime",
                                                              "supprimee")
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
            "deal_id": ["Deal - ID", "Deal - System ID", "Deal - Pipedrive System ID",
                        "Affaire - ID", "Affaire - ID système"],
            "campaign_id": ["Deal - Campaign", "Deal - Campagne", "Affaire - Campagne"],
            "account_id": ["Deal - Organization", "Deal - Organisation", "Organization",
                           "Affaire - Organisation", "Organisation"],
            "created_date": ["Deal - Deal created", "Deal - Add time", "Deal - Creation date",
                             "Affaire - Affaire créée", "Affaire - Date de création"],
            "close_date": ["Deal - Won time", "Affaire - Date de gain",
                           "Affaire - Heure de la conclusion", "Affaire - Heure du gain"],
            "status": ["Deal - Status", "Affaire - Statut"],
            "amount": ["Deal - Value", "Affaire - Valeur"],
            "margin_rate": ["Deal - Margin rate", "Deal - Taux de marge",
                            "Affaire - Taux de marge"],
        },
        values={"status": {"deleted": "lost", "supprimé": "lost", "supprimée": "lost",
                           "gagnée": "won", "gagné": "won", "perdue": "lost",
                           "perdu": "lost", "en cours": "open", "ouverte": "open"}},
        required=("deal_id", "status")),
    signature=(("Deal - Status", "Affaire - Statut"),), channel_from=_SOURCE, finish=_finish,
    known=("Deal - Title", "Affaire - Titre", "Deal - Currency", "Deal - Currency of value",
           "Affaire - Devise", "Deal - Owner", "Affaire - Propriétaire", "Contact person",
           "Deal - Contact person", "Affaire - Personne à contacter",
           "Deal - Stage (pipeline)", "Deal - Stage", "Affaire - Étape", "Deal - Label",
           "Deal - Probability", "Deal - Lost reason", "Affaire - Raison de la perte",
           "Deal - Expected close date", "Affaire - Date de clôture prévue",
           "Deal - Visible to", *_LOST, *_CLOSED_ON))

PRESETS = [DEALS]
