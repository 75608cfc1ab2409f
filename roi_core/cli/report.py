"""``python -m roi_core report WORKBOOK -o report.html``: the archived one-file report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from roi_core.cli.args import add_allocation
from roi_core.errors import InputError
from roi_core.formatting import LANGS
from roi_core.outputs.report import NOTEBOOK, ReportParams, build_report, parse_period


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="a self-contained HTML report for one period",
                       description="Run the report notebook and write ONE HTML file that opens "
                       "offline (charts drawn as inline SVG, no script, no network request).")
    p.add_argument("workbook", help="an .xlsx workbook, a CSV file, or a folder of CSV files")
    p.add_argument("-o", "--output", required=True, help="the .html file to write")
    p.add_argument("--period", help="months FIRST..LAST, e.g. 2026-01..2026-03 (default: all)")
    p.add_argument("--lang", default="fr", choices=list(LANGS), help="language (default: fr)")
    p.add_argument("--no-indirect", action="store_true", help="leave indirect costs out")
    p.add_argument("--basis", default="margin", choices=["margin", "revenue"],
                   help="what ROI compares the cost with (default: margin)")
    add_allocation(p)
    p.add_argument("--notebook", type=Path, default=NOTEBOOK,
                   help="a report notebook of your own (default: notebooks/report.py)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    workbook = Path(args.workbook)
    if not workbook.exists():
        raise InputError("no such file or folder", file=str(workbook))
    params = ReportParams(workbook=workbook, period=parse_period(args.period), lang=args.lang,
                          include_indirect=not args.no_indirect, basis=args.basis,
                          allocate_shared=args.allocate_shared)
    try:
        page = build_report(params, notebook=args.notebook)
    except InputError:
        raise
    except Exception as exc:  # a failing cell: one message, status 2, never a traceback
        print(f"error: the report could not be built ({type(exc).__name__}: {exc})",
              file=sys.stderr)
        return 2
    try:
        Path(args.output).write_text(page, encoding="utf-8")
    except OSError as exc:
        print(f"error: {args.output}: could not be written ({exc.strerror or exc})",
              file=sys.stderr)
        return 2
    print(f"wrote {args.output}", file=sys.stderr)
    return 0
