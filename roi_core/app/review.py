"""The "Revue du mois" notebook's machinery: which history it reads, whether it may write,
the periods offered, and the explained changes as text.

Writing to the history (a snapshot, a decision) from a served app needs the deployer's
consent: ``ROI_HISTORY`` names the file and ``ROI_HISTORY_WRITE=1`` allows writing. Without
both, the notebook only reads (and without ``ROI_HISTORY``, compares the workbook alone):
an anonymous viewer of ``marimo run`` is never offered to write by default.
"""

from __future__ import annotations

import html
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from roi_core.dataset import Dataset
from roi_core.errors import InputError
from roi_core.facts import build_cycles, build_facts
from roi_core.store import History
from roi_core.variance import period_label, previous_period

__all__ = ["HistoryAccess", "history_access", "open_history", "write_to_history",
           "review_facts",
           "period_options", "default_periods", "sentences_markdown", "decisions_markdown"]


@dataclass(frozen=True)
class HistoryAccess:
    """The history file the deployer set (None: none) and whether writing is allowed."""

    path: Path | None
    write: bool

    def note(self, lang: str = "fr") -> str:
        """Why the notebook does or does not offer to write, in one line."""
        if self.path is None:
            return ("Pas d'historique : `ROI_HISTORY` n'est pas défini (le classeur seul est "
                    "comparé)." if lang == "fr" else "No history: `ROI_HISTORY` is not set "
                    "(the workbook alone is compared).")
        if not self.write:
            return (f"Historique `{self.path.name}` en lecture seule (`ROI_HISTORY_WRITE=1` "
                    "permet d'y écrire)." if lang == "fr" else f"History `{self.path.name}` "
                    "read-only (`ROI_HISTORY_WRITE=1` allows writing to it).")
        return (f"Historique `{self.path.name}` : instantanés et décisions enregistrés."
                if lang == "fr" else f"History `{self.path.name}`: snapshots and decisions "
                "are saved.")


def history_access(environ: Mapping[str, str] | None = None) -> HistoryAccess:
    """``ROI_HISTORY`` (the file) and ``ROI_HISTORY_WRITE=1`` (the consent to write).

    >>> history_access({"ROI_HISTORY": "/data/h.sqlite"})
    HistoryAccess(path=PosixPath('/data/h.sqlite'), write=False)
    >>> history_access({"ROI_HISTORY": "/data/h.sqlite", "ROI_HISTORY_WRITE": "1"}).write
    True
    >>> history_access({"ROI_HISTORY_WRITE": "1"}).write  # no file, nothing to write to
    False
    """
    env = os.environ if environ is None else environ
    chosen = env.get("ROI_HISTORY", "").strip()
    path = Path(chosen) if chosen else None
    return HistoryAccess(path=path, write=path is not None
                         and env.get("ROI_HISTORY_WRITE", "").strip() == "1")


def open_history(access: HistoryAccess) -> tuple[History | None, str | None]:
    """(the history, None), or (None, a message) when it cannot be read; a missing file is
    created only when writing is allowed."""
    if access.path is None:
        return None, None
    try:
        return History(access.path, create=access.write), None
    except InputError as exc:
        return None, str(exc)


def write_to_history(access: HistoryAccess, history: History | None, *,
                     decision: Mapping[str, object] | None = None, snapshot: bool = False,
                     workbook: str | Path | None = None) -> tuple[str, int] | None:
    """What the notebook's write controls do: log ``decision`` (the form's values: date,
    text, channel, author) and/or snapshot ``workbook``; returns (what, id) of the last
    write, None when nothing was written. Without the deployer's consent
    (``access.write``) it writes nothing, whatever it is asked.
    """
    if not access.write or history is None:
        return None
    done = None
    if decision and str(decision.get("text") or "").strip():
        done = ("decision", history.decide(decision.get("date"), str(decision["text"]),
                                           author=decision.get("author") or None,
                                           channel=decision.get("channel") or None))
    if snapshot and workbook is not None:
        from roi_core.store import snapshot_workbook

        done = ("snapshot", snapshot_workbook(history, workbook))
    return done


def review_facts(data: Dataset, history: History | None
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The workbook's facts and cycles, its missing months taken from the history."""
    facts, cycles = build_facts(data), build_cycles(data)
    if history is not None:
        facts, cycles = history.fill_months(facts, cycles)
    return facts, cycles


def period_options(facts: pd.DataFrame) -> dict[str, str]:
    """The periods a user can pick, label -> period text: each month with figures, newest
    first, then each quarter.

    >>> f = pd.DataFrame({"month": pd.to_datetime(["2026-09-01", "2026-10-01"])})
    >>> list(period_options(f))
    ['2026-10', '2026-09', '2026-Q4', '2026-Q3']
    """
    months = sorted(pd.to_datetime(facts["month"].dropna().unique()), reverse=True)
    options = {m.strftime("%Y-%m"): m.strftime("%Y-%m") for m in months}
    quarters = dict.fromkeys(f"{m.year}Q{(m.month - 1) // 3 + 1}" for m in months)
    options.update({q.replace("Q", "-Q"): q for q in quarters})
    return options


def default_periods(facts: pd.DataFrame) -> tuple[str, str]:
    """(last month but one, last month): this month against the one before.

    >>> default_periods(pd.DataFrame({"month": pd.to_datetime(["2026-10-01", "2026-11-01"])}))
    ('2026-10', '2026-11')
    """
    last = pd.Timestamp(facts["month"].dropna().max())
    return period_label(previous_period((last, last))), last.strftime("%Y-%m")


def sentences_markdown(sentences: pd.DataFrame) -> str:
    """The explained changes as a Markdown list (ROI first, then the other notable ones)."""
    if sentences.empty:
        return "—"
    ordered = pd.concat([sentences[sentences["kpi"] == "roi"],
                         sentences[sentences["kpi"] != "roi"]])
    return "\n".join(f"- {s}" for s in ordered["sentence"])


def decisions_markdown(decisions: pd.DataFrame | None, lang: str = "fr") -> str:
    """The decisions as a numbered Markdown list (D1, D2… as on the chart)."""
    if decisions is None:
        return ""
    if decisions.empty:
        return ("Aucune décision enregistrée entre ces périodes." if lang == "fr"
                else "No decision logged between these periods.")
    lines = []
    for i, (_, d) in enumerate(decisions.iterrows(), start=1):
        # What people typed is shown as text, never run as HTML; a link only to the app's
        # own address or an http(s) page.
        who = " · ".join(html.escape(v) for v in (d["channel"], d["author"])
                         if isinstance(v, str))
        scenario = d["scenario"] if isinstance(d["scenario"], str) else ""
        word = "scénario" if lang == "fr" else "scenario"
        link = (f" ([{word}]({scenario}))" if scenario.startswith(("?", "https://", "http://"))
                and not any(c in scenario for c in " ()<>") else
                (f" ({word} : {html.escape(scenario)})" if scenario else ""))
        lines.append(f"- **D{i}** {d['date']:%Y-%m-%d}" + (f" · {who}" if who else "")
                     + f" — {html.escape(str(d['text']))}{link}")
    return "\n".join(lines)
