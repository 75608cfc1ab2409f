"""``python -m roi_core compare [WORKBOOK] --from P --to P``: what changed, why, what we decided."""

from __future__ import annotations

import argparse
import json
import sys

import pandas as pd

from roi_core.cli._history import add_history_argument, open_history
from roi_core.cli.render import records
from roi_core.errors import InputError
from roi_core.facts import build_cycles, build_facts, filter_facts
from roi_core.formatting import LANGS
from roi_core.variance import (
    change_table,
    compare_periods,
    explain,
    parse_period,
    period_label,
)

_TEXT = {
    "fr": {"title": "Revue : {a} → {b} ({source})", "decisions": "Décisions du {a} au {b} :",
           "none": "Aucune décision enregistrée entre ces dates.",
           "no_history": "(Pas d'historique : --history FICHIER montre les décisions.)"},
    "en": {"title": "Review: {a} → {b} ({source})", "decisions": "Decisions from {a} to {b}:",
           "none": "No decision logged between these dates.",
           "no_history": "(No history: --history FILE shows the decisions.)"},
}


def _period(text: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    try:
        return parse_period(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("compare", help="compare two periods: every KPI's change, explained",
                       description="Compare two periods (a month 2026-10, a quarter 2026Q3, a "
                       "range 2026-09..2026-11): every KPI per channel and in total, its "
                       "change split into its causes (numerator and denominator; ROI into "
                       "cost, volume, conversion and margin per client; the total into "
                       "channel mix and within-channel effects), one sentence per notable "
                       "change, and the decisions logged in between. The figures come from "
                       "the workbook; months it lacks, and without a workbook every month, "
                       "come from the history.")
    p.add_argument("workbook", nargs="?",
                   help="an .xlsx workbook, a CSV file, or a folder of CSV files (optional "
                   "with --history)")
    p.add_argument("--from", dest="before", required=True, type=_period, metavar="PERIOD",
                   help="the first period, e.g. 2026-10, 2026Q3 or 2026-09..2026-11")
    p.add_argument("--to", dest="after", required=True, type=_period, metavar="PERIOD",
                   help="the second period")
    add_history_argument(p, required=False)
    p.add_argument("--lang", default="fr", choices=list(LANGS), help="language (default: fr)")
    p.add_argument("--format", default="table", choices=["table", "json"])
    p.add_argument("--by", default="channel", choices=["channel", "segment", "team"],
                   help="the groups compared besides the total (default: channel)")
    p.add_argument("--threshold", type=float, default=10.0,
                   help="a change is notable from this many percent (default: 10)")
    p.add_argument("--no-indirect", action="store_true", help="leave indirect costs out")
    p.add_argument("--basis", default="margin", choices=["margin", "revenue"],
                   help="what ROI compares the cost with (default: margin)")
    p.set_defaults(func=run)


def _months(period: tuple[pd.Timestamp, pd.Timestamp]) -> set[pd.Timestamp]:
    return set(pd.date_range(period[0], period[1], freq="MS"))


def run(args: argparse.Namespace) -> int:
    history = open_history(args, required=args.workbook is None, create=False)
    needed = _months(args.before) | _months(args.after)
    if args.workbook:
        from roi_core.io import load_workbook

        data = load_workbook(args.workbook)
        facts, cycles = build_facts(data), build_cycles(data)
        source, currency = data.source, data.currency
        if history is not None:
            facts, cycles = history.fill_months(facts, cycles, needed)
    else:
        facts, cycles = history.month_facts()
        source = str(history.path.name)
        snaps = history.snapshots()
        currency = snaps["settings"].iloc[-1].get("currency", "EUR") if len(snaps) else "EUR"
    for period in (args.before, args.after):
        if filter_facts(facts, months=period).empty:
            raise InputError(f"no figures for {period_label(period)}", file=source)
    comparison = compare_periods(facts, args.before, args.after, by=args.by,
                                 include_indirect=not args.no_indirect, basis=args.basis,
                                 cycles=cycles, currency=currency)
    sentences = explain(comparison, args.lang, threshold=args.threshold / 100.0)
    first = min(args.before[0], args.after[0])
    last = max(args.before[1], args.after[1]) + pd.offsets.MonthEnd(0)
    decisions = history.decisions((first, last)) if history is not None else None
    if args.format == "json":
        out = {"before": period_label(comparison.before),
               "after": period_label(comparison.after), "source": source,
               "by": args.by, "include_indirect": not args.no_indirect, "basis": args.basis,
               "sentences": records(sentences), "changes": records(comparison.changes),
               "effects": records(comparison.effects),
               "decisions": None if decisions is None else records(
                   decisions.assign(date=decisions["date"].dt.strftime("%Y-%m-%d")))}
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
        return 0
    text = _TEXT[args.lang]
    lines = [text["title"].format(a=period_label(comparison.before),
                                  b=period_label(comparison.after), source=source), ""]
    lines += [f"- {s}" for s in sentences["sentence"]]
    lines.append("")
    if decisions is None:
        lines.append(text["no_history"])
    else:
        lines.append(text["decisions"].format(a=f"{first:%Y-%m-%d}", b=f"{last:%Y-%m-%d}"))
        if decisions.empty:
            lines.append(text["none"])
        for _, d in decisions.iterrows():
            who = " · ".join(str(v) for v in (d["channel"], d["author"]) if v)
            sep = " : " if args.lang == "fr" else ": "
            lines.append(f"- {d['date']:%Y-%m-%d}" + (f" · {who}" if who else "")
                         + sep + str(d["text"]))
    lines += ["", change_table(comparison, args.lang).to_string(index=False)]
    sys.stdout.write("\n".join(lines) + "\n")
    return 0
