"""The meeting app's .xlsx export: KPI tables and a scenario, as values with number formats.

A small openpyxl writer (the live-formula workbook is ``roi_core.excel``'s job): one sheet
per table, headers labelled in the app's language, money as euros, rates as percentages.
Text cells from user data never become formulas: a text starting with = + - @ is stored as
text.
"""

from __future__ import annotations

import io
import math

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from roi_core.formatting import KIND, label

__all__ = ["NUMBER_FORMATS", "tables_xlsx_bytes", "scenario_results"]

NUMBER_FORMATS = {
    "money": '#,##0 "€"', "money2": '#,##0.00 "€"', "percent": "0.0%", "count": "#,##0",
    "decimal": "#,##0.00", "days": "#,##0", "multiplier": '"×"0.00',
}
_HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")
_RISKY = ("=", "+", "-", "@")


def _format_of(column: str) -> str | None:
    kind = KIND.get(column)
    if kind == "money":
        per_unit = (column.startswith("cost_per") or column.endswith("per_client")
                    or column == "cac")
        return NUMBER_FORMATS["money2" if per_unit else "money"]
    if column in ("multiplier", "baseline_multiplier"):
        return NUMBER_FORMATS["multiplier"]
    return NUMBER_FORMATS.get(kind) if kind else None


def _cell_value(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item"):
        value = value.item()  # numpy scalar
        if isinstance(value, float) and math.isnan(value):
            return None
    return value


def tables_xlsx_bytes(sheets: dict[str, pd.DataFrame], lang: str = "fr",
                      formats: dict[str, dict[str, str]] | None = None) -> bytes:
    """An .xlsx workbook, one sheet per frame, as bytes.

    Columns with a canonical KPI name get its label as header and its number format
    (``roi_core.formatting.KIND``); ``formats`` adds {sheet: {column: format}}; in a frame
    with a ``kpi`` column (one KPI per row), other numbers take that row's KPI format.
    Undefined values are empty cells.

    >>> data = tables_xlsx_bytes({"KPI": pd.DataFrame({"channel": ["=x"], "roi": [2.0]})})
    >>> from openpyxl import load_workbook
    >>> sheet = load_workbook(io.BytesIO(data))["KPI"]
    >>> [c.value for c in sheet[1]], sheet["A2"].value, sheet["B2"].number_format
    (['Canal', 'ROI'], '=x', '0.0%')
    >>> sheet["A2"].data_type
    's'
    """
    book = Workbook()
    book.remove(book.active)
    for name, frame in sheets.items():
        sheet = book.create_sheet(name[:31])
        extra = (formats or {}).get(name, {})
        columns = list(frame.columns)
        for col, column in enumerate(columns, start=1):
            cell = sheet.cell(row=1, column=col, value=label(str(column), lang))
            cell.font = Font(bold=True)
            cell.fill = _HEADER_FILL
            sheet.column_dimensions[get_column_letter(col)].width = max(
                12, min(40, len(str(cell.value)) + 2))
        for col, column in enumerate(columns, start=1):
            fmt = extra.get(str(column)) or _format_of(str(column))
            kinds = frame["kpi"].tolist() if "kpi" in columns else [None] * len(frame)
            for row, (value, kpi) in enumerate(zip(frame[column].tolist(), kinds, strict=True),
                                               start=2):
                cell = sheet.cell(row=row, column=col, value=_cell_value(value))
                row_fmt = fmt or (_format_of(str(kpi)) if kpi else None)
                if isinstance(cell.value, str) and cell.value.startswith(_RISKY):
                    cell.data_type = "s"
                elif row_fmt and isinstance(cell.value, int | float):
                    cell.number_format = row_fmt
        sheet.freeze_panes = "B2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def scenario_results(baseline: pd.Series, scenario: pd.Series, names: list[str],
                     lang: str = "fr") -> pd.DataFrame:
    """KPI per row: label, baseline, scenario, delta (numbers; formats go per row kind).

    >>> r = scenario_results(pd.Series({"roi": 2.0}), pd.Series({"roi": 1.5}), ["roi"], "en")
    >>> r.values.tolist()
    [['roi', 'ROI', 2.0, 1.5, -0.5]]
    """
    rows = []
    for name in names:
        base, scen = float(baseline.get(name, math.nan)), float(scenario.get(name, math.nan))
        rows.append({"kpi": name, "label": label(name, lang), "baseline": base,
                     "scenario": scen, "delta": scen - base})
    return pd.DataFrame(rows, columns=["kpi", "label", "baseline", "scenario", "delta"])
