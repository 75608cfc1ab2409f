"""``python -m roi_core plan WORKBOOK --target-clients 30 --period 2027-01..2027-03``: the
quarter's plan (contacts, calls, reps, budget, cash and payback) from a target."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from roi_core.cli.render import FORMATS, records
from roi_core.errors import InputError
from roi_core.formatting import LANGS, kpi_value, money, number, percent
from roi_core.io import load_workbook
from roi_core.outputs.plan_excel import write_plan_workbook
from roi_core.outputs.report import parse_period
from roi_core.plan import Plan, Target, plan_label, plan_quarter
from roi_core.scenario import Levers, base_table, from_json

_FUNNEL = ["clients", "opportunities", "meetings", "leads", "contacts", "targets", "calls",
           "cost", "margin", "roi", "binding_stage"]
_CASH = ["month", "cost", "clients", "margin", "cumulative", "cumulative_low",
         "cumulative_high"]


def _amount(text: str) -> float:
    try:
        value = float(text.replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
                      .replace("€", "").replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"the target must be positive, not {text!r}")
    return value


def _share(text: str) -> float:
    try:
        value = float(text.replace("%", "").replace(",", ".").strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a share: {text!r}") from None
    value = value / 100 if "%" in text or value > 1 else value
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"a share between 0 and 1 (or %), not {text!r}")
    return value


def _split(text: str) -> dict[str, float]:
    out = {}
    for part in text.split(";"):
        name, sep, value = part.rpartition("=")
        if not sep or not name.strip():
            raise argparse.ArgumentTypeError(
                f"not a split: {text!r} (use 'Channel A=0.6;Channel B=0.4')")
        try:
            out[name.strip()] = float(value.replace(",", "."))
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a share: {value!r}") from None
    return out


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("plan", help="from a target (clients, margin or revenue) to contacts, "
                       "calls, reps, budget, cash and payback",
                       description="Run the funnel backwards from a target for a period: "
                       "opportunities, meetings, leads, contacts and targets per channel "
                       "(rounded up), the calls and reps they take, the budget (variable "
                       "costs follow the volume, fixed ones do not), and month by month the "
                       "cash (cost out, margin in at signature after the measured sales "
                       "cycle) with its band, the payback month and the peak cash need. "
                       "ROI counts the first deal's margin unless --basis lifetime.")
    p.add_argument("workbook", help="an .xlsx workbook, a CSV file, or a folder of CSV files")
    goal = p.add_mutually_exclusive_group(required=True)
    goal.add_argument("--target-clients", type=_amount, help="clients to sign")
    goal.add_argument("--target-margin", type=_amount, help="margin to earn (euros)")
    goal.add_argument("--target-revenue", type=_amount, help="revenue to earn (euros)")
    p.add_argument("--period", required=True,
                   help="the months of the plan's prospecting, FIRST..LAST (2027-01..2027-03)")
    p.add_argument("--history", help="the months the rates are measured on, FIRST..LAST "
                   "(default: all)")
    p.add_argument("--scenario", metavar="JSON", default=None,
                   help="plan at a scenario's rates: a scenario file saved by the app")
    p.add_argument("--by", default="total", choices=["total", "channel"],
                   help="show the plan per channel, or the total only (default)")
    p.add_argument("--split", type=_split, default=None,
                   help="the target's share per channel, 'A=0.6;B=0.4' (default: today's mix)")
    p.add_argument("--utilisation", type=_share, default=None,
                   help="share of a rep's month spent on prospecting activities "
                   "(default: as measured)")
    p.add_argument("--payment-delay-months", type=int, default=0,
                   help="months between signature and cash (default: 0)")
    p.add_argument("--basis", default="first_deal", choices=["first_deal", "lifetime"],
                   help="ROI and payback on the first deal's margin (default) or lifetime")
    p.add_argument("--retention", type=_share, default=None,
                   help="yearly retention, for --basis lifetime (default: repeat deals "
                   "measured)")
    p.add_argument("--years", type=float, default=None, help="client lifetime in years")
    p.add_argument("--no-indirect", action="store_true", help="leave indirect costs out")
    p.add_argument("--excel", metavar="PATH", default=None,
                   help="also write the plan as an .xlsx with live formulas")
    p.add_argument("--format", default="table", choices=[f for f in FORMATS if f != "csv"])
    p.add_argument("--lang", default="fr", choices=list(LANGS), help="language (default: fr)")
    p.set_defaults(func=run)


def _target(args: argparse.Namespace) -> Target:
    first, last = parse_period(args.period)
    for kind in ("clients", "margin", "revenue"):
        value = getattr(args, f"target_{kind}")
        if value is not None:
            return Target(kind, value, first, last)
    raise AssertionError("argparse requires one target")


def _levers(path: str | None) -> Levers | None:
    if not path:
        return None
    try:
        text = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"could not be read ({exc.strerror or exc})", file=path) from None
    return from_json(text, Path(path).name)


def build(args: argparse.Namespace) -> Plan:
    levers = _levers(args.scenario)
    data = load_workbook(args.workbook)
    return plan_quarter(data, base_table(data), _target(args), levers=levers,
                        split=args.split, history=parse_period(args.history),
                        include_indirect=not args.no_indirect, utilisation=args.utilisation,
                        payment_delay_months=args.payment_delay_months, basis=args.basis,
                        retention=args.retention, years=args.years)


def _calls(plan: Plan) -> pd.Series:
    cap = plan.capacity
    calls = cap[(cap["type"] == "call") & (cap["channel"] != "total")]
    return calls.set_index("channel")["activities"]


def _cell(name: str, value: object, lang: str) -> str:
    if isinstance(value, str):
        return plan_label(value, lang)
    if name in ("cost", "margin", "cumulative", "cumulative_low", "cumulative_high"):
        return money(value, lang)
    if name == "roi":
        return percent(value, lang)
    if name == "clients":
        whole = pd.isna(value) or float(value) == round(float(value))
        return number(value, lang, decimals=0 if whole else 1)
    if name in ("calls", "opportunities", "meetings", "leads", "contacts", "targets"):
        return number(value, lang)
    return kpi_value(name, value, lang)


def _table(frame: pd.DataFrame, columns: list[str], key: str, lang: str) -> str:
    shown = pd.DataFrame({plan_label(key, lang): [
        plan_label(v, lang) if isinstance(v, str) else f"{v:%Y-%m}" for v in frame[key]]})
    for col in columns:
        shown[plan_label(col, lang)] = [_cell(col, v, lang) for v in frame[col]]
    return shown.to_string(index=False)


def _month(value: object) -> str:
    return "—" if value is None or pd.isna(value) else f"{pd.Timestamp(value):%Y-%m}"


def text_report(plan: Plan, by: str, lang: str) -> str:
    """The plan for people: the funnel table, the team, the cash curve, the payback."""
    s = plan.summary
    fr = lang == "fr"
    funnel = plan.funnel.copy()
    calls = _calls(plan)
    funnel["calls"] = funnel["channel"].map(calls)
    funnel.loc[funnel["channel"] == "total", "calls"] = calls.sum(min_count=1)
    if by == "total":
        funnel = funnel[funnel["channel"] == "total"]
    goal = (number(s["target"], lang) + (" clients" if s["target_kind"] == "clients" else
                                         " € " + plan_label(s["target_kind"], lang).lower()))
    head = (f"Plan : {goal}, {s['period']}" if fr else f"Plan: {goal}, {s['period']}")
    basis = plan_label(s["roi_basis"], lang)
    lines = [head, "", _table(funnel, _FUNNEL, "channel", lang), ""]
    team = [("calls_per_rep_month", number(s["calls_per_rep_month"], lang)),
            ("reps", number(s["reps"], lang)), ("fte", number(s["fte"], lang, 2)),
            ("reps_needed", number(s["reps_needed"], lang)),
            ("hiring_gap", number(s["hiring_gap"], lang)),
            ("utilisation", percent(plan.team["utilisation"], lang))]
    lines += [f"{plan_label(k, lang)} : {v}" if fr else f"{plan_label(k, lang)}: {v}"
              for k, v in team]
    cash = plan.cash[plan.cash["channel"] == "total"]
    lines += ["", ("Trésorerie (total, bande 10–90 %)" if fr
                   else "Cash (total, 10–90% band)"), _table(cash, _CASH[1:], "month", lang), ""]
    pay = [("payback_month", f"{_month(s['payback_month'])} ({_month(s['payback_early'])}"
                             f" – {_month(s['payback_late'])})"),
           ("peak_cash_need", money(s["peak_cash_need"], lang)),
           ("clients_signed_in_period", number(s["clients_signed_in_period"], lang, 1)),
           ("roi", f"{percent(s['roi'], lang)} ({basis})")]
    lines += [f"{plan_label(k, lang)} : {v}" if fr else f"{plan_label(k, lang)}: {v}"
              for k, v in pay]
    if by == "channel":
        per = plan.payback[plan.payback["channel"] != "total"]
        shown = pd.DataFrame({
            plan_label("channel", lang): list(per["channel"]),
            plan_label("payback_month", lang): [_month(v) for v in per["payback_month"]],
            plan_label("payback_early", lang): [_month(v) for v in per["payback_early"]],
            plan_label("payback_late", lang): [_month(v) for v in per["payback_late"]],
            plan_label("peak_cash_need", lang): [money(v, lang)
                                                 for v in per["peak_cash_need"]]})
        lines += ["", shown.to_string(index=False)]
    return "\n".join(lines)


def json_report(plan: Plan, by: str) -> str:
    """The plan as one JSON object: summary, funnel, capacity, cash, payback (canonical
    names, rates as fractions, undefined values null, months as YYYY-MM)."""
    def frame(f: pd.DataFrame) -> list[dict[str, object]]:
        f = f.copy()
        for col in f.columns:
            if pd.api.types.is_datetime64_any_dtype(f[col]):
                f[col] = f[col].dt.strftime("%Y-%m").astype(object)
        return records(f)

    funnel, cash, pay = plan.funnel, plan.cash, plan.payback
    if by == "total":
        funnel = funnel[funnel["channel"] == "total"]
        cash = cash[cash["channel"] == "total"]
        pay = pay[pay["channel"] == "total"]
    summary = {k: (_month(v) if isinstance(v, pd.Timestamp) or (k.startswith("payback")
                                                                and v is None) else v)
               for k, v in plan.summary.items()}
    out = {"summary": records(pd.DataFrame([summary]))[0], "funnel": frame(funnel),
           "capacity": frame(plan.capacity), "team": records(pd.DataFrame([plan.team]))[0],
           "cash": frame(cash), "payback": frame(pay)}
    return json.dumps(out, ensure_ascii=False, indent=2)


def run(args: argparse.Namespace) -> int:
    plan = build(args)
    if args.excel:
        try:
            write_plan_workbook(plan, args.excel, args.lang)
        except OSError as exc:
            print(f"error: {args.excel}: could not be written ({exc.strerror or exc})",
                  file=sys.stderr)
            return 2
        print(f"wrote {args.excel}", file=sys.stderr)
    text = (json_report(plan, args.by) if args.format == "json"
            else text_report(plan, args.by, args.lang))
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0
