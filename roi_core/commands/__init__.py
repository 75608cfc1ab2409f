"""One module per ``python -m roi_core`` command; see ``roi_core.cli``."""
