"""What the history commands share: the history file from ``--history`` or ``ROI_HISTORY``."""

from __future__ import annotations

import argparse
import os

from roi_core.errors import InputError
from roi_core.store import History

__all__ = ["add_history_argument", "open_history"]


def add_history_argument(parser: argparse.ArgumentParser, required: bool) -> None:
    parser.add_argument("--history", metavar="FILE",
                        help="the history file (SQLite), kept beside the workbook, e.g. "
                        "roi_history.sqlite (default: $ROI_HISTORY)"
                        + ("" if required else "; optional"))


def open_history(args: argparse.Namespace, *, required: bool, create: bool) -> History | None:
    """The history named by ``--history`` (else ``ROI_HISTORY``); None when optional and
    neither is set."""
    path = args.history or os.environ.get("ROI_HISTORY", "").strip()
    if not path:
        if required:
            raise InputError("no history file: give --history FILE (or set ROI_HISTORY)")
        return None
    return History(path, create=create)
