"""The served meeting app in Debian's Chromium: charts, sliders, uploads, sessions, read-only.

Each test starts ``marimo run notebooks/roi_explorer.py`` on a free loopback port (the
``marimo_server`` fixture) and drives it with Playwright (the ``browser`` fixture).
Expected figures come from roi_core on the same files, formatted as the app formats them.
"""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from app_workbooks import company_sheets, write_workbook
from conftest import NOTEBOOKS, SAMPLE
from openpyxl import load_workbook as open_xlsx

from roi_core.app.view import break_even_view
from roi_core.charts import funnel_data, funnel_spec
from roi_core.formatting import kpi_value
from roi_core.io import load_workbook
from roi_core.kpis import compute_kpis
from roi_core.scenario import Levers, apply_levers, base_table, break_even

pytestmark = pytest.mark.browser
APP = NOTEBOOKS / "roi_explorer.py"
TIMEOUT = 90_000  # ms: the machine is shared, the first render compiles a lot
CHART = "marimo-anywidget .vega-embed canvas"  # roi_core.app.widgets.LiveChart


def expected_card(path: Path, name: str, levers: Levers | None = None) -> str:
    table = base_table(load_workbook(path))
    if levers is not None:
        table = apply_levers(table, levers)
    return kpi_value(name, compute_kpis(table, "total").iloc[0][name], "fr")


def open_app(context, url: str):
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(url)
    page.locator(CHART).nth(4).wait_for()
    return page


def _attr(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _card(label: str, value: str | None = None) -> str:
    # The cards are a roi_core.app.widgets.LiveHtml: Playwright's CSS reaches into its shadow root.
    where = f"[data-value={_attr(value)}]" if value is not None else ""
    return f".roi-card[data-label={_attr(label)}]{where}"


def card(page, label: str) -> str:
    return page.locator(_card(label)).first.get_attribute("data-value")


def wait_card(page, label: str, value: str) -> None:
    page.locator(_card(label, value)).first.wait_for()


def lever(page, group: str, name: str):
    """The slider ``name`` of the lever panel (``LiveLevers``), its group opened."""
    page.get_by_text(group, exact=True).first.click()
    return page.get_by_role("slider", name=name, exact=True)


def upload(page, path: Path) -> None:
    page.locator("input[type=file][accept*='.xlsx']").first.set_input_files(str(path))


def chart_images(page) -> list[bytes]:
    charts = page.locator(CHART)
    return [charts.nth(i).screenshot() for i in range(charts.count())]


def chart_rows(page, index: int, name: str) -> list[dict]:
    """The rows of dataset ``name`` in the running Vega view of chart ``index`` (in page
    order: funnel, channels, efficiency, month, tornado): what is drawn."""
    return page.evaluate("""([index, name]) => {
        const charts = Array.from(document.querySelectorAll('marimo-anywidget'))
            .map((w) => w.shadowRoot && w.shadowRoot.querySelector('[data-revision]'))
            .filter((e) => e && e.vegaView);
        return JSON.parse(JSON.stringify(charts[index].vegaView.data(name)));
    }""", [index, name])


def assert_no_error(page) -> None:
    text = page.inner_text("body")
    assert "Traceback" not in text
    assert page.locator(".marimo-error, [data-testid='marimo-error']").count() == 0


def test_page_renders_with_charts_and_no_error(browser, marimo_server) -> None:
    server = marimo_server(APP)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = open_app(context, server.url)
    assert page.locator(CHART).count() >= 5
    demo = SAMPLE / "demo_company.xlsx"
    assert card(page, "ROI") == expected_card(demo, "roi")
    assert card(page, "Coût") == expected_card(demo, "cost")
    assert "Rentabilité de la prospection" in page.inner_text("body")  # French by default
    assert "demo_company.xlsx" in page.inner_text("body")
    assert_no_error(page)
    context.close()


def test_moving_a_slider_changes_cards_charts_and_url(browser, marimo_server) -> None:
    server = marimo_server(APP)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = open_app(context, server.url)
    demo = SAMPLE / "demo_company.xlsx"
    roi_before, clients_before = card(page, "ROI"), card(page, "Clients")
    before = chart_images(page)
    win_rate = lever(page, "Volume et conversion", "Taux de signature")
    win_rate.focus()
    history = page.evaluate("() => history.length")
    for _ in range(4):  # +0.05 each: ×1.2
        win_rate.press("ArrowRight")
    expected_roi = expected_card(demo, "roi", Levers(win_rate=1.2))
    wait_card(page, "ROI", expected_roi)
    assert card(page, "ROI") != roi_before
    assert card(page, "Clients") == expected_card(demo, "clients", Levers(win_rate=1.2))
    assert card(page, "Clients") != clients_before
    caption = page.locator(_card("ROI")).first.get_attribute("data-caption")
    assert "vs référence" in caption
    page.wait_for_url(re.compile(r"win_rate=1\.2"))
    # the address follows the sliders without a history entry per move
    assert page.evaluate("() => history.length") == history
    # the funnel draws exactly roi_core's rows: baseline and scenario side by side
    table = base_table(load_workbook(demo))
    totals = {name: compute_kpis(t, "total").iloc[0] for name, t in
              {"Référence": table, "Scénario": apply_levers(table, Levers(win_rate=1.2))}.items()}
    expected = funnel_spec(funnel_data(totals, "fr"), "fr")["datasets"]
    for name, rows in expected.items():
        page.wait_for_function("""([name, rows]) => {
            const e = Array.from(document.querySelectorAll('marimo-anywidget'))
                .map((w) => w.shadowRoot && w.shadowRoot.querySelector('[data-revision]'))
                .find((e) => e && e.vegaView);
            const drawn = e.vegaView.data(name);
            return drawn.length === rows.length && rows.every((row, i) =>
                Object.keys(row).every((k) => drawn[i][k] === row[k]));
        }""", arg=[name, json.loads(json.dumps(rows))])
        assert chart_rows(page, 0, name) == json.loads(json.dumps(rows))
    page.wait_for_timeout(500)  # the other charts' last frames
    after = chart_images(page)
    assert sum(a != b for a, b in zip(before, after, strict=False)) >= 3
    # switching the language keeps the scenario (the sliders are rebuilt from the levers
    # of the moment)
    page.locator("select:visible").first.select_option(label="English")
    wait_card(page, "ROI", kpi_value("roi", compute_kpis(
        apply_levers(base_table(load_workbook(demo)), Levers(win_rate=1.2)),
        "total").iloc[0]["roi"], "en"))
    assert "Prospecting ROI" in page.inner_text("body")
    assert_no_error(page)
    context.close()


def test_a_shared_link_reopens_its_scenario_exports_and_resets(browser, marimo_server,
                                                                tmp_path: Path) -> None:
    server = marimo_server(APP, env={"ROI_ALLOW_DOWNLOAD": "1"})
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = open_app(context, server.url + "/?win_rate=1.2&lang=en")
    demo = SAMPLE / "demo_company.xlsx"
    expected = kpi_value("roi", compute_kpis(apply_levers(base_table(load_workbook(demo)),
                                                          Levers(win_rate=1.2)),
                                             "total").iloc[0]["roi"], "en")
    wait_card(page, "ROI", expected)
    assert "Prospecting ROI" in page.inner_text("body")
    # the export carries the scenario (eager bytes: a real file, not an empty one)
    page.get_by_role("button", name="Export the KPIs and the scenario (.xlsx)").first.click()
    link = page.locator("marimo-download[data-filename='\"roi_prospection.xlsx\"']").first
    link.wait_for(state="attached")
    with page.expect_download() as download_info:
        link.locator("a, button").first.click()
    saved = tmp_path / "export.xlsx"
    download_info.value.save_as(saved)
    book = open_xlsx(saved)
    values = {r[1]: r[2] for r in book["Scenario - levers"].iter_rows(min_row=2,
                                                                       values_only=True)}
    assert values["win_rate"] == 1.2
    page.get_by_role("button", name="Reset to baseline").first.click()
    wait_card(page, "ROI", kpi_value("roi", compute_kpis(base_table(load_workbook(demo)),
                                                         "total").iloc[0]["roi"], "en"))
    page.wait_for_url(lambda url: "win_rate" not in url)
    assert "lang=en" in page.url  # the address keeps what is not a lever
    context.close()


def test_upload_shows_its_numbers_and_a_broken_file_keeps_them(browser, marimo_server,
                                                               tmp_path: Path) -> None:
    good = write_workbook(tmp_path / "ma_societe.xlsx", company_sheets(2))
    sheets = company_sheets(1)
    sheets["Coûts"][3][3] = "beaucoup"  # row 4 of 'Coûts', column 'Montant'
    broken = write_workbook(tmp_path / "casse.xlsx", sheets)
    server = marimo_server(APP)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = open_app(context, server.url)
    upload(page, good)
    wait_card(page, "Coût", expected_card(good, "cost"))
    assert card(page, "ROI") == expected_card(good, "roi")
    assert "ma_societe.xlsx" in page.inner_text("body")
    # a viewer's own workbook is theirs to export
    page.get_by_role("button", name=re.compile("Exporter")).first.wait_for(state="attached")
    upload(page, broken)
    callout = page.locator("text=/Coûts.*row 4.*Montant/").first
    callout.wait_for()
    assert "casse.xlsx" in callout.inner_text()
    # the previous figures stay on screen
    assert card(page, "Coût") == expected_card(good, "cost")
    assert card(page, "ROI") == expected_card(good, "roi")
    assert page.locator(CHART).count() >= 5
    assert_no_error(page)
    context.close()


def test_two_viewers_each_see_their_own_upload(browser, marimo_server, tmp_path: Path) -> None:
    first = write_workbook(tmp_path / "societe_a.xlsx", company_sheets(1))
    second = write_workbook(tmp_path / "societe_b.xlsx", company_sheets(3))
    server = marimo_server(APP)
    ctx_a = browser.new_context(viewport={"width": 1400, "height": 1000})
    ctx_b = browser.new_context(viewport={"width": 1400, "height": 1000})
    page_a, page_b = open_app(ctx_a, server.url), open_app(ctx_b, server.url)
    upload(page_a, first)
    wait_card(page_a, "Coût", expected_card(first, "cost"))
    upload(page_b, second)
    wait_card(page_b, "Coût", expected_card(second, "cost"))
    page_a.wait_for_timeout(1000)
    assert card(page_a, "Coût") == expected_card(first, "cost")
    assert expected_card(first, "cost") != expected_card(second, "cost")
    assert "societe_b.xlsx" not in page_a.inner_text("body")
    assert "societe_a.xlsx" not in page_b.inner_text("body")
    # a third viewer still opens on the demo company
    page_c = open_app(ctx_a, server.url)
    assert card(page_c, "Coût") == expected_card(SAMPLE / "demo_company.xlsx", "cost")
    ctx_a.close()
    ctx_b.close()


def table_rows(page, heading: str) -> list[list[str]]:
    """The rows of the live table under a heading (``LiveHtml``, in a shadow root)."""
    table = page.locator("marimo-anywidget table.roi-table").nth(
        {"scoreboard": 0, "break_even_channel": 1, "break_even": 2, "kpi_table": 3}[heading])
    table.wait_for()
    return [[c.strip() for c in row.split("\t")]
            for row in table.inner_text().strip().splitlines()]


def test_served_app_shows_no_code_and_no_table_download(browser, marimo_server) -> None:
    server = marimo_server(APP)
    with urllib.request.urlopen(server.url) as response:
        html = response.read().decode("utf-8", "replace")
    assert "apply_levers" not in html and "def _(" not in html
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = open_app(context, server.url)
    rows = table_rows(page, "kpi_table")
    assert page.locator(".cm-editor").count() == 0
    assert "apply_levers" not in page.content()
    # the tables are plain HTML: nothing to download from them
    assert page.locator("marimo-table").count() == 0
    assert page.locator("marimo-anywidget table.roi-table").count() == 4
    assert rows[0][0] == "Canal" and len(rows) == 1 + len(expected_channels())
    # nor the .xlsx export of the server's workbook (it carries the input sheets)
    assert page.get_by_role("button", name=re.compile("Exporter")).count() == 0
    context.close()


def expected_channels() -> list[str]:
    return sorted(load_workbook(SAMPLE / "demo_company.xlsx").campaigns["channel"].unique())


def test_tables_follow_the_slider_and_the_deployer_can_allow_the_export(
        browser, marimo_server) -> None:
    server = marimo_server(APP, env={"ROI_ALLOW_DOWNLOAD": "1"})
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = open_app(context, server.url)
    page.get_by_role("button", name=re.compile("Exporter")).first.wait_for(state="attached")
    demo = SAMPLE / "demo_company.xlsx"
    channel = expected_channels()[0]

    def expected_cac(levers: Levers | None) -> str:
        table = base_table(load_workbook(demo))
        if levers is not None:
            table = apply_levers(table, levers)
        kpis = compute_kpis(table, "channel").set_index("channel")
        return kpi_value("cac", kpis.loc[channel, "cac"], "fr")

    def cac_shown() -> str:
        rows = table_rows(page, "kpi_table")
        column = rows[0].index("Coût d'acquisition client")
        return next(r[column] for r in rows[1:] if r[0] == channel)

    assert cac_shown() == expected_cac(None)
    win_rate = lever(page, "Volume et conversion", "Taux de signature")
    win_rate.focus()
    win_rate.press("ArrowRight")
    win_rate.press("ArrowRight")  # ×1.1
    wanted = expected_cac(Levers(win_rate=1.1))
    assert wanted != expected_cac(None)
    from playwright.sync_api import expect  # the browser fixture has checked Playwright

    row = page.locator("marimo-anywidget table.roi-table").nth(3).locator(
        "tr", has_text=channel)
    expect(row).to_contain_text(wanted, timeout=TIMEOUT)
    assert cac_shown() == wanted
    # the break-even table of the scenario, as roi_core computes and formats it
    levers = Levers(win_rate=1.1)
    table = base_table(load_workbook(demo))
    expected = break_even_view(break_even(table, levers), "fr")
    rows = table_rows(page, "break_even")
    assert rows[0] == list(expected.columns)
    assert rows[1:] == expected.values.tolist()
    context.close()


def test_a_filter_that_leaves_nothing_says_so_and_draws_nothing(browser, marimo_server) -> None:
    server = marimo_server(APP)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = open_app(context, server.url)
    # the demo's emailing is run by the marketing team only
    page.get_by_text("Select...").nth(2).click()  # team (channel, segment, team)
    page.get_by_role("option", name="Équipe Nord").click()
    page.keyboard.press("Escape")
    page.get_by_text("Select...").nth(0).click()  # channel
    page.get_by_role("option", name="Emailing").click()
    page.keyboard.press("Escape")
    page.get_by_text("Aucune ligne ne correspond aux filtres choisis.").wait_for()
    # no card, chart or table of the previous filter is left on screen
    page.locator(".roi-card").first.wait_for(state="detached")
    assert page.locator(CHART).count() == 0
    assert page.locator("table.roi-table").count() == 0
    # a reset, not a blank page: the filters cleared, the figures come back
    page.get_by_role("button", name="Effacer les filtres canal, segment et équipe").click()
    wait_card(page, "Coût", expected_card(SAMPLE / "demo_company.xlsx", "cost"))
    assert_no_error(page)
    context.close()


def test_gallery_lists_the_app(browser, marimo_server) -> None:
    server = marimo_server(NOTEBOOKS)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(server.url)
    page.get_by_text(re.compile("roi.explorer", re.IGNORECASE)).first.wait_for()
    context.close()


def test_saved_scenario_holds_the_levers_of_the_moment(browser, marimo_server,
                                                      tmp_path: Path) -> None:
    from roi_core.scenario import from_json

    server = marimo_server(APP)
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = open_app(context, server.url + "/?win_rate=1.2")
    demo = SAMPLE / "demo_company.xlsx"
    wait_card(page, "ROI", expected_card(demo, "roi", Levers(win_rate=1.2)))
    win_rate = lever(page, "Volume et conversion", "Taux de signature")
    win_rate.focus()
    win_rate.press("ArrowRight")  # 1.25: the download is built on the click, from the sliders
    wait_card(page, "ROI", expected_card(demo, "roi", Levers(win_rate=1.25)))
    link = page.locator("marimo-download[data-filename='\"scenario.json\"']").first
    with page.expect_download() as download_info:
        link.locator("a, button").first.click()
    saved = tmp_path / "scenario.json"
    download_info.value.save_as(saved)
    levers = from_json(saved.read_bytes(), saved.name)
    assert levers.win_rate == pytest.approx(1.25)
    # back to the baseline, then the saved file brings the scenario back, address included
    page.get_by_role("button", name="Revenir à la référence").first.click()
    wait_card(page, "ROI", expected_card(demo, "roi"))
    page.wait_for_url(lambda url: "win_rate" not in url)
    page.locator("input[type=file][accept*='.json']").first.set_input_files(str(saved))
    wait_card(page, "ROI", expected_card(demo, "roi", Levers(win_rate=1.25)))
    page.wait_for_url(re.compile(r"win_rate=1\.25"))
    assert_no_error(page)
    context.close()


# --- the meeting on one screen (issue 14) -----------------------------------------------

SHOTS = Path(__file__).resolve().parent / "screenshots"  # git-ignored; the README names it
BOARD = "table.roi-board"


def board_rows(page) -> list[dict[str, str]]:
    """The scoreboard's rows as shown: channel, then each cell's ``data-value``."""
    return page.evaluate("""() => {
        const table = Array.from(document.querySelectorAll('marimo-anywidget'))
            .map((w) => w.shadowRoot && w.shadowRoot.querySelector('table.roi-board'))
            .find((t) => t);
        return Array.from(table.querySelectorAll('tbody tr, tfoot tr')).map((tr) => {
            const row = {channel: tr.dataset.channel};
            tr.querySelectorAll('td[data-kpi]').forEach((td) => {
                row[td.dataset.kpi] = td.dataset.value; });
            return row;
        });
    }""")


def shown_figures(page) -> dict[str, object]:
    """Every card's value and every scoreboard cell: what a director reads off the screen."""
    cards = page.evaluate("""() => Array.from(document.querySelectorAll('marimo-anywidget'))
        .map((w) => w.shadowRoot && w.shadowRoot.querySelectorAll('.roi-card'))
        .filter((c) => c && c.length).flatMap((c) => Array.from(c))
        .map((c) => [c.dataset.kpi, c.dataset.value])""")
    return {"cards": dict(cards), "board": board_rows(page)}


def expected_board(kpis, lang: str) -> list[tuple[str, str]]:
    """(channel, ROI shown) best ROI first, as roi_core computes and formats them."""
    ordered = kpis.assign(_nan=kpis["roi"].isna()).sort_values(
        ["_nan", "roi", "channel"], ascending=[True, False, True])
    return [(str(r.channel), kpi_value("roi", r.roi, lang)) for r in ordered.itertuples()]


def in_viewport(page, selector: str, width: int, height: int) -> list[dict]:
    """The boxes of ``selector`` (through shadow roots) that are NOT inside the viewport."""
    return page.evaluate("""([selector, width, height]) => {
        const found = [];
        document.querySelectorAll('marimo-anywidget').forEach((w) => {
            if (w.shadowRoot) found.push(...w.shadowRoot.querySelectorAll(selector)); });
        return found.map((e) => e.getBoundingClientRect().toJSON())
            .filter((r) => r.left < 0 || r.top < 0 || r.right > width + 0.5
                           || r.bottom > height + 0.5 || r.width === 0);
    }""", [selector, width, height])


def clipped_charts(page) -> list[dict]:
    """The charts (``LiveChart``, in page order) whose drawing (Vega's scenegraph bounds:
    marks, texts, axes, legends) overflows its canvas, or whose canvas overflows the
    widget's box."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('marimo-anywidget'))
        .map((w) => [w, w.shadowRoot && w.shadowRoot.querySelector('[data-revision]')])
        .filter(([w, e]) => e && e.vegaView)
        .map(([w, e], index) => {
            const view = e.vegaView;
            const canvas = e.querySelector('canvas').getBoundingClientRect();
            let holder = w;  // the first box around the widget that has a size
            while (holder.parentElement && holder.getBoundingClientRect().width === 0) {
                holder = holder.parentElement; }
            const box = holder.getBoundingClientRect();
            const b = view.scenegraph().root.bounds;
            const [ox, oy] = view.origin();
            return {index, x1: b.x1 + ox, y1: b.y1 + oy, x2: b.x2 + ox, y2: b.y2 + oy,
                    width: canvas.width, height: canvas.height,
                    outside: canvas.right - box.right};
        })
        .filter((c) => c.x1 < -1 || c.y1 < -1 || c.x2 > c.width + 1 || c.y2 > c.height + 1
                       || c.outside > 1)""")


def scroll_shots(page, stem: str, height: int, count: int = 6) -> None:
    """Screenshots down the page (marimo scrolls its app in an inner box, not the document):
    ``stem_2.png``, ``stem_3.png``, … one viewport further each."""
    for i in range(2, count + 1):
        page.evaluate("""(top) => {
            const box = Array.from(document.querySelectorAll('*')).find((e) =>
                e.scrollHeight > e.clientHeight + 50
                && ['auto', 'scroll'].includes(getComputedStyle(e).overflowY)
                && e.clientWidth > window.innerWidth / 2);
            (box || document.scrollingElement).scrollTop = top;
        }""", (i - 1) * (height - 80))
        page.wait_for_timeout(300)
        page.screenshot(path=str(SHOTS / f"{stem}_{i}.png"))


def test_scoreboard_and_cards_fit_a_projector_and_screenshots(browser, marimo_server) -> None:
    SHOTS.mkdir(exist_ok=True)
    server = marimo_server(APP)
    demo = SAMPLE / "demo_company.xlsx"
    kpis = compute_kpis(base_table(load_workbook(demo)), "channel")
    for width, height, name in ((1280, 720, "projector"), (1600, 1000, "desktop"),
                                (390, 844, "phone")):
        context = browser.new_context(viewport={"width": width, "height": height})
        page = open_app(context, server.url)
        page.locator(BOARD).first.wait_for()
        page.wait_for_timeout(800)  # the charts' first frames, for the screenshots
        page.screenshot(path=str(SHOTS / f"app_{name}_{width}x{height}.png"))
        rows = board_rows(page)
        # one row per channel, best ROI first, then the total; figures as roi_core's
        assert [(r["channel"], r["roi"]) for r in rows[:-1]] == expected_board(kpis, "fr")
        assert rows[-1]["channel"] == "__total__"
        assert rows[-1]["roi"] == expected_card(demo, "roi")
        assert {r["verdict"] for r in rows} <= {"win", "even", "lose", "none"}
        # every chart's marks, texts, axes and legends lie inside its box: nothing clipped
        assert clipped_charts(page) == [], name
        # the page never scrolls sideways: wide tables scroll inside their box
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width + 1
        if name == "projector":
            # the cards and the scoreboard's ROI column, total included, without scrolling
            assert in_viewport(page, ".roi-card", width, height) == []
            for cell in (f"{BOARD} th[data-kpi='roi']", f"{BOARD} td[data-kpi='roi']",
                         f"{BOARD} td[data-kpi='verdict']"):
                assert in_viewport(page, cell, width, height) == [], cell
        scroll_shots(page, f"app_{name}_{width}x{height}", height)
        context.close()


def test_a_copied_link_and_the_scenario_file_reopen_the_same_figures(
        browser, marimo_server, tmp_path: Path) -> None:
    from roi_core.app.view import CARD_KPIS, document_view
    from roi_core.facts import filter_facts

    server = marimo_server(APP)
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = open_app(context, server.url)
    selects = page.locator("select:visible")  # language, first month, last month

    def chip(kind: str, text: str) -> None:
        page.locator(f".roi-chip[data-chip='{kind}']", has_text=text).first.wait_for()

    # every setting of the view changed, then two levers
    selects.nth(1).select_option("2026-01")
    chip("period", "janv. 2026")
    selects.nth(2).select_option("2026-06")
    chip("period", "juin 2026")
    page.get_by_text("Select...").nth(0).click()  # channel
    page.get_by_role("option", name="Emailing").click()
    page.get_by_role("option", name="Téléprospection").click()
    page.keyboard.press("Escape")
    chip("channel", "Emailing, Téléprospection")
    page.get_by_role("switch").first.click()  # indirect costs off
    chip("indirect", "coûts indirects exclus")
    page.get_by_role("radio", name="le chiffre d'affaires").click()
    chip("basis", "ROI sur le chiffre d'affaires")
    page.locator("select:visible").first.select_option(label="English")
    chip("indirect", "indirect costs excluded")  # the view survives the language switch
    chip("channel", "Emailing, Téléprospection")
    chip("period", "Jan 2026 → Jun 2026")
    win_rate = lever(page, "Volume and conversion", "Win rate")
    win_rate.focus()
    win_rate.press("ArrowRight")
    win_rate.press("ArrowRight")  # ×1.1
    emailing = lever(page, "Cost per channel", "Emailing")
    emailing.focus()
    for _ in range(4):
        emailing.press("ArrowLeft")  # ×0.8
    levers = Levers(win_rate=1.1, channel_cost={"Emailing": 0.8})
    facts = filter_facts(base_table(load_workbook(SAMPLE / "demo_company.xlsx")),
                         months=("2026-01", "2026-06"), channels=["Emailing", "Téléprospection"])
    expected = compute_kpis(apply_levers(facts, levers), "total", include_indirect=False,
                            basis="revenue").iloc[0]
    wait_card(page, "ROI", kpi_value("roi", expected["roi"], "en"))
    chip("scenario", "scenario active")
    page.wait_for_url(re.compile(r"cost\.Emailing=0\.8"))
    page.wait_for_url(re.compile(r"win_rate=1\.1"))
    figures = shown_figures(page)
    assert figures["cards"] == {n: kpi_value(n, expected[n], "en") for n in CARD_KPIS}
    assert figures["board"][-1]["roi"] == kpi_value("roi", expected["roi"], "en")
    link = page.url
    for key in ("period=2026-01..2026-06", "indirect=0", "basis=revenue", "lang=en"):
        assert key in urllib.parse.unquote(link), key
    # the scenario file holds the same view
    saved = tmp_path / "scenario.json"
    with page.expect_download() as download_info:
        page.locator("marimo-download[data-filename='\"scenario.json\"']").first.locator(
            "a, button").first.click()
    download_info.value.save_as(saved)
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(link).query))
    assert document_view(saved.read_bytes()) == {k: v for k, v in query.items()
                                                 if not k.startswith(("cost.", "win_rate"))}
    # the link opened elsewhere: the same figures to the cent
    fresh = browser.new_context(viewport={"width": 1400, "height": 1000})
    other = open_app(fresh, link)
    wait_card(other, "ROI", kpi_value("roi", expected["roi"], "en"))
    assert shown_figures(other) == figures
    fresh.close()
    # the scenario file opened on a fresh page (defaults, French): the same figures
    third = browser.new_context(viewport={"width": 1400, "height": 1000})
    page3 = open_app(third, server.url)
    page3.locator("input[type=file][accept*='.json']").first.set_input_files(str(saved))
    wait_card(page3, "ROI", kpi_value("roi", expected["roi"], "en"))
    assert shown_figures(page3) == figures
    assert_no_error(page3)
    third.close()
    context.close()


def test_a_link_asking_for_what_the_workbook_lacks_says_so_and_is_rewritten(
        browser, marimo_server) -> None:
    server = marimo_server(APP)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = open_app(context, server.url + "/?win_rate=50&cost.Fax=0.5&channel=Pigeon&lang=fr")
    notice = page.locator(".roi-message[data-kind='warn']").first
    notice.wait_for()
    text = notice.inner_text()
    assert "Taux de signature : ×50 demandé, ×3 appliqué" in text
    assert "Coûts : Fax : ce classeur n'a pas ce canal" in text
    assert "Canal « Pigeon » : absent de ce classeur" in text
    demo = SAMPLE / "demo_company.xlsx"
    wait_card(page, "ROI", expected_card(demo, "roi", Levers(win_rate=3.0)))
    # the address now says what is applied
    page.wait_for_url(re.compile(r"win_rate=3(&|$)"))
    assert "Fax" not in page.url and "Pigeon" not in page.url
    context.close()


def test_a_served_workbook_that_fails_keeps_the_sidebar_and_names_it(
        browser, marimo_server, tmp_path: Path) -> None:
    bad = tmp_path / "classeur_abime.xlsx"
    bad.write_bytes(b"not a workbook")
    server = marimo_server(APP, env={"ROI_WORKBOOK": str(bad)})
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(server.url)
    page.get_by_text("Le classeur n'a pas pu être chargé").first.wait_for()
    page.get_by_text(re.compile("classeur_abime.xlsx")).first.wait_for()  # named
    assert "« »" not in page.inner_text("body")
    # the full sidebar: the language and the upload, and an upload brings the figures
    page.locator("select:visible").first.wait_for()
    good = write_workbook(tmp_path / "ma_societe.xlsx", company_sheets(2))
    upload(page, good)
    wait_card(page, "Coût", expected_card(good, "cost"))
    assert_no_error(page)
    context.close()
