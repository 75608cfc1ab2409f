"""Altair charts of the app and the report, each built from a tidy frame.

Prepare → compute → present: the ``*_data`` functions shape KPI tables into tidy frames
(no arithmetic beyond selecting and labelling), the ``*_chart`` functions draw them.
Labels follow the language setting (``roi_core.formatting``).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from roi_core.formatting import label

__all__ = [
    "FUNNEL_STAGES",
    "funnel_data",
    "funnel_chart",
    "channel_data",
    "channel_chart",
    "efficiency_chart",
    "roi_by_month_chart",
    "roi_by_channel_chart",
]

FUNNEL_STAGES = ["targets", "contacts", "leads", "opportunities", "meetings", "clients"]
_SCENARIO_COLORS = ["#4c78a8", "#f58518"]


def funnel_data(totals: dict[str, pd.Series] | pd.Series, lang: str = "fr") -> pd.DataFrame:
    """Tidy funnel: one row per (series, stage) with the volume and the rate from the stage above.

    ``totals`` is one KPI row (a Series of ``roi_core.kpis.compute_kpis``), or a dict
    {series name: KPI row} to compare a baseline and a scenario. Stages not recorded are
    left out.

    >>> row = pd.Series({"targets": 1000.0, "contacts": 800.0, "leads": 120.0,
    ...                  "opportunities": 30.0, "meetings": float("nan"), "clients": 10.0})
    >>> funnel_data(row, "en")[["stage", "value", "rate"]].values.tolist()[:3]
    [['Targets', 1000.0, nan], ['Contacts', 800.0, 0.8], ['Leads', 120.0, 0.15]]
    """
    series = totals if isinstance(totals, dict) else {label("total", lang): totals}
    rows = []
    for name, row in series.items():
        previous = None
        for order, stage in enumerate(FUNNEL_STAGES):
            value = row.get(stage)
            if value is None or pd.isna(value):
                continue
            rate = value / previous if previous else float("nan")
            rows.append({"series": name, "order": order, "stage": label(stage, lang),
                         "value": float(value), "rate": rate})
            previous = value
    return pd.DataFrame(rows, columns=["series", "order", "stage", "value", "rate"])


def funnel_chart(data: pd.DataFrame, lang: str = "fr") -> alt.Chart:
    """Horizontal funnel bars, one colour per series (baseline / scenario side by side)."""
    stages = list(dict.fromkeys(data.sort_values("order")["stage"]))
    base = alt.Chart(data).encode(
        y=alt.Y("stage:N", sort=stages, title=None),
        yOffset=alt.YOffset("series:N"),
        color=alt.Color("series:N", title=None,
                        scale=alt.Scale(range=_SCENARIO_COLORS),
                        legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("series:N", title=""),
                 alt.Tooltip("stage:N", title=""),
                 alt.Tooltip("value:Q", format=",.0f", title=label("total", lang)),
                 alt.Tooltip("rate:Q", format=".1%", title="%")],
    )
    bars = base.mark_bar().encode(x=alt.X("value:Q", title=None, scale=alt.Scale(type="symlog")))
    text = base.mark_text(align="left", dx=3).encode(
        x="value:Q", text=alt.Text("value:Q", format=",.0f"))
    return (bars + text).properties(width="container", height=alt.Step(14))


def channel_data(kpis: pd.DataFrame, metrics: list[str], lang: str = "fr",
                 by: str = "channel") -> pd.DataFrame:
    """Long frame of chosen KPIs per group: columns group, metric (label), key, value.

    >>> k = pd.DataFrame({"channel": ["a", "b"], "cac": [800.0, 400.0], "roi": [2.0, 1.0]})
    >>> channel_data(k, ["roi"], "en").values.tolist()
    [['a', 'ROI', 'roi', 2.0], ['b', 'ROI', 'roi', 1.0]]
    """
    long = kpis.melt(id_vars=[by], value_vars=metrics, var_name="key", value_name="value")
    long["metric"] = long["key"].map(lambda k: label(k, lang))
    long = long.rename(columns={by: "group"})
    return long[["group", "metric", "key", "value"]]


def channel_chart(data: pd.DataFrame, lang: str = "fr", series: str | None = None) -> alt.Chart:
    """Small multiples: one bar panel per KPI, groups on the y axis (independent scales)."""
    enc = dict(
        y=alt.Y("group:N", title=None),
        x=alt.X("value:Q", title=None),
        tooltip=[alt.Tooltip("group:N", title=""), alt.Tooltip("metric:N", title=""),
                 alt.Tooltip("value:Q", format=",.2f", title="")],
    )
    if series:
        enc["color"] = alt.Color(f"{series}:N", title=None,
                                 scale=alt.Scale(range=_SCENARIO_COLORS),
                                 legend=alt.Legend(orient="top"))
        enc["yOffset"] = alt.YOffset(f"{series}:N")
    else:
        enc["color"] = alt.Color("group:N", legend=None)
    return (alt.Chart(data).mark_bar().encode(**enc)
            .properties(width=180, height=alt.Step(16))
            .facet(facet=alt.Facet("metric:N", title=None), columns=3)
            .resolve_scale(x="independent"))


def efficiency_chart(kpis: pd.DataFrame, lang: str = "fr", by: str = "channel") -> alt.Chart:
    """Cost per opportunity (x) against margin per client (y), bubble size = budget.

    "Cheap leads, poor clients" sits bottom-left; the rule y = x is not drawn because the
    two are per different units — the tooltip gives ROI and CAC.
    """
    cols = [by, "cost_per_opportunity", "margin_per_client", "cost", "roi", "cac"]
    data = kpis[cols].dropna(subset=["cost_per_opportunity", "margin_per_client"])
    base = alt.Chart(data).encode(
        x=alt.X("cost_per_opportunity:Q", title=label("cost_per_opportunity", lang)),
        y=alt.Y("margin_per_client:Q", title=label("margin_per_client", lang)),
    )
    points = base.mark_circle(opacity=0.75, stroke="white").encode(
        size=alt.Size("cost:Q", title=label("cost", lang), scale=alt.Scale(range=[80, 2000])),
        color=alt.Color(f"{by}:N", title=label(by, lang)),
        tooltip=[alt.Tooltip(f"{by}:N", title=label(by, lang)),
                 alt.Tooltip("cost:Q", format=",.0f", title=label("cost", lang)),
                 alt.Tooltip("cost_per_opportunity:Q", format=",.0f",
                             title=label("cost_per_opportunity", lang)),
                 alt.Tooltip("margin_per_client:Q", format=",.0f",
                             title=label("margin_per_client", lang)),
                 alt.Tooltip("cac:Q", format=",.0f", title=label("cac", lang)),
                 alt.Tooltip("roi:Q", format=".0%", title=label("roi", lang))],
    )
    text = base.mark_text(dy=-14).encode(text=f"{by}:N")
    return (points + text).properties(width="container", height=280)


def roi_by_month_chart(kpis: pd.DataFrame, lang: str = "fr",
                       series: str | None = None) -> alt.Chart:
    """ROI per month as bars (a line per series when comparing), 0 % as a rule."""
    data = kpis.dropna(subset=["month"])
    enc = dict(
        x=alt.X("month:O", title=label("month", lang)),
        y=alt.Y("roi:Q", title=label("roi", lang), axis=alt.Axis(format="%")),
        tooltip=[alt.Tooltip("month:O", title=label("month", lang)),
                 alt.Tooltip("roi:Q", format=".1%", title=label("roi", lang)),
                 alt.Tooltip("cost:Q", format=",.0f", title=label("cost", lang)),
                 alt.Tooltip("margin:Q", format=",.0f", title=label("margin", lang))],
    )
    if series:
        enc["color"] = alt.Color(f"{series}:N", title=None,
                                 scale=alt.Scale(range=_SCENARIO_COLORS))
        enc["xOffset"] = alt.XOffset(f"{series}:N")
    chart = alt.Chart(data).mark_bar().encode(**enc)
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color="grey").encode(y="y:Q")
    return (chart + zero).properties(width="container", height=220)


def roi_by_channel_chart(kpis: pd.DataFrame, lang: str = "fr", by: str = "channel") -> alt.Chart:
    """ROI per group as horizontal bars (red below 0 %), 0 % as a rule; value labels.

    Groups whose ROI is not defined are left out.

    >>> k = pd.DataFrame({"channel": ["a", "b", "c"], "roi": [0.5, -0.2, None],
    ...                   "cost": [10.0, 20.0, 30.0], "margin": [15.0, 16.0, None]})
    >>> spec = roi_by_channel_chart(k, "en").to_dict()
    >>> [layer["mark"]["type"] for layer in spec["layer"]]
    ['bar', 'text', 'rule']
    >>> [row["channel"] for row in spec["datasets"][spec["data"]["name"]]]
    ['a', 'b']
    """
    data = kpis[[by, "roi", "cost", "margin"]].dropna(subset=["roi"])
    base = alt.Chart(data).encode(
        y=alt.Y(f"{by}:N", title=None, sort="-x"),
        x=alt.X("roi:Q", title=label("roi", lang), axis=alt.Axis(format="%")),
        tooltip=[alt.Tooltip(f"{by}:N", title=label(by, lang)),
                 alt.Tooltip("roi:Q", format=".1%", title=label("roi", lang)),
                 alt.Tooltip("cost:Q", format=",.0f", title=label("cost", lang))],
    )
    bars = base.mark_bar().encode(
        color=alt.condition("datum.roi < 0", alt.value("#e45756"), alt.value("#4c78a8")))
    text = base.mark_text(align="left", dx=4).encode(text=alt.Text("roi:Q", format=".0%"))
    zero = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color="grey").encode(x="x:Q")
    return (bars + text + zero).properties(width="container", height=alt.Step(22))
