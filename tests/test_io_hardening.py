"""Loader hardening: whatever the bytes, only InputError escapes the loader."""

from __future__ import annotations

import pytest

from roi_core.errors import InputError
from roi_core.io import load_bytes, load_workbook


def test_single_table_without_id_column_loads(tmp_path) -> None:
    # One row per campaign, named but without an id column or a 'CA par client' column:
    # this used to escape as KeyError('campaign_id').
    path = tmp_path / "simple.csv"
    path.write_text("Campagne;Canal;Coût;Leads;Clients\nA;Emailing;1000;10;1\n",
                    encoding="utf-8")
    data = load_workbook(path)
    assert data.campaigns["campaign_id"].tolist() == ["A"]
    assert data.funnel["leads"].tolist() == [10.0]
    assert data.costs["amount"].sum() == pytest.approx(1000.0)


def test_bytes_and_path_agree(tmp_path) -> None:
    raw = "Campagne;Canal;Coût;Leads;Clients\nA;Emailing;1000;10;1\n".encode("cp1252")
    assert load_bytes(raw, "x.csv").funnel["clients"].tolist() == [1.0]


@pytest.mark.parametrize("cell", ["0001-01-01", "9999-12-31", "-5", "15/01/0226", 2958465])
def test_out_of_range_dates_are_located_errors(tmp_path, cell) -> None:
    # These escaped as pandas' OutOfBoundsDatetime (not an InputError) before.
    from conftest import clean_company, write_xlsx

    sheets = clean_company()
    sheets["Affaires"][1][3] = cell
    with pytest.raises(InputError) as err:
        load_workbook(write_xlsx(tmp_path / "x.xlsx", sheets))
    assert err.value.row == 2 and err.value.column == "Date de création"
    assert "is not a date" in err.value.problem


# --- fuzzing: whatever the bytes, only InputError escapes ------------------------------------

import io  # noqa: E402
import os  # noqa: E402
import zipfile  # noqa: E402

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from strategies import ENCODINGS, csv_text, mutated_company, xlsx_sheets  # noqa: E402

from roi_core.importers import import_files  # noqa: E402
from roi_core.io import audit_bytes  # noqa: E402

FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
VENDORS = ["hubspot", "salesforce", "pipedrive", "calls"]


def _only_input_errors(data: bytes, name: str, vendor: str) -> None:
    for run in (lambda: load_bytes(data, name), lambda: audit_bytes(data, name),
                lambda: import_files([(name, data)], vendor)):
        try:
            run()
        except InputError:
            pass


@FUZZ
@given(text=csv_text(), encoding=ENCODINGS, vendor=st.sampled_from(VENDORS))
def test_fuzz_csv_cells_separators_encodings(text: str, encoding: str, vendor: str) -> None:
    data = text.encode(encoding, errors="replace")
    _only_input_errors(data, "fuzz.csv", vendor)


@FUZZ
@given(sheets=xlsx_sheets(), vendor=st.sampled_from(VENDORS))
def test_fuzz_workbook_cells(tmp_path_factory, sheets, vendor: str) -> None:
    from conftest import write_xlsx

    path = tmp_path_factory.mktemp("fuzz") / "fuzz.xlsx"
    try:
        write_xlsx(path, sheets)
    except (ValueError, TypeError):  # openpyxl refuses some values itself: not our input
        return
    _only_input_errors(path.read_bytes(), "fuzz.xlsx", vendor)


@FUZZ
@given(data=st.binary(max_size=2048), suffix=st.sampled_from([".csv", ".xlsx", ".xls", ""]))
def test_fuzz_random_bytes(data: bytes, suffix: str) -> None:
    _only_input_errors(data, "fuzz" + suffix, "hubspot")


@FUZZ
@given(cut=st.integers(min_value=0, max_value=10_000), flips=st.lists(
    st.tuples(st.integers(min_value=0, max_value=10_000), st.integers(0, 255)), max_size=8))
def test_fuzz_damaged_workbooks(cut: int, flips) -> None:
    from conftest import clean_company

    buffer = io.BytesIO()
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in clean_company().items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(buffer)
    data = bytearray(buffer.getvalue())
    for pos, byte in flips:
        data[pos % len(data)] = byte
    damaged = bytes(data[: max(1, len(data) - cut)])
    _only_input_errors(damaged, "damaged.xlsx", "salesforce")


def test_zip_entries_expanding_past_the_limits_are_refused() -> None:
    # A forged directory says 2 GB; the loader trusts nothing it has not checked.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (12 * 1024 * 1024))
    with pytest.raises(InputError, match="decompression bomb"):
        load_bytes(buffer.getvalue(), "bomb.xlsx")


def test_size_cap_before_parsing(tmp_path, monkeypatch) -> None:
    import roi_core.io.read as read

    monkeypatch.setattr(read, "MAX_FILE_BYTES", 1000)
    big = tmp_path / "big.csv"
    big.write_bytes(b"a;b\n" + b"1;2\n" * 500)
    with pytest.raises(InputError, match="over the 0 MB limit|limit"):
        load_workbook(big)
    with pytest.raises(InputError, match="limit"):
        load_bytes(big.read_bytes(), "big.csv")


# --- the lenient loader agrees with the strict one --------------------------------------------

from roi_core.io import inspect_bytes  # noqa: E402


def _strict_and_lenient(data: bytes, name: str) -> None:
    try:
        load_bytes(data, name)
        strict = None
    except InputError as exc:
        strict = str(exc)
    try:
        problems = inspect_bytes(data, name).problems
    except InputError as exc:  # unreadable at all: both refuse with the same message
        assert str(exc) == strict
        return
    if strict is None:
        assert problems == []
    else:
        assert problems, strict
        assert str(problems[0].error) == strict  # the first problem is the one load raises


@FUZZ
@given(text=csv_text())
def test_lenient_first_problem_is_the_strict_error_csv(text: str) -> None:
    _strict_and_lenient(text.encode("utf-8"), "fuzz.csv")


@FUZZ
@given(sheets=xlsx_sheets())
def test_lenient_first_problem_is_the_strict_error_xlsx(tmp_path_factory, sheets) -> None:
    from conftest import write_xlsx

    path = tmp_path_factory.mktemp("lenient") / "fuzz.xlsx"
    try:
        write_xlsx(path, sheets)
    except (ValueError, TypeError):
        return
    _strict_and_lenient(path.read_bytes(), "fuzz.xlsx")


def test_lenient_agrees_on_the_corpus() -> None:
    from conftest import DATA

    for path in sorted((DATA / "malformed").iterdir()):
        _strict_and_lenient(path.read_bytes(), path.name)


@settings(FUZZ, max_examples=int(os.environ.get("ROI_FUZZ_EXAMPLES", "30")))
@given(sheets=mutated_company(), vendor=st.sampled_from(VENDORS))
def test_fuzz_mutated_company(tmp_path_factory, sheets, vendor: str) -> None:
    from conftest import write_xlsx

    path = tmp_path_factory.mktemp("mutated") / "company.xlsx"
    try:
        write_xlsx(path, sheets)
    except (ValueError, TypeError):
        return
    data = path.read_bytes()
    _only_input_errors(data, "company.xlsx", vendor)
    _strict_and_lenient(data, "company.xlsx")
