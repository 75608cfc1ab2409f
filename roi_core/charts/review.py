"""The monthly review's chart: ROI by month, the two compared periods highlighted, and the
decisions logged as annotations on the months they were taken in."""

from __future__ import annotations

import altair as alt
import pandas as pd

from roi_core.formatting import label

__all__ = ["review_month_data", "decision_marks", "roi_review_chart"]

_ROLE = {"fr": {"before": "Période 1", "after": "Période 2", "other": "Autres mois"},
         "en": {"before": "Period 1", "after": "Period 2", "other": "Other months"}}
_COLORS = ["#9ecae1", "#08519c", "#d9d9d9"]


def review_month_data(kpis: pd.DataFrame, before: tuple, after: tuple,
                      lang: str = "fr") -> pd.DataFrame:
    """The rows the chart draws, from ``compute_kpis(facts, "month")``: ``month``
    ("YYYY-MM"), ``roi``, ``cost``, ``margin`` and ``role`` (the period a month belongs to,
    in words; a month in both is the second). Undated rows are left out.

    >>> k = pd.DataFrame({"month": ["2026-10", "2026-11", None], "roi": [1.0, 2.0, 0.0],
    ...                   "cost": [1.0, 1.0, 1.0], "margin": [2.0, 3.0, 1.0]})
    >>> p = (pd.Timestamp("2026-10-01"),) * 2, (pd.Timestamp("2026-11-01"),) * 2
    >>> review_month_data(k, *p, "en")["role"].tolist()
    ['Period 1', 'Period 2']
    """
    frame = kpis[kpis["month"].notna()][["month", "roi", "cost", "margin"]].copy()
    stamps = pd.to_datetime(frame["month"])
    words = _ROLE[lang]
    role = pd.Series(words["other"], index=frame.index, dtype=object)
    role[stamps.between(before[0], before[1])] = words["before"]
    role[stamps.between(after[0], after[1])] = words["after"]
    frame["role"] = role
    return frame.reset_index(drop=True)


def decision_marks(decisions: pd.DataFrame, months: pd.Series) -> pd.DataFrame:
    """One mark per decision (``History.decisions``) on a month the chart shows: ``month``
    ("YYYY-MM"), ``date`` ("YYYY-MM-DD"), ``text``, ``who`` (channel and author), and
    ``rank`` (its place among the month's decisions, for stacking the labels).

    >>> d = pd.DataFrame({"date": pd.to_datetime(["2026-10-15", "2026-10-20", "2030-01-01"]),
    ...                   "text": ["a", "b", "c"], "channel": ["Salons", None, None],
    ...                   "author": [None, "DG", None]})
    >>> decision_marks(d, pd.Series(["2026-10"]))[["month", "who", "rank"]].values.tolist()
    [['2026-10', 'Salons', 0], ['2026-10', 'DG', 1]]
    """
    cols = ["month", "date", "text", "who", "rank"]
    if decisions is None or decisions.empty:
        return pd.DataFrame(columns=cols)
    frame = pd.DataFrame({
        "month": decisions["date"].dt.strftime("%Y-%m"),
        "date": decisions["date"].dt.strftime("%Y-%m-%d"),
        "text": decisions["text"].astype(str),
        "who": [" · ".join(str(v) for v in (c, a) if isinstance(v, str) and v)
                for c, a in zip(decisions["channel"], decisions["author"], strict=True)]})
    frame = frame[frame["month"].isin(set(months))].reset_index(drop=True)
    frame["rank"] = frame.groupby("month").cumcount()
    return frame[cols]


def roi_review_chart(months: pd.DataFrame, marks: pd.DataFrame,
                     lang: str = "fr") -> alt.LayerChart:
    """ROI per month as bars coloured by period (``review_month_data``), 0 % as a rule, and
    each decision (``decision_marks``) as a dashed rule on its month with a numbered label;
    the tooltip gives the decision's date, text, channel and author."""
    words = _ROLE[lang]
    x = alt.X("month:O", title=label("month", lang), sort=sorted(months["month"]))
    bars = alt.Chart(months).mark_bar().encode(
        x=x, y=alt.Y("roi:Q", title=label("roi", lang), axis=alt.Axis(format="%")),
        color=alt.Color("role:N", title=None, scale=alt.Scale(
            domain=[words["before"], words["after"], words["other"]], range=_COLORS)),
        tooltip=[alt.Tooltip("month:O", title=label("month", lang)),
                 alt.Tooltip("roi:Q", format=".1%", title=label("roi", lang)),
                 alt.Tooltip("cost:Q", format=",.0f", title=label("cost", lang)),
                 alt.Tooltip("margin:Q", format=",.0f", title=label("margin", lang))])
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color="grey").encode(y="y:Q")
    layers = [bars, zero]
    if len(marks):
        title = "Décision" if lang == "fr" else "Decision"
        # Numbered labels, stacked 14 px apart within a month (y in pixels: no scale).
        marks = marks.assign(tag=[f"D{i + 1}" for i in range(len(marks))],
                             pixel=4 + 14 * marks["rank"].astype(int))
        tips = [alt.Tooltip("date:N", title="Date"), alt.Tooltip("text:N", title=title),
                alt.Tooltip("who:N", title=label("channel", lang))]
        rule = alt.Chart(marks).mark_rule(color="#e6550d", strokeDash=[4, 3],
                                          strokeWidth=2).encode(x=x, tooltip=tips)
        text = alt.Chart(marks).mark_text(color="#e6550d", align="left", dx=4, fontWeight="bold",
                                          baseline="top").encode(
            x=x, y=alt.Y("pixel:Q", scale=None, axis=None), text="tag:N", tooltip=tips)
        layers += [rule, text]
    return alt.layer(*layers).properties(width="container", height=260)
