"""Loader benchmark: ``python benchmarks/bench_load.py [--rows N] [--repeat K]``.

Writes, into a temporary folder, a workbook with campaigns, costs and an ``Activités``
table of 200 000 rows, as ``.xlsx`` (openpyxl write-only) and as a folder of CSV files;
then times (best of K in the same run):

- our full load (``roi_core.io.load_workbook``) of the ``.xlsx`` and of the CSV folder,
- plain ``pandas.read_excel(path, sheet_name="Activités", engine="openpyxl")``,
- ``kpi_table(data, ["campaign", "month"])`` on the loaded dataset.

Prints a table and the ratio read_excel(openpyxl) / ours for the ``.xlsx``.
Targets: ours at least 5× faster on the ``.xlsx``, KPIs well under a second.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from roi_core.io import load_workbook  # noqa: E402
from roi_core.kpis import kpi_table  # noqa: E402

CHANNELS = ["Téléprospection", "Emailing", "Social selling", "Salons/Événements"]
TYPES = ["Appel", "Email", "Message LinkedIn", "Rendez-vous"]
OUTCOMES = ["Pas de réponse", "Contacté", "Intéressé", "RDV pris", "Tenu"]
REPS = ["Camille", "Julien", "Sophie"]


def make_tables(rows: int, seed: int = 1) -> dict[str, tuple[list[str], list[list[object]]]]:
    """Sheet name -> (headers, rows): 40 campaigns, 12 monthly cost lines each, activities."""
    rng = np.random.default_rng(seed)
    first = dt.datetime(2025, 12, 1)
    ids = [f"C{i:03d}" for i in range(1, 41)]
    campaigns = [[cid, f"Campagne {cid}", CHANNELS[i % 4], f"Segment {i % 5}",
                  f"Équipe {i % 2 + 1}", first, first + dt.timedelta(days=364), 1000]
                 for i, cid in enumerate(ids)]
    costs = [[cid, "Directe" if m % 3 else "Indirecte", "Temps commercial", None, 20.0, 38.0,
              "Variable", first + dt.timedelta(days=30 * m)]
             for cid in ids for m in range(12)]
    minutes = rng.integers(0, 365 * 24 * 60, rows)
    camp = rng.integers(0, len(ids), rows)
    kind = rng.choice(len(TYPES), rows, p=[0.6, 0.15, 0.2, 0.05])
    outcome = rng.choice(len(OUTCOMES), rows, p=[0.5, 0.3, 0.1, 0.06, 0.04])
    rep = rng.integers(0, len(REPS), rows)
    duration = rng.integers(1, 30, rows)
    activities = [[first + dt.timedelta(minutes=int(minutes[i])), REPS[rep[i]], ids[camp[i]],
                   TYPES[kind[i]], OUTCOMES[outcome[i]], int(duration[i])] for i in range(rows)]
    return {
        "Campagnes": (["ID campagne", "Campagne", "Canal", "Segment", "Équipe", "Date de début",
                       "Date de fin", "Cibles"], campaigns),
        "Coûts": (["ID campagne", "Catégorie", "Poste", "Montant", "Heures", "Taux horaire",
                   "Comportement", "Date"], costs),
        "Activités": (["Date", "Commercial", "ID campagne", "Type", "Résultat", "Durée (min)"],
                      activities),
    }


def write_xlsx(tables: dict[str, tuple[list[str], list[list[object]]]], path: Path) -> Path:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for name, (headers, rows) in tables.items():
        ws = book.create_sheet(name)
        ws.append(headers)
        for row in rows:
            ws.append(row)
    book.save(path)
    return path


def write_csv_folder(tables: dict[str, tuple[list[str], list[list[object]]]],
                     folder: Path) -> Path:
    """One CSV per sheet, as French Excel writes them: ';', day-first dates, UTF-8 BOM."""
    folder.mkdir(parents=True, exist_ok=True)

    def text(value: object) -> object:
        if isinstance(value, dt.datetime):
            return value.strftime("%d/%m/%Y %H:%M") if value.time() != dt.time() \
                else value.strftime("%d/%m/%Y")
        if isinstance(value, float):
            return f"{value:g}".replace(".", ",")
        return "" if value is None else value

    for name, (headers, rows) in tables.items():
        with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8-sig") as f:
            writer = csv.writer(f, delimiter=";")
            writer.writerow(headers)
            writer.writerows([text(v) for v in row] for row in rows)
    return folder


def best_of(repeat: int, func: Callable[[], object]) -> tuple[tuple[float, float], object]:
    """((best wall-clock seconds, best CPU seconds of this process), the last result).

    CPU time is shown beside wall time: on a shared machine it moves less with the load.
    """
    wall, cpu, result = float("inf"), float("inf"), None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = func()
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return (wall, cpu), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time the workbook loader and the KPIs.")
    parser.add_argument("--rows", type=int, default=200_000, help="activity rows")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measure (best kept)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="roi_bench_") as tmp:
        tmp_path = Path(tmp)
        tables = make_tables(args.rows)
        xlsx = write_xlsx(tables, tmp_path / "activites.xlsx")
        folder = write_csv_folder(tables, tmp_path / "csv")
        size = xlsx.stat().st_size / 1e6

        t_ours, data = best_of(args.repeat, lambda: load_workbook(xlsx))
        t_csv, data_csv = best_of(args.repeat, lambda: load_workbook(folder))
        t_pandas, frame = best_of(args.repeat, lambda: pd.read_excel(
            xlsx, sheet_name="Activités", engine="openpyxl"))
        t_kpis, kpis = best_of(args.repeat, lambda: kpi_table(data, ["campaign", "month"]))

    assert len(data.activities) == args.rows and len(frame) == args.rows
    assert len(data_csv.activities) == args.rows
    rows = [
        ("load_workbook(.xlsx), full load", t_ours),
        ("load_workbook(CSV folder), full load", t_csv),
        ('pandas.read_excel(engine="openpyxl"), one sheet', t_pandas),
        ('kpi_table(data, ["campaign", "month"])', t_kpis),
    ]
    print(f"{args.rows:,} activity rows; .xlsx of {size:.1f} MB; best of {args.repeat}; "
          f"KPI table of {len(kpis)} rows")
    width = max(len(name) for name, _ in rows)
    print(f"{'measure':<{width}}  {'wall s':>8}  {'CPU s':>8}")
    for name, (wall, cpu) in rows:
        print(f"{name:<{width}}  {wall:>8.3f}  {cpu:>8.3f}")
    ratio, ratio_cpu = t_pandas[0] / t_ours[0], t_pandas[1] / t_ours[1]
    print(f"ratio read_excel(openpyxl) / ours on .xlsx: {ratio:.1f}x wall, {ratio_cpu:.1f}x CPU "
          f"(target >= 5x: {'met' if ratio >= 5 else 'MISSED'}); KPIs {t_kpis[0]:.3f} s "
          f"(target < 1 s: {'met' if t_kpis[0] < 1 else 'MISSED'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
