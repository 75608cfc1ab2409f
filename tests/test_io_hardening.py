"""Loader hardening: whatever the bytes, only InputError escapes the loader."""

from __future__ import annotations

import pytest

from roi_core.errors import InputError
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


@pytest.mark.parametrize("cell", ["0001-01-01", "9999-12-31", "-5", "15/01/0226", 2958465])
def test_out_of_range_dates_are_located_errors(tmp_path, cell) -> None:
    # These escaped as pandas' OutOfBoundsDatetime (not an InputError) before.
    from conftest import clean_company, write_xlsx

    sheets = clean_company()
    sheets["Affaires"][1][3] = cell
    with pytest.raises(InputError) as err:
        load_workbook(write_xlsx(tmp_path / "x.xlsx", sheets))
    assert err.value.row == 2 and err.value.column == "Date de création"
    assert "is not a date" in err.value.problem
