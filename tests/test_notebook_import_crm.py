"""notebooks/import_crm.py runs headless: a Pipedrive export plus the template's costs give
a workbook the loader reads; a bad export is a callout; the mapping form builds itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import NOTEBOOKS, ROOT, write_xlsx
from test_importers import CAMPAIGNS, COSTS, PIPEDRIVE_DEALS, _csv

RUN = """
import io, json, sys
sys.path.insert(0, {nb!r})
import import_crm as nb
from roi_core.io import load_bytes
outputs, defs = nb.app.run()
data = defs.get("workbook_bytes")
from roi_core.errors import InputError
try:
    loaded = load_bytes(data, "x.xlsx") if data else None
except InputError as exc:  # deals alone, no campaign: the loader says so
    loaded = None
    assert "no campaign" in str(exc), exc
form = defs.get("form")
print(json.dumps({{
    "sheets": sorted(defs["sheets"]) if "sheets" in defs else None,
    "deals": len(loaded.deals) if loaded is not None else None,
    "form": sorted(form.value) if form is not None else None,
}}))
"""


def _run(**env: str) -> dict:
    result = subprocess.run([sys.executable, "-c", RUN.format(nb=str(NOTEBOOKS))], cwd=ROOT,
                            capture_output=True, text=True, timeout=180,
                            env={**os.environ, **env})
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_pipedrive_import_in_the_notebook(tmp_path) -> None:
    export = _csv(tmp_path / "deals.csv", PIPEDRIVE_DEALS)
    costs = write_xlsx(tmp_path / "costs.xlsx", {"Campagnes": CAMPAIGNS, "Coûts": COSTS})
    out = _run(IMPORT_FILES=os.pathsep.join([str(export), str(costs)]),
               IMPORT_SOURCE="pipedrive", IMPORT_MARGIN_RATE="40 %")
    assert out["sheets"] == ["campaigns", "costs", "deals"]
    assert out["deals"] == 5


def test_unknown_export_is_a_callout(tmp_path) -> None:
    export = _csv(tmp_path / "x.csv", [["foo", "bar"], ["1", "2"]])
    out = _run(IMPORT_FILES=str(export), IMPORT_SOURCE="hubspot")
    assert out["sheets"] is None and out["deals"] is None


def test_mapping_form_lists_the_contract_columns(tmp_path) -> None:
    export = _csv(tmp_path / "maison.csv", [["ID affaire", "Statut", "Montant HT"],
                                            ["D1", "gagnée", "6 000"]], sep=";")
    out = _run(IMPORT_FILES=str(export), IMPORT_SOURCE="mapping")
    assert out["form"] == sorted(["deal_id", "campaign_id", "account_id",
                                  "first_contact_date", "created_date", "close_date",
                                  "status", "amount", "margin_rate"])
    assert out["sheets"] == ["campaigns", "costs", "deals"]
