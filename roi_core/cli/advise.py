"""``python -m roi_core advise WORKBOOK``: where the next euro goes (``roi_core.advice``)."""

from __future__ import annotations

import argparse
import json
import sys

import pandas as pd

from roi_core.advice import advice_levers, advice_table, advise, sentences
from roi_core.cli.render import records, render
from roi_core.facts import build_facts
from roi_core.formatting import LANGS
from roi_core.io import load_workbook
from roi_core.io.cells import parse_number
from roi_core.scenario import to_query
from roi_core.uncertainty import roi_beats_table

__all__ = ["amount", "share", "channel_amount"]


def amount(text: str) -> float:
    """An argparse type for an amount typed the French way ("200 000 €", "150000,50").

    >>> amount("200 000 €")
    200000.0
    """
    values, bad = parse_number(pd.Series([text], dtype=object), percent_is_fraction=False)
    if bad[0] or pd.isna(values[0]) or values[0] < 0:
        raise argparse.ArgumentTypeError(f"not an amount: {text!r}")
    return float(values[0])


def share(text: str) -> float:
    """An argparse type for a share: "30%", "30 %" and "0.3" all give 0.3.

    >>> share("30%"), share("0,3")
    (0.3, 0.3)
    """
    values, bad = parse_number(pd.Series([text], dtype=object))
    if bad[0] or pd.isna(values[0]) or values[0] < 0:
        raise argparse.ArgumentTypeError(f"not a share: {text!r} (use 30% or 0.3)")
    return float(values[0])


def channel_amount(text: str) -> tuple[str, float]:
    """An argparse type for ``CHANNEL=AMOUNT`` ("Emailing=5 000").

    >>> channel_amount("Emailing=5 000")
    ('Emailing', 5000.0)
    """
    name, sep, value = text.rpartition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"expected CHANNEL=AMOUNT, not {text!r}")
    return name.strip(), amount(value)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "advise", help="where the next euro goes: a budget reallocation, or why not",
        description="Split a total budget between the channels along their response curves "
        "(diminishing returns) to maximise the expected margin − cost. A transfer is advised "
        "only when its probability of doing better than today passes the threshold and its "
        "80 %% interval excludes 0; otherwise the command says so and what data would decide.")
    p.add_argument("workbook", help="an .xlsx workbook, a CSV file, or a folder of CSV files")
    p.add_argument("--budget", type=amount, default=None,
                   help="the total to split (default: today's channel costs)")
    p.add_argument("--max-change", type=share, default=0.3,
                   help="the largest change per channel, e.g. 30%% (default)")
    p.add_argument("--lock", action="append", default=[], metavar="CHANNEL",
                   help="keep a channel at today's budget (repeatable; a prefix is enough)")
    p.add_argument("--minimum", action="append", default=[], type=channel_amount,
                   metavar="CHANNEL=AMOUNT", help="a channel's minimum budget (repeatable)")
    p.add_argument("--threshold", type=share, default=0.8,
                   help="the probability a move needs (default: 80%%)")
    p.add_argument("--seed", type=int, default=0, help="the simulation's seed (default: 0)")
    p.add_argument("--format", default="table", choices=["table", "json"])
    p.add_argument("--lang", default="fr", choices=list(LANGS))
    p.add_argument("--no-indirect", action="store_true", help="leave indirect costs out")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    data = load_workbook(args.workbook)
    facts = build_facts(data)
    include = not args.no_indirect
    result = advise(facts, deals=data.deals, budget=args.budget, max_change=args.max_change,
                    locked=args.lock, minimum=dict(args.minimum), threshold=args.threshold,
                    seed=args.seed, include_indirect=include)
    said = sentences(result, args.lang, data.currency)
    table = advice_table(result)
    levers = to_query(advice_levers(result, facts, include_indirect=include))
    beats = roi_beats_table(facts, "channel", deals=data.deals, seed=args.seed,
                            include_indirect=include)
    if args.format == "json":
        moves = [{"source": m.source, "target": m.target, "amount": m.amount,
                  "gain": m.gain, "gain_low": m.low, "gain_high": m.high,
                  "probability": m.probability} for m in result.moves]
        out = {"abstained": result.abstained, "reason": result.reason,
               "budget": result.budget, "gain": result.gain, "gain_low": result.low,
               "gain_high": result.high, "probability": result.probability,
               "threshold": result.threshold, "level": result.level, "moves": moves,
               "sentences": said, "levers": levers, "channels": records(table),
               "roi_beats": {a: {b: (None if pd.isna(p) else float(p))
                                 for b, p in row.items()}
                             for a, row in beats.to_dict(orient="index").items()}}
        if result.decider is not None:
            out["decider"] = {"channel": result.decider.channel,
                              "contacts": result.decider.contacts,
                              "months": result.decider.months}
        text = json.dumps(out, ensure_ascii=False, indent=2)
    else:
        head = ("P(ROI de la ligne > ROI de la colonne)" if args.lang == "fr"
                else "P(row's ROI > column's ROI)")
        shown = beats.map(lambda p: "—" if pd.isna(p) else f"{p:.0%}")
        text = ("\n".join(said) + "\n\n" + render(table, "table") + f"\n\n{head}\n"
                + shown.to_string())
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0
