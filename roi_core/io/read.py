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
from zlib import error as zlib_error

import numpy as np
import pandas as pd

from roi_core.errors import InputError
from roi_core.io.cells import is_blank

__all__ = ["RawTable", "read_tables", "read_bytes", "check_zip", "MAX_FILE_BYTES",
           "MAX_UNCOMPRESSED_BYTES", "MAX_ENTRY_BYTES", "MAX_CELLS", "MAX_ROWS", "MAX_TEXT_CHARS",
           "SPREADSHEET_SUFFIXES"]

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

    scans: dict[str, SheetScan] = {}
    if data[:4] == b"PK\x03\x04":
        scans = check_zip(data, name)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for s in book.sheet_names:
            sheet = book.get_sheet_by_name(s)
            merged = [m for m in (sheet.merged_cell_ranges or []) if m[0][0] < _HEADER_SEARCH_ROWS]
            sheets.append((s, sheet.to_python(skip_empty_area=False), merged))
    except InputError:
        raise
    except Exception as exc:  # calamine raises its own types for every kind of damage
        raise InputError(f"the file cannot be read as a spreadsheet ({_short(exc)})", file=name,
                         expected="an Excel workbook (.xlsx) saved completely") from None
    tables = []
    for sheet_name, rows, merged in sheets:
        scan = scans.get(sheet_name)
        if scan is not None and scan.errors:
            # calamine gives an error cell as "" (blank): put its text back, so that
            # "#DIV/0!" where a number belongs is an unreadable cell, never "not recorded".
            for (r, c), text in scan.errors.items():
                if r - 1 < len(rows) and c - 1 < len(rows[r - 1]):
                    rows[r - 1][c - 1] = text
        table = _table_from_rows(rows, name, sheet_name, first_row=1, merged=merged)
        if table is not None:
            tables.append(table)
    if not tables:
        raise InputError("the workbook has no data in any sheet", file=name)
    return tables


# --- bounded work before any parse ------------------------------------------------------------
# The reader allocates a sheet's whole used range (the rectangle from A1 to its farthest
# cell), copies a shared string into every cell that refers to it, and trusts the zip
# directory: each is checked here, from the zip directory and a streamed pass over the XML,
# before python-calamine is called. What gets past these checks still runs in a child
# process with memory and CPU limits in the served app and the CLI (roi_core.io.isolated).

MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # every entry of an .xlsx, expanded
MAX_ENTRY_BYTES = 120 * 1024 * 1024  # one entry (a sheet's XML) expanded
MAX_CELLS = 5_000_000  # a sheet's used range, A1 to its farthest cell
MAX_ROWS = 500_000  # rows of one sheet or CSV file
MAX_TEXT_CHARS = 32_767  # Excel's own limit for one cell's text
_MAX_TEXT_BYTES = MAX_TEXT_CHARS * 6  # UTF-8 and entities ("&amp;") make a character longer
_BOMB_RATIO = 200
_CHUNK = 4 * 1024 * 1024
_REF = re.compile(rb' r="([A-Z]{1,3})([0-9]{1,7})"')
_CELL_ROW = re.compile(rb' r="[A-Z]{1,3}([0-9]{1,7})"')
_COL3 = re.compile(rb' r="([A-Z]{3})[0-9]')
_COL2 = re.compile(rb' r="([A-Z]{2})[0-9]')
_COL1 = re.compile(rb' r="([A-Z])[0-9]')
_ROW_REF = re.compile(rb'<row r="([0-9]{1,7})"')
_DIMENSION = re.compile(rb'<dimension\s+ref="([A-Z]{1,3}[0-9]{1,7})(?::([A-Z]{1,3}[0-9]{1,7}))?"')
_SST_COUNT = re.compile(rb'\s(?:uniqueCount|count)="([0-9]+)"')
_ERROR_VALUE = re.compile(rb"<v>([^<]{0,40})</v>")
_MAX_ERRORS = 10_000


@dataclass
class SheetScan:
    """What one streamed pass over a worksheet's XML found: its real extent, its error cells."""

    max_row: int = 0
    max_col: int = 0
    cells: int = 0
    dimension: str | None = None
    errors: dict[tuple[int, int], str] | None = None

    @property
    def area(self) -> int:
        return self.max_row * self.max_col


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _sheet_names(zf: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    """Worksheet entry path -> the sheet's tab name (from xl/workbook.xml and its rels)."""
    import html

    out: dict[str, str] = {}
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return out
    book = zf.read("xl/workbook.xml")[:2_000_000]
    rels = zf.read("xl/_rels/workbook.xml.rels")[:2_000_000]
    targets = {}
    for tag in re.findall(rb"<Relationship\b[^>]*>", rels):
        rid, target = re.search(rb'\sId="([^"]*)"', tag), re.search(rb'\sTarget="([^"]*)"', tag)
        if rid and target:
            path = target.group(1).decode(errors="replace").lstrip("/")
            targets[rid.group(1)] = path if path.startswith("xl/") else "xl/" + path
    for tag in re.findall(rb"<(?:\w+:)?sheet\b[^>]*>", book):
        sheet, rid = re.search(rb'\sname="([^"]*)"', tag), re.search(rb'\s\w+:id="([^"]*)"', tag)
        if sheet and rid and rid.group(1) in targets:
            out[targets[rid.group(1)]] = html.unescape(sheet.group(1).decode(errors="replace"))
    return out


def _stream(zf: zipfile.ZipFile, info: zipfile.ZipInfo):
    """An entry's bytes in chunks, never past its declared size (zipfile checks the CRC)."""
    with zf.open(info) as f:
        while chunk := f.read(_CHUNK):
            yield chunk


def _n(number: int) -> str:
    """A count as people read it: 5 000 000 (spaces between thousands)."""
    return f"{number:,}".replace(",", " ")


def _too_long_text(name: str, sheet: str | None) -> InputError:
    return InputError(f"a cell holds a text of more than {_n(MAX_TEXT_CHARS)} characters "
                      "(Excel's limit for one cell)", file=name, sheet=sheet,
                      expected="a workbook saved by a spreadsheet program")


def _scan_sheet(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str,
                sheet: str | None) -> SheetScan:
    """One pass over a worksheet's XML: the farthest cell, the cell count, the error cells.

    The XML is cut at row ends (or, in a single giant row, at a tag), so that no tag is
    split between two chunks.
    """
    scan = SheetScan(errors={})
    tail = b""
    first = True
    rows_seen = 0
    for chunk in _stream(zf, info):
        buffer = tail + chunk
        cut = buffer.rfind(b"</row>")
        cut = cut + 6 if cut >= 0 else buffer.rfind(b"<")
        if cut <= 0:
            tail = buffer
            if len(tail) > _MAX_TEXT_BYTES + _CHUNK:
                raise _too_long_text(name, sheet)
            continue
        block, tail = buffer[:cut], buffer[cut:]
        if first:
            dim = _DIMENSION.search(block[:65536])
            if dim:
                scan.dimension = b":".join(g for g in dim.groups() if g).decode()
            first = False
        rows_seen = _scan_block(block, scan, rows_seen)
    if tail:
        rows_seen = _scan_block(tail, scan, rows_seen)
    return scan


def _scan_block(block: bytes, scan: SheetScan, rows_seen: int) -> int:
    # Row numbers of the cells' addresses (few distinct values: a row has many cells).
    cell_rows = _CELL_ROW.findall(block)
    if cell_rows:
        scan.max_row = max(scan.max_row, max(map(int, set(cell_rows))))
    # The farthest column (one-letter columns come back as cached one-byte objects).
    for pattern in (_COL3, _COL2, _COL1):
        if pattern.search(block):
            scan.max_col = max(scan.max_col, max(map(_col_number, set(pattern.findall(block)))))
            break
    row_refs = _ROW_REF.findall(block)
    if row_refs:
        scan.max_row = max(scan.max_row, max(map(int, set(row_refs))))
    rows_seen += block.count(b"<row")
    # Rows and cells without an address follow the previous one: count them.
    scan.max_row = max(scan.max_row, rows_seen)
    cells = block.count(b"<c") - block.count(b"<col")
    scan.cells += cells
    if cells > len(cell_rows):
        widest = max(seg.count(b"<c") for seg in block.split(b"</row>"))
        scan.max_col = max(scan.max_col, widest)
    pos = block.find(b't="e"')
    while pos >= 0 and len(scan.errors) < _MAX_ERRORS:  # type: ignore[arg-type]
        start = block.rfind(b"<c", 0, pos)
        end = block.find(b"</c>", pos)
        ref = _REF.search(block, start, pos + 8) if start >= 0 else None
        value = _ERROR_VALUE.search(block, pos, end) if end >= 0 else None
        if ref and value:
            key = (int(ref.group(2)), _col_number(ref.group(1)))
            scan.errors[key] = value.group(1).decode(errors="replace")  # type: ignore[index]
        pos = block.find(b't="e"', pos + 5)
    return rows_seen


def _scan_shared_strings(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> None:
    """The shared-string table: its declared size, and no string longer than Excel allows."""
    tail = b""
    first = True
    for chunk in _stream(zf, info):
        buffer = tail + chunk
        if first:
            for count in _SST_COUNT.findall(buffer[:4096]):
                if int(count) > MAX_CELLS:
                    raise InputError(
                        f"the workbook declares {_n(int(count))} shared texts, over the "
                        f"{_n(MAX_CELLS)} limit", file=name,
                        expected="a workbook saved by a spreadsheet program")
            first = False
        cut = buffer.rfind(b"<")
        block, tail = (buffer[:cut], buffer[cut:]) if cut > 0 else (b"", buffer)
        if len(tail) > _MAX_TEXT_BYTES or (block and max(map(len, block.split(b"<")))
                                            > _MAX_TEXT_BYTES):
            raise _too_long_text(name, None)
    if len(tail) > _MAX_TEXT_BYTES:
        raise _too_long_text(name, None)


def check_zip(data: bytes, name: str) -> dict[str, SheetScan]:
    """Refuse a zip whose entries would cost absurd memory, before any XML parser sees them.

    Checks, in this order: each entry's expanded size (``MAX_ENTRY_BYTES``) and ratio, the
    total (``MAX_UNCOMPRESSED_BYTES``), that it is a workbook; then streams each worksheet
    for its real extent (A1 to the farthest cell: at most ``MAX_CELLS`` cells, whatever its
    ``<dimension>`` declares, and ``MAX_ROWS`` rows) and the shared strings for their count
    and length. Returns each sheet's scan by tab name (its error cells).
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            total = 0
            for info in infos:
                total += info.file_size
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > MAX_ENTRY_BYTES or (ratio > _BOMB_RATIO
                                                        and info.file_size > 10**7):
                    raise InputError(
                        f"the workbook entry '{info.filename}' would expand to "
                        f"{info.file_size / 1e6:.0f} MB (compression ratio {ratio:.0f}:1); "
                        "this looks like a decompression bomb", file=name)
            if total > MAX_UNCOMPRESSED_BYTES:
                raise InputError(
                    f"the workbook would expand to {total / 1e6:.0f} MB, over the "
                    f"{MAX_UNCOMPRESSED_BYTES // 2**20} MB limit (this looks like a "
                    "decompression bomb)", file=name)
            names = set(zf.namelist())
            if "xl/workbook.xml" not in names and "content.xml" not in names:
                raise InputError("the file is a zip archive but not an Excel workbook", file=name,
                                 expected="an Excel workbook (.xlsx)")
            tabs = _sheet_names(zf, names)
            scans: dict[str, SheetScan] = {}
            for info in infos:
                entry = info.filename
                if entry.startswith("xl/worksheets/") and entry.endswith(".xml"):
                    sheet = tabs.get(entry)
                    scan = _scan_sheet(zf, info, name, sheet)
                    _check_extent(scan, name, sheet)
                    scans[sheet or entry] = scan
                elif entry.lower() == "xl/sharedstrings.xml":
                    _scan_shared_strings(zf, info, name)
            return scans
    except (zipfile.BadZipFile, zlib_error, EOFError):
        raise InputError("the workbook is damaged or truncated (its zip structure is broken)",
                         file=name, expected="an Excel workbook (.xlsx) saved completely") from None


def _check_extent(scan: SheetScan, name: str, sheet: str | None) -> None:
    if scan.area > MAX_CELLS:
        far = f"{_column_letter(scan.max_col - 1)}{scan.max_row}"
        declared = f" (it declares {scan.dimension})" if scan.dimension else ""
        raise InputError(
            f"the sheet's cells reach {far}: a used range of {_n(scan.area)} cells{declared}, "
            f"over the {_n(MAX_CELLS)}-cell limit", file=name, sheet=sheet,
            expected="the data in a compact table from A1 (delete stray cells far away)")
    if scan.max_row > MAX_ROWS:
        raise InputError(
            f"the sheet has {_n(scan.max_row)} rows, over the {_n(MAX_ROWS)}-row limit",
            file=name, sheet=sheet, expected=f"at most {_n(MAX_ROWS)} rows per sheet")


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]


_STRAY = re.compile("[\udc80-\udcff]")


def _decode(data: bytes, name: str) -> str:
    """The file's text, its encoding decided on the whole file.

    UTF-8 (with or without BOM) when it decodes so; otherwise, when the file's valid UTF-8
    accented letters outnumber the bytes that are not UTF-8, UTF-8 with those stray bytes
    read as Windows-1252 (one "û" typed in another program does not garble every "é" of
    the file); otherwise Windows-1252, what French Excel writes.
    """
    if b"\x00" in data[:4096]:
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            return data.decode("utf-16")
        raise InputError("the file is binary, not a CSV text file", file=name,
                         expected="an Excel workbook (.xlsx) or a CSV file (.csv)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # Bytes that are not UTF-8 come back as lone surrogates (U+DC80..U+DCFF).
    text = data.decode("utf-8-sig", errors="surrogateescape")
    strays = len(_STRAY.findall(text))
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    if non_ascii - strays > strays:
        return _STRAY.sub(lambda m: bytes([ord(m.group()) - 0xDC00]).decode(
            "cp1252", errors="replace"), text)
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
    lines = data.count(b"\n")
    if lines > MAX_ROWS + _HEADER_SEARCH_ROWS:
        raise InputError(f"the file has {_n(lines)} lines, over the {_n(MAX_ROWS)}-row limit",
                         file=name, expected=f"at most {_n(MAX_ROWS)} rows per file")
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
                     first_row: int, merged: list | None = None) -> RawTable | None:
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
    # A header cell merged over several columns fills them all, for finding the header row
    # (else the first data row, with more cells, would win); their labels stay blank.
    spans = np.zeros_like(filled)
    for (r0, c0), (r1, c1) in merged or []:
        if r0 < len(frame) and c0 < width and filled[r0, c0]:
            spans[r0:r1 + 1, c0:min(c1, width - 1) + 1] = True
    spans &= ~filled
    # The header is the first row, among the first few non-empty ones, with the most labels:
    # a title line above the header ("Coûts 2026") is tolerated, merged or not.
    candidates = nonempty_rows[:_HEADER_SEARCH_ROWS]

    def _labels(i: int) -> int:
        real = int(filled[i].sum())
        return real + int(spans[i].sum()) if real > 1 else real

    header_idx = max(candidates, key=lambda i: (_labels(i), -i))
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
