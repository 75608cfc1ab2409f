"""``python -m roi_core decide --history H --date D --text T``: log a decision."""

from __future__ import annotations

import argparse
import sys

from roi_core.cli._history import add_history_argument, open_history


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("decide", help="log a decision in the history",
                       description="Add a dated entry to the history's decision log (append-"
                       "only): what was decided, by whom, for which channel, and the scenario "
                       "that motivated it. The monthly comparison shows the decisions dated "
                       "within the periods it compares.")
    add_history_argument(p, required=True)
    p.add_argument("--date", required=True, help="the decision's date: 2026-03-01 or 01/03/2026")
    p.add_argument("--text", required=True,
                   help="what was decided, e.g. \"Salons réduits de 30 %% à partir de mars\"")
    p.add_argument("--channel", help="the channel it concerns (default: all)")
    p.add_argument("--author", help="who decided")
    p.add_argument("--scenario", help="a link to the scenario that motivated it (the app's "
                   "address, or a saved scenario file)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    history = open_history(args, required=True, create=True)
    did = history.decide(args.date, args.text, author=args.author, channel=args.channel,
                         scenario=args.scenario)
    row = history.decisions().set_index("id").loc[did]
    sys.stdout.write(f"decision {did} of {row['date']:%Y-%m-%d} logged in {history.path}\n")
    return 0
