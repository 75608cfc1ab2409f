"""A small workbook with campaigns, costs, deals and touchpoints, written by the tests.

Used by the attribution and cohort tests until (and besides) the sample workbook. One
commented line per row, so the expected credits can be checked by eye.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

CAMPAIGNS = [
    # campaign_id, campaign, channel, start_date
    ("EM1", "Emailing janvier", "emailing", datetime(2026, 1, 1)),
    ("SO1", "LinkedIn janvier", "social_selling", datetime(2026, 1, 1)),
    ("TP1", "Phoning janvier", "teleprospecting", datetime(2026, 1, 1)),
    ("EV1", "Salon février", "events", datetime(2026, 2, 1)),
]
COSTS = [
    # campaign_id, category, item, amount
    ("EM1", "direct", "routeur", 500.0),
    ("SO1", "direct", "licence", 300.0),
    ("TP1", "direct", "salaires", 1000.0),
    ("EV1", "direct", "stand", 2000.0),
]
DEALS = [
    # deal_id, campaign_id, account_id, first_contact, created, close, status, amount, margin
    ("D1", "TP1", "A", datetime(2026, 1, 1), datetime(2026, 1, 5), datetime(2026, 1, 10),
     "won", 1000.0, 0.4),
    ("D2", "TP1", "B", datetime(2026, 1, 2), datetime(2026, 1, 1), datetime(2026, 1, 6),
     "won", 2000.0, 0.5),
    ("D3", "SO1", "C", datetime(2026, 1, 3), datetime(2026, 1, 3), datetime(2026, 1, 4),
     "won", 500.0, 0.2),
    ("D4", "TP1", "D", datetime(2026, 1, 2), datetime(2026, 1, 3), None, "lost", 800.0, 0.3),
    ("D5", "EV1", "E", datetime(2026, 2, 1), datetime(2026, 2, 1), datetime(2026, 2, 9),
     "won", 3000.0, 0.5),
    ("D6", "EV1", "F", datetime(2026, 2, 1), datetime(2026, 2, 2), None, "open", 4000.0, 0.5),
]
TOUCHPOINTS = [
    # account_id, timestamp, channel, campaign_id
    ("A", datetime(2026, 1, 1), "emailing", "EM1"),       # A: first touch
    ("A", datetime(2026, 1, 3), "social_selling", "SO1"),  # A: creation touch (created 5/1)
    ("A", datetime(2026, 1, 8), "teleprospecting", "TP1"),
    ("A", datetime(2026, 1, 9), "events", "EV1"),          # A: last touch before close 10/1
    ("A", datetime(2026, 1, 20), "teleprospecting", "TP1"),  # A: after the close: ignored
    ("B", datetime(2026, 1, 2), "emailing", "EM1"),        # B: created 1/1, before any touch
    ("B", datetime(2026, 1, 4), "teleprospecting", "TP1"),  # B: last touch
    ("C", datetime(2026, 1, 3), "social_selling", "SO1"),  # C: one touch
    ("D", datetime(2026, 1, 2), "teleprospecting", "TP1"),  # D: lost: non-converting
    ("D", datetime(2026, 1, 3), "emailing", "EM1"),
    ("F", datetime(2026, 2, 2), "events", "EV1"),          # F: open deal: non-converting
    # E: won, no touchpoint at all -> "(no touchpoint)"
]


def write_journey_workbook(path: Path, *, deals=DEALS, touchpoints=TOUCHPOINTS) -> Path:
    """Write the workbook above (or with other deals/touchpoints) to ``path``."""
    wb = Workbook()
    ws = wb.active
    ws.title = "campaigns"
    ws.append(["campaign_id", "campaign", "channel", "start_date"])
    for row in CAMPAIGNS:
        ws.append(list(row))
    ws = wb.create_sheet("costs")
    ws.append(["campaign_id", "category", "item", "amount"])
    for row in COSTS:
        ws.append(list(row))
    ws = wb.create_sheet("deals")
    ws.append(["deal_id", "campaign_id", "account_id", "first_contact_date", "created_date",
               "close_date", "status", "amount", "margin_rate"])
    for row in deals:
        ws.append(list(row))
    ws = wb.create_sheet("touchpoints")
    ws.append(["account_id", "timestamp", "channel", "campaign_id"])
    for row in touchpoints:
        ws.append(list(row))
    wb.save(path)
    return path
