"""HubSpot exports, from English or French portals: deals ("Record ID", "Deal Name",
"Deal Stage", "Close Date", "Create Date", "Amount", "Pipeline", "Original Source" ...;
in French "ID de fiche d'informations", "Nom de la transaction", "Phase de la
transaction", "Date de fermeture", "Date de création", "Montant") and contacts
("Record ID", "First Name", "Last Name", "Email", "Create Date", "Lifecycle Stage",
"Original Source" ...; "Prénom", "Nom", "Phase du cycle de vie" ...).

Multi-currency portals export "Amount in company currency" (HubSpot's
``amount_in_home_currency``): it is the amount when the export has no "Amount" column,
or when the deals' currency codes differ (amounts in several currencies do not add up).
Deal stages other than "Closed Won"/"Closed Lost" (French: "Fermé gagné"/"Fermé perdu",
also written "Fermée gagnée"/"Fermée perdue" or "Conclue gagnée") are open stages of
some pipeline. HubSpot keeps the expected close date on open deals: it is
dropped (the contract's close date is a real one). The deal's campaign comes from a
"Campaign" (or "Associated Campaign") property when exported, else from its original
source; contacts become touchpoints (account, creation time, source channel).
"""

from __future__ import annotations

import pandas as pd

from roi_core.importers.localize import Conventions
from roi_core.importers.mapping import ColumnMapping, read_cells
from roi_core.importers.preset import (
    CHANNEL_HINT,
    Preset,
    column_of,
    header_of,
    note,
    open_deals_have_no_close_date,
)
from roi_core.io.notes import ImportNote
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
_SOURCE = ("Original Source", "Original Source Type", "Source d'origine",
           "Type de source d'origine", "Source originale")
_AMOUNT_IN_COMPANY_CURRENCY = ("Amount in company currency", "Amount in home currency",
                               "Montant dans la devise de l'entreprise",
                               "Montant dans la devise de la société")
_CURRENCY = ("Deal currency code", "Currency", "Devise", "Code de devise de la transaction",
             "Devise de la transaction")


def _campaign_from_source(table: RawTable, frames: dict[str, pd.DataFrame],
                          conventions: Conventions,
                          notes: list[ImportNote]) -> dict[str, pd.DataFrame]:
    for name, frame in frames.items():
        if CHANNEL_HINT in frame:
            frame["campaign_id"] = frame["campaign_id"].fillna(frame[CHANNEL_HINT])
        if name == "deals":
            frames[name] = _company_currency(table, open_deals_have_no_close_date(frame),
                                             conventions, notes)
    return frames


def _company_currency(table: RawTable, deals: pd.DataFrame, conventions: Conventions,
                      notes: list[ImportNote]) -> pd.DataFrame:
    """Amounts in one currency: "Amount in company currency" when it is the only amount,
    or when the deals are in several currencies (their "Amount"s do not add up)."""
    company = header_of(table, *_AMOUNT_IN_COMPANY_CURRENCY)
    if company is None:
        return deals
    if header_of(table, "Amount", "Montant") is None:
        notes.append(note(table, "deals", "amount", "info",
                          f"montants lus dans « {company} » (pas de colonne Montant)",
                          f"amounts read from '{company}' (no Amount column)"))
        return deals
    codes = column_of(table, *_CURRENCY)
    used = [] if codes is None else sorted({str(c).strip() for c in codes
                                            if isinstance(c, str) and c.strip()})
    if len(used) < 2:
        return deals
    values = read_cells(table, column_of(table, company), company, "money", conventions)
    notes.append(note(table, "deals", "amount", "info",
                      f"affaires en plusieurs devises ({', '.join(used)}) : montants lus "
                      f"dans « {company} »",
                      f"deals in several currencies ({', '.join(used)}): amounts read "
                      f"from '{company}'"))
    return deals.assign(amount=values.to_numpy())


DEALS = Preset(
    vendor="hubspot", name="HubSpot deals",
    mapping=ColumnMapping(
        sheet="deals", name="HubSpot deals",
        columns={
            "deal_id": ["Record ID", "Deal ID", "ID de fiche d'informations",
                        "ID de la fiche d'informations"],
            "campaign_id": _CAMPAIGN,
            "account_id": ["Associated Company IDs", "Associated Company IDs (Primary)",
                           "Associated Company", "Associated Company (Primary)",
                           "Company name", "Entreprise associée",
                           "Entreprise associée (principale)"],
            "created_date": ["Create Date", "Date de création"],
            "close_date": ["Close Date", "Date de fermeture"],
            "status": ["Deal Stage", "Phase de la transaction"],
            "amount": ["Amount", "Montant", *_AMOUNT_IN_COMPANY_CURRENCY],
            "margin_rate": ["Margin Rate", "Margin %", "Taux de marge"],
        },
        values={"status": {"Closed Won": "won", "Closed Lost": "lost",
                           "Conclue gagnée": "won", "Conclue perdue": "lost",
                           "Fermé gagné": "won", "Fermé perdu": "lost",
                           "Fermée gagnée": "won", "Fermée perdue": "lost", "*": "open"}},
        required=("deal_id", "status")),
    signature=(("Deal Stage", "Phase de la transaction"),), channel_from=_SOURCE,
    channels=SOURCES, finish=_campaign_from_source,
    known=("Deal Name", "Nom de la transaction", "Deal owner", "Propriétaire de la transaction",
           "Deal Type", "Type de transaction", "Last Activity Date", "Currency", "Devise",
           "Associated Company (Primary)", "Associated Contact"))

CONTACTS = Preset(
    vendor="hubspot", name="HubSpot contacts",
    mapping=ColumnMapping(
        sheet="touchpoints", name="HubSpot contacts",
        columns={
            "account_id": ["Associated Company IDs", "Associated Company", "Company Name",
                           "Nom de l'entreprise", "Entreprise associée", "Email", "E-mail"],
            "timestamp": ["Create Date", "Date de création"],
            "channel": list(_SOURCE),
            "campaign_id": _CAMPAIGN,
        },
        values={"channel": dict(SOURCES)},
        required=("account_id", "timestamp", "channel")),
    signature=(("Record ID", "ID de fiche d'informations"),
               ("Lifecycle Stage", "Phase du cycle de vie")),
    channel_from=_SOURCE, channels=SOURCES, finish=_campaign_from_source,
    known=("First Name", "Last Name", "Prénom", "Nom", "Email", "E-mail", "Phone Number",
           "Contact owner", "Propriétaire du contact", "Lead Status", "Statut du lead"))

PRESETS = [DEALS, CONTACTS]
