"""Hostile files (tests/hostile_files.py): bounded work before any parse, and whatever gets
past the checks read in a child process whose death is one message (issue 13, part 1)."""

from __future__ import annotations

import subprocess
import sys

import hostile_files as hostile
import pytest
from conftest import ROOT

from roi_core.errors import InputError
from roi_core.io import isolated, load_bytes
from roi_core.io.read import MAX_CELLS, MAX_ROWS, check_zip


def _refused(builder, fragment: str) -> InputError:
    name, data = builder()
    with pytest.raises(InputError) as err:
        load_bytes(data, name)
    assert str(err.value).startswith(name)
    assert fragment in str(err.value), str(err.value)
    return err.value


def test_far_corner_is_refused_from_its_extent() -> None:
    # 1.6 kB, cells at A1 and XFD1048576: the reader would allocate 512 GB and abort.
    name, data = hostile.far_corner()
    assert len(data) < 2000
    err = _refused(hostile.far_corner, "the sheet's cells reach XFD1048576")
    assert err.sheet == "Sheet1" and "17 179 869 184 cells" in err.problem
    assert "over the 5 000 000-cell limit" in err.problem


def test_mid_range_declared_size_is_refused_at_once() -> None:
    _refused(hostile.mid_range, "a used range of 52 000 000 cells")


def test_a_declared_range_is_not_trusted_either_way() -> None:
    # Declared A1:XFD1048576, but the cells are a small table: it loads.
    name, data = hostile.declared_only()
    assert load_bytes(data, name).costs["amount"].tolist() == [100.0]
    # Declared A1 only, but a cell sits at XFD1048576: the real extent counts.
    cells = (b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
             b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    with pytest.raises(InputError, match="cells reach XFD1048576"):
        load_bytes(hostile.workbook([hostile.sheet_xml(cells, "A1")]), "liar.xlsx")


def test_cells_without_addresses_are_counted(monkeypatch) -> None:
    import roi_core.io.read as read

    # No r="..." attributes: the reader places cells one after the other.
    row = b"<row>" + b"<c><v>1</v></c>" * 300 + b"</row>"
    data = hostile.workbook([hostile.sheet_xml(row * 2_000)])
    scan = check_zip(data, "wide.xlsx")["Sheet1"]
    assert (scan.max_row, scan.max_col) == (2_000, 300)
    monkeypatch.setattr(read, "MAX_CELLS", 500_000)
    with pytest.raises(InputError, match="600 000 cells"):
        load_bytes(data, "wide.xlsx")


def test_rows_past_the_limit_are_refused() -> None:
    cells = (b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
             b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (MAX_ROWS + 1, MAX_ROWS + 1))
    with pytest.raises(InputError, match="500 001 rows, over the 500 000-row limit"):
        load_bytes(hostile.workbook([hostile.sheet_xml(cells)]), "tall.xlsx")
    assert MAX_CELLS >= MAX_ROWS


def test_many_entries_bomb_is_refused_from_the_directory() -> None:
    # 150 entries of 9.9 MB (each under any per-entry limit): 1.5 GB in all.
    name, data = hostile.many_entries()
    assert len(data) < 7_000_000
    _refused(hostile.many_entries, "would expand to 1485 MB, over the 200 MB limit")


def test_huge_shared_string_is_refused() -> None:
    name, data = hostile.huge_shared_string()
    assert len(data) < 16_000
    _refused(hostile.huge_shared_string, "more than 32 767 characters")


def test_huge_inline_string_is_refused() -> None:
    cells = (b'<row r="1"><c r="A1" t="inlineStr"><is><t>' + b"B" * 9_000_000
             + b"</t></is></c></row>")
    with pytest.raises(InputError, match="more than 32 767 characters"):
        load_bytes(hostile.workbook([hostile.sheet_xml(cells)]), "inline.xlsx")


def test_declared_shared_string_count_is_refused() -> None:
    _refused(hostile.many_shared_strings, "declares 4 000 000 000 shared texts")


def test_million_row_csv_is_refused_before_parsing() -> None:
    name, data = hostile.million_rows_csv()
    assert len(data) < 20 * 2**20  # under the upload limit
    _refused(hostile.million_rows_csv, "1 000 001 lines, over the 500 000-row limit")


def test_a_real_workbook_passes_the_checks(tmp_path) -> None:
    from conftest import clean_company, write_xlsx

    data = write_xlsx(tmp_path / "ok.xlsx", clean_company()).read_bytes()
    scans = check_zip(data, "ok.xlsx")
    assert scans["Campagnes"].max_row == 3 and scans["Campagnes"].max_col == 7


# --- out of process --------------------------------------------------------------------------


def test_isolated_load_gives_the_same_dataset(tmp_path) -> None:
    from conftest import clean_company, write_xlsx

    data = write_xlsx(tmp_path / "ok.xlsx", clean_company()).read_bytes()
    here, there = load_bytes(data, "ok.xlsx"), isolated.load_bytes(data, "ok.xlsx")
    assert there.costs.equals(here.costs) and there.funnel.equals(here.funnel)


def test_isolated_input_error_keeps_its_location() -> None:
    with pytest.raises(InputError) as err:
        isolated.load_bytes(b"Campagne;Canal;Co\xfbt;Leads;Clients\nA;Emailing;abc;1;1\n",
                            "x.csv")
    assert (err.value.row, err.value.column) == (2, "Coût")


def test_reader_abort_in_the_child_is_one_message() -> None:
    # The reader itself, unchecked, on the far-corner file: it aborts (SIGABRT) in the child.
    name, data = hostile.far_corner()
    with pytest.raises(InputError) as err:
        isolated.run(hostile.calamine_unchecked, data, name=name)
    assert str(err.value).startswith("far_corner.xlsx: the file cannot be read")
    assert "memory" in str(err.value)


def test_memory_limit_in_the_child() -> None:
    with pytest.raises(InputError, match="memory"):
        isolated.run(hostile.allocate, 3 * 2**30, name="big.xlsx", memory_bytes=2**30)


def test_cpu_limit_in_the_child() -> None:
    with pytest.raises(InputError, match="longer than allowed"):
        isolated.run(hostile.spin, name="slow.xlsx", cpu_seconds=1, wall_seconds=30)


def test_wall_limit_in_the_child() -> None:
    with pytest.raises(InputError, match="longer than allowed"):
        isolated.run(hostile.sleep, 60, name="slow.xlsx", wall_seconds=1)


def test_upload_size_enforced_before_parsing() -> None:
    name, data = hostile.oversized_csv()
    with pytest.raises(InputError, match="over the 20.0 MB upload limit"):
        isolated.load_bytes(data, name, max_bytes=20 * 2**20)


def test_cli_exits_2_with_one_message_for_every_hostile_file(tmp_path) -> None:
    for name, data in hostile.hostile_files():
        path = tmp_path / name
        path.write_bytes(data)
        result = subprocess.run([sys.executable, "-m", "roi_core", "kpis", str(path)],
                                cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert result.returncode == 2, (name, result.returncode, result.stderr[-300:])
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"error: {name}"), result.stderr


def test_cli_child_death_is_exit_2(tmp_path) -> None:
    # A command whose process is killed (here: out of its memory limit) still ends in one
    # line and exit 2, never 134.
    path = tmp_path / "ok.csv"  # 300 000 rows: reading them needs more than 1 MB
    path.write_text("Campagne;Canal;Coût;Leads;Clients\n"
                    + "".join(f"C{i};Emailing;100;10;1\n" for i in range(300_000)))
    env = {"ROI_CLI_MEMORY_MB": "1", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "roi_core", "kpis", str(path)], cwd=ROOT,
                            capture_output=True, text=True, timeout=300,
                            env={**env, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("error: ok.csv: the file cannot be read"), last


@pytest.mark.parametrize("notebook, call", [
    ("roi_explorer.py", "isolated.load_bytes(_file.contents, _file.name, "
                        "max_bytes=MAX_UPLOAD_BYTES)"),
    ("data_quality.py", "isolated.inspect_bytes(_file.contents, _file.name)"),
    ("import_crm.py", "isolated.run(import_files_noted, uploads"),
    ("import_crm.py", "isolated.read_bytes(uploads[0][1], uploads[0][0])"),
])
def test_notebook_uploads_are_read_out_of_process(notebook: str, call: str) -> None:
    # The upload paths of the served notebooks go through roi_core.io.isolated (the meeting
    # app's is driven for real in tests/test_hostile_browser.py).
    from conftest import NOTEBOOKS

    assert call in (NOTEBOOKS / notebook).read_text(encoding="utf-8")
