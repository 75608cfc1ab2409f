"""The history: snapshots of a workbook's facts, and the decisions taken, in one file.

A user keeps ``roi_history.sqlite`` beside the workbook (``--history``, or ``ROI_HISTORY``
for the served app). Each **snapshot** records the workbook's name, SHA-256, the time, the
settings, and the facts the KPIs are computed from (``roi_core.facts.build_facts``: one row
per campaign and month, its channel, segment and team, the four cost parts and every
volume) and the won deals' sales cycles (``build_cycles``), so that a later version of the
formulas can recompute every figure; read back, they give the KPIs of the workbook to the
last bit (floats are stored as IEEE doubles; a blank, "not recorded", as NULL). The
**decision log** holds dated entries (text, author, channel, an optional link to the
scenario that motivated it). Both are append-only: SQL triggers refuse any UPDATE or
DELETE, so a snapshot is never rewritten.

Why SQLite rather than DuckDB: the store's work is small transactional appends from
several processes (two people snapshotting, the served app logging a decision), which is
what SQLite is built for, and what DuckDB is not (one DuckDB file is opened read-write by
one process at a time: a second writer fails instead of waiting). SQLite is in Python's
standard library (no new dependency), its file format is stable and readable by any tool
for decades, every transaction is atomic and durable through a crash (rollback journal,
``synchronous=FULL``), and concurrent writers queue on its file lock (``busy_timeout``).
The history is a few thousand rows a year: DuckDB's columnar speed buys nothing here.
The rollback journal (not WAL) keeps the history a single file at rest.

Which facts a month has (``History.month_facts``): those of the most recent snapshot that
holds that month. Snapshotting each month's workbook, or each month the workbook to date,
or a corrected file again, all give the latest known figures of every month.

Schema versions (``PRAGMA user_version``), each a migration from the one before, applied in
one transaction when an older file is opened: 1 = snapshots, facts, cycles; 2 = the
decision log and an index of the facts by month. A file of a newer schema is refused with a
message saying so (never half-read), as is a file that is not a roi-core history.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from roi_core.errors import InputError
from roi_core.facts import COST_PARTS, DIMENSIONS, VOLUMES, build_cycles, build_facts

__all__ = ["SCHEMA_VERSION", "MIGRATIONS", "APPLICATION_ID", "History", "snapshot_workbook",
           "workbook_sha256"]

APPLICATION_ID = 0x524F4948  # "ROIH": marks the file as a roi-core history
NUMBERS = COST_PARTS + VOLUMES
CYCLE_COLUMNS = DIMENSIONS + ["sales_cycle_days"]


def _append_only(table: str) -> str:
    return (f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} BEGIN "
            f"SELECT RAISE(ABORT, 'the history is append-only: {table} are never rewritten'); "
            f"END;\nCREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} BEGIN "
            f"SELECT RAISE(ABORT, 'the history is append-only: {table} are never deleted'); "
            "END;\n")


_DIMS_SQL = ", ".join(f"{c} TEXT" for c in DIMENSIONS)
MIGRATIONS: tuple[str, ...] = (
    # 1: snapshots of the facts and the sales cycles.
    f"""
    PRAGMA application_id = {APPLICATION_ID};
    CREATE TABLE snapshots (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        taken_at TEXT NOT NULL,            -- UTC, ISO 8601
        workbook TEXT NOT NULL,            -- the file's name
        sha256 TEXT NOT NULL,              -- of the file's bytes
        settings TEXT NOT NULL,            -- JSON
        roi_core_version TEXT NOT NULL,
        fact_rows INTEGER NOT NULL,
        cycle_rows INTEGER NOT NULL);
    CREATE TABLE facts (
        snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),
        row INTEGER NOT NULL, {_DIMS_SQL}, {", ".join(f"{c} REAL" for c in NUMBERS)},
        PRIMARY KEY (snapshot_id, row));
    CREATE TABLE cycles (
        snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),
        row INTEGER NOT NULL, {_DIMS_SQL}, sales_cycle_days REAL,
        PRIMARY KEY (snapshot_id, row));
    {_append_only("snapshots")}{_append_only("facts")}{_append_only("cycles")}
    """,
    # 2: the decision log; facts found by month.
    f"""
    CREATE TABLE decisions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        decided_on TEXT NOT NULL,          -- the decision's date, YYYY-MM-DD
        text TEXT NOT NULL,
        author TEXT,
        channel TEXT,
        scenario TEXT,                     -- a link to the scenario that motivated it
        recorded_at TEXT NOT NULL);        -- UTC, ISO 8601
    {_append_only("decisions")}
    CREATE INDEX facts_by_month ON facts (month, snapshot_id);
    CREATE INDEX cycles_by_month ON cycles (month, snapshot_id);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


def workbook_sha256(path: str | Path) -> str:
    """The SHA-256 of a workbook file (of a CSV folder: of its files' names and bytes, in
    name order), in hex.

    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile(delete=False) as f:
    ...     _ = f.write(b"abc")
    >>> workbook_sha256(f.name)[:16]
    'ba7816bf8f01cfea'
    >>> os.unlink(f.name)
    """
    path = Path(path)
    digest = hashlib.sha256()
    if path.is_dir():
        for child in sorted(p for p in path.iterdir() if p.is_file()):
            digest.update(child.name.encode("utf-8") + b"\0")
            digest.update(child.read_bytes())
    else:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _text(value: object) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value)


def _month_text(value: object) -> str | None:
    return None if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def _float(value: object) -> float | None:
    number = float(value)
    return None if math.isnan(number) else number


def _date(value: object, what: str) -> str:
    """A date as YYYY-MM-DD: a date, or text in ISO (2026-03-01) or French (01/03/2026)."""
    if isinstance(value, (dt.date, pd.Timestamp)):
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m"):
        try:
            return dt.datetime.strptime(text, fmt).strftime("%Y-%m-%d")
        except ValueError:
            continue
    raise InputError(f"{what} {text!r} is not a date",
                     expected="a date such as 2026-03-01 or 01/03/2026")


class History:
    """One history file (created on first use unless ``create=False``).

    Every call opens its own connection and transaction: a ``History`` can be kept for a
    session, shared by threads, and written by several processes at once (writers queue
    on the file's lock for up to ``timeout`` seconds).
    """

    def __init__(self, path: str | Path, *, create: bool = True, timeout: float = 60.0):
        self.path = Path(path)
        self.timeout = timeout
        if not self.path.exists() and not create:
            raise InputError("no such history file", file=str(self.path))
        if self.path.is_dir():
            raise InputError("is a folder, not a history file", file=str(self.path))
        with self._connection() as conn:
            self._migrate(conn)

    # --- connections, versions -------------------------------------------------------

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise InputError(f"cannot be opened as a history ({exc})",
                             file=str(self.path)) from None
        with closing(conn):
            try:
                conn.execute("PRAGMA synchronous = FULL")
                conn.execute("PRAGMA journal_mode = DELETE")
                conn.execute("PRAGMA foreign_keys = ON")
                yield conn
            except sqlite3.DatabaseError as exc:
                if conn.in_transaction:
                    conn.rollback()
                if isinstance(exc, sqlite3.IntegrityError) or "append-only" in str(exc):
                    raise
                raise InputError(f"is not a readable roi-core history ({exc})",
                                 file=str(self.path)) from None

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: taken at once (``BEGIN IMMEDIATE``: writers queue here),
        committed whole or rolled back whole."""
        with self._connection() as conn:
            self._check_version(conn)
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.rollback()
                raise
            conn.commit()

    def _check_version(self, conn: sqlite3.Connection) -> int:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        app = conn.execute("PRAGMA application_id").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise InputError(
                f"this history was written by a newer roi-core (schema version {version}; "
                f"this roi-core reads up to version {SCHEMA_VERSION}): upgrade roi-core to "
                "read it; the file was left untouched", file=str(self.path))
        has_tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if has_tables and app != APPLICATION_ID:
            raise InputError("is an SQLite database but not a roi-core history; the file "
                             "was left untouched", file=str(self.path))
        return version

    def _migrate(self, conn: sqlite3.Connection) -> None:
        if self._check_version(conn) == SCHEMA_VERSION:
            return
        conn.execute("BEGIN IMMEDIATE")  # another process may be migrating: re-read inside
        try:
            version = self._check_version(conn)
            for step in range(version, SCHEMA_VERSION):
                for statement in _statements(MIGRATIONS[step]):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {step + 1}")
        except BaseException:
            conn.rollback()
            raise
        conn.commit()

    @property
    def schema_version(self) -> int:
        """The file's schema version (``SCHEMA_VERSION`` once opened)."""
        with self._connection() as conn:
            return conn.execute("PRAGMA user_version").fetchone()[0]

    # --- snapshots -------------------------------------------------------------------

    def snapshot(self, facts: pd.DataFrame, *, workbook: str, sha256: str,
                 cycles: pd.DataFrame | None = None, settings: Mapping[str, object] | None = None,
                 taken_at: str | None = None) -> int:
        """Append one snapshot (the facts of ``build_facts``, the cycles of ``build_cycles``)
        in one transaction; returns its id. All of it is written, or none of it.
        """
        from roi_core import __version__

        cycles = cycles if cycles is not None else pd.DataFrame(columns=CYCLE_COLUMNS)
        fact_rows = _rows(facts, NUMBERS)
        cycle_rows = _rows(cycles, ["sales_cycle_days"])
        text = json.dumps(dict(settings or {}), ensure_ascii=False, sort_keys=True,
                          default=str)
        marks = ", ".join("?" * (2 + len(DIMENSIONS) + len(NUMBERS)))
        cycle_marks = ", ".join("?" * (3 + len(DIMENSIONS)))
        with self._writing() as conn:
            cursor = conn.execute(
                "INSERT INTO snapshots (taken_at, workbook, sha256, settings, roi_core_version,"
                " fact_rows, cycle_rows) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (taken_at or _now(), workbook, sha256, text, __version__, len(fact_rows),
                 len(cycle_rows)))
            sid = cursor.lastrowid
            conn.executemany(f"INSERT INTO facts VALUES ({marks})",
                             ((sid, *row) for row in fact_rows))
            conn.executemany(f"INSERT INTO cycles VALUES ({cycle_marks})",
                             ((sid, *row) for row in cycle_rows))
        return int(sid)

    def snapshots(self) -> pd.DataFrame:
        """Every snapshot, oldest first: ``id``, ``taken_at``, ``workbook``, ``sha256``,
        ``settings`` (a dict), ``roi_core_version``, ``fact_rows``, ``cycle_rows``,
        ``first_month``, ``last_month`` ("YYYY-MM", None when undated)."""
        with self._connection() as conn:
            rows = conn.execute(
                "SELECT s.id, s.taken_at, s.workbook, s.sha256, s.settings, s.roi_core_version,"
                " s.fact_rows, s.cycle_rows, (SELECT min(month) FROM facts f WHERE "
                "f.snapshot_id = s.id), (SELECT max(month) FROM facts f WHERE "
                "f.snapshot_id = s.id) FROM snapshots s ORDER BY s.id").fetchall()
        frame = pd.DataFrame(rows, columns=["id", "taken_at", "workbook", "sha256", "settings",
                                            "roi_core_version", "fact_rows", "cycle_rows",
                                            "first_month", "last_month"])
        frame["settings"] = frame["settings"].map(json.loads)
        for col in ("first_month", "last_month"):
            frame[col] = frame[col].map(lambda m: m[:7] if isinstance(m, str) else None)
        return frame

    def _latest_id(self, conn: sqlite3.Connection) -> int:
        found = conn.execute("SELECT max(id) FROM snapshots").fetchone()[0]
        if found is None:
            raise InputError("the history holds no snapshot yet (python -m roi_core snapshot "
                             "WORKBOOK --history FILE takes one)", file=str(self.path))
        return int(found)

    def facts(self, snapshot_id: int | None = None) -> pd.DataFrame:
        """The facts of one snapshot (the latest by default), as ``build_facts`` gave them:
        same columns, dtypes, row order and values."""
        with self._connection() as conn:
            sid = snapshot_id if snapshot_id is not None else self._latest_id(conn)
            rows = conn.execute(f"SELECT {', '.join(DIMENSIONS + NUMBERS)} FROM facts WHERE "
                                "snapshot_id = ? ORDER BY row", (sid,)).fetchall()
        return _frame(rows, DIMENSIONS + NUMBERS, text_ids=True)

    def cycles(self, snapshot_id: int | None = None) -> pd.DataFrame:
        """The sales cycles of one snapshot (the latest by default), as ``build_cycles``."""
        with self._connection() as conn:
            sid = snapshot_id if snapshot_id is not None else self._latest_id(conn)
            rows = conn.execute(f"SELECT {', '.join(CYCLE_COLUMNS)} FROM cycles WHERE "
                                "snapshot_id = ? ORDER BY row", (sid,)).fetchall()
        return _frame(rows, CYCLE_COLUMNS)

    def month_facts(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(facts, cycles) of every dated month, each month from the most recent snapshot
        that holds it; in ``build_facts`` order (campaign, then month)."""
        chosen = ("WITH held AS (SELECT month, snapshot_id FROM facts WHERE month IS NOT NULL"
                  " UNION ALL SELECT month, snapshot_id FROM cycles WHERE month IS NOT NULL),"
                  " latest AS (SELECT month, max(snapshot_id) AS sid FROM held GROUP BY month)")
        with self._connection() as conn:
            facts = conn.execute(
                f"{chosen} SELECT {', '.join('f.' + c for c in DIMENSIONS + NUMBERS)} FROM "
                "facts f JOIN latest l ON f.month = l.month AND f.snapshot_id = l.sid "
                "ORDER BY f.snapshot_id, f.row").fetchall()
            cycles = conn.execute(
                f"{chosen} SELECT {', '.join('c.' + c for c in CYCLE_COLUMNS)} FROM "
                "cycles c JOIN latest l ON c.month = l.month AND c.snapshot_id = l.sid "
                "ORDER BY c.snapshot_id, c.row").fetchall()
        f = _frame(facts, DIMENSIONS + NUMBERS, text_ids=True)
        f = f.sort_values(["campaign_id", "month"], kind="stable").reset_index(drop=True)
        return f, _frame(cycles, CYCLE_COLUMNS)

    def fill_months(self, facts: pd.DataFrame, cycles: pd.DataFrame,
                    months: set[pd.Timestamp] | None = None
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """A workbook's facts and cycles completed with the history's figures of the months
        it does not hold (of ``months`` only, when given): the workbook's months win."""
        have = set(facts["month"].dropna())
        old_facts, old_cycles = self.month_facts()
        wanted = set(old_facts["month"].dropna()) | set(old_cycles["month"].dropna())
        missing = (wanted if months is None else wanted & set(months)) - have
        if not missing:
            return facts, cycles
        facts = pd.concat([facts, old_facts[old_facts["month"].isin(missing)]],
                          ignore_index=True)
        facts = facts.sort_values(["campaign_id", "month"], kind="stable",
                                  na_position="last").reset_index(drop=True)
        cycles = pd.concat([cycles, old_cycles[old_cycles["month"].isin(missing)]],
                           ignore_index=True)
        return facts, cycles

    # --- decisions -------------------------------------------------------------------

    def decide(self, date: object, text: str, *, author: str | None = None,
               channel: str | None = None, scenario: str | None = None) -> int:
        """Log a decision ("Salons réduits de 30 % à partir de mars"); returns its id."""
        text = (text or "").strip()
        if not text:
            raise InputError("a decision needs a text", file=str(self.path))
        day = _date(date, "the decision's date")
        with self._writing() as conn:
            cursor = conn.execute(
                "INSERT INTO decisions (decided_on, text, author, channel, scenario, "
                "recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
                (day, text, (author or "").strip() or None, (channel or "").strip() or None,
                 (scenario or "").strip() or None, _now()))
        return int(cursor.lastrowid)

    def decisions(self, between: tuple[object, object] | None = None) -> pd.DataFrame:
        """The decision log in date order: ``id``, ``date`` (a Timestamp), ``text``,
        ``author``, ``channel``, ``scenario``, ``recorded_at``; ``between`` keeps the dates
        from its first to its last day, both included (a month "2026-11" as its last day)."""
        query = ("SELECT id, decided_on, text, author, channel, scenario, recorded_at FROM "
                 "decisions")
        params: tuple = ()
        if between is not None:
            first = pd.Timestamp(between[0]).strftime("%Y-%m-%d")
            last_stamp = pd.Timestamp(between[1])
            if isinstance(between[1], str) and len(between[1].strip()) == 7:
                last_stamp = last_stamp + pd.offsets.MonthEnd(0)
            query += " WHERE decided_on BETWEEN ? AND ?"
            params = (first, last_stamp.strftime("%Y-%m-%d"))
        with self._connection() as conn:
            rows = conn.execute(query + " ORDER BY decided_on, id", params).fetchall()
        frame = pd.DataFrame(rows, columns=["id", "date", "text", "author", "channel",
                                            "scenario", "recorded_at"])
        frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
        return frame


def _rows(frame: pd.DataFrame, numbers: list[str]) -> list[tuple]:
    """The frame's rows as SQL parameters: (row number, dimensions as text, months as
    YYYY-MM-DD, numbers as floats with NaN as NULL)."""
    columns = [range(len(frame))]
    for col in DIMENSIONS:
        values = frame[col].tolist()
        columns.append([_month_text(v) for v in values] if col == "month"
                       else [_text(v) for v in values])
    for col in numbers:
        columns.append([_float(v) for v in frame[col].to_numpy(dtype=float, na_value=np.nan)])
    return list(zip(*columns, strict=True))


def _statements(script: str) -> list[str]:
    """A migration's statements, one by one (``executescript`` would commit on its own)."""
    out, current = [], ""
    for line in script.strip().splitlines():
        current += line + "\n"
        if sqlite3.complete_statement(current):
            out.append(current.strip())
            current = ""
    return [s for s in out if s]


def _frame(rows: list[tuple], columns: list[str], text_ids: bool = False) -> pd.DataFrame:
    """Rows read back in ``build_facts``' (``text_ids``) or ``build_cycles``' shape:
    dimensions as objects (the facts' campaign ids in pandas' default text dtype, as
    ``build_facts`` makes them), months as datetime64[ns], numbers as float64 with NULL as
    NaN."""
    data = {c: [r[i] for r in rows] for i, c in enumerate(columns)}
    frame = pd.DataFrame({"campaign_id": pd.Series(
        data["campaign_id"], dtype=_id_dtype() if text_ids else object)})
    for col in columns[1:]:
        if col == "month":
            frame[col] = pd.to_datetime(pd.Series(data[col], dtype=object)).astype(
                "datetime64[ns]")
        elif col in DIMENSIONS:
            frame[col] = pd.Series(data[col], dtype=object)
        else:
            frame[col] = np.array([np.nan if v is None else v for v in data[col]], dtype=float)
    return frame


def _id_dtype() -> object:
    """The dtype ``build_facts`` gives the campaign ids (pandas' default for text)."""
    return pd.Series(["x"]).dtype


def snapshot_workbook(history: History, path: str | Path, *,
                      settings: Mapping[str, object] | None = None,
                      taken_at: str | None = None) -> int:
    """Load a workbook, build its facts and cycles, and append them to ``history`` with its
    name, SHA-256 and settings (the workbook's currency and funnel source are added);
    returns the snapshot's id. A workbook that does not load raises its ``InputError``
    and writes nothing."""
    from roi_core.io import load_workbook

    path = Path(path)
    data = load_workbook(path)
    recorded = {"currency": data.currency, "funnel_source": data.funnel_source,
                "sheet_names": data.sheet_names, **dict(settings or {})}
    return history.snapshot(build_facts(data), cycles=build_cycles(data), workbook=path.name,
                            sha256=workbook_sha256(path), settings=recorded,
                            taken_at=taken_at)
