"""The options that send a command's heavy steps to another engine (``roi_core.engines``):
``--engine``, ``--touchpoints``, ``--deals``, ``--spark-master``, ``--memory-limit``.

Not a command (no ``register``): the commands that take these options add them.
"""

from __future__ import annotations

import argparse
import sys

from roi_core.dataset import Dataset
from roi_core.engines import ENGINES, Frames, open_frames

__all__ = ["add_engine_arguments", "engine_frames"]


def add_engine_arguments(p: argparse.ArgumentParser) -> None:
    """Add the engine options to a command's parser."""
    g = p.add_argument_group("large logs", "Read touchpoints and deals from Parquet or CSV "
                             "files (files, folders, globs; hive partitions welcome) and "
                             "compute on pandas, DuckDB or Spark; the workbook still gives "
                             "campaigns and costs.")
    g.add_argument("--engine", choices=[*ENGINES, "auto"], default=None,
                   help="where the heavy steps run (default: pandas on the workbook; with "
                   "--touchpoints/--deals: auto, DuckDB above 256 MB of files)")
    g.add_argument("--touchpoints", nargs="+", metavar="PATH",
                   help="touchpoint logs (account_id, timestamp, channel, campaign_id?)")
    g.add_argument("--deals", nargs="+", metavar="PATH",
                   help="deal logs (deal_id, account_id, status, close_date, created_date?, "
                   "amount, margin_rate?)")
    g.add_argument("--spark-master", default=None,
                   help="Spark master URL (default: the active session, SPARK_REMOTE, or "
                   "local[*])")
    g.add_argument("--memory-limit", default="3GB",
                   help="DuckDB's memory limit before it spills to disk (default: 3GB)")


def engine_frames(args: argparse.Namespace, data: Dataset) -> Frames | None:
    """The logs as an engine's frames, or None when the command runs on the workbook alone."""
    if args.engine is None and not (args.touchpoints or args.deals):
        return None
    touch = args.touchpoints if args.touchpoints else data.touchpoints
    deals = args.deals if args.deals else data.deals
    return open_frames(args.engine or "auto", touch, deals, progress=sys.stderr.isatty()
                       or bool(args.touchpoints or args.deals), spark_master=args.spark_master,
                       memory_limit=args.memory_limit)
