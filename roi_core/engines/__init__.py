"""Engines: the heavy aggregations (journeys, attribution credits, Markov transition counts)
written once with narwhals and run on pandas, DuckDB or PySpark, for logs beyond a workbook.

May import the contract, the calculations and ``io``; never ``charts``, ``outputs``, ``app``
or ``cli``. The small exact steps (the Markov solve) stay in ``roi_core.attribution``.
"""

from roi_core.engines.attribution import engine_attribution, engine_credits
from roi_core.engines.backends import (
    ENGINES,
    Frames,
    connect,
    open_frames,
    open_table,
    pick_engine,
)
from roi_core.engines.funnel import engine_funnel

__all__ = ["ENGINES", "Frames", "connect", "engine_attribution", "engine_credits",
           "engine_funnel", "open_frames", "open_table", "pick_engine"]
