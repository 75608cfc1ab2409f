"""Salesforce exports, by API name (Data Loader, Workbench) or by field label (reports).

- Campaign: Id, Name, Type, Status, StartDate, EndDate, BudgetedCost, ActualCost,
  NumberSent, NumberOfLeads, NumberOfContacts, NumberOfOpportunities,
  NumberOfWonOpportunities, AmountWonOpportunities ... -> the campaigns sheet, a cost
  line per campaign (ActualCost; the budget is not a cost), and, when no Opportunity
  export comes with it, a funnel sheet from the campaign's own counts.
- Opportunity: Id, Name, AccountId, StageName, Amount, CloseDate, CreatedDate,
  LeadSource, CampaignId, IsWon, IsClosed ... -> the deals sheet. IsClosed/IsWon decide
  the status when exported; else "Closed Won"/"Closed Lost" stage names; any other
  stage is open (and its expected CloseDate is dropped).
- Report exports (what users download from a report, "Details Only", CSV or Excel):
  field labels ("Opportunity Name", "Account Name", "Stage", "Amount", "Close Date",
  "Created Date", "Lead Source", "Type", "Probability (%)", "Fiscal Period" ...), often
  without "Opportunity ID" and without any campaign column, and footer lines under the
  rows ("Grand Totals (N records)", "Confidential Information - Do Not Distribute",
  "Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."), which the
  importer skips. Rows without an id get a stable one (``report_ids``); campaigns come
  from the lead source when no campaign is named. Campaign reports ("Campaign Name",
  "Type", "Status", "Start Date", "Actual Cost in Campaign", "Leads in Campaign" ...)
  without a campaign id use the campaign's name as its id, which is what an opportunity
  report's "Primary Campaign Source" shows.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

import numpy as np
import pandas as pd

from roi_core.dataset import COLUMNS
from roi_core.importers.localize import Conventions
from roi_core.importers.mapping import ColumnMapping, read_cells
from roi_core.importers.preset import (
    Preset,
    column_of,
    header_of,
    note,
    open_deals_have_no_close_date,
)
from roi_core.io.notes import ImportNote
from roi_core.io.read import RawTable

__all__ = ["PRESETS", "CAMPAIGNS", "OPPORTUNITIES", "OPPORTUNITIES_REPORT",
           "CAMPAIGNS_REPORT", "TYPES", "report_ids"]

# Campaign.Type picklist values -> channels of the contract.
TYPES = (
    ("Telemarketing", "Téléprospection"), ("Email", "Emailing"),
    ("Trade Show", "Salons"), ("Conference", "Salons"), ("Salon professionnel", "Salons"),
    ("Webinar", "Webinar"), ("Direct Mail", "Courrier"), ("Advertisement", "Publicité"),
    ("Banner Ads", "Publicité"), ("Public Relations", "Relations presse"),
    ("Partners", "Partenaires"), ("Referral Program", "Parrainage"), ("Other", "Autre"),
)
_TRUE = {"true", "1", "yes", "vrai", "oui", "x"}


def _campaign_sheets(table: RawTable, frames: dict[str, pd.DataFrame],
                     conventions: Conventions,
                     notes: list[ImportNote]) -> dict[str, pd.DataFrame]:
    campaigns = frames["campaigns"]
    actual = column_of(table, "ActualCost", "Actual Cost in Campaign", "Actual Cost")
    if actual is None:
        actual = pd.Series([None] * len(campaigns), dtype=object)
        cost = pd.Series(np.nan, index=actual.index)
    else:
        cost = read_cells(table, actual, header_of(table, "ActualCost",
                                                   "Actual Cost in Campaign", "Actual Cost"),
                          "money", conventions)
    costs = pd.DataFrame({c: pd.Series([None] * len(campaigns), dtype=object)
                          for c in COLUMNS["costs"]})
    costs = costs.assign(campaign_id=campaigns["campaign_id"], category="direct",
                         item="ActualCost (Salesforce)", amount=cost.to_numpy(),
                         behaviour="fixed", row=campaigns["row"])
    costs = costs[costs["amount"].notna()]
    funnel = {"campaign_id": campaigns["campaign_id"]}
    for column, headers in (
            ("leads", ("NumberOfLeads", "Leads in Campaign")),
            ("opportunities", ("NumberOfOpportunities", "Opportunities in Campaign")),
            ("clients", ("NumberOfWonOpportunities", "Won Opportunities in Campaign")),
            ("revenue", ("AmountWonOpportunities", "Value Won Opportunities in Campaign"))):
        raw = column_of(table, *headers)
        if raw is not None:
            funnel[column] = read_cells(table, raw, header_of(table, *headers),
                                        "money" if column == "revenue" else "count",
                                        conventions)
    out = {"campaigns": campaigns, "costs": costs.reset_index(drop=True)}
    if len(funnel) > 1:
        out["funnel"] = pd.DataFrame(funnel).assign(row=campaigns["row"])
    return out


def report_ids(table: RawTable) -> pd.Series:
    """Ids for the rows of a report that has no "Opportunity ID": "SF-" and a short hash of
    the opportunity's name, account and creation date (the same row gets the same id in
    next month's export, whatever the row order); a repeated row gets "-2", "-3".

    >>> cells = pd.DataFrame([["PME Dupont", "Dupont SA", "1/15/2026"]] * 2)
    >>> t = RawTable("r.csv", None, ["Opportunity Name", "Account Name", "Created Date"],
    ...              cells, np.array([2, 3]), 1)
    >>> ids = report_ids(t).tolist(); ids[1] == ids[0] + "-2", ids[0][:3]
    (True, 'SF-')
    """
    parts = [column_of(table, h) for h in ("Opportunity Name", "Account Name",
                                           "Created Date", "Opportunity Owner")]
    parts = [p for p in parts if p is not None] or [table.cells[c] for c in
                                                     table.cells.columns]
    keys = ["|".join("" if v is None else str(v).strip() for v in row)
            for row in zip(*[p.to_numpy(dtype=object) for p in parts], strict=True)]
    seen: dict[str, int] = {}
    out = []
    for key in keys:
        base = "SF-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]
        seen[base] = seen.get(base, 0) + 1
        out.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return pd.Series(out, dtype=object)


def _opportunity_status(table: RawTable, frames: dict[str, pd.DataFrame],
                        conventions: Conventions,
                        notes: list[ImportNote]) -> dict[str, pd.DataFrame]:
    deals = frames["deals"]
    closed = column_of(table, "IsClosed", "Closed")
    won = column_of(table, "IsWon", "Won")
    if closed is not None and won is not None:
        is_closed = closed.map(lambda v: str(v).strip().lower() in _TRUE).to_numpy()
        is_won = won.map(lambda v: str(v).strip().lower() in _TRUE).to_numpy()
        status = pd.Series(["open"] * len(deals), dtype=object)
        status[is_closed] = "lost"
        status[is_closed & is_won] = "won"
        deals = deals.assign(status=status.to_numpy())
    if deals["deal_id"].isna().all() and len(deals):
        deals = deals.assign(deal_id=report_ids(table).to_numpy())
        notes.append(note(table, "deals", "ids", "info",
                          "pas de colonne « Opportunity ID » : identifiants stables tirés du "
                          "nom, du compte et de la date de création (SF-…)",
                          "no 'Opportunity ID' column: stable ids made from the name, "
                          "account and created date (SF-…)"))
    return {"deals": open_deals_have_no_close_date(deals)}


CAMPAIGNS = Preset(
    vendor="salesforce", name="Salesforce campaigns",
    mapping=ColumnMapping(
        sheet="campaigns", name="Salesforce campaigns",
        columns={
            "campaign_id": ["Id", "Campaign ID", "ID de campagne", "Campaign Name",
                            "Nom de la campagne"],
            "campaign": ["Name", "Campaign Name", "Nom de la campagne"],
            "channel": ["Type"],
            "start_date": ["StartDate", "Start Date", "Date de début"],
            "end_date": ["EndDate", "End Date", "Date de fin"],
            "targets": ["NumberSent", "Num Sent in Campaign"],
        },
        values={"channel": dict(TYPES)},
        required=("campaign_id", "channel")),
    signature=("Type",), finish=_campaign_sheets,
    known=("Status", "BudgetedCost", "ExpectedRevenue", "ExpectedResponse", "IsActive",
           "NumberOfContacts", "NumberOfResponses", "NumberOfConvertedLeads",
           "NumberOfOpportunities", "NumberOfWonOpportunities", "AmountAllOpportunities",
           "AmountWonOpportunities", "ParentId", "Budgeted Cost in Campaign",
           "Actual Cost in Campaign", "Leads in Campaign", "Contacts in Campaign",
           "Responses in Campaign", "Opportunities in Campaign",
           "Won Opportunities in Campaign", "Value Won Opportunities in Campaign",
           "Value Opportunities in Campaign", "Campaign Owner", "Active"))

OPPORTUNITIES = Preset(
    vendor="salesforce", name="Salesforce opportunities",
    mapping=ColumnMapping(
        sheet="deals", name="Salesforce opportunities",
        columns={
            "deal_id": ["Id", "Opportunity ID", "ID de l'opportunité"],
            "campaign_id": ["CampaignId", "Campaign ID", "Primary Campaign Source"],
            "account_id": ["AccountId", "Account ID", "Account Name"],
            "created_date": ["CreatedDate", "Created Date"],
            "close_date": ["CloseDate", "Close Date"],
            "status": ["StageName", "Stage"],
            "amount": ["Amount"],
            "margin_rate": ["Margin_Rate__c", "Margin Rate", "Taux de marge"],
        },
        values={"status": {"Closed Won": "won", "Closed Lost": "lost",
                           "Fermée gagnée": "won", "Fermée perdue": "lost", "*": "open"}},
        required=("deal_id", "status")),
    signature=("StageName",), channel_from=("LeadSource", "Lead Source"),
    finish=_opportunity_status)

_OPPORTUNITY_HEADERS = (
    "Opportunity Name", "Opportunity Owner", "Account Name", "Type", "Lead Source",
    "Probability (%)", "Fiscal Period", "Age", "Next Step", "Expected Revenue",
    "Opportunity Record Type", "Close Date", "Created Date", "Stage Duration",
    "Forecast Category", "Description", "Name", "Probability", "ExpectedRevenue",
    "ForecastCategoryName", "Type", "OwnerId", "FiscalYear", "FiscalQuarter")
OPPORTUNITIES = replace(OPPORTUNITIES, known=_OPPORTUNITY_HEADERS)
# Report exports say "Stage" instead of "StageName", and often have no id.
OPPORTUNITIES_REPORT = Preset(
    vendor="salesforce", name="Salesforce opportunities (report)",
    mapping=replace(OPPORTUNITIES.mapping, name="Salesforce opportunity report",
                    required=("status",)),
    signature=("Stage", ("Opportunity ID", "Opportunity Name", "Close Date")),
    channel_from=("LeadSource", "Lead Source"), finish=_opportunity_status,
    known=_OPPORTUNITY_HEADERS)
CAMPAIGNS_REPORT = Preset(
    vendor="salesforce", name="Salesforce campaigns (report)",
    mapping=CAMPAIGNS.mapping, signature=("Campaign Name", "Type"), finish=_campaign_sheets,
    known=CAMPAIGNS.known)

PRESETS = [OPPORTUNITIES, OPPORTUNITIES_REPORT, CAMPAIGNS, CAMPAIGNS_REPORT]
