"""The import notes sheet: what the importer guessed, kept in the workbook it writes.

``python -m roi_core import`` infers a file's number and date conventions, builds
campaigns from a source column when an export has none, skips a report's footer lines.
It says so in its summary and writes the same notes to a sheet of the workbook
("Notes d'import": export file, contract sheet concerned, topic, severity, the note in
French and in English), so that
``audit`` can still say it a month later. The loader ignores the sheet; the lenient
loader (the audit's) turns each line into an ``import_note`` (info) or ``import_guess``
(warning) problem.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from roi_core.errors import InputError
from roi_core.io.read import RawTable, sheet_label
from roi_core.problems import Problem
from roi_core.schema import SHEETS, normalize_label

__all__ = ["NOTES_SHEET", "NOTES_COLUMNS", "ImportNote", "notes_frame", "notes_problems"]

NOTES_SHEET = "Notes d'import"
NOTES_COLUMNS = ("Fichier", "Table", "Sujet", "Gravité", "Note", "Note (en)")
_RULE = {"info": "import_note", "warning": "import_guess"}


@dataclass(frozen=True)
class ImportNote:
    """One thing the importer guessed or did about one table of one export file.

    ``table``: the contract sheet concerned (deals, campaigns ...); ``topic``: locale,
    footer, ids, amount, campaigns; ``severity``: info or warning.

    >>> ImportNote("r.csv", "deals", "footer", "info", "3 lignes", "3 lines").severity
    'info'
    """

    file: str
    table: str
    topic: str
    severity: str
    fr: str
    en: str


def notes_frame(notes: list[ImportNote]) -> pd.DataFrame:
    """The notes as the sheet's rows (French headers).

    >>> notes_frame([ImportNote("f", "t", "locale", "info", "fr", "en")]).iloc[0].tolist()
    ['f', 't', 'locale', 'info', 'fr', 'en']
    """
    return pd.DataFrame([[n.file, n.table, n.topic, n.severity, n.fr, n.en] for n in notes],
                        columns=list(NOTES_COLUMNS))


def notes_problems(tables: list[RawTable]) -> list[Problem]:
    """The notes sheet among a workbook's tables, as the audit's problems (none if absent).

    >>> import numpy as np
    >>> cells = pd.DataFrame([["f.csv", "deals", "locale", "info", "lu en fr", "read as fr"]])
    >>> t = RawTable("x.xlsx", NOTES_SHEET, list(NOTES_COLUMNS), cells, np.array([2]), 1)
    >>> [(p.rule, p.sheet, p.details["note_en"]) for p in notes_problems([t])]
    [('import_note', 'deals', 'read as fr')]
    """
    out = []
    for table in tables:
        if normalize_label(sheet_label(table)) != normalize_label(NOTES_SHEET):
            continue
        keys = {normalize_label(h): i for i, h in enumerate(table.headers)}
        col = {name: keys.get(normalize_label(name)) for name in NOTES_COLUMNS}
        for pos in range(len(table.cells)):
            row = {name: _text(None if i is None else table.cells.iat[pos, i])
                   for name, i in col.items()}
            severity = row["Gravité"] if row["Gravité"] in _RULE else "info"
            en = row["Note (en)"] or row["Note"]
            sheet = row["Table"] if row["Table"] in SHEETS else None
            out.append(Problem(_RULE[severity], sheet, (), InputError(en, file=table.file),
                               {"file": row["Fichier"], "topic": row["Sujet"],
                                "note_fr": row["Note"] or en, "note_en": en}))
    return out


def _text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)
