"""Writing real test files: .xlsx workbooks (openpyxl) and CSV files as French Excel does."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl

Rows = list[list[object]]

# The article's case study (DOMAIN.md test vector 1), in the multi-sheet contract.
CASE_STUDY: dict[str, Rows] = {
    "Campagnes": [
        ["ID campagne", "Campagne", "Canal", "Segment", "Équipe", "Date de début", "Cibles"],
        ["C1", "Cas pratique", "Téléprospection", "PME", "Paris", "15/01/2026", "1 000"],
    ],
    "Coûts": [
        ["ID campagne", "Catégorie", "Poste", "Montant", "Heures", "Taux horaire"],
        ["C1", "directe", "Temps commercial", None, 100, "45 €"],
        ["C1", "directe", "Fichiers", "2 000 €", None, None],
        ["C1", "indirecte", "Management", "1\u202f500,00 €", None, None],
    ],
    "Entonnoir": [
        ["ID campagne", "Contacts", "Leads", "Opportunités", "Clients", "Chiffre d'affaires",
         "Taux de marge"],
        ["C1", 800, 120, 30, 10, "60\u00a0000 €", "40 %"],
    ],
}


def write_xlsx(path: Path, sheets: dict[str, Rows]) -> Path:
    """A workbook with one sheet per entry, rows written as given (header first)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def csv_bytes(rows: Rows, sep: str = ";", encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue().encode(encoding)


def write_csv(path: Path, rows: Rows, sep: str = ";", encoding: str = "utf-8-sig") -> Path:
    path.write_bytes(csv_bytes(rows, sep, encoding))
    return path


def write_csv_folder(folder: Path, sheets: dict[str, Rows], sep: str = ";",
                     encoding: str = "utf-8-sig") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in sheets.items():
        write_csv(folder / f"{name}.csv", rows, sep, encoding)
    return folder
