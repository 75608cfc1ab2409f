"""The loader on real files: xlsx, CSV (; and ,), UTF-8 with and without BOM, cp1252,
folders of CSV files, the single-table form, French and canonical headers."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from workbooks import CASE_STUDY, write_csv, write_csv_folder, write_xlsx

from roi_core.io import load_bytes, load_workbook
from roi_core.kpis import kpi_table

CANONICAL = {
    "campaigns": [["campaign_id", "campaign", "channel", "start_date", "targets"],
                  ["C1", "Case", "teleprospecting", "2026-01-15", 1000]],
    "costs": [["campaign_id", "category", "item", "amount"],
              ["C1", "direct", "all", 8000]],
    "funnel": [["campaign_id", "contacts", "leads", "opportunities", "clients", "revenue",
                "margin_rate"],
               ["C1", 800, 120, 30, 10, 60000, 0.4]],
}


def assert_case_study(data):
    k = kpi_table(data).iloc[0]
    assert k.cost == 8000
    assert k.cost_per_lead == pytest.approx(8000 / 120)
    assert k.cac == 800
    assert k.roi == pytest.approx(2.0)


def test_xlsx_with_french_labels(tmp_path):
    data = load_workbook(write_xlsx(tmp_path / "w.xlsx", CASE_STUDY))
    assert_case_study(data)
    assert data.sheet_label("costs") == "Coûts"
    costs = data.costs.set_index("item")
    assert costs.loc["Temps commercial", "amount"] == 4500  # 100 h × 45 €
    assert costs.loc["Temps commercial", "behaviour"] == "variable"
    assert costs.loc["Fichiers", "behaviour"] == "fixed"
    assert list(data.costs["row"]) == [2, 3, 4]


def test_xlsx_with_canonical_names(tmp_path):
    assert_case_study(load_workbook(write_xlsx(tmp_path / "w.xlsx", CANONICAL)))


@pytest.mark.parametrize("sep", [";", ","])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_folder(tmp_path, sep, encoding):
    def cell(value):
        # Windows-1252 has no narrow no-break space: French Excel writes a no-break space.
        text = "" if value is None else str(value)
        return text.replace("\u202f", "\u00a0") if encoding == "cp1252" else text

    sheets = {name: [[cell(v) for v in row] for row in rows]
              for name, rows in CASE_STUDY.items()}
    folder = write_csv_folder(tmp_path / "csv", sheets, sep=sep, encoding=encoding)
    data = load_workbook(folder)
    assert_case_study(data)
    assert data.campaigns.loc[0, "channel"] == "Téléprospection"


def test_headers_match_whatever_the_case_accents_and_spaces(tmp_path):
    sheets = {
        "CAMPAGNES": [["id  campagne", "CAMPAGNE", "canal", "date de debut", "cibles"],
                      ["C1", "Case", "Téléprospection", "15/01/2026", "1000"]],
        "couts": [["Id Campagne", "CATEGORIE", "poste", "montant"],
                  ["C1", "Directe", "x", "8000"]],
        " Volumes ": [["ID_campagne", "contacts", "LEADS", "opportunites", "ventes", "CA",
                       "taux de marge"],
                      ["C1", 800, 120, 30, 10, 60000, "40%"]],
    }
    assert_case_study(load_workbook(write_xlsx(tmp_path / "w.xlsx", sheets)))


@pytest.mark.parametrize("typed, expected", [
    ("8 000 €", 8000), ("8\u00a0000 €", 8000), ("8\u202f000€", 8000), ("8000", 8000),
    ("8 000,00", 8000), ("8.000,00 €", 8000), ("8,000.00", 8000), (8000, 8000),
    (8000.0, 8000), ("66,70", 66.7), ("EUR 1 234,5", 1234.5),
])
def test_amounts_as_users_type_them(tmp_path, typed, expected):
    sheets = {**CASE_STUDY, "Coûts": [["ID campagne", "Montant"], ["C1", typed]]}
    data = load_workbook(write_xlsx(tmp_path / "w.xlsx", sheets))
    assert data.costs.loc[0, "amount"] == pytest.approx(expected)


@pytest.mark.parametrize("typed", ["40 %", "40%", "40\u00a0%", 0.4, "0,4", "0.4", "40,0 %"])
def test_rates_as_users_type_them(tmp_path, typed):
    sheets = dict(CASE_STUDY)
    sheets["Entonnoir"] = [CASE_STUDY["Entonnoir"][0], [*CASE_STUDY["Entonnoir"][1][:-1], typed]]
    data = load_workbook(write_xlsx(tmp_path / "w.xlsx", sheets))
    assert data.funnel.loc[0, "margin_rate"] == pytest.approx(0.4)
    assert_case_study(data)


@pytest.mark.parametrize("typed", ["15/01/2026", "2026-01-15", dt.date(2026, 1, 15),
                                   dt.datetime(2026, 1, 15, 9, 30), 46037, "46037",
                                   "15.01.2026", "2026-01-15T09:30:00"])
def test_dates_as_users_type_them(tmp_path, typed):
    sheets = dict(CASE_STUDY)
    header, row = CASE_STUDY["Campagnes"]
    sheets["Campagnes"] = [header, [*row[:5], typed, row[6]]]
    data = load_workbook(write_xlsx(tmp_path / "w.xlsx", sheets))
    assert data.campaigns.loc[0, "start_date"].date() == dt.date(2026, 1, 15)


def test_single_table_per_campaign_and_month(tmp_path):
    rows = [["Campagne", "Canal", "Mois", "Coût", "Coût indirect", "Leads", "Opportunités",
             "Clients", "CA", "Taux de marge"],
            ["Phoning PME", "Téléprospection", "janv. 2026", "3 000", "500", 50, 10, 3,
             "18 000", "40 %"],
            ["Phoning PME", "Téléprospection", "02/2026", "4 500", "0", 70, 20, 7, "42 000",
             "40 %"],
            ["Newsletter", "Emailing", "2026-01", "1 000", None, 40, 2, 1, "5 000", "30 %"]]
    data = load_workbook(write_csv(tmp_path / "suivi.csv", rows))
    by_channel = kpi_table(data, "channel").set_index("channel")
    phoning = by_channel.loc["Téléprospection"]
    assert phoning.cost == 8000
    assert phoning.cost_indirect == 500
    assert phoning.leads == 120 and phoning.clients == 10
    assert phoning.roi == pytest.approx((24000 - 8000) / 8000)
    months = kpi_table(data, "month").set_index("month")
    assert list(months.index) == ["2026-01", "2026-02"]
    assert months.loc["2026-01", "cost"] == 4500
    assert kpi_table(data, "month", include_indirect=False).set_index("month").loc[
        "2026-01", "cost"] == 4000


def test_single_sheet_workbook(tmp_path):
    rows = [["Campagne", "Canal", "Coût", "Leads", "Opportunités", "Clients", "Marge"],
            ["A", "Emailing", 1000, 10, 2, 1, 1500], ["B", "Emailing", 3000, 30, 8, 1, 900]]
    data = load_workbook(write_xlsx(tmp_path / "one.xlsx", {"Feuil1": rows}))
    k = kpi_table(data, "channel").iloc[0]
    assert k.cost_per_lead == 100
    assert k.roi == pytest.approx((2400 - 4000) / 4000)


def test_template_sheet_before_the_data_is_ignored(tmp_path):
    sheets = {"Mode d'emploi": [["Remplissez chaque onglet."]], **CASE_STUDY}
    assert_case_study(load_workbook(write_xlsx(tmp_path / "w.xlsx", sheets)))


def test_title_line_above_the_header_keeps_excel_row_numbers(tmp_path):
    sheets = dict(CASE_STUDY)
    sheets["Coûts"] = [["Coûts 2026"], [], *CASE_STUDY["Coûts"]]
    data = load_workbook(write_xlsx(tmp_path / "w.xlsx", sheets))
    assert list(data.costs["row"]) == [4, 5, 6]
    assert_case_study(data)


def test_load_bytes_of_an_upload(tmp_path):
    path = write_xlsx(tmp_path / "w.xlsx", CASE_STUDY)
    assert_case_study(load_bytes(path.read_bytes(), "upload.xlsx"))


def test_blank_count_is_not_recorded_not_zero(tmp_path):
    sheets = dict(CASE_STUDY)
    sheets["Entonnoir"] = [["ID campagne", "Leads", "Rendez-vous", "Clients", "Marge"],
                           ["C1", 120, None, 10, 24000]]
    data = load_workbook(write_xlsx(tmp_path / "w.xlsx", sheets))
    k = kpi_table(data).iloc[0]
    assert pd.isna(k.meetings) and pd.isna(k.cost_per_meeting)
    assert pd.isna(k.contacts) and pd.isna(k.lead_rate)


def test_unknown_and_blank_campaign_costs_form_an_unassigned_group(tmp_path):
    sheets = dict(CASE_STUDY)
    sheets["Coûts"] = [*CASE_STUDY["Coûts"], [None, "indirecte", "Loyer", "1 000"],
                       ["C9", "directe", "Typo", "500"]]
    data = load_workbook(write_xlsx(tmp_path / "w.xlsx", sheets))
    total = kpi_table(data).iloc[0]
    assert total.cost == 9500  # nothing dropped
    channels = kpi_table(data, "channel").set_index("channel")
    assert channels.loc["(unassigned)", "cost"] == 1500
    assert channels.loc["Téléprospection", "cost"] == 8000


def test_deals_and_activities_derive_the_funnel(tmp_path):
    sheets = {
        "Campagnes": CASE_STUDY["Campagnes"],
        "Coûts": CASE_STUDY["Coûts"],
        "Affaires": [["ID affaire", "ID campagne", "ID compte", "Date premier contact",
                      "Date de création", "Date de signature", "Statut", "Montant",
                      "Taux de marge"],
                     ["D1", "C1", "A1", "05/01/2026", "10/01/2026", "04/02/2026", "Gagnée",
                      "6 000", "40 %"],
                     ["D2", "C1", "A2", "06/01/2026", "12/01/2026", "20/03/2026", "gagnée",
                      "6 000", "40 %"],
                     ["D3", "C1", "A3", "07/01/2026", "13/01/2026", None, "En cours", "5 000",
                      "40 %"]],
        "Activités": [["Date", "Commercial", "ID campagne", "Type", "Résultat", "Durée (min)"],
                      ["05/01/2026", "Léa", "C1", "Appel", "Pas de réponse", 1],
                      ["05/01/2026", "Léa", "C1", "Appel", "Intéressé", 6],
                      ["06/01/2026", "Hugo", "C1", "Appel", "RDV pris", 9],
                      ["08/01/2026", "Hugo", "C1", "Rendez-vous", "Tenu", 45]],
    }
    data = load_workbook(write_xlsx(tmp_path / "w.xlsx", sheets))
    assert data.funnel_source == "derived"
    k = kpi_table(data).iloc[0]
    assert (k.contacts, k.leads, k.meetings, k.opportunities, k.clients) == (2, 2, 1, 3, 2)
    assert k.margin == 4800
    assert k.sales_cycle_days == pytest.approx((30 + 73) / 2)


@pytest.mark.parametrize("headers", [
    ["Nom de la campagne", "Canal", "Coût total (€)", "Nb contacts", "Nombre de leads",
     "Nb opportunités", "Signatures", "CA moyen par client", "Taux de marge (%)"],
    ["campaign", "channel", "cost", "contacts", "leads", "opportunities", "clients",
     "revenue_per_client", "margin_rate"],
    ["CAMPAGNE", "CANAL", "BUDGET", "CONTACTS", "LEADS", "OPPORTUNITES", "VENTES",
     "PANIER MOYEN", "TX DE MARGE"],
])
def test_single_table_header_spellings(tmp_path, headers):
    row = ["Cas pratique", "Téléprospection", "8 000 €", 800, 120, 30, 10, "6 000 €", "40 %"]
    data = load_workbook(write_csv(tmp_path / "t.csv", [headers, row], encoding="cp1252"))
    k = kpi_table(data).iloc[0]
    assert (k.cost, k.leads, k.clients, k.margin, k.roi) == (8000, 120, 10, 24000, 2.0)


def test_margin_column_typed_as_a_percentage_is_a_rate(tmp_path):
    rows = [["Campagne", "Canal", "Coût", "Clients", "CA", "Marge"],
            ["Cas", "Téléprospection", "8 000 €", 10, "60 000 €", "40 %"]]
    k = kpi_table(load_workbook(write_csv(tmp_path / "t.csv", rows))).iloc[0]
    assert (k.margin, k.roi) == (24000, 2.0)


def test_excel_separator_hint_line(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("sep=;\r\nCampagne;Canal;Coût;Leads\r\nA;Emailing;1 000;x\r\n"
                     .encode("cp1252"))
    with pytest.raises(Exception) as info:
        load_workbook(path)
    assert "line 3" in str(info.value) and "'Leads'" in str(info.value)


def test_single_table_with_hours_and_rate(tmp_path):
    rows = [["Campagne", "Canal", "Heures", "Taux horaire", "Coût", "Leads"],
            ["Phoning", "Téléprospection", 100, "45 €", "3 500 €", 100]]
    data = load_workbook(write_xlsx(tmp_path / "t.xlsx", {"Suivi": rows}))
    assert kpi_table(data).iloc[0].cost_per_lead == 80
    assert set(data.costs["behaviour"]) == {"fixed", "variable"}
