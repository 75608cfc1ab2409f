"""Call-platform activity logs (Aircall, Ringover, Kavkom-style CSV): one row per call with
its date, agent, campaign, outcome and duration.

Durations come as seconds ("245"), as "mm:ss" / "hh:mm:ss", or, under a header that says
minutes ("Duration (min)"), as minutes; they are written in minutes. Outcomes: answered
calls are contacts, missed / busy / voicemail calls are "no answer", and the usual
qualification words (interested, meeting booked, not interested) keep their meaning.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from roi_core.errors import InputError
from roi_core.importers.localize import AmbiguousCell, Conventions, parse_amounts
from roi_core.importers.mapping import ColumnMapping, ambiguity_error
from roi_core.importers.preset import Preset
from roi_core.io.cells import is_blank
from roi_core.io.notes import ImportNote
from roi_core.io.read import RawTable
from roi_core.schema import normalize_label

__all__ = ["PRESETS", "CALLS", "OUTCOMES", "duration_minutes"]

OUTCOMES = {
    "answered": "contact", "répondu": "contact", "repondu": "contact", "connected": "contact",
    "missed": "no_answer", "manqué": "no_answer", "busy": "no_answer", "occupé": "no_answer",
    "voicemail": "no_answer", "no answer": "no_answer", "unanswered": "no_answer",
    "abandoned": "no_answer", "failed": "no_answer",
    "interested": "lead", "intéressé": "lead", "callback": "lead", "rappel": "lead",
    "meeting booked": "meeting", "appointment set": "meeting", "rdv pris": "meeting",
    "not interested": "not_interested", "pas intéressé": "not_interested",
    "wrong number": "no_answer", "faux numéro": "no_answer",
}
_DURATION = ("Duration", "Duration (s)", "Duration (sec)", "Talk time", "duration",
             "Durée", "Durée (s)", "Duration (min)", "Durée (min)")


def duration_minutes(raw: pd.Series, header: str,
                     locale: str | Conventions = "auto") -> pd.Series:
    """Call durations in minutes: seconds, "mm:ss", "hh:mm:ss", or minutes by header.

    >>> duration_minutes(pd.Series(["90", "02:30", "1:00:00", None], dtype=object),
    ...                  "Duration").tolist()
    [1.5, 2.5, 60.0, nan]
    >>> duration_minutes(pd.Series([4.5], dtype=object), "Durée (min)").tolist()
    [4.5]
    """
    in_minutes = "min" in normalize_label(header)
    out = []
    for value in raw.astype(object):
        if isinstance(value, str) and re.fullmatch(r"\s*\d+(:\d{1,2}){1,2}\s*", value):
            parts = [int(p) for p in value.strip().split(":")]
            seconds = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
            out.append(seconds / 60.0)
            continue
        try:
            number, bad = parse_amounts(pd.Series([value], dtype=object), locale)
        except AmbiguousCell as exc:  # located at this cell's position in the column
            raise AmbiguousCell(exc.text, len(out), exc.readings, exc.what) from None
        out.append(np.nan if bad[0] else number.iat[0] if in_minutes else number.iat[0] / 60)
    return pd.Series(out, dtype=float)


def _durations(table: RawTable, frames: dict[str, pd.DataFrame], conventions: Conventions,
               notes: list[ImportNote]) -> dict[str, pd.DataFrame]:
    keys = {normalize_label(h): i for i, h in enumerate(table.headers)}
    acts = frames["activities"]
    for header in _DURATION:
        if normalize_label(header) in keys:
            pos = keys[normalize_label(header)]
            raw = table.cells[pos].reset_index(drop=True)
            try:
                minutes = duration_minutes(raw, table.headers[pos], conventions)
            except AmbiguousCell as exc:
                raise ambiguity_error(exc, table, table.headers[pos]) from None
            bad = minutes.isna().to_numpy() & ~is_blank(raw)
            if bad.any():
                idx = int(np.flatnonzero(bad)[0])
                raise InputError(f"'{raw.iat[idx]}' is not a duration", file=table.file,
                                 sheet=table.sheet, row=int(table.rows[idx]),
                                 column=table.headers[pos], more=int(bad.sum()) - 1,
                                 expected="seconds (245), mm:ss (04:05) or hh:mm:ss")
            acts = acts.assign(duration_min=minutes.to_numpy())
            break
    return {"activities": acts}


CALLS = Preset(
    vendor="calls", name="call log",
    mapping=ColumnMapping(
        sheet="activities", name="call log",
        columns={
            "date": ["Date", "Started at", "started_at", "Start time", "Call date",
                     "Date de l'appel", "Heure de début", "Date et heure"],
            "rep": ["Agent", "User", "user_name", "User name", "Utilisateur", "Commercial",
                    "Agent name"],
            "campaign_id": ["Campaign", "Campaign ID", "Campagne", "Tags", "Tag"],
            "outcome": ["Outcome", "Disposition", "Call status", "Status", "Résultat",
                        "Statut", "Qualification"],
        },
        values={"outcome": OUTCOMES},
        constants={"type": "call"},
        required=("date", "campaign_id")),
    signature=(), finish=_durations)


def looks_like_calls(table: RawTable) -> bool:
    keys = {normalize_label(h) for h in table.headers}
    has = {c: any(normalize_label(h) in keys for h in hs)
           for c, hs in CALLS.mapping.columns.items()}
    return has["date"] and has["campaign_id"] and (has["outcome"] or any(
        normalize_label(h) in keys for h in _DURATION))


PRESETS = [CALLS]
