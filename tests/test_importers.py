"""CRM imports: exports written with the vendors' real column names and value formats.

The same five deals of two campaigns are typed in the template and exported from
HubSpot, Salesforce and Pipedrive; every import must give the same KPIs.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT, write_xlsx
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import french_amount, us_amount

from roi_core.errors import InputError
from roi_core.importers import ColumnMapping, import_files, suggest_mapping, write_workbook
from roi_core.importers.localize import (
    AmbiguousCell,
    infer_conventions,
    parse_amounts,
    parse_dates,
)
from roi_core.io import load_bytes, load_workbook
from roi_core.kpis import kpi_table

d = dt.datetime

CAMPAIGNS = [["ID campagne", "Campagne", "Canal", "Date de début", "Date de fin"],
             ["C1", "Phoning PME", "Téléprospection", d(2026, 1, 5), d(2026, 3, 31)],
             ["C2", "Emailing ETI", "Emailing", d(2026, 2, 1), d(2026, 4, 30)]]
COSTS = [["ID campagne", "Catégorie", "Poste", "Montant"],
         ["C1", "directe", "Temps commercial", 1400],
         ["C2", "directe", "Routage", 500]]
# The truth, typed in the template.
DEALS = [["ID affaire", "ID campagne", "ID compte", "Date de création", "Date de signature",
          "Statut", "Montant", "Taux de marge"],
         ["D1", "C1", "A1", d(2026, 1, 15), d(2026, 2, 10), "gagnée", 6000, 0.4],
         ["D2", "C1", "A2", d(2026, 1, 20), None, "en cours", 5000, 0.4],
         ["D3", "C2", "A3", d(2026, 2, 10), d(2026, 3, 20), "perdue", 3000, 0.4],
         ["D4", "C2", "A4", d(2026, 2, 12), d(2026, 3, 2), "gagnée", 1234.5, 0.4],
         ["D5", "C1", "A5", d(2026, 3, 1), d(2026, 3, 28), "gagnée", 2500, 0.4]]


def _csv(path, rows, sep=",", encoding="utf-8"):
    def cell(v):
        v = "" if v is None else str(v)
        return '"' + v.replace('"', '""') + '"' if sep in v or '"' in v else v
    path.write_text("\n".join(sep.join(cell(v) for v in r) for r in rows) + "\n",
                    encoding=encoding)
    return path


@pytest.fixture
def template(tmp_path):
    return write_xlsx(tmp_path / "template.xlsx", {"Campagnes": CAMPAIGNS, "Coûts": COSTS,
                                                   "Affaires": DEALS})


@pytest.fixture
def template_costs(tmp_path):
    """What the user typed in the template besides the CRM: campaigns and costs."""
    return write_xlsx(tmp_path / "costs.xlsx", {"Campagnes": CAMPAIGNS, "Coûts": COSTS})


def _kpis(data, by):
    table = kpi_table(data, by)
    return table.sort_values(table.columns[0]).reset_index(drop=True)


def _same_kpis(imported, truth, bys=("total", "channel", "campaign", "month")):
    for by in bys:
        a, b = _kpis(imported, by), _kpis(truth, by)
        numeric = [c for c in b.columns if pd.api.types.is_numeric_dtype(b[c])]
        assert list(a[a.columns[0]]) == list(b[b.columns[0]]), by
        np.testing.assert_allclose(a[numeric].to_numpy(float), b[numeric].to_numpy(float),
                                   rtol=1e-9, equal_nan=True, err_msg=by)


def _written(sheets, tmp_path, name="out.xlsx"):
    path = tmp_path / name
    write_workbook(sheets, path)
    return load_workbook(path)


# --- the three CRMs -------------------------------------------------------------------------

HUBSPOT_DEALS = [
    ["Record ID", "Deal Name", "Deal Stage", "Close Date", "Create Date", "Amount",
     "Pipeline", "Deal owner", "Campaign", "Associated Company IDs", "Original Source"],
    ["15873420011", "PME Dupont", "Closed Won", "2026-02-10 16:45", "2026-01-15 09:30",
     "6000", "Sales Pipeline", "Léa Martin", "C1", "9001", "Offline Sources"],
    ["15873420012", "PME Durand", "Appointment Scheduled", "2026-04-30 00:00",
     "2026-01-20 11:02", "5000", "Sales Pipeline", "Léa Martin", "C1", "9002",
     "Offline Sources"],
    ["15873420013", "ETI Lefèvre", "Closed Lost", "2026-03-20 10:00", "2026-02-10 14:12",
     "3000", "Sales Pipeline", "Hugo Petit", "C2", "9003", "Email Marketing"],
    ["15873420014", "ETI Moreau", "Closed Won", "2026-03-02 17:20", "2026-02-12 08:55",
     "1234.5", "Sales Pipeline", "Hugo Petit", "C2", "9004", "Email Marketing"],
    ["15873420015", "PME Garnier", "Closed Won", "2026-03-28 12:00", "2026-03-01 10:10",
     "2500", "Sales Pipeline", "Léa Martin", "C1", "9005", "Offline Sources"],
]


def test_hubspot_deals_give_the_template_kpis(tmp_path, template, template_costs) -> None:
    export = _csv(tmp_path / "hubspot-crm-exports-all-deals-2026-04-01.csv", HUBSPOT_DEALS,
                  encoding="utf-8-sig")
    sheets = import_files([export, template_costs], "hubspot", margin_rate=0.4)
    _same_kpis(_written(sheets, tmp_path), load_workbook(template))
    deals = sheets["deals"].set_index("deal_id")
    assert deals.at["15873420012", "status"] == "open"
    assert pd.isna(deals.at["15873420012", "close_date"])  # the expected date is dropped
    assert deals.at["15873420014", "amount"] == 1234.5


SALESFORCE_CAMPAIGNS = [
    ["Id", "Name", "Type", "Status", "StartDate", "EndDate", "BudgetedCost", "ActualCost",
     "NumberOfLeads", "NumberOfOpportunities", "NumberOfWonOpportunities",
     "AmountWonOpportunities", "IsActive"],
    ["7015g000000AbCdAAK", "Phoning PME", "Telemarketing", "Completed", "2026-01-05",
     "2026-03-31", "2000.0", "1400.0", "40", "3", "2", "8500.0", "false"],
    ["7015g000000AbCeAAK", "Emailing ETI", "Email", "Completed", "2026-02-01",
     "2026-04-30", "800.0", "500.0", "25", "2", "1", "1234.5", "true"],
]
SALESFORCE_OPPORTUNITIES = [
    ["Id", "Name", "AccountId", "StageName", "Amount", "CloseDate", "CreatedDate",
     "LeadSource", "CampaignId", "IsWon", "IsClosed", "Probability"],
    ["0065g00000XyZ1AAK", "PME Dupont", "0015g00000Aa1AAK", "Closed Won", "6000.0",
     "2026-02-10", "2026-01-15T09:30:00.000Z", "Phone Inquiry", "7015g000000AbCdAAK",
     "true", "true", "100"],
    ["0065g00000XyZ2AAK", "PME Durand", "0015g00000Aa2AAK", "Negotiation/Review", "5000.0",
     "2026-04-30", "2026-01-20T11:02:00.000Z", "Phone Inquiry", "7015g000000AbCdAAK",
     "false", "false", "90"],
    ["0065g00000XyZ3AAK", "ETI Lefèvre", "0015g00000Aa3AAK", "Closed Lost", "3000.0",
     "2026-03-20", "2026-02-10T14:12:00.000Z", "Web", "7015g000000AbCeAAK", "false",
     "true", "0"],
    ["0065g00000XyZ4AAK", "ETI Moreau", "0015g00000Aa4AAK", "Closed Won", "1234.5",
     "2026-03-02", "2026-02-12T08:55:00.000Z", "Web", "7015g000000AbCeAAK", "true",
     "true", "100"],
    ["0065g00000XyZ5AAK", "PME Garnier", "0015g00000Aa5AAK", "Closed Won", "2500.0",
     "2026-03-28", "2026-03-01T10:10:00.000Z", "Phone Inquiry", "7015g000000AbCdAAK",
     "true", "true", "100"],
]


def test_salesforce_campaigns_and_opportunities_give_the_template_kpis(tmp_path,
                                                                       template) -> None:
    camps = _csv(tmp_path / "Campaign.csv", SALESFORCE_CAMPAIGNS)
    opps = _csv(tmp_path / "Opportunity.csv", SALESFORCE_OPPORTUNITIES)
    sheets = import_files([camps, opps], "salesforce", margin_rate=0.4)
    assert "funnel" not in sheets  # the opportunities give the volumes
    assert sheets["costs"]["amount"].tolist() == [1400.0, 500.0]
    assert sheets["campaigns"]["channel"].tolist() == ["Téléprospection", "Emailing"]
    # Campaign ids are Salesforce's own: compare every grouping but by campaign id.
    _same_kpis(_written(sheets, tmp_path), load_workbook(template),
               ("total", "channel", "month"))


def test_salesforce_campaigns_alone_give_a_funnel(tmp_path) -> None:
    camps = _csv(tmp_path / "Campaign.csv", SALESFORCE_CAMPAIGNS)
    data = _written(import_files([camps], "salesforce"), tmp_path)
    assert data.funnel["clients"].tolist() == [2.0, 1.0]
    assert data.funnel["revenue"].tolist() == [8500.0, 1234.5]
    assert data.campaigns["targets"].isna().all()


PIPEDRIVE_DEALS = [
    ["Deal - ID", "Deal - Title", "Deal - Value", "Deal - Currency", "Deal - Status",
     "Deal - Won time", "Deal - Lost time", "Deal - Deal created", "Deal - Organization",
     "Deal - Campaign", "Deal - Source channel", "Deal - Expected close date"],
    ["101", "PME Dupont deal", "6000", "EUR", "won", "2026-02-10 16:45:10", "",
     "2026-01-15 09:30:00", "PME Dupont", "C1", "Prospecting", "2026-02-15"],
    ["102", "PME Durand deal", "5000", "EUR", "open", "", "", "2026-01-20 11:02:00",
     "PME Durand", "C1", "Prospecting", "2026-04-30"],
    ["103", "ETI Lefèvre deal", "3000", "EUR", "lost", "", "2026-03-20 10:00:00",
     "2026-02-10 14:12:00", "ETI Lefèvre", "C2", "Marketing", ""],
    ["104", "ETI Moreau deal", "1234.5", "EUR", "won", "2026-03-02 17:20:00", "",
     "2026-02-12 08:55:00", "ETI Moreau", "C2", "Marketing", ""],
    ["105", "PME Garnier deal", "2500", "EUR", "won", "2026-03-28 12:00:00", "",
     "2026-03-01 10:10:00", "PME Garnier", "C1", "Prospecting", ""],
    ["106", "Test deal", "999", "EUR", "deleted", "", "", "2026-03-02 10:00:00", "Test",
     "C1", "", ""],
]


def test_pipedrive_deals_give_the_template_kpis(tmp_path, template) -> None:
    export = _csv(tmp_path / "deals-export.csv", PIPEDRIVE_DEALS)
    # Campaigns and costs typed by the user as French CSV files (";" and Windows-1252).
    camp = _csv(tmp_path / "Campagnes.csv", [[("" if v is None else
                                               v.strftime("%d/%m/%Y") if isinstance(v, d)
                                               else v) for v in r] for r in CAMPAIGNS],
                sep=";", encoding="cp1252")
    costs = _csv(tmp_path / "Coûts.csv", COSTS, sep=";", encoding="cp1252")
    sheets = import_files([export, camp, costs], "pipedrive", margin_rate=0.4)
    assert "106" not in set(sheets["deals"]["deal_id"])  # deleted deals are left out
    lost = sheets["deals"].set_index("deal_id").at["103", "close_date"]
    assert lost == pd.Timestamp("2026-03-20")  # the lost time closes a lost deal
    _same_kpis(_written(sheets, tmp_path), load_workbook(template))


# --- locales ----------------------------------------------------------------------------------


def test_salesforce_report_from_a_us_user(tmp_path) -> None:
    rows = [["Opportunity ID", "Opportunity Name", "Stage", "Amount", "Close Date",
             "Created Date", "Campaign ID", "Account Name"],
            ["0061", "A", "Closed Won", "$6,000.00", "2/10/2026", "1/15/2026", "C1", "A1"],
            ["0062", "B", "Closed Won", "$1,234.50", "3/2/2026", "2/12/2026", "C2", "A4"]]
    sheets = import_files([_csv(tmp_path / "report.csv", rows)], "salesforce")
    deals = sheets["deals"]
    assert deals["amount"].tolist() == [6000.0, 1234.5]
    assert deals["close_date"].tolist() == [pd.Timestamp("2026-02-10"),
                                            pd.Timestamp("2026-03-02")]


def test_salesforce_report_from_a_french_user(tmp_path) -> None:
    rows = [["Opportunity ID", "Opportunity Name", "Stage", "Amount", "Close Date",
             "Created Date", "Campaign ID", "Account Name"],
            ["0061", "A", "Closed Won", "6\u202f000,00\u00a0€", "10/02/2026", "15/01/2026",
             "C1", "A1"],
            ["0062", "B", "Closed Won", "1\u202f234,50\u00a0€", "02/03/2026", "12/02/2026",
             "C2", "A4"]]
    path = tmp_path / "rapport.csv"
    path.write_bytes("\n".join(";".join(r) for r in rows).encode("utf-8"))
    deals = import_files([path], "salesforce")["deals"]
    assert deals["amount"].tolist() == [6000.0, 1234.5]
    assert deals["close_date"].tolist() == [pd.Timestamp("2026-02-10"),
                                            pd.Timestamp("2026-03-02")]


def test_locale_option_decides_ambiguous_cells(tmp_path) -> None:
    rows = [["Opportunity ID", "Stage", "Amount", "Close Date", "Campaign ID"],
            ["1", "Closed Won", "1,234", "03/02/2026", "C1"]]
    path = _csv(tmp_path / "r.csv", rows, sep=";")
    us = import_files([path], "salesforce", locale="en_US")["deals"]
    fr = import_files([path], "salesforce", locale="fr")["deals"]
    assert us["amount"].tolist() == [1234.0] and fr["amount"].tolist() == [1.234]
    assert us["close_date"].iat[0] == pd.Timestamp("2026-03-02")
    assert fr["close_date"].iat[0] == pd.Timestamp("2026-02-03")


def test_excel_serial_dates_and_xlsx_exports(tmp_path) -> None:
    rows = [list(HUBSPOT_DEALS[0]), list(HUBSPOT_DEALS[1])]
    rows[1][4] = 46037  # 2026-01-15 as an Excel serial number
    rows[1][5] = 6000
    path = write_xlsx(tmp_path / "hubspot.xlsx", {"Deals": rows})
    deals = import_files([path], "hubspot")["deals"]
    assert deals["created_date"].iat[0] == pd.Timestamp("2026-01-15")
    assert deals["amount"].iat[0] == 6000.0


def test_parsers_directly() -> None:
    values, bad = parse_amounts(pd.Series(["(1.234,50 €)", "x"], dtype=object), "fr")
    assert values.iat[0] == -1234.5 and bad.tolist() == [False, True]
    dates, bad = parse_dates(pd.Series(["15.01.2026", "2026-13-45"], dtype=object), "de")
    assert dates.iat[0] == pd.Timestamp("2026-01-15") and bad.tolist() == [False, True]


# --- calls, contacts ------------------------------------------------------------------------

CALL_LOG = [["Started at", "Agent", "Campaign", "Outcome", "Duration"],
            ["2026-01-06 09:12:00", "Léa", "C1", "missed", "0"],
            ["2026-01-06 09:20:00", "Léa", "C1", "answered", "245"],
            ["2026-01-07 10:00:00", "Léa", "C1", "Interested", "04:30"],
            ["2026-01-08 11:00:00", "Hugo", "C1", "voicemail", "35"],
            ["2026-01-09 14:00:00", "Hugo", "C1", "Meeting booked", "0:12:00"]]


def test_call_log_becomes_activities_and_a_funnel(tmp_path, template_costs) -> None:
    log = _csv(tmp_path / "calls.csv", CALL_LOG)
    sheets = import_files([log, template_costs], "calls")
    acts = sheets["activities"]
    assert acts["outcome"].tolist() == ["no_answer", "contact", "lead", "no_answer", "meeting"]
    assert acts["type"].tolist() == ["call"] * 5
    np.testing.assert_allclose(acts["duration_min"], [0, 245 / 60, 4.5, 35 / 60, 12])
    data = _written(sheets, tmp_path)
    c1 = data.funnel[data.funnel["campaign_id"] == "C1"]
    assert c1["contacts"].sum() == 3 and c1["leads"].sum() == 2


def test_hubspot_contacts_become_touchpoints(tmp_path, template_costs) -> None:
    rows = [["Record ID", "First Name", "Last Name", "Email", "Create Date",
             "Lifecycle Stage", "Original Source", "Associated Company", "Campaign"],
            ["501", "Anne", "Dupont", "anne@dupont.fr", "2026-01-10 10:00", "Lead",
             "Email Marketing", "Dupont SA", "C2"],
            ["502", "Paul", "Roux", "paul@roux.fr", "2026-01-11 15:30", "Customer",
             "Organic Social", "Roux SARL", "C1"]]
    sheets = import_files([_csv(tmp_path / "contacts.csv", rows), template_costs],
                          "hubspot")
    tp = sheets["touchpoints"]
    assert tp["channel"].tolist() == ["Emailing", "Social selling"]
    assert tp["account_id"].tolist() == ["Dupont SA", "Roux SARL"]
    assert tp["timestamp"].iat[1] == pd.Timestamp("2026-01-11 15:30")


# --- generic mappings --------------------------------------------------------------------------


def test_saved_mapping_roundtrip_and_use(tmp_path, template_costs, template) -> None:
    rows = [["N° affaire", "Opération", "Client", "Créée le", "Signée le", "Etape", "CA HT"],
            ["D1", "C1", "A1", "15/01/2026", "10/02/2026", "Signé", "6 000,00"],
            ["D2", "C1", "A2", "20/01/2026", "", "Relance", "5 000,00"],
            ["D3", "C2", "A3", "10/02/2026", "20/03/2026", "Abandon", "3 000,00"],
            ["D4", "C2", "A4", "12/02/2026", "02/03/2026", "Signé", "1 234,50"],
            ["D5", "C1", "A5", "01/03/2026", "28/03/2026", "Signé", "2 500,00"]]
    export = _csv(tmp_path / "export_maison.csv", rows, sep=";", encoding="cp1252")
    mapping = ColumnMapping(
        "deals", {"deal_id": "N° affaire", "campaign_id": "Opération", "account_id": "Client",
                  "created_date": "Créée le", "close_date": "Signée le", "status": "Etape",
                  "amount": "CA HT"},
        values={"status": {"Signé": "won", "Abandon": "lost", "*": "open"}},
        constants={"margin_rate": 0.4}, locale="fr", name="export maison")
    saved = tmp_path / "mapping.json"
    mapping.save(saved)
    again = ColumnMapping.load(saved)
    assert again == mapping
    sheets = import_files([export, template_costs], "mapping", mapping=again)
    _same_kpis(_written(sheets, tmp_path), load_workbook(template))


def test_broken_mapping_files_are_input_errors(tmp_path) -> None:
    for text in ("{not json", '{"columns": {}}', '{"sheet": "nope", "columns": {}}',
                 '{"sheet": "deals", "columns": {"bogus": "x"}}', "[]",
                 '{"sheet": "deals", "columns": {}, "extra": 1, "locale": "xx"}'):
        with pytest.raises(InputError):
            ColumnMapping.from_json(text)


def test_suggest_mapping_uses_presets() -> None:
    from roi_core.importers.hubspot import DEALS as HS

    guess = suggest_mapping(HUBSPOT_DEALS[0], "deals", [HS.mapping])
    assert guess["deal_id"] == "Record ID" and guess["status"] == "Deal Stage"
    assert guess["amount"] == "Amount"


# --- errors, injection, CLI ------------------------------------------------------------------


def test_unknown_export_is_a_clear_error(tmp_path) -> None:
    path = _csv(tmp_path / "random.csv", [["foo", "bar"], ["1", "2"]])
    with pytest.raises(InputError, match="not a hubspot export"):
        import_files([path], "hubspot")


def test_unreadable_amount_names_row_and_column(tmp_path) -> None:
    rows = [list(r) for r in HUBSPOT_DEALS]
    rows[3][5] = "trois mille"
    with pytest.raises(InputError) as err:
        import_files([_csv(tmp_path / "d.csv", rows)], "hubspot")
    assert err.value.row == 4 and err.value.column == "Amount"


def test_formula_injection_never_reaches_the_workbook(tmp_path) -> None:
    rows = [list(r) for r in HUBSPOT_DEALS[:2]]
    rows[1][8] = '=HYPERLINK("http://evil.example","clic")'  # the campaign
    rows[1][9] = "@SUM(1+1)*cmd|' /C calc'!A0"               # the company
    sheets = import_files([_csv(tmp_path / "d.csv", rows)], "hubspot")
    data = write_workbook(sheets)
    import io

    from openpyxl import load_workbook as open_xlsx

    book = open_xlsx(io.BytesIO(data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@")), cell.value
    loaded = load_bytes(data, "x.xlsx")
    assert loaded.deals["campaign_id"].iat[0] == "'=HYPERLINK(\"http://evil.example\",\"clic\")"


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "roi_core", *args], cwd=ROOT,
                          capture_output=True, text=True)


def test_cli_import_then_kpis(tmp_path, template, template_costs) -> None:
    export = _csv(tmp_path / "deals.csv", PIPEDRIVE_DEALS)
    out = tmp_path / "imported.xlsx"
    result = _cli("import", "--from", "pipedrive", str(export), str(template_costs), "-o",
                  str(out), "--margin-rate", "40%")
    assert result.returncode == 0, result.stderr
    assert "deals 5" in result.stdout
    kpis = _cli("kpis", str(out), "--format", "json")
    truth = _cli("kpis", str(template), "--format", "json")
    assert json.loads(kpis.stdout) == json.loads(truth.stdout)


def test_cli_import_bad_input_exits_2(tmp_path) -> None:
    bad = _csv(tmp_path / "x.csv", [["foo"], ["1"]])
    for args in (["--from", "hubspot", str(bad)], ["--from", "hubspot", str(tmp_path / "no")],
                 ["--from", "mapping", str(bad)],
                 ["--from", "pipedrive", str(bad), "--margin-rate", "140 %"]):
        result = _cli("import", *args, "-o", str(tmp_path / "o.xlsx"))
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_salesforce_bad_actual_cost_is_located(tmp_path) -> None:
    rows = [list(r) for r in SALESFORCE_CAMPAIGNS]
    rows[2][7] = "n/a"
    with pytest.raises(InputError) as err:
        import_files([_csv(tmp_path / "Campaign.csv", rows)], "salesforce")
    assert err.value.row == 3 and err.value.column == "ActualCost"


def test_unreadable_duration_and_lost_time_are_located(tmp_path) -> None:
    calls_rows = [list(r) for r in CALL_LOG]
    calls_rows[3][4] = "long"
    with pytest.raises(InputError) as err:
        import_files([_csv(tmp_path / "calls.csv", calls_rows)], "calls")
    assert err.value.row == 4 and err.value.column == "Duration"
    deals = [list(r) for r in PIPEDRIVE_DEALS]
    deals[3][6] = "hier"
    with pytest.raises(InputError) as err:
        import_files([_csv(tmp_path / "deals.csv", deals)], "pipedrive")
    assert err.value.row == 4 and err.value.column == "Deal - Lost time"


# --- real exports (issue 12): files laid out as the vendors write them ------------------------
# tests/data/exports/README.md says where each layout comes from.

EXPORTS = Path(__file__).parent / "data" / "exports"


def _imported(paths, vendor, **options):
    """(sheets, {topic: English note}) of an import."""
    notes = []
    sheets = import_files(paths, vendor, notes=notes, **options)
    return sheets, {n.topic: n.en for n in notes}


def _truth(tmp_path, campaigns, deals, costs=(), name="truth.xlsx"):
    """The same deals typed in the template (rows: id, campaign, account, created, closed,
    status, amount)."""
    return load_workbook(write_xlsx(tmp_path / name, {
        "Campagnes": [["ID campagne", "Campagne", "Canal", "Date de début"], *campaigns],
        "Coûts": [["ID campagne", "Catégorie", "Poste", "Montant"], *costs],
        "Affaires": [DEALS[0], *[[*r, 0.4] for r in deals]]}))


# The US report's deals as a US user typed them: "$6,000", "12,500", "$950" ...
US_DEALS = [["D1", "Phone Inquiry", "PME Dupont", d(2026, 1, 15), d(2026, 2, 10), "gagnée", 6000],
            ["D2", "Phone Inquiry", "PME Durand", d(2026, 1, 20), None, "en cours", 12500],
            ["D3", "Web", "ETI Lefevre", d(2026, 2, 10), d(2026, 3, 20), "perdue", 3000],
            ["D4", "Web", "ETI Moreau", d(2026, 2, 12), d(2026, 3, 2), "gagnée", 950],
            ["D5", "Phone Inquiry", "PME Garnier", d(2026, 3, 1), d(2026, 3, 28), "gagnée",
             2500]]
US_CAMPAIGNS = [["Phone Inquiry", "Phone Inquiry", "Phone Inquiry", d(2026, 1, 15)],
                ["Web", "Web", "Web", d(2026, 2, 10)]]


def test_us_whole_amounts_read_as_thousands(tmp_path) -> None:
    """A US user's report: "$6,000", "12,500", "$950" are 6000, 12500, 950 (the currency
    sign and the month-first dates say en_US), the footer lines are no deals, the "Type"
    column does not make it a campaigns export, and rows without an id get stable ones."""
    sheets, notes = _imported([EXPORTS / "salesforce_opportunity_report_us.csv"],
                              "salesforce", margin_rate=0.4)
    deals = sheets["deals"]
    assert deals["amount"].tolist() == [6000.0, 12500.0, 3000.0, 950.0, 2500.0]
    assert deals["status"].tolist() == ["won", "open", "lost", "won", "won"]
    assert deals["close_date"].iat[3] == pd.Timestamp("2026-03-02")
    assert "en_US" in notes["locale"]
    assert "3 report footer line(s) skipped" in notes["footer"]
    assert "built from 'Lead Source'" in notes["campaigns"]
    _same_kpis(_written(sheets, tmp_path), _truth(tmp_path, US_CAMPAIGNS, US_DEALS))


def test_report_ids_are_stable_across_exports(tmp_path) -> None:
    lines = (EXPORTS / "salesforce_opportunity_report_us.csv").read_text().splitlines()
    shuffled = tmp_path / "report_next_month.csv"
    shuffled.write_text("\n".join([lines[0], *reversed(lines[1:6]), *lines[6:]]) + "\n")
    first = import_files([EXPORTS / "salesforce_opportunity_report_us.csv"], "salesforce")
    again = import_files([shuffled], "salesforce")
    ids = dict(zip(first["deals"]["account_id"], first["deals"]["deal_id"], strict=True))
    assert dict(zip(again["deals"]["account_id"], again["deals"]["deal_id"],
                    strict=True)) == ids
    assert len(set(ids.values())) == 5 and all(i.startswith("SF-") for i in ids.values())


def test_ambiguous_report_stops_and_shows_both_readings(tmp_path) -> None:
    export = EXPORTS / "salesforce_opportunity_report_ambiguous.csv"
    out = tmp_path / "o.xlsx"
    result = _cli("import", "--from", "salesforce", str(export), "-o", str(out))
    assert result.returncode == 2 and not out.exists()
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    # The first date column read: "1/5/2026" is 1 May (fr) or 5 January (en_US).
    assert "'1/5/2026' reads two ways: 1 May 2026 with --locale fr or 5 January 2026 " \
           "with --locale en_US" in result.stderr
    assert "line 2, column 'Created Date'" in result.stderr
    us = _cli("import", "--from", "salesforce", str(export), "-o", str(out), "--locale",
              "en_US")
    assert us.returncode == 0, us.stderr
    assert "locale of numbers and dates: en_US (given with --locale)" in us.stdout
    assert load_workbook(out).deals["amount"].tolist() == [6000.0, 12500.0, 950.0]


def test_ambiguous_amounts_alone_stop_too(tmp_path) -> None:
    rows = [["Opportunity ID", "Stage", "Amount", "Close Date", "Campaign ID"],
            ["1", "Closed Won", "6,000", "2026-02-10", "C1"],
            ["2", "Closed Won", "12,500", "2026-03-02", "C1"],
            ["3", "Closed Won", "950", "2026-03-02", "C1"]]
    with pytest.raises(InputError) as err:
        import_files([_csv(tmp_path / "r.csv", rows)], "salesforce")
    assert "'6,000' reads two ways: 6000 with --locale en_US or 6 with --locale fr" in \
        str(err.value)
    assert err.value.row == 2 and err.value.column == "Amount"
    # One cell elsewhere in the file that reads one way only decides for the whole file.
    rows[3][2] = "950.00"
    deals = import_files([_csv(tmp_path / "r.csv", rows)], "salesforce")["deals"]
    assert deals["amount"].tolist() == [6000.0, 12500.0, 950.0]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10**7), min_size=1, max_size=8),
       st.sampled_from(["us", "us$", "fr€", "us_cents", "fr_cents"]))
def test_amounts_read_back_or_stop(values, style) -> None:
    """Whatever the writing, a column reads back to its amounts, or stops: never another
    number."""
    cents = style.endswith("cents")
    texts = [us_amount(v / 100 if cents else v, 2 if cents else 0, style == "us$")
             if style.startswith("us") else
             french_amount(v / 100 if cents else v, 2 if cents else 0, "\u202f",
                           style == "fr€") for v in values]
    expected = [v / 100 if cents else float(v) for v in values]
    frame = pd.DataFrame({"Amount": texts})
    try:
        got, bad = parse_amounts(frame["Amount"].astype(object), infer_conventions(frame))
    except AmbiguousCell as exc:
        assert style == "us" and exc.text in texts  # only bare "6,000" can be ambiguous
        return
    assert not bad.any()
    np.testing.assert_allclose(got.to_numpy(), expected, rtol=0, atol=1e-9)


def test_french_hubspot_export(tmp_path, template, template_costs) -> None:
    sheets = import_files([EXPORTS / "hubspot_deals_fr.csv", template_costs], "hubspot",
                          margin_rate=0.4)
    deals = sheets["deals"].set_index("deal_id")
    assert deals["status"].tolist() == ["won", "open", "lost", "won", "won"]
    assert deals.at["15873420014", "amount"] == 1234.5
    _same_kpis(_written(sheets, tmp_path), load_workbook(template))


def test_hubspot_amount_in_company_currency(tmp_path, template, template_costs) -> None:
    sheets, notes = _imported([EXPORTS / "hubspot_deals_company_currency.csv",
                               template_costs], "hubspot", margin_rate=0.4)
    assert sheets["deals"]["amount"].tolist() == [6000.0, 5000.0, 3000.0, 1234.5, 2500.0]
    assert "'Amount in company currency'" in notes["amount"]
    _same_kpis(_written(sheets, tmp_path), load_workbook(template))


@pytest.mark.parametrize("name", ["pipedrive_deals_fr.csv", "pipedrive_deals_new.csv"])
def test_french_and_newer_pipedrive_exports(tmp_path, template, template_costs,
                                            name) -> None:
    sheets = import_files([EXPORTS / name, template_costs], "pipedrive", margin_rate=0.4)
    deals = sheets["deals"].set_index("deal_id")
    assert deals["status"].tolist() == ["won", "open", "lost", "won", "won"]
    assert deals.at["103", "close_date"] == pd.Timestamp("2026-03-20")
    assert deals.at["101", "account_id"] == "PME Dupont"
    _same_kpis(_written(sheets, tmp_path), load_workbook(template))


def test_deals_without_any_campaign(tmp_path) -> None:
    export = EXPORTS / "hubspot_deals_no_campaign.csv"
    out = tmp_path / "o.xlsx"
    result = _cli("import", "--from", "hubspot", str(export), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "[warning]" in result.stdout and "'(non attribué)' campaign" in result.stdout
    data = load_workbook(out)
    assert data.campaigns["campaign_id"].tolist() == ["(non attribué)"]
    kpis = _cli("kpis", str(out), "--format", "json")
    assert kpis.returncode == 0, kpis.stderr
    total = json.loads(kpis.stdout)
    total = total[0] if isinstance(total, list) else total
    assert total["clients"] == 1 and total["revenue"] == 6000
    # With a pipeline column, the campaigns are the pipelines (and the note says so).
    rows = [line.split(",") for line in export.read_text().splitlines()]
    rows = [[*r, '"Pipeline"' if i == 0 else '"Sales Pipeline"' if i < 3 else '"Partners"']
            for i, r in enumerate(rows)]
    with_pipeline = tmp_path / "deals.csv"
    with_pipeline.write_text("\n".join(",".join(r) for r in rows) + "\n")
    sheets, notes = _imported([with_pipeline], "hubspot")
    assert sheets["campaigns"]["campaign_id"].tolist() == ["Sales Pipeline", "Partners"]
    assert "built from 'Pipeline'" in notes["campaigns"]


def test_margin_rate_applies_to_a_campaign_report_funnel(tmp_path) -> None:
    out = tmp_path / "o.xlsx"
    result = _cli("import", "--from", "salesforce",
                  str(EXPORTS / "salesforce_campaign_report_us.csv"), "-o", str(out),
                  "--margin-rate", "40%")
    assert result.returncode == 0, result.stderr
    data = load_workbook(out)
    assert data.campaigns["channel"].tolist() == ["Téléprospection", "Emailing"]
    assert data.costs["amount"].tolist() == [1400.0, 500.0]
    np.testing.assert_allclose(data.funnel["margin"], [8500 * 0.4, 1234.5 * 0.4])
    total = kpi_table(data, "total").iloc[0]
    assert total["roi"] == pytest.approx(((8500 + 1234.5) * 0.4 - 1900) / 1900, rel=1e-12)


def test_audit_says_what_the_import_guessed(tmp_path) -> None:
    out = tmp_path / "o.xlsx"
    assert _cli("import", "--from", "salesforce",
                str(EXPORTS / "salesforce_opportunity_report_us.csv"), "-o",
                str(out)).returncode == 0
    audit = _cli("audit", str(out), "--format", "json", "--lang", "en")
    assert audit.returncode == 0, audit.stderr
    found = [(f["rule"], f["severity"], f["message"])
             for f in json.loads(audit.stdout)["findings"] if f["rule"].startswith("import")]
    assert {(r, s) for r, s, _ in found} == {("import_note", "info")}
    text = " ".join(m for _, _, m in found)
    assert "locale of numbers and dates: en_US (inferred: currency sign before the " \
           "amount ('$6,000')" in text
    assert "3 report footer line(s) skipped" in text and "stable ids" in text
    fr = _cli("audit", str(out), "--lang", "fr")
    assert "locale des nombres et dates : en_US (déduit de" in fr.stdout
    # The notes sheet does not change what the loader reads.
    assert len(load_workbook(out).deals) == 5


def test_salesforce_report_exported_as_excel(tmp_path) -> None:
    """The same report downloaded as .xlsx: a title line above the header, typed cells,
    the footer lines in the first column."""
    rows = [line for line in csv.reader(
        (EXPORTS / "salesforce_opportunity_report_us.csv").read_text().splitlines())]
    typed = [rows[0]] + [[*r[:5], float(r[5].replace("$", "").replace(",", "")), *r[6:9],
                          dt.datetime.strptime(r[9], "%m/%d/%Y"),
                          dt.datetime.strptime(r[10], "%m/%d/%Y"), *r[11:]]
                         for r in rows[1:6]]
    footer = [[r[0]] if r else [] for r in rows[6:]]
    path = write_xlsx(tmp_path / "Opportunities-2026-04-01.xlsx",
                      {"Opportunities": [["Opportunities by Stage"], [], *typed, *footer]})
    sheets, notes = _imported([path], "salesforce", margin_rate=0.4)
    assert sheets["deals"]["amount"].tolist() == [6000.0, 12500.0, 3000.0, 950.0, 2500.0]
    assert "3 report footer line(s) skipped" in notes["footer"]
    _same_kpis(_written(sheets, tmp_path), _truth(tmp_path, US_CAMPAIGNS, US_DEALS))


def test_hubspot_deals_in_several_currencies_use_the_company_currency(tmp_path) -> None:
    rows = [line for line in csv.reader(
        (EXPORTS / "hubspot_deals_company_currency.csv").read_text("utf-8-sig").splitlines())]
    rows = [[*r[:5], "Amount" if i == 0 else str(round(float(r[5]) * 1.1, 2)), *r[5:]]
            for i, r in enumerate(rows)]  # "Amount" in each deal's own currency
    sheets, notes = _imported([_csv(tmp_path / "deals.csv", rows)], "hubspot")
    assert sheets["deals"]["amount"].tolist() == [6000.0, 5000.0, 3000.0, 1234.5, 2500.0]
    assert "several currencies (EUR, GBP, USD)" in notes["amount"]


def test_template_sheets_pass_through_even_with_a_type_column(tmp_path) -> None:
    """A typed "Activités" sheet has a "Type" column, as a Salesforce campaign export."""
    book = write_xlsx(tmp_path / "template.xlsx", {
        "Campagnes": CAMPAIGNS, "Coûts": COSTS,
        "Activités": [["Date", "Commercial", "ID campagne", "Type", "Résultat"],
                      [d(2026, 1, 6), "Léa", "C1", "appel", "contact"]]})
    opps = _csv(tmp_path / "Opportunity.csv", SALESFORCE_OPPORTUNITIES)
    sheets = import_files([opps, book], "salesforce", margin_rate=0.4)
    assert sheets["activities"]["type"].tolist() == ["call"]
    assert sheets["campaigns"]["campaign_id"].tolist() == ["C1", "C2"]


@pytest.mark.parametrize("other", ["192.168.1.10", "06.12.34.56.78", "+1 415 555 0132"])
def test_numbers_that_are_no_amounts_decide_nothing(tmp_path, other) -> None:
    """An IP address or a phone number in the file says nothing about its amounts."""
    rows = [["Opportunity ID", "Stage", "Amount", "Close Date", "Campaign ID", "Other"],
            ["1", "Closed Won", "6,000", "2026-02-10", "C1", other]]
    with pytest.raises(InputError, match="reads two ways"):
        import_files([_csv(tmp_path / "r.csv", rows)], "salesforce")


def test_a_report_cut_short_is_a_warning(tmp_path) -> None:
    text = (EXPORTS / "salesforce_opportunity_report_us.csv").read_text()
    cut = tmp_path / "report.csv"
    cut.write_text(text.replace("Grand Totals (5 records)", "Grand Totals (2,000 records)"))
    notes = []
    import_files([cut], "salesforce", notes=notes)
    footer = next(n for n in notes if n.topic == "footer")
    assert footer.severity == "warning"
    assert "the report states 2000 records, the file holds 5" in footer.en
