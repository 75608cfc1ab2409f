"""Attribution when the logs outgrow a workbook: pandas, DuckDB and Spark on 10⁶–10⁸ touches.

    python benchmarks/bench_scale.py                       # 1e6 and 1e7, every engine
    python benchmarks/bench_scale.py --sizes 1e6 1e7 1e8 --engines pandas duckdb
    python benchmarks/bench_scale.py --sizes 1e8 --engines duckdb

A seeded generator (DuckDB SQL over ``range``, so it writes 10⁸ rows without holding them)
writes each size once as Parquet under ``benchmarks/out/scale/`` (touches hive-partitioned
by month, one deals file) and later runs reuse it. Each (engine, size) then runs in a fresh
process: every rule (six heuristics and the exact first-order Markov) by channel, as
``python -m roi_core attribution --engine E --touchpoints … --deals …`` computes it. The
parent samples the child's process tree (the JVM included, for Spark) every 0.1 s for the
peak resident memory. ``pandas`` is the product's workbook path (``roi_core.attribution``,
numpy over pandas frames read from the same Parquet): it is skipped above the size it can
hold (``--pandas-max``). Every engine's credits are checked against the first engine's at
each size (1e-9). The table gives wall time, peak RSS, touches per second, and the
throughput ratio against pandas.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out" / "scale"
CHANNELS = ["Emailing", "Téléprospection", "Social selling", "Salons", "Webinaires",
            "Partenaires", "SEA", "Courrier"]


def generate(n: int, seed: int = 7) -> Path:
    """Write n touches (about 3 per account, 2 years, 8 channels) and their accounts' deals
    (a won deal for 1 account in 8, a lost one for 1 in 16) as Parquet; reuse if present."""
    import duckdb

    folder = OUT / f"touches_{n:.0e}_seed{seed}".replace("+", "")
    done = folder / "_complete"
    if done.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    accounts = max(n // 3, 1)
    con = duckdb.connect(config={"memory_limit": "3GB", "preserve_insertion_order": False})
    con.execute(f"SET temp_directory = '{tempfile.gettempdir()}/roi_scale_tmp'")
    channels = "[" + ", ".join(f"'{c}'" for c in CHANNELS) + "]"
    # hash(i, seed) is deterministic: the same seed writes the same logs.
    con.execute(f"""
        COPY (
          SELECT 'A' || (hash(i, {seed}, 1) % {accounts}) AS account_id,
                 TIMESTAMP '2025-01-01' + to_seconds((hash(i, {seed}, 2) % 63072000)::BIGINT)
                   AS timestamp,
                 {channels}[1 + (hash(i, {seed}, 3) % 8)::INT] AS channel,
                 'C' || (hash(i, {seed}, 3) % 8) || '-' || (hash(i, {seed}, 4) % 4)
                   AS campaign_id,
                 i AS row,
                 strftime(TIMESTAMP '2025-01-01'
                          + to_seconds((hash(i, {seed}, 2) % 63072000)::BIGINT), '%Y-%m')
                   AS month
          FROM range({n}) t(i)
        ) TO '{folder / "touchpoints"}' (FORMAT parquet, PARTITION_BY (month),
                                         OVERWRITE_OR_IGNORE)""")
    con.execute(f"""
        COPY (
          SELECT 'D' || a AS deal_id, 'A' || a AS account_id,
                 CASE WHEN hash(a, {seed}, 5) % 16 = 0 THEN 'lost' ELSE 'won' END AS status,
                 TIMESTAMP '2025-03-01' + to_days((hash(a, {seed}, 6) % 670)::INT) AS close_date,
                 TIMESTAMP '2025-03-01' + to_days((hash(a, {seed}, 6) % 670)::INT)
                   - to_days((hash(a, {seed}, 7) % 60)::INT) AS created_date,
                 1000.0 + (hash(a, {seed}, 8) % 9000) AS amount,
                 0.2 + (hash(a, {seed}, 9) % 50) / 100.0 AS margin_rate
          FROM range({accounts}) t(a)
          WHERE hash(a, {seed}, 10) % 16 < 3
        ) TO '{folder / "deals.parquet"}' (FORMAT parquet)""")
    done.write_text("ok")
    return folder


CHILD = r"""
import json, sys, time, warnings
warnings.simplefilter("ignore")
engine, folder, out = sys.argv[1], sys.argv[2], sys.argv[3]
t0 = time.perf_counter()
if engine == "pandas":
    import pandas as pd
    from roi_core.attribution import RULES, attribute, build_journeys
    touch = pd.read_parquet(folder + "/touchpoints")
    deals = pd.read_parquet(folder + "/deals.parquet")
    touch = touch.sort_values("row", kind="stable")  # the file order: row order
    j = build_journeys(touch, deals)
    credits = {r: attribute(j, r) for r in RULES}
    n = len(touch)
else:
    from roi_core.attribution import RULES
    from roi_core.engines import engine_credits, open_frames
    frames = open_frames(engine, folder + "/touchpoints", folder + "/deals.parquet",
                         progress=True, memory_limit="2500MB")
    credits = engine_credits(frames, RULES)
    n = None
wall = time.perf_counter() - t0
json.dump({"wall": wall, "rows": n, "credits": {r: f.to_dict("list")
                                                 for r, f in credits.items()}},
          open(out, "w"))
"""


def _tree_rss(pid: int) -> int:
    """Resident bytes of a process and its descendants (from /proc)."""
    total, todo, seen = 0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo += [int(c) for c in f.read().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def run(engine: str, folder: Path) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        env = {**os.environ, "PYTHONPATH": str(ROOT), "SPARK_LOCAL_IP": "127.0.0.1"}
        start = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-c", CHILD, engine, str(folder), str(out)],
                                 env=env, stderr=subprocess.PIPE, text=True)
        peak = 0
        while child.poll() is None:
            peak = max(peak, _tree_rss(child.pid))
            time.sleep(0.1)
        err = child.stderr.read()
        if child.returncode != 0:
            return {"error": err.strip().splitlines()[-1] if err.strip() else "failed",
                    "wall_process": time.perf_counter() - start, "peak": peak}
        result = json.loads(out.read_text())
        result["wall_process"] = time.perf_counter() - start
        result["peak"] = peak
        return result


def _same(a: dict, b: dict) -> bool:
    import numpy as np

    for rule, frame in b.items():
        other = a[rule]
        if other["channel"] != frame["channel"]:
            return False
        for m in ("conversions", "revenue", "margin"):
            if not np.allclose(other[m], frame[m], rtol=1e-9, atol=1e-6):
                return False
    return True


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", nargs="+", default=["1e6", "1e7"])
    p.add_argument("--engines", nargs="+", default=["pandas", "duckdb", "spark"])
    p.add_argument("--pandas-max", type=float, default=2e7,
                   help="largest size the pandas path is asked to hold (default 2e7)")
    args = p.parse_args()
    rows = []
    for size in [int(float(s)) for s in args.sizes]:
        t = time.perf_counter()
        folder = generate(size)
        print(f"# {size:.0e} touches in {folder} ({time.perf_counter() - t:.1f} s to "
              "generate or find)", flush=True)
        first = None
        for engine in args.engines:
            if engine == "pandas" and size > args.pandas_max:
                rows.append((size, engine, None, None, "cannot hold (skipped)"))
                continue
            r = run(engine, folder)
            if "error" in r:
                rows.append((size, engine, r["wall_process"], r["peak"], r["error"][:60]))
                continue
            same = "reference" if first is None else ("same" if _same(r["credits"], first)
                                                      else "DIFFERENT")
            first = first or r["credits"]
            rows.append((size, engine, r["wall"], r["peak"], same))
            print(f"  {engine:7s} {r['wall']:8.1f} s  {r['peak'] / 2**30:5.2f} GiB  {same}",
                  flush=True)
    print()
    print("| touches | engine | wall s | peak RSS GiB | touches/s | × pandas | figures |")
    print("|---:|---|---:|---:|---:|---:|---|")
    pandas_rate = {s: s / w for s, e, w, _, ok in rows if e == "pandas" and w and
                   ok in ("reference", "same")}
    for size, engine, wall, peak, note in rows:
        rate = size / wall if wall else None
        ratio = (f"{rate / pandas_rate[size]:.1f}×" if rate and size in pandas_rate
                 and engine != "pandas" else "—")
        print(f"| {size:.0e} | {engine} | {wall:.1f} | {peak / 2**30:.2f} | {rate:,.0f} | "
              f"{ratio} | {note} |" if wall else f"| {size:.0e} | {engine} | — | — | — | — | "
              f"{note} |")


if __name__ == "__main__":
    main()
