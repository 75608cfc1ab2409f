"""The options that send a command's heavy steps to another engine (``roi_core.engines``):
``--engine``, ``--touchpoints``, ``--deals``, ``--spark-master``, ``--memory-limit``.

Not a command (no ``register``): the commands that take these options add them.
"""

from __future__ import annotations

import argparse
import sys

from roi_core.dataset import Dataset
from roi_core.engines import (
    ENGINES,
    Frames,
    connect,
    engine_funnel,
    open_frames,
    open_table,
    pick_engine,
)

__all__ = ["add_engine_arguments", "engine_dataset", "engine_frames"]


def add_engine_arguments(p: argparse.ArgumentParser,
                         logs: tuple[str, ...] = ("touchpoints", "deals")) -> None:
    """Add the engine options to a command's parser, with one path option per log read."""
    g = p.add_argument_group("large logs", f"Read {' and '.join(logs)} from Parquet or CSV "
                             "files (files, folders, globs; hive partitions welcome) and "
                             "compute on pandas, DuckDB or Spark; the workbook still gives "
                             "campaigns and costs.")
    g.add_argument("--engine", choices=[*ENGINES, "auto"], default=None,
                   help="where the heavy steps run (default: pandas on the workbook; with "
                   "--touchpoints/--deals: auto, DuckDB above 256 MB of files)")
    helps = {"touchpoints": "touchpoint logs (account_id, timestamp, channel, campaign_id?)",
             "deals": "deal logs (deal_id, account_id, campaign_id, status, close_date, "
                      "created_date?, amount, margin_rate?)",
             "activities": "activity logs (date, campaign_id, type, outcome, in the "
                           "contract's codes: call, meeting, no_answer, lead ...)"}
    for log in logs:
        g.add_argument(f"--{log}", nargs="+", metavar="PATH", help=helps[log])
    g.add_argument("--spark-master", default=None,
                   help="Spark master URL (default: the active session, SPARK_REMOTE, or "
                   "local[*])")
    g.add_argument("--memory-limit", default="3GB",
                   help="DuckDB's memory limit before it spills to disk (default: 3GB)")
    p.set_defaults(isolate=_isolate)


def _isolate(args: argparse.Namespace) -> bool:
    """Whether the command runs in the limited child of ``roi_core.cli.main``: not with an
    engine or log files (the operator's own files, read by engines that bound their own
    memory: DuckDB's limit, Spark's JVM, which cannot even start under an address-space
    limit below its heap)."""
    return args.engine is None and not _logs(args)


def _logs(args: argparse.Namespace) -> list:
    return [v for v in (getattr(args, n, None) for n in ("touchpoints", "deals", "activities"))
            if v]


def engine_frames(args: argparse.Namespace, data: Dataset) -> Frames | None:
    """The logs as an engine's frames, or None when the command runs on the workbook alone."""
    if args.engine is None and not _logs(args):
        return None
    touch = args.touchpoints if getattr(args, "touchpoints", None) else data.touchpoints
    deals = args.deals if args.deals else data.deals
    return open_frames(args.engine or "auto", touch, deals, progress=sys.stderr.isatty()
                       or bool(args.touchpoints or args.deals), spark_master=args.spark_master,
                       memory_limit=args.memory_limit)


def engine_dataset(args: argparse.Namespace, data: Dataset) -> Dataset:
    """The workbook with its funnel derived by an engine from the activity and deal logs
    (``roi_core.engines.engine_funnel``), or the workbook as it is without engine options.

    Deals given as files are read whole into the dataset too (one row per deal: millions
    fit in memory), for the sales cycle; activities stay in the engine.
    """
    if args.engine is None and not _logs(args):
        return data
    acts = args.activities if args.activities else data.activities
    deals = args.deals if args.deals else data.deals
    engine = pick_engine(args.engine or "auto", acts, deals)
    frames = connect(engine, progress=bool(_logs(args)), spark_master=args.spark_master,
                     memory_limit=args.memory_limit)
    frames.progress("funnel volumes from the activities and deals")
    deals_lazy = open_table(frames, deals, "deals") if len(deals) else None
    acts_lazy = open_table(frames, acts, "activities") if len(acts) else None
    funnel = engine_funnel(frames, acts_lazy, deals_lazy)
    frames.progress("done")
    changes: dict[str, object] = {"funnel": funnel, "funnel_source": "derived"}
    if args.deals:
        changes["deals"] = frames.collect(deals_lazy)
    return data.replace(**changes)
