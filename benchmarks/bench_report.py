"""Report build time and file size on the demo company (target: under 10 s).

Run: ``python benchmarks/bench_report.py [WORKBOOK] [--repeat N]``. It times the whole
``python -m roi_core report`` command in a fresh process (imports, loading, KPIs, the
notebook, SVG charts, writing) and, for reference, ``build_report`` in a warm process and
the Excel export. Prints a table with each median and its ratio to the target.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from roi_core.io import load_workbook  # noqa: E402
from roi_core.outputs.excel import kpi_workbook_bytes  # noqa: E402
from roi_core.outputs.report import ReportParams, build_report  # noqa: E402

TARGET_S = 10.0


def _median_time(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("workbook", nargs="?", default=ROOT / "sample_data" / "demo_company.xlsx",
                        type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.html"
        cmd = [sys.executable, "-m", "roi_core", "report", str(args.workbook), "-o", str(out)]

        def cli() -> None:
            subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)

        t, _ = _median_time(cli, args.repeat)
        rows.append(("report command (fresh process)", t, TARGET_S, out.stat().st_size))
        build_report(ReportParams(args.workbook))  # warm imports and vl-convert
        t, page = _median_time(lambda: build_report(ReportParams(args.workbook)), args.repeat)
        rows.append(("build_report (warm process)", t, TARGET_S, len(page.encode("utf-8"))))
        data = load_workbook(args.workbook)
        t, blob = _median_time(lambda: kpi_workbook_bytes(data), args.repeat)
        rows.append(("Excel export (kpi_workbook_bytes)", t, None, len(blob)))
        t, blob = _median_time(lambda: kpi_workbook_bytes(data, raw_sheets=False), args.repeat)
        rows.append(("Excel export, raw_sheets=False", t, None, len(blob)))

    print(f"workbook: {args.workbook.name}, median of {args.repeat} runs")
    print(f"{'case':<36} {'seconds':>8} {'target':>7} {'ratio':>6} {'bytes':>9}")
    for name, seconds, target, size in rows:
        ratio = f"{seconds / target:.2f}" if target else "—"
        tgt = f"{target:.0f}" if target else "—"
        print(f"{name:<36} {seconds:>8.2f} {tgt:>7} {ratio:>6} {size:>9,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
