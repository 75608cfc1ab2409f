"""DOMAIN.md's test vectors, each its own test, through real files and the full loader."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from workbooks import CASE_STUDY, write_csv, write_xlsx

from roi_core.io import load_workbook
from roi_core.kpis import kpi_table


@pytest.fixture
def case_study(tmp_path):
    return load_workbook(write_xlsx(tmp_path / "cas.xlsx", CASE_STUDY))


def total(data, **kw):
    return kpi_table(data, **kw).iloc[0]


def test_case_study_cost_per_lead(case_study):
    # The article prints 66,70: a rounding slip for 8 000 / 120.
    assert total(case_study).cost_per_lead == pytest.approx(66.6667, abs=1e-4)


def test_case_study_cost_per_opportunity(case_study):
    assert total(case_study).cost_per_opportunity == pytest.approx(266.6667, abs=1e-4)


def test_case_study_cac(case_study):
    assert total(case_study).cac == 800


def test_case_study_cost_per_contact(case_study):
    assert total(case_study).cost_per_contact == 10


def test_case_study_margin(case_study):
    k = total(case_study)
    assert k.cost == 8000
    assert k.margin == 24000
    assert k.margin_per_client == 2400
    assert k.net_margin_per_client == 1600


def test_case_study_roi(case_study):
    assert total(case_study).roi == pytest.approx(2.0)


def test_case_study_win_rate(case_study):
    assert total(case_study).win_rate == pytest.approx(1 / 3)


def test_case_study_break_even(case_study):
    k = total(case_study)
    assert k.break_even_clients == pytest.approx(10 / 3)
    assert k.break_even_win_rate == pytest.approx(0.1111, abs=1e-4)
    assert k.break_even_cost == 24000


def test_case_study_without_indirect_costs(case_study):
    k = total(case_study, include_indirect=False)
    assert k.cost == 6500
    assert k.roi == pytest.approx((24000 - 6500) / 6500)


def test_case_study_revenue_basis(case_study):
    k = total(case_study, basis="revenue")
    assert k.roi == pytest.approx((60000 - 8000) / 8000)
    assert k.margin == 24000  # margin stays margin; only ROI and break-even switch basis


def single_table(tmp_path, header, row, name="table.csv"):
    return load_workbook(write_csv(tmp_path / name, [header, row]))


def test_faq_calls(tmp_path):
    data = single_table(tmp_path, ["Campagne", "Canal", "Coût", "Contacts", "Leads",
                                   "Opportunités", "Ventes", "Marge par client"],
                        ["Appels", "Téléprospection", "8 000 €", "1 500", 150, 40, 10, "2 000"])
    k = total(data)
    assert (k.margin, k.roi, k.cost_per_opportunity, k.cac) == (20000, 1.5, 200, 800)


def test_faq_cost_per_lead_and_opportunity(tmp_path):
    data = single_table(tmp_path, ["Campagne", "Canal", "Coût", "Leads", "Opportunités"],
                        ["Mix", "Emailing", "10 000", 200, 40])
    k = total(data)
    assert (k.cost_per_lead, k.cost_per_opportunity) == (50, 250)
    assert k.roi != k.roi  # no margin recorded: ROI is not defined, not -100 %


def test_faq_roi(tmp_path):
    data = single_table(tmp_path, ["Campagne", "Canal", "Coût", "Clients", "Marge"],
                        ["Salon", "Salons", "20 000 €", 5, "40 000 €"])
    assert total(data).roi == 1.0


def test_cli_json_gives_the_article_numbers(tmp_path):
    path = write_xlsx(tmp_path / "cas.xlsx", CASE_STUDY)
    out = subprocess.run([sys.executable, "-m", "roi_core", "kpis", str(path), "--by",
                          "channel", "--format", "json"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert len(rows) == 1
    row = rows[0]
    assert row["channel"] == "Téléprospection"
    assert round(row["cost_per_lead"], 2) == 66.67
    assert round(row["cost_per_opportunity"], 2) == 266.67
    assert row["cac"] == 800
    assert row["roi"] == 2.0
    assert round(row["win_rate"], 3) == 0.333
    assert row["cost_per_meeting"] is None  # meetings not recorded
    assert row["sales_cycle_days"] is None


def test_faq_calls_typed_as_appels(tmp_path):
    # "1 500 appels" in the FAQ: a user names the column after what was done.
    data = single_table(tmp_path, ["Campagne", "Canal", "Investissement", "Appels", "Leads",
                                   "Opportunités", "Ventes", "Marge par client"],
                        ["Appels", "Téléprospection", "8 000 €", "1 500", 150, 40, 10, "2 000"])
    k = total(data)
    assert (k.contacts, k.cost_per_contact, k.roi) == (1500, 8000 / 1500, 1.5)
