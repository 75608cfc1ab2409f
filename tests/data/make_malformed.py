"""Write the corpus of malformed inputs in tests/data/malformed/ (small files).

Run: ``python tests/data/make_malformed.py``. ``tests/test_malformed.py`` loads each file and
checks the message the loader gives (a table there: file -> expected fragment).
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "malformed"
sys.path.insert(0, str(HERE.parent))

d = dt.datetime
FIXED = d(2026, 1, 1)


def xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    book.properties.created = book.properties.modified = FIXED
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def company(**changes: object) -> dict[str, list[list[object]]]:
    from conftest import clean_company

    sheets = clean_company()
    for key, value in changes.items():
        sheets[key] = value  # type: ignore[assignment]
    return sheets


def edit(sheet: str, row: int, col: int, value: object) -> dict[str, list[list[object]]]:
    sheets = company()
    sheets[sheet][row] = list(sheets[sheet][row])
    sheets[sheet][row][col] = value
    return sheets


def raw_zip(entries: dict[str, bytes], level: int = 9) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return buffer.getvalue()


CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxml'
                 b'formats.org/package/2006/content-types"><Default Extension="xml" ContentType'
                 b'="application/xml"/></Types>')


def bomb() -> bytes:
    """A real decompression bomb: 30 MB of zeros deflated into a few kilobytes."""
    return raw_zip({"[Content_Types].xml": CONTENT_TYPES, "xl/workbook.xml": b"<workbook/>",
                    "xl/worksheets/sheet1.xml": b"\0" * (30 * 1024 * 1024)})


def _with_doctype(doctype: str, entity: str) -> bytes:
    """The valid company workbook, its first sheet's XML given a DOCTYPE, and the optional
    'Segment' header replaced by a reference to ``entity``."""
    good = zipfile.ZipFile(io.BytesIO(xlsx(company())))
    entries = {n: good.read(n) for n in good.namelist()}
    name = "xl/worksheets/sheet1.xml"
    body = entries[name].replace(b"<t>Segment</t>", f"<t>&{entity};</t>".encode(), 1)
    entries[name] = b'<?xml version="1.0" encoding="UTF-8"?>' + doctype.encode() + body
    return raw_zip(entries)


def billion_laughs() -> bytes:
    """XML entity expansion: nine levels of ten, a billion "lol"s if a parser expands them."""
    lol = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)]
    return _with_doctype("<!DOCTYPE worksheet [" + "".join(lol) + "]>", "lol9")


def external_entity() -> bytes:
    """An external entity that would pull /etc/passwd into a cell."""
    return _with_doctype('<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
                         "xxe")


def files() -> dict[str, bytes]:
    import hostile_files as hostile

    valid = xlsx(company())
    simple = "Campagne;Canal;Coût;Leads;Clients\n"
    return {
        "empty.csv": b"",
        "blank_lines.csv": b"\n \n\t\n",
        "only_separators.csv": b";;;\n;;;\n",
        "binary_nul.csv": bytes(range(256)) * 4,
        "not_a_spreadsheet.pdf": b"%PDF-1.4\n1 0 obj << >> endobj\n",
        "text_named_xlsx.xlsx": b"Campagne;Canal\nA;Emailing\n",
        "truncated.xlsx": valid[: len(valid) // 2],
        "zip_not_xlsx.xlsx": raw_zip({"readme.txt": b"hello"}),
        "zip_bomb.xlsx": bomb(),
        "billion_laughs.xlsx": billion_laughs(),
        "external_entity.xlsx": external_entity(),
        "ole_garbage.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00garbage" * 64,
        "html_as_xls.xls": b"<html><body><table><tr><td>Campagne</td></tr></table></body></html>",
        "one_column.csv": b"hello\nworld\n",
        "simple_text_amount.csv": (simple + "A;Emailing;abc;10;1\n").encode(),
        "simple_negative_cost.csv": (simple + "A;Emailing;-500;10;1\n").encode(),
        "simple_no_channel_column.csv": b"Campagne;Co\xfbt;Leads\nA;100;3\n",
        "simple_blank_channel.csv": (simple + "A;;100;10;1\n").encode("cp1252"),
        "simple_duplicate_campaign.csv": (simple + "A;Emailing;100;10;1\n"
                                          "A;Emailing;200;5;1\n").encode(),
        "simple_bad_month.csv": b"Campagne;Canal;Co\xfbt;Leads;Mois\nA;Emailing;100;3;13/2026\n",
        "simple_rate_140.csv": (simple.replace("\n", ";Taux de marge\n")
                                + "A;Emailing;100;10;1;140 %\n").encode(),
        "no_sheet_data.xlsx": xlsx({"Feuil1": []}),
        "missing_costs_sheet.xlsx": xlsx({k: v for k, v in company().items() if k != "Coûts"}),
        "no_funnel_source.xlsx": xlsx({k: v for k, v in company().items()
                                       if k in ("Campagnes", "Coûts")}),
        "duplicate_deal_id.xlsx": xlsx(edit("Affaires", 2, 0, "D1")),
        "unknown_status.xlsx": xlsx(edit("Affaires", 1, 5, "signée peut-être")),
        "ends_before_start.xlsx": xlsx(edit("Campagnes", 1, 5, d(2025, 12, 1))),
        "cost_without_amount.xlsx": xlsx(edit("Coûts", 3, 3, None)),
        "duplicate_funnel_rows.xlsx": xlsx(edit("Entonnoir", 2, 0, "C1")),
        "blank_campaign_id.xlsx": xlsx(edit("Campagnes", 2, 0, None)),
        "year_0001.xlsx": xlsx(edit("Affaires", 1, 3, "0001-01-01")),
        "text_in_contacts.xlsx": xlsx(edit("Entonnoir", 1, 1, "beaucoup")),
        "missing_required_column.xlsx": xlsx(company(Campagnes=[
            [c for i, c in enumerate(r) if i != 2] for r in company()["Campagnes"]])),
        "unknown_activity_type.xlsx": xlsx(edit("Activités", 1, 3, "pigeon voyageur")),
        "rate_as_whole_number.xlsx": xlsx(edit("Entonnoir", 1, 7, 40)),
        # Issue 13: small files that cost gigabytes, and cells once misread in silence.
        "far_corner.xlsx": hostile.far_corner()[1],
        "mid_range.xlsx": hostile.mid_range()[1],
        "huge_shared_string.xlsx": hostile.huge_shared_string()[1],
        "forged_shared_string_count.xlsx": hostile.many_shared_strings()[1],
        "excel_error_cell.xlsx": xlsx(edit("Coûts", 2, 3, "#DIV/0!")),
        "error_as_text.csv": (simple + "A;Emailing;100;#N/A;1\n").encode(),
        "ambiguous_thousands.csv": (simple + "A;Emailing;1.500;10;1\nB;Emailing;1,500;3;1\n"
                                    ).encode(),
        "amount_1e308.csv": (simple + "A;Emailing;1e308;10;1\nB;Emailing;1e308;3;1\n").encode(),
        "duplicate_montant_column.csv": b"Campagne;Canal;Montant;Montant;Leads;Clients\n"
                                        b"A;Emailing;100;200;10;1\n",
    }


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    for name, data in files().items():
        (OUT / name).write_bytes(data)
    print(f"{len(files())} files in {OUT}")


if __name__ == "__main__":
    main()
