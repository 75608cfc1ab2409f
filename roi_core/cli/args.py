"""Arguments shared by several commands, and writing a command's result."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

import pandas as pd

from roi_core.cli.render import FORMATS, render
from roi_core.dataset import Dataset
from roi_core.facts import build_facts, filter_facts
from roi_core.formatting import LANGS
from roi_core.shared import ALLOCATIONS, allocation_label, shared_cost

__all__ = ["positive_days", "add_output_arguments", "emit", "add_allocation", "allocation_note"]

# The command line's default is the meeting app's: the same numbers on screen and in scripts
# (DOMAIN.md). Without shared cost lines every setting gives the same figures.
DEFAULT_ALLOCATION = "cost"


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


def add_allocation(parser: argparse.ArgumentParser) -> None:
    """The ``--allocate-shared none|cost|contacts`` option (``roi_core.shared``)."""
    parser.add_argument(
        "--allocate-shared", default=DEFAULT_ALLOCATION, choices=list(ALLOCATIONS),
        help="where the cost lines of no campaign (a shared budget) go per channel, "
        "campaign, segment or team: 'none' keeps them as their own '(unassigned)' row, "
        "'cost' allocates them pro rata of direct cost, 'contacts' pro rata of contacts "
        f"(default: {DEFAULT_ALLOCATION}, as the meeting app). The total always counts them.")


def allocation_note(data: Dataset, method: str, *, include_indirect: bool = True,
                    months: tuple[str, str] | None = None) -> str | None:
    """One line saying how much cost belongs to no campaign and what the setting did with it;
    None when there is none (the setting changes nothing)."""
    amount = shared_cost(filter_facts(build_facts(data), months=months), include_indirect)
    if not amount:
        return None
    return (f"note: {amount:,.2f} of cost belongs to no campaign: counted in the total and "
            f"its month; per group {allocation_label(method, 'en')} "
            f"(--allocate-shared {method})")
