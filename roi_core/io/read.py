"""Raw tables out of files: the sheets of a workbook, a CSV file, or a folder of CSV files.

This layer only finds the cells and where they sit (file, sheet, Excel row); it does not
know the workbook contract. ``roi_core.io.workbook`` maps the headers and types the cells.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from roi_core.errors import InputError
from roi_core.io.cells import is_blank

__all__ = ["RawTable", "read_tables", "read_bytes", "MAX_FILE_BYTES", "SPREADSHEET_SUFFIXES"]

MAX_FILE_BYTES = 50 * 1024 * 1024
SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
TEXT_SUFFIXES = {".csv", ".txt", ".tsv"}
_HEADER_SEARCH_ROWS = 10


@dataclass
class RawTable:
    """One table as found in a file.

    ``cells`` holds the data rows (object values, one column per header); ``rows`` holds,
    for each data row, its number as the user sees it (Excel's row, or the CSV line).
    """

    file: str
    sheet: str | None
    headers: list[str]
    cells: pd.DataFrame
    rows: np.ndarray
    header_row: int

    @property
    def where(self) -> dict[str, str | None]:
        return {"file": self.file, "sheet": self.sheet}


def read_tables(path: str | Path) -> list[RawTable]:
    """Every table in a workbook file, a CSV file, or a folder of CSV files.

    Raises InputError for a file that cannot be read as a spreadsheet.
    """
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir()
                       if p.suffix.lower() in TEXT_SUFFIXES | SPREADSHEET_SUFFIXES
                       and not p.name.startswith(("~$", ".")))
        if not files:
            raise InputError("the folder holds no CSV or Excel file", file=path.name)
        tables: list[RawTable] = []
        for f in files:
            tables.extend(read_bytes(_read_file(f), f.name))
        return tables
    if not path.exists():
        raise InputError("the file does not exist", file=str(path))
    return read_bytes(_read_file(path), path.name)


def _read_file(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputError(f"the file is {size / 1e6:.0f} MB, over the {MAX_FILE_BYTES // 10**6} MB "
                         "limit", file=path.name)
    return path.read_bytes()


def read_bytes(data: bytes, name: str) -> list[RawTable]:
    """The tables of one file given as bytes (an upload); ``name`` says what it is."""
    if len(data) > MAX_FILE_BYTES:
        raise InputError(f"the file is {len(data) / 1e6:.0f} MB, over the "
                         f"{MAX_FILE_BYTES // 10**6} MB limit", file=name)
    if not data.strip():
        raise InputError("the file is empty", file=name)
    suffix = Path(name).suffix.lower()
    looks_zip = data[:4] == b"PK\x03\x04"
    looks_ole = data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    if suffix in SPREADSHEET_SUFFIXES or looks_zip or looks_ole:
        return _read_workbook(data, name)
    if suffix in TEXT_SUFFIXES or suffix == "":
        return [_read_csv(data, name)]
    raise InputError(f"'{suffix}' files are not spreadsheets", file=name,
                     expected="an Excel workbook (.xlsx) or a CSV file (.csv)")


def _read_workbook(data: bytes, name: str) -> list[RawTable]:
    from python_calamine import CalamineWorkbook

    if data[:4] == b"PK\x03\x04":
        _check_zip(data, name)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [(s, book.get_sheet_by_name(s).to_python(skip_empty_area=False))
                  for s in book.sheet_names]
    except InputError:
        raise
    except Exception as exc:  # calamine raises its own types for every kind of damage
        raise InputError(f"the file cannot be read as a spreadsheet ({_short(exc)})", file=name,
                         expected="an Excel workbook (.xlsx) saved completely") from None
    tables = []
    for sheet_name, rows in sheets:
        table = _table_from_rows(rows, name, sheet_name, first_row=1)
        if table is not None:
            tables.append(table)
    if not tables:
        raise InputError("the workbook has no data in any sheet", file=name)
    return tables


def _check_zip(data: bytes, name: str) -> None:
    """Refuse a zip whose entries expand to absurd sizes before any XML parser sees them."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            total = 0
            for info in zf.infolist():
                total += info.file_size
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > 20 * MAX_FILE_BYTES or (ratio > 200 and info.file_size > 10**7):
                    raise InputError(
                        f"the workbook entry '{info.filename}' would expand to "
                        f"{info.file_size / 1e6:.0f} MB (compression ratio {ratio:.0f}:1); "
                        "this looks like a decompression bomb", file=name)
            if total > 40 * MAX_FILE_BYTES:
                raise InputError(f"the workbook would expand to {total / 1e6:.0f} MB", file=name)
            if "xl/workbook.xml" not in zf.namelist() and "content.xml" not in zf.namelist():
                raise InputError("the file is a zip archive but not an Excel workbook", file=name,
                                 expected="an Excel workbook (.xlsx)")
    except zipfile.BadZipFile:
        raise InputError("the workbook is damaged or truncated (its zip structure is broken)",
                         file=name, expected="an Excel workbook (.xlsx) saved completely") from None


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]


def _decode(data: bytes, name: str) -> str:
    if b"\x00" in data[:4096]:
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            return data.decode("utf-16")
        raise InputError("the file is binary, not a CSV text file", file=name,
                         expected="an Excel workbook (.xlsx) or a CSV file (.csv)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # What French Excel writes with "CSV (séparateur : point-virgule)".
        return data.decode("cp1252", errors="replace")


def _sniff_separator(text: str) -> str:
    lines = [ln for ln in text.splitlines()[:20] if ln.strip()]
    if not lines:
        return ","
    head = lines[0]
    counts = {sep: head.count(sep) for sep in (";", "\t", ",", "|")}
    best = max(counts, key=lambda s: (counts[s], s == ";"))
    if counts[best] == 0:
        return ","
    return best


def _read_csv(data: bytes, name: str) -> RawTable:
    text = _decode(data, name)
    first = text.split("\n", 1)[0].strip()
    # Excel's separator hint line, "sep=;", stays counted so line numbers match the file.
    hinted = re.fullmatch(r"sep=(.)", first)
    sep = hinted.group(1) if hinted else _sniff_separator(text)
    if hinted:
        text = "\n" + text.split("\n", 1)[1] if "\n" in text else ""
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    except csv.Error as exc:
        raise InputError(f"the CSV file cannot be read ({exc})", file=name) from None
    table = _table_from_rows(rows, name, None, first_row=1)
    if table is None:
        raise InputError("the file has no data", file=name)
    return table


def _table_from_rows(rows: list[list[object]], file: str, sheet: str | None,
                     first_row: int) -> RawTable | None:
    if not rows:
        return None
    width = max(len(r) for r in rows)
    if width == 0:
        return None
    if any(len(r) != width for r in rows):
        rows = [list(r) + [None] * (width - len(r)) for r in rows]
    frame = pd.DataFrame(rows, dtype=object)
    blank = np.column_stack([is_blank(frame[c]) for c in frame.columns])
    filled = ~blank
    nonempty_rows = np.flatnonzero(filled.any(axis=1))
    if len(nonempty_rows) == 0:
        return None
    # The header is the first row, among the first few non-empty ones, with the most labels:
    # a title line above the header ("Coûts 2026") is tolerated.
    candidates = nonempty_rows[:_HEADER_SEARCH_ROWS]
    header_idx = max(candidates, key=lambda i: (filled[i].sum(), -i))
    if filled[header_idx].sum() == 1 and len(candidates) > 1:
        header_idx = candidates[0]
    header_cells = frame.iloc[header_idx]
    keep = filled[header_idx] | filled[header_idx + 1:].any(axis=0)
    headers = []
    for pos, value in enumerate(header_cells):
        if not keep[pos]:
            continue
        label = "" if is_blank(pd.Series([value], dtype=object))[0] else str(value).strip()
        headers.append(label or f"(column {_column_letter(pos)})")
    body = frame.iloc[header_idx + 1:, keep]
    body_filled = filled[header_idx + 1:][:, keep].any(axis=1)
    body = body[body_filled]
    cells = body.reset_index(drop=True)
    cells.columns = range(len(headers))
    row_numbers = np.flatnonzero(body_filled) + header_idx + 1 + first_row
    return RawTable(file=file, sheet=sheet, headers=headers, cells=cells, rows=row_numbers,
                    header_row=int(header_idx) + first_row)


def _column_letter(pos: int) -> str:
    letters = ""
    pos += 1
    while pos:
        pos, rem = divmod(pos - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def sheet_label(table: RawTable) -> str:
    """How the user names this table: the sheet's tab, or the CSV file's name."""
    return table.sheet if table.sheet is not None else re.sub(r"\.[^.]+$", "", table.file)
