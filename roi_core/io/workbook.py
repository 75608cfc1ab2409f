"""The loader: from raw tables to one validated ``Dataset``.

Sheets and columns are matched case-, accent- and space-insensitively, French labels of
the template accepted. Cells are typed (``roi_core.io.cells``) and validated; the first
problem found stops the load with one ``InputError`` that names the file, sheet, row and
column. A caller that already holds a dataset keeps it: loading never mutates anything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from roi_core.dataset import COLUMNS, Dataset, empty_frame
from roi_core.errors import InputError
from roi_core.funnel import derive_funnel
from roi_core.io import cells
from roi_core.io.notes import notes_problems
from roi_core.io.read import RawTable, read_bytes, read_tables, sheet_label
from roi_core.problems import Problem, Sink
from roi_core.schema import (
    ENUMS,
    SHEETS,
    SINGLE_TABLE,
    Column,
    Sheet,
    normalize_label,
    sheet_for_label,
)

__all__ = ["load_workbook", "load_bytes", "dataset_from_tables", "inspect_workbook", "typed_sheet",
           "inspect_bytes", "Inspection"]

_EXPECTED = {
    "count": "a whole number such as 120",
    "money": "an amount such as 8 000 € or 66,70",
    "number": "a number such as 7,5",
    "rate": "a percentage such as 40 % (or 0,4)",
    "date": "a date such as 15/01/2026",
    "month": "a month such as 2026-01 or 01/2026",
}


_DTYPES = {"count": "float64", "money": "float64", "number": "float64", "rate": "float64",
           "date": "datetime64[ns]", "month": "datetime64[ns]"}


def load_workbook(path: str | Path) -> Dataset:
    """Load a workbook (.xlsx), a CSV file, or a folder of CSV files into a Dataset.

    Raises ``InputError`` naming the file, sheet, row and column of the first problem.
    """
    return dataset_from_tables(read_tables(path), source=Path(path).name)


def load_bytes(data: bytes, name: str) -> Dataset:
    """Load an uploaded file given as bytes; ``name`` (with its suffix) says what it is."""
    return dataset_from_tables(read_bytes(data, name), source=name)


@dataclass(frozen=True)
class Inspection:
    """What the lenient loader could build, and every problem it met on the way.

    Cells it could not read are blank (NaN) in ``dataset``; duplicated ids are kept; a
    missing sheet is an empty frame. ``problems`` is empty exactly when ``load_workbook``
    would have succeeded. ``notes``: what the import that wrote the workbook guessed
    (``roi_core.io.notes``), for the audit.
    """

    dataset: Dataset
    problems: list[Problem]
    notes: list[Problem] = field(default_factory=list)  # an import's notes sheet


def inspect_workbook(path: str | Path) -> Inspection:
    """Load leniently: every problem at once instead of raising at the first.

    Still raises ``InputError`` when the file cannot be read as a spreadsheet at all
    (missing, empty, damaged, too big, a decompression bomb).
    """
    problems: list[Problem] = []
    tables = read_tables(path)
    data = dataset_from_tables(tables, source=Path(path).name, problems=problems)
    return Inspection(data, problems, notes_problems(tables))


def inspect_bytes(data: bytes, name: str) -> Inspection:
    """``inspect_workbook`` for an upload given as bytes."""
    problems: list[Problem] = []
    tables = read_bytes(data, name)
    dataset = dataset_from_tables(tables, source=name, problems=problems)
    return Inspection(dataset, problems, notes_problems(tables))


def dataset_from_tables(tables: list[RawTable], source: str = "", *,
                        problems: list[Problem] | None = None) -> Dataset:
    """Match tables to the contract's sheets, type and validate them, build the Dataset.

    With ``problems`` (a list), every problem is appended to it and loading goes on
    (the lenient path of the audit); without it, the first problem raises ``InputError``.
    """
    sink = Sink(problems)
    matched: dict[str, RawTable] = {}
    unmatched: list[RawTable] = []
    for table in tables:
        sheet = sheet_for_label(sheet_label(table))
        if sheet is None or sheet.name in matched:
            unmatched.append(table)
        else:
            matched[sheet.name] = table

    try:
        single = _single_table_candidate(matched, unmatched)
    except InputError as exc:
        # One table that is none of the contract's sheets, nor the simple form.
        sink.report("missing_column", exc, "table", (), column=exc.problem)
        return _empty_dataset(source)
    if single is not None:
        return _from_single_table(single, source, sink)

    for name in ("campaigns", "costs"):
        if name not in matched:
            found = ", ".join(f"'{sheet_label(t)}'" for t in tables) or "none"
            sink.report("missing_sheet", InputError(
                f"no '{SHEETS[name].label_fr}' ({name}) sheet was found (sheets found: {found})",
                file=tables[0].file if tables else source,
                expected="a sheet per table as in the template, or one table with one row per "
                "campaign carrying its channel, cost and volumes"), name, (),
                label=SHEETS[name].label_fr, found=found)

    frames = {name: _typed_frame(table, SHEETS[name], sink) for name, table in matched.items()}
    sheet_names = {name: sheet_label(t) for name, t in matched.items()}
    for name in SHEETS:
        frames.setdefault(name, empty_frame(name))

    campaigns = _validate_campaigns(frames["campaigns"], matched.get("campaigns"), sink)
    costs = _resolve_costs(frames["costs"], matched.get("costs"), sink)
    deals = _validate_deals(frames["deals"], matched.get("deals"), sink)
    activities, touchpoints = frames["activities"], frames["touchpoints"]
    if "funnel" in matched:
        funnel = _resolve_funnel(frames["funnel"], matched["funnel"], sink)
        funnel_source = "sheet"
    elif len(deals) or len(activities):
        funnel = derive_funnel(campaigns, deals, activities)
        funnel_source = "derived"
    else:
        sink.report("no_funnel", InputError(
            "the workbook has no 'Entonnoir' (funnel) sheet, and no 'Affaires' (deals) or "
            "'Activités' (activities) sheet to derive the volumes from",
            file=tables[0].file if tables else source,
            expected="a funnel sheet with contacts, leads, opportunities and clients per campaign"),
            "funnel", ())
        funnel, funnel_source = empty_frame("funnel"), "sheet"
    campaigns, touchpoints = _unify_channels(campaigns, touchpoints)
    return Dataset(campaigns=campaigns, costs=costs, funnel=funnel, deals=deals,
                   touchpoints=touchpoints, activities=activities, source=source,
                   sheet_names=sheet_names, funnel_source=funnel_source,
                   notes=tuple(sink.notes))


def _empty_dataset(source: str) -> Dataset:
    return Dataset(campaigns=empty_frame("campaigns"), costs=empty_frame("costs"),
                   funnel=empty_frame("funnel"), source=source)


# --- header mapping ---------------------------------------------------------------------


def _map_headers(table: RawTable, sheet: Sheet) -> dict[str, int]:
    """canonical column -> position in the table; an exact label beats an alias."""
    found: dict[str, tuple[int, int]] = {}
    for pos, header in enumerate(table.headers):
        key = normalize_label(header)
        col = sheet.by_key.get(key)
        rank = 1
        if col is None:
            col = sheet.by_key.get(_strip_decorations(key))
            rank = 2
        if col is None:
            continue
        if key in (normalize_label(col.name), normalize_label(col.label_fr)):
            rank = 0
        if col.name not in found or rank < found[col.name][1]:
            found[col.name] = (pos, rank)
    return {name: pos for name, (pos, _) in found.items()}


_PREFIXES = ("nombrede", "nombre", "nbrede", "nbre", "nbde", "nb", "numberof", "total",
             "montantde", "montant")
_SUFFIXES = ("eurosht", "euroht", "eurht", "euros", "euro", "eur", "ht", "ttc", "total", "en",
             "pct", "pourcent", "percent")


def _strip_decorations(key: str) -> str:
    """ "nbleads" -> "leads", "coutht" -> "cout", "totalcouteur" -> "cout" (for matching)."""
    for _ in range(2):
        for prefix in _PREFIXES:
            if key.startswith(prefix) and len(key) > len(prefix) + 1:
                key = key[len(prefix):]
                break
        for suffix in _SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix) + 1:
                key = key[: -len(suffix)]
                break
    return key


def _missing_column(table: RawTable, col: Column | str, hint: str = "") -> InputError:
    label = col if isinstance(col, str) else f"'{col.label_fr}' ({col.name})"
    headers = ", ".join(f"'{h}'" for h in table.headers[:12])
    return InputError(
        f"the required column {label} is missing{hint} (columns found: {headers})",
        file=table.file, sheet=table.sheet, row=table.header_row,
        expected="the header row to name it as in the template")


# --- typing cells -----------------------------------------------------------------------


def _parser(kind: str) -> Callable[[pd.Series], tuple[pd.Series, np.ndarray]]:
    if kind.startswith("enum:"):
        spellings = ENUMS[kind.split(":", 1)[1]]
        return lambda raw: cells.parse_enum(raw, spellings)
    return {
        "id": cells.parse_id, "text": cells.parse_text, "channel": cells.parse_text,
        "count": cells.parse_number, "money": cells.parse_number,
        "number": cells.parse_number, "rate": cells.parse_rate,
        "date": cells.parse_date, "month": cells.parse_month,
    }[kind]


def _cell_error(table: RawTable, pos: int, mask: np.ndarray, problem: str,
                expected: str | None) -> InputError:
    idx = int(np.flatnonzero(mask)[0])
    raw = table.cells.iat[idx, pos]
    return InputError(problem.format(value=_show(raw)), file=table.file,
                      sheet=table.sheet, row=int(table.rows[idx]),
                      column=table.headers[pos], expected=expected,
                      more=int(mask.sum()) - 1)


def _show(raw: object) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw)
    return text if len(text) <= 40 else text[:37] + "..."


def _typed_frame(table: RawTable, sheet: Sheet, sink: Sink | None = None) -> pd.DataFrame:
    """Type every known column of a table; the first unreadable cell raises InputError.

    With a lenient ``sink``, each problem is reported and the cells concerned are blank.
    """
    sink = sink or Sink(None)
    positions = _map_headers(table, sheet)
    _report_duplicate_columns(table, sheet, sink)
    for col in sheet.columns:
        if col.required and col.name not in positions:
            sink.report("missing_column", _missing_column(table, col), sheet.name, (),
                        column=col.label_fr, canonical=col.name)
    out: dict[str, pd.Series] = {}
    unreadable: dict[str, np.ndarray] = {}  # lenient: cells already reported, now blank
    for col in sheet.columns:
        if col.name not in positions:
            continue
        pos = positions[col.name]
        values, bad = _parser(col.kind)(table.cells[pos])
        values = values.reset_index(drop=True)
        if bad.any():
            if col.kind.startswith("enum:"):
                words = " / ".join(ENUMS[col.kind.split(":", 1)[1]])
                _report_cells(sink, "unknown_value", table, sheet, pos, bad,
                              _cell_error(table, pos, bad, "'{value}' is not a known value",
                                          f"one of {words}"), col,
                              enum=col.kind.split(":", 1)[1])
            else:
                noun = {"date": "a date", "month": "a month", "rate": "a percentage"}.get(
                    col.kind, "a number")
                raw = table.cells[pos].reset_index(drop=True)
                errors = _map_excel_errors(raw) & bad
                ambiguous = (cells.ambiguous_numbers(raw) & bad
                             if col.kind in ("count", "money", "number", "rate")
                             else np.zeros(len(bad), dtype=bool))
                if errors.any():
                    _report_cells(sink, "error_cell", table, sheet, pos, errors,
                                  _cell_error(table, pos, errors, "the cell holds the Excel "
                                              "error '{value}', not " + noun,
                                              "the formula corrected, or the cell left blank "
                                              "if unknown"), col, expected=noun)
                if ambiguous.any():
                    first = _show(raw.iat[int(np.flatnonzero(ambiguous)[0])])
                    big, small = cells.readings(first)
                    _report_cells(sink, "ambiguous_number", table, sheet, pos, ambiguous,
                                  _cell_error(table, pos, ambiguous, "'{value}' reads as "
                                              f"{big:g} (a thousands separator) or as "
                                              f"{small:g} (a decimal mark), and no cell of "
                                              "the column says which",
                                              "the numbers typed without a thousands "
                                              "separator (1500 or 1,5)"), col,
                                  thousands=f"{big:g}", decimal=f"{small:g}")
                rest = bad & ~errors & ~ambiguous
                if rest.any():
                    _report_cells(sink, "unreadable_cell", table, sheet, pos, rest,
                                  _cell_error(table, pos, rest, "'{value}' is not " + noun,
                                              _EXPECTED.get(col.kind)), col, expected=noun)
        if col.kind in ("count", "money", "number"):
            huge = (values.abs() > cells.MAX_AMOUNT).to_numpy()
            if huge.any():
                # Beyond 10^15 it is a typo or an overflow; sums of such would be infinite.
                _report_cells(sink, "value_too_large", table, sheet, pos, huge,
                              _cell_error(table, pos, huge, "{value} is beyond 10^15",
                                          _EXPECTED[col.kind]), col)
                values = values.mask(huge)
                bad = bad | huge  # reported: not "blank" in the checks that follow
            negative = (values < 0).to_numpy()
            if negative.any():
                _report_cells(sink, "negative_value", table, sheet, pos, negative,
                              _cell_error(table, pos, negative, "{value} is negative",
                                          _EXPECTED[col.kind].replace("a ", "a positive ", 1)),
                              col)
                values = values.mask(negative)
        if col.kind == "rate":
            out_of_range = ((values < 0) | (values > 1)).to_numpy()
            if out_of_range.any():
                idx = int(np.flatnonzero(out_of_range)[0])
                shown = f"{values.iat[idx] * 100:g} %"
                _report_cells(sink, "rate_out_of_range", table, sheet, pos, out_of_range,
                              _cell_error(table, pos, out_of_range,
                                          "'{value}' means " + shown + ", outside 0–100 %",
                                          "a rate between 0 % and 100 %, such as 40 % (or 0,4)"),
                              col, shown=shown)
                values = values.mask(out_of_range)
        if col.kind == "id":
            respelled = cells.id_changes(table.cells[pos])
            if respelled.any():
                idx = np.flatnonzero(respelled)
                first = table.cells[pos].iat[int(idx[0])]
                sink.note("id_normalised", InputError(
                    f"'{_show(first)}' read as the id '{values.iat[int(idx[0])]}'",
                    file=table.file, sheet=table.sheet, row=int(table.rows[idx[0]]),
                    column=table.headers[pos]), sheet.name, table.rows[idx],
                    column=table.headers[pos], canonical=col.name, value=_show(first),
                    shown=str(values.iat[int(idx[0])]), count=len(idx))
        if bad.any():
            unreadable[col.name] = bad
        out[col.name] = values
    frame = pd.DataFrame(out, index=pd.RangeIndex(len(table.cells)))
    dtypes = COLUMNS.get(sheet.name) or {c.name: _DTYPES.get(c.kind, "object")
                                          for c in sheet.columns}
    for name, dtype in dtypes.items():
        if name not in frame:
            frame[name] = pd.Series(dtype=dtype, index=frame.index)
        elif dtype.startswith("datetime"):
            frame[name] = frame[name].astype(dtype)
        elif dtype == "object":
            frame[name] = frame[name].astype(object)
    cols = list(dtypes)
    frame = frame[cols + [c for c in frame.columns if c not in cols]]
    frame["row"] = pd.array(table.rows, dtype="Int64")
    frame.attrs["positions"] = {k: table.headers[v] for k, v in positions.items()}
    frame.attrs["unreadable"] = unreadable
    return frame


def _map_excel_errors(raw: pd.Series) -> np.ndarray:
    values = raw.to_numpy(dtype=object)
    return np.fromiter((isinstance(v, str) and v.strip().upper() in cells.EXCEL_ERRORS
                        for v in values), bool, len(values))


def _report_duplicate_columns(table: RawTable, sheet: Sheet, sink: Sink) -> None:
    """Two headers that name the same column ("Montant" twice): which one counts is a guess."""
    seen: dict[str, list[int]] = {}
    for pos, header in enumerate(table.headers):
        key = normalize_label(header)
        col = sheet.by_key.get(key) or sheet.by_key.get(_strip_decorations(key))
        if col is not None:
            seen.setdefault(f"{col.name}\0{key}", []).append(pos)
    for key, where in seen.items():
        if len(where) > 1:
            letters = " and ".join(_letter(p) for p in where)
            header = table.headers[where[0]]
            sink.report("duplicate_column", InputError(
                f"the column '{header}' appears {len(where)} times (columns {letters})",
                file=table.file, sheet=table.sheet, row=table.header_row, column=header,
                expected="each column once (rename or delete the copy)"), sheet.name, (),
                column=header, canonical=key.split("\0")[0], count=len(where),
                value=letters)


def _letter(pos: int) -> str:
    from roi_core.io.read import _column_letter

    return _column_letter(pos)


def _rows_text(rows: list[int], shown: int = 10) -> str:
    """Rows as a message shows them: at most the first ``shown``, then how many in all.

    >>> _rows_text([2, 3]), _rows_text(list(range(2, 200_002)), 3)
    ('rows 2, 3', 'rows 2, 3, 4, … (200000 rows in all)')
    """
    text = ", ".join(str(r) for r in rows[:shown])
    return f"rows {text}" + (f", … ({len(rows)} rows in all)" if len(rows) > shown else "")


def _report_cells(sink: Sink, rule: str, table: RawTable, sheet: Sheet, pos: int,
                  mask: np.ndarray, error: InputError, col: Column, **details: object) -> None:
    idx = np.flatnonzero(mask)
    sink.report(rule, error, sheet.name, table.rows[idx], column=table.headers[pos],
                canonical=col.name, value=_show(table.cells.iat[int(idx[0]), pos]),
                count=len(idx), **details)


def _header(table: RawTable, frame: pd.DataFrame, name: str) -> str:
    return frame.attrs.get("positions", {}).get(name, name)


def _require_cells(frame: pd.DataFrame, table: RawTable, name: str, what: str,
                   sink: Sink | None = None, sheet: str | None = None) -> None:
    blank = frame[name].isna().to_numpy()
    if name in frame.attrs.get("unreadable", {}):  # lenient: already reported as unreadable
        blank = blank & ~frame.attrs["unreadable"][name]
    if blank.any():
        if name not in frame.attrs.get("positions", {}) and sink is not None \
                and not sink.strict:
            return  # the whole column is missing: already reported as such
        idx = int(np.flatnonzero(blank)[0])
        (sink or Sink(None)).report(
            "blank_required", InputError(
                f"the {what} is blank", file=table.file,
                sheet=table.sheet, row=int(table.rows[idx]),
                column=_header(table, frame, name), more=int(blank.sum()) - 1),
            sheet, table.rows[np.flatnonzero(blank)], column=_header(table, frame, name),
            canonical=name, count=int(blank.sum()))


def _require_unique(frame: pd.DataFrame, table: RawTable, name: str, what: str,
                    sink: Sink | None = None, sheet: str | None = None) -> None:
    dup = frame[name].duplicated(keep=False) & frame[name].notna()
    # Rows grouped once (a loop of comparisons would be quadratic in the duplicates).
    groups = frame.loc[dup].groupby(name, sort=False)["row"]
    for value, rows_of in groups:
        rows = rows_of.tolist()
        (sink or Sink(None)).report(
            "duplicate_id", InputError(
                f"the {what} '{value}' appears {len(rows)} times ({_rows_text(rows)})",
                file=table.file,
                sheet=table.sheet, row=int(rows[1]),
                column=_header(table, frame, name), expected=f"each {what} once"),
            sheet, rows, column=_header(table, frame, name), canonical=name, value=str(value),
            count=len(rows))


# --- sheets -----------------------------------------------------------------------------


def _validate_campaigns(frame: pd.DataFrame, table: RawTable | None,
                        sink: Sink | None = None) -> pd.DataFrame:
    if table is None:  # lenient: the sheet is missing, already reported
        return frame
    if frame.empty:
        # A blank template: nothing to compute, say so where the first campaign goes.
        (sink or Sink(None)).report(
            "no_campaigns", InputError(
                "the sheet has no campaign", file=table.file, sheet=table.sheet,
                row=table.header_row + 1, column=_header(table, frame, "campaign_id"),
                expected="one row per campaign under the header"),
            "campaigns", [])
        return frame
    _require_cells(frame, table, "campaign_id", "campaign id", sink, "campaigns")
    _require_unique(frame, table, "campaign_id", "campaign id", sink, "campaigns")
    _require_cells(frame, table, "channel", "channel", sink, "campaigns")
    frame = frame.copy()
    frame["campaign"] = frame["campaign"].fillna(frame["campaign_id"])
    late = (frame["end_date"] < frame["start_date"]).to_numpy()
    if late.any():
        idx = int(np.flatnonzero(late)[0])
        (sink or Sink(None)).report(
            "ends_before_start", InputError(
                "the campaign ends before it starts", file=table.file,
                sheet=table.sheet, row=int(table.rows[idx]),
                column=_header(table, frame, "end_date"),
                expected="an end date on or after the start date"),
            "campaigns", table.rows[np.flatnonzero(late)],
            column=_header(table, frame, "end_date"), count=int(late.sum()))
    return frame


def _resolve_costs(frame: pd.DataFrame, table: RawTable | None,
                   sink: Sink | None = None) -> pd.DataFrame:
    sink = sink or Sink(None)
    if table is None:
        return frame
    positions = frame.attrs.get("positions", {})
    if "amount" not in positions and not {"hours", "hourly_rate"} <= set(positions):
        sink.report("missing_column", _missing_column(
            table, "'Montant' (amount)", hint=", and there are no 'Heures' and 'Taux horaire' "
            "columns to compute it from"), "costs", (), column="Montant", canonical="amount")
    frame = frame.copy()
    from_hours = frame["hours"] * frame["hourly_rate"]
    missing = frame["amount"].isna() & from_hours.isna()
    for name in ("amount", "hours", "hourly_rate"):  # already reported as unreadable
        if name in frame.attrs.get("unreadable", {}):
            missing &= ~frame.attrs["unreadable"][name]
    if missing.any() and ("amount" in positions or {"hours", "hourly_rate"} <= set(positions)):
        idx = int(np.flatnonzero(missing.to_numpy())[0])
        sink.report("cost_without_amount", InputError(
            "the cost line has no amount, and no hours × hourly rate",
            file=table.file, sheet=table.sheet,
            row=int(table.rows[idx]),
            column=positions.get("amount") or positions.get("hours"),
            expected="an amount, or both hours and an hourly rate",
            more=int(missing.sum()) - 1), "costs", table.rows[np.flatnonzero(missing.to_numpy())],
            column=positions.get("amount") or positions.get("hours"),
            count=int(missing.sum()))
    by_hours = frame["amount"].isna()
    frame["amount"] = frame["amount"].fillna(from_hours)
    frame["category"] = frame["category"].fillna("direct")
    # Time spent follows the activity volume; a bought list or a licence does not.
    frame["behaviour"] = frame["behaviour"].where(
        frame["behaviour"].notna(), np.where(by_hours | frame["hours"].notna(), "variable",
                                             "fixed"))
    return frame


def _resolve_funnel(frame: pd.DataFrame, table: RawTable,
                    sink: Sink | None = None) -> pd.DataFrame:
    sink = sink or Sink(None)
    _require_cells(frame, table, "campaign_id", "campaign id", sink, "funnel")
    frame = _margin_given_as_rate(frame.copy(), frame["revenue"], table)
    frame["margin"] = frame["margin"].fillna(frame["revenue"] * frame["margin_rate"])
    keys = ["campaign_id", "month"]
    dup = frame.duplicated(keys, keep=False) & frame["campaign_id"].notna()
    for _, first in frame[dup].drop_duplicates(keys).iterrows():
        same = frame[(frame["campaign_id"] == first["campaign_id"])
                     & ((frame["month"] == first["month"])
                        | (frame["month"].isna() & pd.isna(first["month"])))]
        rows = same["row"].tolist()
        when = "" if pd.isna(first["month"]) else f" for {first['month']:%Y-%m}"
        sink.report("duplicate_funnel_row", InputError(
            f"campaign '{first['campaign_id']}' has {len(rows)} funnel rows{when} "
            f"({_rows_text(rows)})", file=table.file,
            sheet=table.sheet, row=int(rows[1]),
            column=_header(table, frame, "campaign_id"),
            expected="one row per campaign (and month)"), "funnel", rows,
            value=str(first["campaign_id"]), count=len(rows), month=when.strip())
    return frame


def _margin_given_as_rate(frame: pd.DataFrame, revenue: pd.Series,
                          table: RawTable) -> pd.DataFrame:
    """A 'Marge' column typed as "40 %" (or 0.4 beside revenues of thousands) is a rate.

    Reading it as 0.40 € of margin would be a silent error; a margin rate is what was meant.
    """
    margin = frame["margin"]
    known = margin.notna()
    if not known.any() or frame["margin_rate"].notna().any():
        return frame
    pos = next((p for p, h in enumerate(table.headers)
                if h == frame.attrs.get("positions", {}).get("margin")), None)
    texts = table.cells[pos][known.to_numpy()] if pos is not None else pd.Series(dtype=object)
    typed_percent = len(texts) and texts.map(lambda v: isinstance(v, str) and "%" in v).all()
    tiny = (margin[known] <= 1).all() and (revenue[known] > 1).all()
    if typed_percent or tiny:
        frame["margin_rate"] = margin
        frame["margin"] = np.nan
    return frame


def _validate_deals(frame: pd.DataFrame, table: RawTable | None,
                    sink: Sink | None = None) -> pd.DataFrame:
    if table is None:
        return frame
    _require_cells(frame, table, "deal_id", "deal id", sink, "deals")
    _require_unique(frame, table, "deal_id", "deal id", sink, "deals")
    _require_cells(frame, table, "status", "status", sink, "deals")
    return frame


def _unify_channels(campaigns: pd.DataFrame, touchpoints: pd.DataFrame) -> tuple[
        pd.DataFrame, pd.DataFrame]:
    """One spelling per channel: "téléprospection" and "Téléprospection" are one group."""
    spelling: dict[str, str] = {}
    for value in pd.concat([campaigns["channel"], touchpoints["channel"]]).dropna():
        spelling.setdefault(normalize_label(value), value)

    def unify(series: pd.Series) -> pd.Series:
        return series.map(lambda v: v if v is None or pd.isna(v)
                          else spelling[normalize_label(v)]).astype(object)

    campaigns = campaigns.assign(channel=unify(campaigns["channel"]))
    if len(touchpoints):
        touchpoints = touchpoints.assign(channel=unify(touchpoints["channel"]))
    return campaigns, touchpoints


# --- the single-table form --------------------------------------------------------------


def _single_table_candidate(matched: dict[str, RawTable],
                            unmatched: list[RawTable]) -> RawTable | None:
    """The one table that carries channel, cost and volumes side by side, if that is the form."""
    if "costs" in matched:
        return None
    pool = list(matched.values()) + unmatched
    for table in pool:
        positions = _map_headers(table, SINGLE_TABLE)
        has_volume = any(c in positions for c in ("leads", "clients", "opportunities",
                                                   "contacts"))
        has_cost = "cost" in positions or {"hours", "hourly_rate"} <= set(positions)
        if "channel" in positions and has_cost and has_volume:
            return table
    if len(pool) == 1 and "campaigns" not in matched:
        table = pool[0]
        positions = _map_headers(table, SINGLE_TABLE)
        # One table that is none of the contract's sheets: say what the simple form needs.
        for col in SINGLE_TABLE.columns:
            if (col.required or col.name == "cost") and col.name not in positions:
                raise _missing_column(table, col)
        raise _missing_column(table, "'Leads' or 'Clients' (funnel volumes)")
    return None


def _from_single_table(table: RawTable, source: str, sink: Sink | None = None) -> Dataset:
    sink = sink or Sink(None)
    frame = _typed_frame(table, SINGLE_TABLE, sink)
    positions = frame.attrs["positions"]
    sheet = table.sheet
    if "campaign_id" not in positions and "campaign" not in positions:
        sink.report("missing_column", _missing_column(table, SINGLE_TABLE.column("campaign")),
                    "table", (), column="Campagne", canonical="campaign")
    frame["campaign_id"] = frame["campaign_id"].fillna(frame["campaign"])
    frame["campaign"] = frame["campaign"].fillna(frame["campaign_id"])
    _require_cells(frame, table, "campaign_id", "campaign", sink, "table")
    _require_cells(frame, table, "channel", "channel", sink, "table")
    has_cost = "cost" in positions or {"hours", "hourly_rate"} <= set(positions)
    if not has_cost:
        sink.report("missing_column", _missing_column(table, SINGLE_TABLE.column("cost")),
                    "table", (), column="Coût", canonical="cost")
    from_hours = frame["hours"] * frame["hourly_rate"]
    no_cost = frame["cost"].isna() & from_hours.isna()
    for name in ("cost", "hours", "hourly_rate"):  # already reported as unreadable
        if name in frame.attrs.get("unreadable", {}):
            no_cost &= ~frame.attrs["unreadable"][name]
    if no_cost.any() and has_cost:
        idx = int(np.flatnonzero(no_cost.to_numpy())[0])
        sink.report("blank_required", InputError(
            "the cost is blank", file=table.file, sheet=sheet, row=int(table.rows[idx]),
            column=positions.get("cost") or positions.get("hours"),
            expected="a cost (0 if the campaign cost nothing)", more=int(no_cost.sum()) - 1),
            "table", table.rows[np.flatnonzero(no_cost.to_numpy())],
            column=positions.get("cost") or positions.get("hours"), canonical="cost",
            count=int(no_cost.sum()))
    keys = ["campaign_id", "month"]
    dup = frame.duplicated(keys, keep=False) & frame["campaign_id"].notna()
    for value, rows_of in frame.loc[dup].groupby("campaign_id", sort=False)["row"]:
        rows = rows_of.tolist()
        sink.report("duplicate_id", InputError(
            f"campaign '{value}' appears {len(rows)} times ({_rows_text(rows)})",
            file=table.file, sheet=sheet, row=int(rows[1]),
            column=positions.get("campaign_id") or positions.get("campaign"),
            expected="one row per campaign, or per campaign and month with a 'Mois' column"),
            "table", rows, column=positions.get("campaign_id") or positions.get("campaign"),
            canonical="campaign_id", value=str(value), count=len(rows))
    if not sink.strict:  # lenient: keep one row per campaign (and month) for the frames below
        frame = frame[frame["campaign_id"].notna()]
    first_month = frame.groupby("campaign_id", sort=False)["month"].transform("min")
    frame["start_date"] = frame["start_date"].fillna(first_month)

    camp = frame.drop_duplicates("campaign_id")
    campaigns = empty_frame("campaigns").iloc[0:0]
    campaigns = pd.DataFrame({c: camp[c].to_numpy() if c in camp else None
                              for c in COLUMNS["campaigns"]})
    campaigns = campaigns.astype({c: t for c, t in COLUMNS["campaigns"].items()})
    campaigns["row"] = camp["row"].to_numpy()

    frame["time_cost"] = from_hours
    lines = []
    for column, category, behaviour in (("cost", "direct", "fixed"),
                                        ("time_cost", "direct", "variable"),
                                        ("indirect_cost", "indirect", "fixed")):
        part = frame[frame[column].notna()]
        item = "hours × hourly rate" if column == "time_cost" else positions.get(column, column)
        lines.append(pd.DataFrame({
            "campaign_id": part["campaign_id"], "category": category,
            "item": item, "amount": part[column],
            "hours": part["hours"] if column == "time_cost" else np.nan,
            "hourly_rate": part["hourly_rate"] if column == "time_cost" else np.nan,
            "behaviour": behaviour, "date": part["month"], "row": part["row"]}))
    costs = pd.concat(lines, ignore_index=True).astype(
        {c: t for c, t in COLUMNS["costs"].items()})

    revenue = frame["revenue"].fillna(frame["clients"] * frame["revenue_per_client"])
    frame = _margin_given_as_rate(frame, revenue, table)
    margin = frame["margin"].fillna(revenue * frame["margin_rate"]).fillna(
        frame["clients"] * frame["margin_per_client"])
    rate = frame["margin_rate"].fillna(margin / revenue.where(revenue > 0))
    funnel = pd.DataFrame({
        "campaign_id": frame["campaign_id"], "month": frame["month"],
        "contacts": frame["contacts"], "leads": frame["leads"],
        "opportunities": frame["opportunities"], "meetings": frame["meetings"],
        "clients": frame["clients"], "revenue": revenue, "margin": margin,
        "margin_rate": rate, "row": frame["row"]})
    campaigns, touchpoints = _unify_channels(campaigns, empty_frame("touchpoints"))
    names = {n: sheet_label(table) for n in ("campaigns", "costs", "funnel")}
    targets = frame.groupby("campaign_id", sort=False)["targets"].sum(min_count=1)
    campaigns["targets"] = campaigns["campaign_id"].map(targets).astype(float)
    return Dataset(campaigns=campaigns.reset_index(drop=True), costs=costs, funnel=funnel,
                   source=source, sheet_names=names, funnel_source="sheet",
                   notes=tuple(sink.notes))


def typed_sheet(table: RawTable, name: str) -> pd.DataFrame:
    """One table typed as the contract's sheet ``name`` (the importers' pass-through).

    Raises InputError at the first unreadable cell or missing required column.
    """
    return _typed_frame(table, SHEETS[name])
