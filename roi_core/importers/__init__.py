"""CRM exports into the workbook contract: HubSpot, Salesforce, Pipedrive, call logs, or
any export through a saved column mapping. May import the contract, the calculations and
``io``; never ``charts``, ``outputs``, ``app`` or ``cli``.

``import_files`` reads the exports (CSV or Excel, any encoding the loader reads), drops
the footer lines a report adds under its rows, finds for each table the preset that
knows most of its headers, reads its numbers and dates in the conventions inferred from
the whole file (``localize``; a cell they leave ambiguous stops the import and asks for
``--locale``), converts it, and assembles the contract's sheets; tables that already are
contract sheets (a "Coûts" sheet or a ``campaigns.csv`` typed in the template) pass
through unchanged, so costs — which no CRM holds — come from the template.
``write_workbook`` writes the result as an .xlsx that ``roi_core.io.load_workbook`` reads.

Assembly rules:

- without a campaigns sheet, one campaign per campaign id found in the exports, its
  channel the most frequent source the export gives for it, its start the first date;
- without a costs sheet, an empty one (the audit then says which campaigns lack costs);
- a funnel from Salesforce campaign counts is dropped when opportunities are imported
  too (the deals give the volumes, and two sources would be counted twice);
- ``margin_rate`` fills the deals' margin rate where the export has none, and the
  funnel's where it has neither margin nor rate (Salesforce campaign counts);
- deals of an export that names no campaign get one from its best source (lead /
  original source, else pipeline, else one "(non attribué)" campaign);
- a deal's dates are days (the time of day a CRM adds is dropped).

What was guessed (the locale of each table, the source campaigns were built from,
footer lines skipped, ids made) is appended to the ``notes`` list a caller passes
(``roi_core.io.notes.ImportNote``); ``write_workbook(sheets, notes=notes)`` writes them
as the "Notes d'import" sheet that ``audit`` reports.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from roi_core.dataset import COLUMNS
from roi_core.errors import InputError
from roi_core.importers import calls, hubspot, pipedrive, salesforce
from roi_core.importers.mapping import (
    ColumnMapping,
    apply_mapping,
    conventions_for,
    suggest_mapping,
)
from roi_core.importers.preset import (
    CHANNEL_HINT,
    Preset,
    drop_footer_lines,
    locale_note,
    note,
)
from roi_core.importers.writer import write_workbook
from roi_core.io.cells import parse_rate
from roi_core.io.notes import ImportNote
from roi_core.io.read import RawTable, read_bytes, read_tables, sheet_label
from roi_core.io.workbook import typed_sheet
from roi_core.schema import Sheet, normalize_label, sheet_for_label

__all__ = [
    "ImportNote",
    "VENDORS",
    "PRESETS",
    "ColumnMapping",
    "import_files",
    "import_files_noted",
    "import_tables",
    "assemble",
    "write_workbook",
    "suggest_mapping",
    "apply_mapping",
    "parse_margin_rate",
]

PRESETS: dict[str, list[Preset]] = {
    "hubspot": hubspot.PRESETS, "salesforce": salesforce.PRESETS,
    "pipedrive": pipedrive.PRESETS, "calls": calls.PRESETS,
}
VENDORS = (*PRESETS, "mapping")
_UNSET_CHANNEL = "(non renseigné)"


def _preset_for(table: RawTable, vendor: str) -> Preset | None:
    """The preset that knows most of the table's headers (the whole header decides)."""
    if vendor == "calls":
        return calls.CALLS if calls.looks_like_calls(table) else None
    scored = [(p.score(table), -i, p) for i, p in enumerate(PRESETS[vendor])]
    best = max(scored, key=lambda x: x[:2])
    return best[2] if best[0] > 0 else None


def _contract_score(table: RawTable, sheet: Sheet) -> int:
    """How many of the table's headers are the contract sheet's own labels."""
    labels = {normalize_label(label) for col in sheet.columns for label in col.labels()}
    return sum(normalize_label(h) in labels for h in table.headers)


def _footer_note(table: RawTable, sheet: str, lines: list[str], stated: int | None,
                 kept: int) -> ImportNote:
    shown = " / ".join(f"'{line[:80]}'" for line in lines)
    if stated is not None and stated != kept:
        return note(table, sheet, "footer", "warning",
                    f"{len(lines)} ligne(s) de pied de rapport ignorées ({shown}) ; le "
                    f"rapport annonce {stated} enregistrements, le fichier en a {kept}",
                    f"{len(lines)} report footer line(s) skipped ({shown}); the report "
                    f"states {stated} records, the file holds {kept}")
    return note(table, sheet, "footer", "info",
                f"{len(lines)} ligne(s) de pied de rapport ignorées ({shown})",
                f"{len(lines)} report footer line(s) skipped ({shown})")


def import_tables(tables: Sequence[RawTable], vendor: str, *, locale: str = "auto",
                  mapping: ColumnMapping | None = None,
                  notes: list[ImportNote] | None = None) -> dict[str, list[pd.DataFrame]]:
    """Each table converted: ``{contract sheet: [frames]}``; raises InputError for a table
    that is neither an export this vendor's presets know nor a contract sheet. What was
    guessed is appended to ``notes``."""
    if vendor not in VENDORS:
        raise InputError(f"unknown source '{vendor}'", expected=" / ".join(VENDORS))
    if vendor == "mapping" and mapping is None:
        raise InputError("importing with a mapping needs the mapping file (--mapping)")
    notes = [] if notes is None else notes
    out: dict[str, list[pd.DataFrame]] = {}
    for table in tables:
        contract = sheet_for_label(sheet_label(table))
        preset = None if vendor == "mapping" else _preset_for(table, vendor)
        if preset is not None and contract is not None and \
                _contract_score(table, contract) > preset.score(table):
            preset = None  # a sheet typed in the template ("Activités" has a "Type" too)
        if preset is not None or (vendor == "mapping" and contract is None):
            table, lines, stated = drop_footer_lines(table)
            if lines:
                sheet = preset.mapping.sheet if preset is not None else mapping.sheet
                notes.append(_footer_note(table, sheet, lines, stated, len(table.cells)))
        if preset is not None:
            frames = preset.convert(table, locale, notes)
        elif vendor == "mapping" and contract is None:
            conventions = conventions_for(table, mapping.locale if locale == "auto"
                                          else locale)
            frames = {mapping.sheet: apply_mapping(table, mapping, conventions)}
            notes.append(locale_note(table, mapping.sheet, conventions))
        elif contract is not None:
            frames = {contract.name: typed_sheet(table, contract.name)}
        else:
            known = ", ".join(p.name for p in PRESETS.get(vendor, []))
            raise InputError(
                f"this table is not a {vendor} export the importer knows (columns found: "
                f"{', '.join(table.headers[:10])})", file=table.file,
                sheet=table.sheet, row=table.header_row,
                expected=f"one of: {known}, or a sheet of the template (Campagnes, Coûts), "
                "or a column mapping for this export")
        for name, frame in frames.items():
            out.setdefault(name, []).append(frame)
    return out


def _dates_by_campaign(sheets: dict[str, pd.DataFrame]) -> pd.Series:
    parts = []
    for name, column in (("deals", "created_date"), ("deals", "close_date"),
                         ("activities", "date"), ("touchpoints", "timestamp")):
        frame = sheets.get(name)
        if frame is not None and len(frame):
            parts.append(frame[["campaign_id", column]].rename(columns={column: "when"}))
    if not parts:
        return pd.Series(dtype="datetime64[ns]")
    dates = pd.concat(parts).dropna()
    return dates.groupby("campaign_id")["when"].min().dt.normalize()


def assemble(frames: dict[str, list[pd.DataFrame]],
             margin_rate: float | None = None) -> dict[str, pd.DataFrame]:
    """The contract's sheets from converted frames (see the module doc for the rules)."""
    sheets: dict[str, pd.DataFrame] = {}
    for name, parts in frames.items():
        parts = [p for p in parts if len(p)]
        if parts:
            sheets[name] = pd.concat(parts, ignore_index=True)
    if "deals" in sheets:  # a deal's dates are days; CRMs add the time of the click
        sheets["deals"] = sheets["deals"].assign(**{
            c: pd.to_datetime(sheets["deals"][c]).dt.normalize()
            for c in ("created_date", "close_date", "first_contact_date")})
    if "funnel" in sheets and "deals" in sheets:
        del sheets["funnel"]
    if "deals" in sheets and margin_rate is not None:
        deals = sheets["deals"]
        sheets["deals"] = deals.assign(margin_rate=deals["margin_rate"].astype(float).fillna(
            margin_rate))
    if "funnel" in sheets and margin_rate is not None:
        funnel = sheets["funnel"]
        for column in ("margin", "margin_rate"):
            if column not in funnel:
                funnel = funnel.assign(**{column: float("nan")})
        blank = funnel["margin"].isna() & funnel["margin_rate"].astype(float).isna()
        sheets["funnel"] = funnel.assign(margin_rate=funnel["margin_rate"].astype(float).where(
            ~blank, margin_rate))
    if "campaigns" not in sheets:
        ids: list[str] = []
        hints = []
        for frame in sheets.values():
            if "campaign_id" in frame:
                ids.extend(frame["campaign_id"].dropna().tolist())
                if CHANNEL_HINT in frame:
                    hints.append(frame[["campaign_id", CHANNEL_HINT]].dropna())
        unique = list(dict.fromkeys(ids))
        hint = (pd.concat(hints).groupby("campaign_id")[CHANNEL_HINT]
                .agg(lambda s: s.value_counts().index[0]) if hints else pd.Series(dtype=object))
        starts = _dates_by_campaign(sheets)
        sheets["campaigns"] = pd.DataFrame({
            "campaign_id": unique, "campaign": unique,
            "channel": [hint.get(c, _UNSET_CHANNEL) for c in unique],
            "start_date": pd.to_datetime([starts.get(c, pd.NaT) for c in unique]),
        })
    if "costs" not in sheets:
        sheets["costs"] = pd.DataFrame(columns=list(COLUMNS["costs"]))
    return sheets


def import_files(paths: Sequence[str | Path] | Sequence[tuple[str, bytes]], vendor: str, *,
                 locale: str = "auto", margin_rate: float | None = None,
                 mapping: ColumnMapping | None = None,
                 notes: list[ImportNote] | None = None) -> dict[str, pd.DataFrame]:
    """Read export files (paths, or ``(name, bytes)`` uploads) into the contract's sheets;
    what the import guessed is appended to ``notes``, one note per table and topic."""
    tables: list[RawTable] = []
    for item in paths:
        if isinstance(item, tuple):
            tables.extend(read_bytes(item[1], item[0]))
        else:
            tables.extend(read_tables(item))
    frames = import_tables(tables, vendor, locale=locale, mapping=mapping, notes=notes)
    return assemble(frames, margin_rate)


def parse_margin_rate(text: str | None) -> float | None:
    """The default margin rate typed by the user ("40 %", "0,4"); blank gives None.

    >>> parse_margin_rate("40 %"), parse_margin_rate(" "), parse_margin_rate("0,25")
    (0.4, None, 0.25)
    """
    if text is None or not str(text).strip():
        return None
    values, bad = parse_rate(pd.Series([text], dtype=object))
    if bad[0] or not 0 <= values.iat[0] <= 1:
        raise InputError(f"the margin rate '{text}' is not a rate between 0 and 100 %",
                         expected="a rate such as 40 % or 0,4")
    return float(values.iat[0])


def import_files_noted(paths: Sequence[str | Path] | Sequence[tuple[str, bytes]], vendor: str,
                       **options: object) -> tuple[dict[str, pd.DataFrame], list[ImportNote]]:
    """``import_files`` returning its notes beside the sheets: a child process
    (``roi_core.io.isolated``) cannot fill the caller's ``notes`` list."""
    notes: list[ImportNote] = []
    return import_files(paths, vendor, notes=notes, **options), notes  # type: ignore[arg-type]
