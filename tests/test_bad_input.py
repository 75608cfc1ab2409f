"""Every bad input a user can cause ends in one InputError that locates it, and the
command line turns it into exit status 2 with one message, never a traceback."""

from __future__ import annotations

import subprocess
import sys

import openpyxl
import pytest
from workbooks import CASE_STUDY, write_csv, write_xlsx

from roi_core.errors import InputError
from roi_core.io import load_workbook


def replace_cell(sheet: str, row: int, col: int, value: object) -> dict:
    sheets = {name: [list(r) for r in rows] for name, rows in CASE_STUDY.items()}
    sheets[sheet][row - 1][col] = value
    return sheets


def load_error(path) -> InputError:
    with pytest.raises(InputError) as info:
        load_workbook(path)
    return info.value


def test_duplicated_campaign_id(tmp_path):
    sheets = {**CASE_STUDY, "Campagnes": [*CASE_STUDY["Campagnes"],
                                          ["C1", "Encore", "Emailing", "", "", "01/02/2026", 5]]}
    err = load_error(write_xlsx(tmp_path / "w.xlsx", sheets))
    assert (err.sheet, err.row, err.column) == ("Campagnes", 3, "ID campagne")
    assert "'C1' appears 2 times (rows 2, 3)" in str(err)


def test_duplicated_deal_id(tmp_path):
    deal = ["D1", "C1", "A1", "05/01/2026", "10/01/2026", "04/02/2026", "gagnée", 6000, 0.4]
    sheets = {**CASE_STUDY, "Affaires": [
        ["ID affaire", "ID campagne", "ID compte", "Date premier contact", "Date de création",
         "Date de signature", "Statut", "Montant", "Taux de marge"], deal, deal]}
    err = load_error(write_xlsx(tmp_path / "w.xlsx", sheets))
    assert (err.sheet, err.row, err.column) == ("Affaires", 3, "ID affaire")


@pytest.mark.parametrize("typed", ["120 %", 1.2, "1,2"])
def test_margin_rate_over_100_percent(tmp_path, typed):
    err = load_error(write_xlsx(tmp_path / "w.xlsx", replace_cell("Entonnoir", 2, 6, typed)))
    assert (err.sheet, err.row, err.column) == ("Entonnoir", 2, "Taux de marge")
    assert "120 %, outside 0–100 %" in str(err)


def test_plain_40_in_a_rate_column_is_refused_with_advice(tmp_path):
    err = load_error(write_xlsx(tmp_path / "w.xlsx", replace_cell("Entonnoir", 2, 6, 40)))
    assert "4000 %" in str(err) and "40 %" in str(err)


def test_missing_required_column(tmp_path):
    sheets = {**CASE_STUDY, "Campagnes": [["ID campagne", "Campagne", "Date de début"],
                                          ["C1", "Cas", "15/01/2026"]]}
    err = load_error(write_xlsx(tmp_path / "w.xlsx", sheets))
    assert (err.sheet, err.row) == ("Campagnes", 1)
    assert "'Canal' (channel) is missing" in str(err)


def test_missing_amount_column_in_costs(tmp_path):
    sheets = {**CASE_STUDY, "Coûts": [["ID campagne", "Poste"], ["C1", "Fichiers"]]}
    err = load_error(write_xlsx(tmp_path / "w.xlsx", sheets))
    assert err.sheet == "Coûts" and "'Montant'" in str(err)


def test_cost_line_without_amount_or_hours(tmp_path):
    err = load_error(write_xlsx(tmp_path / "w.xlsx", replace_cell("Coûts", 3, 3, None)))
    assert (err.sheet, err.row) == ("Coûts", 3)
    assert "no amount" in str(err)


@pytest.mark.parametrize("typed", ["huit mille", "8 000 € env.", "12/13"])
def test_number_that_is_not_a_number(tmp_path, typed):
    err = load_error(write_xlsx(tmp_path / "w.xlsx", replace_cell("Coûts", 3, 3, typed)))
    assert (err.file, err.sheet, err.row, err.column) == ("w.xlsx", "Coûts", 3, "Montant")
    assert f"'{typed}' is not a number" in str(err)


def test_number_that_is_not_a_number_in_a_csv_names_the_line(tmp_path):
    rows = [["Campagne", "Canal", "Coût", "Leads"], ["A", "Emailing", "1 000", 10],
            ["B", "Emailing", "mille", 10]]
    err = load_error(write_csv(tmp_path / "suivi.csv", rows))
    assert (err.file, err.row, err.column) == ("suivi.csv", 3, "Coût")


def test_negative_count(tmp_path):
    err = load_error(write_xlsx(tmp_path / "w.xlsx", replace_cell("Entonnoir", 2, 2, -120)))
    assert (err.row, err.column) == (2, "Leads") and "negative" in str(err)


def test_bad_date(tmp_path):
    err = load_error(write_xlsx(tmp_path / "w.xlsx", replace_cell("Campagnes", 2, 5,
                                                                   "31/02/2026")))
    assert (err.sheet, err.row, err.column) == ("Campagnes", 2, "Date de début")


def test_unknown_status(tmp_path):
    sheets = {**CASE_STUDY, "Affaires": [["ID affaire", "Statut", "Montant"],
                                         ["D1", "peut-être", 100]]}
    err = load_error(write_xlsx(tmp_path / "w.xlsx", sheets))
    assert (err.sheet, err.row, err.column) == ("Affaires", 2, "Statut")
    assert "gagnée" in str(err) or "won" in str(err)


def test_file_that_is_not_a_spreadsheet(tmp_path):
    path = tmp_path / "photo.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    err = load_error(path)
    assert err.file == "photo.xlsx" and "spreadsheet" in str(err)


def test_pdf_is_not_a_spreadsheet(tmp_path):
    path = tmp_path / "rapport.pdf"
    path.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    assert "not spreadsheets" in str(load_error(path))


def test_truncated_workbook(tmp_path):
    whole = write_xlsx(tmp_path / "w.xlsx", CASE_STUDY).read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(whole[: len(whole) // 2])
    err = load_error(cut)
    assert err.file == "cut.xlsx" and "truncated" in str(err)


def test_empty_file(tmp_path):
    (tmp_path / "vide.xlsx").write_bytes(b"")
    assert "empty" in str(load_error(tmp_path / "vide.xlsx"))


def test_workbook_without_data(tmp_path):
    book = openpyxl.Workbook()
    book.save(tmp_path / "blank.xlsx")
    assert "no data" in str(load_error(tmp_path / "blank.xlsx"))


def test_workbook_without_campaigns_sheet(tmp_path):
    sheets = {k: v for k, v in CASE_STUDY.items() if k != "Campagnes"}
    err = load_error(write_xlsx(tmp_path / "w.xlsx", sheets))
    assert "'Campagnes'" in str(err)


def test_campaign_ending_before_it_starts(tmp_path):
    sheets = {**CASE_STUDY, "Campagnes": [
        ["ID campagne", "Campagne", "Canal", "Date de début", "Date de fin"],
        ["C1", "Cas", "Emailing", "15/03/2026", "01/03/2026"]]}
    err = load_error(write_xlsx(tmp_path / "w.xlsx", sheets))
    assert (err.row, err.column) == (2, "Date de fin")


@pytest.mark.parametrize("content, name", [
    (None, "missing.xlsx"),
    (b"", "empty.csv"),
    (b"\x00\x01\x02garbage", "garbage.xlsx"),
    (b"PK\x03\x04truncated zip", "broken.xlsx"),
])
def test_cli_exits_2_with_one_message(tmp_path, content, name):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    out = subprocess.run([sys.executable, "-m", "roi_core", "kpis", str(path)],
                         capture_output=True, text=True)
    assert out.returncode == 2
    assert out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "Traceback" not in out.stderr


def test_cli_bad_cell_message_locates_it(tmp_path):
    path = write_xlsx(tmp_path / "w.xlsx", replace_cell("Coûts", 3, 3, "abc"))
    out = subprocess.run([sys.executable, "-m", "roi_core", "kpis", str(path)],
                         capture_output=True, text=True)
    assert out.returncode == 2
    assert out.stderr.strip() == (
        "error: w.xlsx, sheet 'Coûts', row 3, column 'Montant': 'abc' is not a number; "
        "expected an amount such as 8 000 € or 66,70.")


def test_blank_template_says_there_is_no_campaign():
    from conftest import SAMPLE

    err = load_error(SAMPLE / "template.xlsx")
    assert (err.file, err.sheet, err.row) == ("template.xlsx", "Campagnes", 2)
    assert "no campaign" in str(err)
