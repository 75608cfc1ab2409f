"""The validated, typed dataset every calculation consumes.

Built by ``roi_core.io.load_workbook``; every frame speaks the canonical names of
``roi_core.schema`` and carries a ``row`` column: the row of the user's file it came from
(as Excel numbers it, the header being row 1), or missing for rows the loader derived.
Absent optional sheets are empty frames with the canonical columns, never None.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pandas as pd

__all__ = ["Dataset", "COLUMNS", "empty_frame", "UNASSIGNED"]

# The label of the group that holds cost or funnel lines whose campaign is blank or
# unknown: shown as its own group, never dropped from the totals.
UNASSIGNED = "(unassigned)"

COLUMNS: dict[str, dict[str, str]] = {
    "campaigns": {
        "campaign_id": "object", "campaign": "object", "channel": "object",
        "segment": "object", "team": "object", "start_date": "datetime64[ns]",
        "end_date": "datetime64[ns]", "targets": "float64",
    },
    "costs": {
        "campaign_id": "object", "category": "object", "item": "object", "amount": "float64",
        "hours": "float64", "hourly_rate": "float64", "behaviour": "object",
        "date": "datetime64[ns]",
    },
    "funnel": {
        "campaign_id": "object", "month": "datetime64[ns]", "contacts": "float64",
        "leads": "float64", "opportunities": "float64", "meetings": "float64",
        "clients": "float64", "revenue": "float64", "margin": "float64",
        "margin_rate": "float64",
    },
    "deals": {
        "deal_id": "object", "campaign_id": "object", "account_id": "object",
        "first_contact_date": "datetime64[ns]", "created_date": "datetime64[ns]",
        "close_date": "datetime64[ns]", "status": "object", "amount": "float64",
        "margin_rate": "float64",
    },
    "touchpoints": {
        "account_id": "object", "timestamp": "datetime64[ns]", "channel": "object",
        "campaign_id": "object",
    },
    "activities": {
        "date": "datetime64[ns]", "rep": "object", "campaign_id": "object", "type": "object",
        "outcome": "object", "duration_min": "float64",
    },
}


def empty_frame(sheet: str) -> pd.DataFrame:
    """An empty frame with the canonical columns (and ``row``) of one sheet.

    >>> list(empty_frame("touchpoints").columns)
    ['account_id', 'timestamp', 'channel', 'campaign_id', 'row']
    """
    cols = {name: pd.Series(dtype=dtype) for name, dtype in COLUMNS[sheet].items()}
    cols["row"] = pd.Series(dtype="Int64")
    return pd.DataFrame(cols)


@dataclass(frozen=True)
class Dataset:
    """One company's prospecting data, typed and validated.

    - ``campaigns``: one row per campaign (``campaign_id`` unique).
    - ``costs``: one row per cost line; ``amount`` is resolved (hours × hourly_rate when
      typed that way), ``category`` is direct/indirect, ``behaviour`` fixed/variable.
    - ``funnel``: volumes per campaign (and month when given); ``margin`` is resolved
      (revenue × margin_rate when only the rate was given). Derived from ``deals`` and
      ``activities`` when the workbook has no funnel sheet (``funnel_source == "derived"``).
    - ``deals``, ``touchpoints``, ``activities``: as typed, possibly empty.
    - ``source``: the file's name; ``sheet_names``: canonical sheet -> the user's tab name.
    - ``notes``: what the loader changed on the way (for the audit).
    """

    campaigns: pd.DataFrame
    costs: pd.DataFrame
    funnel: pd.DataFrame
    deals: pd.DataFrame = field(default_factory=lambda: empty_frame("deals"))
    touchpoints: pd.DataFrame = field(default_factory=lambda: empty_frame("touchpoints"))
    activities: pd.DataFrame = field(default_factory=lambda: empty_frame("activities"))
    source: str = ""
    sheet_names: dict[str, str] = field(default_factory=dict)
    funnel_source: str = "sheet"
    currency: str = "EUR"
    # What the loader changed on the way (``roi_core.problems.Problem`` s: ids respelled
    # "2.0" -> "2"), listed by the audit as information.
    notes: tuple = ()

    def replace(self, **changes: object) -> Dataset:
        """A copy with some frames swapped (datasets are never mutated in place)."""
        return replace(self, **changes)  # type: ignore[arg-type]

    def sheet_label(self, sheet: str) -> str:
        """The name the user gave to a canonical sheet (for messages)."""
        return self.sheet_names.get(sheet, sheet)
