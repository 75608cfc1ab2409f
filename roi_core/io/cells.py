"""Cell parsing: numbers, rates, dates and months as French users type them.

Each parser takes a column of raw cells (an object Series: what the spreadsheet reader
returned, or text from a CSV file) and returns the typed column plus a boolean mask of the
cells that were not blank but could not be read. Blank cells become NaN/NaT ("not
recorded"), never 0.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from roi_core.schema import normalize_label

__all__ = [
    "parse_number",
    "parse_rate",
    "parse_date",
    "parse_month",
    "parse_text",
    "parse_id",
    "id_changes",
    "ambiguous_numbers",
    "decimal_mark",
    "readings",
    "EXCEL_ERRORS",
    "MAX_AMOUNT",
    "parse_enum",
    "is_blank",
]

_SPACES = re.compile(r"[\s\u00a0\u202f\u2007\u2009']")
_CURRENCY = re.compile(r"(€|eur(?:os?)?|\$|usd|£|gbp|chf|ht|ttc)", re.IGNORECASE)
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
# What Excel shows in a cell whose formula failed (as a cached value, or typed as text).
EXCEL_ERRORS = frozenset({"#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!",
                          "#SPILL!", "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!",
                          "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#PYTHON!"})
# Amounts and counts beyond this are typos or overflows (sums of them would be infinite).
MAX_AMOUNT = 1e15

_MONTHS_FR = {
    "janvier": 1, "janv": 1, "jan": 1, "january": 1,
    "fevrier": 2, "fevr": 2, "fev": 2, "feb": 2, "february": 2,
    "mars": 3, "mar": 3, "march": 3,
    "avril": 4, "avr": 4, "apr": 4, "april": 4,
    "mai": 5, "may": 5,
    "juin": 6, "jun": 6, "june": 6,
    "juillet": 7, "juil": 7, "jul": 7, "july": 7,
    "aout": 8, "aug": 8, "august": 8,
    "septembre": 9, "sept": 9, "sep": 9, "september": 9,
    "octobre": 10, "oct": 10, "october": 10,
    "novembre": 11, "nov": 11, "november": 11,
    "decembre": 12, "dec": 12, "december": 12,
}


def is_blank(raw: pd.Series) -> np.ndarray:
    """True where a cell is empty: None, NaN, or only spaces.

    >>> is_blank(pd.Series([None, " ", "\\u00a0", 0, "x"], dtype=object)).tolist()
    [True, True, True, False, False]
    """
    values = raw.to_numpy(dtype=object)
    out = pd.isna(raw).to_numpy(copy=True)
    strings = np.fromiter((isinstance(v, str) for v in values), bool, len(values))
    if strings.any():
        # Once per distinct string: a column holds few distinct words and many rows.
        codes, uniques = pd.factorize(values[strings])
        blank = np.array([not u.strip() for u in uniques], dtype=bool)
        out[strings] = blank[codes]
    return out


def _map_unique(raw: pd.Series, func: Callable[[object], object]) -> pd.Series:
    """``func`` applied once per distinct cell value; missing cells (None, NaN, NaT) give None.

    Spreadsheet columns repeat a few values over many rows (reps, types, campaign ids), so
    this is much faster than a per-cell ``map``. Cells that compare equal (1 and 1.0) share
    one result.

    >>> _map_unique(pd.Series(["a", None, "a", 2.0], dtype=object), repr).tolist()
    ["'a'", None, "'a'", '2.0']
    """
    codes, uniques = pd.factorize(raw.to_numpy(dtype=object), use_na_sentinel=True)
    mapped = np.empty(len(uniques) + 1, dtype=object)
    for i, value in enumerate(uniques):
        mapped[i] = func(value)
    mapped[-1] = None  # code -1 (a missing cell) picks the last slot
    return pd.Series(mapped[codes], index=raw.index, dtype=object)


def _number_text(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Clean number strings; returns (cleaned text, whether a percent sign was present)."""
    s = text.str.replace(_SPACES, "", regex=True)
    s = s.str.replace(_CURRENCY, "", regex=True)
    percent = s.str.endswith("%") | s.str.startswith("%")
    s = s.str.strip("%")
    # Accounting negatives: "(1 234)".
    neg = s.str.startswith("(") & s.str.endswith(")")
    s = s.where(~neg, "-" + s.str.slice(1, -1))
    has_comma = s.str.contains(",", regex=False)
    has_dot = s.str.contains(".", regex=False)
    both = has_comma & has_dot
    # With both separators, the last one is the decimal mark: "1.234,56" or "1,234.56".
    comma_last = s.str.rfind(",") > s.str.rfind(".")
    s = s.where(~(both & comma_last),
                s.str.replace(".", "", regex=False).str.replace(",", ".", regex=False))
    s = s.where(~(both & ~comma_last), s.str.replace(",", "", regex=False))
    # A lone comma is the French decimal mark ("66,70"); several dots are thousands ("1.234.567").
    s = s.where(~(has_comma & ~has_dot), s.str.replace(",", ".", regex=False))
    many_dots = s.str.count(r"\.") > 1
    s = s.where(~many_dots, s.str.replace(".", "", regex=False))
    return s, percent


# One separator followed by exactly three digits: "1.500" is 1 500 (a thousands separator)
# or 1,5 (a decimal mark with a trailing zero), depending on who typed it.
_AMBIGUOUS = re.compile(r"^[-+]?[1-9][0-9]{0,2}[.,][0-9]{3}$")
_COMMA_DECIMAL = re.compile(r"^[-+]?[0-9]*,(?:[0-9]{1,2}|[0-9]{4,})$|\.[0-9]{3},[0-9]*$"
                            r"|^[-+]?[0-9]{1,3}(?:\.[0-9]{3}){2,}(?:,[0-9]*)?$|^[-+]?0,[0-9]+$")
_DOT_DECIMAL = re.compile(r"^[-+]?[0-9]*\.(?:[0-9]{1,2}|[0-9]{4,})$|,[0-9]{3}\.[0-9]*$"
                          r"|^[-+]?[0-9]{1,3}(?:,[0-9]{3}){2,}(?:\.[0-9]*)?$|^[-+]?0\.[0-9]+$")


def _bare(text: pd.Series) -> pd.Series:
    """Number text without spaces, currency, percent sign or accounting parentheses."""
    s = text.str.replace(_SPACES, "", regex=True).str.replace(_CURRENCY, "", regex=True)
    return s.str.strip("%").str.strip("()")


def decimal_mark(texts: pd.Series) -> str | None:
    """The decimal mark a column of number texts shows: "," or ".", None when no cell says.

    Raises ``ValueError`` when cells show both ("66,70" and "12.25" in one column).

    >>> decimal_mark(pd.Series(["66,70", "1.500"])), decimal_mark(pd.Series(["1.500"]))
    (',', None)
    """
    bare = _bare(texts.astype(str))
    comma = bool(bare.str.contains(_COMMA_DECIMAL).any())
    dot = bool(bare.str.contains(_DOT_DECIMAL).any())
    if comma and dot:
        raise ValueError("both decimal marks")
    return "," if comma else "." if dot else None


def ambiguous_numbers(raw: pd.Series) -> np.ndarray:
    """Cells whose reading depends on the decimal mark, and that the column does not decide.

    "1.500" and "1,500" read as 1 500 or as 1,5. The column decides when another of its
    cells shows the mark ("66,70": a comma; "12.25": a dot); otherwise these cells are
    refused with both readings shown (``parse_number`` gives them as unreadable), never
    guessed.

    >>> ambiguous_numbers(pd.Series(["1.500", "1,500", "7"], dtype=object)).tolist()
    [True, True, False]
    >>> ambiguous_numbers(pd.Series(["1.500", "66,70"], dtype=object)).tolist()
    [False, False]
    """
    values = raw.to_numpy(dtype=object)
    is_text = np.fromiter((isinstance(v, str) for v in values), bool, len(values))
    out = np.zeros(len(values), dtype=bool)
    if not is_text.any():
        return out
    text = pd.Series(values[is_text], dtype=object).astype(str)
    amb = _bare(text).str.contains(_AMBIGUOUS).to_numpy()
    if not amb.any():
        return out
    try:
        mark = decimal_mark(text[~amb])
    except ValueError:
        mark = None
    if mark is None:
        out[np.flatnonzero(is_text)[amb]] = True
    return out


def readings(text: str) -> tuple[float, float]:
    """The two readings of an ambiguous number: (thousands separator, decimal mark).

    >>> readings("1.500")
    (1500.0, 1.5)
    """
    bare = _bare(pd.Series([text])).iloc[0]
    return float(re.sub(r"[.,]", "", bare)), float(bare.replace(",", "."))


def parse_number(raw: pd.Series, *,
                 percent_is_fraction: bool = True) -> tuple[pd.Series, np.ndarray]:
    """Read numbers typed the French way: "8 000 €", "66,70", "1.234,56", "40 %".

    A trailing "%" divides by 100. Returns (float Series, mask of unreadable cells).

    >>> values, bad = parse_number(pd.Series(["8 000 €", "66,70", "40 %", 12, None, "abc"],
    ...                                      dtype=object))
    >>> values.round(4).tolist()[:4], bad.tolist()
    ([8000.0, 66.7, 0.4, 12.0], [False, False, False, False, False, True])
    """
    raw = raw.reset_index(drop=True)
    blank = is_blank(raw)
    out = pd.Series(np.nan, index=raw.index, dtype=float)
    values = raw.to_numpy(dtype=object)
    is_num = np.fromiter(
        (isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
         for v in values), bool, len(values))
    if is_num.any():
        out[is_num] = pd.to_numeric(raw[is_num], errors="coerce").astype(float)
    is_text = ~is_num & ~blank
    if is_text.any():
        # Cleaned once per distinct text: a column repeats few spellings over many rows.
        codes, uniques = pd.factorize(raw[is_text].astype(str).to_numpy(dtype=object))
        texts = pd.Series(uniques, dtype=object).astype(str)
        cleaned, percent = _number_text(texts)
        amb = _bare(texts).str.contains(_AMBIGUOUS).to_numpy()
        if amb.any():
            # "1.500" or "1,500": the column's other cells decide the decimal mark for all.
            try:
                mark = decimal_mark(texts[~amb])
            except ValueError:
                mark = None
            bare = _bare(texts[amb])
            if mark is None:
                cleaned[amb] = "ambiguous"  # unreadable: shown with both readings
            else:
                thousands = "." if mark == "," else ","
                cleaned[amb] = bare.str.replace(thousands, "", regex=False).str.replace(
                    ",", ".", regex=False)
        nums = pd.to_numeric(cleaned, errors="coerce").astype(float)
        if percent_is_fraction:
            nums = nums.where(~percent, nums / 100.0)
        out[is_text] = nums.to_numpy()[codes]
    bad = ~blank & (out.isna().to_numpy() | ~np.isfinite(out.to_numpy(dtype=float, na_value=0)))
    out[bad] = np.nan
    return out, bad


def parse_rate(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Read a rate as a fraction: "40 %", "40%", 0.4 and "0,4" all give 0.4.

    A plain number is taken as a fraction (Excel stores a cell shown as 40 % as 0.4), so a
    plain 40 reads as 4000 % and is caught by the range check of the caller.

    >>> parse_rate(pd.Series(["40 %", 0.4, "0,4", "12,5%"], dtype=object))[0].tolist()
    [0.4, 0.4, 0.4, 0.125]
    """
    return parse_number(raw, percent_is_fraction=True)


# Dates outside these years are typos or placeholders ("01/01/0001", "9999-12-31"); they
# are unreadable cells, and never reach a datetime64[ns] column they would overflow.
MIN_YEAR, MAX_YEAR = 1900, 2199
_MAX_SERIAL = 109574  # 2199-12-31 as an Excel serial


def _in_range(values: pd.Series) -> pd.Series:
    """Parsed dates as datetime64[ns]; years outside MIN_YEAR..MAX_YEAR become NaT."""
    if not len(values):
        return values.astype("datetime64[ns]")
    years = values.dt.year
    kept = values.where((years >= MIN_YEAR) & (years <= MAX_YEAR))
    return kept.astype("datetime64[ns]")


def _excel_serial(values: pd.Series) -> pd.Series:
    return _EXCEL_EPOCH + pd.to_timedelta(values.astype(float), unit="D")


def _month_from_words(text: str) -> pd.Timestamp | None:
    """ "janvier 2026", "janv. 2026", "Jan 2026" -> first day of that month."""
    m = re.fullmatch(r"([a-z]+)\.?\s*[-/ ]?\s*(\d{4}|\d{2})", normalize_spaces(text))
    if not m:
        return None
    month = _MONTHS_FR.get(normalize_label(m.group(1)))
    if month is None:
        return None
    year = int(m.group(2))
    year += 2000 if year < 100 else 0
    return pd.Timestamp(year=year, month=month, day=1)


def normalize_spaces(text: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[\s\u00a0\u202f]+", " ", text.strip().casefold())


def parse_date(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Read dates: Excel dates, Excel serial numbers, "15/01/2026" (day first), ISO.

    Also "2026-01" or "janvier 2026", read as the first day of that month.

    >>> d, bad = parse_date(pd.Series(["15/01/2026", "2026-01-15", 46037, None, "hier"],
    ...                               dtype=object))
    >>> [x.date().isoformat() if not pd.isna(x) else None for x in d], bad.tolist()
    (['2026-01-15', '2026-01-15', '2026-01-15', None, None], [False, False, False, False, True])
    """
    raw = raw.reset_index(drop=True)
    blank = is_blank(raw)
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    values = raw.to_numpy(dtype=object)
    kinds = np.array([_date_kind(v) for v in values], dtype=object) if len(values) else \
        np.array([], dtype=object)
    is_dt = kinds == "dt"
    if is_dt.any():
        out[is_dt] = _in_range(pd.Series(pd.to_datetime(
            raw[is_dt].to_numpy(dtype=object)))).to_numpy()
    is_num = kinds == "num"
    if is_num.any():
        serial = pd.to_numeric(raw[is_num], errors="coerce")
        ok = serial.between(1, _MAX_SERIAL)
        out[is_num] = _excel_serial(serial.where(ok)).astype("datetime64[ns]").values
    is_text = (kinds == "str") & ~blank
    if is_text.any():
        text = raw[is_text].astype(str).str.strip().str.replace(r"[\u00a0\u202f]", " ",
                                                                  regex=True)
        parsed = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
        for fmt in _formats_by_sample(text):
            todo = parsed.isna()
            if not todo.any():
                break
            parsed[todo] = _in_range(pd.to_datetime(text[todo], format=fmt, errors="coerce"))
        todo = parsed.isna()
        if todo.any():
            # ISO with fractions or a time zone, then month words, then serials typed as text.
            iso = pd.to_datetime(text[todo], format="ISO8601", errors="coerce", utc=True)
            iso = iso.dt.tz_convert(None) if hasattr(iso, "dt") else iso
            parsed[todo] = _in_range(iso)
        for idx in parsed.index[parsed.isna()]:
            value = text[idx]
            month = _month_from_words(value)
            if month is not None:
                parsed[idx] = month
                continue
            number, bad = parse_number(pd.Series([value], dtype=object))
            if not bad[0] and 1 <= number[0] <= _MAX_SERIAL and float(number[0]).is_integer():
                parsed[idx] = _excel_serial(number).iloc[0]
        out[is_text] = parsed.to_numpy()
    bad = ~blank & out.isna().to_numpy()
    return out, bad


_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S",
                 "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M",
                 "%Y-%m-%dT%H:%M", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y", "%Y/%m/%d",
                 "%Y-%m", "%m/%Y")


def _formats_by_sample(text: pd.Series) -> list[str]:
    """The date formats, those that read the column's first cells first.

    Every format is still tried on the cells left unread, so the result is the same; the
    order only spares a long column one failed pass per format before the right one. The
    formats never read the same text two ways (each matches the whole cell).

    >>> _formats_by_sample(pd.Series(["15/01/2026 10:30"]))[0]
    '%d/%m/%Y %H:%M'
    """
    sample = text.iloc[:50]
    hits = {fmt: int(pd.to_datetime(sample, format=fmt, errors="coerce").notna().sum())
            for fmt in _DATE_FORMATS}
    return sorted(_DATE_FORMATS, key=lambda fmt: -hits[fmt])


def _date_kind(value: object) -> str:
    if value is None or isinstance(value, bool):
        return "none"
    if isinstance(value, (dt.date, pd.Timestamp, np.datetime64)):
        return "dt"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return "none" if pd.isna(value) else "num"
    if isinstance(value, str):
        return "str"
    return "other"


def parse_month(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Read a month: "2026-01", "01/2026", "janvier 2026", or any date in it.

    Returns the first day of the month.

    >>> m, bad = parse_month(pd.Series(["2026-01", "02/2026", "mars 2026", "15/04/2026"],
    ...                                dtype=object))
    >>> [x.strftime("%Y-%m") for x in m]
    ['2026-01', '2026-02', '2026-03', '2026-04']
    """
    dates, bad = parse_date(raw)
    return dates.dt.to_period("M").dt.to_timestamp(), bad


def parse_text(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Stripped text; blank cells become missing. Numbers typed in a text column are kept.

    >>> parse_text(pd.Series([" Paris ", None, 12.0], dtype=object))[0].tolist()
    ['Paris', None, '12']
    """
    raw = raw.reset_index(drop=True)
    out = _map_unique(raw, lambda v: _cell_text(v) or None)
    return out, np.zeros(len(raw), dtype=bool)


def _cell_text(value: object) -> object:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d") if value.time() == dt.time() else value.isoformat()
    return " ".join(str(value).replace("\u00a0", " ").replace("\u202f", " ").split())


_INTEGRAL_TEXT = re.compile(r"^[-+]?[0-9]+[.,]0+$")


def parse_id(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Ids as text, one spelling per number: 2, 2.0 and the text "2.0" or "2,0" all give "2".

    A campaign id typed as a number in one sheet and as text in another must still match
    (``id_changes`` says which cells were respelled, for the audit).

    >>> parse_id(pd.Series([2.0, "2.0", "2,00", " C-7 ", None], dtype=object))[0].tolist()
    ['2', '2', '2', 'C-7', None]
    """
    text, bad = parse_text(raw)
    return _map_unique(text, _id_spelling), bad


def _id_spelling(value: object) -> object:
    if isinstance(value, str) and _INTEGRAL_TEXT.match(value):
        return str(int(re.split(r"[.,]", value)[0]))
    return value


def id_changes(raw: pd.Series) -> np.ndarray:
    """Cells typed as text whose id ``parse_id`` respells ("2.0" -> "2").

    >>> id_changes(pd.Series(["2.0", 2.0, "C1"], dtype=object)).tolist()
    [True, False, False]
    """
    values = raw.to_numpy(dtype=object)
    return np.fromiter((isinstance(v, str) and bool(_INTEGRAL_TEXT.match(v.strip()))
                        for v in values), bool, len(values))


def parse_enum(raw: pd.Series, spellings: dict[str, tuple[str, ...]]) -> tuple[
        pd.Series, np.ndarray]:
    """Map words to their canonical value ("gagnée" -> "won"); unknown words are bad cells.

    >>> from roi_core.schema import ENUMS
    >>> v, bad = parse_enum(pd.Series(["Gagnée", "en cours", "PERDUE", "?"], dtype=object),
    ...                     ENUMS["status"])
    >>> v.tolist(), bad.tolist()
    (['won', 'open', 'lost', None], [False, False, False, True])
    """
    lookup = {normalize_label(word): key for key, words in spellings.items()
              for word in (key, *words)}
    text, _ = parse_text(raw)
    out = _map_unique(text, lambda v: lookup.get(normalize_label(v)))
    bad = (text.notna() & out.isna()).to_numpy()
    return out, bad
