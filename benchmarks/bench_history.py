"""What the history costs: a snapshot, reading the months back, a comparison.

Run: ``python benchmarks/bench_history.py [--rows 100000]``. Prints a table (best of 3,
seconds) and the ratios against the peer measured in the same run: the same fact table
written with ``pandas.DataFrame.to_sql`` and read with ``pandas.read_sql`` into a plain
SQLite file (what an analyst would write; no append-only triggers, no NULL-for-NaN care,
no dtypes restored). Targets: a month's snapshot and a comparison well under a second on
the demo company; the store within 2x of ``to_sql`` for a large table.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from roi_core.facts import COST_PARTS, DIMENSIONS, VOLUMES, build_cycles, build_facts  # noqa: E402
from roi_core.io import load_workbook  # noqa: E402
from roi_core.store import History  # noqa: E402
from roi_core.variance import compare_periods, explain  # noqa: E402


def best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def synthetic(rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({
        "campaign_id": [f"C{i % 2000:04d}" for i in range(rows)],
        "campaign": [f"Campagne {i % 2000}" for i in range(rows)],
        "channel": np.array(["Téléprospection", "Emailing", "Social selling", "Salons"])[
            np.arange(rows) % 4],
        "segment": "PME", "team": "Nord",
        "month": pd.Timestamp("2020-01-01") + pd.to_timedelta((np.arange(rows) // 2000) * 31,
                                                               unit="D")})
    frame["month"] = frame["month"].dt.to_period("M").dt.to_timestamp()
    for col in COST_PARTS + VOLUMES:
        frame[col] = np.round(rng.random(rows) * 1000, 2)
    return frame[DIMENSIONS + COST_PARTS + VOLUMES]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    data = load_workbook(ROOT / "sample_data" / "demo_company.xlsx")
    facts, cycles = build_facts(data), build_cycles(data)
    big = synthetic(args.rows)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        history = History(tmp / "h.sqlite")
        october = facts[facts["month"] == "2026-10-01"]
        rows = [
            ("demo: snapshot of one month's facts", best(lambda: history.snapshot(
                october, workbook="oct.xlsx", sha256="0" * 64))),
            ("demo: snapshot of the whole year (99 rows, 147 cycles)", best(
                lambda: history.snapshot(facts, cycles=cycles, workbook="y.xlsx",
                                         sha256="0" * 64))),
            ("demo: month_facts (the history's months)", best(history.month_facts)),
            ("demo: compare 2026-10 / 2026-11 + sentences fr", best(lambda: explain(
                compare_periods(facts, "2026-10", "2026-11", cycles=cycles), "fr"))),
        ]
        store = History(tmp / "big.sqlite")
        ours_w = best(lambda: store.snapshot(big, workbook="big.xlsx", sha256="0" * 64))
        ours_r = best(lambda: store.facts(1))

        def peer_write() -> None:
            with sqlite3.connect(tmp / "peer.sqlite") as conn:
                big.to_sql("facts", conn, if_exists="append", index=False)

        peer_w = best(peer_write)

        def peer_read() -> None:
            with sqlite3.connect(tmp / "peer.sqlite") as conn:
                pd.read_sql("SELECT * FROM facts LIMIT ?", conn, params=(len(big),))

        peer_r = best(peer_read)
        rows += [(f"{args.rows:,} rows: History.snapshot", ours_w),
                 (f"{args.rows:,} rows: DataFrame.to_sql (peer)", peer_w),
                 (f"{args.rows:,} rows: History.facts", ours_r),
                 (f"{args.rows:,} rows: pandas.read_sql (peer)", peer_r)]
    width = max(len(r[0]) for r in rows)
    print(f"{'measure'.ljust(width)}  seconds")
    for name, seconds in rows:
        print(f"{name.ljust(width)}  {seconds:7.3f}")
    print(f"\nwrite: ours / to_sql = {ours_w / peer_w:.2f}x;  read: ours / read_sql = "
          f"{ours_r / peer_r:.2f}x")


if __name__ == "__main__":
    main()
