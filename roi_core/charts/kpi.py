"""Altair charts of the app and the report, each built from a tidy frame.

Prepare → compute → present: the ``*_data`` functions shape KPI tables into tidy frames
(no arithmetic beyond selecting and labelling), the ``*_chart`` functions draw them.
Labels follow the language setting (``roi_core.formatting``).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import altair as alt
import numpy as np
import pandas as pd

from roi_core.formatting import label, number, percent

__all__ = [
    "FUNNEL_STAGES",
    "STAGE_RATES",
    "CHANNEL_PALETTE",
    "DEFINITIONS",
    "definition",
    "channel_colors",
    "funnel_data",
    "funnel_chart",
    "funnel_spec",
    "channel_spec",
    "efficiency_spec",
    "roi_by_month_spec",
    "tornado_spec",
    "channel_data",
    "channel_chart",
    "efficiency_chart",
    "roi_by_month_chart",
    "with_series",
    "compare_channel_data",
    "tornado_data",
    "tornado_chart",
    "vega_spec",
    "number_locale",
    "roi_by_channel_chart",
]

# The stages in the order of the sale (DOMAIN.md): meetings (held) come before opportunities.
FUNNEL_STAGES = ["targets", "contacts", "leads", "meetings", "opportunities", "clients"]
# Each stage's rate and the stage it divides by (DOMAIN.md: opportunity_rate is
# opportunities / leads, as the article defines it, meetings being optional).
STAGE_RATES = {"contacts": ("contact_rate", "targets"), "leads": ("lead_rate", "contacts"),
               "meetings": ("meeting_rate", "leads"),
               "opportunities": ("opportunity_rate", "leads"),
               "clients": ("win_rate", "opportunities")}
# Baseline and scenario told apart by shade, in no channel's colour: light, then dark.
_SERIES_COLORS = ["#a3b1c2", "#1e3a5f"]
_SERIES_OPACITY = [0.45, 1.0]
# One colour per channel, given by the channel's place among the workbook's channels (sorted),
# never by what a filter leaves: the same channel keeps its colour on every chart.
CHANNEL_PALETTE = ["#4c78a8", "#f58518", "#54a24b", "#b279a2", "#e45756", "#72b7b2",
                   "#eeca3b", "#9d755d", "#ff9da6", "#bab0ac"]
_BETTER, _WORSE = "#15803d", "#b91c1c"

# One line per KPI saying what it means: the report's sentences (roi_core.outputs.report),
# and the stage rates', for the tooltips.
DEFINITIONS: dict[str, tuple[str, str]] = {
    "cost": ("tout ce que la prospection a coûté sur la période",
             "everything prospecting cost over the period"),
    "margin": ("la marge brute des clients signés", "the gross margin of the clients won"),
    "revenue": ("le chiffre d'affaires des clients signés", "the revenue of the clients won"),
    "roi": ("(marge − coût) / coût : ce que rapporte chaque euro investi, net",
            "(margin − cost) / cost: what each euro spent brought back, net"),
    "clients": ("les nouveaux clients signés", "new clients won"),
    "cac": ("coût / clients : ce qu'a coûté chaque client gagné",
            "cost / clients: what each client won cost"),
    "cost_per_lead": ("coût / leads : le prix d'un prospect intéressé",
                      "cost / leads: the price of one interested prospect"),
    "cost_per_opportunity": ("coût / opportunités : le prix d'une affaire ouverte",
                             "cost / opportunities: the price of one open deal"),
    "win_rate": ("clients / opportunités : la part des affaires signées",
                 "clients / opportunities: the share of deals won"),
    "net_margin_per_client": ("marge par client − coût d'acquisition",
                              "margin per client − acquisition cost"),
    "margin_per_client": ("marge / clients : ce que rapporte chaque client signé",
                          "margin / clients: what each client won brings"),
    "contact_rate": ("contacts / cibles : la part des cibles jointes",
                     "contacts / targets: the share of targets reached"),
    "lead_rate": ("leads / contacts : la part des contacts intéressés",
                  "leads / contacts: the share of contacts interested"),
    "meeting_rate": ("rendez-vous / leads : la part des leads reçus en rendez-vous",
                     "meetings / leads: the share of leads met"),
    "opportunity_rate": ("opportunités / leads : la part des leads devenus affaires",
                         "opportunities / leads: the share of leads that became deals"),
}


def definition(name: str, lang: str = "fr") -> str:
    """The one-line meaning of a KPI (``DEFINITIONS``), "" when there is none.

    >>> definition("cac", "en")
    'cost / clients: what each client won cost'
    """
    pair = DEFINITIONS.get(name)
    return "" if pair is None else pair[0] if lang == "fr" else pair[1]


def channel_colors(channels: list[str] | tuple[str, ...]) -> dict[str, str]:
    """A colour per channel from the workbook's channels (not the filtered ones), in sorted
    order: the same channel gets the same colour whatever the filters.

    >>> channel_colors(["Salons", "Emailing"])
    {'Emailing': '#4c78a8', 'Salons': '#f58518'}
    """
    names = sorted(dict.fromkeys(str(c) for c in channels))
    return {name: CHANNEL_PALETTE[i % len(CHANNEL_PALETTE)] for i, name in enumerate(names)}


def _channel_scale(colors: dict[str, str] | None) -> alt.Scale:
    if not colors:
        return alt.Scale(range=CHANNEL_PALETTE)
    return alt.Scale(domain=list(colors), range=list(colors.values()))


def funnel_data(totals: dict[str, pd.Series] | pd.Series, lang: str = "fr") -> pd.DataFrame:
    """Tidy funnel: one row per (series, stage), stages in the order of the sale, with the
    volume, the stage's rate (``STAGE_RATES``: leads / contacts, meetings / leads,
    opportunities / leads, …), its one-line definition, and the text drawn beside the bar.

    ``totals`` is one KPI row (a Series of ``roi_core.kpis.compute_kpis``), or a dict
    {series name: KPI row} to compare a baseline and a scenario. Stages not recorded are
    left out. ``pad`` (1.3 × the volume) only widens the axis so that no label is clipped.

    >>> row = pd.Series({"targets": 1000.0, "contacts": 800.0, "leads": 120.0,
    ...                  "opportunities": 30.0, "meetings": float("nan"), "clients": 10.0})
    >>> funnel_data(row, "en")[["stage", "rate"]].round(3).values.tolist()[1:]
    [['Contacts', 0.8], ['Leads', 0.15], ['Opportunities', 0.25], ['Clients', 0.333]]
    >>> funnel_data(row, "en")["text"].tolist()[2]
    '120 · 15.0%'
    """
    series = totals if isinstance(totals, dict) else {label("total", lang): totals}
    rows = []
    for name, row in series.items():
        for order, stage in enumerate(FUNNEL_STAGES):
            value = row.get(stage)
            if value is None or pd.isna(value):
                continue
            rate_name, below = STAGE_RATES.get(stage, (None, None))
            under = row.get(below) if below else None
            rate = (value / under if under is not None and not pd.isna(under) and under
                    else float("nan"))
            shown = number(value, lang)
            if rate == rate:
                shown += " · " + percent(rate, lang, decimals=1)
            rows.append({"series": name, "order": order, "stage": label(stage, lang),
                         "value": float(value), "rate": rate,
                         "rate_name": label(rate_name, lang) if rate_name else "",
                         "meaning": definition(rate_name, lang) if rate_name else "",
                         "text": shown, "pad": float(value) * 1.3})
    return pd.DataFrame(rows, columns=["series", "order", "stage", "value", "rate",
                                       "rate_name", "meaning", "text", "pad"])


def funnel_chart(data: pd.DataFrame, lang: str = "fr") -> alt.Chart:
    """Horizontal funnel bars, one colour per series (baseline / scenario side by side)."""
    return _funnel_layout(data, lang, _first_seen(data, "order", "stage"))


def funnel_spec(data: pd.DataFrame, lang: str = "fr") -> dict:
    """``vega_spec(funnel_chart(data, lang), lang)``, the layout built once per stages and
    series."""
    stages = _first_seen(data, "order", "stage")
    series = tuple(dict.fromkeys(data["series"].tolist()))
    return _templated(("funnel", lang, tuple(stages), series),
                      lambda d: _funnel_layout(d, lang, stages), [data], lang)


def _first_seen(data: pd.DataFrame, order: str, column: str) -> list:
    """The distinct values of ``column`` in ``order`` (plain Python: a pandas sort costs more
    than the rest of a spec on the app's slider moves)."""
    pairs = sorted(zip(data[order].tolist(), data[column].tolist(), strict=True),
                   key=lambda pair: pair[0])
    return list(dict.fromkeys(value for _, value in pairs))


def _funnel_layout(data: pd.DataFrame, lang: str, stages: list) -> alt.LayerChart:
    series = list(dict.fromkeys(data["series"].tolist()))
    base = alt.Chart(data).encode(
        y=alt.Y("stage:N", sort=stages, title=None),
        yOffset=alt.YOffset("series:N", sort=series),
        tooltip=[alt.Tooltip("series:N", title=""),
                 alt.Tooltip("stage:N", title=""),
                 alt.Tooltip("value:Q", format=",.0f", title=label("total", lang)),
                 alt.Tooltip("rate_name:N", title=""),
                 alt.Tooltip("rate:Q", format=".1%", title="%"),
                 alt.Tooltip("meaning:N", title="")],
    )
    # A linear axis: a bar's length is its volume (a log scale made 2 395 leads look like
    # 70 % of 14 269 contacts).
    bars = base.mark_bar().encode(
        x=alt.X("value:Q", title=None, axis=alt.Axis(format=",.0f", tickCount=5,
                                                    labelOverlap=True)),
        color=alt.Color("series:N", title=None,
                        scale=alt.Scale(domain=series, range=_SERIES_COLORS[-len(series):]),
                        legend=alt.Legend(orient="top") if len(series) > 1 else None))
    text = base.mark_text(align="left", dx=4, fontSize=11).encode(x="value:Q", text="text:N")
    pad = base.mark_point(opacity=0).encode(x="pad:Q")  # room for the labels
    return (bars + text + pad).properties(width="container", height=alt.Step(16))


def channel_data(kpis: pd.DataFrame, metrics: list[str], lang: str = "fr",
                 by: str = "channel") -> pd.DataFrame:
    """Long frame of chosen KPIs per group: columns group, metric (label), key, value.

    >>> k = pd.DataFrame({"channel": ["a", "b"], "cac": [800.0, 400.0], "roi": [2.0, 1.0]})
    >>> channel_data(k, ["roi"], "en").values.tolist()
    [['a', 'ROI', 'roi', 2.0], ['b', 'ROI', 'roi', 1.0]]
    """
    # What ``kpis.melt`` gives (metric after metric, groups in order), without its cost: the
    # app rebuilds this on every slider move.
    rows = len(kpis)
    values = kpis[metrics].to_numpy(dtype=float, na_value=np.nan)
    return pd.DataFrame({
        "group": np.tile(kpis[by].to_numpy(dtype=object), len(metrics)),
        "metric": np.repeat([label(k, lang) for k in metrics], rows).astype(object),
        "key": np.repeat(metrics, rows).astype(object),
        "value": values.T.reshape(-1),
    })


def channel_chart(data: pd.DataFrame, lang: str = "fr", series: str | None = None,
                  colors: dict[str, str] | None = None) -> alt.ConcatChart:
    """Small multiples: one bar panel per KPI, each axis in its unit (% for the ROI), groups
    on the y axis in their colour (``channel_colors``); with ``series`` (baseline /
    scenario) the two bars of a group differ by shade, not by colour."""
    return _channel_layout(data, lang, series, colors)


def channel_spec(data: pd.DataFrame, lang: str = "fr", series: str | None = None,
                 colors: dict[str, str] | None = None) -> dict:
    """``vega_spec(channel_chart(data, lang, series, colors), lang)``, the layout built once
    per KPIs, series names and colours."""
    keys = tuple(dict.fromkeys(data["key"].tolist()))
    names = tuple(dict.fromkeys(data[series].tolist())) if series else ()
    return _templated(("channel", lang, series, keys, names, tuple((colors or {}).items())),
                      lambda d: _channel_layout(d, lang, series, colors), [data], lang)


def _channel_layout(data: pd.DataFrame, lang: str, series: str | None,
                    colors: dict[str, str] | None = None) -> alt.ConcatChart:
    # One small chart per KPI, each with its own axis in its unit (% for the ROI, € else),
    # all reading the one dataset of the concat.
    panels = []
    names = list(dict.fromkeys(data[series].tolist())) if series else []
    for key in dict.fromkeys(data["key"].tolist()):
        enc = dict(
            y=alt.Y("group:N", title=None),
            x=alt.X("value:Q", title=None,
                    axis=alt.Axis(format="%" if key == "roi" else "$,.0f", tickCount=4,
                                  labelOverlap=True)),
            color=alt.Color("group:N", legend=None, scale=_channel_scale(colors)),
            tooltip=[alt.Tooltip("group:N", title=""),
                     *([alt.Tooltip(f"{series}:N", title="")] if series else []),
                     alt.Tooltip("value:Q", format=".1%" if key == "roi" else ",.2f",
                                 title=label(key, lang)),
                     alt.Tooltip("meaning:N", title="")],
        )
        if series:
            enc["opacity"] = alt.Opacity(f"{series}:N", title=None,
                                         scale=alt.Scale(domain=names, range=_SERIES_OPACITY),
                                         legend=alt.Legend(orient="top"))
            enc["yOffset"] = alt.YOffset(f"{series}:N", sort=names)
        panels.append(alt.Chart().transform_filter(alt.datum.key == key)
                      .transform_calculate(meaning=json.dumps(definition(key, lang)))
                      .mark_bar().encode(**enc)
                      .properties(width=220, height=alt.Step(12 if series else 16),
                                  title=label(key, lang)))
    # One column: it fits a phone as well as a projector (three did not fit 1280 px).
    return alt.concat(*panels, data=data, columns=1).resolve_scale(x="independent")


def efficiency_chart(kpis: pd.DataFrame, lang: str = "fr", by: str = "channel",
                     colors: dict[str, str] | None = None) -> alt.Chart:
    """Cost per opportunity (x) against margin per client (y), bubble size = budget, each
    channel in its colour (``channel_colors``), its name beside its bubble.

    "Cheap leads, poor clients" sits bottom-left; the rule y = x is not drawn because the
    two are per different units — the tooltip gives ROI and CAC. The axes are padded so
    that no bubble or name is cut at the edge.
    """
    return _efficiency_layout(_efficiency_frame(kpis, by), lang, by, colors)


def efficiency_spec(kpis: pd.DataFrame, lang: str = "fr", by: str = "channel",
                    colors: dict[str, str] | None = None) -> dict:
    """``vega_spec(efficiency_chart(kpis, lang, by, colors), lang)``, the layout built once."""
    return _templated(("efficiency", lang, by, tuple((colors or {}).items())),
                      lambda d: _efficiency_layout(d, lang, by, colors),
                      [_efficiency_frame(kpis, by)], lang)


def _efficiency_frame(kpis: pd.DataFrame, by: str) -> pd.DataFrame:
    cols = [by, "cost_per_opportunity", "margin_per_client", "cost", "roi", "cac"]
    frame = kpis[cols]
    drawn = ~(np.isnan(frame["cost_per_opportunity"].to_numpy(dtype=float))
              | np.isnan(frame["margin_per_client"].to_numpy(dtype=float)))
    return frame if drawn.all() else frame[drawn]


def _efficiency_layout(data: pd.DataFrame, lang: str, by: str,
                       colors: dict[str, str] | None = None) -> alt.LayerChart:
    base = alt.Chart(data).encode(
        x=alt.X("cost_per_opportunity:Q", title=label("cost_per_opportunity", lang),
                scale=alt.Scale(padding=40, zero=False),
                axis=alt.Axis(format="$,.0f", tickCount=6, labelOverlap=True)),
        y=alt.Y("margin_per_client:Q", title=label("margin_per_client", lang),
                scale=alt.Scale(padding=40, zero=False),
                axis=alt.Axis(format="$,.0f", tickCount=5)),
    )
    points = base.mark_circle(opacity=0.75, stroke="white").encode(
        size=alt.Size("cost:Q", title=label("cost", lang), scale=alt.Scale(range=[80, 1500]),
                      legend=None),
        color=alt.Color(f"{by}:N", title=label(by, lang), scale=_channel_scale(colors),
                        legend=alt.Legend(orient="bottom", columns=2)),
        tooltip=[alt.Tooltip(f"{by}:N", title=label(by, lang)),
                 alt.Tooltip("cost:Q", format=",.0f", title=label("cost", lang)),
                 alt.Tooltip("cost_per_opportunity:Q", format=",.0f",
                             title=label("cost_per_opportunity", lang)),
                 alt.Tooltip("margin_per_client:Q", format=",.0f",
                             title=label("margin_per_client", lang)),
                 alt.Tooltip("cac:Q", format=",.0f", title=label("cac", lang)),
                 alt.Tooltip("roi:Q", format=".1%", title=label("roi", lang))],
    )
    text = base.mark_text(dy=-16, fontSize=11).encode(text=f"{by}:N")
    return (points + text).properties(width="container", height=280)


def roi_by_month_chart(kpis: pd.DataFrame, lang: str = "fr",
                       series: str | None = None) -> alt.Chart:
    """ROI per month as bars (a line per series when comparing), 0 % as a rule."""
    return _month_layout(_month_frame(kpis, series), lang, series)


def roi_by_month_spec(kpis: pd.DataFrame, lang: str = "fr", series: str | None = None) -> dict:
    """``vega_spec(roi_by_month_chart(kpis, lang, series), lang)``, the layout built once."""
    return _templated(("month", lang, series), lambda d: _month_layout(d, lang, series),
                      [_month_frame(kpis, series)], lang)


def _month_frame(kpis: pd.DataFrame, series: str | None) -> pd.DataFrame:
    # Only the columns drawn or in the tooltip: the rows travel to the browser on each move.
    cols = ["month", "roi", "cost", "margin"] + ([series] if series else [])
    frame = kpis[cols]
    dated = frame["month"].notna().to_numpy()
    return frame if dated.all() else frame[dated]


def _month_layout(data: pd.DataFrame, lang: str, series: str | None) -> alt.LayerChart:
    enc = dict(
        x=alt.X("month:O", title=label("month", lang)),
        y=alt.Y("roi:Q", title=label("roi", lang), axis=alt.Axis(format="%")),
        tooltip=[alt.Tooltip("month:O", title=label("month", lang)),
                 alt.Tooltip("roi:Q", format=".1%", title=label("roi", lang)),
                 alt.Tooltip("cost:Q", format=",.0f", title=label("cost", lang)),
                 alt.Tooltip("margin:Q", format=",.0f", title=label("margin", lang)),
                 alt.Tooltip("meaning:N", title="")],
    )
    if series:
        enc["color"] = alt.Color(f"{series}:N", title=None,
                                 scale=alt.Scale(range=_SERIES_COLORS),
                                 legend=alt.Legend(orient="top"))
        enc["xOffset"] = alt.XOffset(f"{series}:N")
    else:
        enc["color"] = alt.condition("datum.roi < 0", alt.value(_WORSE), alt.value("#4c78a8"))
    chart = (alt.Chart(data).transform_calculate(meaning=json.dumps(definition("roi", lang)))
             .mark_bar().encode(**enc))
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color="grey").encode(y="y:Q")
    return (chart + zero).properties(width="container", height=220)


def with_series(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Stack KPI tables (baseline, scenario, …) with a ``series`` column naming each.

    >>> k = pd.DataFrame({"channel": ["a"], "roi": [2.0]})
    >>> with_series({"Référence": k, "Scénario": k})["series"].tolist()
    ['Référence', 'Scénario']
    """
    return pd.concat([f.assign(series=name) for name, f in frames.items()], ignore_index=True)


def compare_channel_data(frames: dict[str, pd.DataFrame], metrics: list[str], lang: str = "fr",
                         by: str = "channel") -> pd.DataFrame:
    """``channel_data`` of several KPI tables, with a ``series`` column (for ``channel_chart``
    with ``series="series"``).

    >>> k = pd.DataFrame({"channel": ["a"], "roi": [2.0]})
    >>> compare_channel_data({"x": k, "y": k}, ["roi"], "en")["series"].tolist()
    ['x', 'y']
    """
    parts = [channel_data(f, metrics, lang, by).assign(series=name)
             for name, f in frames.items()]
    return pd.concat(parts, ignore_index=True)


def tornado_data(sensitivity: pd.DataFrame, labels: dict[str, str], top: int = 10,
                 step: float = 0.10, lang: str = "fr") -> pd.DataFrame:
    """Long frame of a sensitivity ranking (``roi_core.scenario.sensitivity``) for a tornado.

    One row per (lever, side): ``lever`` (label), ``rank``, ``side`` ("−10 %" / "+10 %"),
    ``delta`` (the ROI change, a fraction), ``effect`` ("ROI en hausse" / "ROI en baisse":
    green and red on the chart). Keeps the ``top`` ranked levers with a swing.

    >>> s = pd.DataFrame({"lever": ["win_rate"], "rank": [1], "delta_low": [-0.3],
    ...                   "delta_high": [0.3], "swing": [0.6]})
    >>> tornado_data(s, {"win_rate": "Win rate"}, lang="en")[["side", "delta", "effect"]
    ...     ].values.tolist()
    [['-10%', -0.3, 'ROI down'], ['+10%', 0.3, 'ROI up']]
    """
    swing = sensitivity["swing"].to_numpy(dtype=float)
    rank = sensitivity["rank"].to_numpy()
    kept = np.flatnonzero(swing > 0)
    kept = kept[np.argsort(rank[kept], kind="stable")][:top]
    low, high = (percent(-step, lang, decimals=0), "+" + percent(step, lang, decimals=0))
    names = [labels.get(k, k) for k in sensitivity["lever"].to_numpy(dtype=object)[kept]]
    deltas = np.column_stack([sensitivity["delta_low"].to_numpy(dtype=float)[kept],
                              sensitivity["delta_high"].to_numpy(dtype=float)[kept]])
    up, down = _EFFECTS["fr" if lang == "fr" else "en"]
    flat = deltas.reshape(-1)
    # Low and high side by side for each lever kept, in rank order.
    return pd.DataFrame({
        "lever": np.repeat(np.array(names, dtype=object), 2),
        "rank": np.repeat(rank[kept].astype(np.int64), 2),
        "side": np.array([low, high] * len(kept), dtype=object),
        "delta": flat,
        "effect": np.where(flat >= 0, up, down).astype(object)},
        columns=["lever", "rank", "side", "delta", "effect"])


_EFFECTS = {"fr": ("ROI en hausse", "ROI en baisse"), "en": ("ROI up", "ROI down")}


def tornado_chart(data: pd.DataFrame, lang: str = "fr") -> alt.Chart:
    """Tornado: ROI change (points) for each lever moved down and up, biggest swing on top."""
    return _tornado_layout(data, lang, _first_seen(data, "rank", "lever"))


def tornado_spec(data: pd.DataFrame, lang: str = "fr") -> dict:
    """``vega_spec(tornado_chart(data, lang), lang)``, the layout built once per lever order."""
    order = _first_seen(data, "rank", "lever")
    return _templated(("tornado", lang, tuple(order)),
                      lambda d: _tornado_layout(d, lang, order), [data], lang)


def _tornado_layout(data: pd.DataFrame, lang: str, order: list) -> alt.LayerChart:
    title = {"fr": "Variation du ROI", "en": "ROI change"}.get(lang, "ROI change")
    # Green when the move raises the ROI, red when it lowers it, whichever side it is.
    up, down = _EFFECTS["fr" if lang == "fr" else "en"]
    bars = alt.Chart(data).mark_bar().encode(
        y=alt.Y("lever:N", sort=order, title=None),
        x=alt.X("delta:Q", title=title, axis=alt.Axis(format="+%")),
        color=alt.Color("effect:N", title=None,
                        scale=alt.Scale(domain=[up, down], range=[_BETTER, _WORSE]),
                        legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("lever:N", title=""), alt.Tooltip("side:N", title=""),
                 alt.Tooltip("delta:Q", format="+.1%", title=title)],
    )
    zero = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color="grey").encode(x="x:Q")
    return (bars + zero).properties(width="container", height=alt.Step(18))


def _json_value(value: object) -> object:
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """Rows as JSON-ready dicts: NaN/NaT as None, timestamps as ISO dates."""
    # Column by column (``to_dict("records")`` costs more than the rest of a chart's spec).
    names = list(frame.columns)
    columns = [[_json_value(v) for v in frame.iloc[:, i].tolist()] for i in range(len(names))]
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def _name_data(chart: object, datasets: dict[str, list],
               frames: dict[str, pd.DataFrame] | None = None) -> None:
    data = getattr(chart, "data", alt.Undefined)
    if isinstance(data, pd.DataFrame):
        name = f"data-{len(datasets)}"
        datasets[name] = _records(data)
        if frames is not None:
            frames[name] = data
        chart.data = alt.NamedData(name=name)  # type: ignore[attr-defined]
    for attr in ("layer", "hconcat", "vconcat", "concat"):
        parts = getattr(chart, attr, alt.Undefined)
        if parts is not alt.Undefined and parts is not None:
            for part in parts:
                _name_data(part, datasets, frames)
    spec = getattr(chart, "spec", alt.Undefined)
    if spec is not alt.Undefined and spec is not None:
        _name_data(spec, datasets, frames)


# key -> (spec without datasets as JSON, [(dataset name, input index or None)], constants)
_TEMPLATES: dict[tuple, tuple[str, list[tuple[str, int | None]], dict[str, list]]] = {}


def _templated(key: tuple, layout: Callable[..., alt.TopLevelMixin],
               frames: list[pd.DataFrame], lang: str | None) -> dict:
    """``vega_spec(layout(*frames), lang)``: the layout (altair building and ``to_dict``, the
    slow part) is made once per ``key``, later calls only swap in the rows of ``frames``.

    ``key`` must name everything the layout depends on besides the rows of ``frames``.
    """
    key = (*key, lang, tuple(tuple(map(str, f.columns)) for f in frames))
    entry = _TEMPLATES.get(key)
    if entry is None:
        chart = layout(*frames)
        datasets: dict[str, list] = {}
        found: dict[str, pd.DataFrame] = {}
        _name_data(chart, datasets, found)
        spec = chart.to_dict(validate=False)
        constants = dict(spec.pop("datasets", {}))
        slots: list[tuple[str, int | None]] = []
        for name, frame in found.items():
            index = next((i for i, f in enumerate(frames) if f is frame), None)
            slots.append((name, index))
            if index is None:  # built inside the layout: the same rows every time
                constants[name] = datasets[name]
        if lang:
            spec.setdefault("config", {})["locale"] = {"number": number_locale(lang)}
        entry = (json.dumps(spec), slots, constants)
        if len(_TEMPLATES) > 256:
            _TEMPLATES.clear()
        _TEMPLATES[key] = entry
    text, slots, constants = entry
    spec = json.loads(text)
    spec["datasets"] = {**constants, **{name: _records(frames[index]) for name, index in slots
                                        if index is not None}}
    return spec


def number_locale(lang: str = "fr", currency: str = "EUR") -> dict:
    """The d3 number locale of a language, from Babel (CLDR): what Vega uses to write axis
    labels and tooltips ("1 234,5" in French).

    >>> number_locale("fr")["decimal"], number_locale("en")["thousands"]
    (',', ',')
    """
    from babel.numbers import get_currency_symbol, get_decimal_symbol, get_group_symbol

    from roi_core.formatting import LOCALES

    loc = LOCALES.get(lang, LOCALES["en"])
    symbol = get_currency_symbol(currency, locale=loc)
    affix = ["", "\u00a0" + symbol] if lang == "fr" else [symbol, ""]
    return {"decimal": get_decimal_symbol(loc), "thousands": get_group_symbol(loc),
            "grouping": [3], "currency": affix}


def vega_spec(chart: alt.TopLevelMixin, lang: str | None = None) -> dict:
    """The chart's Vega-Lite spec with its data inline (top-level ``datasets``, NaN as null),
    without a schema validation pass (the builders of this module are tested instead);
    with ``lang``, numbers are written in that language (``config.locale``).

    >>> spec = vega_spec(alt.Chart(pd.DataFrame({"x": [1.0, float("nan")]})).mark_bar()
    ...                  .encode(x="x:Q"), "fr")
    >>> spec["data"], spec["datasets"]["data-0"], spec["config"]["locale"]["number"]["decimal"]
    ({'name': 'data-0'}, [{'x': 1.0}, {'x': None}], ',')
    """
    chart = chart.copy(deep=True)
    datasets: dict[str, list] = {}
    _name_data(chart, datasets)
    spec = chart.to_dict(validate=False)
    spec["datasets"] = {**spec.get("datasets", {}), **datasets}
    if lang:
        spec.setdefault("config", {})["locale"] = {"number": number_locale(lang)}
    return spec


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
