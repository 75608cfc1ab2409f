"""Writing result frames for the command line: a readable table, CSV, or JSON."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd

__all__ = ["FORMATS", "render", "records"]

FORMATS = ("table", "csv", "json")


def records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """Rows as plain dicts: NaN becomes None, numpy scalars become Python numbers.

    >>> records(pd.DataFrame({"channel": ["x"], "roi": [float("nan")], "leads": [3.0]}))
    [{'channel': 'x', 'roi': None, 'leads': 3.0}]
    """
    out = []
    for row in frame.to_dict(orient="records"):
        clean: dict[str, object] = {}
        for key, value in row.items():
            if isinstance(value, np.generic):
                value = value.item()
            if isinstance(value, float) and not math.isfinite(value):
                value = None
            elif value is pd.NaT or (not isinstance(value, (list, dict)) and pd.isna(value)):
                value = None
            elif isinstance(value, pd.Timestamp):
                value = value.isoformat()
            clean[str(key)] = value
        out.append(clean)
    return out


def render(frame: pd.DataFrame, fmt: str) -> str:
    """The frame as text in one of ``FORMATS``.

    In a table, undefined values show "—" and rates show as percentages; CSV and JSON
    keep rates as fractions.
    """
    if fmt == "json":
        return json.dumps(records(frame), ensure_ascii=False, indent=2)
    if fmt == "csv":
        return frame.to_csv(index=False)
    if fmt == "table":
        shown = frame.copy()
        for col in shown.columns:
            if pd.api.types.is_float_dtype(shown[col]):
                shown[col] = shown[col].map(_cell_format(str(col), shown[col]))
        return shown.to_string(index=False, na_rep="—")
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def _cell_format(name: str, values: pd.Series):
    """One format per column: rates as percentages, whole numbers without decimals."""
    finite = values[np.isfinite(values.astype(float))]
    name = name.removesuffix("_low").removesuffix("_high")  # an interval's bounds (--intervals)
    if name == "roi" or name.endswith(("_rate", "_share")):
        pattern = "{:.1%}"
    elif len(finite) and (finite == finite.round()).all():
        pattern = "{:,.0f}"
    else:
        pattern = "{:,.2f}"
    return lambda v: "—" if pd.isna(v) else pattern.format(v)
