"""``python -m roi_core kpis`` on a small multi-campaign workbook: every grouping and format."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from workbooks import write_xlsx

SHEETS = {
    "Campagnes": [
        ["ID campagne", "Campagne", "Canal", "Segment", "Équipe", "Date de début"],
        ["T1", "Phoning PME", "Téléprospection", "PME", "Nord", "05/01/2026"],
        ["T2", "Phoning ETI", "Téléprospection", "ETI", "Sud", "02/02/2026"],
        ["E1", "Newsletter", "Emailing", "PME", "Nord", "10/01/2026"],
    ],
    "Coûts": [
        ["ID campagne", "Catégorie", "Poste", "Montant", "Date"],
        ["T1", "directe", "Temps", "3 000", "15/01/2026"],
        ["T1", "indirecte", "Management", "1 000", "15/01/2026"],
        ["T2", "directe", "Temps", "6 000", "15/02/2026"],
        ["E1", "directe", "Routage", "1 200", "15/01/2026"],
    ],
    "Entonnoir": [
        ["ID campagne", "Mois", "Contacts", "Leads", "Opportunités", "Clients",
         "Chiffre d'affaires", "Marge"],
        ["T1", "2026-01", 400, 50, 16, 4, "24 000", "9 600"],
        ["T2", "2026-02", 500, 70, 24, 6, "36 000", "14 400"],
        ["E1", "2026-01", 2000, 40, 3, 1, "5 000", "1 500"],
    ],
}


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "roi_core", *args], capture_output=True,
                          text=True)


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    return str(write_xlsx(tmp_path_factory.mktemp("cli") / "w.xlsx", SHEETS))


def as_json(workbook, *args):
    out = run("kpis", workbook, "--format", "json", *args)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_by_channel_is_ratio_of_sums(workbook):
    rows = {r["channel"]: r for r in as_json(workbook, "--by", "channel")}
    calling = rows["Téléprospection"]
    assert calling["cost"] == 10000
    assert calling["cost_per_lead"] == pytest.approx(10000 / 120)  # not the mean of 80 and 85.7
    assert calling["win_rate"] == pytest.approx(10 / 40)
    assert calling["roi"] == pytest.approx((24000 - 10000) / 10000)
    assert calling["campaigns"] == 2
    assert rows["Emailing"]["cost_per_lead"] == 30


def test_by_campaign_carries_names(workbook):
    rows = as_json(workbook, "--by", "campaign")
    assert [r["campaign_id"] for r in rows] == ["E1", "T1", "T2"]
    assert rows[1]["campaign"] == "Phoning PME" and rows[1]["channel"] == "Téléprospection"
    assert rows[1]["cac"] == 1000


@pytest.mark.parametrize("by, key, expected", [
    ("segment", "segment", {"ETI": 6000, "PME": 5200}),
    ("team", "team", {"Nord": 5200, "Sud": 6000}),
    ("month", "month", {"2026-01": 5200, "2026-02": 6000}),
])
def test_other_groupings(workbook, by, key, expected):
    assert {r[key]: r["cost"] for r in as_json(workbook, "--by", by)} == expected


def test_total_and_switches(workbook):
    (total,) = as_json(workbook)
    assert total["cost"] == 11200 and total["margin"] == 25500
    (direct,) = as_json(workbook, "--no-indirect")
    assert direct["cost"] == 10200
    (revenue,) = as_json(workbook, "--basis", "revenue")
    assert revenue["roi"] == pytest.approx((65000 - 11200) / 11200)


def test_csv_and_table_formats(workbook):
    out = run("kpis", workbook, "--by", "channel", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert [r["channel"] for r in rows] == ["Emailing", "Téléprospection"]
    assert float(rows[0]["cost_per_lead"]) == 30
    table = run("kpis", workbook, "--by", "channel")
    assert table.returncode == 0 and "Téléprospection" in table.stdout
    assert "—" in table.stdout  # meetings not recorded: shown as not defined


def test_bad_option_exits_2():
    out = run("kpis", "x.xlsx", "--by", "planet")
    assert out.returncode == 2 and "Traceback" not in out.stderr


def test_contact_rate_pairs_a_campaigns_targets_with_all_its_months(tmp_path):
    sheets = {
        "Campagnes": [["ID campagne", "Campagne", "Canal", "Date de début", "Cibles"],
                      ["S1", "Salon", "Salons", "01/01/2026", 1900]],
        "Coûts": [["ID campagne", "Montant"], ["S1", "5 000"]],
        "Entonnoir": [["ID campagne", "Mois", "Contacts", "Leads"],
                      ["S1", "2026-01", 300, 10], ["S1", "2026-02", 325, 12]],
    }
    path = str(write_xlsx(tmp_path / "s.xlsx", sheets))
    (total,) = as_json(path)
    assert total["contact_rate"] == pytest.approx(625 / 1900)
    months = {r["month"]: r for r in as_json(path, "--by", "month")}
    assert months["2026-01"]["contact_rate"] == pytest.approx(300 / 1900)
    assert months["2026-02"]["contact_rate"] is None  # no targets belong to February


# --- costs of no campaign (issue 12): the demo company plus "Salaires non ventilés" -----------

@pytest.fixture(scope="module")
def demo_with_salaries(tmp_path_factory):
    """The demo company's campaigns, costs and funnel (the sheets the KPIs read), as is and
    with one more cost line typed without a campaign id: 50 000 € of salaries."""
    import openpyxl
    from conftest import SAMPLE

    book = openpyxl.load_workbook(SAMPLE / "demo_company.xlsx", read_only=True, data_only=True)
    sheets = {name: [list(r) for r in book[name].iter_rows(values_only=True) if any(r)]
              for name in ("Campagnes", "Coûts", "Entonnoir")}
    book.close()
    folder = tmp_path_factory.mktemp("demo")
    plain = str(write_xlsx(folder / "demo.xlsx", sheets))
    head = sheets["Coûts"][0]
    line = [None] * len(head)
    line[head.index("Poste")], line[head.index("Montant")] = "Salaires non ventilés", 50000
    sheets["Coûts"] = [*sheets["Coûts"], line]
    return plain, str(write_xlsx(folder / "demo_salaires.xlsx", sheets))


def test_the_demo_plus_a_shared_line_gives_the_roi_of_all_costs(demo_with_salaries):
    plain, salaries = demo_with_salaries
    (before,) = as_json(plain)
    out = run("kpis", salaries, "--format", "json")
    assert out.returncode == 0, out.stderr
    (total,) = json.loads(out.stdout)
    cost, margin = total["cost"], total["margin"]
    assert cost == pytest.approx(before["cost"] + 50000, abs=1e-6)
    assert margin == before["margin"]
    assert total["roi"] == (margin - cost) / cost  # every euro, to the last bit
    assert total["cac"] == cost / total["clients"]
    assert total["cost_per_lead"] == cost / total["leads"]
    assert total["cost_per_opportunity"] == cost / total["opportunities"]
    assert total["roi"] < before["roi"] - 0.3
    assert "50,000.00 of cost belongs to no campaign" in out.stderr


def test_the_channels_of_the_demo_plus_a_shared_line_sum_to_the_total(demo_with_salaries):
    plain, salaries = demo_with_salaries
    (total,) = as_json(salaries)
    for method in ("cost", "contacts", "none"):
        rows = as_json(salaries, "--by", "channel", "--allocate-shared", method)
        assert sum(r["cost"] for r in rows) == pytest.approx(total["cost"], abs=0.005)
        assert {r["allocate_shared"] for r in rows} == {method}
        shared = [r for r in rows if r["channel"] == "(unassigned)"]
        assert [r["cost"] for r in shared] == ([50000] if method == "none" else [])
    # The default is the meeting app's: pro rata of direct cost.
    assert as_json(salaries, "--by", "channel") == as_json(
        salaries, "--by", "channel", "--allocate-shared", "cost")
    # Without shared cost, the output is what it was: no setting named, no note.
    out = run("kpis", plain, "--by", "channel", "--format", "json")
    assert "allocate_shared" not in out.stdout and out.stderr == ""


def test_export_and_report_take_the_setting():
    from roi_core.cli.main import build_parser

    parser = build_parser()
    for command in (["export", "w.xlsx", "-o", "k.xlsx"], ["report", "w.xlsx", "-o", "r.html"]):
        assert parser.parse_args([*command, "--allocate-shared", "contacts"]).allocate_shared \
            == "contacts"
        assert parser.parse_args(command).allocate_shared == "cost"
