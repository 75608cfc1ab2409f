"""Spreadsheet safety for everything we write: no formula injection.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
run as a formula by Excel and LibreOffice (``=HYPERLINK(...)``, ``@SUM(...)``, DDE
tricks). Text coming from user data is therefore written with a leading single quote,
which spreadsheets show as plain text. Numbers, dates and booleans are left alone: only
text can carry a formula.
"""

from __future__ import annotations

__all__ = ["excel_safe", "looks_like_formula", "FORMULA_PREFIXES", "downloads_allowed"]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d",
                    "\uff20")


def looks_like_formula(text: str) -> bool:
    """True for text a spreadsheet could run as a formula (leading spaces do not hide it).

    >>> looks_like_formula("=HYPERLINK(1)"), looks_like_formula(" -5"), looks_like_formula("Salon")
    (True, True, False)
    """
    return text.lstrip(" ").startswith(FORMULA_PREFIXES)


def excel_safe(value: object) -> object:
    """The value, or for text that a spreadsheet would run as a formula, that text quoted.

    Full-width look-alikes (＝, ＋, －, ＠) are quoted too; leading spaces do not hide a
    formula from us.

    >>> excel_safe("=HYPERLINK(\\"http://x\\", \\"clic\\")")
    '\\'=HYPERLINK("http://x", "clic")'
    >>> excel_safe("-5 %"), excel_safe("@SUM(A1)"), excel_safe("  +33 1 23")
    ("'-5 %", "'@SUM(A1)", "'  +33 1 23")
    >>> excel_safe(-5.0), excel_safe("Salon Lyon"), excel_safe(None)
    (-5.0, 'Salon Lyon', None)
    """
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def downloads_allowed(environ: dict[str, str] | None = None) -> bool:
    """Whether viewers of the served app may download raw data tables.

    Off unless the deployer sets ``ROI_ALLOW_DOWNLOAD=1``; pass it as
    ``mo.ui.table(..., show_download=downloads_allowed())``.

    >>> downloads_allowed({}), downloads_allowed({"ROI_ALLOW_DOWNLOAD": "1"})
    (False, True)
    """
    import os

    env = os.environ if environ is None else environ
    return env.get("ROI_ALLOW_DOWNLOAD", "").strip() == "1"
