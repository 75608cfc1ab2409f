"""Which workbook a notebook opens on, and loading it without a traceback.

Every notebook opens on the demo company unless the deployer points it elsewhere with the
``ROI_WORKBOOK`` environment variable (one setting for the whole gallery).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from roi_core.dataset import Dataset
from roi_core.errors import InputError
from roi_core.io import load_workbook

__all__ = ["DEMO_WORKBOOK", "default_workbook", "try_load"]

DEMO_WORKBOOK = Path(__file__).resolve().parents[2] / "sample_data" / "demo_company.xlsx"


def default_workbook(environ: Mapping[str, str] | None = None) -> Path:
    """``ROI_WORKBOOK`` when set, else the demo company.

    >>> default_workbook({"ROI_WORKBOOK": "/data/mai.xlsx"})
    PosixPath('/data/mai.xlsx')
    >>> default_workbook({}).name
    'demo_company.xlsx'
    """
    env = os.environ if environ is None else environ
    chosen = env.get("ROI_WORKBOOK", "").strip()
    return Path(chosen) if chosen else DEMO_WORKBOOK


def try_load(path: str | Path) -> tuple[Dataset | None, str | None]:
    """(dataset, None) when the workbook loads, else (None, the located message).

    >>> try_load("/nowhere/x.xlsx")
    (None, '/nowhere/x.xlsx: the file does not exist.')
    """
    try:
        return load_workbook(path), None
    except InputError as exc:
        return None, str(exc)
    except Exception as exc:  # noqa: BLE001 - a notebook shows a message, never a traceback
        return None, f"{Path(path).name}: unreadable ({type(exc).__name__})"
