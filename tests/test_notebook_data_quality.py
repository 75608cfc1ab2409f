"""notebooks/data_quality.py runs headless on a planted workbook, an unreadable file and no
file at all: findings, a callout, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import NOTEBOOKS, ROOT, clean_company, write_xlsx

from roi_core.quality import findings_summary

RUN = """
import json, sys
sys.path.insert(0, {nb!r})
import data_quality as nb
outputs, defs = nb.app.run()
print(json.dumps({{
    "findings": [f.rule for f in defs.get("findings", [])] if "findings" in defs else None,
    "load_error": defs.get("load_error"),
    "inspected": defs.get("inspection") is not None,
    "download": defs["SHOW_DOWNLOAD"],
}}))
"""


def _run(workbook: str, **env: str) -> dict:
    result = subprocess.run([sys.executable, "-c", RUN.format(nb=str(NOTEBOOKS))], cwd=ROOT,
                            capture_output=True, text=True, timeout=180,
                            env={**os.environ, "ROI_WORKBOOK": workbook, **env})
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_planted_workbook_shows_its_findings(tmp_path) -> None:
    sheets = clean_company()
    sheets["Affaires"].append(["D1", "C1", "A9", None, None, "en cours", None, 0.4])
    path = write_xlsx(tmp_path / "planted.xlsx", sheets)
    out = _run(str(path))
    assert out["inspected"] and out["load_error"] is None
    assert "duplicate_id" in out["findings"] and "missing_amount" in out["findings"]
    assert out["download"] is False


def test_unreadable_file_is_a_callout_not_a_traceback(tmp_path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04broken")
    out = _run(str(bad), ROI_ALLOW_DOWNLOAD="1")
    assert "damaged or truncated" in out["load_error"]
    assert out["findings"] is None
    assert out["download"] is True


def test_no_workbook_at_all(tmp_path) -> None:
    out = _run(str(tmp_path / "absent.xlsx"))
    assert out == {"findings": None, "load_error": None, "inspected": False,
                   "download": False}


def test_summary_counts_match_findings(tmp_path) -> None:
    from roi_core.io import audit_workbook

    sheets = clean_company()
    sheets["Affaires"].append(["D9", None, "A9", None, None, "en cours", None, 0.4])
    findings = audit_workbook(write_xlsx(tmp_path / "x.xlsx", sheets))
    summary = findings_summary(findings)
    assert summary["findings"].sum() == len(findings)
    assert set(summary["rule"]) == {"deal_without_campaign", "missing_amount"}
