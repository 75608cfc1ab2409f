"""Cells that were misread in silence (issue 13, part 2): each is now a located message, a
decision taken for the whole column or file, or a normalisation the audit reports."""

from __future__ import annotations

import io
import subprocess
import sys
import warnings
import zipfile

import hostile_files as hostile
import pytest
from conftest import ROOT, clean_company, write_xlsx
from hypothesis import given, settings
from hypothesis import strategies as st

from roi_core.errors import InputError
from roi_core.io import inspect_bytes, load_bytes, load_workbook
from roi_core.kpis import compute_kpis
from roi_core.quality import audit_inspection
from roi_core.scenario import base_table

SIMPLE = "Campagne;Canal;Coût;Leads;Clients\n"


def _error(data: bytes, name: str) -> InputError:
    with pytest.raises(InputError) as err:
        load_bytes(data, name)
    return err.value


def _rules(data: bytes, name: str) -> dict[str, str]:
    return {f.rule: f.message for f in audit_inspection(inspect_bytes(data, name), "en")}


# --- Excel error values -----------------------------------------------------------------------


def test_typed_error_cell_is_a_located_error(tmp_path) -> None:
    sheets = clean_company()
    sheets["Coûts"][2][3] = "#DIV/0!"  # openpyxl stores it as an error cell (t="e")
    path = write_xlsx(tmp_path / "err.xlsx", sheets)
    with pytest.raises(InputError) as err:
        load_workbook(path)
    assert (err.value.sheet, err.value.row, err.value.column) == ("Coûts", 3, "Montant")
    assert "the Excel error '#DIV/0!'" in err.value.problem
    assert "error_cell" in _rules(path.read_bytes(), "err.xlsx")


def test_cached_formula_error_is_a_located_error() -> None:
    # What Excel saves for =B2/0: the formula and its cached error value.
    rows = hostile._rows_xml([["Campagne", "Canal", "Coût", "Leads", "Clients"],
                              ["A", "Emailing", 100, 10, 1], ["B", "Salons", 50, 4, 1]])
    rows = rows.replace(b'<c r="C3"><v>50</v></c>',
                        b'<c r="C3" t="e"><f>B3/0</f><v>#DIV/0!</v></c>')
    data = hostile.workbook([hostile.sheet_xml(rows)])
    err = _error(data, "cached.xlsx")
    assert (err.row, err.column) == (3, "Coût") and "'#DIV/0!'" in err.problem
    assert "'#DIV/0!'" in _rules(data, "cached.xlsx")["error_cell"]


@pytest.mark.parametrize("value", ["#N/A", "#VALUE!", "#DIV/0!"])
def test_error_typed_as_text_in_a_csv(value: str) -> None:
    data = (SIMPLE + f"A;Emailing;100;{value};1\n").encode()
    err = _error(data, "x.csv")
    assert (err.row, err.column) == (2, "Leads") and f"'{value}'" in err.problem


# --- a reading that depends on the locale -----------------------------------------------------


def test_ambiguous_column_is_refused_with_both_readings() -> None:
    data = (SIMPLE + "A;Emailing;1.500;10;1\nB;Emailing;5.000;10;1\nC;Salons;1,500;3;1\n"
            ).encode()
    err = _error(data, "fr.csv")
    assert (err.row, err.column) == (2, "Coût")
    assert "'1.500' reads as 1500 (a thousands separator) or as 1.5 (a decimal mark)" \
        in err.problem
    assert err.more == 2
    assert "1500 or 1.5" in _rules(data, "fr.csv")["ambiguous_number"]


def test_a_decimal_comma_elsewhere_in_the_column_decides() -> None:
    data = (SIMPLE + "A;Emailing;1.500;10;1\nB;Emailing;5.000;10;1\nC;Salons;66,70;3;1\n"
            "D;Salons;1,500;3;1\n").encode()
    costs = load_bytes(data, "fr.csv").costs.sort_values("campaign_id")["amount"].tolist()
    assert costs == [1500.0, 5000.0, 66.7, 1.5]


def test_a_decimal_dot_elsewhere_in_the_column_decides() -> None:
    data = (SIMPLE + "A;Emailing;1.500;10;1\nB;Emailing;12.25;10;1\nC;Salons;1,500;3;1\n"
            ).encode()
    costs = load_bytes(data, "en.csv").costs.sort_values("campaign_id")["amount"].tolist()
    assert costs == [1.5, 12.25, 1500.0]


@settings(max_examples=40, deadline=None)
@given(n=st.integers(min_value=1000, max_value=999_999), comma=st.booleans())
def test_thousands_read_whole_once_the_column_decides(n: int, comma: bool) -> None:
    # "12.345" beside "0,5" (a decimal comma) is 12 345; "12,345" beside "0.5" too.
    sep, other = ("." , "0,5") if comma else (",", "0.5")
    text = f"{n // 1000}{sep}{n % 1000:03d}"
    data = (SIMPLE + f"A;Emailing;{text};10;1\nB;Emailing;{other};1;1\n").encode()
    amounts = load_bytes(data, "x.csv").costs.sort_values("campaign_id")["amount"].tolist()
    assert amounts == [float(n), 0.5]


# --- amounts that overflow ------------------------------------------------------------------


def test_amounts_beyond_1e15_are_refused_with_a_location() -> None:
    data = (SIMPLE + "A;Emailing;1e308;10;1\nB;Emailing;1e308;4;1\n").encode()
    err = _error(data, "big.csv")
    assert (err.row, err.column) == (2, "Coût") and "beyond 10^15" in err.problem
    assert set(_rules(data, "big.csv")) >= {"value_too_large"}
    assert "blank_required" not in _rules(data, "big.csv")  # reported once, not as blank


def test_no_numpy_warning_reaches_stderr(tmp_path) -> None:
    path = tmp_path / "big.csv"
    path.write_text(SIMPLE + "A;Emailing;1e308;10;1\nB;Emailing;1e308;4;1\n", encoding="utf-8")
    for command in ("kpis", "audit"):
        result = subprocess.run([sys.executable, "-m", "roi_core", command, str(path)],
                                cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert "Warning" not in result.stderr and "Traceback" not in result.stderr
    ok = (SIMPLE + "A;Emailing;9e14;10;1\nB;Emailing;9e14;4;0\n").encode()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        kpis = compute_kpis(base_table(load_bytes(ok, "ok.csv")), "total")
    assert kpis.iloc[0]["cost"] == pytest.approx(1.8e15)


# --- ids typed as numbers and as text ----------------------------------------------------------


def test_number_and_text_ids_match_and_the_audit_says_so(tmp_path) -> None:
    sheets = clean_company()
    sheets["Campagnes"][1][0] = 2  # a number in the campaigns sheet
    for row in sheets["Coûts"][1:3]:
        row[0] = "2.0"  # text in the costs sheet
    for sheet in sheets:
        if sheet in ("Campagnes", "Coûts") or "ID campagne" not in sheets[sheet][0]:
            continue
        col = sheets[sheet][0].index("ID campagne")
        for row in sheets[sheet][1:]:
            if row[col] == "C1":
                row[col] = 2.0
    path = write_xlsx(tmp_path / "ids.xlsx", sheets)
    data = load_workbook(path)
    assert set(data.costs["campaign_id"]) == {"2", "C2"}
    by_campaign = compute_kpis(base_table(data), "campaign_id").set_index("campaign_id")
    assert by_campaign.loc["2", "cost"] == pytest.approx(40 * 35 + 300)
    findings = audit_inspection(inspect_bytes(path.read_bytes(), "ids.xlsx"), "en")
    note = next(f for f in findings if f.rule == "id_normalised")
    assert note.severity == "info" and note.rows == (2, 3) and "'2.0'" in note.message
    assert "unknown_campaign" not in {f.rule for f in findings}


# --- headers ----------------------------------------------------------------------------------


def _merged_header_xlsx(merge: str, rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    sheet.merge_cells(merge)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_merged_header_cell_keeps_row_1_as_the_header() -> None:
    # "Coût" merged over C1:D1 (a direct and an indirect part under one label).
    data = _merged_header_xlsx("C1:D1", [["Campagne", "Canal", "Coût", None, "Leads", "Clients"],
                                         ["A", "Emailing", 100, 20, 10, 1]])
    loaded = load_bytes(data, "merged.xlsx")
    assert loaded.costs["amount"].tolist() == [100.0]
    assert loaded.funnel["leads"].tolist() == [10.0]


def test_merged_title_above_the_header_is_still_a_title() -> None:
    data = _merged_header_xlsx("A1:E1", [["Coûts 2026", None, None, None, None],
                                         ["Campagne", "Canal", "Coût", "Leads", "Clients"],
                                         ["A", "Emailing", 100, 10, 1]])
    assert load_bytes(data, "title.xlsx").funnel["clients"].tolist() == [1.0]


def test_merged_header_missing_column_names_the_header_row() -> None:
    data = _merged_header_xlsx("C1:D1", [["Campagne", "Coût", "Montant", None, "Leads"],
                                         ["A", 5, 100, 20, 10]])
    err = _error(data, "merged.xlsx")
    assert err.row == 1 and "'Campagne', 'Coût', 'Montant', '(column D)'" in err.problem


def test_duplicated_amount_column_is_named() -> None:
    data = b"Campagne;Canal;Montant;Montant;Leads;Clients\nA;Emailing;100;200;10;1\n"
    err = _error(data, "dup.csv")
    assert (err.row, err.column) == (1, "Montant")
    assert "appears 2 times (columns C and D)" in err.problem
    assert "duplicate_column" in _rules(data, "dup.csv")


def test_duplicated_column_in_a_workbook_sheet(tmp_path) -> None:
    sheets = clean_company()
    sheets["Coûts"] = [r + [r[3]] for r in sheets["Coûts"]]
    err = pytest.raises(InputError, load_workbook, write_xlsx(tmp_path / "d.xlsx", sheets)).value
    assert err.sheet == "Coûts" and "columns D and G" in err.problem


def test_200000_duplicates_make_a_short_message() -> None:
    data = (SIMPLE + "A;Emailing;1;1;1\n" * 200_000).encode()
    err = _error(data, "dups.csv")
    assert len(str(err)) < 400
    assert "rows 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, … (200000 rows in all)" in str(err)
    findings = audit_inspection(inspect_bytes(data, "dups.csv"), "en")
    assert max(len(f.message) for f in findings) < 400


# --- encodings --------------------------------------------------------------------------------


def test_stray_latin1_byte_in_a_utf8_file_keeps_the_headers() -> None:
    text = SIMPLE + "Réseau été;Événements;100;10;1\n"
    data = text.encode("utf-8").replace("été".encode(), b"\xe9t\xe9")  # cp1252 "été"
    loaded = load_bytes(data, "mixed.csv")
    assert loaded.campaigns["campaign"].tolist() == ["Réseau été"]
    assert loaded.campaigns["channel"].tolist() == ["Événements"]
    assert loaded.costs["amount"].tolist() == [100.0]  # the 'Coût' header read as such


def test_a_windows_1252_file_is_still_windows_1252() -> None:
    data = (SIMPLE + "Réseau;Événements;100;10;1\n").encode("cp1252")
    assert load_bytes(data, "w.csv").campaigns["channel"].tolist() == ["Événements"]


def test_zip_of_error_cells_still_passes_the_corpus_checks() -> None:
    rows = hostile._rows_xml([["Campagne", "Canal", "Coût", "Leads", "Clients"],
                              ["A", "Emailing", 100, 10, 1]])
    data = hostile.workbook([hostile.sheet_xml(rows)])
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
    assert load_bytes(data, "ok.xlsx").costs["amount"].tolist() == [100.0]
