"""Charts of the advice: response curves with their bands, ROI intervals per channel.

Prepare → present: ``response_data`` and ``roi_interval_data`` shape the calculations'
frames (``roi_core.response.curve_table``, ``roi_core.advice.advice_table``,
``roi_core.uncertainty.kpi_intervals``) into tidy frames with labels, no arithmetic beyond
selecting; the ``*_chart`` functions draw them.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from roi_core.formatting import label

__all__ = ["response_data", "response_chart", "roi_interval_data", "roi_interval_chart"]

_WORDS = {
    "fr": {"curve": "Courbe (attendue)", "today": "Aujourd'hui", "proposed": "Conseillé",
           "candidate": "Meilleur partage trouvé", "break_even": "Marge = coût",
           "band": "Intervalle à 80 %", "cost": "Budget du canal", "margin": "Marge"},
    "en": {"curve": "Curve (expected)", "today": "Today", "proposed": "Advised",
           "candidate": "Best split found", "break_even": "Margin = cost",
           "band": "80% interval", "cost": "Channel budget", "margin": "Margin"},
}


def _words(lang: str) -> dict[str, str]:
    return _WORDS.get(lang, _WORDS["en"])


def response_data(curves: pd.DataFrame, table: pd.DataFrame, observed: pd.DataFrame,
                  lang: str = "fr") -> pd.DataFrame:
    """One tidy frame for ``response_chart``: the curve rows (``curve_table``) and one point
    per channel for today (observed cost and margin) and for the advised split (or the best
    split found when the advice abstains: ``table`` is ``advice_table``).

    ``observed``: ``channel, cost, margin`` of today. Shape out: ``channel, cost, margin,
    margin_low, margin_high, series``.

    >>> c = pd.DataFrame({"channel": ["x"], "cost": [0.0], "margin": [0.0],
    ...                   "margin_low": [0.0], "margin_high": [0.0]})
    >>> t = pd.DataFrame({"channel": ["x"], "proposed": [10.0], "margin_proposed": [12.0],
    ...                   "today": [10.0], "candidate": [10.0]})
    >>> o = pd.DataFrame({"channel": ["x"], "cost": [10.0], "margin": [11.0]})
    >>> response_data(c, t, o, "en")["series"].tolist()
    ['Curve (expected)', 'Today']
    """
    w = _words(lang)
    frame = curves[["channel", "cost", "margin", "margin_low", "margin_high"]].assign(
        series=w["curve"])
    today = observed[["channel", "cost", "margin"]].assign(series=w["today"])
    moved = table[(table["proposed"] - table["today"]).abs() > 0.005]
    advised = pd.DataFrame({"channel": moved["channel"], "cost": moved["proposed"],
                            "margin": moved["margin_proposed"], "series": w["proposed"]})
    if moved.empty and "margin_candidate" in table:
        best = table[(table["candidate"] - table["today"]).abs() > 0.005]
        advised = pd.DataFrame({"channel": best["channel"], "cost": best["candidate"],
                                "margin": best["margin_candidate"], "series": w["candidate"]})
    return pd.concat([frame, today, advised], ignore_index=True)


def response_chart(data: pd.DataFrame, lang: str = "fr", currency: str = "EUR",
                   width: int = 220, height: int = 180) -> alt.FacetChart:
    """Each channel's expected margin against its budget, the 80 % band, the break-even
    diagonal (margin = cost), today's point and the advised one (``response_data``)."""
    w = _words(lang)
    sign = "€" if currency == "EUR" else currency
    x_title, y_title = f"{w['cost']} ({sign})", f"{w['margin']} ({sign})"
    x = alt.X("cost:Q", title=x_title)
    y = alt.Y("margin:Q", title=y_title)
    base = alt.Chart()
    band = base.transform_filter(alt.datum.series == w["curve"]).mark_area(
        opacity=0.25, color="#4c78a8").encode(x=x, y=alt.Y("margin_low:Q", title=y_title),
                                             y2="margin_high:Q")
    line = base.transform_filter(alt.datum.series == w["curve"]).mark_line(
        color="#4c78a8").encode(x=x, y=y)
    even = base.transform_filter(alt.datum.series == w["curve"]).mark_line(
        strokeDash=[4, 4], color="#999999").encode(x=x, y=alt.Y("cost:Q", title=y_title))
    points = base.transform_filter(alt.datum.series != w["curve"]).mark_point(
        filled=True, size=90).encode(
        x=x, y=y, shape=alt.Shape("series:N", legend=None),
        color=alt.Color("series:N", title=None,
                        scale=alt.Scale(domain=[w["today"], w["proposed"], w["candidate"]],
                                        range=["#000000", "#f58518", "#bbbbbb"])),
        tooltip=["channel:N", "series:N", alt.Tooltip("cost:Q", format=",.0f"),
                 alt.Tooltip("margin:Q", format=",.0f")])
    return alt.layer(band, even, line, points, data=data).properties(
        width=width, height=height).facet(
        facet=alt.Facet("channel:N", title=None), columns=2).resolve_scale(
        x="independent", y="independent")


def roi_interval_data(intervals: pd.DataFrame, kpis: pd.DataFrame,
                      key: str = "channel") -> pd.DataFrame:
    """``key, roi, roi_low, roi_high`` per group, from ``compute_kpis`` and
    ``kpi_intervals`` of the same grouping (same rows).

    >>> k = pd.DataFrame({"channel": ["x"], "roi": [2.0]})
    >>> i = pd.DataFrame({"channel": ["x"], "roi_low": [1.0], "roi_high": [3.0]})
    >>> roi_interval_data(i, k).values.tolist()
    [['x', 2.0, 1.0, 3.0]]
    """
    return pd.DataFrame({key: kpis[key].to_numpy(), "roi": kpis["roi"].to_numpy(),
                         "roi_low": intervals["roi_low"].to_numpy(),
                         "roi_high": intervals["roi_high"].to_numpy()})


def roi_interval_chart(data: pd.DataFrame, key: str = "channel", lang: str = "fr",
                       width: int = 420) -> alt.LayerChart:
    """Each group's ROI as a point with its 80 % interval as an error bar, and ROI = 0."""
    title = label("roi", lang)
    band = "Intervalle à 80 %" if lang == "fr" else "80% interval"
    y = alt.Y(f"{key}:N", title=label(key, lang), sort="-x")
    bars = alt.Chart(data).mark_rule(strokeWidth=3, opacity=0.5).encode(
        y=y, x=alt.X("roi_low:Q", title=f"{title} ({band})", axis=alt.Axis(format="%")),
        x2="roi_high:Q")
    dots = alt.Chart(data).mark_point(filled=True, size=80, color="#000000").encode(
        y=y, x="roi:Q", tooltip=[f"{key}:N", alt.Tooltip("roi:Q", format=".0%"),
                                 alt.Tooltip("roi_low:Q", format=".0%"),
                                 alt.Tooltip("roi_high:Q", format=".0%")])
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color="#999999").encode(x="x:Q")
    return alt.layer(bars, zero, dots).properties(width=width)
