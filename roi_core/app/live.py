"""The meeting app's answer to a lever move: the scenario computed and sent to the page.

A slider move does not run a notebook cell (``roi_core.app.widgets.LiveLevers``): the kernel calls
``show``, which computes the scenario against the ``Baseline`` (made when the workbook, the
filters or the settings change) and sends each output to its live element on the page as
soon as it is ready, the KPI cards first: the browser draws one while the next is computed.

Every figure comes from ``roi_core.scenario`` and ``roi_core.kpis``; every chart and table
from ``roi_core.charts`` and ``roi_core.app.view``. Outputs, by name, in the order they are
sent: ``cards``, ``settings`` (the chips of the settings in force), ``scoreboard`` (one row
per channel, best ROI first), ``funnel``, ``channels``, ``efficiency``, ``month``,
``tornado`` (``LiveChart``), ``break_even`` (the total's), ``break_even_channel`` (each
channel's own), ``kpi_table`` (``LiveHtml`` but the charts), ``url`` (``LiveUrl``: the
view's settings and the levers, so that a copied link reopens the same figures).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from roi_core import charts
from roi_core import scenario as sc
from roi_core.app import view
from roi_core.shared import check_allocation, shared_cost

__all__ = ["Baseline", "Scenario", "OUTPUTS", "CHANNEL_METRICS", "baseline", "levers_of",
           "show"]

OUTPUTS = ("cards", "settings", "scoreboard", "funnel", "channels", "efficiency", "month",
           "tornado", "break_even", "break_even_channel", "kpi_table", "url")
CHANNEL_METRICS = ["cost_per_lead", "cost_per_opportunity", "cac", "margin_per_client", "roi"]


@dataclass(frozen=True, eq=False)
class Baseline:
    """What the scenarios compare with: the filtered fact table read once for many
    scenarios, its KPIs, the KPI settings and how to show numbers. ``allocate_shared``
    places the cost of no campaign in the channel figures (``roi_core.shared``; the total
    counts it whatever the setting), ``shared_cost`` is how much of it the table holds;
    ``settings``: the view as URL query parameters (``roi_core.app.view.view_query``);
    ``months``: every month of the workbook (a view without a period shows them all);
    ``colors``: each channel's colour, from the workbook's channels (a filter never changes
    them)."""

    prepared: sc.Prepared
    total: pd.Series
    channel: pd.DataFrame
    month: pd.DataFrame
    include_indirect: bool
    basis: str
    lang: str
    currency: str
    allocate_shared: str = "cost"
    shared_cost: float = 0.0
    settings: Mapping[str, str] = field(default_factory=dict)
    months: tuple[str, ...] = ()
    colors: Mapping[str, str] = field(default_factory=dict)

    @property
    def options(self) -> dict[str, Any]:
        return {"include_indirect": self.include_indirect, "basis": self.basis}

    @property
    def kpi_options(self) -> dict[str, Any]:
        """``options`` and the allocation: what ``scenario_kpis`` takes."""
        return {**self.options, "allocate_shared": self.allocate_shared}


@dataclass(frozen=True, eq=False)
class Scenario:
    """What a move showed: the levers, whether any is moved, and the scenario's figures."""

    levers: sc.Levers
    active: bool
    total: pd.Series
    channel: pd.DataFrame
    sensitivity: pd.DataFrame
    break_even: pd.DataFrame


def baseline(facts: pd.DataFrame, *, include_indirect: bool = True, basis: str = "margin",
             lang: str = "fr", currency: str = "EUR",
             allocate_shared: str = "cost", settings: Mapping[str, str] | None = None,
             months: tuple[str, ...] = (), channels: tuple[str, ...] = ()) -> Baseline:
    """The ``Baseline`` of a (filtered) fact table (``roi_core.scenario.base_table``);
    ``allocate_shared`` defaults to the meeting app's setting, pro rata of direct cost;
    ``settings``: the view that made it (``roi_core.app.view.view_query``), ``months`` and
    ``channels``: the workbook's (every channel, whatever the filters: their colours)."""
    opts = {"include_indirect": include_indirect, "basis": basis,
            "allocate_shared": check_allocation(allocate_shared)}
    prepared = sc.prepare(facts, by=("total", "channel", "month"))
    # The baseline's KPIs from the prepared groupings (made once, not again per grouping):
    # compute_kpis(facts, by) to the last bit.
    kpis = {by: sc.scenario_kpis(prepared, prepared.columns, by, **opts)
            for by in ("total", "channel", "month")}
    return Baseline(prepared=prepared, total=kpis["total"].iloc[0], channel=kpis["channel"],
                    month=kpis["month"], include_indirect=include_indirect, basis=basis,
                    lang=lang, currency=currency, allocate_shared=allocate_shared,
                    shared_cost=shared_cost(facts, include_indirect),
                    settings=dict(settings or {}), months=tuple(months),
                    colors=charts.channel_colors(list(channels) or prepared.channels))


def levers_of(values: Mapping[str, float]) -> sc.Levers:
    """The levers of the sliders' values (``LiveLevers.values``: lever key -> multiplier).

    >>> levers_of({"win_rate": 1.2, "cost.Emailing": 0.7, "contacts": 1.0}).moved()
    {'win_rate': 1.2, 'cost.Emailing': 0.7}
    """
    return sc.Levers.from_flat({k: float(v) for k, v in values.items()})


def show(outputs: Mapping[str, Any], base: Baseline, levers: sc.Levers) -> Scenario:
    """Compute the scenario of ``levers`` and send it to ``outputs`` (see module doc), in
    page order, the address last. A bad lever raises ``roi_core.errors.InputError`` before
    anything is sent."""
    lang, currency, opts, kpi_opts = base.lang, base.currency, base.options, base.kpi_options
    numbers = sc.scenario_columns(base.prepared, levers)
    total = sc.scenario_kpis(base.prepared, numbers, "total", **kpi_opts).iloc[0]
    active = not levers.is_baseline()
    outputs["cards"].show(view.cards_html(view.kpi_cards(
        base.total, total if active else None, lang=lang, currency=currency))
        + view.shared_note_html(base.shared_cost, base.allocate_shared, lang, currency))
    outputs["settings"].show(view.chips_html(dict(base.settings), active, lang,
                                                   base.months))
    channel = sc.scenario_kpis(base.prepared, numbers, "channel", **kpi_opts)
    outputs["scoreboard"].show(view.scoreboard_html(
        base.channel, base.total, channel if active else None, total if active else None,
        lang=lang, currency=currency))
    b, s = view.series_names(lang)
    outputs["funnel"].show(charts.funnel_spec(charts.funnel_data(
        {b: base.total, s: total} if active else {b: base.total}, lang), lang))
    colors = dict(base.colors)
    if active:
        outputs["channels"].show(charts.channel_spec(charts.compare_channel_data(
            {b: base.channel, s: channel}, CHANNEL_METRICS, lang), lang, series="series",
            colors=colors))
    else:
        outputs["channels"].show(charts.channel_spec(charts.channel_data(
            base.channel, CHANNEL_METRICS, lang), lang, colors=colors))
    outputs["efficiency"].show(charts.efficiency_spec(channel, lang, colors=colors))
    if active:
        month = sc.scenario_kpis(base.prepared, numbers, "month", **kpi_opts)
        outputs["month"].show(charts.roi_by_month_spec(charts.with_series(
            {b: base.month, s: month}), lang, series="series"))
    else:
        outputs["month"].show(charts.roi_by_month_spec(base.month, lang))
    sensitivity = sc.sensitivity(base.prepared, levers, **opts)
    labels = {k: sc.lever_label(k, lang) for k in sensitivity["lever"]}
    outputs["tornado"].show(charts.tornado_spec(
        charts.tornado_data(sensitivity, labels, lang=lang), lang))
    break_even = sc.break_even(base.prepared, levers, totals=total, **opts)
    outputs["break_even"].show(view.table_html(
        view.break_even_view(break_even, lang, currency)))
    outputs["break_even_channel"].show(view.table_html(
        view.channel_break_even_view(channel, lang, currency)))
    outputs["kpi_table"].show(view.table_html(
        view.kpi_view(channel, "channel", lang=lang, currency=currency)))
    outputs["url"].show({**base.settings, **sc.to_query(levers)})
    return Scenario(levers=levers, active=active, total=total, channel=channel,
                    sensitivity=sensitivity, break_even=break_even)
