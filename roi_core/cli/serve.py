"""``python -m roi_core serve [--notebook PATH] [-- marimo run options]``: the meeting app, served
with the memory setting it needs.

``marimo run`` runs each viewer's session in a thread of one process; glibc gives each
allocating thread its own malloc arena and keeps what an arena once held: over 30 sessions
that each uploaded a workbook and closed, the server grew by 6.6 MB a session
(``benchmarks/bench_sessions.py``). With the arenas capped (``MALLOC_ARENA_MAX=2``, set
before the process starts: it cannot be changed once threads run) new sessions reuse what
ended sessions gave back: 1.3 MB a session, 0.3 MB over the last 15. This command sets
it, and a session TTL, then becomes ``marimo run``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "notebooks" / "roi_explorer.py"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="serve the meeting app (marimo run) with bounded memory "
                       "per session",
                       description="Run 'marimo run' on the meeting app with glibc's malloc "
                       "arenas capped (MALLOC_ARENA_MAX) so that ended sessions give their "
                       "memory back. Options after '--' go to marimo run "
                       "(e.g. -- --host 0.0.0.0 --port 2718).")
    p.add_argument("--notebook", default=str(APP), help="default: the meeting app")
    p.add_argument("--session-ttl", type=int, default=120,
                   help="seconds a session lives after its page closed (default 120)")
    p.add_argument("--arenas", type=int, default=2, help="MALLOC_ARENA_MAX (default 2)")
    p.add_argument("marimo_args", nargs="*", help="options for marimo run, after '--'")
    p.set_defaults(func=run, isolate=False)


def command(args: argparse.Namespace) -> tuple[list[str], dict[str, str]]:
    """The ``marimo run`` command line and environment ``serve`` becomes.

    >>> from roi_core.cli.main import build_parser
    >>> cmd, env = command(build_parser().parse_args(["serve", "--", "--port", "9"]))
    >>> cmd[1:4], cmd[-4:], env["MALLOC_ARENA_MAX"]
    (['-m', 'marimo', 'run'], ['--session-ttl', '120', '--port', '9'], '2')
    """
    env = {**os.environ, "MALLOC_ARENA_MAX": str(args.arenas)}
    cmd = [sys.executable, "-m", "marimo", "run", args.notebook,
           "--session-ttl", str(args.session_ttl), *args.marimo_args]
    return cmd, env


def run(args: argparse.Namespace) -> int:
    cmd, env = command(args)
    sys.stdout.flush()
    os.execve(sys.executable, cmd, env)
    return 0  # not reached
