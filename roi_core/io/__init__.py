"""Loading real spreadsheets: workbooks, CSV files and folders of CSV files."""

from roi_core.io.read import MAX_FILE_BYTES, RawTable, read_bytes, read_tables
from roi_core.io.workbook import dataset_from_tables, load_bytes, load_workbook

__all__ = [
    "MAX_FILE_BYTES",
    "RawTable",
    "dataset_from_tables",
    "load_bytes",
    "load_workbook",
    "read_bytes",
    "read_tables",
]
