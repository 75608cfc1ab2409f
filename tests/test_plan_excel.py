"""The plan's Excel export: live formulas that the ``formulas`` engine recomputes to
roi_core.plan's numbers, and that follow when finance changes a rate."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from test_excel import evaluate

from roi_core.io import load_workbook
from roi_core.outputs.plan_excel import PLAN_COLUMNS, write_plan_workbook
from roi_core.plan import Target, cash_flow, payback, plan_quarter, reverse_funnel
from roi_core.scenario import base_table

DEMO = Path(__file__).resolve().parents[1] / "sample_data" / "demo_company.xlsx"
CHECKED = ["clients", "opportunities", "meetings", "leads", "contacts", "targets",
           "cost_variable", "cost_fixed", "cost", "revenue", "margin", "cac", "roi"]
LETTER = {name: openpyxl.utils.get_column_letter(i) for i, name in enumerate(PLAN_COLUMNS, 1)}


@pytest.fixture(scope="module")
def plan():
    data = load_workbook(DEMO)
    return plan_quarter(data, base_table(data), Target("clients", 30, "2027-01", "2027-03"),
                        payment_delay_months=1)


@pytest.fixture(scope="module")
def path(plan, tmp_path_factory):
    return write_plan_workbook(plan, tmp_path_factory.mktemp("plan") / "plan.xlsx")


@pytest.fixture(scope="module")
def computed(path):
    return evaluate(path)


def close(got, expected) -> bool:
    if expected is None or (isinstance(expected, float) and math.isnan(expected)):
        return got in (None, "")
    return isinstance(got, (int, float, np.number)) and math.isclose(
        float(got), float(expected), rel_tol=1e-9, abs_tol=1e-9)


def test_the_reverse_funnel_recomputes_to_roi_cores_plan(plan, computed):
    sheet = computed["PLAN"]
    rows = list(plan.funnel["channel"])
    for r, channel in enumerate(rows, start=2):
        assert sheet[f"A{r}"] == channel
        expected = plan.funnel.iloc[r - 2]
        for name in CHECKED:
            assert close(sheet.get(f"{LETTER[name]}{r}"), expected[name]), (channel, name)
    total = len(rows) + 1
    assert close(sheet[f"{LETTER['calls']}{total}"], plan.team["calls"])
    assert close(sheet[f"{LETTER['fte']}{total}"], plan.team["fte"])
    assert close(sheet[f"B{total + 2}"], plan.team["reps_needed"])
    assert close(sheet[f"B{total + 3}"], plan.team["hiring_gap"])


def test_the_capacity_recomputes(plan, computed):
    sheet = computed["PLAN_CAPACITY"]
    cap = plan.capacity[plan.capacity["channel"] != "total"].reset_index(drop=True)
    for i, rec in cap.iterrows():
        r = i + 2
        assert (sheet[f"A{r}"], sheet[f"B{r}"]) == (rec["channel"], rec["type"])
        for col, name in (("E", "activities"), ("F", "hours"), ("G", "fte")):
            assert close(sheet[f"{col}{r}"], rec[name]), (r, name)


def test_the_cash_curve_and_payback_recompute(plan, computed):
    sheet = computed["PLAN_CASH"]
    header = {v: k[:-1] for k, v in sheet.items() if k[-1] == "1" and k[:-1].isalpha()}
    total = plan.cash[plan.cash["channel"] == "total"].reset_index(drop=True)
    for i, rec in total.iterrows():
        r = i + 2
        assert sheet[f"A{r}"] == f"{rec['month']:%Y-%m}"
        for name in ("cost", "clients", "margin", "net", "cumulative"):
            assert close(sheet[f"{header[name]}{r}"], rec[name]), (r, name)
    settings = computed["PLAN_SETTINGS"]
    result = payback(plan.cash)
    assert settings["B8"] == f"{result['payback_month']:%Y-%m}"
    assert close(settings["B9"], result["peak_cash_need"])


def test_rates_and_targets_are_inputs_stages_are_formulas(path):
    ws = openpyxl.load_workbook(path)["plan"]
    for name in ("clients", "win_rate", "lead_rate", "variable_cost_per_contact"):
        assert ws[f"{LETTER[name]}2"].data_type == "n"
    for name in ("opportunities", "leads", "contacts", "cost", "roi", "hours"):
        assert ws[f"{LETTER[name]}5"].data_type == "f"
    assert "ROUNDUP" in ws[f"{LETTER['contacts']}2"].value


def test_finance_changes_a_rate_and_the_plan_follows(plan, path, tmp_path):
    wb = openpyxl.load_workbook(path)
    ws = wb["plan"]
    rows = list(plan.funnel["channel"])
    r = rows.index("Téléprospection") + 2
    ws[f"{LETTER['win_rate']}{r}"] = 0.25
    ws[f"{LETTER['clients']}{r}"] = 24
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    computed = evaluate(edited)
    rates = plan.rates.copy()
    rates.loc[rates["channel"] == "Téléprospection", "win_rate"] = 0.25
    split = dict(zip(plan.funnel["channel"][:-1], plan.funnel["clients"][:-1], strict=True))
    split["Téléprospection"] = 24
    funnel = reverse_funnel(rates, Target("clients", sum(split.values()), "2027-01",
                                          "2027-03"), split=split)
    # 24 clients at 25 %: 96 opportunities, ⌈96 / 0.334⌉ leads, … as roi_core plans them.
    assert funnel.set_index("channel").loc["Téléprospection", "opportunities"] == 96
    sheet = computed["PLAN"]
    for i, channel in enumerate(funnel["channel"]):
        for name in CHECKED:
            assert close(sheet.get(f"{LETTER[name]}{i + 2}"), funnel.iloc[i][name]), (
                channel, name)
    cash = cash_flow(funnel, plan.offsets, plan.target, payment_delay_months=1)
    cash_sheet = computed["PLAN_CASH"]
    header = {v: k[:-1] for k, v in cash_sheet.items() if k[-1] == "1" and k[:-1].isalpha()}
    total = cash[cash["channel"] == "total"].reset_index(drop=True)
    for i, rec in total.iterrows():
        assert close(cash_sheet[f"{header['cumulative']}{i + 2}"], rec["cumulative"]), i
    assert pd.Timestamp(computed["PLAN_SETTINGS"]["B8"]) == payback(cash)["payback_month"]
