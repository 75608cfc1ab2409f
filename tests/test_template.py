"""The blank template: its guide sheet, its headers, and the article's case study typed in."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import openpyxl
import pytest
from conftest import ROOT, SAMPLE

from roi_core.io import load_workbook
from roi_core.schema import SHEETS

TEMPLATE = SAMPLE / "template.xlsx"


def _headers(ws) -> list[str]:
    return [c.value for c in ws[1] if c.value is not None]


def test_first_sheet_explains_how_to_fill_it_in() -> None:
    book = openpyxl.load_workbook(TEMPLATE)
    assert book.sheetnames[0] == "Mode d'emploi"
    text = " ".join(str(c.value) for row in book["Mode d'emploi"].iter_rows() for c in row
                    if c.value)
    for words in ("Directe", "Indirecte", "Fixe", "Variable", "non renseigné", "8 000 €",
                  "40 %", "15/01/2026", "Taux horaire", "Campagnes", "Activités"):
        assert words in text, words


def test_one_sheet_per_table_with_the_french_headers() -> None:
    book = openpyxl.load_workbook(TEMPLATE)
    assert book.sheetnames[1:] == [s.label_fr for s in SHEETS.values()]
    for sheet in SHEETS.values():
        ws = book[sheet.label_fr]
        assert _headers(ws) == [c.label_fr for c in sheet.columns]
        assert ws.freeze_panes == "A2"
        assert all(c.font.bold for c in ws[1])
        assert ws.max_row == 1  # blank: headers only


def test_drop_down_lists_for_the_known_words() -> None:
    book = openpyxl.load_workbook(TEMPLATE)
    lists = {sheet: " ".join(dv.formula1 for dv in book[sheet].data_validations.dataValidation)
             for sheet in ("Coûts", "Affaires", "Activités")}
    assert "Directe,Indirecte" in lists["Coûts"] and "Fixe,Variable" in lists["Coûts"]
    assert "En cours,Gagnée,Perdue" in lists["Affaires"]
    assert "RDV pris" in lists["Activités"]


def test_template_is_what_the_script_writes(tmp_path) -> None:
    out = tmp_path / "template.xlsx"
    subprocess.run([sys.executable, str(SAMPLE / "make_template.py"), "--out", str(out)],
                   check=True, capture_output=True)
    fresh, committed = openpyxl.load_workbook(out), openpyxl.load_workbook(TEMPLATE)
    assert fresh.sheetnames == committed.sheetnames
    for name in fresh.sheetnames:
        assert [[c.value for c in r] for r in fresh[name].iter_rows()] == \
            [[c.value for c in r] for r in committed[name].iter_rows()]


def _fill_case_study(path) -> None:
    """The DOMAIN.md case study typed into the template as a French user would."""
    book = openpyxl.load_workbook(TEMPLATE)
    book["Campagnes"].append(["C01", "Étude de cas", "Téléprospection", "PME industrie",
                              "Équipe Nord", dt.datetime(2026, 1, 5), None, 1000])
    book["Coûts"].append(["C01", "Directe", "Campagne d'appels", "8 000 €", None, None,
                          "Fixe", dt.datetime(2026, 1, 5)])
    book["Entonnoir"].append(["C01", "01/2026", 800, 120, 30, None, 10, 60000, None, "40 %"])
    book.save(path)


def test_case_study_in_the_template_gives_the_article_numbers(tmp_path) -> None:
    path = tmp_path / "etude_de_cas.xlsx"
    _fill_case_study(path)
    assert load_workbook(path).funnel_source == "sheet"
    result = subprocess.run([sys.executable, "-m", "roi_core", "kpis", str(path), "--format",
                             "json"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    [k] = json.loads(result.stdout)
    assert k["cost"] == 8000
    assert k["cost_per_lead"] == pytest.approx(66.67, abs=0.005)
    assert k["cost_per_opportunity"] == pytest.approx(266.67, abs=0.005)
    assert k["cac"] == 800
    assert k["cost_per_contact"] == 10
    assert k["margin"] == 24000
    assert k["margin_per_client"] == 2400
    assert k["net_margin_per_client"] == 1600
    assert k["roi"] == pytest.approx(2.0)
    assert k["win_rate"] == pytest.approx(1 / 3)
    assert k["break_even_clients"] == pytest.approx(10 / 3)
    assert k["break_even_win_rate"] == pytest.approx(1 / 9)
    assert k["contact_rate"] == pytest.approx(0.8)
    assert k["cost_per_meeting"] is None
