"""Loading real spreadsheets: workbooks, CSV files and folders of CSV files."""

from roi_core.io.problems import Problem
from roi_core.io.read import MAX_FILE_BYTES, RawTable, read_bytes, read_tables
from roi_core.io.workbook import (
    Inspection,
    dataset_from_tables,
    inspect_bytes,
    inspect_workbook,
    load_bytes,
    load_workbook,
)

__all__ = [
    "MAX_FILE_BYTES",
    "Inspection",
    "Problem",
    "RawTable",
    "dataset_from_tables",
    "inspect_bytes",
    "inspect_workbook",
    "load_bytes",
    "load_workbook",
    "read_bytes",
    "read_tables",
]
