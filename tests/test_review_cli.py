"""snapshot, compare and decide on the command line; the demo company snapshotted month by
month gives a history whose comparison of 2026-10 and 2026-11 matches ``kpis --by month``."""

from __future__ import annotations

import json
import sqlite3

import pandas as pd
import pytest
from conftest import SAMPLE
from history_workbooks import write_months

from roi_core.cli import main
from roi_core.facts import build_cycles, build_facts
from roi_core.io import load_workbook
from roi_core.kpis import compute_kpis
from roi_core.store import History

DEMO = SAMPLE / "demo_company.xlsx"


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def monthly(tmp_path_factory):
    """The demo split into its 12 months, each snapshotted in turn into one history."""
    folder = tmp_path_factory.mktemp("months")
    data = load_workbook(DEMO)
    paths = write_months(data, folder)
    history = folder / "roi_history.sqlite"
    for path in paths:
        assert main(["snapshot", str(path), "--history", str(history)]) == 0
    return history, paths, data


def test_the_month_by_month_history_compares_as_kpis_by_month(monthly, capsys):
    history, paths, _ = monthly
    assert len(History(history).snapshots()) == len(paths) == 12
    code, out, _ = _run(capsys, "kpis", str(DEMO), "--by", "month", "--format", "json")
    by_month = {row["month"]: row for row in json.loads(out)}
    code, out, err = _run(capsys, "compare", "--history", str(history), "--from", "2026-10",
                          "--to", "2026-11", "--format", "json")
    assert code == 0, err
    result = json.loads(out)
    total = {r["kpi"]: r for r in result["changes"] if r["group"] == "total"}
    for month, column in (("2026-10", "before"), ("2026-11", "after")):
        for kpi, want in by_month[month].items():
            if kpi == "month":
                continue
            assert total[kpi][column] == want, (month, kpi)
    for kpi in ("roi", "cost_per_lead", "cac"):
        b, a = by_month["2026-10"][kpi], by_month["2026-11"][kpi]
        assert total[kpi]["change"] == a - b


def test_the_history_matches_every_month_and_channel(monthly):
    history, _, data = monthly
    facts, cycles = History(history).month_facts()
    want = compute_kpis(build_facts(data), ["channel", "month"], cycles=build_cycles(data))
    got = compute_kpis(facts, ["channel", "month"], cycles=cycles)
    cols = [c for c in want.columns if not c.startswith("sales_cycle")]
    pd.testing.assert_frame_equal(got[cols], want[cols], check_exact=True)


def test_compare_the_workbook_in_french_with_the_decisions_between(monthly, capsys, tmp_path):
    history, _, _ = monthly
    log = tmp_path / "h.sqlite"
    assert main(["snapshot", str(DEMO), "--history", str(log)]) == 0
    code, out, _ = _run(capsys, "decide", "--history", str(log), "--date", "15/10/2026",
                        "--text", "Salons réduits de 30 % à partir de novembre",
                        "--channel", "Salons/Événements", "--author", "Directrice commerciale")
    assert code == 0 and "decision 1 of 2026-10-15" in out
    _run(capsys, "decide", "--history", str(log), "--date", "2026-08-01", "--text", "Avant")
    code, out, err = _run(capsys, "compare", str(DEMO), "--from", "2026-10", "--to", "2026-11",
                          "--history", str(log))
    assert code == 0, err
    assert out.startswith("Revue : 2026-10 → 2026-11 (demo_company.xlsx)")
    assert "- Total : le ROI passe de 122,4\u00a0% à 338,6\u00a0% (+216,2 pts)" in out
    assert ("- 2026-10-15 · Salons/Événements · Directrice commerciale : Salons réduits de "
            "30 % à partir de novembre") in out
    assert "Avant" not in out
    code, out, _ = _run(capsys, "compare", str(DEMO), "--from", "2026-10", "--to", "2026-11",
                        "--lang", "en")
    assert "- Total: ROI went from 122.4% to 338.6% (+216.2 pts)" in out
    assert "(No history: --history FILE shows the decisions.)" in out


def test_months_the_workbook_lacks_come_from_the_history(monthly, capsys):
    history, paths, _ = monthly
    november = str(paths[-1])
    code, out, err = _run(capsys, "compare", november, "--from", "2026-10", "--to", "2026-11",
                          "--history", str(history), "--format", "json")
    assert code == 0, err
    total = {r["kpi"]: r for r in json.loads(out)["changes"] if r["group"] == "total"}
    assert total["cost"]["before"] == 15189.0 and total["cost"]["after"] == 9891.5
    code, _, err = _run(capsys, "compare", november, "--from", "2026-10", "--to", "2026-11")
    assert code == 2 and err.strip() == "error: demo_2026-11.xlsx: no figures for 2026-10."


def test_bad_uses_exit_2_with_one_line(tmp_path, capsys):
    future = tmp_path / "future.sqlite"
    History(future)
    with sqlite3.connect(future) as conn:
        conn.execute("PRAGMA user_version = 7")
    for argv in (["compare", "--history", str(future), "--from", "2026-10", "--to", "2026-11"],
                 ["snapshot", str(DEMO), "--history", str(future)],
                 ["decide", "--history", str(future), "--date", "2026-10-01", "--text", "x"]):
        code, _, err = _run(capsys, *argv)
        assert code == 2 and err.count("\n") == 1 and "newer roi-core" in err, err
    code, _, err = _run(capsys, "compare", "--from", "2026-10", "--to", "2026-11")
    assert code == 2 and "no history file" in err
    code, _, err = _run(capsys, "compare", "--history", str(tmp_path / "none.sqlite"),
                        "--from", "2026-10", "--to", "2026-11")
    assert code == 2 and "no such history file" in err
    code, _, err = _run(capsys, "decide", "--history", str(tmp_path / "d.sqlite"), "--date",
                        "demain", "--text", "x")
    assert code == 2 and "not a date" in err
    empty = tmp_path / "empty.sqlite"
    History(empty)
    code, _, err = _run(capsys, "compare", "--history", str(empty), "--from", "2026-10",
                        "--to", "2026-11")
    assert code == 2 and "no figures for 2026-10" in err
