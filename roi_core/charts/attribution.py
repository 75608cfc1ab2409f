"""Altair charts for attribution and cohorts: each builds one chart from a tidy frame.

Charts never compute: the frames come from ``roi_core.attribution`` and
``roi_core.cohorts``; a chart only maps their columns to marks. Every builder returns an
``alt.Chart`` (or layer) that serialises to a Vega-Lite spec.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

__all__ = [
    "MEASURE_TITLES",
    "rules_bars",
    "roi_by_rule",
    "last_touch_gap_bars",
    "transition_heatmap",
    "cohort_roi_curves",
    "maturity_lines",
    "sales_cycle_ranges",
]

MEASURE_TITLES = {"conversions": "Credited clients", "revenue": "Credited revenue",
                  "margin": "Credited margin", "roi": "ROI", "cost": "Cost"}
_RULE_ORDER = ["last_touch", "first_touch", "linear", "position_based", "w_shaped",
               "time_decay", "markov"]


_RULE_COLOURS = ["#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b", "#eeca3b", "#b279a2"]


def _rule_colour() -> alt.Color:
    """One colour per rule, the same in every chart."""
    return alt.Color("model:N", title="Rule", sort=_RULE_ORDER,
                     scale=alt.Scale(domain=_RULE_ORDER, range=_RULE_COLOURS))


def _rules(table: pd.DataFrame) -> list[str]:
    present = list(dict.fromkeys(table["model"]))
    return [r for r in _RULE_ORDER if r in present] + [r for r in present
                                                        if r not in _RULE_ORDER]


def rules_bars(table: pd.DataFrame, measure: str = "conversions") -> alt.Chart:
    """Grouped bars: per channel, one bar per rule (``attribution_table(..., "all")``).

    >>> t = pd.DataFrame({"model": ["linear", "markov"], "channel": ["call", "call"],
    ...                   "conversions": [1.0, 2.0]})
    >>> rules_bars(t).to_dict()["mark"]["type"]
    'bar'
    """
    fmt = ",.1f" if measure == "conversions" else ",.0f"
    return alt.Chart(table).mark_bar().encode(
        x=alt.X("channel:N", title="Channel", axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("model:N", sort=_rules(table)),
        y=alt.Y(f"{measure}:Q", title=MEASURE_TITLES.get(measure, measure)),
        color=_rule_colour(),
        tooltip=["channel:N", "model:N", alt.Tooltip(f"{measure}:Q", format=fmt)],
    ).properties(title=f"{MEASURE_TITLES.get(measure, measure)} per channel, rule by rule",
                 width=620, height=300)


def roi_by_rule(table: pd.DataFrame) -> alt.Chart:
    """ROI per channel under each rule, as a heat grid (rows: channel, columns: rule);
    channels whose ROI is not defined (no cost recorded) are left blank.

    >>> t = pd.DataFrame({"model": ["linear"], "channel": ["call"], "roi": [0.5]})
    >>> roi_by_rule(t).to_dict()["layer"][0]["mark"]["type"]
    'rect'
    """
    data = table.dropna(subset=["roi"])
    base = alt.Chart(data).encode(
        x=alt.X("model:N", title="Rule", sort=_rules(table), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("channel:N", title="Channel"),
    )
    rect = base.mark_rect().encode(
        color=alt.Color("roi:Q", title="ROI", scale=alt.Scale(scheme="redblue", domainMid=0)),
        tooltip=["channel:N", "model:N", alt.Tooltip("roi:Q", format=".0%")])
    text = base.mark_text(fontSize=12).encode(
        text=alt.Text("roi:Q", format=".0%"),
        color=alt.condition("abs(datum.roi) > 2", alt.value("white"), alt.value("black")))
    return alt.layer(rect, text).properties(title="ROI per channel under each rule",
                                            width=alt.Step(90), height=alt.Step(36))


def last_touch_gap_bars(gap: pd.DataFrame) -> alt.Chart:
    """How far last touch misleads: ``last_touch_gap`` frame, one bar per channel and rule;
    positive: last touch gives the channel more than the rule does.

    >>> g = pd.DataFrame({"model": ["linear"], "channel": ["call"], "last_touch": [3.0],
    ...                   "credited": [2.0], "gap": [1.0]})
    >>> last_touch_gap_bars(g).to_dict()["mark"]["type"]
    'bar'
    """
    return alt.Chart(gap).mark_bar().encode(
        x=alt.X("gap:Q", title="Last touch − rule (positive: over-credited by last touch)"),
        y=alt.Y("channel:N", title="Channel"),
        yOffset=alt.YOffset("model:N", sort=_RULE_ORDER),
        color=_rule_colour(),
        tooltip=["channel:N", "model:N", alt.Tooltip("last_touch:Q", format=",.2f"),
                 alt.Tooltip("credited:Q", format=",.2f"), alt.Tooltip("gap:Q", format=",.2f")],
    ).properties(title="How far the last-touch view misleads", width=560, height=320)


def transition_heatmap(probs: pd.DataFrame) -> alt.Chart:
    """The Markov transition probabilities (``transition_probabilities``) as a heatmap.

    >>> p = pd.DataFrame({"from": ["(start)"], "to": ["call"], "count": [3],
    ...                   "probability": [1.0]})
    >>> transition_heatmap(p).to_dict()["layer"][0]["mark"]["type"]
    'rect'
    """
    states = list(dict.fromkeys([*probs["from"], *probs["to"]]))
    order = ([s for s in states if s == "(start)"]
             + sorted(s for s in states if not s.startswith("("))
             + [s for s in ("(conversion)", "(null)") if s in states])
    base = alt.Chart(probs).encode(x=alt.X("to:N", title="To", sort=order),
                                   y=alt.Y("from:N", title="From", sort=order))
    rect = base.mark_rect().encode(
        color=alt.Color("probability:Q", title="P(to | from)",
                        scale=alt.Scale(scheme="blues", domain=[0, 1])),
        tooltip=["from:N", "to:N", alt.Tooltip("probability:Q", format=".1%"),
                 alt.Tooltip("count:Q", format=",")])
    text = base.mark_text(fontSize=10).encode(
        text=alt.Text("probability:Q", format=".0%"),
        color=alt.condition("datum.probability > 0.5", alt.value("white"), alt.value("black")))
    return alt.layer(rect, text).properties(title="Markov transition probabilities",
                                            width=alt.Step(60), height=alt.Step(32))


def cohort_roi_curves(curves: pd.DataFrame) -> alt.Chart:
    """ROI by age of each campaign (``cohort_curves``), one line per campaign coloured by
    channel; immature campaigns dashed.

    >>> c = pd.DataFrame({"campaign": ["A"], "channel": ["call"], "status": ["immature"],
    ...     "period": [0], "age_days": [30.0], "cum_clients": [1.0], "cum_margin": [10.0],
    ...     "cost": [5.0], "roi": [1.0]})
    >>> cohort_roi_curves(c).to_dict()["mark"]["type"]
    'line'
    """
    return alt.Chart(curves.dropna(subset=["roi"])).mark_line(point=True).encode(
        x=alt.X("age_days:Q", title="Days since launch"),
        y=alt.Y("roi:Q", title="ROI (margin − cost) / cost", axis=alt.Axis(format="%")),
        color=alt.Color("channel:N", title="Channel"),
        strokeDash=alt.StrokeDash("status:N", title="Window",
                                  scale=alt.Scale(domain=["mature", "immature"],
                                                  range=[[1, 0], [5, 4]])),
        detail="campaign:N",
        tooltip=["campaign:N", "channel:N", "status:N", "period:Q",
                 alt.Tooltip("age_days:Q", format=".0f"), alt.Tooltip("cum_clients:Q"),
                 alt.Tooltip("cum_margin:Q", format=",.0f"), alt.Tooltip("cost:Q", format=",.0f"),
                 alt.Tooltip("roi:Q", format=".0%")],
    ).properties(title="ROI by age of each campaign (dashed: window still open)",
                 width=620, height=320)


def maturity_lines(maturity: pd.DataFrame) -> alt.Chart:
    """Share of a mature campaign's final clients reached by each period, per channel.

    >>> m = pd.DataFrame({"channel": ["call"], "period": [0], "age_days": [30.4],
    ...                   "share": [0.7], "campaigns": [2], "clients": [10.0]})
    >>> maturity_lines(m).to_dict()["mark"]["type"]
    'line'
    """
    return alt.Chart(maturity).mark_line(point=True).encode(
        x=alt.X("age_days:Q", title="Days since launch (end of period)"),
        y=alt.Y("share:Q", title="Share of final clients", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("channel:N", title="Channel"),
        tooltip=["channel:N", "period:Q", alt.Tooltip("share:Q", format=".0%"),
                 "campaigns:Q", "clients:Q"],
    ).properties(title="Maturity curve: share of final clients signed, per channel",
                 width=620, height=280)


def sales_cycle_ranges(dist: pd.DataFrame) -> alt.Chart:
    """Sales-cycle distribution per channel (``sales_cycle_distribution``): min–max rule,
    quartile bar, median tick.

    >>> d = pd.DataFrame({"channel": ["call"], "deals": [3], "min": [5.0], "q1": [10.0],
    ...     "median": [20.0], "q3": [30.0], "max": [60.0], "mean": [25.0]})
    >>> [layer["mark"]["type"] for layer in sales_cycle_ranges(d).to_dict()["layer"]]
    ['rule', 'bar', 'tick']
    """
    base = alt.Chart(dist).encode(y=alt.Y("channel:N", title="Channel"))
    tip = ["channel:N", "deals:Q", alt.Tooltip("min:Q", format=".0f"),
           alt.Tooltip("q1:Q", format=".0f"), alt.Tooltip("median:Q", format=".0f"),
           alt.Tooltip("q3:Q", format=".0f"), alt.Tooltip("max:Q", format=".0f")]
    rule = base.mark_rule().encode(x=alt.X("min:Q", title="Sales cycle (days)"), x2="max:Q",
                                   tooltip=tip)
    bar = base.mark_bar(size=14, opacity=0.6).encode(x="q1:Q", x2="q3:Q", tooltip=tip)
    tick = base.mark_tick(color="black", size=18, thickness=2).encode(x="median:Q",
                                                                      tooltip=tip)
    return alt.layer(rule, bar, tick).properties(
        title="Sales cycle per channel: median, quartiles, range", width=560)
