"""``python -m roi_core kpis WORKBOOK``: every KPI per group."""

from __future__ import annotations

import argparse
import sys

from roi_core.cli.args import add_allocation, allocation_note
from roi_core.cli.render import FORMATS, render
from roi_core.io import load_workbook
from roi_core.kpis import GROUPINGS, kpi_table


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("kpis", help="every KPI per campaign, channel, segment, team or month",
                       description="Print every KPI of the workbook per group. Rates are "
                       "fractions (0.25 is 25 %); undefined values are null (JSON) or '—'.")
    p.add_argument("workbook", help="an .xlsx workbook, a CSV file, or a folder of CSV files")
    p.add_argument("--by", default="total", choices=list(GROUPINGS),
                   help="the grouping (default: total)")
    p.add_argument("--format", default="table", choices=FORMATS)
    p.add_argument("--no-indirect", action="store_true", help="leave indirect costs out")
    p.add_argument("--basis", default="margin", choices=["margin", "revenue"],
                   help="what ROI compares the cost with (default: margin)")
    add_allocation(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    data = load_workbook(args.workbook)
    opts = {"include_indirect": not args.no_indirect, "basis": args.basis}
    table = kpi_table(data, args.by, **opts, allocate_shared=args.allocate_shared)
    note = allocation_note(data, args.allocate_shared, include_indirect=opts["include_indirect"])
    if note and args.by != "total":
        # The rows name the setting they were computed with (a script reads it there).
        table["allocate_shared"] = args.allocate_shared
    if note:
        print(note, file=sys.stderr)
    text = render(table, args.format)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0
