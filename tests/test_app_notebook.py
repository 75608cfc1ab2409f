"""The meeting app runs headless (``app.run()``) on the demo company and on other workbooks."""

from __future__ import annotations

import importlib.util
import io
import subprocess
import sys
from pathlib import Path

import pytest
from app_workbooks import article_sheets, company_sheets, write_workbook
from conftest import NOTEBOOKS, ROOT, SAMPLE
from openpyxl import load_workbook as open_xlsx

from roi_core.io import load_workbook
from roi_core.kpis import compute_kpis
from roi_core.scenario import base_table

APP = NOTEBOOKS / "roi_explorer.py"


def run_app(monkeypatch: pytest.MonkeyPatch, workbook: Path | None) -> dict:
    if workbook is None:
        monkeypatch.delenv("ROI_WORKBOOK", raising=False)
    else:
        monkeypatch.setenv("ROI_WORKBOOK", str(workbook))
    spec = importlib.util.spec_from_file_location("roi_explorer_under_test", APP)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    _, defs = module.app.run()
    return defs


def test_app_runs_on_the_demo_company(monkeypatch: pytest.MonkeyPatch) -> None:
    defs = run_app(monkeypatch, None)
    demo = SAMPLE / "demo_company.xlsx"
    expected = compute_kpis(base_table(load_workbook(demo)), "total").iloc[0]
    assert defs["dataset"].source == "demo_company.xlsx"
    assert defs["base_total"]["roi"] == expected["roi"]
    # what the first draw showed (roi_core.app.live.show): the baseline, no lever moved
    assert defs["shown"].total["cost"] == expected["cost"]
    assert not defs["shown"].active
    assert set(defs["base_channel"]["channel"]) == set(expected_channels(demo))
    assert defs["lang"] == "fr"


def expected_channels(path: Path) -> list[str]:
    return list(load_workbook(path).campaigns["channel"].unique())


def test_app_runs_on_a_workbook_written_by_the_test(monkeypatch: pytest.MonkeyPatch,
                                                    tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "societe.xlsx", company_sheets(2))
    defs = run_app(monkeypatch, path)
    expected = compute_kpis(base_table(load_workbook(path)), "total").iloc[0]
    assert defs["dataset"].source == "societe.xlsx"
    assert defs["base_total"]["cost"] == expected["cost"] == 2 * 23800.0
    assert defs["base_total"]["clients"] == 36.0
    sens = defs["shown"].sensitivity
    assert sens["rank"].tolist() == list(range(1, len(sens) + 1))


def test_app_counts_the_costs_of_no_campaign_pro_rata_of_direct_cost_by_default(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    sheets = company_sheets()
    sheets["Coûts"] = [*sheets["Coûts"], [None, "directe", "Salaires non ventilés", 50000,
                                          None, None, None, None]]
    defs = run_app(monkeypatch, write_workbook(tmp_path / "salaires.xlsx", sheets))
    assert defs["allocate_shared"].value == "cost"
    assert defs["kpi_options"]["allocate_shared"] == "cost"
    assert defs["base_total"]["cost"] == 23800.0 + 50000
    channels = defs["base_channel"]
    assert "(unassigned)" not in set(channels["channel"])
    assert channels["cost"].sum() == pytest.approx(73800.0, abs=0.005)


def test_app_on_the_article_case_shows_its_break_even(monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path) -> None:
    defs = run_app(monkeypatch, write_workbook(tmp_path / "article.xlsx", article_sheets()))
    be = defs["shown"].break_even.set_index("lever")
    assert round(be.loc["win_rate", "value_at_break_even"], 4) == 0.1111
    assert defs["base_total"]["roi"] == pytest.approx(2.0)


def test_app_on_an_unreadable_workbook_stops_with_a_message(monkeypatch: pytest.MonkeyPatch,
                                                            tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    defs = run_app(monkeypatch, bad)
    assert defs["dataset"] is None
    assert "bad.xlsx" in defs["load_error"]
    assert "base_total" not in defs  # every figure cell stopped, none crashed
    # the sidebar's controls are still made: a file can be uploaded, the language switched
    assert {"upload", "lang_ui", "filters_panel", "scenario_upload"} <= set(defs)


def test_export_workbook_holds_live_kpis_and_the_scenario(tmp_path: Path) -> None:
    from roi_core.app.export import export_bytes, scenario_results
    from roi_core.scenario import Levers, apply_levers

    data = load_workbook(write_workbook(tmp_path / "c.xlsx", company_sheets()))
    table = base_table(data)
    levers = Levers(win_rate=1.2, channel_cost={"events": 0.7})
    base = compute_kpis(table, "total").iloc[0]
    scen = compute_kpis(apply_levers(table, levers), "total").iloc[0]
    results = scenario_results(base, scen, ["roi", "cost", "clients"], "fr")
    data_bytes = export_bytes(data, levers, results,
                              compute_kpis(apply_levers(table, levers), "channel"), lang="fr")
    book = open_xlsx(io.BytesIO(data_bytes))
    assert {"Scénario - leviers", "Scénario - résultats", "Scénario - canaux"} <= set(
        book.sheetnames)
    sheet = book["Scénario - résultats"]
    header = [c.value for c in sheet[1]]
    rows = {r[0]: dict(zip(header, r, strict=True))
            for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["clients"]["baseline"] == 18.0
    assert rows["clients"]["scenario"] == pytest.approx(18.0 * 1.2)
    assert rows["roi"]["scenario"] == pytest.approx(scen["roi"])
    levers_sheet = book["Scénario - leviers"]
    values = {r[1]: r[2] for r in levers_sheet.iter_rows(min_row=2, values_only=True)}
    assert values["win_rate"] == 1.2 and values["cost.events"] == 0.7
    # the live-formula KPI sheets of roi_core.outputs.excel are there too
    assert any(name.startswith("kpi_") for name in book.sheetnames)


def test_gallery_serves_the_notebooks_folder() -> None:
    # `marimo run notebooks/` needs every notebook in the folder to parse as a marimo app
    result = subprocess.run([sys.executable, "-m", "marimo", "check", str(NOTEBOOKS)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_quality_badge_on_the_demo_and_on_a_workbook_with_a_warning(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean = run_app(monkeypatch, None)["quality_badge"].text
    assert "aucun problème" in clean and "?file=data_quality.py" in clean
    sheets = article_sheets()
    sheets["Coûts"] = [*sheets["Coûts"],
                       [None, "indirecte", "Loyer", 1000, None, None, "fixe", "2026-01-15"]]
    path = write_workbook(tmp_path / "alerte.xlsx", sheets)
    warned = run_app(monkeypatch, path)["quality_badge"].text
    assert "1 alerte" in warned and "Coûts" in warned
