"""The quarter's plan as an Excel workbook with LIVE formulas: finance changes a rate, a
unit cost or a channel's target and the whole plan follows.

Sheets (``plan_workbook_bytes(plan)``, or ``add_plan_sheets(workbook, plan)`` to add them to
another openpyxl workbook, the KPI export's say):

- ``plan``: one row per channel. Inputs (values, blue): the channel's clients to sign, its
  rates (win, opportunity, lead, contact), meetings per opportunity, variable cost per
  contact, fixed cost per month, revenue and margin per client. Formulas: the reverse
  funnel, each stage ``ROUNDUP(ROUND(x, 9), 0)`` as ``roi_core.plan.ceil_units`` rounds
  (whole units, floating-point dust ignored), cost = contacts × variable cost per contact
  + fixed cost per month × months, revenue, margin, CAC, ROI; hours, FTE and calls from
  ``plan_capacity``; a total row of sums and ratios of sums, reps needed, hiring gap.
- ``plan_settings``: months, hours of a full-time month, utilisation, reps today, the
  lifetime factor (1 = ROI on the first deal), the payment delay (read at export: the
  cash sheet's layout follows it), and the payback month and peak cash need (formulas).
- ``plan_capacity``: per channel and activity type, activities per contact and minutes
  (inputs), activities = ⌈contacts × per contact⌉, hours, FTE.
- ``plan_cycle``: per channel, the share of clients signing k months after first contact
  (inputs, from the measured sales cycles).
- ``plan_cash``: month by month, per channel cost out, clients signed and margin in
  (formulas on the sheets above), the total's net and cumulative cash, its band (values
  at export: simulated, no formula) and a helper column for the payback month.
- ``notes``: what is input and what is formula.

Blank means not defined (a rate of zero or not recorded): ``IFERROR(…, "")``. The number of
months and the payment delay shape the cash sheet: change them with a new export. The
tests recompute every formula with the ``formulas`` package and compare with roi_core.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from roi_core.dataset import UNASSIGNED
from roi_core.plan import HOURS_PER_FTE_MONTH, Plan, plan_label, signing_shares
from roi_core.safety import looks_like_formula

__all__ = ["PLAN_COLUMNS", "add_plan_sheets", "plan_workbook_bytes", "write_plan_workbook"]

_INPUTS = ["clients", "win_rate", "opportunity_rate", "lead_rate", "contact_rate",
           "meetings_per_opportunity", "variable_cost_per_contact", "fixed_cost_per_month",
           "revenue_per_client", "margin_per_client"]
_FORMULAS = ["opportunities", "meetings", "leads", "contacts", "targets", "cost_variable",
             "cost_fixed", "cost", "revenue", "margin", "cac", "roi", "calls", "hours", "fte"]
PLAN_COLUMNS = ["channel", *_INPUTS, *_FORMULAS]
_COL = {name: get_column_letter(i) for i, name in enumerate(PLAN_COLUMNS, start=1)}
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")
_INPUT_FONT = Font(color="1F4E9E")
_MONEY = '#,##0.00 "€"'
_PERCENT = "0.0%"
_COUNT = "#,##0"
_FORMATS = {"win_rate": _PERCENT, "opportunity_rate": _PERCENT, "lead_rate": _PERCENT,
            "contact_rate": _PERCENT, "roi": _PERCENT, "utilisation": _PERCENT,
            "variable_cost_per_contact": _MONEY, "fixed_cost_per_month": _MONEY,
            "revenue_per_client": _MONEY, "margin_per_client": _MONEY, "cost_variable": _MONEY,
            "cost_fixed": _MONEY, "cost": _MONEY, "revenue": _MONEY, "margin": _MONEY,
            "cac": _MONEY, "peak_cash_need": _MONEY, "cumulative": _MONEY,
            "cumulative_low": _MONEY, "cumulative_high": _MONEY, "net": _MONEY,
            "clients": "#,##0.##", "opportunities": _COUNT, "meetings": _COUNT,
            "leads": _COUNT, "contacts": _COUNT, "targets": _COUNT, "calls": _COUNT,
            "activities": _COUNT, "hours": "#,##0.0", "fte": "0.00"}
_SETTINGS = ["months", "hours_per_fte_month", "utilisation", "reps", "lifetime_factor",
             "payment_delay_months", "payback_month", "peak_cash_need"]
_SET = {name: f"plan_settings!$B${i}" for i, name in enumerate(_SETTINGS, start=2)}


def _text(ws: Worksheet, row: int, col: int, text: str) -> None:
    """User text shown as typed, never run (typed as a string, quote-prefixed)."""
    cell = ws.cell(row=row, column=col, value=text)
    if looks_like_formula(text):
        cell.data_type = "s"
        cell.quotePrefix = True


def _value(ws: Worksheet, row: int, col: int, value: object, fmt: str | None = None,
           is_input: bool = False) -> None:
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return
    cell = ws.cell(row=row, column=col, value=value)
    if fmt:
        cell.number_format = fmt
    if is_input:
        cell.font = _INPUT_FONT


def _formula(ws: Worksheet, row: int, col: int, text: str, fmt: str | None = None) -> None:
    cell = ws.cell(row=row, column=col, value=text)
    if fmt:
        cell.number_format = fmt


def _header(ws: Worksheet, names: Sequence[str], widths: int = 14) -> None:
    for col, name in enumerate(names, start=1):
        cell = ws.cell(row=1, column=col, value=str(name))
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        ws.column_dimensions[get_column_letter(col)].width = max(widths, len(str(name)) + 2)
    ws.freeze_panes = "B2"


def _up(value: str, rate: str) -> str:
    """⌈value / rate⌉ in whole units; 0 for nothing; blank when the rate is not usable."""
    return (f'=IFERROR(IF({value}=0,0,IF({rate}>0,ROUNDUP(ROUND({value}/{rate},9),0),"")),'
            f'"")')


def _plan_sheet(ws: Worksheet, plan: Plan, capacity_rows: dict[str, list[int]]) -> int:
    _header(ws, PLAN_COLUMNS)
    ws.column_dimensions["A"].width = 24
    rates = plan.rates.set_index("channel")
    funnel = plan.funnel[plan.funnel["channel"] != "total"].set_index("channel")
    channels = list(funnel.index)
    c = _COL
    for i, channel in enumerate(channels):
        r = i + 2
        _text(ws, r, 1, str(channel))
        clients = funnel.loc[channel, "clients"]
        inputs = {"clients": 0.0 if channel == UNASSIGNED or pd.isna(clients) else clients}
        for name in _INPUTS[1:]:
            inputs[name] = rates.loc[channel, name]
        for j, name in enumerate(_INPUTS, start=2):
            _value(ws, r, j, inputs[name], _FORMATS.get(name), is_input=True)

        def at(name: str, row: int = r) -> str:
            return f"{c[name]}{row}"

        formulas = {
            "opportunities": _up(at("clients"), at("win_rate")),
            "meetings": (f'=IFERROR(IF(OR({at("meetings_per_opportunity")}="",'
                         f'{at("opportunities")}=""),"",ROUNDUP(ROUND({at("opportunities")}'
                         f'*{at("meetings_per_opportunity")},9),0)),"")'),
            "leads": _up(at("opportunities"), at("opportunity_rate")),
            "contacts": _up(at("leads"), at("lead_rate")),
            "targets": _up(at("contacts"), at("contact_rate")),
            "cost_variable": f'=IFERROR({at("contacts")}*N({at("variable_cost_per_contact")}),"")',
            "cost_fixed": f'={at("fixed_cost_per_month")}*{_SET["months"]}',
            "cost": f'=IFERROR({at("cost_variable")}+{at("cost_fixed")},"")',
            "revenue": f'=IFERROR({at("clients")}*{at("revenue_per_client")},"")',
            "margin": f'=IFERROR({at("clients")}*{at("margin_per_client")},"")',
            "cac": f'=IFERROR({at("cost")}/{at("clients")},"")',
            "roi": f'=IFERROR(({at("margin")}-{at("cost")})/{at("cost")},"")',
        }
        cap = capacity_rows.get(str(channel), {})
        hours = "+".join(f"plan_capacity!F{k}" for k in cap.get("all", []))
        ftes = "+".join(f"plan_capacity!G{k}" for k in cap.get("all", []))
        calls = "+".join(f"plan_capacity!E{k}" for k in cap.get("call", []))
        formulas["calls"] = f'=IFERROR({calls},"")' if calls else None
        formulas["hours"] = f'=IFERROR({hours},"")' if hours else None
        formulas["fte"] = f'=IFERROR({ftes},"")' if ftes else None
        for name in _FORMULAS:
            if formulas.get(name):
                _formula(ws, r, PLAN_COLUMNS.index(name) + 1, formulas[name],
                         _FORMATS.get(name))
    total = len(channels) + 2
    last = total - 1
    _text(ws, total, 1, "total")
    ws.cell(row=total, column=1).font = _HEADER_FONT
    for name in ["clients", "opportunities", "meetings", "leads", "contacts", "targets",
                 "cost_variable", "cost_fixed", "cost", "revenue", "margin", "calls", "hours",
                 "fte"]:
        col = c[name]
        _formula(ws, total, PLAN_COLUMNS.index(name) + 1, f"=SUM({col}2:{col}{last})",
                 _FORMATS.get(name))
    _formula(ws, total, PLAN_COLUMNS.index("cac") + 1,
             f'=IFERROR({c["cost"]}{total}/{c["clients"]}{total},"")', _MONEY)
    _formula(ws, total, PLAN_COLUMNS.index("roi") + 1,
             f'=IFERROR(({c["margin"]}{total}-{c["cost"]}{total})/{c["cost"]}{total},"")',
             _PERCENT)
    # Reps needed and the hiring gap, under the total.
    _text(ws, total + 2, 1, "reps_needed")
    _formula(ws, total + 2, 2, f'=ROUNDUP(ROUND({c["fte"]}{total},9),0)', _COUNT)
    _text(ws, total + 3, 1, "hiring_gap")
    _formula(ws, total + 3, 2, f"=B{total + 2}-{_SET['reps']}", _COUNT)
    return total


def _capacity_sheet(ws: Worksheet, plan: Plan, plan_rows: dict[str, int]
                    ) -> dict[str, dict[str, list[int]]]:
    names = ["channel", "type", "per_contact", "minutes", "activities", "hours", "fte"]
    _header(ws, names)
    cap = plan.capacity[plan.capacity["channel"] != "total"]
    rows: dict[str, dict[str, list[int]]] = {}
    per_fte = f"({_SET['hours_per_fte_month']}*{_SET['utilisation']}*{_SET['months']})"
    for i, (_, rec) in enumerate(cap.iterrows()):
        r = i + 2
        channel = str(rec["channel"])
        _text(ws, r, 1, channel)
        _text(ws, r, 2, str(rec["type"]))
        _value(ws, r, 3, rec["per_contact"], "0.0000", is_input=True)
        _value(ws, r, 4, rec["minutes"], "0.00", is_input=True)
        contacts = f"plan!{_COL['contacts']}{plan_rows[channel]}"
        _formula(ws, r, 5, f'=IFERROR(ROUNDUP(ROUND({contacts}*C{r},9),0),"")', _COUNT)
        _formula(ws, r, 6, f'=IFERROR(E{r}*D{r}/60,"")', "#,##0.0")
        _formula(ws, r, 7, f'=IFERROR(F{r}/{per_fte},"")', "0.00")
        entry = rows.setdefault(channel, {"all": [], "call": []})
        entry["all"].append(r)
        if rec["type"] == "call":
            entry["call"].append(r)
    return rows


def _settings_sheet(ws: Worksheet, plan: Plan, lang: str) -> None:
    _header(ws, ["setting", "value", "label"], widths=18)
    s = plan.summary
    values = {"months": plan.target.months, "hours_per_fte_month": HOURS_PER_FTE_MONTH,
              "utilisation": s["utilisation"], "reps": s["reps"],
              "lifetime_factor": s["lifetime_factor"],
              "payment_delay_months": s["payment_delay_months"]}
    for i, name in enumerate(_SETTINGS, start=2):
        _text(ws, i, 1, name)
        _text(ws, i, 3, plan_label(name, lang))
        if name in values:
            _value(ws, i, 2, values[name], _FORMATS.get(name), is_input=True)
    ws.column_dimensions["C"].width = 40


def _cycle_sheet(ws: Worksheet, plan: Plan, channels: list[str]) -> dict[str, int]:
    shares = {c: signing_shares(plan.offsets, c) for c in channels}
    longest = max([len(v) for v in shares.values()] + [1])
    _header(ws, ["channel", *[f"k{k}" for k in range(longest)]], widths=8)
    ws.column_dimensions["A"].width = 24
    rows = {}
    for i, channel in enumerate(channels):
        r = i + 2
        rows[channel] = r
        _text(ws, r, 1, channel)
        for k in range(longest):
            share = float(shares[channel][k]) if k < len(shares[channel]) else 0.0
            _value(ws, r, k + 2, share, _PERCENT, is_input=True)
    return rows


def _cash_sheet(ws: Worksheet, plan: Plan, channels: list[str], plan_rows: dict[str, int],
                cycle_rows: dict[str, int]) -> None:
    cash = plan.cash
    months = plan.target.months
    delay = int(plan.summary["payment_delay_months"])
    grid = sorted(cash["month"].unique())
    names = ["month"]
    for c in channels:
        names += [f"cost | {c}", f"clients | {c}", f"margin | {c}"]
    names += ["cost", "clients", "margin", "net", "cumulative", "cumulative_low",
              "cumulative_high", "paid_back"]
    _header(ws, names)
    total = cash[cash["channel"] == "total"].set_index("month")
    n = len(grid)
    first_total = 2 + 3 * len(channels)
    L = {name: get_column_letter(first_total + j) for j, name in enumerate(
        ["cost", "clients", "margin", "net", "cumulative", "cumulative_low",
         "cumulative_high", "paid_back"])}
    for t, month in enumerate(grid):
        r = t + 2
        _text(ws, r, 1, f"{pd.Timestamp(month):%Y-%m}")
        cost_cells, client_cells, margin_cells = [], [], []
        for j, channel in enumerate(channels):
            base = 2 + 3 * j
            pr = plan_rows[channel]
            cost = (f'=IFERROR(N(plan!{_COL["cost"]}{pr})/{_SET["months"]},0)'
                    if t < months else "=0")
            terms = [f"plan_cycle!{get_column_letter(t - m + 2)}{cycle_rows[channel]}"
                     for m in range(months) if 0 <= t - m < _cycle_width(plan, channel)
                     ] if channel in cycle_rows else []
            clients = (f'=IFERROR(N(plan!{_COL["clients"]}{pr})/{_SET["months"]}*('
                       + "+".join(terms) + "),0)") if terms else "=0"
            source = t - delay
            margin = (f'=IFERROR({get_column_letter(base + 1)}{source + 2}'
                      f'*N(plan!{_COL["margin_per_client"]}{pr})*{_SET["lifetime_factor"]},0)'
                      if source >= 0 and terms is not None and channel in cycle_rows
                      else "=0")
            for k, text in enumerate([cost, clients, margin]):
                fmt = [_MONEY, "0.00", _MONEY][k]
                _formula(ws, r, base + k, text, fmt)
            cost_cells.append(f"{get_column_letter(base)}{r}")
            client_cells.append(f"{get_column_letter(base + 1)}{r}")
            margin_cells.append(f"{get_column_letter(base + 2)}{r}")
        _formula(ws, r, first_total, "=" + ("+".join(cost_cells) or "0"), _MONEY)
        _formula(ws, r, first_total + 1, "=" + ("+".join(client_cells) or "0"), "0.00")
        _formula(ws, r, first_total + 2, "=" + ("+".join(margin_cells) or "0"), _MONEY)
        _formula(ws, r, first_total + 3, f"={L['margin']}{r}-{L['cost']}{r}", _MONEY)
        previous = f"{L['cumulative']}{r - 1}+" if t else ""
        _formula(ws, r, first_total + 4, f"={previous}{L['net']}{r}", _MONEY)
        _value(ws, r, first_total + 5, float(total.loc[month, "cumulative_low"]), _MONEY)
        _value(ws, r, first_total + 6, float(total.loc[month, "cumulative_high"]), _MONEY)
        # 1 when the cumulative cash is ≥ 0 from this month on (read bottom-up).
        later = f",{L['paid_back']}{r + 1}=1" if t < n - 1 else ""
        _formula(ws, r, first_total + 7,
                 f"=IF(AND(ROUND({L['cumulative']}{r},6)>=0{later}),1,0)", "0")
    last = n + 1
    month_range = f"plan_cash!$A$2:$A${last}"
    paid_range = f"plan_cash!${L['paid_back']}$2:${L['paid_back']}${last}"
    cum_range = f"plan_cash!${L['cumulative']}$2:${L['cumulative']}${last}"
    settings = ws.parent["plan_settings"]
    row = _SETTINGS.index("payback_month") + 2
    settings[f"B{row}"] = f'=IFERROR(INDEX({month_range},MATCH(1,{paid_range},0)),"")'
    settings[f"B{row + 1}"] = f"=MAX(0,-MIN({cum_range}))"
    settings[f"B{row + 1}"].number_format = _MONEY


def _cycle_width(plan: Plan, channel: str) -> int:
    return len(signing_shares(plan.offsets, channel))


def add_plan_sheets(wb: Workbook, plan: Plan, lang: str = "fr") -> None:
    """Add the plan's sheets (module doc) to ``wb``."""
    funnel = plan.funnel[plan.funnel["channel"] != "total"]
    channels = [str(c) for c in funnel["channel"]]
    plan_rows = {c: i + 2 for i, c in enumerate(channels)}
    ws_plan = wb.create_sheet("plan")
    ws_settings = wb.create_sheet("plan_settings")
    ws_capacity = wb.create_sheet("plan_capacity")
    ws_cycle = wb.create_sheet("plan_cycle")
    ws_cash = wb.create_sheet("plan_cash")
    _settings_sheet(ws_settings, plan, lang)
    capacity_rows = _capacity_sheet(ws_capacity, plan, plan_rows)
    _plan_sheet(ws_plan, plan, capacity_rows)
    planned = [c for c in channels if c != UNASSIGNED]
    cycle_rows = _cycle_sheet(ws_cycle, plan, planned)
    _cash_sheet(ws_cash, plan, planned + ([UNASSIGNED] if UNASSIGNED in channels else []),
                plan_rows, cycle_rows)
    notes = wb.create_sheet("notes")
    for line in [
        "Plan of the period " + str(plan.summary["period"]) + ", target "
        + f"{plan.summary['target']:g} {plan.summary['target_kind']}.",
        "Blue cells are inputs (the history's rates and unit costs, each channel's clients):"
        " change one and the plan, the capacity and the cash follow.",
        "Every stage is rounded up to whole units: ROUNDUP(ROUND(x, 9), 0).",
        "Variable costs follow the contacts; fixed costs are paid per month of the plan.",
        "Blank means not defined (a rate of zero or not recorded).",
        "The cash band (cumulative_low, cumulative_high) is simulated from the measured sales"
        " cycles: values at export, not formulas.",
        "ROI basis: " + plan_label(str(plan.summary["roi_basis"]), lang)
        + " (plan_settings lifetime_factor).",
        "The months and the payment delay shape the cash sheet: change them with a new "
        "export.",
    ]:
        notes.append([line])
    notes.column_dimensions["A"].width = 110


def plan_workbook_bytes(plan: Plan, lang: str = "fr") -> bytes:
    """The plan's workbook (module doc) as .xlsx bytes."""
    wb = Workbook()
    wb.remove(wb.active)
    add_plan_sheets(wb, plan, lang)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def write_plan_workbook(plan: Plan, path: str | Path, lang: str = "fr") -> Path:
    """Write ``plan_workbook_bytes`` to ``path``."""
    path = Path(path)
    path.write_bytes(plan_workbook_bytes(plan, lang))
    return path
