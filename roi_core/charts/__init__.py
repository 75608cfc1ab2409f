"""Charts: altair specs drawn from tidy frames; they never compute a KPI.

May import the contract and the calculations (``roi_core.*`` top-level modules), never
``outputs``, ``app`` or ``cli``. ``kpi`` holds the meeting app's and the report's charts
(re-exported here), ``attribution`` and ``quality`` those of their notebooks.
"""

from roi_core.charts.kpi import (
    CHANNEL_PALETTE,
    DEFINITIONS,
    FUNNEL_STAGES,
    STAGE_RATES,
    channel_chart,
    channel_colors,
    channel_data,
    channel_spec,
    compare_channel_data,
    definition,
    efficiency_chart,
    efficiency_spec,
    funnel_chart,
    funnel_data,
    funnel_spec,
    number_locale,
    roi_by_channel_chart,
    roi_by_month_chart,
    roi_by_month_spec,
    tornado_chart,
    tornado_data,
    tornado_spec,
    vega_spec,
    with_series,
)

__all__ = [
    "CHANNEL_PALETTE",
    "DEFINITIONS",
    "FUNNEL_STAGES",
    "STAGE_RATES",
    "channel_colors",
    "definition",
    "channel_chart",
    "channel_data",
    "channel_spec",
    "compare_channel_data",
    "efficiency_chart",
    "efficiency_spec",
    "funnel_chart",
    "funnel_data",
    "funnel_spec",
    "number_locale",
    "roi_by_channel_chart",
    "roi_by_month_chart",
    "roi_by_month_spec",
    "tornado_chart",
    "tornado_data",
    "tornado_spec",
    "vega_spec",
    "with_series",
]
