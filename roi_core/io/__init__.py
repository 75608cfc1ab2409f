"""Loading real spreadsheets: workbooks, CSV files and folders of CSV files.

May import the contract and the calculations (the funnel derived at load, the audit's
checks); never ``charts``, ``outputs``, ``app`` or ``cli``.
"""

from roi_core.io.audit import audit_bytes, audit_workbook
from roi_core.io.read import MAX_FILE_BYTES, RawTable, read_bytes, read_tables
from roi_core.io.workbook import (
    Inspection,
    dataset_from_tables,
    inspect_bytes,
    inspect_workbook,
    load_bytes,
    load_workbook,
)
from roi_core.problems import Problem

__all__ = [
    "audit_bytes",
    "audit_workbook",
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
