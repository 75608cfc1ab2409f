"""Where the logs are read and which engine reads them: pandas, DuckDB or PySpark.

``open_frames`` gives the touchpoints and deals as narwhals lazy frames of one engine, with
the canonical columns (``roi_core.dataset``) and instants as whole microseconds since
1970 (``ts_us``, ``close_us``, ``created_us``): the one step each engine does its own way
(narwhals has no portable datetime → number), so that everything after it is one plan.

- ``pandas``: in memory; for workbooks and logs that fit.
- ``duckdb``: embedded; reads Parquet or CSV files (globs, folders, hive partitions) as it
  goes, spills to disk above ``memory_limit``: logs larger than memory on one machine.
- ``spark``: PySpark; the session in force (``SparkSession.getActiveSession``, one that
  spark-submit made), else ``SPARK_REMOTE`` (Spark Connect), else ``spark_master``
  (``local[*]`` by default). A cluster reads the same files from shared storage.

Ties in time are broken by the ``row`` column when there is one (the workbook's row, as
``roi_core.attribution`` does), then by channel and campaign: a deterministic order
whichever engine sorts.
"""

from __future__ import annotations

import atexit
import glob as globbing
import itertools
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

from roi_core.errors import InputError

__all__ = ["ENGINES", "AUTO_DUCKDB_BYTES", "Frames", "Progress", "connect", "distinct",
           "open_frames", "open_table", "pick_engine", "spark_session", "input_files"]

ENGINES = ("pandas", "duckdb", "spark")
AUTO_DUCKDB_BYTES = 256 * 2**20  # "auto": inputs above this size go to DuckDB
TOUCH_COLUMNS = ("account_id", "timestamp", "channel", "campaign_id")
DEAL_COLUMNS = ("deal_id", "account_id", "status", "close_date", "created_date", "amount",
                "margin_rate")
Source = pd.DataFrame | str | Path | Sequence[str | Path]
_TABLE_NUMBERS = itertools.count()


class Progress:
    """Stage lines on stderr for long runs (never on stdout, which carries the figures)."""

    def __init__(self, enabled: bool, engine: str) -> None:
        self.enabled, self.engine, self.start = enabled, engine, time.perf_counter()

    def __call__(self, message: str) -> None:
        if self.enabled:
            print(f"[{self.engine} {time.perf_counter() - self.start:7.1f} s] {message}",
                  file=sys.stderr, flush=True)


@dataclass
class Frames:
    """The logs as lazy frames of one engine, with what is needed to collect them."""

    engine: str
    touchpoints: Any  # narwhals LazyFrame: account_id, channel, campaign_id, row, ts_us
    deals: Any  # narwhals LazyFrame: deal_id, account_id, status, close_us, created_us, ...
    progress: Progress = field(default_factory=lambda: Progress(False, "pandas"))
    handle: Any = None  # the DuckDB connection or Spark session that owns the frames

    def collect(self, frame: Any) -> pd.DataFrame:
        """A lazy result as a small pandas frame."""
        if isinstance(frame, nw.DataFrame):
            return frame.to_pandas()
        return frame.collect(backend="pandas").to_native()

    def materialize(self, frame: Any, name: str) -> Any:
        """A lazy frame computed once and kept (it feeds several queries, which would each
        recompute it): a table of DuckDB's (on disk past its memory limit), a cached Spark
        DataFrame, a pandas frame."""
        if self.engine == "duckdb":
            name = f"{name}_{next(_TABLE_NUMBERS)}"  # a plan may run twice on one connection
            frame.to_native().to_table(name)
            return nw.from_native(self.handle.table(name))
        if self.engine == "spark":
            return nw.from_native(frame.to_native().cache())
        return nw.from_native(self.collect(frame)).lazy()


def distinct(frame: Any, column: str) -> Any:
    """The distinct values of a column, by a hash group-by (a lazy ``unique()`` is a window
    function on some engines: a sort of the whole table)."""
    return frame.group_by(column).agg(nw.len().alias("_rows")).select(column)


def input_files(source: str | Path | Sequence[str | Path]) -> list[Path]:
    """The files a source names: a file, a folder (every Parquet/CSV file under it, hive
    partitions included) or a glob; sorted, so that every engine reads them in one order.

    >>> input_files("/nonexistent/*.parquet")
    Traceback (most recent call last):
    roi_core.errors.InputError: /nonexistent/*.parquet: no Parquet or CSV file found.
    """
    items = [source] if isinstance(source, (str, Path)) else list(source)
    files: list[Path] = []
    for item in items:
        path = Path(item)
        if path.is_dir():
            files += [p for p in path.rglob("*") if p.suffix.lower() in (".parquet", ".csv")]
        elif path.exists():
            files.append(path)
        else:
            files += [Path(p) for p in globbing.glob(str(item), recursive=True)]
    files = sorted({f for f in files if f.is_file()})
    if not files:
        raise InputError("no Parquet or CSV file found", file=str(source))
    kinds = {f.suffix.lower() for f in files}
    if not kinds <= {".parquet", ".csv"} or len(kinds) > 1:
        raise InputError("give Parquet files or CSV files, not a mix "
                         f"({', '.join(sorted(kinds))})", file=str(source))
    return files


def _size(source: Source) -> int:
    if isinstance(source, pd.DataFrame):
        return 0
    return sum(f.stat().st_size for f in input_files(source))


def pick_engine(engine: str, *sources: Source) -> str:
    """``auto``: DuckDB when the files given weigh more than ``AUTO_DUCKDB_BYTES``, else
    pandas; any other name is checked and returned.

    >>> pick_engine("auto", pd.DataFrame())
    'pandas'
    """
    if engine == "auto":
        return "duckdb" if sum(_size(s) for s in sources) > AUTO_DUCKDB_BYTES else "pandas"
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}, auto")
    return engine


def _check_columns(columns: Sequence[str], need: Sequence[str], what: str, where: str) -> None:
    missing = [c for c in need if c not in columns]
    if missing:
        raise InputError(f"the {what} have no column {', '.join(map(repr, missing))} "
                         f"(columns found: {', '.join(columns)})", file=where,
                         expected="the canonical column names of the workbook contract")


# --- pandas ------------------------------------------------------------------------------


def _epoch_us(values: pd.Series) -> pd.Series:
    ts = pd.to_datetime(values)
    if getattr(ts.dt, "tz", None) is not None:
        ts = ts.dt.tz_convert("UTC").dt.tz_localize(None)
    us = ts.to_numpy("datetime64[us]").view("i8").astype("float64")
    return pd.Series(np.where(ts.isna().to_numpy(), np.nan, us), index=values.index)


def _read_pandas(source: Source) -> pd.DataFrame:
    if isinstance(source, pd.DataFrame):
        return source
    files = input_files(source)
    if files[0].suffix.lower() == ".parquet":
        return pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
    return pd.concat([pd.read_csv(f) for f in files], ignore_index=True)


def _pandas_touches(frame: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({
        "account_id": frame["account_id"].astype(object),
        "channel": frame["channel"].astype(object),
        "campaign_id": (frame["campaign_id"].astype(object) if "campaign_id" in frame
                        else pd.Series(None, index=frame.index, dtype=object)),
        "row": (pd.to_numeric(frame["row"]).astype("float64") if "row" in frame
                else np.zeros(len(frame))),
        "ts_us": _epoch_us(frame["timestamp"]),
    })
    for col in ("account_id", "channel", "campaign_id"):
        out[col] = out[col].where(out[col].notna(), None)
    return out


def _pandas_deals(frame: pd.DataFrame) -> pd.DataFrame:
    created = (frame["created_date"] if "created_date" in frame
               else pd.Series(pd.NaT, index=frame.index))
    out = pd.DataFrame({
        "deal_id": frame["deal_id"].astype(object),
        "account_id": frame["account_id"].astype(object),
        "status": frame["status"].astype(object),
        "close_us": _epoch_us(frame["close_date"]),
        "created_us": _epoch_us(created),
        "amount": pd.to_numeric(frame["amount"]).astype("float64"),
        "margin_rate": (pd.to_numeric(frame["margin_rate"]).astype("float64")
                        if "margin_rate" in frame else np.nan),
    })
    for col in ("deal_id", "account_id", "status"):
        out[col] = out[col].where(out[col].notna(), None)
    return out


# --- DuckDB ------------------------------------------------------------------------------


def _duckdb_relation(con: Any, source: Source, name: str) -> Any:
    if isinstance(source, pd.DataFrame):
        con.register(name, source)
        return con.table(name)
    files = [str(f) for f in input_files(source)]
    if files[0].lower().endswith(".parquet"):
        return con.read_parquet(files, hive_partitioning=True, union_by_name=True)
    return con.read_csv(files, header=True)


def _duckdb_frames(con: Any, touch_src: Source, deal_src: Source) -> tuple[Any, Any]:
    touch = _duckdb_relation(con, touch_src, "roi_touchpoints")
    deals = _duckdb_relation(con, deal_src, "roi_deals")
    tcols, dcols = touch.columns, deals.columns
    _check_columns(tcols, ("account_id", "timestamp", "channel"), "touchpoints",
                   _where(touch_src, "touchpoints"))
    _check_columns(dcols, ("deal_id", "account_id", "status", "close_date", "amount"),
                   "deals", _where(deal_src, "deals"))

    def epoch(col: str) -> str:
        return f"epoch_us(CAST({col} AS TIMESTAMP))"

    touch = touch.select(
        "CAST(account_id AS VARCHAR) AS account_id, CAST(channel AS VARCHAR) AS channel, "
        + ("CAST(campaign_id AS VARCHAR)" if "campaign_id" in tcols else "CAST(NULL AS VARCHAR)")
        + " AS campaign_id, "
        + ("CAST(row AS DOUBLE)" if "row" in tcols else "CAST(0 AS DOUBLE)") + " AS row, "
        + f"CAST({epoch('timestamp')} AS DOUBLE) AS ts_us")
    deals = deals.select(
        "CAST(deal_id AS VARCHAR) AS deal_id, CAST(account_id AS VARCHAR) AS account_id, "
        "CAST(status AS VARCHAR) AS status, "
        f"CAST({epoch('close_date')} AS DOUBLE) AS close_us, "
        + (f"CAST({epoch('created_date')} AS DOUBLE)" if "created_date" in dcols
           else "CAST(NULL AS DOUBLE)") + " AS created_us, "
        "CAST(amount AS DOUBLE) AS amount, "
        + ("CAST(margin_rate AS DOUBLE)" if "margin_rate" in dcols else "CAST(NULL AS DOUBLE)")
        + " AS margin_rate")
    return touch, deals


# --- Spark -------------------------------------------------------------------------------


def spark_session(master: str | None = None) -> Any:
    """The Spark session to run on: the active one, else Spark Connect at ``SPARK_REMOTE``,
    else a new one on ``master`` (default ``local[*]``), in UTC (instants are read as the
    workbook writes them, without a time zone)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise InputError("the Spark engine needs PySpark, which is not installed",
                         expected="pip install 'roi-core[spark]' (and Java 17), or "
                         "--engine duckdb") from None

    active = SparkSession.getActiveSession()
    if active is not None and master is None:
        return active
    builder = SparkSession.builder.appName("roi_core")
    remote = os.environ.get("SPARK_REMOTE")
    if remote and master is None:
        return builder.remote(remote).config("spark.sql.session.timeZone", "UTC").getOrCreate()
    master = master or "local[*]"
    builder = builder.master(master).config("spark.sql.session.timeZone", "UTC")
    if master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        # Local mode runs everything in the driver's JVM: give it room (1 GB by default).
        builder = (builder.config("spark.ui.enabled", "false")
                   .config("spark.driver.memory",
                           os.environ.get("ROI_SPARK_DRIVER_MEMORY", "4g"))
                   .config("spark.driver.host", "127.0.0.1")
                   .config("spark.ui.showConsoleProgress", "false")
                   .config("spark.sql.shuffle.partitions", "8")
                   .config("spark.sql.execution.arrow.pyspark.enabled", "true"))
    return builder.getOrCreate()


def _spark_frame(spark: Any, source: Source, prepare: Any) -> Any:
    if isinstance(source, pd.DataFrame):
        # Small frames go through pandas' own preparation: no datetime crosses to the JVM.
        return spark.createDataFrame(prepare(source))
    files = [str(f) for f in input_files(source)]
    if files[0].lower().endswith(".parquet"):
        # pandas writes nanosecond timestamps, which Spark refuses unless it reads them as
        # whole nanoseconds (epoch() below then divides them by 1 000).
        spark.conf.set("spark.sql.legacy.parquet.nanosAsLong", "true")
        return spark.read.option("mergeSchema", "true").parquet(*files)
    return spark.read.option("header", "true").option("inferSchema", "true").csv(files)


def _spark_frames(spark: Any, touch_src: Source, deal_src: Source) -> tuple[Any, Any]:
    from pyspark.sql import functions as F

    touch = _spark_frame(spark, touch_src, _pandas_touches)
    deals = _spark_frame(spark, deal_src, _pandas_deals)
    types = {f.name: f.dataType.simpleString() for f in [*touch.schema, *deals.schema]}

    def epoch(col: str) -> Any:
        if types.get(col) == "bigint":  # nanoseconds (see _spark_frame)
            return F.floor(F.col(col) / 1000).cast("double")
        return F.unix_micros(F.col(col).cast("timestamp")).cast("double")

    if "ts_us" not in touch.columns:
        _check_columns(touch.columns, ("account_id", "timestamp", "channel"), "touchpoints",
                       str(touch_src))
        touch = touch.select(
            F.col("account_id").cast("string").alias("account_id"),
            F.col("channel").cast("string").alias("channel"),
            (F.col("campaign_id").cast("string") if "campaign_id" in touch.columns
             else F.lit(None).cast("string")).alias("campaign_id"),
            (F.col("row").cast("double") if "row" in touch.columns
             else F.lit(0.0)).alias("row"),
            epoch("timestamp").alias("ts_us"))
    if "close_us" not in deals.columns:
        _check_columns(deals.columns, ("deal_id", "account_id", "status", "close_date",
                                       "amount"), "deals", str(deal_src))
        cols = deals.columns
        deals = deals.select(
            F.col("deal_id").cast("string").alias("deal_id"),
            F.col("account_id").cast("string").alias("account_id"),
            F.col("status").cast("string").alias("status"),
            epoch("close_date").alias("close_us"),
            (epoch("created_date") if "created_date" in cols
             else F.lit(None).cast("double")).alias("created_us"),
            F.col("amount").cast("double").alias("amount"),
            (F.col("margin_rate").cast("double") if "margin_rate" in cols
             else F.lit(None).cast("double")).alias("margin_rate"))
    return touch, deals


def connect(engine: str, *, progress: bool = False, spark: Any = None,
            spark_master: str | None = None, memory_limit: str = "3GB",
            temp_dir: str | None = None) -> Frames:
    """An engine ready to read (no frames yet): a DuckDB connection with its memory limit
    and spill folder, or a Spark session; nothing for pandas."""
    say = Progress(progress, engine)
    if engine == "pandas":
        return Frames(engine, None, None, say)
    if engine == "duckdb":
        import duckdb

        # A database file of our own (deleted on exit): the tables the plan keeps
        # (``materialize``) then live in DuckDB's buffer pool and spill past memory_limit.
        folder = tempfile.mkdtemp(prefix="roi_duckdb_", dir=temp_dir)
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        con = duckdb.connect(str(Path(folder) / "work.duckdb"),
                             config={"memory_limit": memory_limit,
                                     "preserve_insertion_order": False,
                                     "temp_directory": str(Path(folder) / "spill")})
        con.execute("SET enable_progress_bar = false")
        return Frames(engine, None, None, say, con)
    if engine == "spark":
        return Frames(engine, None, None, say,
                      spark if spark is not None else spark_session(spark_master))
    raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")


def open_frames(engine: str, touchpoints: Source, deals: Source, *, progress: bool = False,
                spark: Any = None, spark_master: str | None = None,
                memory_limit: str = "3GB", temp_dir: str | None = None) -> Frames:
    """The touchpoints and deals (canonical frames of a ``Dataset``, or Parquet/CSV files,
    folders or globs) as lazy frames of ``engine`` (``pick_engine`` resolves ``auto``), for
    the attribution plan: instants as epoch microseconds.

    >>> f = open_frames("pandas", pd.DataFrame({"account_id": ["a"], "channel": ["x"],
    ...     "timestamp": pd.to_datetime(["1970-01-02"])}), pd.DataFrame({"deal_id": [],
    ...     "account_id": [], "status": [], "close_date": [], "amount": []}))
    >>> f.collect(f.touchpoints)["ts_us"].tolist()
    [86400000000.0]
    """
    engine = pick_engine(engine, touchpoints, deals)
    frames = connect(engine, progress=progress, spark=spark, spark_master=spark_master,
                     memory_limit=memory_limit, temp_dir=temp_dir)
    say = frames.progress
    if engine == "pandas":
        touch, deal = _read_pandas(touchpoints), _read_pandas(deals)
        _check_columns(list(touch.columns), ("account_id", "timestamp", "channel"),
                       "touchpoints", _where(touchpoints, "touchpoints"))
        _check_columns(list(deal.columns), ("deal_id", "account_id", "status", "close_date",
                                            "amount"), "deals", _where(deals, "deals"))
        say(f"read {len(touch):,} touchpoints and {len(deal):,} deals")
        frames.touchpoints = nw.from_native(_pandas_touches(touch)).lazy()
        frames.deals = nw.from_native(_pandas_deals(deal)).lazy()
    elif engine == "duckdb":
        touch, deal = _duckdb_frames(frames.handle, touchpoints, deals)
        if progress:
            say(f"touchpoints: {touch.aggregate('count(*)').fetchall()[0][0]:,} rows, "
                f"deals: {deal.aggregate('count(*)').fetchall()[0][0]:,} rows")
        frames.touchpoints, frames.deals = nw.from_native(touch), nw.from_native(deal)
    else:
        touch, deal = _spark_frames(frames.handle, touchpoints, deals)
        frames.touchpoints, frames.deals = nw.from_native(touch), nw.from_native(deal)
    return frames


def _where(source: Source, what: str) -> str:
    return what if isinstance(source, pd.DataFrame) else str(source)


_TABLES = {
    "activities": {"text": ("campaign_id", "type", "outcome"), "dates": ("date",),
                   "numbers": (), "need": ("campaign_id", "date", "type")},
    "deals": {"text": ("deal_id", "campaign_id", "status"),
              "dates": ("created_date", "first_contact_date", "close_date"),
              "numbers": ("amount", "margin_rate"),
              "need": ("deal_id", "campaign_id", "status", "close_date", "amount")},
}


def open_table(frames: Frames, source: Source, kind: str) -> Any:
    """A canonical table (``activities`` or ``deals``: text, dates as datetimes, numbers as
    floats; blanks null, never NaN) as a lazy frame of ``frames``' engine; missing optional
    columns come null."""
    spec = _TABLES[kind]
    where = _where(source, kind)
    if frames.engine == "pandas":
        raw = _read_pandas(source)
        _check_columns(list(raw.columns), spec["need"], kind, where)
        out = pd.DataFrame(index=raw.index)
        for col in spec["text"]:
            v = raw[col].astype(object) if col in raw else pd.Series(None, index=raw.index,
                                                                       dtype=object)
            out[col] = v.where(v.notna(), None)
        for col in spec["dates"]:
            out[col] = pd.to_datetime(raw[col]) if col in raw else pd.NaT
        for col in spec["numbers"]:
            out[col] = pd.to_numeric(raw[col]).astype(float) if col in raw else float("nan")
        return nw.from_native(out).lazy()
    if frames.engine == "duckdb":
        rel = _duckdb_relation(frames.handle, source, f"roi_{kind}")
        cols = rel.columns
        _check_columns(cols, spec["need"], kind, where)
        parts = [f"CAST({c} AS VARCHAR) AS {c}" if c in cols else f"CAST(NULL AS VARCHAR) AS {c}"
                 for c in spec["text"]]
        parts += [f"CAST({c} AS TIMESTAMP) AS {c}" if c in cols
                  else f"CAST(NULL AS TIMESTAMP) AS {c}" for c in spec["dates"]]
        parts += [f"CAST(CASE WHEN isnan({c}::DOUBLE) THEN NULL ELSE {c} END AS DOUBLE) AS {c}"
                  if c in cols else f"CAST(NULL AS DOUBLE) AS {c}" for c in spec["numbers"]]
        return nw.from_native(rel.select(", ".join(parts)))
    from pyspark.sql import functions as F

    df = _spark_frame(frames.handle, source, lambda frame: frame)
    types = {f.name: f.dataType.simpleString() for f in df.schema}
    _check_columns(df.columns, spec["need"], kind, where)

    def as_date(c: str) -> Any:
        if types.get(c) == "bigint":  # nanoseconds from pandas' Parquet
            return F.timestamp_micros(F.floor(F.col(c) / 1000))
        return F.col(c).cast("timestamp")

    cols = [(F.col(c).cast("string") if c in types else F.lit(None).cast("string")).alias(c)
            for c in spec["text"]]
    cols += [(as_date(c) if c in types else F.lit(None).cast("timestamp")).alias(c)
             for c in spec["dates"]]
    cols += [(F.nanvl(F.col(c).cast("double"), F.lit(None).cast("double")) if c in types
              else F.lit(None).cast("double")).alias(c) for c in spec["numbers"]]
    return nw.from_native(df.select(*cols))
