"""Numbers and dates as the exporting user's locale wrote them.

A CRM export carries the exporting user's conventions: "6,000.00" (en_US) or "6 000,00"
(fr_FR) or "6.000,00" (de_DE); "1/15/2026" (month first, en_US) or "15/01/2026" (day
first); ISO timestamps ("2026-01-15T10:32:00.000Z"); Excel serial dates in .xlsx files.
With ``locale="auto"`` each column is read the way that fits all its cells: a column
where some date starts with a number above 12 is day-first, one where some second number
is above 12 is month-first, otherwise the fallback locale (French) decides.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from roi_core.io.cells import MAX_YEAR, MIN_YEAR, is_blank

__all__ = ["LOCALES", "parse_amounts", "parse_dates", "date_order", "decimal_mark",
           "table_date_order"]

# locale -> (decimal mark, date order)
LOCALES: dict[str, tuple[str, str]] = {
    "fr": (",", "DMY"), "fr_FR": (",", "DMY"), "de": (",", "DMY"), "de_DE": (",", "DMY"),
    "en_GB": (".", "DMY"), "en_US": (".", "MDY"), "en": (".", "MDY"), "auto": ("", ""),
}
_FALLBACK = ("," , "DMY")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2007\u2009']")
_CURRENCY = re.compile(r"(€|eur(?:os?)?|\$|usd|£|gbp|chf|ht|ttc)", re.IGNORECASE)
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})"
                  r"(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*([AaPp][Mm])?)?$")
_TZ = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_MAX_SERIAL = 109574  # 2199-12-31


def _settings(locale: str) -> tuple[str, str]:
    if locale not in LOCALES:
        raise ValueError(f"unknown locale {locale!r}; choose one of {', '.join(LOCALES)}")
    return LOCALES[locale]


def decimal_mark(texts: pd.Series, locale: str = "auto") -> str:
    """The decimal mark a column of number texts uses: ``","`` or ``"."``.

    >>> decimal_mark(pd.Series(["1,234.50", "12"]))
    '.'
    >>> decimal_mark(pd.Series(["6 000,5", "12"]))
    ','
    >>> decimal_mark(pd.Series(["1,234"]), "en_US"), decimal_mark(pd.Series(["1,234"]))
    ('.', ',')
    """
    mark, _ = _settings(locale)
    if mark:
        return mark
    for text in texts:
        both = "," in text and "." in text
        if both:
            return "," if text.rfind(",") > text.rfind(".") else "."
    if texts.str.contains(r",\d{1,2}$|,\d{4,}$", regex=True).any():
        return ","
    if texts.str.contains(r"\.\d{1,2}$|\.\d{4,}$", regex=True).any():
        return "."
    if texts.str.count(",").gt(1).any():
        return "."
    if texts.str.count(r"\.").gt(1).any():
        return ","
    return _FALLBACK[0]


def parse_amounts(raw: pd.Series, locale: str = "auto") -> tuple[pd.Series, np.ndarray]:
    """Numbers in the locale's writing; returns (floats, mask of unreadable cells).

    >>> parse_amounts(pd.Series(["$6,000.00", "1,5", 7], dtype=object), "en_US")[0].tolist()
    [6000.0, 15.0, 7.0]
    >>> parse_amounts(pd.Series(["6 000,00 €", "1.234,5"], dtype=object), "fr")[0].tolist()
    [6000.0, 1234.5]
    """
    raw = raw.reset_index(drop=True).astype(object)
    blank = is_blank(raw)
    out = pd.Series(np.nan, index=raw.index, dtype=float)
    values = raw.to_numpy(dtype=object)
    is_num = np.fromiter((isinstance(v, (int, float, np.integer, np.floating))
                          and not isinstance(v, bool) for v in values), bool, len(values))
    out[is_num] = pd.to_numeric(raw[is_num], errors="coerce").astype(float)
    is_text = ~is_num & ~blank
    if is_text.any():
        text = raw[is_text].astype(str).str.replace(_SPACES, "", regex=True)
        text = text.str.replace(_CURRENCY, "", regex=True).str.strip()
        neg = text.str.startswith("(") & text.str.endswith(")")
        text = text.where(~neg, "-" + text.str.slice(1, -1))
        mark = decimal_mark(text, locale)
        thousands = "." if mark == "," else ","
        text = text.str.replace(thousands, "", regex=False).str.replace(mark, ".", regex=False)
        out[is_text] = pd.to_numeric(text, errors="coerce").astype(float).to_numpy()
    finite = np.isfinite(out.to_numpy(dtype=float, na_value=np.nan))
    bad = ~blank & ~finite
    out[bad] = np.nan
    return out, bad


def date_order(texts: pd.Series, locale: str = "auto") -> str:
    """``"DMY"`` or ``"MDY"`` for a column of "a/b/yyyy" texts.

    >>> date_order(pd.Series(["1/15/2026", "2/3/2026"]))
    'MDY'
    >>> date_order(pd.Series(["15/01/2026"])), date_order(pd.Series(["03/02/2026"]))
    ('DMY', 'DMY')
    >>> date_order(pd.Series(["03/02/2026"]), "en_US")
    'MDY'
    """
    _, order = _settings(locale)
    if order:
        return order
    parts = texts.str.extract(_DMY).iloc[:, :2].astype(float)
    if (parts[0] > 12).any():
        return "DMY"
    if (parts[1] > 12).any():
        return "MDY"
    return _FALLBACK[1]


def parse_dates(raw: pd.Series, locale: str = "auto",
                order: str | None = None) -> tuple[pd.Series, np.ndarray]:
    """Dates: Excel dates and serials, ISO texts (time zone dropped), "a/b/yyyy" texts.

    ``order`` ("DMY" or "MDY") overrides the guess: an export's date columns share the
    exporting user's order, so the caller may decide it over all of them.

    >>> d, bad = parse_dates(pd.Series(["1/15/2026 3:30 PM", "2/1/2026", 46037,
    ...                                 "2026-01-15T10:32:00.000Z", "x"], dtype=object))
    >>> [str(x) for x in d], bad.tolist()[-1]
    (['2026-01-15 15:30:00', '2026-02-01 00:00:00', '2026-01-15 00:00:00', \
'2026-01-15 10:32:00', 'NaT'], True)
    """
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
        if order is None:
            order = date_order(slash, locale) if len(slash) else "DMY"
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


def table_date_order(columns: list[pd.Series], locale: str = "auto") -> str:
    """The date order of a whole export: one user's locale wrote all its date columns.

    >>> table_date_order([pd.Series(["2/10/2026"]), pd.Series(["1/15/2026"])])
    'MDY'
    """
    texts = [c[c.map(lambda v: isinstance(v, str))].astype(str).str.strip() for c in columns]
    texts = [t[t.str.match(_DMY)] for t in texts]
    joined = pd.concat(texts) if texts else pd.Series(dtype=str)
    return date_order(joined, locale) if len(joined) else (_settings(locale)[1] or "DMY")
