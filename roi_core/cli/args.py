"""One module per ``python -m roi_core`` command; see ``roi_core.cli``."""

from __future__ import annotations

import argparse
from collections.abc import Callable

__all__ = ["positive_days"]


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
