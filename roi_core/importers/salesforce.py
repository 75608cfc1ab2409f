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
"""

from __future__ import annotations

import pandas as pd

from roi_core.dataset import COLUMNS
from roi_core.errors import InputError
from roi_core.importers.localize import parse_amounts
from roi_core.importers.mapping import ColumnMapping
from roi_core.importers.preset import Preset, column_of, open_deals_have_no_close_date
from roi_core.io.read import RawTable

__all__ = ["PRESETS", "CAMPAIGNS", "OPPORTUNITIES", "TYPES"]

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
                     locale: str) -> dict[str, pd.DataFrame]:
    campaigns = frames["campaigns"]
    actual = column_of(table, "ActualCost", "Actual Cost in Campaign", "Actual Cost")
    if actual is None:
        actual = pd.Series([None] * len(campaigns), dtype=object)
    cost, bad = parse_amounts(actual, locale)
    if bad.any():
        idx = int(bad.nonzero()[0][0])
        raise InputError(f"'{actual.iat[idx]}' is not an amount", file=table.file,
                         sheet=table.sheet, row=int(table.rows[idx]), column="ActualCost",
                         expected="an amount such as 1400.00")
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
            values, bad = parse_amounts(raw, locale)
            if bad.any():
                idx = int(bad.nonzero()[0][0])
                raise InputError(f"'{raw.iat[idx]}' is not a number", file=table.file,
                                 sheet=table.sheet, row=int(table.rows[idx]),
                                 column=headers[0], expected="a whole number such as 120")
            funnel[column] = values
    out = {"campaigns": campaigns, "costs": costs.reset_index(drop=True)}
    if len(funnel) > 1:
        out["funnel"] = pd.DataFrame(funnel).assign(row=campaigns["row"])
    return out


def _opportunity_status(table: RawTable, frames: dict[str, pd.DataFrame],
                        locale: str) -> dict[str, pd.DataFrame]:
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
    return {"deals": open_deals_have_no_close_date(deals)}


CAMPAIGNS = Preset(
    vendor="salesforce", name="Salesforce campaigns",
    mapping=ColumnMapping(
        sheet="campaigns", name="Salesforce campaigns",
        columns={
            "campaign_id": ["Id", "Campaign ID", "ID de campagne"],
            "campaign": ["Name", "Campaign Name", "Nom de la campagne"],
            "channel": ["Type"],
            "start_date": ["StartDate", "Start Date", "Date de début"],
            "end_date": ["EndDate", "End Date", "Date de fin"],
            "targets": ["NumberSent", "Num Sent in Campaign"],
        },
        values={"channel": dict(TYPES)},
        required=("campaign_id", "channel")),
    signature=("Type",), finish=_campaign_sheets)

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

# Report exports say "Stage" instead of "StageName".
OPPORTUNITIES_REPORT = Preset(
    vendor="salesforce", name="Salesforce opportunities (report)",
    mapping=OPPORTUNITIES.mapping, signature=("Stage", "Opportunity ID"),
    channel_from=("LeadSource", "Lead Source"), finish=_opportunity_status)
CAMPAIGNS_REPORT = Preset(
    vendor="salesforce", name="Salesforce campaigns (report)",
    mapping=CAMPAIGNS.mapping, signature=("Campaign Name", "Type"), finish=_campaign_sheets)

PRESETS = [OPPORTUNITIES, OPPORTUNITIES_REPORT, CAMPAIGNS, CAMPAIGNS_REPORT]
