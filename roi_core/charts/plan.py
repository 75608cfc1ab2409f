"""Altair charts of the quarter's plan, each drawn from a frame of ``roi_core.plan``.

Charts never compute: ``cash_frame`` and ``needs_frame`` only select, rename and label
the plan's columns; the chart builders map them to marks.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from roi_core.formatting import money
from roi_core.plan import plan_label

__all__ = ["cash_frame", "cash_curve_chart", "needs_frame", "needs_chart"]

_NEEDS = ["targets", "contacts", "leads", "meetings", "opportunities", "clients"]


def cash_frame(cash: pd.DataFrame, channel: str = "total") -> pd.DataFrame:
    """One channel's (or the total's) rows of ``roi_core.plan.cash_flow``, months as text.

    >>> cash = pd.DataFrame({"channel": ["total"], "month": pd.to_datetime(["2027-01-01"]),
    ...     "cost": [1.0], "clients": [0.0], "margin": [0.0], "net": [-1.0],
    ...     "cumulative": [-1.0], "cumulative_low": [-1.0], "cumulative_high": [-1.0]})
    >>> cash_frame(cash)["month"].tolist()
    ['2027-01']
    """
    rows = cash[cash["channel"] == channel].copy()
    rows["month"] = rows["month"].dt.strftime("%Y-%m")
    return rows.reset_index(drop=True)


def cash_curve_chart(cash: pd.DataFrame, payback: dict | None = None, lang: str = "fr",
                     channel: str = "total") -> alt.LayerChart:
    """The cumulative cash of the plan month by month: the expected line, its band (the
    cycle's spread), 0 as a rule, and the payback month marked (when there is one)."""
    data = cash_frame(cash, channel)
    month = plan_label("month", lang)
    cum = plan_label("cumulative", lang)
    x = alt.X("month:O", title=month, axis=alt.Axis(labelAngle=-45))
    band = alt.Chart(data).mark_area(opacity=0.25, color="#4c78a8").encode(
        x=x, y=alt.Y("cumulative_low:Q", title=cum), y2="cumulative_high:Q")
    tooltip = [alt.Tooltip("month:O", title=month),
               alt.Tooltip("cumulative:Q", format=",.0f", title=cum),
               alt.Tooltip("cumulative_low:Q", format=",.0f",
                           title=plan_label("cumulative_low", lang)),
               alt.Tooltip("cumulative_high:Q", format=",.0f",
                           title=plan_label("cumulative_high", lang)),
               alt.Tooltip("cost:Q", format=",.0f", title=plan_label("cost", lang)),
               alt.Tooltip("margin:Q", format=",.0f", title=plan_label("margin", lang)),
               alt.Tooltip("clients:Q", format=",.1f", title=plan_label("clients", lang))]
    line = alt.Chart(data).mark_line(point=True, color="#4c78a8").encode(
        x=x, y="cumulative:Q", tooltip=tooltip)
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color="grey").encode(y="y:Q")
    layers = [band, line, zero]
    if payback and payback.get("payback_month") is not None and pd.notna(
            payback["payback_month"]):
        when = pd.Timestamp(payback["payback_month"]).strftime("%Y-%m")
        text = f"{plan_label('payback_month', lang)} : {when}" if lang == "fr" else (
            f"{plan_label('payback_month', lang)}: {when}")
        mark = pd.DataFrame({"month": [when], "text": [text]})
        layers.append(alt.Chart(mark).mark_rule(color="#e45756", strokeDash=[4, 3]).encode(
            x="month:O"))
        layers.append(alt.Chart(mark).mark_text(align="left", dx=4, dy=-6, color="#e45756")
                      .encode(x="month:O", y=alt.value(10), text="text:N"))
    need = payback.get("peak_cash_need") if payback else None
    title = (f"{plan_label('peak_cash_need', lang)} : {money(need, lang)}" if lang == "fr"
             else f"{plan_label('peak_cash_need', lang)}: {money(need, lang)}") if need else cum
    return alt.layer(*layers).properties(width="container", height=260, title=title)


def needs_frame(funnel: pd.DataFrame, lang: str = "fr") -> pd.DataFrame:
    """Tidy needs: one row per channel and stage with the volume the plan needs (the total
    row left out; stages not defined left out).

    >>> f = pd.DataFrame({"channel": ["x", "total"], "targets": [10.0, 10.0],
    ...     "contacts": [8.0, 8.0], "leads": [4.0, 4.0], "meetings": [float("nan")] * 2,
    ...     "opportunities": [2.0, 2.0], "clients": [1.0, 1.0]})
    >>> needs_frame(f, "en")["stage"].tolist()
    ['Targets', 'Contacts', 'Leads', 'Opportunities', 'Clients']
    """
    rows = funnel[funnel["channel"] != "total"]
    out = rows.melt(id_vars="channel", value_vars=_NEEDS, var_name="key", value_name="value")
    out = out.dropna(subset=["value"])
    out["stage"] = out["key"].map(lambda k: plan_label(k, lang))
    out["order"] = out["key"].map(_NEEDS.index)
    return out.sort_values(["order", "channel"]).reset_index(drop=True)


def needs_chart(funnel: pd.DataFrame, lang: str = "fr", width: int = 520) -> alt.FacetChart:
    """What the plan needs at each stage, one bar per stage (its own scale: 8 000 targets and
    30 clients on one axis would hide the clients) stacked by channel, in the order of the
    sale."""
    data = needs_frame(funnel, lang)
    order = list(dict.fromkeys(data["stage"]))
    channel = plan_label("channel", lang)
    bars = alt.Chart(data).mark_bar().encode(
        x=alt.X("value:Q", title=None, stack="zero"),
        color=alt.Color("channel:N", title=channel),
        tooltip=[alt.Tooltip("channel:N", title=channel),
                 alt.Tooltip("stage:N", title=plan_label("stage", lang)),
                 alt.Tooltip("value:Q", format=",.0f")],
    ).properties(width=width, height=22)
    return bars.facet(row=alt.Row("stage:N", sort=order, title=None,
                                  header=alt.Header(labelAngle=0, labelAlign="left")),
                      spacing=4).resolve_scale(x="independent")
