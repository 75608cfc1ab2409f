"""``python -m roi_core cohorts WORKBOOK``: each campaign measured over its window."""

from __future__ import annotations

import argparse

import pandas as pd

from roi_core.cli.args import add_output_arguments, emit, positive_days
from roi_core.cli.render import COHORT_COLUMNS_SHORT
from roi_core.cohorts import cohort_summary, latest_date
from roi_core.errors import InputError
from roi_core.io import load_workbook


def _date(text: str) -> pd.Timestamp:
    try:
        return pd.Timestamp(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD)") from None


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("cohorts", help="each campaign over its measurement window, immature "
                       "ones with their open-pipeline estimate",
                       description="Per campaign: its window, status (mature, immature, not "
                       "started), clients, revenue, margin, cost and ROI inside the window as "
                       "of a date, and for immature campaigns the estimate of what the open "
                       "pipeline adds (is_estimate). ROI is a fraction; undefined values are "
                       "null (JSON) or '—'.")
    p.add_argument("workbook", help="an .xlsx workbook, a CSV file, or a folder of CSV files")
    p.add_argument("--as-of", type=_date, default=None,
                   help="the measurement date (default: the day of the latest date in the "
                   "workbook)")
    p.add_argument("--window-days", type=positive_days("the window"), default=180.0,
                   help="measurement window after each launch, in days (default: 180)")
    add_output_arguments(p)
    p.add_argument("--no-indirect", action="store_true", help="leave indirect costs out")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    data = load_workbook(args.workbook)
    latest = latest_date(data)
    as_of = args.as_of if args.as_of is not None else (
        latest.normalize() if latest is not None else None)
    if as_of is None:
        raise InputError("no date anywhere in the workbook to measure from", file=data.source,
                         expected="deals with dates, or --as-of YYYY-MM-DD")
    table = cohort_summary(data, as_of, window_days=args.window_days,
                           include_indirect=not args.no_indirect)
    emit(table, args, COHORT_COLUMNS_SHORT, currency=data.currency)
    return 0
