"""Read a file leniently and audit it: the loader (``inspect_*``) then the checks
(``roi_core.quality.audit``), for the command line, the notebooks and the tests.
"""

from __future__ import annotations

from pathlib import Path

from roi_core.io.workbook import inspect_bytes, inspect_workbook
from roi_core.quality import Finding, audit_inspection

__all__ = ["audit_bytes", "audit_workbook"]


def audit_workbook(path: str | Path, lang: str = "fr") -> list[Finding]:
    """Audit a file; raises ``InputError`` only when it cannot be read at all."""
    return audit_inspection(inspect_workbook(path), lang)


def audit_bytes(data: bytes, name: str, lang: str = "fr") -> list[Finding]:
    """Audit an upload given as bytes."""
    return audit_inspection(inspect_bytes(data, name), lang)
