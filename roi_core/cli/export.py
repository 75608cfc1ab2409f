"""``python -m roi_core export WORKBOOK -o kpis.xlsx``: the auditable Excel export."""

from __future__ import annotations

import argparse
import sys

from roi_core.cli.args import add_allocation, allocation_note
from roi_core.io import load_workbook
from roi_core.outputs.excel import write_kpi_workbook


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="an Excel workbook: the inputs, and every KPI as a live "
                       "formula over them",
                       description="Write an .xlsx file whose KPI sheets (total, per channel, "
                       "per campaign) are Excel formulas over the input sheets, so that a change "
                       "to an input in Excel updates every KPI. Blank KPI cells are undefined.")
    p.add_argument("workbook", help="an .xlsx workbook, a CSV file, or a folder of CSV files")
    p.add_argument("-o", "--output", required=True, help="the .xlsx file to write")
    p.add_argument("--no-indirect", action="store_true", help="leave indirect costs out")
    p.add_argument("--basis", default="margin", choices=["margin", "revenue"],
                   help="what ROI compares the cost with (default: margin)")
    add_allocation(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    data = load_workbook(args.workbook)
    try:
        path = write_kpi_workbook(data, args.output, include_indirect=not args.no_indirect,
                                  basis=args.basis, allocate_shared=args.allocate_shared)
    except OSError as exc:
        print(f"error: {args.output}: could not be written ({exc.strerror or exc})",
              file=sys.stderr)
        return 2
    note = allocation_note(data, args.allocate_shared, include_indirect=not args.no_indirect)
    if note:
        print(note, file=sys.stderr)
    print(f"wrote {path}", file=sys.stderr)
    return 0
