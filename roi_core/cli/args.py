"""Arguments shared by several commands, and writing a command's result."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

import pandas as pd

from roi_core.cli.render import FORMATS, render
from roi_core.formatting import LANGS

__all__ = ["positive_days", "add_output_arguments", "emit"]


def positive_days(what: str) -> Callable[[str], float]:
    """An argparse type for a positive number of days ("7", "7,5"); ``what`` names it.

    >>> positive_days("the window")("7,5")
    7.5
    >>> positive_days("the window")("0")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: the window must be a positive number of days, not '0'
    """

    def parse(text: str) -> float:
        try:
            value = float(text.replace(",", "."))
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number of days: {text!r}") from None
        if not 0 < value < float("inf"):
            raise argparse.ArgumentTypeError(
                f"{what} must be a positive number of days, not {text!r}")
        return value

    return parse


def add_output_arguments(p: argparse.ArgumentParser) -> None:
    """``--format``, ``--lang`` and ``--columns``, the same for every command that prints
    a result frame (read back by ``emit``)."""
    p.add_argument("--format", default="table", choices=FORMATS,
                   help="table (for people, default), csv or json (canonical: rates as "
                   "fractions, undefined values empty or null)")
    p.add_argument("--lang", default="fr", choices=list(LANGS),
                   help="language and number format of the table (default: fr); csv and "
                   "json do not change")
    p.add_argument("--columns", default=None, metavar="all|NAME,...",
                   help="the table's columns: a compact set that fits 120 characters by "
                   "default, 'all' for every column, or canonical names separated by "
                   "commas, as in --format json (then csv and json keep only those too)")


def emit(frame: pd.DataFrame, args: argparse.Namespace, default: Sequence[str] | None = None,
         *, currency: str = "EUR") -> None:
    """Write ``frame`` to stdout as ``add_output_arguments`` asked; ``default``: the
    command's compact table columns."""
    text = render(frame, args.format, lang=getattr(args, "lang", "fr"),
                  columns=getattr(args, "columns", None), default=default, currency=currency)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
