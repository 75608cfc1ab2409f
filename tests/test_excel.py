"""The Excel export: live formulas that a spreadsheet engine recomputes to roi_core's numbers.

The engine is the ``formulas`` package (a Python Excel calculator): it reads the file we
wrote, evaluates every formula, and the values must equal ``roi_core.kpis`` to 1e-9.
"""

from __future__ import annotations

import io
import math
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import formulas
import numpy as np
import openpyxl
import pandas as pd
import pytest
from conftest import ROOT, SAMPLE
from report_workbooks import write_report_workbook

from roi_core.dataset import UNASSIGNED
from roi_core.funnel import derive_funnel
from roi_core.io import load_workbook
from roi_core.kpis import kpi_table
from roi_core.outputs.excel import EXPORTED_KPIS, KPI_SHEETS, kpi_workbook_bytes, write_kpi_workbook

DEMO = SAMPLE / "demo_company.xlsx"


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> Path:
    return write_report_workbook(tmp_path_factory.mktemp("xl") / "report.xlsx")


@pytest.fixture(scope="module")
def data(workbook):
    return load_workbook(workbook)


def evaluate(path: Path) -> dict[str, dict[str, object]]:
    """Every cell of every sheet as the spreadsheet engine computes it: {SHEET: {A1: value}}."""
    model = formulas.ExcelModel().loads(str(path)).finish()
    out: dict[str, dict[str, object]] = {}
    for key, value in model.calculate().items():
        ref = str(key)
        if "!" not in ref or ":" in ref.split("!")[1]:
            continue
        sheet, cell = ref.split("]", 1)[1].split("!")
        out.setdefault(sheet.strip("'").upper(), {})[cell] = value.value[0][0]
    return out


def sheet_table(values: dict[str, object], columns: list[str], n_rows: int) -> pd.DataFrame:
    """A computed sheet as a frame (header names from row 1); blank and "" become NaN."""
    letters = {v: k.rstrip("0123456789") for k, v in values.items() if k.endswith("1")
               and k[:-1].isalpha()}
    rows = []
    for r in range(2, n_rows + 2):
        row = {}
        for name in columns:
            v = values.get(f"{letters[name]}{r}")
            row[name] = np.nan if v is None or (isinstance(v, str) and v == "") else v
        rows.append(row)
    return pd.DataFrame(rows)


def assert_same(expected: pd.DataFrame, got: pd.DataFrame, columns: list[str]) -> None:
    for name in columns:
        for i, (e, g) in enumerate(zip(expected[name], got[name], strict=True)):
            if pd.isna(e):
                assert pd.isna(g), (name, i, e, g)
            else:
                assert isinstance(g, (int, float, np.number)), (name, i, e, g)
                assert math.isclose(float(g), float(e), rel_tol=1e-9, abs_tol=1e-12), (
                    name, i, e, g)


def domain_contact_rate(by_campaign: pd.DataFrame, groups: pd.Series | None) -> list[float]:
    """contacts / targets over the campaigns recording both (DOMAIN.md's definition)."""
    both = by_campaign[by_campaign["contacts"].notna() & by_campaign["targets"].notna()]
    keys = [None] if groups is None else list(groups)
    out = []
    for key in keys:
        part = both if key is None else both[both["channel"] == key]
        den = part["targets"].sum()
        out.append(part["contacts"].sum() / den if len(part) and den else np.nan)
    return out


def assert_sheets_match(values: dict, data, **kw) -> None:
    """Every KPI sheet the engine recomputed equals roi_core's table for its grouping; the
    contact rate also equals DOMAIN.md's definition (all contacts / targets of the
    campaigns recording both), computed here independently.

    kpi_campaign keeps a row per campaign id, those of no campaign too (they hold the cost
    an allocation spreads); roi_core does not show them once their cost is allocated: there,
    the sheet must show a cost of 0 (or none) and zero volumes."""
    method = kw.get("allocate_shared", "none")
    ids = kpi_table(data, "campaign", **{**kw, "allocate_shared": "none"})["campaign_id"]
    by_campaign = kpi_table(data, "campaign", **kw)
    for grouping, sheet in KPI_SHEETS.items():
        expected = kpi_table(data, grouping, **kw).reset_index(drop=True)
        if grouping == "campaign" and len(ids) != len(expected):
            got = sheet_table(values[sheet.upper()], [*EXPORTED_KPIS, "campaign_id"], len(ids))
            gone = ~got["campaign_id"].isin(expected["campaign_id"])
            assert method != "none" and set(got.loc[gone, "campaign_id"]) <= set(
                ids[kpi_table(data, "campaign")["channel"] == UNASSIGNED])
            assert got.loc[gone, "cost"].fillna(0).eq(0).all()
            assert got.loc[gone, ["leads", "clients", "margin"]].eq(0).all().all()
            got = got[~gone].reset_index(drop=True)
        else:
            got = sheet_table(values[sheet.upper()], EXPORTED_KPIS, len(expected))
        assert_same(expected, got, EXPORTED_KPIS)
        if grouping == "campaign":
            wanted = (by_campaign["contacts"] / by_campaign["targets"]).tolist()
        else:
            wanted = domain_contact_rate(by_campaign, expected["channel"]
                                         if grouping == "channel" else None)
        assert_same(pd.DataFrame({"c": wanted}), got.rename(columns={"contact_rate": "c"}),
                    ["c"])


@pytest.mark.parametrize("include_indirect,basis,allocate_shared", [
    (True, "margin", "none"), (False, "revenue", "none"), (True, "margin", "cost"),
    (False, "margin", "cost"), (True, "revenue", "contacts")])
def test_the_formulas_recompute_to_roi_cores_numbers(tmp_path, data, include_indirect, basis,
                                                     allocate_shared):
    # The workbook has 1 100 € of cost of no campaign (a blank id, and C9 unknown).
    path = write_kpi_workbook(data, tmp_path / "kpis.xlsx", include_indirect=include_indirect,
                              basis=basis, allocate_shared=allocate_shared)
    values = evaluate(path)
    kw = {"include_indirect": include_indirect, "basis": basis,
          "allocate_shared": allocate_shared}
    assert_sheets_match(values, data, **kw)
    channels = kpi_table(data, "channel", **kw)
    total = sheet_table(values["KPI_TOTAL"], EXPORTED_KPIS, 1).iloc[0]
    got = sheet_table(values["KPI_CHANNEL"], EXPORTED_KPIS, len(channels))
    assert got["cost"].sum() == pytest.approx(total["cost"], abs=0.005)  # to the cent
    assert (UNASSIGNED in set(channels["channel"])) == (allocate_shared == "none")


def test_the_allocation_follows_an_edit_of_the_shared_line(tmp_path, data):
    path = write_kpi_workbook(data, tmp_path / "k.xlsx", allocate_shared="cost")
    wb = openpyxl.load_workbook(path)
    ws = wb["costs"]
    header = [c.value for c in ws[1]]
    item, amount = header.index("item") + 1, header.index("amount") + 1
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=item).value
               == "Formation")
    ws.cell(row=row, column=amount).value = 1700  # the shared training line: 700 -> 1 700
    wb.save(path)
    values = evaluate(path)
    channels = sheet_table(values["KPI_CHANNEL"], ["channel", *EXPORTED_KPIS], 5)
    cost = channels.set_index("channel")["cost"]
    # Shared: 1 700 (indirect) + C9's 400 (direct), pro rata of direct cost: C1 6 900,
    # C2 1 200, C3 900, C4 6 000 (C5 has no cost line, it takes no share).
    assert cost["Social selling"] == pytest.approx(900 + 2100 * 900 / 15000, abs=1e-9)
    assert cost.sum() == pytest.approx(18750, abs=1e-9)
    assert "(unassigned)" not in cost.index
    notes = {r[0].value: r[1].value for r in wb["notes"].iter_rows()}
    assert "pro rata of direct cost" in notes["shared costs"]


def check_recomputes(data, path: Path) -> None:
    """Export ``data``, recompute it, compare every KPI sheet with roi_core."""
    # No formula reads touchpoints or activities (the KPIs come from the funnel): leaving
    # their 32 000 rows out of the file only spares the engine minutes of loading.
    write_kpi_workbook(data, path, raw_sheets=False)
    assert not {"touchpoints", "activities"} & set(openpyxl.load_workbook(
        path, read_only=True).sheetnames)
    assert_sheets_match(evaluate(path), data)


@pytest.mark.parametrize("funnel", ["sheet", "derived"])
def test_the_demo_company_recomputes(tmp_path, funnel):
    data = load_workbook(DEMO)
    if funnel == "derived":  # no funnel sheet: volumes from deals and activities
        data = data.replace(funnel=derive_funnel(data.campaigns, data.deals, data.activities),
                            funnel_source="derived")
    check_recomputes(data, tmp_path / "demo.xlsx")


def test_hand_checked_totals(tmp_path, data):
    # Cost: C1 1500 + 120 h × 45 + 300, C2 1200 + 250, C3 900, C4 6000 + 1100, C9 400,
    # unassigned 700 = 17 750. Margin: C1 7200 + 10400, C2 3150 + 1400, C5 9000 = 31 150.
    values = evaluate(write_kpi_workbook(data, tmp_path / "k.xlsx"))["KPI_TOTAL"]
    total = sheet_table(values, EXPORTED_KPIS, 1).iloc[0]
    assert total["cost"] == 17750 and total["margin"] == 31150
    # ROI over the campaigns recording both cost and margin: C1, C2, C3 (C5 has no cost,
    # C4 no margin): margin 22 150, cost 7200 + 1450 + 900 = 9550; and every euro of no
    # campaign (700 + C9's 400: their volumes are zero, not unrecorded) = 10 650.
    assert math.isclose(total["roi"], (22150 - 10650) / 10650, rel_tol=1e-12)


def test_kpi_cells_are_formulas_and_inputs_are_values(data):
    wb = openpyxl.load_workbook(io.BytesIO(kpi_workbook_bytes(data)))
    assert wb.sheetnames[:3] == ["kpi_total", "kpi_channel", "kpi_campaign"]
    assert {"campaigns", "costs", "funnel", "notes"} <= set(wb.sheetnames)
    for sheet in KPI_SHEETS.values():
        ws = wb[sheet]
        header = [c.value for c in ws[1]]
        for name in ("cost", "cost_per_lead", "roi", "win_rate"):
            cell = ws.cell(row=2, column=header.index(name) + 1)
            assert cell.data_type == "f" and cell.value.startswith("="), (sheet, name)
        assert ws.freeze_panes == "B2"
    ws = wb["kpi_campaign"]
    header = [c.value for c in ws[1]]
    cpl = ws.cell(row=2, column=header.index("cost_per_lead") + 1)
    assert cpl.value.startswith("=IFERROR(") and cpl.value.endswith(',"")')
    assert cpl.number_format.startswith("#,##0.00")
    assert ws.cell(row=2, column=header.index("roi") + 1).number_format == "0.0%"
    camps = wb["campaigns"]
    start = camps.cell(row=2, column=[c.value for c in camps[1]].index("start_date") + 1)
    assert start.is_date and start.number_format == "yyyy-mm-dd"
    # Hours × rate is kept as a live product in the costs sheet.
    costs = wb["costs"]
    cheader = [c.value for c in costs[1]]
    amounts = [costs.cell(row=r, column=cheader.index("amount") + 1).value
               for r in range(2, costs.max_row + 1)]
    assert sum(isinstance(a, str) and a.startswith("=") for a in amounts) == 1


def test_changing_an_input_changes_the_kpis(tmp_path, data):
    path = write_kpi_workbook(data, tmp_path / "k.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["costs"]
    header = [c.value for c in ws[1]]
    ws.cell(row=2, column=header.index("amount") + 1).value = 2500  # C1's list: 1500 -> 2500
    wb.save(path)
    total = sheet_table(evaluate(path)["KPI_TOTAL"], EXPORTED_KPIS, 1).iloc[0]
    assert total["cost"] == 18750


def test_text_that_looks_like_a_formula_stays_text(tmp_path, data):
    path = write_kpi_workbook(data, tmp_path / "k.xlsx")
    wb = openpyxl.load_workbook(path)
    found = {}
    for ws in wb.worksheets:
        if ws.title.startswith("kpi_") or ws.title in ("campaigns", "costs"):
            for row in ws.iter_rows():
                for cell in row:
                    if cell.value in ('=HYPERLINK("http://evil.example/","clic")', "+33 1 23",
                                      "@SUM(A1)", "-Nord"):
                        found[(ws.title, cell.value)] = (cell.data_type, cell.quotePrefix)
    assert found[("campaigns", '=HYPERLINK("http://evil.example/","clic")')] == ("s", True)
    assert found[("kpi_campaign", '=HYPERLINK("http://evil.example/","clic")')] == ("s", True)
    assert found[("costs", "+33 1 23")] == ("s", True)
    assert found[("campaigns", "@SUM(A1)")] == ("s", True)
    assert found[("campaigns", "-Nord")] == ("s", True)
    # In the file itself, no formula element mentions HYPERLINK: it is an inline string.
    with zipfile.ZipFile(path) as z:
        xml = b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert not re.search(rb"<f>[^<]*HYPERLINK", xml)
    assert re.search(rb'<c [^>]*t="inlineStr"><is><t>=HYPERLINK', xml)


def test_extra_sheets_are_formatted_values(data):
    scenario = pd.DataFrame({"lever": ["events cost", "=1+1"], "multiplier": [0.7, 1.0],
                             "roi": [1.25, np.nan]})
    wb = openpyxl.load_workbook(io.BytesIO(kpi_workbook_bytes(
        data, extra_sheets={"scenario: events -30 %": scenario})))
    ws = wb["scenario_ events -30 %"]
    assert [c.value for c in ws[1]] == ["lever", "multiplier", "roi"]
    assert ws["A3"].value == "=1+1" and ws["A3"].data_type == "s"
    assert ws["C2"].value == 1.25 and ws["C2"].number_format == "0.0%"
    assert ws["C3"].value is None


def test_the_export_loads_back_with_the_same_kpis(tmp_path, data):
    path = write_kpi_workbook(data, tmp_path / "k.xlsx")
    again = load_workbook(path)
    pd.testing.assert_frame_equal(kpi_table(again, "channel"), kpi_table(data, "channel"))


def test_export_command(tmp_path, workbook):
    out = tmp_path / "kpis.xlsx"
    run = subprocess.run([sys.executable, "-m", "roi_core", "export", str(workbook), "-o",
                          str(out), "--no-indirect", "--basis", "revenue"], cwd=ROOT,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    notes = {r[0].value: r[1].value for r in openpyxl.load_workbook(out)["notes"].iter_rows()}
    assert notes["indirect costs"] == "left out" and notes["ROI basis"] == "revenue"


def test_export_command_bad_input_exits_2(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("campaign,channel,cost,leads\nA,emailing,abc,4\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "roi_core", "export", str(bad), "-o",
                          str(tmp_path / "k.xlsx")], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "abc" in run.stderr and "Traceback" not in run.stderr


def test_export_of_the_blank_template_is_a_located_error(tmp_path):
    run = subprocess.run([sys.executable, "-m", "roi_core", "export",
                          str(SAMPLE / "template.xlsx"), "-o", str(tmp_path / "k.xlsx")],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 2 and run.stderr.count("\n") == 1
    assert "sheet 'Campagnes'" in run.stderr and "no campaign" in run.stderr


def test_labels_that_look_like_patterns_match_only_themselves(tmp_path):
    # SUMIFS would read "A*" as "anything starting with A" and "<5" as "less than 5".
    # (A label with "~" is escaped as "~~", as Excel documents; the formulas engine does
    # not implement that escape, so it is not checked here.)
    csv = tmp_path / "motifs.csv"
    csv.write_text(
        "Campagne;Canal;Coût;Contacts;Leads;Opportunités;Clients;Chiffre d'affaires;"
        "Taux de marge\n"
        "A*;x*;100;50;10;4;1;1000;40 %\n"
        "A1;xy;200;80;20;5;2;3000;40 %\n"
        "B?;Part?;300;90;9;3;1;2000;50 %\n"
        "BX;Parts;400;100;40;8;4;9000;30 %\n"
        "<5;xy;50;10;5;1;0;0;40 %\n"
        "x;x*;70;20;2;1;1;800;40 %\n"
        "=X;Parts;90;30;6;2;1;1500;40 %\n", encoding="utf-8")
    data = load_workbook(csv)
    check_recomputes(data, tmp_path / "motifs.xlsx")
