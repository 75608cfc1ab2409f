"""What every vendor preset is: a mapping, a signature to recognise the export, extras.

An export is recognised by its whole header: every preset whose signature is present
scores the headers of the table it knows, and the best score wins (a Salesforce
opportunity report carries a "Type" column, as a campaign export does, but far more of
an opportunity's headers). A signature entry may list the same header in several
languages ("Deal Stage" / "Phase de la transaction").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from roi_core.importers.localize import Conventions
from roi_core.importers.mapping import ColumnMapping, apply_mapping, conventions_for
from roi_core.io.cells import is_blank
from roi_core.io.notes import ImportNote
from roi_core.io.read import RawTable
from roi_core.schema import normalize_label

__all__ = ["Preset", "CHANNEL_HINT", "UNATTRIBUTED", "column_of", "drop_footer_lines",
           "locale_note"]

# The extra column a preset may add to a frame: the channel a row's source suggests, used
# to build the campaigns sheet when the user gives none.
CHANNEL_HINT = "_channel"
# The one campaign of deals whose export names no campaign and no source.
UNATTRIBUTED = "(non attribué)"
_PIPELINE = ("Pipeline", "Deal - Pipeline", "Affaire - Pipeline", "Opportunity Record Type")

Finish = Callable[[RawTable, dict[str, pd.DataFrame], Conventions, list[ImportNote]],
                  dict[str, pd.DataFrame]]


def column_of(table: RawTable, *headers: str) -> pd.Series | None:
    """The raw cells under the first of ``headers`` present in the table, or None."""
    keys = {normalize_label(h): i for i, h in enumerate(table.headers)}
    for header in headers:
        if normalize_label(header) in keys:
            return table.cells[keys[normalize_label(header)]].reset_index(drop=True)
    return None


def header_of(table: RawTable, *headers: str) -> str | None:
    """The table's own spelling of the first of ``headers`` present, or None."""
    keys = {normalize_label(h): h for h in table.headers}
    return next((keys[normalize_label(h)] for h in headers if normalize_label(h) in keys),
                None)


def note(table: RawTable, sheet: str, topic: str, severity: str, fr: str,
         en: str) -> ImportNote:
    """A note about ``table`` (file and tab as the user names them)."""
    where = table.file if table.sheet is None else f"{table.file} [{table.sheet}]"
    return ImportNote(where, sheet, topic, severity, fr, en)


def locale_note(table: RawTable, sheet: str, conventions: Conventions) -> ImportNote:
    """The note saying how an export's numbers and dates were read."""
    return note(table, sheet, "locale", "info",
                f"locale des nombres et dates : {conventions.describe_fr()}",
                f"locale of numbers and dates: {conventions.describe()}")


# A report's footer lines, each alone on its row: Salesforce writes "Grand Totals (N
# records)", "Confidential Information - Do Not Distribute" and "Copyright (c)
# 2000-2026 salesforce.com, inc. All rights reserved." under the table.
_FOOTER = re.compile(r"^(grand ?totals?|total g[ée]n[ée]ral|totaux|total\b|confidential "
                     r"information|informations confidentielles|copyright|\(c\)|©)"
                     r"|salesforce\.com", re.IGNORECASE)
_RECORDS = re.compile(r"\((\d[\d,.\s]*) (?:records?|enregistrements?)\)", re.IGNORECASE)


def drop_footer_lines(table: RawTable) -> tuple[RawTable, list[str], int | None]:
    """The table without the footer lines a report adds under its rows.

    Returns (table, the lines dropped, the record count a "Grand Totals (N records)" line
    states or None). A footer line is a row with one filled cell, in the first column,
    that reads as a total, a confidentiality notice or a copyright.

    >>> cells = pd.DataFrame([["0061", "Won"], ["Grand Totals (1 records)", None],
    ...                       ["Confidential Information - Do Not Distribute", None]])
    >>> t = RawTable("r.csv", None, ["Id", "Stage"], cells, np.array([2, 4, 6]), 1)
    >>> t2, dropped, n = drop_footer_lines(t)
    >>> len(t2.cells), len(dropped), n
    (1, 2, 1)
    """
    cells = table.cells
    if not len(cells) or not len(cells.columns):
        return table, [], None
    filled = np.column_stack([~is_blank(cells[c]) for c in cells.columns])
    drop = np.zeros(len(cells), dtype=bool)
    for i in range(len(cells)):
        if filled[i].sum() == 1 and filled[i, 0]:
            text = str(cells.iat[i, 0]).strip()
            drop[i] = bool(_FOOTER.search(text))
    if not drop.any():
        return table, [], None
    lines = [str(cells.iat[i, 0]).strip() for i in np.flatnonzero(drop)]
    stated = None
    for line in lines:
        m = _RECORDS.search(line)
        if m:
            stated = int(re.sub(r"\D", "", m.group(1)))
    kept = cells[~drop].reset_index(drop=True)
    return replace(table, cells=kept, rows=table.rows[~drop]), lines, stated


@dataclass(frozen=True)
class Preset:
    """One kind of export: ``signature`` headers recognise it, ``mapping`` converts it.

    ``signature``: headers that must all be present, each a header or a tuple of the
    same header in several languages; ``known``: the export's other headers, counted
    when presets compete for a table. ``channels`` maps the export's source words to a
    channel; ``channel_from`` names the headers those words sit under; ``finish``
    adjusts the converted frames (a close date from two columns, say), may add other
    sheets and notes.
    """

    vendor: str
    name: str
    mapping: ColumnMapping
    signature: tuple[str | tuple[str, ...], ...]
    channel_from: tuple[str, ...] = ()
    channels: tuple[tuple[str, str], ...] = ()
    finish: Finish | None = None
    known: tuple[str, ...] = ()

    def matches(self, table: RawTable) -> bool:
        keys = {normalize_label(h) for h in table.headers}
        return all(any(normalize_label(h) in keys for h in
                       ((entry,) if isinstance(entry, str) else entry))
                   for entry in self.signature)

    def score(self, table: RawTable) -> int:
        """How many of the table's headers this preset knows (0 unless it matches)."""
        if not self.matches(table):
            return 0
        known = {normalize_label(h) for h in (*self.channel_from, *self.known, *_PIPELINE)}
        for entry in self.signature:
            known.update(normalize_label(h) for h in ((entry,) if isinstance(entry, str)
                                                      else entry))
        for headers in self.mapping.columns.values():
            known.update(normalize_label(h) for h in ([headers] if isinstance(headers, str)
                                                      else headers))
        return sum(normalize_label(h) in known for h in table.headers)

    def convert(self, table: RawTable, locale: str | Conventions = "auto",
                notes: list[ImportNote] | None = None) -> dict[str, pd.DataFrame]:
        notes = [] if notes is None else notes
        conventions = conventions_for(table, locale)
        frame = apply_mapping(table, self.mapping, conventions)
        notes.append(locale_note(table, self.mapping.sheet, conventions))
        hint = column_of(table, *self.channel_from) if self.channel_from else None
        if hint is not None:
            words = {normalize_label(k): v for k, v in self.channels}
            frame[CHANNEL_HINT] = hint.map(
                lambda v: None if not isinstance(v, str) or not v.strip()
                else words.get(normalize_label(v), v.strip())).astype(object)
        if self.mapping.sheet == "deals":
            frame = campaigns_from_best_source(table, frame, self, notes)
        frames = {self.mapping.sheet: frame}
        return self.finish(table, frames, conventions, notes) if self.finish else frames


def campaigns_from_best_source(table: RawTable, frame: pd.DataFrame, preset: Preset,
                               notes: list[ImportNote]) -> pd.DataFrame:
    """Deals of an export that names no campaign get one from the best source it has: the
    lead / original source, else the pipeline, else one "(non attribué)" campaign.

    Deals that name a campaign keep it; the note says which source was used.
    """
    if frame["campaign_id"].notna().any() or not len(frame):
        return frame
    source = header_of(table, *preset.channel_from) if preset.channel_from else None
    values = frame[CHANNEL_HINT] if source and CHANNEL_HINT in frame else None
    if values is None or values.isna().all():
        source = header_of(table, *_PIPELINE)
        raw = column_of(table, *_PIPELINE) if source else None
        values = None if raw is None else raw.map(
            lambda v: v.strip() if isinstance(v, str) and v.strip() else None)
        if values is not None and values.isna().all():
            source, values = None, None
    frame = frame.copy()
    if values is None:
        frame["campaign_id"] = UNATTRIBUTED
        frame[CHANNEL_HINT] = UNATTRIBUTED
        notes.append(note(table, "campaigns", "campaigns", "warning",
                          f"ni campagne ni source dans l'export : une campagne "
                          f"« {UNATTRIBUTED} » regroupe ses {len(frame)} affaires",
                          f"no campaign and no source in the export: one "
                          f"'{UNATTRIBUTED}' campaign holds its {len(frame)} deals"))
        return frame
    by_pipeline = normalize_label(source) in {normalize_label(p) for p in _PIPELINE}
    frame["campaign_id"] = values.fillna(UNATTRIBUTED).to_numpy()
    if CHANNEL_HINT not in frame or by_pipeline:  # a pipeline is no channel
        frame[CHANNEL_HINT] = None
    frame[CHANNEL_HINT] = frame[CHANNEL_HINT].where(frame["campaign_id"] != UNATTRIBUTED,
                                                    UNATTRIBUTED).astype(object)
    names = list(dict.fromkeys(frame["campaign_id"]))
    shown = ", ".join(map(str, names[:6])) + (" …" if len(names) > 6 else "")
    notes.append(note(table, "campaigns", "campaigns", "warning" if by_pipeline else "info",
                      f"pas de colonne de campagne : campagnes construites depuis "
                      f"« {source} » ({len(names)} : {shown})",
                      f"no campaign column: campaigns built from '{source}' "
                      f"({len(names)}: {shown})"))
    return frame


def open_deals_have_no_close_date(frame: pd.DataFrame) -> pd.DataFrame:
    """CRMs keep an expected close date on open deals; the contract's close date is real."""
    return frame.assign(close_date=frame["close_date"].where(frame["status"] != "open"))
