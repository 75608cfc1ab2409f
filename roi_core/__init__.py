"""Prospecting ROI: the calculations behind the meeting app.

The short public surface; each concept lives in its own module (``roi_core.io``,
``roi_core.kpis``, ``roi_core.scenario``, ``roi_core.attribution``, ``roi_core.cohorts``,
``roi_core.quality``, ``roi_core.outputs.report``, ``roi_core.outputs.excel``).
"""

__version__ = "0.1.0"

from roi_core.dataset import Dataset  # noqa: E402
from roi_core.errors import InputError  # noqa: E402
from roi_core.facts import build_facts, filter_facts  # noqa: E402
from roi_core.io import load_bytes, load_workbook  # noqa: E402
from roi_core.kpis import compute_kpis, kpi_table  # noqa: E402

__all__ = [
    "Dataset",
    "InputError",
    "__version__",
    "build_facts",
    "compute_kpis",
    "filter_facts",
    "kpi_table",
    "load_bytes",
    "load_workbook",
]
