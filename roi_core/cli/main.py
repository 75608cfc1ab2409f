"""``python -m roi_core``: the same numbers as the notebooks, for scripts and for checking.

Every command exits 0 on success and 2 with one plain message on stderr for any bad
input, never a traceback. Each command lives in ``roi_core/cli/<name>.py`` and
registers itself through a ``register(subparsers)`` function.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from roi_core.errors import InputError

__all__ = ["main", "build_parser"]

COMMANDS = ["kpis", "attribution", "cohorts", "audit", "import", "export", "report"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own exit status is also 2
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m roi_core",
                     description="Prospecting ROI: KPIs per campaign, channel, segment, team.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in COMMANDS:
        importlib.import_module(f"roi_core.cli.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        # A file we could not make sense of must still end in one plain line.
        print(f"error: {getattr(args, 'workbook', '')}: could not be read "
              f"({type(exc).__name__}: {exc})", file=sys.stderr)
        return 2
