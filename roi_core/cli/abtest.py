"""``python -m roi_core abtest WORKBOOK --by COLUMN``: two groups compared (``roi_core.abtest``)."""

from __future__ import annotations

import argparse
import sys

from roi_core.abtest import AB_THRESHOLD, ab_sentence, ab_test
from roi_core.cli.advise import share
from roi_core.cli.render import FORMATS, render
from roi_core.facts import build_facts
from roi_core.formatting import LANGS
from roi_core.io import load_workbook


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "abtest", help="compare two groups (scripts, segments, two campaigns) on each rate",
        description="Compare two groups of a column on each funnel rate and on the cost per "
        "opportunity: the difference with its 80 %% interval, the probability that B beats "
        "A, the expected loss of choosing wrong and the contacts still needed to decide.")
    p.add_argument("workbook", help="an .xlsx workbook, a CSV file, or a folder of CSV files")
    p.add_argument("--by", required=True,
                   help="the column that names the groups: segment, team, channel, "
                   "campaign_id, campaign, or a variant/script column of the fact table")
    p.add_argument("--a", default=None, help="group A (needed when the column has more "
                   "than two values)")
    p.add_argument("--b", default=None, help="group B")
    p.add_argument("--threshold", type=share, default=AB_THRESHOLD,
                   help="the probability that decides a winner (default: 95%%)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--format", default="table", choices=FORMATS)
    p.add_argument("--lang", default="fr", choices=list(LANGS))
    p.add_argument("--no-indirect", action="store_true", help="leave indirect costs out")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    data = load_workbook(args.workbook)
    table = ab_test(build_facts(data), args.by, args.a, args.b, threshold=args.threshold,
                    seed=args.seed, include_indirect=not args.no_indirect)
    if args.format == "table":
        text = "\n".join(ab_sentence(row, args.lang) for _, row in table.iterrows())
        text += "\n\n" + render(table.drop(columns=["a", "b"]), "table")
    else:
        text = render(table, args.format)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0
