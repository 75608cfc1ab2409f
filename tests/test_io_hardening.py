"""Loader hardening: whatever the bytes, only InputError escapes the loader."""

from __future__ import annotations

import pytest

from roi_core.io import load_bytes, load_workbook


def test_single_table_without_id_column_loads(tmp_path) -> None:
    # One row per campaign, named but without an id column or a 'CA par client' column:
    # this used to escape as KeyError('campaign_id').
    path = tmp_path / "simple.csv"
    path.write_text("Campagne;Canal;Coût;Leads;Clients\nA;Emailing;1000;10;1\n",
                    encoding="utf-8")
    data = load_workbook(path)
    assert data.campaigns["campaign_id"].tolist() == ["A"]
    assert data.funnel["leads"].tolist() == [10.0]
    assert data.costs["amount"].sum() == pytest.approx(1000.0)


def test_bytes_and_path_agree(tmp_path) -> None:
    raw = "Campagne;Canal;Coût;Leads;Clients\nA;Emailing;1000;10;1\n".encode("cp1252")
    assert load_bytes(raw, "x.csv").funnel["clients"].tolist() == [1.0]
