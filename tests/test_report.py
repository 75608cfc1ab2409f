"""The archived report: one offline HTML file, the right numbers, pinned by golden files.

Golden files (tests/golden/report_*.json) hold every figure the report shows, by its
``data-figure`` name, except the time it was made. To regenerate them after an intended
change, run ``ROI_UPDATE_GOLDEN=1 python -m pytest tests/test_report.py -k golden`` and
review the diff before committing.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE
from report_workbooks import write_report_workbook

from roi_core.formatting import kpi_value
from roi_core.io import load_workbook
from roi_core.kpis import kpi_table
from roi_core.outputs.report import (
    ReportParams,
    build_report,
    extract_figures,
    parse_period,
    quality_facts,
)

GOLDEN = Path(__file__).resolve().parent / "golden"
DEMO = SAMPLE / "demo_company.xlsx"
MADE_AT = datetime(2026, 4, 1, 8, 30, tzinfo=UTC)
# The test workbook is written by openpyxl, whose file carries the time it was written:
# its fingerprint is checked against the file, not pinned.
UNPINNED = {"footer.made_at", "footer.sha256"}


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    return write_report_workbook(tmp_path_factory.mktemp("rep") / "petite_entreprise.xlsx")


@pytest.fixture(scope="module")
def pages(small) -> dict[str, str]:
    """The reports the tests read, built once: small fr (all), small en (period), demo fr."""
    return {
        "small_fr": build_report(ReportParams(small, made_at=MADE_AT)),
        "small_en": build_report(ReportParams(small, period=("2026-01", "2026-02"), lang="en",
                                              made_at=MADE_AT)),
        "demo_fr": build_report(ReportParams(DEMO, made_at=MADE_AT)),
    }


class _Loaders(HTMLParser):
    """Every (tag, attribute) of a page that makes a browser load something."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.found += [(tag, k) for k, _ in attrs
                       if k in ("src", "href", "xlink:href", "srcset", "data", "poster",
                                "action", "background")]


def loading_attributes(page: str) -> list[tuple[str, str]]:
    parser = _Loaders()
    parser.feed(page)
    return parser.found


def assert_self_contained(page: str) -> None:
    assert page.startswith("<!DOCTYPE html>")
    assert "http" not in page.lower()  # no URL at all, not even an SVG namespace
    assert "<script" not in page.lower() and "<link" not in page.lower()
    assert loading_attributes(page) == []  # no tag loads anything
    assert "@import" not in page and "url(" not in page


@pytest.mark.parametrize("name", ["small_fr", "small_en", "demo_fr"])
def test_the_report_is_one_self_contained_file(pages, name):
    page = pages[name]
    assert_self_contained(page)
    # funnel, ROI by channel, ROI by month, ROI with its interval (advice), plan's cash
    assert page.count("<svg") == 5
    assert "import marimo" not in page and "def _(" not in page  # no code shown


@pytest.mark.parametrize("name", ["small_fr", "small_en", "demo_fr"])
def test_golden_figures(pages, name):
    figures = {k: v for k, v in extract_figures(pages[name]).items() if k not in UNPINNED}
    path = GOLDEN / f"report_{name}.json"
    if os.environ.get("ROI_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(figures, ensure_ascii=False, indent=1, sort_keys=True)
                        + "\n", encoding="utf-8")
    assert figures == json.loads(path.read_text(encoding="utf-8"))


def test_the_figures_are_roi_cores(pages, small):
    data = load_workbook(small)
    shown = extract_figures(pages["small_en"])
    total = kpi_table(data, "total", months=("2026-01", "2026-02")).iloc[0]
    for name in ("cost", "margin", "roi", "clients", "cac", "cost_per_lead", "win_rate"):
        assert shown[f"total.{name}"] == kpi_value(name, total[name], "en"), name
    # The report's default for costs of no campaign is the app's: pro rata of direct cost.
    by_channel = kpi_table(data, "channel", months=("2026-01", "2026-02"),
                           allocate_shared="cost").set_index("channel")
    for channel, row in by_channel.iterrows():
        for name in ("cost", "leads", "cost_per_lead", "roi"):
            assert shown[f"channel.{channel}.{name}"] == kpi_value(name, row[name], "en")
    assert shown["period"] == "January 2026 – February 2026"
    assert shown["assumption.allocate_shared"] == "cost"


def test_costs_of_no_campaign_are_named_and_kept_apart_on_request(small):
    page = build_report(ReportParams(small, made_at=MADE_AT, allocate_shared="none"))
    shown = extract_figures(page)
    nbsp, nnbsp = "\u00a0", "\u202f"
    # 700 € of training without a campaign, 400 € on the unknown C9: their own row.
    assert shown["channel.(unassigned).cost"] == f"1{nnbsp}100{nbsp}€"
    assert "(non attribué)</th>" in page
    assert shown["assumption.allocate_shared"] == "none"
    assert f"Coûts sans campagne : 1{nnbsp}100{nbsp}€" in page
    assert shown["total.cost"] == f"17{nnbsp}750{nbsp}€"


def test_hand_checked_small_report(pages):
    shown = extract_figures(pages["small_fr"])
    nbsp, nnbsp = "\u00a0", "\u202f"
    # Cost 17 750 € and margin 31 150 € over everything (see tests/report_workbooks.py).
    assert shown["total.cost"] == f"17{nnbsp}750{nbsp}€"
    assert shown["total.margin"] == f"31{nnbsp}150{nbsp}€"
    # Social selling: no lead, so no cost per lead; ROI −100 % (900 € spent, no margin).
    assert shown["channel.Social selling.cost_per_lead"] == "—"
    assert shown["channel.Social selling.roi"] == f"-100,0{nbsp}%"
    # Partenaires records no cost at all: its cost is not defined, not zero.
    assert shown["channel.Partenaires.cost"] == "—"
    assert "Apporteurs" in shown["quality.without_costs"]
    assert "Salon Lyon" in shown["quality.without_funnel"]
    assert shown["quality.unassigned_costs"].startswith("2 ligne(s)")
    assert shown["assumption.indirect"] == "1" and shown["assumption.basis"] == "margin"


def test_user_text_is_escaped(pages):
    # The small workbook's campaign C3 is named '=HYPERLINK("http://evil…' and never reaches
    # the page as markup (it is not shown at all: the report is per channel).
    assert "evil" not in pages["small_fr"]


def test_footer_names_the_file_and_its_fingerprint(pages, small):
    shown = extract_figures(pages["small_fr"])
    assert shown["footer.file"] == "petite_entreprise.xlsx"
    assert shown["footer.sha256"] == hashlib.sha256(small.read_bytes()).hexdigest()
    assert shown["footer.made_at"] == "2026-04-01 08:30 UTC"
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", shown["footer.version"])


def test_quality_facts(small):
    q = quality_facts(load_workbook(small))
    assert q["rows"]["campaigns"] == 5 and q["rows"]["costs"] == 10
    assert q["unassigned_costs"] == 2 and q["unassigned_cost_amount"] == 1100
    assert q["without_costs"] == ["Apporteurs"] and q["without_funnel"] == ["Salon Lyon"]


@pytest.mark.parametrize("text,expected", [("2026-01..2026-03", ("2026-01", "2026-03")),
                                           ("2026-02", ("2026-02", "2026-02"))])
def test_parse_period(text, expected):
    assert parse_period(text) == expected


# --- the command ------------------------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "roi_core", "report", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_report_command_writes_one_file(tmp_path, small):
    out = tmp_path / "report.html"
    run = run_cli(str(small), "-o", str(out), "--period", "2026-01..2026-03", "--lang", "en",
                  "--no-indirect", "--basis", "revenue")
    assert run.returncode == 0, run.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
    page = out.read_text(encoding="utf-8")
    assert_self_contained(page)
    shown = extract_figures(page)
    assert shown["period"] == "January 2026 – March 2026"
    assert "<h2>Headline figures</h2>" in page and '<html lang="en">' in page
    assert shown["assumption.indirect"] == "0" and shown["assumption.basis"] == "revenue"
    assert "total.revenue" in shown and "total.margin" not in shown


@pytest.mark.parametrize("args,words", [
    (["--period", "2026-13"], "period"),
    (["--period", "2026-03..2026-01"], "ends before it starts"),
])
def test_report_command_bad_period_exits_2(tmp_path, small, args, words):
    run = run_cli(str(small), "-o", str(tmp_path / "r.html"), *args)
    assert run.returncode == 2 and words in run.stderr
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr


def test_report_command_bad_workbook_exits_2(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("campaign,channel,cost,leads\nA,emailing,abc,4\n", encoding="utf-8")
    run = run_cli(str(bad), "-o", str(tmp_path / "r.html"))
    assert run.returncode == 2 and "bad.csv" in run.stderr and "'abc'" in run.stderr
    assert run.stderr.count("\n") == 1 and not (tmp_path / "r.html").exists()


def test_a_failing_cell_fails_the_command(tmp_path, small):
    notebook = tmp_path / "broken.py"
    source = (ROOT / "notebooks" / "report.py").read_text(encoding="utf-8")
    # Break one section the way a code error would: a chart built from a missing column.
    broken = source.replace("mo.Html(rp.roi_html(figures))",
                            "mo.Html(rp.roi_html(figures.__class__(**{**figures.__dict__, "
                            "'by_month': figures.by_month.drop(columns=['roi'])})))")
    assert broken != source
    notebook.write_text(broken, encoding="utf-8")
    out = tmp_path / "r.html"
    run = run_cli(str(small), "-o", str(out), "--notebook", str(notebook))
    assert run.returncode == 2, run.stderr
    assert "could not be built" in run.stderr and "roi" in run.stderr
    assert run.stderr.count("\n") == 1 and not out.exists()


def test_the_simplest_form_without_dates(tmp_path):
    # One CSV, one row per campaign, no month and no date: a workbook never seen before.
    csv = tmp_path / "tableau.csv"
    csv.write_text("Campagne;Canal;Coût;Contacts;Leads;Opportunités;Clients;CA par client;"
                   "Taux de marge\nAppels;Téléprospection;8 000 €;800;120;30;10;6 000;40 %\n"
                   "Mails;Emailing;3 000;2000;100;25;5;4000;35 %\n", encoding="utf-8")
    page = build_report(ReportParams(csv, made_at=MADE_AT))
    assert_self_contained(page)
    # nothing dated: no ROI by month, no plan; funnel, ROI by channel, ROI with its interval
    assert page.count("<svg") == 3
    shown = extract_figures(page)
    # The article's case study (8 000 €, 10 clients × 6 000 € × 40 %) plus the emailing line:
    # margin 24 000 + 7 000 = 31 000 for 11 000 of cost.
    assert shown["total.roi"] == kpi_value("roi", (31000 - 11000) / 11000, "fr")
    assert shown["channel.Téléprospection.cost_per_lead"] == kpi_value("cac", 8000 / 120)
    dated = extract_figures(build_report(ReportParams(csv, period=("2026-01", "2026-02"),
                                                      made_at=MADE_AT)))
    assert "total.empty" in dated and dated["total.roi"] == "—"
    assert dated["quality.undated"].endswith("Appels, Mails.")


def test_markup_in_user_text_is_shown_not_run(tmp_path):
    csv = tmp_path / "t.csv"
    csv.write_text("Campagne;Canal;Coût;Leads;Clients;Chiffre d'affaires;Taux de marge;Mois\n"
                   "A;<img src=x onerror=alert(1)>;100;4;1;1000;50 %;2026-01\n"
                   "B;Emailing & co;50;2;0;0;50 %;2026-02\n", encoding="utf-8")
    page = build_report(ReportParams(csv, made_at=MADE_AT))
    assert "<img" not in page and "&lt;img src=x" in page
    assert_self_contained(page)
    assert "channel.<img src=x onerror=alert(1)>.roi" in extract_figures(page)


def test_the_loader_check_finds_loaders():
    assert loading_attributes('<p><img src="x.png"><a href="#top">t</a></p>') == [
        ("img", "src"), ("a", "href")]


def test_the_blank_template_is_a_located_error(tmp_path):
    run = run_cli(str(SAMPLE / "template.xlsx"), "-o", str(tmp_path / "r.html"))
    assert run.returncode == 2 and run.stderr.count("\n") == 1
    assert "template.xlsx, sheet 'Campagnes'" in run.stderr and "no campaign" in run.stderr
