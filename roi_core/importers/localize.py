"""Numbers and dates as the exporting user's locale wrote them.

A CRM export carries the exporting user's conventions: "6,000.00" (en_US) or "6 000,00"
(fr_FR) or "6.000,00" (de_DE); "1/15/2026" (month first, en_US) or "15/01/2026" (day
first); ISO timestamps ("2026-01-15T10:32:00.000Z"); Excel serial dates in .xlsx files.

With ``locale="auto"`` the conventions are inferred once per export from the whole file
(``infer_conventions``): one user's settings wrote every column. What decides:

- the decimal mark: a cell that can be read one way only ("1,234.50", "66,70",
  "1,234,567", "0,500"), else a currency sign ("$6,000", "£950": "." marks decimals;
  "6 000 €": ","), else thousands grouped by spaces (French writing), else month-first
  dates (en_US);
- the date order: a date whose first number is above 12 (day first) or whose second is
  (month first), else comma decimals (day first everywhere they are written), else a
  dollar sign (en_US).

A column that still holds a cell the two conventions read differently ("12,500": 12500
or 12.5; "03/02/2026": 3 February or 2 March) raises ``AmbiguousCell``: the caller stops
and asks for ``--locale``, never guesses. ``Conventions.describe`` says what was used and
why, for the import summary and the audit.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from roi_core.io.cells import MAX_YEAR, MIN_YEAR, is_blank

__all__ = ["LOCALES", "Conventions", "AmbiguousCell", "infer_conventions", "parse_amounts",
           "parse_dates", "date_order", "decimal_mark"]

# locale -> (decimal mark, date order)
LOCALES: dict[str, tuple[str, str]] = {
    "fr": (",", "DMY"), "fr_FR": (",", "DMY"), "de": (",", "DMY"), "de_DE": (",", "DMY"),
    "en_GB": (".", "DMY"), "en_US": (".", "MDY"), "en": (".", "MDY"), "auto": ("", ""),
}
_SPACES = re.compile(r"[\s\u00a0\u202f\u2007\u2009']")
_CURRENCY = re.compile(r"(€|eur(?:os?)?|\$|usd|£|gbp|chf|ht|ttc)", re.IGNORECASE)
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})"
                  r"(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*([AaPp][Mm])?)?$")
_TZ = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_MAX_SERIAL = 109574  # 2199-12-31
_DIGITS = re.compile(r"[-+]?\d[\d.,]*")
# An amount grouped by spaces, "6 000" or "12 500,50 €" (not a phone number).
_SPACE_GROUP = re.compile(r"^-?\d{1,3}([\s\u00a0\u202f\u2007\u2009]\d{3})+(,\d+)?\s*(€|eur)?$",
                          re.IGNORECASE)
_SIGN_BEFORE = re.compile(r"^\(?-?\s*(\$|£|usd|gbp)\s?\d", re.IGNORECASE)
_EURO_AFTER = re.compile(r"\d\s*(€|eur|euros?)\)?$", re.IGNORECASE)
_NAMES = {(".", "MDY"): "en_US", (".", "DMY"): "en_GB", (",", "DMY"): "fr"}


class AmbiguousCell(ValueError):
    """A cell the locales read differently, in a file where nothing else decides.

    ``position`` is the cell's position in the column; ``readings`` maps a ``--locale``
    value to how that locale reads the cell.
    """

    def __init__(self, text: str, position: int, readings: dict[str, str], what: str):
        self.text, self.position, self.readings, self.what = text, position, readings, what
        shown = " or ".join(f"{v} with --locale {k}" for k, v in readings.items())
        super().__init__(f"'{text}' reads two ways: {shown}; nothing else in the file says "
                         f"how its {what} are written")


@dataclass(frozen=True)
class Conventions:
    """How one export writes numbers and dates: ``mark`` ("," or "."), ``order`` ("DMY" or
    "MDY"); None where nothing in the file decides (and nothing needs deciding yet).

    ``given`` is the ``--locale`` the user chose ("" when inferred); ``reasons`` says what
    decided each convention.

    >>> Conventions(".", "MDY", reasons=(("currency sign '$'", "signe « $ »"),)).describe()
    "en_US (inferred: currency sign '$')"
    >>> Conventions(None, None).describe()
    'not needed (no number or date the locales write differently)'
    """

    mark: str | None
    order: str | None
    given: str = ""
    reasons: tuple[tuple[str, str], ...] = ()  # (English, French)

    @property
    def name(self) -> str:
        if self.given:
            return self.given
        if (self.mark, self.order) in _NAMES:
            return _NAMES[(self.mark, self.order)]
        parts = []
        if self.mark:
            parts.append(f"'{self.mark}' decimals")
        if self.order:
            parts.append("day-first dates" if self.order == "DMY" else "month-first dates")
        return ", ".join(parts)

    def describe(self) -> str:
        if self.given:
            return f"{self.given} (given with --locale)"
        if not self.mark and not self.order:
            return "not needed (no number or date the locales write differently)"
        return f"{self.name} (inferred: {'; '.join(en for en, _ in self.reasons)})"

    def describe_fr(self) -> str:
        """``describe`` for the French audit."""
        if self.given:
            return f"{self.given} (choisi avec --locale)"
        if not self.mark and not self.order:
            return "sans objet (aucun nombre ni date que les locales écrivent différemment)"
        return f"{self.name} (déduit de : {' ; '.join(fr for _, fr in self.reasons)})"


def _grouped(digits: str, sep: str) -> bool:
    """True for digits grouped by thousands with ``sep``: "1,234,567"."""
    return re.fullmatch(r"\d{1,3}(" + re.escape(sep) + r"\d{3})+", digits) is not None


def _mark_of(text: str) -> tuple[str | None, bool]:
    """(decimal mark this number text shows, True when the text alone decides it);
    (mark, False) for a text the two conventions read differently ("6,000"); (None,
    False) for a text without a mark, or no number ("192.168.1.1", "06.12.34.56.78").

    >>> [_mark_of(t) for t in ("1,234.50", "66,70", "1,234,567", "6,000", "6000", "1.2.3")]
    [('.', True), (',', True), ('.', True), (',', False), (None, False), (None, False)]
    """
    s = _SPACES.sub("", _CURRENCY.sub("", text)).strip("()-+ ")
    if not _DIGITS.fullmatch(s):
        return None, False
    commas, dots = s.count(","), s.count(".")
    if commas and dots:
        mark = "," if s.rfind(",") > s.rfind(".") else "."
        group = "." if mark == "," else ","
        whole, _ = s.rsplit(mark, 1)
        ok = s.count(mark) == 1 and _grouped(whole, group)
        return (mark, True) if ok else (None, False)
    if commas > 1 or dots > 1:
        group = "," if commas > 1 else "."
        return ("." if group == "," else ",", True) if _grouped(s, group) else (None, False)
    if commas + dots == 0:
        return None, False
    mark = "," if commas else "."
    before, after = s.split(mark)
    if len(after) != 3 or len(before) > 3 or before.startswith("0"):
        return mark, True
    return mark, False  # "6,000": a thousands group, or three decimals


def _texts(frame: pd.DataFrame) -> list[str]:
    """The distinct non-blank texts of every column (each decides once, in file order)."""
    out: dict[str, None] = {}
    for col in frame.columns:
        for v in pd.unique(frame[col].to_numpy(dtype=object)):
            if isinstance(v, str) and v.strip():
                out.setdefault(v.strip())
    return list(out)


def infer_conventions(cells: pd.DataFrame, locale: str = "auto") -> Conventions:
    """The conventions of a whole export table (``RawTable.cells``), see the module doc.

    >>> frame = pd.DataFrame({"a": ["$6,000", "12,500", "$950"], "d": ["3/14/2026"] * 3})
    >>> c = infer_conventions(frame); (c.mark, c.order)
    ('.', 'MDY')
    >>> infer_conventions(pd.DataFrame({"a": ["12,500"]})).mark is None
    True
    >>> infer_conventions(frame, "fr").describe()
    'fr (given with --locale)'
    """
    mark, order = _settings(locale)
    if locale != "auto":
        return Conventions(mark, order, given=locale)
    texts = _texts(cells)
    dates = [t for t in texts if _DMY.match(t)]
    numbers = [t for t in texts if not _DMY.match(t) and ":" not in t]
    reasons: list[tuple[str, str]] = []
    votes: Counter[str] = Counter()
    example: dict[str, str] = {}
    for t in numbers:
        m, sure = _mark_of(t)
        if m and sure:
            votes[m] += 1
            example.setdefault(m, t)
    decided_mark: str | None = None
    if votes:
        decided_mark = votes.most_common(1)[0][0]
        shown = example[decided_mark]
        reasons.append((f"numbers such as '{shown}'", f"des nombres comme « {shown} »"))
    else:
        before = next((t for t in numbers if _SIGN_BEFORE.match(t)), None)
        after = next((t for t in numbers if _EURO_AFTER.search(t)), None)
        spaced = next((t for t in numbers if _SPACE_GROUP.match(t)), None)
        if before and not after:
            decided_mark = "."
            reasons.append((f"currency sign before the amount ('{before}')",
                            f"signe monétaire avant le montant (« {before} »)"))
        elif after and not before:
            decided_mark = ","
            reasons.append((f"euro sign after the amount ('{after}')",
                            f"signe euro après le montant (« {after} »)"))
        elif spaced:
            decided_mark = ","
            reasons.append((f"thousands grouped by spaces ('{spaced}')",
                            f"milliers séparés par des espaces (« {spaced} »)"))
    day_first = [t for t in dates if int(_DMY.match(t).group(1)) > 12]
    month_first = [t for t in dates if int(_DMY.match(t).group(2)) > 12]
    decided_order: str | None = None
    if day_first or month_first:
        decided_order = "DMY" if len(day_first) >= len(month_first) else "MDY"
        shown = day_first[0] if decided_order == "DMY" else month_first[0]
        reasons.append((f"{'day' if decided_order == 'DMY' else 'month'}-first dates such as "
                        f"'{shown}'", f"des dates {'jour' if decided_order == 'DMY' else 'mois'}"
                        f" en premier comme « {shown} »"))
    if decided_mark is None and decided_order == "MDY":
        decided_mark = "."
        reasons.append(("month-first dates go with '.' decimals (en_US)",
                        "les dates mois en premier vont avec la décimale « . » (en_US)"))
    if decided_order is None and dates:
        if decided_mark == ",":
            decided_order = "DMY"
            reasons.append(("comma decimals go with day-first dates",
                            "la virgule décimale va avec les dates jour en premier"))
        elif any(_SIGN_BEFORE.match(t) and "$" in t for t in numbers):
            decided_order = "MDY"
            reasons.append(("dollar amounts go with month-first dates (en_US)",
                            "les montants en dollars vont avec les dates mois en premier "
                            "(en_US)"))
    return Conventions(decided_mark, decided_order, reasons=tuple(reasons))


def _settings(locale: str) -> tuple[str, str]:
    if locale not in LOCALES:
        raise ValueError(f"unknown locale {locale!r}; choose one of {', '.join(LOCALES)}")
    return LOCALES[locale]


def decimal_mark(texts: pd.Series, locale: str = "auto") -> str | None:
    """The decimal mark a column of number texts shows: ``","``, ``"."``, or None when no
    cell decides it (``"6,000"`` is a thousands group or three decimals).

    >>> decimal_mark(pd.Series(["1,234.50", "12"]))
    '.'
    >>> decimal_mark(pd.Series(["6 000,5", "12"]))
    ','
    >>> decimal_mark(pd.Series(["1,234"]), "en_US"), decimal_mark(pd.Series(["1,234"]))
    ('.', None)
    """
    mark, _ = _settings(locale)
    if mark:
        return mark
    votes = Counter(m for m, sure in map(_mark_of, texts) if m and sure)
    return votes.most_common(1)[0][0] if votes else None


def _readings(text: str, mark: str) -> dict[str, str]:
    s = _SPACES.sub("", _CURRENCY.sub("", text)).strip("()+ ")
    grouped = float(s.replace(mark, ""))
    decimal = float(s.replace(mark, "."))
    if mark == ",":
        return {"en_US": f"{grouped:g}", "fr": f"{decimal:g}"}
    return {"fr": f"{grouped:g}", "en_US": f"{decimal:g}"}


def parse_amounts(raw: pd.Series, locale: str | Conventions = "auto"
                  ) -> tuple[pd.Series, np.ndarray]:
    """Numbers in the locale's writing; returns (floats, mask of unreadable cells).

    ``locale`` is a ``--locale`` value or the ``Conventions`` of the whole export. A
    column whose cells read two ways, where neither the column nor the export decides,
    raises ``AmbiguousCell``.

    >>> parse_amounts(pd.Series(["$6,000.00", "1,5", 7], dtype=object), "en_US")[0].tolist()
    [6000.0, 15.0, 7.0]
    >>> parse_amounts(pd.Series(["6 000,00 €", "1.234,5"], dtype=object), "fr")[0].tolist()
    [6000.0, 1234.5]
    >>> parse_amounts(pd.Series(["12,500"], dtype=object))
    Traceback (most recent call last):
    ...
    roi_core.importers.localize.AmbiguousCell: '12,500' reads two ways: 12500 with \
--locale en_US or 12.5 with --locale fr; nothing else in the file says how its numbers \
are written
    """
    conv = locale if isinstance(locale, Conventions) else None
    raw = raw.reset_index(drop=True).astype(object)
    blank = is_blank(raw)
    out = pd.Series(np.nan, index=raw.index, dtype=float)
    values = raw.to_numpy(dtype=object)
    is_num = np.fromiter((isinstance(v, (int, float, np.integer, np.floating))
                          and not isinstance(v, bool) for v in values), bool, len(values))
    out[is_num] = pd.to_numeric(raw[is_num], errors="coerce").astype(float)
    is_text = ~is_num & ~blank
    if is_text.any():
        original = raw[is_text].astype(str).str.strip()
        mark = decimal_mark(original, "auto" if conv else str(locale)) or \
            (conv.mark if conv else None)
        if mark is None:
            for pos, text in original.items():
                m, sure = _mark_of(text)
                if m and not sure:
                    raise AmbiguousCell(text, int(pos), _readings(text, m), "numbers")
            mark = "."  # no cell carries a mark: both conventions read the same
        text = original.str.replace(_SPACES, "", regex=True)
        text = text.str.replace(_CURRENCY, "", regex=True).str.strip()
        neg = text.str.startswith("(") & text.str.endswith(")")
        text = text.where(~neg, "-" + text.str.slice(1, -1))
        thousands = "." if mark == "," else ","
        text = text.str.replace(thousands, "", regex=False).str.replace(mark, ".", regex=False)
        out[is_text] = pd.to_numeric(text, errors="coerce").astype(float).to_numpy()
    finite = np.isfinite(out.to_numpy(dtype=float, na_value=np.nan))
    bad = ~blank & ~finite
    out[bad] = np.nan
    return out, bad


def date_order(texts: pd.Series, locale: str = "auto") -> str | None:
    """``"DMY"`` or ``"MDY"`` for a column of "a/b/yyyy" texts; None when no date decides.

    >>> date_order(pd.Series(["1/15/2026", "2/3/2026"]))
    'MDY'
    >>> date_order(pd.Series(["15/01/2026"])), date_order(pd.Series(["03/02/2026"]))
    ('DMY', None)
    >>> date_order(pd.Series(["03/02/2026"]), "en_US")
    'MDY'
    """
    _, order = _settings(locale)
    if order:
        return order
    parts = texts.str.extract(_DMY).iloc[:, :2].astype(float)
    day_first, month_first = int((parts[0] > 12).sum()), int((parts[1] > 12).sum())
    if day_first or month_first:
        return "DMY" if day_first >= month_first else "MDY"
    return None


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def parse_dates(raw: pd.Series, locale: str | Conventions = "auto",
                order: str | None = None) -> tuple[pd.Series, np.ndarray]:
    """Dates: Excel dates and serials, ISO texts (time zone dropped), "a/b/yyyy" texts.

    ``order`` ("DMY" or "MDY") overrides the inference; ``locale`` may be the export's
    ``Conventions``. "a/b/yyyy" texts that read two ways, where nothing decides the
    order, raise ``AmbiguousCell``.

    >>> d, bad = parse_dates(pd.Series(["1/15/2026 3:30 PM", "2/1/2026", 46037,
    ...                                 "2026-01-15T10:32:00.000Z", "x"], dtype=object))
    >>> [str(x) for x in d], bad.tolist()[-1]
    (['2026-01-15 15:30:00', '2026-02-01 00:00:00', '2026-01-15 00:00:00', \
'2026-01-15 10:32:00', 'NaT'], True)
    """
    conv = locale if isinstance(locale, Conventions) else None
    raw = raw.reset_index(drop=True).astype(object)
    blank = is_blank(raw)
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    texts: dict[int, str] = {}
    for i, value in enumerate(raw.to_numpy(dtype=object)):
        if blank[i]:
            continue
        if isinstance(value, (dt.datetime, dt.date, pd.Timestamp)):
            if MIN_YEAR <= value.year <= MAX_YEAR:
                out.iat[i] = pd.Timestamp(value)
        elif isinstance(value, (int, float, np.integer, np.floating)) \
                and not isinstance(value, bool):
            if 1 <= float(value) <= _MAX_SERIAL:
                out.iat[i] = _EXCEL_EPOCH + pd.to_timedelta(float(value), unit="D")
        else:
            texts[i] = str(value).strip()
    if texts:
        series = pd.Series(texts)
        slash = series[series.str.match(_DMY)]
        if order is None and len(slash):
            order = date_order(slash, "auto" if conv else str(locale)) or \
                (conv.order if conv else None)
        if order is None:
            for pos, text in slash.items():
                a, b, year = (int(_DMY.match(text).group(k)) for k in (1, 2, 3))
                if a != b and a <= 12 and b <= 12:
                    year += 2000 if year < 100 else 0
                    raise AmbiguousCell(text, int(pos), {
                        "fr": f"{a} {_MONTHS[b - 1]} {year}",
                        "en_US": f"{b} {_MONTHS[a - 1]} {year}"}, "dates")
            order = "DMY"  # every such date reads the same both ways
        for i, text in texts.items():
            stamp = _one_date(text, order)
            if stamp is not None and MIN_YEAR <= stamp.year <= MAX_YEAR:
                out.iat[i] = stamp
    bad = ~blank & out.isna().to_numpy()
    return out, bad


def _one_date(text: str, order: str) -> pd.Timestamp | None:
    m = _DMY.match(text)
    if m:
        a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        day, month = (a, b) if order == "DMY" else (b, a)
        year += 2000 if year < 100 else 0
        hour = int(m.group(4) or 0)
        if m.group(7):
            hour = hour % 12 + (12 if m.group(7).lower() == "pm" else 0)
        try:
            return pd.Timestamp(year=year, month=month, day=day, hour=hour,
                                minute=int(m.group(5) or 0), second=int(m.group(6) or 0))
        except ValueError:
            return None
    if re.fullmatch(r"\d{5}(\.\d+)?", text) and float(text) <= _MAX_SERIAL:
        return _EXCEL_EPOCH + pd.to_timedelta(float(text), unit="D")
    naive = _TZ.sub("", text)
    if not re.match(r"\d{4}-\d{2}", naive):
        return None
    try:
        stamp = pd.to_datetime(naive, format="ISO8601")
    except (ValueError, TypeError, OverflowError):
        return None
    return None if pd.isna(stamp) else pd.Timestamp(stamp).tz_localize(None) \
        if pd.Timestamp(stamp).tzinfo else pd.Timestamp(stamp)
