"""The findings-per-sheet chart draws what the findings frame says, in the app's language."""

from __future__ import annotations

from roi_core.charts.quality import SEVERITY_COLORS, findings_by_sheet_chart
from roi_core.quality import Finding, findings_frame


def _findings():
    return findings_frame([
        Finding("duplicate_id", "error", "Affaires", "deals", (3, 5), "m", "a"),   # 1 error
        Finding("missing_amount", "warning", "Affaires", "deals", (9,), "m", "a"),  # 1 warning
        Finding("cost_without_campaign", "warning", "Coûts", "costs", (5,), "m", "a"),
    ])


def test_chart_counts_per_sheet_and_severity() -> None:
    spec = findings_by_sheet_chart(_findings(), "fr").to_dict()
    data = next(iter(spec["datasets"].values()))
    assert sorted((r["sheet"], r["severity_label"]) for r in data) == [
        ("Affaires", "alerte"), ("Affaires", "erreur"), ("Coûts", "alerte")]
    assert spec["encoding"]["x"]["aggregate"] == "count"
    assert spec["encoding"]["color"]["scale"]["range"] == list(SEVERITY_COLORS.values())
    assert spec["title"] == "Problèmes par feuille"


def test_chart_in_english() -> None:
    spec = findings_by_sheet_chart(_findings(), "en").to_dict()
    assert spec["title"] == "Findings per sheet"
    assert spec["encoding"]["color"]["scale"]["domain"] == ["error", "warning", "info"]
