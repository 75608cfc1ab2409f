"""Hypothesis strategies shared by the property tests."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import strategies as st

from roi_core.facts import COST_PARTS, DIMENSIONS, VOLUMES
from roi_core.schema import SHEETS

CHANNELS = ["Téléprospection", "Emailing", "Social selling", "Salons"]
money = st.floats(min_value=0, max_value=1e6, allow_nan=False).map(lambda v: round(v, 2))
counts = st.one_of(st.integers(min_value=0, max_value=5000).map(float), st.just(np.nan))


@st.composite
def fact_tables(draw, min_rows: int = 1, max_rows: int = 12) -> pd.DataFrame:
    """Fact tables as ``roi_core.facts.build_facts`` returns them, some counts unrecorded."""
    n = draw(st.integers(min_value=min_rows, max_value=max_rows))
    rows = []
    for i in range(n):
        row = {
            "campaign_id": f"C{i % 5}", "campaign": f"Campagne {i % 5}",
            "channel": draw(st.sampled_from(CHANNELS)),
            "segment": draw(st.sampled_from(["PME", "ETI"])), "team": "Paris",
            "month": pd.Timestamp(2026, draw(st.integers(1, 12)), 1),
        }
        for part in COST_PARTS:
            row[part] = draw(money)
        for vol in VOLUMES:
            row[vol] = draw(money) if vol in ("revenue", "margin") else draw(counts)
        rows.append(row)
    return pd.DataFrame(rows, columns=DIMENSIONS + COST_PARTS + VOLUMES)


def french_amount(value: float, decimals: int, space: str, currency: bool) -> str:
    """How a French user types an amount: "1 234,56 €" with the given thousands space."""
    text = f"{value:,.{decimals}f}".replace(",", "X").replace(".", ",").replace("X", space)
    return text + (" €" if currency else "")


def us_amount(value: float, decimals: int, currency: bool) -> str:
    """How a US user's software writes an amount: "$1,234.56"."""
    return ("$" if currency else "") + f"{value:,.{decimals}f}"


# --- hostile input: cells, headers, separators, encodings (loader, audit, importers) ---

HEADERS = sorted({c.label_fr for s in SHEETS.values() for c in s.columns} | {
    "Coût", "Record ID", "Deal Stage", "Amount", "Close Date", "Create Date", "StageName",
    "CloseDate", "CreatedDate", "IsWon", "IsClosed", "Type", "ActualCost", "Deal - Status",
    "Deal - Value", "Deal - Won time", "Deal - Lost time", "Deal - Deal created",
    "Started at", "Outcome", "Duration", "Campaign", "Lifecycle Stage", "Original Source"})

TRICKY_TEXT = st.sampled_from([
    "", " ", "\u00a0", "abc", "8 000 €", "66,70", "40 %", "-5", "1e400", "nan", "inf",
    "15/01/2026", "1/15/2026", "2026-13-45", "46037", "0", "1,2,3", "(12)", "%", "€",
    "=1+1", "@SUM(A1)", "é", "C1", "gagnée", "Closed Won", "won", "deleted", "appel",
    "answered", "99999999999", "1.234.567,89", "janvier 2026", "31/02/2026", "0001-01-01",
    "9999-12-31", "2026-01-15T10:32:00.000Z", "12:30", "1:00:00", "true", "false", "--",
    "1_000", "١٢", "½", "\ufeff", "\u202e", "\t", "'", '"', ";", ","])

CELL = st.one_of(TRICKY_TEXT, st.text(max_size=20),
                 st.floats(allow_nan=True, allow_infinity=True),
                 st.integers(min_value=-10**12, max_value=10**12))

XLSX_CELL = st.one_of(
    TRICKY_TEXT, st.none(), st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-10**15, max_value=10**15),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)))

SEPARATORS = st.sampled_from([";", ",", "\t", "|"])
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"])


@st.composite
def csv_text(draw: st.DrawFn) -> str:
    """A CSV table: known headers (some), a separator, rows of tricky cells."""
    sep = draw(SEPARATORS)
    headers = draw(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=8, unique=True))
    rows = draw(st.lists(st.lists(CELL, min_size=len(headers), max_size=len(headers)),
                         max_size=5))
    lines = [sep.join(headers)] + [sep.join(str(v) for v in row) for row in rows]
    return "\n".join(lines)


@st.composite
def xlsx_sheets(draw: st.DrawFn) -> dict[str, list[list[object]]]:
    """A few contract sheets with tricky typed cells."""
    names = draw(st.lists(st.sampled_from(["Campagnes", "Coûts", "Entonnoir", "Affaires",
                                           "Activités", "Points de contact", "Feuil1"]),
                          min_size=1, max_size=4, unique=True))
    out = {}
    for name in names:
        headers = draw(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=6,
                                unique=True))
        rows = draw(st.lists(st.lists(XLSX_CELL, min_size=len(headers),
                                      max_size=len(headers)), max_size=4))
        out[name] = [headers, *rows]
    return out


@st.composite
def mutated_company(draw: st.DrawFn) -> dict[str, list[list[object]]]:
    """The clean company of tests/conftest.py with a few cells replaced by tricky ones."""
    import copy

    from conftest import clean_company

    sheets = copy.deepcopy(clean_company())
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        name = draw(st.sampled_from(sorted(sheets)))
        rows = sheets[name]
        row = draw(st.integers(min_value=1, max_value=len(rows) - 1))
        col = draw(st.integers(min_value=0, max_value=len(rows[0]) - 1))
        rows[row] = list(rows[row])
        rows[row][col] = draw(XLSX_CELL)
    return sheets


@st.composite
def funnel_counts(draw) -> dict[str, float]:
    """A one-row funnel that narrows downwards: contacts ≥ leads ≥ opportunities ≥ clients ≥ 1
    (the history a plan's rates come from)."""
    clients = draw(st.integers(1, 200))
    opportunities = clients + draw(st.integers(0, 500))
    leads = opportunities + draw(st.integers(0, 2000))
    contacts = leads + draw(st.integers(0, 20000))
    return {"contacts": float(contacts), "leads": float(leads),
            "opportunities": float(opportunities), "clients": float(clients)}


# --- costs of no campaign (roi_core.shared) ---

@st.composite
def shared_cost_lines(draw: st.DrawFn, max_lines: int = 4) -> pd.DataFrame:
    """Cost lines of no campaign, as ``Dataset.costs`` holds them once loaded: a blank (or
    unknown) campaign id, an amount, a category and behaviour, dated in 2026 or not."""
    from roi_core.dataset import COLUMNS

    rows = []
    for i in range(draw(st.integers(min_value=1, max_value=max_lines))):
        date = draw(st.one_of(st.none(), st.dates(min_value=dt.date(2026, 1, 1),
                                                  max_value=dt.date(2026, 3, 31))))
        rows.append({
            "campaign_id": draw(st.sampled_from([None, None, "ZZ-INCONNUE"])),
            "category": draw(st.sampled_from(["direct", "indirect"])),
            "item": f"Budget partagé {i}",
            "amount": draw(st.floats(min_value=0.01, max_value=2e5, allow_nan=False)
                           .map(lambda v: round(v, 2))),
            "hours": np.nan, "hourly_rate": np.nan,
            "behaviour": draw(st.sampled_from(["fixed", "variable"])),
            "date": pd.NaT if date is None else pd.Timestamp(date), "row": pd.NA})
    frame = pd.DataFrame(rows)
    for name, dtype in COLUMNS["costs"].items():
        frame[name] = frame[name].astype(dtype)
    frame["row"] = frame["row"].astype("Int64")
    return frame


@st.composite
def app_views(draw: st.DrawFn) -> tuple[dict[str, object], list[str], dict[str, list[str]]]:
    """A meeting-app view (``roi_core.app.view.view_query``'s settings) within a workbook's
    months and filter choices, with those months and choices: (settings, months, choices)."""
    names = st.text(st.characters(blacklist_characters="|", blacklist_categories=("Cs",)),
                    min_size=1, max_size=12)
    months = sorted(draw(st.sets(st.sampled_from([f"2026-{m:02d}" for m in range(1, 13)]),
                                 min_size=1, max_size=12)))
    choices = {dim: sorted(draw(st.sets(names, min_size=1, max_size=5)))
               for dim in ("channel", "segment", "team")}
    i, j = sorted(draw(st.lists(st.integers(0, len(months) - 1), min_size=2, max_size=2)))
    settings: dict[str, object] = {
        "first": months[i], "last": months[j],
        **{dim: sorted(draw(st.sets(st.sampled_from(values)))) for dim, values in
           choices.items()},
        "indirect": draw(st.booleans()), "basis": draw(st.sampled_from(["margin", "revenue"])),
        "allocate": draw(st.sampled_from(["none", "cost", "contacts"])),
        "lang": draw(st.sampled_from(["fr", "en"]))}
    return settings, months, choices
