"""``python -m roi_core``: the entry point (``main``) and one module per command.

May import every layer but ``app``; nothing in ``roi_core`` imports it.
"""

from roi_core.cli.main import build_parser, main

__all__ = ["build_parser", "main"]
