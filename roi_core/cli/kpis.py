"""``python -m roi_core kpis WORKBOOK``: every KPI per group."""

from __future__ import annotations

import argparse
import sys

from roi_core.cli.args import add_allocation, add_output_arguments, allocation_note, emit
from roi_core.cli.engine_args import add_engine_arguments, engine_dataset
from roi_core.cli.render import KPI_COLUMNS_SHORT, kpi_default_columns
from roi_core.errors import InputError
from roi_core.io import load_workbook
from roi_core.kpis import GROUPINGS, kpi_table
from roi_core.uncertainty import with_intervals


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("kpis", help="every KPI per campaign, channel, segment, team or month",
                       description="Print every KPI of the workbook per group. Rates are "
                       "fractions (0.25 is 25 %); undefined values are null (JSON) or '—'.")
    p.add_argument("workbook", help="an .xlsx workbook, a CSV file, or a folder of CSV files")
    p.add_argument("--by", default="total", choices=list(GROUPINGS),
                   help="the grouping (default: total)")
    add_output_arguments(p)
    p.add_argument("--no-indirect", action="store_true", help="leave indirect costs out")
    p.add_argument("--basis", default="margin", choices=["margin", "revenue"],
                   help="what ROI compares the cost with (default: margin)")
    add_allocation(p)
    p.add_argument("--intervals", action="store_true",
                   help="add 80 %% intervals (roi_low, roi_high, cac_low, …; "
                   "roi_core.uncertainty)")
    add_engine_arguments(p, ("activities", "deals"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    data = engine_dataset(args, load_workbook(args.workbook))
    opts = {"include_indirect": not args.no_indirect, "basis": args.basis}
    table = kpi_table(data, args.by, **opts, allocate_shared=args.allocate_shared)
    note = allocation_note(data, args.allocate_shared, include_indirect=opts["include_indirect"])
    columns = kpi_default_columns(args.by)
    if args.intervals:
        if note and args.allocate_shared != "none" and args.by not in ("total", "month"):
            # The intervals are drawn on each group's own cost: beside an allocated ROI they
            # would describe another figure.
            raise InputError("--intervals does not allocate the cost of no campaign yet",
                             file=data.source, expected="--allocate-shared none with "
                             "--intervals (the shared cost then has its own row)")
        table = with_intervals(table, data, args.by, **opts)
        # The compact table trades the volumes for the intervals (120 columns still).
        columns = [*kpi_default_columns(args.by)[: -len(KPI_COLUMNS_SHORT)], "cost",
                   "clients", "margin", "cac",
                   *(["cac_low", "cac_high"] if args.by != "campaign" else []), "roi",
                   "roi_low", "roi_high"]
    if note and args.by != "total":
        # The rows name the setting they were computed with (a script reads it there).
        table["allocate_shared"] = args.allocate_shared
    if note:
        print(note, file=sys.stderr)
    emit(table, args, columns, currency=data.currency)
    return 0
