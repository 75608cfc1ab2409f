"""How long the advice takes on the demo company, beside one plain ``compute_kpis``.

Run: ``python benchmarks/bench_advice.py [WORKBOOK]`` (default: the demo
company). Prints the median of repeated runs (CPU and wall seconds, as the shared machine's
load moves wall time) of: the floor (``compute_kpis`` by channel), the intervals alone
(``kpi_intervals`` by channel), the response curves, the reallocation, and the whole advice
(intervals + curves + reallocation + curve table + sentences + levers), with the ratios to
the floor. Targets: the whole advice < 1 s, the intervals < 100 ms, the advice within 20× of
the floor.

PyMC-Marketing (the peer the issue names) is not compared: its install did not finish in
5 minutes on this machine (pymc, pytensor and their compiled stack), so it is left out.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from roi_core.advice import advice_levers, advise, sentences  # noqa: E402
from roi_core.facts import build_facts  # noqa: E402
from roi_core.io import load_workbook  # noqa: E402
from roi_core.kpis import compute_kpis  # noqa: E402
from roi_core.response import curve_table, fit_curves  # noqa: E402
from roi_core.uncertainty import kpi_intervals  # noqa: E402


def median_time(fn, repeat: int) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus)


def whole(facts, deals):
    intervals = kpi_intervals(facts, "channel", deals=deals)
    result = advise(facts, deals=deals)
    curve_table(result.curves)
    sentences(result)
    advice_levers(result, facts)
    return intervals, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("workbook", nargs="?",
                        default=str(ROOT / "sample_data" / "demo_company.xlsx"))
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    data = load_workbook(args.workbook)
    facts = build_facts(data)
    deals = data.deals
    whole(facts, deals)  # warm-up: imports, caches
    curves = fit_curves(facts, deals=deals)
    rows = [
        ("floor: compute_kpis(facts, 'channel')",
         median_time(lambda: compute_kpis(facts, "channel"), args.repeat * 4)),
        ("intervals: kpi_intervals(by channel, 2 000 draws)",
         median_time(lambda: kpi_intervals(facts, "channel", deals=deals), args.repeat)),
        ("response curves: fit_curves (2 000 draws)",
         median_time(lambda: fit_curves(facts, deals=deals, draws=2000), args.repeat)),
        ("reallocation on fitted curves: advise(curves=…)",
         median_time(lambda: advise(facts, curves=curves), args.repeat)),
        ("whole advice (intervals + curves + reallocation + text)",
         median_time(lambda: whole(facts, deals), args.repeat)),
    ]
    floor, floor_cpu = rows[0][1]
    print(f"{Path(args.workbook).name}: {len(facts)} campaign × month rows, "
          f"{facts['campaign_id'].nunique()} campaigns; median of {args.repeat} runs")
    print(f"{'measure':58} {'wall ms':>9} {'CPU ms':>9} {'× floor':>9} {'CPU ×':>7}")
    for name, (wall, cpu) in rows:
        print(f"{name:58} {wall * 1000:9.1f} {cpu * 1000:9.1f} {wall / floor:9.1f} "
              f"{cpu / floor_cpu:7.1f}")
    advice_s, advice_cpu = rows[-1][1]
    intervals_s = rows[1][1][0]
    print(f"targets: whole advice < 1 s: {advice_s:.3f} s "
          f"{'met' if advice_s < 1 else 'NOT met'}; intervals < 100 ms: "
          f"{intervals_s * 1000:.0f} ms {'met' if intervals_s < 0.1 else 'NOT met'}; "
          f"advice / floor = {advice_s / floor:.1f}× wall, {advice_cpu / floor_cpu:.1f}× CPU "
          f"({'within' if advice_cpu / floor_cpu <= 20 else 'beyond'} 20× in CPU time; wall "
          "times swing with the shared machine's load)")


if __name__ == "__main__":
    main()
