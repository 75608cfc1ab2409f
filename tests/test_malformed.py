"""A corpus of malformed files (tests/data/make_malformed.py): each gives one clear,
located InputError from the loader, and the audit lists it (or exits 2 when the file
cannot be read at all). Nothing escapes as another exception."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest
from conftest import DATA, ROOT

from roi_core.errors import InputError
from roi_core.importers import import_files
from roi_core.io import audit_workbook, load_bytes, load_workbook

CORPUS = DATA / "malformed"

# file -> (fragment of the loader's message, can the audit read it?)
EXPECTED = {
    "empty.csv": ("the file is empty", False),
    "blank_lines.csv": ("the file is empty", False),
    "only_separators.csv": ("the file has no data", False),
    "binary_nul.csv": ("the file is binary, not a CSV text file", False),
    "not_a_spreadsheet.pdf": ("'.pdf' files are not spreadsheets", False),
    "text_named_xlsx.xlsx": ("cannot be read as a spreadsheet", False),
    "truncated.xlsx": ("damaged or truncated", False),
    "zip_not_xlsx.xlsx": ("zip archive but not an Excel workbook", False),
    "zip_bomb.xlsx": ("looks like a decompression bomb", False),
    "billion_laughs.xlsx": ("unrecognized entity", False),
    "external_entity.xlsx": ("unrecognized entity", False),
    "ole_garbage.xls": ("cannot be read as a spreadsheet", False),
    "html_as_xls.xls": ("cannot be read as a spreadsheet", False),
    "no_sheet_data.xlsx": ("no data in any sheet", False),
    "one_column.csv": ("line 1: the required column 'Canal' (channel) is missing", True),
    "simple_text_amount.csv": ("line 2, column 'Coût': 'abc' is not a number", True),
    "simple_negative_cost.csv": ("line 2, column 'Coût': -500 is negative", True),
    "simple_no_channel_column.csv": ("the required column 'Canal' (channel) is missing", True),
    "simple_blank_channel.csv": ("line 2, column 'Canal': the channel is blank", True),
    "simple_duplicate_campaign.csv": ("campaign 'A' appears 2 times (rows 2, 3)", True),
    "simple_bad_month.csv": ("line 2, column 'Mois': '13/2026' is not a month", True),
    "simple_rate_140.csv": ("'140 %' means 140 %, outside 0–100 %", True),
    "missing_costs_sheet.xlsx": ("no 'Coûts' (costs) sheet was found", True),
    "no_funnel_source.xlsx": ("has no 'Entonnoir' (funnel) sheet", True),
    "duplicate_deal_id.xlsx": ("row 3, column 'ID affaire': the deal id 'D1' appears 2 times",
                               True),
    "unknown_status.xlsx": ("row 2, column 'Statut': 'signée peut-être' is not a known value",
                            True),
    "ends_before_start.xlsx": ("row 2, column 'Date de fin': the campaign ends before it starts",
                               True),
    "cost_without_amount.xlsx": ("row 4, column 'Montant': the cost line has no amount", True),
    "duplicate_funnel_rows.xlsx": ("campaign 'C1' has 2 funnel rows (rows 2, 3)", True),
    "blank_campaign_id.xlsx": ("row 3, column 'ID campagne': the campaign id is blank", True),
    "year_0001.xlsx": ("row 2, column 'Date de création': '0001-01-01' is not a date", True),
    "text_in_contacts.xlsx": ("row 2, column 'Contacts': 'beaucoup' is not a number", True),
    "missing_required_column.xlsx": ("sheet 'Campagnes', row 1: the required column 'Canal'",
                                     True),
    "unknown_activity_type.xlsx": ("'pigeon voyageur' is not a known value", True),
    "rate_as_whole_number.xlsx": ("'40' means 4000 %, outside 0–100 %", True),
    "far_corner.xlsx": ("the sheet's cells reach XFD1048576", False),
    "mid_range.xlsx": ("a used range of 52 000 000 cells", False),
    "huge_shared_string.xlsx": ("a text of more than 32 767 characters", False),
    "forged_shared_string_count.xlsx": ("declares 4 000 000 000 shared texts", False),
    "excel_error_cell.xlsx": ("row 3, column 'Montant': the cell holds the Excel error "
                              "'#DIV/0!'", True),
    "error_as_text.csv": ("line 2, column 'Leads': the cell holds the Excel error '#N/A'", True),
    "ambiguous_thousands.csv": ("'1.500' reads as 1500 (a thousands separator) or as 1.5", True),
    "amount_1e308.csv": ("line 2, column 'Coût': 1e308 is beyond 10^15", True),
    "duplicate_montant_column.csv": ("line 1, column 'Montant': the column 'Montant' appears "
                                     "2 times (columns C and D)", True),
}


def test_corpus_is_complete() -> None:
    on_disk = {p.name for p in CORPUS.iterdir()}
    assert on_disk == set(EXPECTED)
    assert len(on_disk) >= 30
    assert max(p.stat().st_size for p in CORPUS.iterdir()) < 64 * 1024  # small files


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_loader_message(name: str) -> None:
    fragment, _ = EXPECTED[name]
    with pytest.raises(InputError) as err:
        load_workbook(CORPUS / name)
    assert fragment in str(err.value)
    assert str(err.value).startswith(name)  # the file is always named
    # The same bytes uploaded give the same message.
    with pytest.raises(InputError) as again:
        load_bytes((CORPUS / name).read_bytes(), name)
    assert str(again.value) == str(err.value)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_audit_lists_it_or_refuses_it(name: str) -> None:
    fragment, readable = EXPECTED[name]
    if not readable:
        with pytest.raises(InputError):
            audit_workbook(CORPUS / name)
        return
    findings = audit_workbook(CORPUS / name, "en")
    assert any(f.severity == "error" for f in findings), findings


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("vendor", ["hubspot", "salesforce", "pipedrive", "calls"])
def test_importers_raise_only_input_errors(name: str, vendor: str) -> None:
    try:
        import_files([CORPUS / name], vendor)
    except InputError:
        pass


def test_cli_audit_exit_codes() -> None:
    sample = ["empty.csv", "zip_bomb.xlsx", "truncated.xlsx", "simple_text_amount.csv",
              "duplicate_deal_id.xlsx", "missing_costs_sheet.xlsx"]
    for name in sample:
        readable = EXPECTED[name][1]
        result = subprocess.run([sys.executable, "-m", "roi_core", "audit", str(CORPUS / name),
                                 "--format", "json"], cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == (0 if readable else 2), (name, result.stderr)
        assert "Traceback" not in result.stderr


def test_zip_bomb_is_a_real_bomb() -> None:
    with zipfile.ZipFile(CORPUS / "zip_bomb.xlsx") as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    assert info.file_size >= 30 * 1024 * 1024 and info.compress_size < 64 * 1024


def test_defusedxml_guards_openpyxl() -> None:
    import openpyxl
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True
    for name in ("billion_laughs.xlsx", "external_entity.xlsx"):
        with pytest.raises(Exception) as err:  # openpyxl wraps defusedxml's refusal
            openpyxl.load_workbook(CORPUS / name)
        assert "passwd" not in str(err.value) and "lollollol" not in str(err.value)
