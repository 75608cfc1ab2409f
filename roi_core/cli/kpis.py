"""``python -m roi_core kpis WORKBOOK``: every KPI per group."""

from __future__ import annotations

import argparse

from roi_core.cli.args import add_output_arguments, emit
from roi_core.cli.engine_args import add_engine_arguments, engine_dataset
from roi_core.cli.render import KPI_COLUMNS_SHORT, kpi_default_columns
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
    p.add_argument("--intervals", action="store_true",
                   help="add 80 %% intervals (roi_low, roi_high, cac_low, …; "
                   "roi_core.uncertainty)")
    add_engine_arguments(p, ("activities", "deals"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    data = engine_dataset(args, load_workbook(args.workbook))
    table = kpi_table(data, args.by, include_indirect=not args.no_indirect, basis=args.basis)
    columns = kpi_default_columns(args.by)
    if args.intervals:
        table = with_intervals(table, data, args.by, include_indirect=not args.no_indirect,
                               basis=args.basis)
        # The compact table trades the volumes for the intervals (120 columns still).
        columns = [*kpi_default_columns(args.by)[: -len(KPI_COLUMNS_SHORT)], "cost",
                   "clients", "margin", "cac",
                   *(["cac_low", "cac_high"] if args.by != "campaign" else []), "roi",
                   "roi_low", "roi_high"]
    emit(table, args, columns, currency=data.currency)
    return 0
