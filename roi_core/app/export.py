"""The meeting app's export: the scenario's sheets added to ``roi_core.outputs.excel``'s workbook.

``roi_core.outputs.excel.kpi_workbook_bytes`` writes the live-formula KPI workbook of the dataset;
the app adds the scenario as extra sheets: its levers (``roi_core.scenario.assumptions_table``),
its headline results beside the baseline (``scenario_results``) and its KPIs per channel.
"""

from __future__ import annotations

import math

import pandas as pd

from roi_core.dataset import Dataset
from roi_core.formatting import kpi_value, label
from roi_core.outputs.excel import kpi_workbook_bytes
from roi_core.scenario import Levers, assumptions_table

__all__ = ["scenario_results", "export_bytes", "SHEETS"]

SHEETS = {"fr": ("Scénario - leviers", "Scénario - résultats", "Scénario - canaux"),
          "en": ("Scenario - levers", "Scenario - results", "Scenario - channels")}


def scenario_results(baseline: pd.Series, scenario: pd.Series, names: list[str],
                     lang: str = "fr", currency: str = "EUR") -> pd.DataFrame:
    """KPI per row: key, label, baseline, scenario, delta (numbers), and both as shown.

    >>> r = scenario_results(pd.Series({"roi": 2.0}), pd.Series({"roi": 1.5}), ["roi"], "en")
    >>> r[["kpi", "baseline_shown", "scenario_shown"]].values.tolist()
    [['roi', '200.0%', '150.0%']]
    >>> r["delta"].tolist()
    [-0.5]
    """
    rows = []
    for name in names:
        base, scen = float(baseline.get(name, math.nan)), float(scenario.get(name, math.nan))
        rows.append({"kpi": name, "label": label(name, lang), "baseline": base,
                     "scenario": scen, "delta": scen - base,
                     "baseline_shown": kpi_value(name, base, lang, currency),
                     "scenario_shown": kpi_value(name, scen, lang, currency)})
    return pd.DataFrame(rows)


def export_bytes(data: Dataset, levers: Levers, results: pd.DataFrame,
                 scenario_channels: pd.DataFrame, *, include_indirect: bool = True,
                 basis: str = "margin", lang: str = "fr",
                 allocate_shared: str = "none") -> bytes:
    """The .xlsx the app offers: the live KPI workbook of ``data`` plus the scenario sheets
    (levers, ``results`` of ``scenario_results``, and the scenario's KPIs per channel)."""
    levers_sheet, results_sheet, channels_sheet = SHEETS.get(lang, SHEETS["en"])
    return kpi_workbook_bytes(
        data, include_indirect=include_indirect, basis=basis, raw_sheets=False,
        allocate_shared=allocate_shared,
        extra_sheets={levers_sheet: assumptions_table(levers, lang),
                      results_sheet: results, channels_sheet: scenario_channels})
