"""roi_core.store.history: snapshots read back to the last bit, append-only, versioned,
and safe with two writers and a killed process."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, SAMPLE
from hypothesis import HealthCheck, given, settings
from strategies import fact_tables

from roi_core.errors import InputError
from roi_core.facts import build_cycles, build_facts
from roi_core.io import load_workbook
from roi_core.kpis import compute_kpis
from roi_core.store import SCHEMA_VERSION, History, snapshot_workbook, workbook_sha256
from roi_core.store.history import MIGRATIONS, _statements

DEMO = SAMPLE / "demo_company.xlsx"


@pytest.fixture(scope="module")
def demo():
    data = load_workbook(DEMO)
    return build_facts(data), build_cycles(data)


def test_a_snapshot_read_back_gives_the_workbooks_kpis_to_the_last_bit(tmp_path, demo):
    facts, cycles = demo
    history = History(tmp_path / "h.sqlite")
    sid = snapshot_workbook(history, DEMO, settings={"basis": "margin"})
    back, back_cycles = history.facts(sid), history.cycles(sid)
    pd.testing.assert_frame_equal(back, facts, check_exact=True)
    pd.testing.assert_frame_equal(back_cycles, cycles, check_exact=True, check_dtype=False)
    for by in ("total", "channel", "month", "campaign", ["channel", "month"], "segment"):
        pd.testing.assert_frame_equal(compute_kpis(back, by, cycles=back_cycles),
                                      compute_kpis(facts, by, cycles=cycles), check_exact=True)
    row = history.snapshots().iloc[0]
    assert row["workbook"] == "demo_company.xlsx" and row["sha256"] == workbook_sha256(DEMO)
    assert row["settings"]["basis"] == "margin" and row["settings"]["currency"] == "EUR"
    assert (row["fact_rows"], row["first_month"], row["last_month"]) == (99, "2025-12",
                                                                         "2026-11")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(facts=fact_tables(min_rows=0, max_rows=12))
def test_any_fact_table_comes_back_bit_for_bit(tmp_path, facts):
    path = tmp_path / f"h{os.getpid()}_{time.monotonic_ns()}.sqlite"
    history = History(path)
    sid = history.snapshot(facts, workbook="w.xlsx", sha256="0" * 64)
    back = history.facts(sid)
    pd.testing.assert_frame_equal(back, facts.reset_index(drop=True), check_exact=True,
                                  check_dtype=False)
    if len(facts):
        pd.testing.assert_frame_equal(compute_kpis(back, "channel"),
                                      compute_kpis(facts, "channel"), check_exact=True)


def test_each_month_comes_from_the_latest_snapshot_that_holds_it(tmp_path, demo):
    facts, cycles = demo
    history = History(tmp_path / "h.sqlite")
    october = facts[facts["month"] == "2026-10-01"]
    history.snapshot(facts, cycles=cycles, workbook="all.xlsx", sha256="a" * 64)
    corrected = october.assign(cost_direct_fixed=october["cost_direct_fixed"] + 1.0)
    history.snapshot(corrected, workbook="oct.xlsx", sha256="b" * 64)
    got, got_cycles = history.month_facts()
    assert len(got) == len(facts) and len(got_cycles) == len(cycles) - len(
        cycles[cycles["month"] == "2026-10-01"])  # October's cycles: the corrected file's
    oct_back = got[got["month"] == "2026-10-01"].reset_index(drop=True)
    pd.testing.assert_frame_equal(oct_back, corrected.reset_index(drop=True),
                                  check_exact=True, check_dtype=False)
    nov = got[got["month"] == "2026-11-01"].reset_index(drop=True)
    pd.testing.assert_frame_equal(nov, facts[facts["month"] == "2026-11-01"].reset_index(
        drop=True), check_exact=True, check_dtype=False)


def test_decisions_are_logged_and_found_between_two_dates(tmp_path):
    history = History(tmp_path / "h.sqlite")
    history.decide("2026-10-15", "Salons réduits de 30 % à partir de novembre",
                   author="Directrice commerciale", channel="Salons/Événements",
                   scenario="?cost.Salons/Événements=0.7")
    history.decide("03/12/2026", "Nouveau script d'appel", channel="Téléprospection")
    found = history.decisions(("2026-10", "2026-11"))
    assert list(found["text"]) == ["Salons réduits de 30 % à partir de novembre"]
    assert found["date"].iloc[0] == pd.Timestamp("2026-10-15")
    assert list(history.decisions()["date"].dt.strftime("%Y-%m-%d")) == ["2026-10-15",
                                                                         "2026-12-03"]
    with pytest.raises(InputError, match="not a date"):
        history.decide("le 3 mars", "x")
    with pytest.raises(InputError, match="needs a text"):
        history.decide("2026-03-01", "  ")


@pytest.mark.parametrize("statement", [
    "UPDATE snapshots SET workbook = 'x'", "DELETE FROM snapshots", "DELETE FROM facts",
    "UPDATE facts SET cost_direct_fixed = 0", "DELETE FROM cycles",
    "UPDATE decisions SET text = 'x'", "DELETE FROM decisions"])
def test_the_history_is_append_only(tmp_path, demo, statement):
    history = History(tmp_path / "h.sqlite")
    history.snapshot(demo[0], cycles=demo[1], workbook="w.xlsx", sha256="0" * 64)
    history.decide("2026-10-01", "x")
    with sqlite3.connect(history.path) as conn, pytest.raises(sqlite3.IntegrityError,
                                                              match="append-only"):
        conn.execute(statement)
    assert len(history.facts()) == len(demo[0]) and len(history.decisions()) == 1


def test_a_first_version_history_is_migrated(tmp_path, demo):
    # A file as the first schema wrote it: snapshots, facts and cycles, no decision log.
    path = tmp_path / "v1.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in _statements(MIGRATIONS[0]):
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO snapshots (taken_at, workbook, sha256, settings, "
                 "roi_core_version, fact_rows, cycle_rows) VALUES ('2026-01-31T10:00:00+00:00',"
                 " 'janvier.xlsx', ?, '{}', '0.1.0', 1, 0)", ("c" * 64,))
    conn.execute("INSERT INTO facts (snapshot_id, row, campaign_id, campaign, channel, "
                 "segment, team, month, cost_direct_fixed, contacts, leads, clients, margin) "
                 "VALUES (1, 0, 'TEL-01', 'Relance', 'Téléprospection', 'PME', 'Nord', "
                 "'2026-01-01', 8000.0, 800.0, 120.0, 10.0, 24000.0)")
    conn.close()
    history = History(path)
    assert history.schema_version == SCHEMA_VERSION == 2
    old = history.facts(1)
    assert old.loc[0, "cost_direct_fixed"] == 8000.0 and pd.isna(old.loc[0, "meetings"])
    kpis = compute_kpis(old).iloc[0]
    assert (kpis["cost_per_lead"], kpis["cac"], kpis["roi"]) == (8000 / 120, 800.0, 2.0)
    history.decide("2026-02-01", "Décision après migration")
    assert len(history.decisions()) == 1
    sid = history.snapshot(demo[0], workbook="w.xlsx", sha256="0" * 64)
    assert sid == 2 and list(history.snapshots()["id"]) == [1, 2]


def test_a_newer_history_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "future.sqlite"
    History(path).decide("2026-10-01", "x")
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    before = path.read_bytes()
    with pytest.raises(InputError, match=r"newer roi-core \(schema version 3; this roi-core "
                                         r"reads up to version 2\): upgrade roi-core"):
        History(path)
    assert path.read_bytes() == before


def test_files_that_are_not_a_history_are_refused(tmp_path):
    text = tmp_path / "notes.sqlite"
    text.write_text("not a database at all, just some text " * 50)
    with pytest.raises(InputError, match="not a readable roi-core history"):
        History(text)
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    with pytest.raises(InputError, match="not a roi-core history"):
        History(other)
    with pytest.raises(InputError, match="no such history file"):
        History(tmp_path / "missing.sqlite", create=False)


# --- two writers, a killed writer --------------------------------------------------------

CHILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import numpy as np, pandas as pd
    from roi_core.facts import COST_PARTS, DIMENSIONS, VOLUMES
    from roi_core.store import History

    def facts(rows, tag):
        rng = np.random.default_rng(len(tag))
        frame = pd.DataFrame({
            "campaign_id": [f"{tag}-{i % 50}" for i in range(rows)],
            "campaign": tag, "channel": ["Emailing", "Salons"][len(tag) % 2],
            "segment": "PME", "team": "Nord",
            "month": pd.Timestamp("2026-01-01") + pd.to_timedelta(
                (np.arange(rows) % 12) * 31, unit="D")})
        frame["month"] = frame["month"].dt.to_period("M").dt.to_timestamp()
        for col in COST_PARTS + VOLUMES:
            frame[col] = rng.random(rows) * 1000
        return frame[DIMENSIONS + COST_PARTS + VOLUMES]

    mode, path, tag = sys.argv[1], sys.argv[2], sys.argv[3]
    history = History(path)
    if mode == "many":
        table = facts(300, tag)
        go = Path(sys.argv[4])
        while not go.exists():
            time.sleep(0.005)
        for i in range(15):
            history.snapshot(table, workbook=f"{tag}-{i}.xlsx", sha256=tag * 64)
    else:  # one big snapshot, to be killed while it writes
        table = facts(int(sys.argv[4]), tag)
        print("ready", flush=True)
        history.snapshot(table, workbook="big.xlsx", sha256="b" * 64)
        print("done", flush=True)
""")


def _child(*args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", CHILD, *args], env=env,
                            stdout=subprocess.PIPE, text=True)


def test_two_processes_snapshotting_at_once_lose_nothing(tmp_path):
    path, go = tmp_path / "h.sqlite", tmp_path / "go"
    History(path)
    writers = [_child("many", str(path), tag, str(go)) for tag in ("a", "b")]
    time.sleep(1.0)
    go.touch()
    for w in writers:
        assert w.wait(timeout=240) == 0
    history = History(path)
    snaps = history.snapshots()
    assert len(snaps) == 30 and snaps["id"].is_unique
    assert sorted(snaps["workbook"]) == sorted(f"{t}-{i}.xlsx" for t in "ab" for i in range(15))
    with sqlite3.connect(path) as conn:
        counts = dict(conn.execute("SELECT snapshot_id, count(*) FROM facts GROUP BY "
                                   "snapshot_id").fetchall())
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert counts == {sid: 300 for sid in snaps["id"]}
    # Every snapshot is whole: the same table written 15 times reads back the same.
    first, again = history.facts(int(snaps["id"].iloc[0])), history.facts(
        int(snaps[snaps["workbook"] == snaps["workbook"].iloc[0][0] + "-14.xlsx"]["id"].iloc[0]))
    pd.testing.assert_frame_equal(first, again, check_exact=True)


def test_a_process_killed_while_writing_leaves_the_whole_snapshot_or_none(tmp_path, demo):
    path = tmp_path / "h.sqlite"
    journal = Path(str(path) + "-journal")
    History(path).snapshot(demo[0], cycles=demo[1], workbook="before.xlsx", sha256="a" * 64)
    writer = _child("big", str(path), "k", "200000")
    assert writer.stdout.readline().strip() == "ready"
    deadline = time.monotonic() + 120
    while not journal.exists():  # the write transaction has begun changing the file
        assert writer.poll() is None, "the writer finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.001)
    time.sleep(0.05)
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=30)
    assert writer.returncode == -signal.SIGKILL
    assert journal.exists()  # killed in the middle: the hot journal is left behind
    history = History(path)  # rolls the torn transaction back
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = conn.execute("SELECT count(*) FROM facts").fetchone()[0]
    snaps = history.snapshots()
    assert list(snaps["workbook"]) == ["before.xlsx"] and rows == len(demo[0])
    pd.testing.assert_frame_equal(history.facts(), demo[0], check_exact=True)
    # The history still takes snapshots, numbered after the one that survived.
    assert history.snapshot(demo[0], workbook="after.xlsx", sha256="c" * 64) >= 2


def test_a_csv_folders_sha256_follows_its_files(tmp_path):
    folder = tmp_path / "classeur"
    folder.mkdir()
    (folder / "Campagnes.csv").write_text("ID campagne;Campagne\nC1;Relance\n")
    (folder / "Coûts.csv").write_text("ID campagne;Montant\nC1;8 000 €\n")
    first = workbook_sha256(folder)
    assert first == workbook_sha256(folder) and len(first) == 64
    (folder / "Coûts.csv").write_text("ID campagne;Montant\nC1;8 001 €\n")
    assert workbook_sha256(folder) != first
