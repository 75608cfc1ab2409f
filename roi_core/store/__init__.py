"""The history store: snapshots of the facts and the decision log, in one SQLite file.

May import the contract, the calculations and ``io`` (to read the workbook it snapshots);
never ``charts``, ``outputs``, ``app`` or ``cli``.
"""

from roi_core.store.history import (
    SCHEMA_VERSION,
    History,
    snapshot_workbook,
    workbook_sha256,
)

__all__ = ["SCHEMA_VERSION", "History", "snapshot_workbook", "workbook_sha256"]
