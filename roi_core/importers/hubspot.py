"""HubSpot exports: deals ("Record ID", "Deal Name", "Deal Stage", "Close Date", "Create
Date", "Amount", "Pipeline", "Original Source" ...) and contacts ("Record ID", "First
Name", "Last Name", "Email", "Create Date", "Lifecycle Stage", "Original Source" ...).

Deal stages other than "Closed Won"/"Closed Lost" (and their French labels) are open
stages of some pipeline. HubSpot keeps the expected close date on open deals: it is
dropped (the contract's close date is a real one). The deal's campaign comes from a
"Campaign" (or "Associated Campaign") property when exported, else from its original
source; contacts become touchpoints (account, creation time, source channel).
"""

from __future__ import annotations

import pandas as pd

from roi_core.importers.mapping import ColumnMapping
from roi_core.importers.preset import CHANNEL_HINT, Preset, open_deals_have_no_close_date
from roi_core.io.read import RawTable

__all__ = ["PRESETS", "DEALS", "CONTACTS", "SOURCES"]

# HubSpot's "Original Source" values -> the channels of the contract.
SOURCES = (
    ("Email Marketing", "Emailing"), ("Marketing par e-mail", "Emailing"),
    ("Organic Social", "Social selling"), ("Paid Social", "Social selling"),
    ("Social Media", "Social selling"), ("Réseaux sociaux organiques", "Social selling"),
    ("Offline Sources", "Offline"), ("Sources hors ligne", "Offline"),
    ("Direct Traffic", "Direct"), ("Organic Search", "Search"), ("Paid Search", "Search"),
    ("Referrals", "Referrals"), ("Other Campaigns", "Other campaigns"),
)
_CAMPAIGN = ["Campaign", "Associated Campaign", "HubSpot Campaign", "Campagne",
             "Campagne associée"]
_SOURCE = ("Original Source", "Original Source Type", "Source d'origine")


def _campaign_from_source(table: RawTable, frames: dict[str, pd.DataFrame],
                          locale: str) -> dict[str, pd.DataFrame]:
    for name, frame in frames.items():
        if CHANNEL_HINT in frame:
            frame["campaign_id"] = frame["campaign_id"].fillna(frame[CHANNEL_HINT])
        if name == "deals":
            frames[name] = open_deals_have_no_close_date(frame)
    return frames


DEALS = Preset(
    vendor="hubspot", name="HubSpot deals",
    mapping=ColumnMapping(
        sheet="deals", name="HubSpot deals",
        columns={
            "deal_id": ["Record ID", "Deal ID", "ID de la fiche d'informations"],
            "campaign_id": _CAMPAIGN,
            "account_id": ["Associated Company IDs", "Associated Company IDs (Primary)",
                           "Associated Company", "Company name", "Entreprise associée"],
            "created_date": ["Create Date", "Date de création"],
            "close_date": ["Close Date", "Date de fermeture"],
            "status": ["Deal Stage", "Phase de la transaction"],
            "amount": ["Amount", "Montant"],
            "margin_rate": ["Margin Rate", "Margin %", "Taux de marge"],
        },
        values={"status": {"Closed Won": "won", "Closed Lost": "lost",
                           "Conclue gagnée": "won", "Conclue perdue": "lost",
                           "Fermée gagnée": "won", "Fermée perdue": "lost", "*": "open"}},
        required=("deal_id", "status")),
    signature=("Deal Stage",), channel_from=_SOURCE, channels=SOURCES,
    finish=_campaign_from_source)

CONTACTS = Preset(
    vendor="hubspot", name="HubSpot contacts",
    mapping=ColumnMapping(
        sheet="touchpoints", name="HubSpot contacts",
        columns={
            "account_id": ["Associated Company IDs", "Associated Company", "Company Name",
                           "Nom de l'entreprise", "Email", "E-mail"],
            "timestamp": ["Create Date", "Date de création"],
            "channel": list(_SOURCE),
            "campaign_id": _CAMPAIGN,
        },
        values={"channel": dict(SOURCES)},
        required=("account_id", "timestamp", "channel")),
    signature=("Record ID", "Lifecycle Stage"), channel_from=_SOURCE, channels=SOURCES,
    finish=_campaign_from_source)

PRESETS = [DEALS, CONTACTS]
