"""The command line's tables read like the app: French by default (English with --lang en),
Babel number formats with their unit, compact columns that fit 120 characters, every ROI
in percent; CSV and JSON stay canonical whatever the language."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from conftest import SAMPLE
from hypothesis import given, settings
from hypothesis import strategies as st
from journey_workbook import write_journey_workbook
from strategies import fact_tables
from workbooks import CASE_STUDY, write_xlsx

from roi_core.cli import main
from roi_core.cli.render import (
    ATTRIBUTION_COLUMNS_SHORT,
    COHORT_COLUMNS_SHORT,
    KPI_COLUMNS_SHORT,
    header,
    render,
)
from roi_core.kpis import compute_kpis

NNBSP, NBSP = "\u202f", "\u00a0"  # Babel's French group separator, and before € and %
DEMO = SAMPLE / "demo_company.xlsx"


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    return str(write_xlsx(tmp_path_factory.mktemp("case") / "cas.xlsx", CASE_STUDY))


@pytest.fixture(scope="module")
def journeys(tmp_path_factory):
    return str(write_journey_workbook(tmp_path_factory.mktemp("j") / "journeys.xlsx"))


# --- the article's case study, in both languages -------------------------------------------

def test_french_by_default_with_units(capsys, case):
    code, out, _ = _run(capsys, "kpis", case, "--by", "channel")
    assert code == 0
    head, row = out.splitlines()
    # Cost 8 000 €, CPL 66,67 €, CPO 266,67 €, CAC 800,00 €, ROI 200,0 % (test vector 1).
    for shown in (f"8{NNBSP}000{NBSP}€", f"66,67{NBSP}€", f"266,67{NBSP}€",
                  f"800,00{NBSP}€", f"200,0{NBSP}%"):
        assert shown in row, shown
    assert head.split()[:2] == ["Canal", "Coût"]
    assert "66.67" not in out and "8,000" not in out


def test_english_with_lang_en(capsys, case):
    code, out, _ = _run(capsys, "kpis", case, "--by", "channel", "--lang", "en")
    assert code == 0
    head, row = out.splitlines()
    for shown in ("€8,000", "€66.67", "€266.67", "€800.00", "200.0%"):
        assert shown in row, shown
    assert head.split()[:2] == ["Channel", "Cost"]


def test_json_and_csv_do_not_follow_the_language(capsys, case):
    outs = {}
    for fmt in ("json", "csv"):
        for lang in ("fr", "en"):
            code, outs[fmt, lang], _ = _run(capsys, "kpis", case, "--by", "channel",
                                            "--format", fmt, "--lang", lang)
            assert code == 0
        assert outs[fmt, "fr"] == outs[fmt, "en"]
    (row,) = json.loads(outs["json", "fr"])
    assert row["roi"] == 2.0 and row["meetings"] is None  # fractions, null for undefined
    assert "cost_per_lead" in outs["csv", "fr"].splitlines()[0]


# --- columns -------------------------------------------------------------------------------

def test_compact_columns_by_default_all_on_request(capsys, case):
    _, compact, _ = _run(capsys, "kpis", case, "--by", "channel")
    _, everything, _ = _run(capsys, "kpis", case, "--by", "channel", "--columns", "all")
    assert compact.splitlines()[0].split("  ")[0] == "Canal"
    shown = [h for h in compact.splitlines()[0].split("  ") if h.strip()]
    assert [h.strip() for h in shown] == [header(c) for c in ["channel", *KPI_COLUMNS_SHORT]]
    assert header("break_even_win_rate") in everything.splitlines()[0]
    assert header("break_even_win_rate") not in compact.splitlines()[0]
    assert len(everything.splitlines()[0]) > len(compact.splitlines()[0])


def test_columns_by_name_keep_the_key_first(capsys, case):
    code, out, _ = _run(capsys, "kpis", case, "--by", "channel", "--columns", "roi,cac")
    assert code == 0
    assert out.splitlines()[0].split() == ["Canal", "ROI", "CAC"]
    code, out, _ = _run(capsys, "kpis", case, "--by", "channel", "--columns", "roi",
                        "--format", "json")
    assert json.loads(out) == [{"channel": "Téléprospection", "roi": 2.0}]


def test_unknown_column_exits_2_with_one_message(capsys, case):
    code, out, err = _run(capsys, "kpis", case, "--columns", "roi,nope")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "'nope'" in err and "cost_per_lead" in err


# --- the demo company: every table fits 120 characters ---------------------------------------

@pytest.mark.skipif(not DEMO.exists(), reason="sample_data/demo_company.xlsx not generated")
@pytest.mark.parametrize("args", [
    ("kpis", "--by", "total"), ("kpis", "--by", "channel"), ("kpis", "--by", "campaign"),
    ("kpis", "--by", "segment"), ("kpis", "--by", "team"), ("kpis", "--by", "month"),
    ("cohorts",), ("attribution",), ("attribution", "--by", "campaign"),
])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_demo_tables_fit_120_columns(capsys, args, lang):
    code, out, err = _run(capsys, args[0], str(DEMO), *args[1:], "--lang", lang)
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) > 1
    assert max(map(len, lines)) <= 120, max(lines, key=len)


@pytest.mark.skipif(not DEMO.exists(), reason="sample_data/demo_company.xlsx not generated")
def test_cohorts_every_roi_in_percent(capsys):
    code, out, _ = _run(capsys, "cohorts", str(DEMO))
    assert code == 0
    lines = out.splitlines()
    heads = [header(c) for c in COHORT_COLUMNS_SHORT]
    assert all(h in lines[0] for h in heads)
    immature = [re.split(r"\s{2,}", line) for line in lines if " immature " in line]
    assert immature
    for cells in immature:
        roi, with_estimate = cells[-2:]  # both in percent, the same unit
        assert roi.endswith(f"{NBSP}%") and with_estimate.endswith(f"{NBSP}%"), cells
    code, out, _ = _run(capsys, "cohorts", str(DEMO), "--format", "json")
    rows = json.loads(out)
    assert rows[0]["launch"] == "2025-12-01"  # JSON keeps ISO days
    est = [r for r in rows if r["roi_with_estimate"] is not None]
    assert est and all(abs(r["roi_with_estimate"]) < 20 for r in est)  # fractions


def test_cohorts_dates_in_the_language(capsys, journeys):
    _, fr, _ = _run(capsys, "cohorts", journeys, "--as-of", "2026-03-01")
    _, en, _ = _run(capsys, "cohorts", journeys, "--as-of", "2026-03-01", "--lang", "en")
    assert "01/01/2026" in fr and "2026-01-01" not in fr
    assert "Launch" in en.splitlines()[0] and "Lancement" in fr.splitlines()[0]
    assert "mûre" in fr or "immature" in fr


# --- attribution ---------------------------------------------------------------------------

def test_attribution_table_reads_like_the_app(capsys, journeys):
    code, out, _ = _run(capsys, "attribution", journeys, "--model", "all")
    assert code == 0
    head = out.splitlines()[0]
    assert [h.strip() for h in head.split("  ") if h.strip()] == [
        header(c) for c in ATTRIBUTION_COLUMNS_SHORT if c not in ("campaign_id", "campaign")]
    assert "premier contact" in out and "first_touch" not in out
    assert "(sans contact tracé)" in out
    assert f"3{NNBSP}000{NBSP}€" in out  # D5's revenue, won without a touchpoint
    _, en, _ = _run(capsys, "attribution", journeys, "--model", "markov", "--lang", "en")
    assert "(no touchpoint)" in en and "€3,000" in en
    code, js, _ = _run(capsys, "attribution", journeys, "--model", "markov", "--format",
                       "json", "--lang", "en")
    assert {r["channel"] for r in json.loads(js)} >= {"(no touchpoint)", "emailing"}


# --- the audit -----------------------------------------------------------------------------

def test_audit_score_table_in_the_audit_language(capsys, case):
    _, fr, _ = _run(capsys, "audit", case)
    _, en, _ = _run(capsys, "audit", case, "--lang", "en")
    fr_head = next(line for line in fr.splitlines() if line.startswith("Feuille"))
    assert fr_head.split() == ["Feuille", "Lignes", "Erreurs", "Alertes", "Infos", "Score"]
    en_head = next(line for line in en.splitlines() if line.startswith("Sheet"))
    assert en_head.split() == ["Sheet", "Rows", "Errors", "Warnings", "Infos", "Score"]
    assert "warnings" not in fr


# --- properties ----------------------------------------------------------------------------

@settings(max_examples=40, deadline=None)
@given(fact_tables(), st.sampled_from(["channel", "campaign", "month"]),
       st.sampled_from(["fr", "en"]))
def test_any_kpi_table_renders_every_value_and_json_round_trips(facts, by, lang):
    kpis = compute_kpis(facts, by)
    text = render(kpis, "table", lang=lang, columns="all")
    lines = text.splitlines()
    assert len(lines) == len(kpis) + 1
    body = "\n".join(lines[1:])
    assert not re.search(r"\b(nan|inf|none|nat)\b", body, flags=re.IGNORECASE), body
    # A ROI cell is a percentage or "—", never a bare fraction.
    roi = render(kpis, "table", lang=lang, columns="roi").splitlines()[1:]
    for line, value in zip(roi, kpis["roi"], strict=True):
        cell = line.rsplit("  ", 1)[-1].strip()
        assert cell == "—" if not np.isfinite(value) else cell.endswith("%"), (cell, value)
    rows = json.loads(render(kpis, "json", lang=lang))
    for row, value in zip(rows, kpis["roi"], strict=True):
        assert row["roi"] == (float(value) if np.isfinite(value) else None)
