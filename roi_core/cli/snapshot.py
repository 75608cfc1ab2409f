"""``python -m roi_core snapshot WORKBOOK --history H``: append the workbook's facts."""

from __future__ import annotations

import argparse
import sys

from roi_core.cli._history import add_history_argument, open_history
from roi_core.store import snapshot_workbook


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("snapshot", help="record the workbook's facts in the history",
                       description="Append one snapshot of the workbook to the history file: "
                       "its name, SHA-256, the time, the settings, and the facts per campaign "
                       "and month (costs by kind, every volume) and the won deals' sales "
                       "cycles, from which every KPI is recomputed. Snapshots are never "
                       "rewritten; for each month, the most recent snapshot holding it counts.")
    p.add_argument("workbook", help="an .xlsx workbook, a CSV file, or a folder of CSV files")
    add_history_argument(p, required=True)
    p.add_argument("--no-indirect", action="store_true",
                   help="record that the figures are read without indirect costs")
    p.add_argument("--basis", default="margin", choices=["margin", "revenue"],
                   help="record the ROI basis the figures are read on (default: margin)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    history = open_history(args, required=True, create=True)
    settings = {"include_indirect": not args.no_indirect, "basis": args.basis}
    sid = snapshot_workbook(history, args.workbook, settings=settings)
    row = history.snapshots().set_index("id").loc[sid]
    months = (f"{row['first_month']}..{row['last_month']}" if row["first_month"]
              else "no dated month")
    sys.stdout.write(f"snapshot {sid} of {row['workbook']} (sha256 {row['sha256'][:12]}…): "
                     f"{row['fact_rows']} fact rows, {months}, in {history.path}\n")
    return 0
