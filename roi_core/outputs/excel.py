"""The auditable Excel export: the inputs as sheets, the KPIs as live formulas over them.

Finance opens the file, changes an amount or a volume in an input sheet, and every KPI
follows: the KPI sheets hold Excel formulas (``SUMIFS`` over the input sheets, then
ratios of those sums), not pasted numbers. Only labels (which campaigns and channels
exist) are written as values; adding a campaign or a row needs a new export.

Sheets, in order:

- ``kpi_total``, ``kpi_channel``, ``kpi_campaign``: one row per group, one column per KPI
  (``roi_core.kpis`` names). ``kpi_campaign`` sums the input sheets per campaign id;
  ``kpi_channel`` and ``kpi_total`` sum ``kpi_campaign`` (every ratio a ratio of sums).
- ``campaigns``, ``costs``, ``funnel`` (and ``deals``, ``touchpoints``, ``activities``
  when the workbook has them): the data as roi_core read it, canonical column names, so the
  export loads back with ``roi_core.io.load_workbook``. A cost amount typed as hours ×
  hourly rate, and a margin typed as revenue × margin rate, are written as that formula.
  A cost or funnel line without a campaign id gets the id ``(unassigned)``: its own group.
- any ``extra_sheets`` (formatted values, e.g. a scenario's assumptions and results);
- ``notes``: what the conventions are (this docstring, for the reader of the file).

Conventions, the same as ``roi_core.kpis``:

- Undefined is blank. Every division is wrapped in ``IFERROR(…, "")``: a zero denominator
  (``#DIV/0!``) or a not-recorded operand (``""``, which makes ``#VALUE!``) shows an empty
  cell, never an error and never a zero.
- "Not recorded" is blank too: a campaign with no cost line has a blank cost; a volume no
  row of a campaign records is blank, not 0.
- A group's ratio sums only the members where numerator and denominator are both recorded
  (``SUMIFS(…, num, ">=0", den, ">=0")``: a blank text cell is not a number ≥ 0).
- The sales cycle (a median over deals) is not exported as a formula.
- The last column, ``criterion``, is how SUMIFS matches the row's label exactly (a
  campaign id or channel with ``*``, ``?``, ``~``, ``<`` or ``>`` is not a pattern).
- Every euro counts (``roi_core.shared``): a ``kpi_campaign`` row whose id is not in the
  campaigns sheet (a shared cost) records zero volumes, so its cost weighs on the total's
  ratios. With ``allocate_shared`` "cost" or "contacts" and such rows present,
  ``kpi_campaign`` gets four more columns, ``shared`` (1 for such a row), ``cost_direct_own``,
  ``cost_indirect_own``, ``cost_own`` (the lines of the costs sheet) and ``allocation_key``
  (the row's direct cost, or contacts; 0 for a shared row or a campaign without cost line),
  and its ``cost_direct`` / ``cost_indirect`` become own + Σ shared × key / Σ key, live: the
  shared rows keep 0, and the channels then sum to the total. ``kpi_total`` sums the own
  costs (the total does not move with the setting).

Text from the user's file that a spreadsheet could run (it starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) is written as a plain string cell with Excel's
"quote prefix" style: shown exactly as typed, never evaluated (``_write_text``).
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from roi_core.dataset import COLUMNS, UNASSIGNED, Dataset
from roi_core.errors import InputError
from roi_core.facts import build_facts
from roi_core.kpis import RATIOS, SUMS, kpi_table
from roi_core.safety import looks_like_formula
from roi_core.shared import allocation_label, check_allocation, shared_cost, shared_rows

__all__ = [
    "KPI_SHEETS",
    "EXPORTED_KPIS",
    "kpi_workbook",
    "kpi_workbook_bytes",
    "write_kpi_workbook",
]

KPI_SHEETS = {"total": "kpi_total", "channel": "kpi_channel", "campaign": "kpi_campaign"}
INPUT_SHEETS = ["campaigns", "costs", "funnel", "deals", "touchpoints", "activities"]
# The KPI columns written as formulas (roi_core.kpis.KPI_COLUMNS less the sales cycle).
EXPORTED_KPIS = [
    *SUMS, "cost_per_contact", "cost_per_lead", "cost_per_opportunity", "cost_per_meeting",
    "cac", "revenue_per_client", "margin_per_client", "net_margin_per_client", "roi",
    "contact_rate", "lead_rate", "opportunity_rate", "meeting_rate", "win_rate",
    "break_even_clients", "break_even_win_rate", "break_even_cost",
]

EURO = '#,##0.00 "€";-#,##0.00 "€"'
EURO_WHOLE = '#,##0 "€";-#,##0 "€"'
PERCENT = "0.0%"
COUNT = "#,##0"
DECIMAL = "#,##0.00"
DATE = "yyyy-mm-dd"
_RATES = {"roi", "contact_rate", "lead_rate", "opportunity_rate", "meeting_rate", "win_rate",
          "break_even_win_rate", "margin_rate"}
_COUNTS = {"campaigns", "targets", "contacts", "leads", "opportunities", "meetings", "clients",
           "source_row", "duration_min"}
_WHOLE_MONEY = {"cost", "cost_direct", "cost_indirect", "revenue", "margin", "break_even_cost"}
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")


def _number_format(name: str) -> str | None:
    """The Excel number format a column shows with, by its canonical name.

    >>> _number_format("roi"), _number_format("cost_per_lead"), _number_format("leads")
    ('0.0%', '#,##0.00 "€";-#,##0.00 "€"', '#,##0')
    """
    if name in _RATES or name.endswith("_rate") or name.endswith("_share"):
        return PERCENT
    if name in _COUNTS:
        return COUNT
    if name in _WHOLE_MONEY or name in ("amount",):
        return EURO_WHOLE
    if (name.startswith("cost") or name.endswith("per_client") or name in ("cac",
                                                                           "hourly_rate")):
        return EURO
    if name == "break_even_clients":
        return DECIMAL
    return None


# --- cells ------------------------------------------------------------------------------


def _write_text(ws: Worksheet, row: int, col: int, text: str) -> None:
    """Write user text so that Excel shows it and never evaluates it.

    The cell is typed as a string (openpyxl would otherwise take "=…" for a formula) and
    carries the quote-prefix style, so that even editing the cell in Excel keeps it text.
    (``roi_core.safety.excel_safe`` quotes text for writers that cannot set a cell style;
    here the text stays exactly as typed, so SUMIFS criteria still match it.)
    """
    cell = ws.cell(row=row, column=col)
    cell.value = text
    if looks_like_formula(text):
        cell.data_type = "s"
        cell.quotePrefix = True


def _write_value(ws: Worksheet, row: int, col: int, value: object) -> None:
    """Write one data value: blank for missing, dates as dates, text made safe."""
    if value is None or value is pd.NA or value is pd.NaT:
        return
    if isinstance(value, float) and math.isnan(value):
        return
    if isinstance(value, pd.Timestamp):
        ws.cell(row=row, column=col, value=value.to_pydatetime())
        return
    if isinstance(value, (np.integer, np.floating)):
        value = value.item()
        if isinstance(value, float) and math.isnan(value):
            return
    if isinstance(value, (bool, np.bool_)):
        ws.cell(row=row, column=col, value=bool(value))
        return
    if isinstance(value, (int, float)):
        ws.cell(row=row, column=col, value=value)
        return
    _write_text(ws, row, col, str(value))


def _header(ws: Worksheet, names: Sequence[str]) -> None:
    for col, name in enumerate(names, start=1):
        _write_text(ws, 1, col, str(name))
        cell = ws.cell(row=1, column=col)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=False)


def _finish(ws: Worksheet, names: Sequence[str], n_rows: int, first_width: int = 0,
            dates: set[str] | frozenset[str] = frozenset()) -> None:
    """Formats per column, frozen header (and first column), widths, a filter."""
    for col, name in enumerate(names, start=1):
        fmt = DATE if name in dates else _number_format(name)
        letter = get_column_letter(col)
        if fmt:
            for r in range(2, n_rows + 2):
                ws.cell(row=r, column=col).number_format = fmt
        longest = len(str(name))
        for r in range(2, min(n_rows, 200) + 2):
            value = ws.cell(row=r, column=col).value
            if value is not None and not (isinstance(value, str) and value.startswith("=")
                                          and ws.cell(row=r, column=col).data_type == "f"):
                longest = max(longest, len(str(value)))
        width = max(longest + 2, 12 if fmt else 8, first_width if col == 1 else 0)
        ws.column_dimensions[letter].width = min(width, 48)
    ws.freeze_panes = "B2"
    if names and n_rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(names))}{n_rows + 1}"


# --- input sheets -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Table:
    """Where an exported sheet's columns are, for building references to them."""

    sheet: str
    columns: dict[str, str]  # canonical name -> column letter
    n_rows: int

    def range(self, name: str) -> str:
        letter = self.columns[name]
        last = max(self.n_rows + 1, 2)
        return f"{self.sheet}!${letter}$2:${letter}${last}"


def _input_frame(data: Dataset, name: str) -> pd.DataFrame:
    frame = getattr(data, name)
    columns = list(COLUMNS[name])
    out = frame[columns].copy()
    if name in ("costs", "funnel"):
        out["campaign_id"] = out["campaign_id"].astype(object).where(
            out["campaign_id"].notna(), UNASSIGNED)
    out["source_row"] = frame["row"] if "row" in frame else pd.NA
    return out.reset_index(drop=True)


def _write_input(wb: Workbook, name: str, frame: pd.DataFrame) -> _Table:
    ws = wb.create_sheet(name)
    names = list(frame.columns)
    letters = {n: get_column_letter(i) for i, n in enumerate(names, start=1)}
    dates = {n for n in names if str(frame[n].dtype).startswith("datetime")}
    _header(ws, names)
    values = frame.astype(object).to_numpy()
    for r, row in enumerate(values, start=2):
        for c, value in enumerate(row, start=1):
            _write_value(ws, r, c, value)
        _live_products(ws, name, frame, r, letters)
    _finish(ws, names, len(frame), dates=dates)
    return _Table(name, letters, len(frame))


def _live_products(ws: Worksheet, name: str, frame: pd.DataFrame, r: int,
                   letters: dict[str, str]) -> None:
    """An amount that is hours × rate, or a margin that is revenue × rate, as that formula."""
    i = r - 2
    pairs = {"costs": ("amount", "hours", "hourly_rate"),
             "funnel": ("margin", "revenue", "margin_rate")}
    if name not in pairs:
        return
    target, a, b = pairs[name]
    x, y, z = frame.at[i, target], frame.at[i, a], frame.at[i, b]
    if pd.notna(x) and pd.notna(y) and pd.notna(z) and float(y) * float(z) == float(x):
        ws[f"{letters[target]}{r}"] = f"={letters[a]}{r}*{letters[b]}{r}"


# --- KPI formulas -----------------------------------------------------------------------


def _num(cell: str) -> str:
    return f'{cell},">=0"'


class _Sums:
    """SUMIFS over the campaign KPI sheet for one group (all campaigns when crit is empty)."""

    def __init__(self, ref: dict[str, str], crit: str) -> None:
        self.ref = ref  # canonical name -> range in kpi_campaign
        self.crit = crit  # e.g. 'kpi_campaign!$C$2:$C$9,$A2,' or ''

    def masked(self, col: str, mask: Sequence[str]) -> str:
        conds = ",".join(_num(self.ref[m]) for m in mask)
        return f"SUMIFS({self.ref[col]},{self.crit}{conds})"

    def count(self, mask: Sequence[str]) -> str:
        conds = ",".join(_num(self.ref[m]) for m in mask)
        return f"COUNTIFS({self.crit}{conds})"


def _group_formulas(s: _Sums, cell: dict[str, str], include_indirect: bool, gain: str,
                    campaigns: str, criterion: str | None = None) -> dict[str, str]:
    """Every KPI of one group row (channel or total) as a formula over kpi_campaign."""
    f: dict[str, str] = {"campaigns": campaigns}
    if criterion:
        f["criterion"] = criterion
    for col in SUMS:
        f[col] = f'=IF({s.count([col])}=0,"",{s.masked(col, [col])})'
    for name, (num, den) in RATIOS.items():
        f[name] = f'=IFERROR({s.masked(num, [num, den])}/{s.masked(den, [num, den])},"")'
    g, c = s.masked(gain, [gain, "cost"]), s.masked("cost", [gain, "cost"])
    f["roi"] = f'=IFERROR(({g}-{c})/{c},"")'
    f["net_margin_per_client"] = (
        f'=IFERROR({cell["margin_per_client"]}-{cell["cac"]},"")')
    be = ["cost", gain, "clients"]
    f["break_even_clients"] = (
        f'=IFERROR({s.masked("cost", be)}/({s.masked(gain, be)}/{s.masked("clients", be)}),"")')
    bew = [*be, "opportunities"]
    f["break_even_win_rate"] = (
        f'=IFERROR({s.masked("cost", bew)}/({s.masked(gain, bew)}/'
        f'{s.masked("clients", bew)})/{s.masked("opportunities", bew)},"")')
    f["break_even_cost"] = f'=IF({s.count([gain, "cost"])}=0,"",{g})'
    return f


ALLOCATION_COLUMNS = ["shared", "cost_direct_own", "cost_indirect_own", "cost_own",
                      "allocation_key"]


def _campaign_formulas(r: int, cell: dict[str, str], t: dict[str, _Table],
                       include_indirect: bool, gain: str, allocation: str = "none",
                       pool: dict[str, str] | None = None) -> dict[str, str]:
    """Every KPI of one campaign row as a formula over the input sheets (``pool``: the
    kpi_campaign columns the allocation of shared costs sums, when it is on)."""
    key = cell["criterion"]
    costs, funnel, camps = t["costs"], t["funnel"], t["campaigns"]
    cid = costs.range("campaign_id")
    # A row whose id is not in the campaigns sheet belongs to no campaign (a shared cost).
    of_none = f'COUNTIF({camps.range("campaign_id")},{key})=0'
    f: dict[str, str] = {}
    for col, cat in (("cost_direct", "direct"), ("cost_indirect", "indirect")):
        own = (f'IF(COUNTIF({cid},{key})=0,"",SUMIFS({costs.range("amount")},{cid},{key},'
               f'{costs.range("category")},"{cat}"))')
        if pool is None:
            f[col] = f"={own}"
            continue
        f[f"{col}_own"] = f"={own}"
        mine, total_key = cell[f"{col}_own"], f"SUM({pool['allocation_key']})"
        held = f"SUMIFS({pool[f'{col}_own']},{pool['shared']},1)"
        f[col] = (f'=IF({cell["shared"]}=1,IF(AND(ISNUMBER({mine}),{total_key}>0),0,{mine}),'
                  f'IF(ISNUMBER({mine}),{mine}+IF({total_key}>0,'
                  f'{held}*{cell["allocation_key"]}/{total_key},0),""))')
    if pool is not None:
        mine = cell["cost_direct_own"]
        f["shared"] = f"=IF({of_none},1,0)"
        f["cost_own"] = (f'=IFERROR({mine}+{cell["cost_indirect_own"]},"")' if include_indirect
                         else f'=IF(ISNUMBER({mine}),{mine},"")')
        weight = mine if allocation == "cost" else cell["contacts"]
        f["allocation_key"] = (f'=IF(AND({cell["shared"]}=0,ISNUMBER({mine}),'
                               f'ISNUMBER({weight})),{weight},0)')
    if include_indirect:
        f["cost"] = f'=IFERROR({cell["cost_direct"]}+{cell["cost_indirect"]},"")'
    else:
        f["cost"] = f'=IF(ISNUMBER({cell["cost_direct"]}),{cell["cost_direct"]},"")'
    tid, tcol = camps.range("campaign_id"), camps.range("targets")
    f["targets"] = f'=IF(COUNTIFS({tid},{key},{tcol},">=0")=0,"",SUMIFS({tcol},{tid},{key}))'
    fid = funnel.range("campaign_id")
    for col in ("contacts", "leads", "opportunities", "meetings", "clients", "revenue",
                "margin"):
        rng = funnel.range(col)
        f[col] = (f'=IF(COUNTIFS({fid},{key},{rng},">=0")=0,IF({of_none},0,""),'
                  f'SUMIFS({rng},{fid},{key}))')
    for name, (num, den) in RATIOS.items():
        f[name] = f'=IFERROR({cell[num]}/{cell[den]},"")'
    f["net_margin_per_client"] = f'=IFERROR({cell["margin_per_client"]}-{cell["cac"]},"")'
    f["roi"] = f'=IFERROR(({cell[gain]}-{cell["cost"]})/{cell["cost"]},"")'
    f["break_even_clients"] = (
        f'=IFERROR({cell["cost"]}/({cell[gain]}/{cell["clients"]}),"")')
    f["break_even_win_rate"] = (
        f'=IFERROR({cell["break_even_clients"]}/{cell["opportunities"]},"")')
    f["break_even_cost"] = (
        f'=IF(AND(ISNUMBER({cell["cost"]}),ISNUMBER({cell[gain]})),{cell[gain]},"")')
    f["criterion"] = _criterion(r)
    return f


def _criterion(r: int) -> str:
    """The SUMIFS criterion matching exactly the label in column A of row ``r``.

    SUMIFS reads ``*``, ``?`` and ``~`` as wildcards and a leading ``<``, ``>`` or ``=``
    as a comparison: "=" and a ``~`` before each wildcard make "C*" match only "C*".
    """
    return (f'="="&SUBSTITUTE(SUBSTITUTE(SUBSTITUTE($A{r},"~","~~"),"*","~*"),'
            f'"?","~?")')


def _write_kpi_sheet(ws: Worksheet, labels: pd.DataFrame, columns: list[str],
                     formulas_for) -> None:  # noqa: ANN001
    names = list(labels.columns) + columns
    _header(ws, names)
    first = len(labels.columns) + 1
    letters = {n: get_column_letter(first + i) for i, n in enumerate(columns)}
    values = labels.astype(object).to_numpy()
    for r, row in enumerate(values, start=2):
        for c, value in enumerate(row, start=1):
            _write_value(ws, r, c, value)
        cell = {n: f"{letter}{r}" for n, letter in letters.items()}
        for name, formula in formulas_for(r, cell).items():
            ws[cell[name]] = formula
    _finish(ws, names, len(labels), first_width=14)


# --- the workbook -----------------------------------------------------------------------


def kpi_workbook(data: Dataset, *, include_indirect: bool = True, basis: str = "margin",
                 extra_sheets: dict[str, pd.DataFrame] | None = None,
                 raw_sheets: bool = True, allocate_shared: str = "none") -> Workbook:
    """The export as an openpyxl Workbook (see the module docstring for its sheets).

    ``raw_sheets=False`` leaves out the touchpoints and activities sheets: no KPI formula
    reads them, and on a real CRM export they are most of the file and of the time.
    ``allocate_shared``: where the cost lines of no campaign go per channel
    (``roi_core.shared``), as live formulas; the notes sheet names it.
    """
    if basis not in ("margin", "revenue"):
        raise ValueError(f"basis must be 'margin' or 'revenue', not {basis!r}")
    check_allocation(allocate_shared)
    if data.campaigns.empty:
        raise InputError("there is no campaign to export", file=data.source or None,
                         sheet=data.sheet_label("campaigns"),
                         expected="at least one campaign row under the header")
    wb = Workbook()
    wb.remove(wb.active)
    kpi_ws = {k: wb.create_sheet(v) for k, v in KPI_SHEETS.items()}

    tables: dict[str, _Table] = {}
    for name in INPUT_SHEETS:
        frame = getattr(data, name)
        if name in ("touchpoints", "activities") and not raw_sheets:
            continue
        if name in ("campaigns", "costs", "funnel") or len(frame):
            tables[name] = _write_input(wb, name, _input_frame(data, name))

    # Every campaign row, the shared ones too: they hold the cost an allocation spreads.
    by_campaign = kpi_table(data, "campaign", include_indirect=include_indirect, basis=basis)
    labels = by_campaign[["campaign_id", "campaign", "channel", "segment", "team"]]
    n = len(labels)
    first = len(labels.columns) + 1
    allocating = (allocate_shared != "none"
                  and bool(shared_rows(by_campaign[["channel"]]).any()))
    campaign_cols = [*EXPORTED_KPIS, "criterion", *(ALLOCATION_COLUMNS if allocating else [])]
    ref = {name: f"{KPI_SHEETS['campaign']}!${get_column_letter(first + i)}$2:"
                 f"${get_column_letter(first + i)}${max(n + 1, 2)}"
           for i, name in enumerate(campaign_cols)}
    pool = {name: ref[name] for name in ALLOCATION_COLUMNS} if allocating else None
    _write_kpi_sheet(kpi_ws["campaign"], labels, campaign_cols,
                     lambda r, cell: _campaign_formulas(r, cell, tables, include_indirect,
                                                        basis, allocate_shared, pool))

    channel_range = f"{KPI_SHEETS['campaign']}!$C$2:$C${max(n + 1, 2)}"
    id_range = f"{KPI_SHEETS['campaign']}!$A$2:$A${max(n + 1, 2)}"
    group_cols = ["campaigns", *EXPORTED_KPIS]

    channels = kpi_table(data, "channel", include_indirect=include_indirect, basis=basis,
                         allocate_shared=allocate_shared)[["channel"]]
    _write_kpi_sheet(kpi_ws["channel"], channels, [*group_cols, "criterion"],
                     lambda r, cell: _group_formulas(
                         _Sums(ref, f"{channel_range},{cell['criterion']},"), cell,
                         include_indirect, basis,
                         f"=COUNTIF({channel_range},{cell['criterion']})", _criterion(r)))
    total = pd.DataFrame({"total": ["total"]})
    # The total holds every row, shared ones included: it sums the costs before allocation
    # (after it, a share landing on a campaign that records no leads would leave the
    # total's cost per lead).
    own = ({"cost": ref["cost_own"], "cost_direct": ref["cost_direct_own"],
            "cost_indirect": ref["cost_indirect_own"]} if allocating else {})
    _write_kpi_sheet(kpi_ws["total"], total, group_cols,
                     lambda r, cell: _group_formulas(
                         _Sums({**ref, **own}, ""), cell, include_indirect, basis,
                         f"=COUNTA({id_range})"))

    for title, frame in (extra_sheets or {}).items():
        _write_extra(wb, title, frame)
    _write_notes(wb, data, include_indirect, basis, allocate_shared)
    return wb


def _sheet_title(title: str, taken: Sequence[str]) -> str:
    """A valid, unused Excel sheet name (31 characters, none of []:*?/\\).

    >>> _sheet_title("Scénario: -30 % salons?", [])
    'Scénario_ -30 % salons_'
    """
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in str(title)).strip("'") or "sheet"
    clean = clean[:31]
    base, i = clean, 2
    while clean.lower() in {t.lower() for t in taken}:
        suffix = f" ({i})"
        clean, i = base[: 31 - len(suffix)] + suffix, i + 1
    return clean


def _write_extra(wb: Workbook, title: str, frame: pd.DataFrame) -> None:
    ws = wb.create_sheet(_sheet_title(title, wb.sheetnames))
    if not isinstance(frame.index, pd.RangeIndex):
        frame = frame.reset_index()
    names = [str(c) for c in frame.columns]
    dates = {str(c) for c in frame.columns if str(frame[c].dtype).startswith("datetime")}
    _header(ws, names)  # names may echo user text: _header writes them safely
    for r, row in enumerate(frame.astype(object).to_numpy(), start=2):
        for c, value in enumerate(row, start=1):
            _write_value(ws, r, c, value)
    _finish(ws, names, len(frame), dates=dates)


def _write_notes(wb: Workbook, data: Dataset, include_indirect: bool, basis: str,
                 allocate_shared: str = "none") -> None:
    ws = wb.create_sheet("notes")
    amount = shared_cost(build_facts(data), include_indirect)
    lines = [
        ("source", data.source or ""),
        ("funnel", "derived from deals and activities" if data.funnel_source == "derived"
         else "as typed in the funnel sheet"),
        ("indirect costs", "included" if include_indirect else "left out"),
        ("ROI basis", basis),
        ("formulas", "kpi_campaign sums the input sheets per campaign id (SUMIFS); "
         "kpi_channel and kpi_total sum kpi_campaign. Change an input, every KPI follows."),
        ("blank", "a blank KPI is not defined: a zero denominator or a figure not recorded"),
        ("ratios", "a group's ratio is a ratio of sums over the members that record both "
         "its numerator and its denominator"),
        ("unassigned", f"cost and funnel lines without a campaign id carry '{UNASSIGNED}'"),
        ("shared costs", (f"{amount:,.2f} of cost belongs to no campaign (its volumes are 0): "
                          "counted in the total; per channel "
                          f"{allocation_label(allocate_shared, 'en')} "
                          f"(allocate_shared = {allocate_shared})") if amount else
         "none: every cost line belongs to a campaign"),
        ("not exported", "the sales cycle (a median over deals): see roi_core's kpis command"),
        ("source_row", "the row of the original file each input line came from"),
    ]
    _header(ws, ["topic", "note"])
    for r, (topic, note) in enumerate(lines, start=2):
        ws.cell(row=r, column=1, value=topic)
        _write_text(ws, r, 2, note)
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 100


def kpi_workbook_bytes(data: Dataset, *, include_indirect: bool = True, basis: str = "margin",
                       extra_sheets: dict[str, pd.DataFrame] | None = None,
                       raw_sheets: bool = True, allocate_shared: str = "none") -> bytes:
    """The export as .xlsx bytes (for ``mo.download`` in the app).

    >>> from roi_core.io import load_bytes
    >>> data = load_bytes(b"campaign,channel,cost,leads\\nA,emailing,100,4\\n", "t.csv")
    >>> kpi_workbook_bytes(data)[:2]
    b'PK'
    """
    buffer = io.BytesIO()
    kpi_workbook(data, include_indirect=include_indirect, basis=basis,
                 extra_sheets=extra_sheets, raw_sheets=raw_sheets,
                 allocate_shared=allocate_shared).save(buffer)
    return buffer.getvalue()


def write_kpi_workbook(data: Dataset, path: str | Path, *, include_indirect: bool = True,
                       basis: str = "margin",
                       extra_sheets: dict[str, pd.DataFrame] | None = None,
                       raw_sheets: bool = True, allocate_shared: str = "none") -> Path:
    """Write the export to ``path`` (.xlsx) and return the path."""
    path = Path(path)
    path.write_bytes(kpi_workbook_bytes(data, include_indirect=include_indirect, basis=basis,
                                        extra_sheets=extra_sheets, raw_sheets=raw_sheets,
                                        allocate_shared=allocate_shared))
    return path
