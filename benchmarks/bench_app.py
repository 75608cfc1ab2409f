"""Meeting-app speed: scenario recomputation, and slider → updated figures in the browser.

    python benchmarks/bench_app.py [--moves 24] [--no-browser]

1. ``roi_core.scenario`` on a synthetic company of 1 000 campaigns (one fact row each, and
   twelve months each): ``apply_levers`` alone, the scenario's ROI (``scenario_roi``),
   ``apply_levers`` + the total KPIs (``compute_kpis``), and the app's path, the total KPIs
   of a table prepared once (``scenario_kpis``). Target: under 10 ms. Also the kernel's
   whole share of a move on the demo company (``roi_core.app.live.show``).
2. The served app (``marimo run notebooks/roi_explorer.py`` on the demo company, Debian's
   Chromium): the win-rate slider is moved by the keyboard, one step at a time; each move is
   timed in the page, from the key press to (a) the ROI card showing its new value, (b)
   every chart redrawn (Vega has rendered the new rows: the chart's ``data-revision``),
   (c) both tables updated, and (d) all of these painted: the next frame after the last one
   has been painted (``requestAnimationFrame`` then a task, the "after next paint" idiom;
   also shown: two frames later, more conservative). Target: under 100 ms median.
3. The floor, in the same run: the same keyboard moves on a bare notebook (one slider, one
   ``mo.stat`` showing its value), what ``marimo run`` and the browser take by themselves.
Prints a table with the medians and their ratio to the targets.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from roi_core.facts import COST_PARTS, DIMENSIONS  # noqa: E402
from roi_core.kpis import compute_kpis  # noqa: E402
from roi_core.scenario import (  # noqa: E402
    LABOUR_PARTS,
    Levers,
    apply_levers,
    base_table,
    prepare,
    scenario_kpis,
    scenario_roi,
)

CHANNELS = ["Téléprospection", "Emailing", "Social selling", "Salons/Événements"]
LEVERS = Levers(contacts=1.1, win_rate=1.2, hourly_rate=1.05,
                channel_cost={"Salons/Événements": 0.7},
                channel_volume={"Téléprospection": 1.3}, cost_item={"indirect_fixed": 0.9})


def synthetic_table(campaigns: int, months: int, seed: int = 7) -> pd.DataFrame:
    """A fact table shaped like ``roi_core.scenario.base_table``: campaigns × months rows."""
    rng = np.random.default_rng(seed)
    n = campaigns * months
    ids = np.repeat([f"C{i:04d}" for i in range(campaigns)], months)
    contacts = rng.integers(50, 2000, n).astype(float)
    leads = np.floor(contacts * rng.uniform(0.02, 0.2, n))
    opportunities = np.floor(leads * rng.uniform(0.1, 0.4, n))
    clients = np.floor(opportunities * rng.uniform(0.1, 0.5, n))
    revenue = clients * rng.uniform(2000, 9000, n)
    table = pd.DataFrame({
        "campaign_id": ids, "campaign": ids,
        "channel": np.repeat(rng.choice(CHANNELS, campaigns), months),
        "segment": np.repeat(rng.choice(["PME", "ETI"], campaigns), months),
        "team": np.repeat(rng.choice(["Nord", "Sud"], campaigns), months),
        "month": np.tile(pd.date_range("2026-01-01", periods=months, freq="MS"), campaigns),
    })
    for part in COST_PARTS:
        table[part] = rng.uniform(0, 3000, n).round(2)
    table["targets"] = contacts * 1.3
    table["contacts"], table["leads"], table["opportunities"] = contacts, leads, opportunities
    table["meetings"], table["clients"] = opportunities, clients
    table["revenue"], table["margin"] = revenue, revenue * 0.4
    for part, labour in zip(COST_PARTS, LABOUR_PARTS, strict=True):
        table[labour] = table[part] * 0.5
    return table[DIMENSIONS + COST_PARTS + ["targets", "contacts", "leads", "opportunities",
                                            "meetings", "clients", "revenue", "margin",
                                            *LABOUR_PARTS]]


def median_ms(func, repeat: int = 200) -> float:
    func()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def bench_scenario() -> list[tuple[str, float, float]]:
    rows = []
    for months in (1, 12):
        table = synthetic_table(1000, months)
        label = f"1 000 campaigns × {months} month{'s' if months > 1 else ''} ({len(table)} rows)"
        rows.append((f"scenario_roi, {label}", median_ms(lambda t=table: scenario_roi(t, LEVERS)),
                     10.0))
        rows.append((f"apply_levers, {label}",
                     median_ms(lambda t=table: apply_levers(t, LEVERS)), 10.0))
        rows.append((f"apply_levers + total KPIs, {label}",
                     median_ms(lambda t=table: compute_kpis(apply_levers(t, LEVERS), "total"),
                               repeat=50), 10.0))
        # What the app does on a move: the table prepared once, then arrays only.
        prepared = prepare(table)
        rows.append((f"scenario_kpis (prepared table), total KPIs, {label}",
                     median_ms(lambda p=prepared: scenario_kpis(p, LEVERS, "total")), 10.0))
    rows.append(("app_live.show, a whole move in the kernel (demo company, 9 outputs)",
                 _show_ms(), 100.0))
    return rows


def _show_ms() -> float:
    """The kernel's share of a slider move: ``roi_core.app.live.show`` on the demo company,
    every output built (the browser's messages aside)."""
    from conftest import SAMPLE

    from roi_core.app import live as app_live
    from roi_core.io import load_workbook

    class Sink:
        def show(self, content: object) -> None:
            self.content = content

    base = app_live.baseline(base_table(load_workbook(SAMPLE / "demo_company.xlsx")))
    outputs = {name: Sink() for name in app_live.OUTPUTS}
    moves = iter(range(10**9))
    return median_ms(lambda: app_live.show(
        outputs, base, Levers(win_rate=1.0 + 0.05 * (next(moves) % 10 + 1))), repeat=100)


_WATCH = """
() => { window.__bench = new Promise((resolve) => {
  // The cards, each chart and each table (roi_core.app.widgets) sit in widgets' shadow roots; each
  // writes the revision it shows on its element once drawn; a chart's holds a Vega embed.
  const shown = () => Array.from(document.querySelectorAll('marimo-anywidget'))
      .map((e) => e.shadowRoot && e.shadowRoot.querySelector('[data-revision]'))
      // the address (LiveUrl) is not a figure: it follows the moves once they pause
      .filter((e) => e && e.dataset.role !== 'address');
  const roi = () => shown().map((e) => e.querySelector('.roi-card[data-kpi="roi"]'))
      .find((e) => e);
  const widgets = () => shown().filter((e) => !e.querySelector('.roi-cards'));
  const isChart = widgets().map((e) => e.querySelector('.vega-embed') !== null);
  const roiBefore = roi() ? roi().dataset.value : null;
  const before = widgets().map((e) => e.dataset.revision);
  let t0 = null, tCards = null;
  const done = before.map(() => null);
  const onKey = (e) => { if (t0 === null) t0 = e.timeStamp; };
  document.addEventListener('keydown', onKey, true);
  const check = () => {
    if (t0 === null) return;
    const now = performance.now();
    const r = roi();
    if (tCards === null && r && r.dataset.value !== roiBefore) tCards = now;
    widgets().forEach((e, i) => {
      if (done[i] === null && e.dataset.revision !== before[i]) done[i] = now;
    });
    if (tCards !== null && done.every((t) => t !== null)) {
      clearInterval(timer);
      document.removeEventListener('keydown', onKey, true);
      // On screen: the next frame painted ("after next paint": a frame, then a task), and,
      // more conservative, the start of the frame after it (two frames).
      let painted = null;
      requestAnimationFrame(() => {
        setTimeout(() => { painted = performance.now(); }, 0);
        requestAnimationFrame(() => {
          const twoFrames = performance.now();
          const last = (flag) => Math.max(...done.filter((t, i) => isChart[i] === flag)) - t0;
          setTimeout(() => resolve({
            cards: tCards - t0, charts: last(true), tables: last(false),
            first: Math.min(...done) - t0, all: (painted ?? twoFrames) - t0,
            frames: twoFrames - t0, count: isChart.filter((c) => c).length}), 0);
        });
      });
    }
  };
  // Shadow roots are not seen by a MutationObserver on the page: look every millisecond.
  const timer = setInterval(check, 1);
}); }
"""


# The floor: a bare marimo notebook, one slider and one mo.stat showing its value.
_BARE = """import marimo

app = marimo.App()


@app.cell
def _():
    import marimo as mo
    slider = mo.ui.slider(0.25, 3.0, step=0.05, value=1.0, debounce=True, label="x")
    return mo, slider


@app.cell
def _(slider):
    slider
    return


@app.cell
def _(mo, slider):
    mo.stat(value=str(slider.value), label="ROI")
    return
"""

_WATCH_STAT = """
() => { window.__bench = new Promise((resolve) => {
  const stat = () => document.querySelector('marimo-stat[data-label=\\'"ROI"\\']');
  const before = stat().getAttribute('data-value');
  let t0 = null;
  document.addEventListener('keydown', (e) => { if (t0 === null) t0 = e.timeStamp; },
                            {capture: true, once: true});
  const timer = setInterval(() => {
    const s = stat();
    if (t0 === null || !s || s.getAttribute('data-value') === before) return;
    clearInterval(timer);
    const now = performance.now();
    requestAnimationFrame(() => setTimeout(() => resolve({stat: now - t0,
                                                          painted: performance.now() - t0})));
  }, 1);
}); }
"""


def _timed_moves(target: Path, slider_of, watch: str, moves: int) -> list[dict]:
    """Serve ``target`` with ``marimo run``, open it in Chromium, and press the arrow keys on
    the slider that ``slider_of(page)`` finds, ``watch`` timing each move in the page; the
    results of the moves after the first two (which warm the kernel and the renderer)."""
    from conftest import CHROMIUM_FLAGS, MarimoServer, chromium_path
    from playwright.sync_api import sync_playwright

    server = MarimoServer(target)
    results = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium_path(), headless=True,
                                         args=CHROMIUM_FLAGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(90_000)
            page.goto(server.url)
            slider = slider_of(page)
            slider.focus()
            for i in range(moves + 2):
                page.evaluate(watch)
                slider.press("ArrowRight" if (i // 6) % 2 == 0 else "ArrowLeft")
                result = page.evaluate("() => window.__bench")
                if i >= 2:
                    results.append(result)
            browser.close()
    finally:
        server.stop()
    return results


def bench_floor(moves: int) -> list[tuple[str, float, float]]:
    """The same keyboard moves on a bare notebook: what marimo run and the browser take by
    themselves (the app's own work is what comes on top of this)."""
    import tempfile

    def slider_of(page):
        page.locator("marimo-stat").first.wait_for()
        return page.locator("[role=slider]:visible").first

    with tempfile.TemporaryDirectory() as folder:
        notebook = Path(folder) / "bare.py"
        notebook.write_text(_BARE, encoding="utf-8")
        results = _timed_moves(notebook, slider_of, _WATCH_STAT, moves)
    return [(f"floor: bare marimo slider → mo.stat updated ({len(results)} moves)",
             statistics.median(r["stat"] for r in results), 100.0),
            ("floor: bare marimo slider → mo.stat on screen",
             statistics.median(r["painted"] for r in results), 100.0)]


def bench_browser(moves: int) -> list[tuple[str, float, float]]:
    from conftest import NOTEBOOKS

    def slider_of(page):
        page.locator(".vega-embed canvas").nth(4).wait_for()
        page.get_by_text("Volume et conversion", exact=True).first.click()
        return page.get_by_role("slider", name="Taux de signature", exact=True)

    results = _timed_moves(NOTEBOOKS / "roi_explorer.py", slider_of, _WATCH, moves)
    runs = {k: [r[k] for r in results]
            for k in ("cards", "first", "charts", "tables", "all", "frames")}
    charts = results[-1]["count"]
    n = len(runs["all"])
    return [(f"slider → KPI cards updated (median of {n} moves)",
             statistics.median(runs["cards"]), 100.0),
            ("slider → first chart or table redrawn", statistics.median(runs["first"]), 100.0),
            (f"slider → all {charts} charts redrawn", statistics.median(runs["charts"]), 100.0),
            ("slider → both tables updated", statistics.median(runs["tables"]), 100.0),
            (f"slider → every figure on screen, next paint (median of {n} moves)",
             statistics.median(runs["all"]), 100.0),
            ("slider → every figure on screen, 90th percentile",
             float(np.percentile(runs["all"], 90)), 100.0),
            ("slider → every figure, then two frames", statistics.median(runs["frames"]),
             100.0)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=24)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    rows = bench_scenario()
    if not args.no_browser:
        rows += bench_browser(max(args.moves, 20))
        rows += bench_floor(max(args.moves, 20))
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'median ms':>10}  {'target ms':>9}  {'ratio':>6}")
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:>10.2f}  {target:>9.0f}  {value / target:>6.2f}")


if __name__ == "__main__":
    main()
