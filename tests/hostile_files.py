"""Hostile inputs, built in memory: small files that once cost gigabytes or killed the reader.

Each builder returns ``(file name, bytes)``. They are shared by ``tests/test_hostile.py``, the
browser test that uploads them while another viewer moves a slider, and
``benchmarks/bench_hostile.py`` (peak memory per file). Zip entries are written by hand
(``raw_zip``) so that a many-megabyte entry is compressed once and reused, and so that the
zip directory can say what a forger wants.
"""

from __future__ import annotations

import struct
import zlib

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.spreadsheetml.sheet.main+xml"/>'
    b'%s</Types>')
ROOT_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RNS = b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def _entry(name: str, data: bytes) -> tuple[str, bytes, int, int]:
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = comp.compress(data) + comp.flush()
    return name, packed, zlib.crc32(data), len(data)


def raw_zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip from already deflated entries: (name, deflated bytes, crc32, uncompressed size)."""
    out, central = bytearray(), bytearray()
    for name, packed, crc, size in entries:
        encoded = name.encode()
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x5C21, crc, len(packed),
                           size, len(encoded), 0) + encoded + packed
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x5C21, crc,
                               len(packed), size, len(encoded), 0, 0, 0, 0, 0,
                               offset) + encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central),
                      len(out), 0)
    return bytes(out + central + end)


def workbook(sheets: list[bytes], shared_strings: bytes | None = None,
             extra: list[tuple[str, bytes, int, int]] = ()) -> bytes:
    """An .xlsx holding these worksheet XML documents (named Sheet1, Sheet2 ...)."""
    overrides = b"".join(
        b'<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.'
        b'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' % (i + 1)
        for i in range(len(sheets)))
    book = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook ' + NS + b" "
            + RNS + b"><sheets>" + b"".join(
                b'<sheet name="Sheet%d" sheetId="%d" r:id="rId%d"/>' % (i + 1, i + 1, i + 1)
                for i in range(len(sheets))) + b"</sheets></workbook>")
    rels = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="'
            b'http://schemas.openxmlformats.org/package/2006/relationships">' + b"".join(
                b'<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/'
                b'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>'
                % (i + 1, i + 1) for i in range(len(sheets))))
    if shared_strings is not None:
        rels += (b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/'
                 b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>')
        overrides += (b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                      b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
    rels += b"</Relationships>"
    entries = [_entry("[Content_Types].xml", CONTENT_TYPES % overrides),
               _entry("_rels/.rels", ROOT_RELS), _entry("xl/workbook.xml", book),
               _entry("xl/_rels/workbook.xml.rels", rels)]
    if shared_strings is not None:
        entries.append(_entry("xl/sharedStrings.xml", shared_strings))
    entries += [_entry(f"xl/worksheets/sheet{i + 1}.xml", s) for i, s in enumerate(sheets)]
    return raw_zip(entries + list(extra))


def sheet_xml(cells: bytes, dimension: str | None = None) -> bytes:
    dim = b'<dimension ref="%s"/>' % dimension.encode() if dimension else b""
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet ' + NS + b">"
            + dim + b"<sheetData>" + cells + b"</sheetData></worksheet>")


def far_corner() -> tuple[str, bytes]:
    """1.6 kB: cells at A1 and XFD1048576 (legal Excel), a 17-billion-cell used range."""
    cells = (b'<row r="1"><c r="A1" t="inlineStr"><is><t>Campagne</t></is></c></row>'
             b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    return "far_corner.xlsx", workbook([sheet_xml(cells, "A1:XFD1048576")])


def mid_range() -> tuple[str, bytes]:
    """A 1.6 kB sheet whose two cells declare 52 million (A1 .. AZ1000000)."""
    cells = (b'<row r="1"><c r="A1" t="inlineStr"><is><t>Campagne</t></is></c></row>'
             b'<row r="1000000"><c r="AZ1000000"><v>1</v></c></row>')
    return "mid_range.xlsx", workbook([sheet_xml(cells, "A1:AZ1000000")])


def declared_only() -> tuple[str, bytes]:
    """A sheet that declares the whole grid but holds a small valid company table."""
    rows = [["Campagne", "Canal", "Coût", "Leads", "Clients"], ["A", "Emailing", 100, 10, 1]]
    return "declared_only.xlsx", workbook([sheet_xml(_rows_xml(rows), "A1:XFD1048576")])


def _rows_xml(rows: list[list[object]]) -> bytes:
    out = bytearray()
    for r, row in enumerate(rows, start=1):
        out += b'<row r="%d">' % r
        for c, value in enumerate(row):
            ref = b"%s%d" % (chr(65 + c).encode(), r)
            if isinstance(value, str):
                out += b'<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref, value.encode())
            else:
                out += b'<c r="%s"><v>%s</v></c>' % (ref, str(value).encode())
        out += b"</row>"
    return bytes(out)


def many_entries(count: int = 150, size: int = 9_900_000) -> tuple[str, bytes]:
    """150 sheets of 9.9 MB each (1.5 GB of XML) in a few megabytes: every entry alone
    passes a per-entry check."""
    row = b"<row>" + b"<c><v>1</v></c>" * 20 + b"</row>"
    body = row * (size // len(row))
    sheet = sheet_xml(body)
    _, packed, crc, length = _entry("x", sheet)
    entries = _book_entries(count)
    entries += [(f"xl/worksheets/sheet{i + 1}.xml", packed, crc, length) for i in range(count)]
    return "many_entries.xlsx", raw_zip(entries)


def _book_entries(count: int) -> list[tuple[str, bytes, int, int]]:
    """Everything of ``workbook`` but the worksheets, for ``count`` sheets."""
    import io
    import zipfile

    base = zipfile.ZipFile(io.BytesIO(workbook([b""] * count)))
    return [_entry(n, base.read(n)) for n in base.namelist()
            if not n.startswith("xl/worksheets/")]


def huge_shared_string(chars: int = 9_500_000, refs: int = 400) -> tuple[str, bytes]:
    """One shared string of 9.5 million characters (12 kB deflated), referenced by 400
    cells: the reader copies it into each (4 GB)."""
    sst = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst ' + NS
           + b' count="%d" uniqueCount="1"><si><t>' % refs + b"A" * chars + b"</t></si></sst>")
    cells = b"".join(b'<row r="%d"><c r="A%d" t="s"><v>0</v></c></row>' % (r, r)
                     for r in range(1, refs + 1))
    return "huge_string.xlsx", workbook([sheet_xml(cells, f"A1:A{refs}")], shared_strings=sst)


def many_shared_strings(count: int = 1000, declared: int = 4_000_000_000) -> tuple[str, bytes]:
    """A shared-string table that declares four billion strings (a reader that reserves
    room for what is declared asks for 100 GB)."""
    sst = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst ' + NS
           + b' count="%d" uniqueCount="%d">' % (declared, declared) + b"<si><t>x</t></si>" * count
           + b"</sst>")
    cells = b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    return "many_strings.xlsx", workbook([sheet_xml(cells, "A1")], shared_strings=sst)


def million_rows_csv(rows: int = 1_000_000) -> tuple[str, bytes]:
    """A CSV of a million campaigns (11 MB: under the upload limit)."""
    body = b"".join(b"C%d;E;1;1;1\n" % i for i in range(rows))
    return "million_rows.csv", b"Campagne;Canal;Co\xc3\xbbt;Leads;Clients\n" + body


def oversized_csv(size: int = 22_700_000) -> tuple[str, bytes]:
    """22.7 MB: past the 20 MB upload limit (the browser refuses it; so must the kernel)."""
    head = "Campagne;Canal;Coût;Leads;Clients\n".encode()
    line = b"A;Emailing;100;10;1\n"
    return "oversized.csv", head + line * ((size - len(head)) // len(line) + 1)


def hostile_files() -> list[tuple[str, bytes]]:
    """The upload-sized hostile files, each of which once hurt the server."""
    return [far_corner(), mid_range(), many_entries(), huge_shared_string(),
            many_shared_strings(), million_rows_csv()]


# --- what a child process is asked to do in the isolation tests (module-level: sent by name)


def calamine_unchecked(data: bytes) -> int:
    """The reader called on the bytes without the checks of roi_core.io.read."""
    import io

    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return sum(len(book.get_sheet_by_name(s).to_python()) for s in book.sheet_names)


def allocate(size: int) -> int:
    return len(bytearray(size))


def spin() -> None:
    while True:
        pass


def sleep(seconds: float) -> None:
    import time

    time.sleep(seconds)
