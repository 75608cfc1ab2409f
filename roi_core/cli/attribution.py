"""``python -m roi_core attribution WORKBOOK --model RULE``: credits and ROI per channel."""

from __future__ import annotations

import argparse

from roi_core.attribution import RULES, attribution_table
from roi_core.cli.args import add_output_arguments, emit, positive_days
from roi_core.cli.engine_args import add_engine_arguments, engine_frames
from roi_core.cli.render import ATTRIBUTION_COLUMNS_SHORT
from roi_core.engines import engine_attribution
from roi_core.errors import InputError
from roi_core.io import load_workbook


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("attribution", help="credited clients, revenue, margin and ROI per "
                       "channel under an attribution rule",
                       description="Credit each won deal to the channels of its account's "
                       "touchpoints under a rule, and print per channel the credited "
                       "conversions, revenue and margin, the channel's cost and its ROI "
                       "((margin - cost) / cost, a fraction). Undefined values are null "
                       "(JSON) or '—'.")
    p.add_argument("workbook", help="an .xlsx workbook, a CSV file, or a folder of CSV files")
    p.add_argument("--model", default="all", choices=[*RULES, "all"],
                   help="the attribution rule (default: all, side by side)")
    p.add_argument("--half-life-days", type=positive_days("the half-life"), default=7.0,
                   help="half-life of the time_decay rule, in days (default: 7)")
    p.add_argument("--markov-order", type=int, default=1, choices=[1, 2, 3, 4],
                   help="order of the Markov chain: each state is the last N channels "
                   "(default: 1)")
    p.add_argument("--by", default="channel", choices=["channel", "campaign"],
                   help="one row per channel (default) or per campaign")
    add_output_arguments(p)
    p.add_argument("--no-indirect", action="store_true", help="leave indirect costs out")
    add_engine_arguments(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    data = load_workbook(args.workbook)
    frames = engine_frames(args, data)
    if frames is not None:
        if args.by != "channel":
            raise InputError("the engines credit channels: drop --by campaign, or run "
                             "without --engine/--touchpoints/--deals")
        table = engine_attribution(data, frames, args.model, half_life_days=args.half_life_days,
                                   include_indirect=not args.no_indirect,
                                   markov_order=args.markov_order)
        emit(table, args, ATTRIBUTION_COLUMNS_SHORT, currency=data.currency)
        return 0
    if data.touchpoints.empty and not (data.deals["status"] == "won").any():
        raise InputError("no touchpoints and no won deal to attribute", file=data.source,
                         sheet=data.sheet_label("touchpoints"),
                         expected="a touchpoints sheet (account_id, timestamp, channel) and "
                         "a deals sheet with won deals")
    table = attribution_table(data, args.model, half_life_days=args.half_life_days,
                              include_indirect=not args.no_indirect, by=args.by,
                              markov_order=args.markov_order)
    emit(table, args, ATTRIBUTION_COLUMNS_SHORT, currency=data.currency)
    return 0
