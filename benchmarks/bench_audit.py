"""How much the data-quality audit costs on top of loading a workbook.

Run: ``python benchmarks/bench_audit.py [WORKBOOK]`` (default: the demo company). Prints a
table (best of 3, seconds) and the ratio audit / strict load. Target: the audit (lenient
load + every check) within 2× the strict load, so the meeting app can show its badge.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from roi_core.io import inspect_workbook, load_workbook  # noqa: E402
from roi_core.quality import audit_inspection  # noqa: E402


def best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    default = ROOT / "sample_data" / "demo_company.xlsx"
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    if not path.exists():
        sys.exit(f"{path} not found: pass a workbook")
    inspection = inspect_workbook(path)
    rows = {name: len(getattr(inspection.dataset, name)) for name in
            ("campaigns", "costs", "funnel", "deals", "touchpoints", "activities")}
    load = best(lambda: load_workbook(path))
    lenient = best(lambda: inspect_workbook(path))
    checks = best(lambda: audit_inspection(inspection))
    print(f"workbook: {path.name}  rows: {rows}")
    print(f"{'step':<28}{'seconds':>10}")
    for label, value in (("load_workbook (strict)", load),
                         ("inspect_workbook (lenient)", lenient),
                         ("audit checks", checks), ("audit total", lenient + checks)):
        print(f"{label:<28}{value:>10.3f}")
    print(f"ratio audit total / strict load: {(lenient + checks) / load:.2f}")


if __name__ == "__main__":
    main()
