"""A column mapping: which header of an export feeds which column of the contract.

Every preset (HubSpot, Salesforce, Pipedrive, call logs) is a ``ColumnMapping``; so is
what a user builds in ``notebooks/import_crm.py`` for an export no preset knows. A mapping
is saved and reused as JSON::

    {"name": "my CRM", "sheet": "deals", "locale": "fr",
     "columns": {"deal_id": "N° affaire", "status": ["Etape", "Stage"], ...},
     "values": {"status": {"Signé": "won", "Abandon": "lost"}},
     "constants": {"margin_rate": 0.4}}

``columns`` maps a canonical column to a header (or to candidate headers, the first one
present wins); headers are matched case-, accent- and space-insensitively. ``values``
turns the export's words into the contract's (the key ``"*"`` catches every other word,
e.g. a CRM's many open pipeline stages); words it does not list go through the contract's
own spellings (``roi_core.schema.ENUMS``). Rates: "40 %" and a plain 40 read as 0.4 (a
CRM writes percentages as whole numbers), 0.4 stays 0.4.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from roi_core.dataset import COLUMNS
from roi_core.errors import InputError
from roi_core.importers.localize import (
    LOCALES,
    AmbiguousCell,
    Conventions,
    infer_conventions,
    parse_amounts,
    parse_dates,
)
from roi_core.io.cells import parse_enum, parse_text
from roi_core.io.read import RawTable, sheet_label
from roi_core.schema import ENUMS, SHEETS, normalize_label

__all__ = ["ColumnMapping", "apply_mapping", "suggest_mapping", "header_positions",
           "parse_value_rules", "mapping_from_form", "conventions_for", "read_cells",
           "ambiguity_error"]


@dataclass
class ColumnMapping:
    """How one export table becomes one sheet of the contract (see the module doc)."""

    sheet: str
    columns: dict[str, str | list[str]]
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    constants: dict[str, object] = field(default_factory=dict)
    locale: str = "auto"
    name: str = ""
    required: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.sheet not in SHEETS:
            raise InputError(f"the mapping's sheet '{self.sheet}' is not one of the contract's",
                             expected=", ".join(SHEETS))
        known = set(COLUMNS[self.sheet])
        unknown = [c for c in [*self.columns, *self.constants] if c not in known]
        if unknown:
            raise InputError(f"the mapping names unknown columns of '{self.sheet}': "
                             f"{', '.join(unknown)}", expected=", ".join(known))
        if self.locale not in LOCALES:
            raise InputError(f"unknown locale '{self.locale}'", expected=", ".join(LOCALES))
        self.required = tuple(self.required)

    def to_json(self) -> str:
        """The mapping as JSON text (what the notebook saves).

        >>> m = ColumnMapping("deals", {"deal_id": "Id"}, name="x")
        >>> ColumnMapping.from_json(m.to_json()) == m
        True
        """
        data = asdict(self)
        data["required"] = list(self.required)
        return json.dumps(data, ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, text: str | bytes) -> ColumnMapping:
        """Read a mapping saved by ``to_json``; a broken file raises InputError."""
        try:
            data = json.loads(text)
        except (ValueError, UnicodeDecodeError) as exc:
            raise InputError(f"the mapping file is not valid JSON ({exc})") from None
        if not isinstance(data, dict) or "sheet" not in data or \
                not isinstance(data.get("columns"), dict):
            raise InputError("the mapping file has no 'sheet' and 'columns'",
                             expected='{"sheet": "deals", "columns": {...}}')
        fields_ = {k: data[k] for k in ("sheet", "columns", "values", "constants", "locale",
                                        "name", "required") if k in data}
        try:
            return cls(**fields_)
        except TypeError as exc:
            raise InputError(f"the mapping file is malformed ({exc})") from None

    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> ColumnMapping:
        return cls.from_json(Path(path).read_bytes())


def header_positions(table: RawTable, mapping: ColumnMapping) -> dict[str, int]:
    """canonical column -> position of the header that feeds it (absent ones left out)."""
    keys = {normalize_label(h): i for i, h in reversed(list(enumerate(table.headers)))}
    found = {}
    for canonical, headers in mapping.columns.items():
        for header in [headers] if isinstance(headers, str) else headers:
            if normalize_label(header) in keys:
                found[canonical] = keys[normalize_label(header)]
                break
    return found


def _rate(raw: pd.Series, locale: str | Conventions) -> tuple[pd.Series, np.ndarray]:
    text = raw.astype(object).map(lambda v: str(v) if isinstance(v, str) else "")
    values, bad = parse_amounts(raw.astype(object).map(
        lambda v: v.replace("%", "") if isinstance(v, str) else v), locale)
    percent = text.str.contains("%", regex=False).to_numpy()
    # A CRM writes 40 % as "40" or "40 %"; a spreadsheet stores it as 0.4.
    scale = percent | (values > 1).to_numpy()
    return values.where(~scale, values / 100.0), bad


def _translate(raw: pd.Series, words: dict[str, str], kind: str) -> pd.Series:
    """The export's words turned into the contract's; ``"*"`` catches any other word."""
    table = {normalize_label(k): v for k, v in words.items() if k != "*"}
    known: set[str] = set()
    if kind.startswith("enum:"):
        known = {normalize_label(w) for key, spellings in ENUMS[kind.split(":", 1)[1]].items()
                 for w in (key, *spellings)}
    other = words.get("*")

    def one(value: object) -> object:
        if not isinstance(value, str) or not value.strip():
            return value
        key = normalize_label(value)
        if key in table:
            return table[key]
        if other is not None and key not in known:
            return other
        return value

    return raw.map(one)


def conventions_for(table: RawTable, locale: str | Conventions = "auto") -> Conventions:
    """The export's conventions: given, or inferred once from all of its cells."""
    return locale if isinstance(locale, Conventions) else infer_conventions(table.cells,
                                                                            locale)


def ambiguity_error(exc: AmbiguousCell, table: RawTable, column: str) -> InputError:
    """The located message for a cell the locales read differently: ask for --locale."""
    return InputError(str(exc), file=table.file, sheet=table.sheet,
                      row=int(table.rows[exc.position]), column=column,
                      expected=" or ".join(f"--locale {k}" for k in exc.readings)
                      + " (the exporting user's number and date settings)")


_EXPECTED = {"money": "an amount such as 6000.00", "number": "a number",
             "count": "a whole number such as 120", "date": "a date such as 2026-01-15",
             "month": "a month such as 2026-01", "rate": "a rate such as 40 %"}


def read_cells(table: RawTable, raw: pd.Series, column: str, kind: str,
               conventions: Conventions) -> pd.Series:
    """One export column parsed as ``kind`` (money, number, count, rate, date, month);
    raises InputError naming the row and column of the first unreadable or ambiguous
    cell."""
    try:
        if kind in ("money", "number", "count"):
            values, bad = parse_amounts(raw, conventions)
        elif kind == "rate":
            values, bad = _rate(raw, conventions)
        else:
            values, bad = parse_dates(raw, conventions)
    except AmbiguousCell as exc:
        raise ambiguity_error(exc, table, column) from None
    if bad.any():
        idx = int(np.flatnonzero(bad)[0])
        raise InputError(f"'{str(raw.iat[idx])[:40]}' cannot be read", file=table.file,
                         sheet=table.sheet or sheet_label(table), row=int(table.rows[idx]),
                         column=column, expected=_EXPECTED.get(kind, f"a {kind}"),
                         more=int(bad.sum()) - 1)
    return values


def apply_mapping(table: RawTable, mapping: ColumnMapping,
                  locale: str | Conventions | None = None) -> pd.DataFrame:
    """The export table as a canonical frame of ``mapping.sheet`` (with a ``row`` column).

    ``locale``: a ``--locale`` value ("auto" defers to the mapping's own), or the
    export's ``Conventions``. Raises InputError naming the file, row and column of the
    first unreadable cell (or of a cell the locales read differently), or the required
    header that is missing.
    """
    if locale is None or locale == "auto":
        locale = mapping.locale
    conventions = conventions_for(table, locale)
    positions = header_positions(table, mapping)
    where = {"file": table.file, "sheet": table.sheet or sheet_label(table)}
    for canonical in mapping.required:
        if canonical not in positions and canonical not in mapping.constants:
            wanted = mapping.columns.get(canonical, canonical)
            shown = wanted if isinstance(wanted, str) else " / ".join(wanted)
            raise InputError(f"the column '{shown}' is missing (columns found: "
                             f"{', '.join(table.headers[:12])})", row=table.header_row,
                             expected=f"a {mapping.name or mapping.sheet} export with "
                             "that column", **where)
    kinds = {c.name: c.kind for c in SHEETS[mapping.sheet].columns}
    out: dict[str, pd.Series] = {}
    n = len(table.cells)
    for canonical, dtype in COLUMNS[mapping.sheet].items():
        if canonical in positions:
            raw = table.cells[positions[canonical]].reset_index(drop=True).astype(object)
            kind = kinds[canonical]
            header = table.headers[positions[canonical]]
            if canonical in mapping.values:
                raw = _translate(raw, mapping.values[canonical], kind)
            if kind in ("money", "number", "count", "rate", "date", "month"):
                values = read_cells(table, raw, header, kind, conventions)
            else:
                if kind.startswith("enum:"):
                    values, bad = parse_enum(raw, ENUMS[kind.split(":", 1)[1]])
                else:
                    values, bad = parse_text(raw)
                if bad.any():
                    idx = int(np.flatnonzero(bad)[0])
                    expected = ("one of " + " / ".join(ENUMS[kind.split(":", 1)[1]])
                                if kind.startswith("enum:") else f"a {kind}")
                    raise InputError(f"'{str(raw.iat[idx])[:40]}' cannot be read",
                                     row=int(table.rows[idx]), column=header,
                                     expected=expected, more=int(bad.sum()) - 1, **where)
            out[canonical] = values.reset_index(drop=True)
        elif canonical in mapping.constants:
            out[canonical] = pd.Series([mapping.constants[canonical]] * n, dtype=object)
        else:
            out[canonical] = pd.Series([None] * n, dtype=object)
        if dtype.startswith("datetime"):
            out[canonical] = pd.to_datetime(out[canonical]).astype(dtype)
        elif dtype == "float64":
            out[canonical] = pd.to_numeric(out[canonical]).astype(float)
        else:
            out[canonical] = out[canonical].astype(object)
    frame = pd.DataFrame(out, index=pd.RangeIndex(n))
    frame["row"] = pd.array(table.rows, dtype="Int64")
    frame.attrs["conventions"] = conventions
    return frame


def suggest_mapping(headers: list[str], sheet: str,
                    known: list[ColumnMapping] = ()) -> dict[str, str | None]:
    """A first guess for the mapping form: the contract's labels and aliases, then the
    headers the presets know.

    >>> suggest_mapping(["Montant", "Statut", "Nom"], "deals")["amount"]
    'Montant'
    >>> suggest_mapping(["Deal Stage"], "deals")["status"] is None
    True
    """
    keys = {normalize_label(h): h for h in headers}
    out: dict[str, str | None] = {}
    for col in SHEETS[sheet].columns:
        out[col.name] = next((keys[normalize_label(label)] for label in col.labels()
                              if label and normalize_label(label) in keys), None)
        for mapping in known:
            if out[col.name] is None and mapping.sheet == sheet and col.name in mapping.columns:
                wanted = mapping.columns[col.name]
                for header in [wanted] if isinstance(wanted, str) else wanted:
                    if normalize_label(header) in keys:
                        out[col.name] = keys[normalize_label(header)]
                        break
    return out


def parse_value_rules(text: str) -> dict[str, dict[str, str]]:
    """Word rules typed in the mapping form, one per line: ``column: export word = value``.

    ``*`` stands for every other word. Blank lines and lines starting with # are skipped.

    >>> parse_value_rules("status: Signé = won\\nstatus: * = open\\n# note")
    {'status': {'Signé': 'won', '*': 'open'}}
    >>> parse_value_rules("status Signé won")
    Traceback (most recent call last):
    ...
    roi_core.errors.InputError: line 1: 'status Signé won' is not a rule; expected \
column: export word = value, such as status: Signé = won.
    """
    rules: dict[str, dict[str, str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        column, sep, rest = line.partition(":")
        word, eq, value = rest.partition("=")
        if not sep or not eq or not column.strip() or not word.strip() or not value.strip():
            raise InputError(f"line {number}: '{line}' is not a rule",
                             expected="column: export word = value, such as status: Signé = won")
        rules.setdefault(column.strip(), {})[word.strip()] = value.strip()
    return rules


def mapping_from_form(sheet: str, choices: dict[str, str | None], rules: str = "",
                      locale: str = "auto", constants: dict[str, object] | None = None,
                      name: str = "") -> ColumnMapping:
    """A mapping from the notebook's form: one chosen header (or none) per column.

    >>> m = mapping_from_form("deals", {"deal_id": "N°", "status": "Etape", "amount": None},
    ...                       "status: Signé = won")
    >>> m.columns, m.values, m.required
    ({'deal_id': 'N°', 'status': 'Etape'}, {'status': {'Signé': 'won'}}, ('deal_id', 'status'))
    """
    columns = {c: h for c, h in choices.items() if h}
    required = tuple(c.name for c in SHEETS[sheet].columns if c.required)
    return ColumnMapping(sheet=sheet, columns=columns, values=parse_value_rules(rules),
                         constants=dict(constants or {}), locale=locale, name=name,
                         required=required)
