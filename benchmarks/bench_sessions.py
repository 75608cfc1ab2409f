"""Memory per session of the served app: is it given back when the session ends?

Run (it serves the app and drives Chromium; take the browser lock on a shared machine):
``flock /tmp/roi-browser.lock python benchmarks/bench_sessions.py [--cycles 30] [--rows 20000]``.

Serves ``notebooks/roi_explorer.py`` with ``python -m roi_core serve --session-ttl 2``
(``--plain``: plain ``marimo run``, glibc's default malloc arenas), then runs N cycles of: a new
browser context opens the app, uploads a workbook (``--rows`` activity rows, written once),
waits for its cards, closes. After each cycle it waits for the session to end (the TTL)
and reads the server's resident memory (RSS), and that of its children (the fork server
of ``roi_core.io.isolated`` and the reads it forks). Prints the RSS before the first
session, after each fifth cycle, and the growth per session over the last half of the
run (the first sessions warm caches that are shared afterwards).
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss(proc: psutil.Process) -> tuple[float, float]:
    children = sum(c.memory_info().rss for c in proc.children(recursive=True)
                   if c.is_running())
    return proc.memory_info().rss / 2**20, children / 2**20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cycles", type=int, default=30)
    parser.add_argument("--rows", type=int, default=20_000, help="activity rows uploaded")
    parser.add_argument("--ttl", type=int, default=2)
    parser.add_argument("--plain", action="store_true",
                        help="plain 'marimo run' (the floor: glibc's default arenas)")
    args = parser.parse_args()
    from bench_load import make_tables, write_xlsx
    from conftest import CHROMIUM_FLAGS, chromium_path
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp())
    workbook = write_xlsx(make_tables(args.rows), tmp / "upload.xlsx")
    port = _port()
    options = ["--headless", "--host", "127.0.0.1", "--port", str(port), "--no-token"]
    if args.plain:
        cmd = [sys.executable, "-m", "marimo", "-q", "-y", "run",
               str(ROOT / "notebooks" / "roi_explorer.py"), "--session-ttl", str(args.ttl),
               *options]
    else:
        cmd = [sys.executable, "-m", "roi_core", "serve", "--session-ttl", str(args.ttl), "--",
               *options]
    server = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    proc = psutil.Process(server.pid)
    rows: list[tuple[int, float, float]] = [(0, *_rss(proc))]
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium_path(), headless=True,
                                         args=CHROMIUM_FLAGS)
            for cycle in range(1, args.cycles + 1):
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                page.set_default_timeout(120_000)
                page.goto(url)
                page.locator("marimo-anywidget .vega-embed canvas").nth(4).wait_for()
                page.locator("input[type=file][accept*='.xlsx']").first.set_input_files(
                    str(workbook))
                page.get_by_text("upload.xlsx", exact=False).first.wait_for()
                context.close()
                time.sleep(args.ttl + 2)  # the session ends after its TTL
                rows.append((cycle, *_rss(proc)))
            browser.close()
    finally:
        server.terminate()
        server.wait(10)
    print(f"served by: {'marimo run' if args.plain else 'python -m roi_core serve'}")
    print(f"sessions: {args.cycles} (each uploads a workbook of {args.rows} activity rows, "
          f"{workbook.stat().st_size / 1e6:.1f} MB), session TTL {args.ttl} s")
    print("| after session | server RSS MB | children RSS MB |")
    print("|---:|---:|---:|")
    for cycle, rss, children in rows:
        if cycle % 5 == 0 or cycle in (1, args.cycles):
            print(f"| {cycle} | {rss:.0f} | {children:.0f} |")
    half = rows[len(rows) // 2]
    last = rows[-1]
    per = (last[1] - half[1]) / max(last[0] - half[0], 1)
    print(f"server RSS before the first session {rows[0][1]:.0f} MB, after {args.cycles}: "
          f"{last[1]:.0f} MB ({last[1] - rows[0][1]:+.0f} MB); over the last "
          f"{last[0] - half[0]} sessions {per:+.1f} MB per session")


if __name__ == "__main__":
    main()
