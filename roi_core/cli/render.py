"""Writing result frames for the command line: a readable table, CSV, or JSON.

CSV and JSON are canonical and stable for scripts: the canonical column names, rates as
fractions, dates as ISO days, undefined values empty (CSV) or null (JSON). The table is
for people and reads like the app: French by default (``lang="en"`` for English), short
headers in that language, the numbers formatted by ``roi_core.formatting`` (Babel: the
same formats as the app and the report) with their unit (``8 000 €``, ``66,67 €``,
``200,0 %``), every ROI column in percent, "—" for undefined, and a compact set of
columns that fits 120 characters unless the caller asks for all of them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from babel.dates import format_date

from roi_core.attribution import NO_TOUCHPOINT
from roi_core.dataset import UNASSIGNED
from roi_core.errors import InputError
from roi_core.formatting import KIND, LOCALES, UNDEFINED, label, money, number, percent

__all__ = ["FORMATS", "render", "records", "table", "select_columns", "header",
           "KPI_COLUMNS_SHORT", "COHORT_COLUMNS_SHORT", "ATTRIBUTION_COLUMNS_SHORT",
           "kpi_default_columns", "TEXT_WIDTH"]

FORMATS = ("table", "csv", "json")
TEXT_WIDTH = 26  # a text cell of the compact table is cut to this many characters

# The compact sets (canonical names, in the order shown); keys come first.
KPI_COLUMNS_SHORT = ["cost", "leads", "meetings", "opportunities", "clients", "margin",
                     "cost_per_lead", "cost_per_opportunity", "cac", "roi"]
COHORT_COLUMNS_SHORT = ["campaign_id", "campaign", "launch", "status", "clients", "margin",
                        "cost", "roi", "roi_with_estimate"]
ATTRIBUTION_COLUMNS_SHORT = ["model", "campaign_id", "campaign", "channel", "conversions",
                             "revenue", "margin", "cost", "roi"]
_KPI_KEYS = {"total": ["total"], "campaign": ["campaign_id", "campaign"]}


def kpi_default_columns(by: str) -> list[str]:
    """The compact columns of ``kpis --by BY``: its key, then ``KPI_COLUMNS_SHORT``.

    >>> kpi_default_columns("campaign")[:3]
    ['campaign_id', 'campaign', 'cost']
    """
    return [*_KPI_KEYS.get(by, [by]), *KPI_COLUMNS_SHORT]


# How a column outside ``formatting.KIND`` is shown (the commands' own columns).
_KIND = {
    **KIND,
    "roi_with_estimate": "percent", "estimated_margin": "money", "estimated_clients": "decimal1",
    "open_deals": "count", "age_days": "days", "conversions": "decimal",
    "rows": "count", "errors": "count", "warnings": "count", "infos": "count", "score": "count",
}

# Short headers: (French, English); a name not here uses formatting.label.
_SHORT: dict[str, tuple[str, str]] = {
    "total": ("Total", "Total"), "campaign_id": ("ID", "ID"), "campaign": ("Campagne", "Campaign"),
    "channel": ("Canal", "Channel"), "segment": ("Segment", "Segment"), "team": ("Équipe", "Team"),
    "month": ("Mois", "Month"), "campaigns": ("Camp.", "Camp."), "cost": ("Coût", "Cost"),
    "cost_direct": ("Coût direct", "Direct cost"), "cost_indirect": ("Coût indir.", "Indir. cost"),
    "targets": ("Cibles", "Targets"), "contacts": ("Contacts", "Contacts"),
    "leads": ("Leads", "Leads"), "meetings": ("RDV", "Meet."), "opportunities": ("Opp.", "Opp."),
    "clients": ("Clients", "Clients"), "revenue": ("CA", "Revenue"), "margin": ("Marge", "Margin"),
    "cost_per_contact": ("Coût/contact", "Cost/contact"), "cost_per_lead": ("CPL", "CPL"),
    "cost_per_opportunity": ("CPO", "CPO"), "cost_per_meeting": ("Coût/RDV", "Cost/meet."),
    "cac": ("CAC", "CAC"), "revenue_per_client": ("CA/client", "Rev./client"),
    "margin_per_client": ("Marge/client", "Margin/client"),
    "net_margin_per_client": ("Marge nette/client", "Net margin/client"), "roi": ("ROI", "ROI"),
    "contact_rate": ("Tx contact", "Contact rate"), "lead_rate": ("Tx lead", "Lead rate"),
    "opportunity_rate": ("Tx opp.", "Opp. rate"), "meeting_rate": ("Tx RDV", "Meet. rate"),
    "win_rate": ("Tx signature", "Win rate"),
    "break_even_clients": ("Clients pt mort", "B/e clients"),
    "break_even_win_rate": ("Tx sign. pt mort", "B/e win rate"),
    "break_even_cost": ("Coût max. rentable", "B/e cost"),
    "sales_cycle_days": ("Cycle (j, méd.)", "Cycle (d, median)"),
    "sales_cycle_days_mean": ("Cycle (j, moy.)", "Cycle (d, mean)"),
    "launch": ("Lancement", "Launch"), "window_end": ("Fin fenêtre", "Window end"),
    "age_days": ("Âge (j)", "Age (d)"), "status": ("Statut", "Status"),
    "open_deals": ("Affaires ouvertes", "Open deals"),
    "estimated_clients": ("Clients estimés", "Est. clients"),
    "estimated_margin": ("Marge estimée", "Est. margin"),
    "roi_with_estimate": ("ROI avec estim.", "ROI with est."),
    "is_estimate": ("Estimation", "Estimate"), "model": ("Règle", "Rule"),
    "conversions": ("Ventes", "Sales"),
    "sheet": ("Feuille", "Sheet"), "rows": ("Lignes", "Rows"), "errors": ("Erreurs", "Errors"),
    "warnings": ("Alertes", "Warnings"), "infos": ("Infos", "Infos"), "score": ("Score", "Score"),
}

# Words inside the cells: (French, English).
_WORDS: dict[str, tuple[str, str]] = {
    "total": ("Total", "Total"), UNASSIGNED: ("(non affecté)", "(unassigned)"),
    NO_TOUCHPOINT: ("(sans point de contact)", "(no touchpoint)"),
    "mature": ("mûre", "mature"), "immature": ("immature", "immature"),
    "not started": ("pas lancée", "not started"),
    "first_touch": ("premier contact", "first touch"),
    "last_touch": ("dernier contact", "last touch"), "linear": ("linéaire", "linear"),
    "position_based": ("en U", "U-shaped"), "w_shaped": ("en W", "W-shaped"),
    "time_decay": ("décroissance", "time decay"), "markov": ("Markov", "Markov"),
}
_YES_NO = {"fr": ("oui", "non"), "en": ("yes", "no")}


def header(name: str, lang: str = "fr") -> str:
    """The short header of a column in a table.

    >>> header("cost_per_opportunity"), header("roi_with_estimate", "en")
    ('CPO', 'ROI with est.')
    """
    pair = _SHORT.get(name)
    if pair is None:
        return label(name, lang)
    return pair[0] if lang == "fr" else pair[1]


def records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """Rows as plain dicts: NaN becomes None, numpy scalars become Python numbers.

    >>> records(pd.DataFrame({"channel": ["x"], "roi": [float("nan")], "leads": [3.0]}))
    [{'channel': 'x', 'roi': None, 'leads': 3.0}]
    """
    out = []
    for row in _canonical(frame).to_dict(orient="records"):
        clean: dict[str, object] = {}
        for key, value in row.items():
            if isinstance(value, np.generic):
                value = value.item()
            if isinstance(value, float) and not math.isfinite(value):
                value = None
            elif value is pd.NaT or (not isinstance(value, (list, dict)) and pd.isna(value)):
                value = None
            elif isinstance(value, pd.Timestamp):
                value = value.isoformat()
            clean[str(key)] = value
        out.append(clean)
    return out


def _canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """Date columns as ISO days ("2026-03-01") when they carry no time of day."""
    out = frame
    for col in frame.columns:
        values = frame[col]
        if pd.api.types.is_datetime64_any_dtype(values):
            days = values.dropna()
            if (days == days.dt.normalize()).all():
                if out is frame:
                    out = frame.copy()
                out[col] = values.dt.strftime("%Y-%m-%d").astype(object).where(
                    values.notna(), None)
    return out


def select_columns(frame: pd.DataFrame, spec: str | None,
                   default: Sequence[str] | None) -> list[str]:
    """The columns to show: ``spec`` ``"all"``, canonical names separated by commas (the
    frame's key columns, which come before the first measure, are always kept), or None
    for ``default`` (those of its names the frame has; None: every column).

    >>> f = pd.DataFrame({"channel": ["x"], "cost": [1.0], "roi": [0.5], "leads": [2]})
    >>> select_columns(f, None, ["channel", "roi", "nope"]), select_columns(f, "leads", None)
    (['channel', 'roi'], ['channel', 'leads'])
    """
    cols = [str(c) for c in frame.columns]
    if spec is None:
        return cols if default is None else [c for c in default if c in cols]
    if spec.strip().lower() == "all":
        return cols
    asked = [c.strip() for c in spec.split(",") if c.strip()]
    unknown = [c for c in asked if c not in cols]
    if unknown or not asked:
        raise InputError(f"unknown column {', '.join(map(repr, unknown)) or '(none)'} in "
                         "--columns", expected=f"'all' or some of: {', '.join(cols)}")
    keys = [c for c in cols if _is_key(frame[c]) and c not in asked]
    keys = [c for c in keys if cols.index(c) < min(cols.index(a) for a in asked)]
    return [*keys, *asked]


def _is_key(values: pd.Series) -> bool:
    return not (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values))


def render(frame: pd.DataFrame, fmt: str, *, lang: str = "fr", columns: str | None = None,
           default: Sequence[str] | None = None, currency: str = "EUR") -> str:
    """The frame as text in one of ``FORMATS``.

    ``columns``/``default``: see ``select_columns``; the default set applies to the table
    only (CSV and JSON keep every column unless ``columns`` names some). ``lang`` and
    ``currency`` (the workbook's) apply to the table only.

    >>> f = pd.DataFrame({"channel": ["Emailing"], "cost": [8000.0], "roi": [2.0]})
    >>> print(render(f, "table", lang="en"))
    Channel     Cost     ROI
    Emailing  €8,000  200.0%
    >>> render(f, "json", lang="en").count("2.0")
    1
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "table":
        shown = frame[select_columns(frame, columns, default)]
        return table(shown, lang, cut=columns is None and default is not None,
                     currency=currency)
    if columns is not None:
        frame = frame[select_columns(frame, columns, None)]
    if fmt == "json":
        return json.dumps(records(frame), ensure_ascii=False, indent=2)
    return _canonical(frame).to_csv(index=False)


def table(frame: pd.DataFrame, lang: str = "fr", *, cut: bool = False,
          currency: str = "EUR") -> str:
    """A plain-text table for people: short headers in ``lang``, each value formatted by
    its kind with its unit (Babel), text left-aligned and numbers right-aligned, two
    spaces between columns; ``cut``: text longer than ``TEXT_WIDTH`` ends in "…".

    >>> print(table(pd.DataFrame({"campaign": ["Salon"], "cost_per_lead": [66.666]}), "en"))
    Campaign     CPL
    Salon     €66.67
    >>> table(pd.DataFrame({"roi": [2.0]})).splitlines() == ["    ROI", "200,0\u00a0%"]
    True
    """
    heads, cells, right = [], [], []
    for col in frame.columns:
        name = str(col)
        values = frame[col]
        numeric = (pd.api.types.is_numeric_dtype(values)
                   and not pd.api.types.is_bool_dtype(values))
        texts = [_cell(name, v, lang, numeric, values, currency) for v in values]
        if cut:
            texts = [t if len(t) <= TEXT_WIDTH else t[: TEXT_WIDTH - 1] + "…" for t in texts]
        heads.append(header(name, lang))
        cells.append(texts)
        right.append(numeric)
    widths = [max([len(h), *map(len, c)]) for h, c in zip(heads, cells, strict=True)]

    def line(items: Sequence[str]) -> str:
        parts = [t.rjust(w) if r else t.ljust(w)
                 for t, w, r in zip(items, widths, right, strict=True)]
        return "  ".join(parts).rstrip()

    rows = [line(heads)] + [line([c[i] for c in cells]) for i in range(len(frame))]
    return "\n".join(rows)


def _cell(name: str, value: object, lang: str, numeric: bool, values: pd.Series,
          currency: str) -> str:
    if value is None or value is pd.NaT or (not isinstance(value, str) and pd.isna(value)):
        return UNDEFINED
    if isinstance(value, (bool, np.bool_)):
        return _YES_NO[lang][0 if value else 1]
    if isinstance(value, pd.Timestamp):
        return format_date(value.date(), "short", locale=LOCALES[lang])
    if not numeric:
        pair = _WORDS.get(str(value))
        return str(value) if pair is None else pair[0 if lang == "fr" else 1]
    kind = _KIND.get(name)
    if kind is None:  # a column this module does not know: rates and ROIs in percent
        kind = "percent" if name.startswith("roi") or name.endswith(("_rate", "_share")) \
            else "decimal"
    if kind == "money":
        per_unit = name.startswith("cost_per") or name.endswith("per_client") or name == "cac"
        return money(value, lang, currency, decimals=2 if per_unit else 0)
    if kind == "percent":
        return percent(value, lang, decimals=1)
    if kind in ("count", "days"):
        return number(value, lang, decimals=0)
    if kind == "decimal1":
        return number(value, lang, decimals=1)
    whole = values.dropna()
    return number(value, lang, decimals=0 if len(whole) and (whole == whole.round()).all()
                  else 2)
