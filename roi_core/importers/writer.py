"""Writing the contract's workbook: French headers, typed cells, no formula injection.

``notes`` (what an import guessed) are written last, as the "Notes d'import" sheet
(``roi_core.io.notes``), which the loader leaves aside and the audit reports.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from roi_core.dataset import COLUMNS
from roi_core.io.notes import NOTES_SHEET, ImportNote, notes_frame
from roi_core.safety import excel_safe
from roi_core.schema import SHEETS

__all__ = ["write_workbook", "FRENCH_WORDS"]

# Canonical enum values -> the template's French words (the loader reads both).
FRENCH_WORDS: dict[str, dict[str, str]] = {
    "status": {"won": "gagnée", "lost": "perdue", "open": "en cours"},
    "category": {"direct": "directe", "indirect": "indirecte"},
    "behaviour": {"fixed": "fixe", "variable": "variable"},
    "type": {"call": "appel", "email": "email", "meeting": "rdv", "social": "social",
             "event": "salon", "other": "autre"},
    "outcome": {"no_answer": "pas de réponse", "contact": "contact",
                "not_interested": "pas intéressé", "lead": "lead", "meeting": "rdv pris",
                "held": "tenu", "no_show": "annulé"},
}


def _cell(value: object, column: str) -> object:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        stamp = value.to_pydatetime()
        return stamp.date() if stamp.time() == stamp.min.time() else stamp
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, str):
        return excel_safe(FRENCH_WORDS.get(column, {}).get(value, value))
    return value


def write_workbook(sheets: dict[str, pd.DataFrame], target: str | Path | None = None,
                   notes: Sequence[ImportNote] = ()) -> bytes:
    """Write contract frames as an .xlsx the loader reads; returns the bytes.

    Sheets are written in the contract's order with the template's French labels; a
    column is written when it is required or holds a value. Text cells pass through
    ``excel_safe``; dates are Excel dates, rates are shown as percentages.
    """
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, spec in SHEETS.items():
        frame = sheets.get(name)
        if frame is None:
            if name not in ("campaigns", "costs"):
                continue
            frame = pd.DataFrame(columns=list(COLUMNS[name]))
        columns = [c for c in spec.columns if c.name in frame and (
            c.required or frame[c.name].notna().any())]
        if name == "costs" and "amount" not in [c.name for c in columns]:
            columns.append(spec.column("amount"))
        sheet = book.create_sheet(spec.label_fr)
        sheet.append([c.label_fr for c in columns])
        for record in frame[[c.name for c in columns if c.name in frame]].itertuples(
                index=False):
            sheet.append([_cell(v, c.name) for v, c in zip(record, columns, strict=False)])
        for pos, col in enumerate(columns, start=1):
            fmt = {"rate": "0%", "date": "DD/MM/YYYY", "money": "#,##0.00"}.get(col.kind)
            if fmt:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=pos, max_col=pos):
                    cell.number_format = fmt
    if notes:
        frame = notes_frame(list(notes))
        sheet = book.create_sheet(NOTES_SHEET)
        sheet.append(list(frame.columns))
        for record in frame.itertuples(index=False):
            sheet.append([excel_safe(str(v)) for v in record])
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    if target is not None:
        Path(target).write_bytes(data)
    return data
