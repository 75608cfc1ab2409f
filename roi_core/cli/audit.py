"""``python -m roi_core audit WORKBOOK``: every error and warning of a workbook at once.

Exits 0 whenever the file can be read at all, findings or not; 2 when it cannot.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from roi_core.cli.render import records, table
from roi_core.io import inspect_workbook
from roi_core.quality import LANGS, audit_inspection, quality_badge, sheet_scores

_HEAD = {
    "fr": {"error": "ERREUR", "warning": "ALERTE", "info": "INFO", "rows": "lignes", "row": "ligne",
           "todo": "à faire", "scores": "Score par feuille", "none": "Aucun problème trouvé."},
    "en": {"error": "ERROR", "warning": "WARNING", "info": "INFO", "rows": "rows", "row": "row",
           "todo": "to do", "scores": "Score per sheet", "none": "No problem found."},
}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("audit", help="data-quality audit: every error and warning at once",
                       description="List every error and warning of a workbook, each with its "
                       "sheet, rows, a plain message and what to do, plus a score per sheet. "
                       "Exits 0 whenever the file can be read, 2 when it cannot.")
    p.add_argument("workbook", help="an .xlsx workbook, a CSV file, or a folder of CSV files")
    p.add_argument("--format", default="table", choices=["table", "json"])
    p.add_argument("--lang", default="fr", choices=list(LANGS),
                   help="language of the messages (default: fr)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    inspection = inspect_workbook(args.workbook)
    findings = audit_inspection(inspection, args.lang)
    scores = sheet_scores(findings, inspection.dataset)
    badge = quality_badge(findings, args.lang)
    if args.format == "json":
        payload = {"file": Path(args.workbook).name, "badge": asdict(badge),
                   "scores": records(scores),
                   "findings": [{**asdict(f), "rows": list(f.rows)} for f in findings]}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return 0
    head = _HEAD[args.lang]
    lines = [f"{Path(args.workbook).name}: {badge.text}", ""]
    for f in findings:
        rows = ", ".join(map(str, f.rows[:20])) + (", …" if len(f.rows) > 20 else "")
        word = head["rows"] if len(f.rows) > 1 else head["row"]
        where = f"{f.sheet}" + (f", {word} {rows}" if rows else "")
        lines.append(f"[{head[f.severity]}] {where}: {f.message}")
        lines.append(f"    {head['todo']}: {f.action}")
    if not findings:
        lines.append(head["none"])
    lines += ["", head["scores"] + ":", table(scores, args.lang)]
    sys.stdout.write("\n".join(lines) + "\n")
    return 0
