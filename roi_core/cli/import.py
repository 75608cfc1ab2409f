"""``python -m roi_core import --from VENDOR FILE... -o workbook.xlsx``: CRM exports into
a workbook of the contract (French headers) that every other command reads.

The summary says, per export, what was guessed: the locale its numbers and dates were
read in (and why), the source campaigns were built from, footer lines skipped, ids made;
the workbook keeps the same notes for ``audit``.

(The module is named after the command; ``roi_core.cli`` imports it by name.)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from roi_core.errors import InputError
from roi_core.importers import (
    VENDORS,
    ColumnMapping,
    ImportNote,
    import_files,
    parse_margin_rate,
    write_workbook,
)
from roi_core.importers.localize import LOCALES
from roi_core.io import inspect_bytes
from roi_core.quality import audit_inspection, quality_badge


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="turn CRM exports into a workbook of the contract",
                       description="Convert HubSpot, Salesforce or Pipedrive exports, or a "
                       "call-platform log, into a workbook the other commands read. Sheets "
                       "typed in the template (Campagnes, Coûts) given among the files pass "
                       "through: costs come from there.")
    p.add_argument("--from", dest="vendor", required=True, choices=list(VENDORS))
    p.add_argument("files", nargs="+", metavar="FILE", help="export files (.csv or .xlsx)")
    p.add_argument("-o", "--output", required=True, help="the workbook to write (.xlsx)")
    p.add_argument("--locale", default="auto", choices=list(LOCALES),
                   help="how the exporting user's software wrote numbers and dates "
                   "(default: inferred from the whole file; a file that leaves it "
                   "ambiguous stops and asks for this option)")
    p.add_argument("--margin-rate", default=None,
                   help="margin rate for deals whose export has none, e.g. 40%% or 0.4")
    p.add_argument("--mapping", default=None, help="a saved column mapping (JSON), with "
                   "--from mapping")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    margin = parse_margin_rate(args.margin_rate)
    mapping = ColumnMapping.load(args.mapping) if args.mapping else None
    notes: list[ImportNote] = []
    sheets = import_files(args.files, args.vendor, locale=args.locale, margin_rate=margin,
                          mapping=mapping, notes=notes)
    output = Path(args.output)
    if output.suffix.lower() != ".xlsx":
        raise InputError("the output must be an .xlsx workbook", file=str(output))
    data = write_workbook(sheets, notes=notes)
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise InputError(f"cannot write the workbook ({exc.strerror})", file=str(output)) \
            from None
    counts = ", ".join(f"{name} {len(frame)}" for name, frame in sheets.items())
    badge = quality_badge(audit_inspection(inspect_bytes(data, output.name), "en"), "en")
    hint = "" if badge.severity == "ok" else f" (see: python -m roi_core audit {output})"
    lines = [f"{output}: {counts} rows. {badge.text}{hint}"]
    lines += [f"  [{n.severity}] {n.file}: {n.en}" for n in notes]
    sys.stdout.write("\n".join(lines) + "\n")
    return 0
