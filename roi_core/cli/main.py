"""``python -m roi_core``: the same numbers as the notebooks, for scripts and for checking.

Every command exits 0 on success and 2 with one plain message on stderr for any bad
input, never a traceback. Each command lives in ``roi_core/cli/<name>.py`` and
registers itself through a ``register(subparsers)`` function: a new module with one is
a new command (``COMMANDS`` lists them, the usual ones first).
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence
from pathlib import Path

from roi_core.errors import InputError

__all__ = ["main", "build_parser"]

_FIRST = ["kpis", "attribution", "cohorts", "audit", "import", "export", "report"]
_NOT_COMMANDS = {"main", "args", "render"}


def _commands() -> list[str]:
    here = [m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)])
            if m.name not in _NOT_COMMANDS and not m.name.startswith("_")]
    return [n for n in _FIRST if n in here] + sorted(n for n in here if n not in _FIRST)


COMMANDS = _commands()


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own exit status is also 2
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m roi_core",
                     description="Prospecting ROI: KPIs per campaign, channel, segment, team.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in COMMANDS:
        module = importlib.import_module(f"roi_core.cli.{name}")
        if hasattr(module, "register"):  # helpers shared by commands have none
            module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse and run a command. From the shell (``argv`` None) the command runs in a child
    process with memory and CPU limits (``roi_core.io.isolated``): a file that makes the
    reader abort or exhaust memory ends in one message and exit 2, like any bad file."""
    parser = build_parser()
    args = parser.parse_args(argv)
    isolate = getattr(args, "isolate", True)  # ``serve`` becomes a server: not a child
    if callable(isolate):  # a command that decides from its options (the large-log engines)
        isolate = isolate(args)
    if argv is None and isolate and os.environ.get("ROI_CLI_ISOLATE", "1") != "0":
        from roi_core.io.isolated import run

        name = str(getattr(args, "workbook", None) or " ".join(
            str(f) for f in getattr(args, "files", None) or []))
        try:
            return int(run(_dispatch, args, name=Path(name).name if name else "", fork=True,
                           memory_bytes=int(os.environ.get("ROI_CLI_MEMORY_MB", "4096")) * 2**20,
                           cpu_seconds=int(os.environ.get("ROI_CLI_CPU_SECONDS", "900")),
                           wall_seconds=int(os.environ.get("ROI_CLI_WALL_SECONDS", "1800"))))
        except InputError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    return _dispatch(args)


def _dispatch(args: argparse.Namespace) -> int:
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
