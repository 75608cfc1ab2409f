"""The data-quality audit finds every planted problem, and nothing in a clean company."""

from __future__ import annotations

import copy
import datetime as dt
import json
import subprocess
import sys

import pytest
from conftest import ROOT, SAMPLE, clean_company, write_xlsx

from roi_core.errors import InputError
from roi_core.io import audit_workbook, inspect_workbook, load_workbook
from roi_core.quality import (
    RULES,
    findings_frame,
    quality_badge,
    sheet_scores,
)

d = dt.datetime


def planted_company() -> dict[str, list[list[object]]]:
    sheets = copy.deepcopy(clean_company())
    sheets["Affaires"] += [
        ["D2", "C1", "A4", d(2026, 1, 20), None, "en cours", 1000, 0.4],       # 5 dup id
        ["D4", "C1", "A1", d(2026, 1, 15), d(2026, 2, 10), "gagnée", 6000, 0.4],  # 6 like D1
        ["D5", None, "A5", d(2026, 2, 1), None, "en cours", 2000, 0.4],        # 7 no campaign
        ["D6", "C9", "A6", d(2026, 2, 1), None, "en cours", 2000, 0.4],        # 8 unknown C9
        ["D7", "C2", "A7", d(2026, 3, 1), None, "en cours", None, 0.4],        # 9 no amount
        ["D8", "C2", "A8", d(2026, 3, 1), None, "gagnée", 1500, 0.4],          # 10 won, no close
        ["D9", "C2", "A9", d(2026, 3, 10), d(2026, 3, 1), "perdue", 1000, 0.4],  # 11 early close
        ["D10", "C2", "A10", d(2026, 3, 5), None, "en cours", 1000, "140 %"],  # 12 rate > 100 %
    ]
    sheets["Coûts"] += [
        [None, "directe", "Salon", 800, None, None],                           # 5 no campaign
        ["C1", "directe", "Fichier", "abc", None, None],                       # 6 text amount
    ]
    sheets["Campagnes"].append(
        ["C3", "Salon Lyon", "Salons", "PME", d(2026, 5, 1), None, None])      # 4 no cost
    sheets["Entonnoir"][1][5] = 3      # row 2: C1 has 3 clients, the deals say 1
    sheets["Entonnoir"][2][2] = 5      # row 3: C2 has 5 leads for 3 contacts
    sheets["Activités"].append(
        [d(2026, 6, 15), "Léa", "C1", "appel", "contact", 2])                  # 12 after the end
    sheets["Points de contact"].append(
        ["A3", d(2026, 1, 1, 9, 0), "Emailing", "C2"])                         # 4 before start
    return sheets


PLANTED = {
    ("duplicate_id", "Affaires", (3, 5)),
    ("duplicate_deal", "Affaires", (2, 6)),
    ("deal_without_campaign", "Affaires", (7,)),
    ("unknown_campaign", "Affaires", (8,)),
    ("missing_amount", "Affaires", (9,)),
    ("won_without_close_date", "Affaires", (10,)),
    ("close_before_creation", "Affaires", (11,)),
    ("rate_out_of_range", "Affaires", (12,)),
    ("cost_without_campaign", "Coûts", (5,)),
    ("unreadable_cell", "Coûts", (6,)),
    ("campaign_without_cost", "Campagnes", (4,)),
    ("funnel_grows_downward", "Entonnoir", (3,)),
    ("funnel_mismatch", "Entonnoir", (2,)),
    ("activity_outside_campaign", "Activités", (12,)),
    ("touchpoint_outside_campaign", "Points de contact", (4,)),
}


@pytest.fixture
def clean_path(tmp_path):
    return write_xlsx(tmp_path / "clean.xlsx", clean_company())


@pytest.fixture
def planted_path(tmp_path):
    return write_xlsx(tmp_path / "planted.xlsx", planted_company())


def test_clean_company_loads_and_has_no_finding(clean_path) -> None:
    data = load_workbook(clean_path)
    assert data.funnel_source == "sheet"
    assert audit_workbook(clean_path) == []
    assert inspect_workbook(clean_path).problems == []


def test_every_planted_problem_is_found_with_its_rows(planted_path) -> None:
    found = {(f.rule, f.sheet, f.rows) for f in audit_workbook(planted_path)}
    assert PLANTED <= found, PLANTED - found


def test_nothing_unplanted_is_reported(planted_path) -> None:
    rules = {f.rule for f in audit_workbook(planted_path)}
    assert rules == {rule for rule, _, _ in PLANTED}


def test_c2_mismatch_names_both_figures(planted_path) -> None:
    c1 = [f for f in audit_workbook(planted_path, "en")
          if f.rule == "funnel_mismatch" and "'C1'" in f.message]
    assert len(c1) == 1
    assert "clients 3 ≠" in c1[0].message


def test_strict_loader_still_stops_at_the_first_error(planted_path) -> None:
    with pytest.raises(InputError) as err:
        load_workbook(planted_path)
    assert "'abc' is not a number" in str(err.value)
    assert err.value.row == 6


def test_severities(planted_path) -> None:
    by_rule = {f.rule: f.severity for f in audit_workbook(planted_path)}
    assert by_rule["duplicate_id"] == "error"
    assert by_rule["rate_out_of_range"] == "error"
    assert by_rule["unreadable_cell"] == "error"
    assert by_rule["campaign_without_cost"] == "warning"
    assert by_rule["funnel_mismatch"] == "warning"


def test_messages_in_both_languages(planted_path) -> None:
    fr = {f.rule: f for f in audit_workbook(planted_path, "fr")}
    en = {f.rule: f for f in audit_workbook(planted_path, "en")}
    assert fr["duplicate_id"].message == "L'identifiant « D2 » apparaît 2 fois."
    assert en["duplicate_id"].message == "The id 'D2' appears 2 times."
    assert fr["unreadable_cell"].message == (
        "1 cellule(s) de « Montant » ne se lisent pas comme un nombre (par ex. « abc »).")
    assert en["rate_out_of_range"].message == (
        "1 rate(s) outside 0–100 % in 'Taux de marge' (e.g. '140 %' = 140 %).")
    assert all(f.action for f in fr.values()) and all(f.action for f in en.values())


def test_every_rule_has_both_languages() -> None:
    for rule, (severity, texts) in RULES.items():
        assert severity in ("error", "warning", "info"), rule
        assert set(texts) == {"fr", "en"}, rule


def test_sheet_scores(planted_path, clean_path) -> None:
    findings = audit_workbook(planted_path)
    scores = sheet_scores(findings, inspect_workbook(planted_path).dataset)
    by_sheet = scores.set_index("sheet")
    # Affaires: 11 rows; rows 3, 5, 12 carry errors (1 each), rows 2, 6, 7, 8, 9, 10, 11
    # warnings (½ each): 3 + 3.5 = 6.5 -> 100 × (1 − 6.5/11) = 40.9.
    assert by_sheet.at["Affaires", "rows"] == 11
    assert by_sheet.at["Affaires", "score"] == 41
    assert by_sheet.at["Affaires", "errors"] == 2
    clean = sheet_scores([], inspect_workbook(clean_path).dataset)
    assert set(clean["score"]) == {100}


def test_badge(planted_path) -> None:
    badge = quality_badge(audit_workbook(planted_path), "fr")
    assert badge.severity == "error"
    assert badge.text.startswith("Données : 3 erreurs")
    assert quality_badge([], "en").text == "Data checked: no problem found"


def test_findings_frame_rows_text(planted_path) -> None:
    frame = findings_frame(audit_workbook(planted_path))
    row = frame[frame["rule"] == "duplicate_id"].iloc[0]
    assert row["rows"] == "3, 5" and row["n_rows"] == 2


def test_missing_sheet_and_column_are_findings(tmp_path) -> None:
    sheets = clean_company()
    del sheets["Coûts"]
    sheets["Campagnes"] = [[c for i, c in enumerate(r) if i != 2] for r in sheets["Campagnes"]]
    path = write_xlsx(tmp_path / "broken.xlsx", sheets)
    rules = {(f.rule, f.severity) for f in audit_workbook(path, "en")}
    assert ("missing_sheet", "error") in rules
    assert ("missing_column", "error") in rules


def test_single_table_duplicates_all_reported(tmp_path) -> None:
    path = tmp_path / "simple.csv"
    path.write_text("Campagne;Canal;Coût;Leads;Clients\nA;Emailing;1000;10;1\n"
                    "A;Emailing;900;8;1\nB;Salons;x;3;1\nB;Salons;100;3;1\n", encoding="utf-8")
    found = {(f.rule, f.rows) for f in audit_workbook(path, "en")}
    assert ("duplicate_id", (2, 3)) in found
    assert ("duplicate_id", (4, 5)) in found
    assert ("unreadable_cell", (4,)) in found


# --- the command ---------------------------------------------------------------------------


def _audit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "roi_core", "audit", *args], cwd=ROOT,
                          capture_output=True, text=True)


def test_cli_json_exit_0_with_findings(planted_path) -> None:
    result = _audit(str(planted_path), "--format", "json", "--lang", "en")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    rules = {f["rule"] for f in payload["findings"]}
    assert rules == {rule for rule, _, _ in PLANTED}
    assert {s["sheet"] for s in payload["scores"]} >= {"Affaires", "Coûts"}
    dup = next(f for f in payload["findings"] if f["rule"] == "duplicate_id")
    assert dup["rows"] == [3, 5] and dup["severity"] == "error"


def test_cli_table_in_french(planted_path) -> None:
    result = _audit(str(planted_path))
    assert result.returncode == 0
    assert "L'identifiant « D2 » apparaît 2 fois." in result.stdout
    assert "erreur" in result.stdout


def test_cli_unreadable_exits_2(tmp_path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    result = _audit(str(bad))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "bad.xlsx" in result.stderr
    assert "Traceback" not in result.stderr


def test_demo_company_is_clean_when_present() -> None:
    demo = SAMPLE / "demo_company.xlsx"
    if not demo.exists():
        pytest.skip("sample_data/demo_company.xlsx is generated on another branch")
    assert audit_workbook(demo) == []


def test_monthly_funnel_order_is_checked_on_totals(tmp_path) -> None:
    sheets = clean_company()
    del sheets["Affaires"], sheets["Activités"], sheets["Points de contact"]
    sheets["Entonnoir"] = [
        ["ID campagne", "Mois", "Contacts", "Leads", "Opportunités", "Clients"],
        ["C1", "2026-01", 40, 10, 4, 0],   # row 2: opportunities this month
        ["C1", "2026-02", 0, 0, 0, 2],     # row 3: their clients sign the month after
        ["C2", "2026-02", 30, 5, 1, 0],    # row 4
        ["C2", "2026-03", 0, 0, 0, 3],     # row 5: 3 clients for 1 opportunity in all
    ]
    found = [(f.rule, f.rows) for f in audit_workbook(write_xlsx(tmp_path / "m.xlsx", sheets))]
    assert found == [("funnel_grows_downward", (4, 5))]


def test_unknown_value_lists_the_template_words(tmp_path) -> None:
    sheets = clean_company()
    sheets["Affaires"][1][5] = "peut-être"
    path = write_xlsx(tmp_path / "x.xlsx", sheets)
    fr = next(f for f in audit_workbook(path, "fr") if f.rule == "unknown_value")
    en = next(f for f in audit_workbook(path, "en") if f.rule == "unknown_value")
    assert fr.action == "Utilisez une des valeurs du modèle : en cours / gagnée / perdue."
    assert en.action == "Use one of the template's values: open / won / lost."
    assert fr.rows == (2,)
    # The cell is reported once: not also as a blank required status.
    assert [f.rule for f in audit_workbook(path)].count("blank_required") == 0


def test_an_unreadable_amount_is_not_also_a_missing_one(tmp_path) -> None:
    sheets = clean_company()
    sheets["Affaires"][1][6] = "six mille"   # row 2, won deal D1
    sheets["Affaires"][1][4] = "demain"      # its close date too
    path = write_xlsx(tmp_path / "x.xlsx", sheets)
    rules = [f.rule for f in audit_workbook(path) if f.sheet == "Affaires"]
    assert rules == ["unreadable_cell", "unreadable_cell"]
