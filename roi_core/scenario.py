"""What-if scenarios: the baseline fact table with levers moved, and what it changes.

A scenario is the baseline (``roi_core.facts.build_facts``) with levers moved, every lever a
multiplier (1.0 = as in the data):

=====================  ==================================================================
channel_cost[c]        every cost line of channel ``c`` × m (a price change, not volume)
channel_volume[c]      the activity volume (contacts) of channel ``c`` × m
cost_item[p]           one cost part (direct_fixed, direct_variable, indirect_fixed,
                       indirect_variable) × m
hourly_rate            the time-based cost lines (hours × hourly rate) × m
contacts               the activity volume (contacts) of every channel × m
lead_rate              leads / contacts × m
opportunity_rate       opportunities / leads × m
win_rate               clients / opportunities × m
revenue_per_client     revenue / clients × m
margin_rate            margin / revenue × m
=====================  ==================================================================

The funnel is recomputed top-down, row by row (campaign × month)::

    contacts'      = contacts × V            V = contacts × channel_volume[channel]
    leads'         = leads × V × L           L = lead_rate
    opportunities' = opportunities × V × L × O
    meetings'      = meetings × V × L × O    (meetings follow opportunities)
    clients'       = clients × V × L × O × W
    revenue'       = revenue × V × L × O × W × R
    margin'        = margin × V × L × O × W × R × M

which is the same as contacts' × (each stage's rate × its lever), and reproduces the
baseline exactly when every lever is 1. Costs (DOMAIN.md): variable costs follow the
volume V, fixed costs do not::

    part'  = (part − labour_part + labour_part × hourly_rate) × channel_cost × cost_item[part]
             × (V if the part is variable else 1)

Targets do not move. Every KPI of a scenario is then ``roi_core.kpis.compute_kpis`` of the
moved fact table, so baseline and scenario share one definition of every figure. Cost lines
of no campaign (``roi_core.shared``) move with the levers of their own "(unassigned)"
channel and cost item; when ``allocate_shared`` spreads them over the groups it does so
after the levers, pro rata of the scenario's own costs or contacts.

Levers travel as a URL query string (``to_query`` / ``from_query``: only the moved levers,
``cost.<channel>``, ``volume.<channel>``, ``item.<part>``) and as a small JSON file
(``to_json`` / ``from_json``); a bad value raises ``InputError``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from roi_core.dataset import Dataset
from roi_core.errors import InputError
from roi_core.facts import COST_PARTS, VOLUMES, build_facts
from roi_core.kpis import Grouping, compute_kpis, grouping, kpis_of

__all__ = [
    "Levers",
    "SCALAR_LEVERS",
    "COST_ITEMS",
    "LABOUR_PARTS",
    "LEVER_LABELS",
    "MAX_MULTIPLIER",
    "lever_label",
    "base_table",
    "apply_levers",
    "Prepared",
    "prepare",
    "scenario_columns",
    "scenario_kpis",
    "scenario_roi",
    "compare_kpis",
    "delta_table",
    "BREAK_EVEN_LEVERS",
    "break_even",
    "sensitivity",
    "to_query",
    "from_query",
    "is_lever_key",
    "LEVER_QUERY_NAMES",
    "LEVER_QUERY_PREFIXES",
    "to_json",
    "from_json",
    "assumptions_table",
]

SCALAR_LEVERS = ["contacts", "lead_rate", "opportunity_rate", "win_rate", "revenue_per_client",
                 "margin_rate", "hourly_rate"]
COST_ITEMS = [p.removeprefix("cost_") for p in COST_PARTS]  # direct_fixed, ...
LABOUR_PARTS = ["labour_" + item for item in COST_ITEMS]
MAX_MULTIPLIER = 100.0

LEVER_LABELS: dict[str, tuple[str, str]] = {
    "contacts": ("Volume d'activité (contacts)", "Activity volume (contacts)"),
    "lead_rate": ("Taux de lead", "Lead rate"),
    "opportunity_rate": ("Taux d'opportunité", "Opportunity rate"),
    "win_rate": ("Taux de signature", "Win rate"),
    "revenue_per_client": ("CA par client", "Revenue per client"),
    "margin_rate": ("Taux de marge", "Margin rate"),
    "hourly_rate": ("Taux horaire", "Hourly rate"),
    "cost": ("Coûts", "Costs"),
    "volume": ("Volume", "Volume"),
    "item": ("Poste", "Cost item"),
    "direct_fixed": ("Coûts directs fixes", "Direct fixed costs"),
    "direct_variable": ("Coûts directs variables", "Direct variable costs"),
    "indirect_fixed": ("Coûts indirects fixes", "Indirect fixed costs"),
    "indirect_variable": ("Coûts indirects variables", "Indirect variable costs"),
}


def lever_label(key: str, lang: str = "fr") -> str:
    """The label of a lever key as ``sensitivity`` and ``to_query`` name it.

    >>> lever_label("win_rate"), lever_label("cost.events", "en")
    ('Taux de signature', 'Costs: events')
    """
    kind, _, name = key.partition(".")
    pick = 0 if lang == "fr" else 1
    if name:
        head = LEVER_LABELS[kind][pick]
        if kind == "item":
            return LEVER_LABELS.get(name, (name, name))[pick]
        return f"{head}: {name}" if lang != "fr" else f"{head} : {name}"
    return LEVER_LABELS.get(key, (key, key))[pick]


@dataclass(frozen=True)
class Levers:
    """The moved levers of a scenario; every value a multiplier, 1.0 meaning unchanged.

    >>> Levers().is_baseline(), Levers(win_rate=1.2).is_baseline()
    (True, False)
    """

    contacts: float = 1.0
    lead_rate: float = 1.0
    opportunity_rate: float = 1.0
    win_rate: float = 1.0
    revenue_per_client: float = 1.0
    margin_rate: float = 1.0
    hourly_rate: float = 1.0
    channel_cost: Mapping[str, float] = field(default_factory=dict)
    channel_volume: Mapping[str, float] = field(default_factory=dict)
    cost_item: Mapping[str, float] = field(default_factory=dict)

    def flat(self) -> dict[str, float]:
        """Every lever as ``key -> multiplier`` (``cost.<channel>``, ``volume.<channel>``,
        ``item.<part>`` for the per-channel and per-item ones)."""
        out = {name: float(getattr(self, name)) for name in SCALAR_LEVERS}
        out.update({f"cost.{k}": float(v) for k, v in sorted(self.channel_cost.items())})
        out.update({f"volume.{k}": float(v) for k, v in sorted(self.channel_volume.items())})
        out.update({f"item.{k}": float(v) for k, v in sorted(self.cost_item.items())})
        return out

    def moved(self) -> dict[str, float]:
        """The levers that differ from 1."""
        return {k: v for k, v in self.flat().items() if v != 1.0}

    def is_baseline(self) -> bool:
        return not self.moved()

    def with_lever(self, key: str, value: float) -> Levers:
        """A copy with one lever (a ``flat`` key) set to ``value``."""
        kind, _, name = key.partition(".")
        if not name:
            if kind not in SCALAR_LEVERS:
                raise KeyError(key)
            return replace(self, **{kind: float(value)})
        attr = {"cost": "channel_cost", "volume": "channel_volume", "item": "cost_item"}[kind]
        if kind == "item" and name not in COST_ITEMS:
            raise KeyError(key)
        values = dict(getattr(self, attr))
        values[name] = float(value)
        return replace(self, **{attr: values})

    @classmethod
    def from_flat(cls, values: Mapping[str, float]) -> Levers:
        """Levers from ``flat`` keys (unknown keys raise ``KeyError``)."""
        out = cls()
        for key, value in values.items():
            out = out.with_lever(key, value)
        return out


def base_table(data: Dataset) -> pd.DataFrame:
    """The fact table of ``data`` plus the time-based share of each cost part.

    Shape out: ``build_facts`` columns + ``LABOUR_PARTS`` (the amount of cost lines typed as
    hours × hourly rate, per cost part; 0 where none). Filter it with
    ``roi_core.facts.filter_facts`` like any fact table.
    """
    facts = build_facts(data)
    labour_costs = data.costs[data.costs["hours"].notna()]
    if labour_costs.empty:
        for col in LABOUR_PARTS:
            facts[col] = 0.0
        return facts
    labour = build_facts(data.replace(costs=labour_costs))
    labour = labour[["campaign_id", "month", *COST_PARTS]].rename(
        columns=dict(zip(COST_PARTS, LABOUR_PARTS, strict=True)))
    labour = labour.groupby(["campaign_id", "month"], dropna=False, as_index=False).sum()
    out = facts.merge(labour, on=["campaign_id", "month"], how="left")
    out[LABOUR_PARTS] = out[LABOUR_PARTS].astype(float).fillna(0.0)
    return out


def _check(value: float, key: str) -> float:
    value = float(value)
    if not math.isfinite(value) or value < 0 or value > MAX_MULTIPLIER:
        raise InputError(f"the lever '{key}' is {value}",
                         expected=f"a multiplier between 0 and {MAX_MULTIPLIER:g}")
    return value


_NUMERIC = COST_PARTS + LABOUR_PARTS + ["contacts", "leads", "opportunities", "meetings",
                                       "clients", "revenue", "margin"]
_MOVED_VOLUMES = ["contacts", "leads", "opportunities", "meetings", "clients", "revenue",
                  "margin"]


@dataclass(frozen=True, eq=False)
class Prepared:
    """A fact table read once for the many scenarios of a meeting (``prepare``): its numbers
    as arrays, its channels and its groupings. Every function of this module that takes a
    table also takes this, and gives the same numbers faster."""

    table: pd.DataFrame
    columns: dict[str, np.ndarray]
    channels: list[str]
    groupings: dict[str, Grouping]


def prepare(table: pd.DataFrame, by: tuple[str, ...] = ("total",)) -> Prepared:
    """``table`` (``base_table``, filtered or not) read for many scenarios, with the groupings
    ``by`` (``roi_core.kpis.GROUPINGS`` names) that ``scenario_kpis`` will be asked for.

    >>> t = pd.DataFrame({"campaign_id": ["A"], "channel": ["calls"],
    ...     "month": pd.to_datetime(["2026-01-01"]), "cost_direct_fixed": [8000.0],
    ...     "cost_direct_variable": [0.0], "cost_indirect_fixed": [0.0],
    ...     "cost_indirect_variable": [0.0], "targets": [1000.0], "contacts": [800.0],
    ...     "leads": [120.0], "opportunities": [30.0], "meetings": [20.0], "clients": [10.0],
    ...     "revenue": [60000.0], "margin": [24000.0]})
    >>> p = prepare(t, by=("total", "channel"))
    >>> p.channels, sorted(p.groupings)
    (['calls'], ['channel', 'total'])
    """
    columns = _columns(table)
    for col in COST_PARTS + VOLUMES:
        if col not in columns:
            columns[col] = table[col].to_numpy(dtype=float, na_value=np.nan)
    return Prepared(table=table, columns=columns, channels=_channels(table),
                    groupings={name: grouping(table, name) for name in by})


def _columns(table: pd.DataFrame | Prepared) -> dict[str, np.ndarray]:
    """The columns the levers touch, as numpy arrays (read once, evaluated many times)."""
    if isinstance(table, Prepared):
        return table.columns
    cols = {c: table[c].to_numpy(dtype=float, na_value=np.nan) for c in _NUMERIC if c in table}
    cols["channel"] = table["channel"].astype(object).to_numpy()
    return cols


def _per_channel(channel: np.ndarray, mappings: list[Mapping[str, float]]) -> np.ndarray:
    """Per variant (row) and fact row (column): the multiplier of the fact row's channel."""
    out = np.ones((len(mappings), len(channel)))
    masks: dict[str, np.ndarray] = {}
    for i, mapping in enumerate(mappings):
        for name, value in mapping.items():
            if value != 1.0:
                if name not in masks:
                    masks[name] = channel == name
                out[i, masks[name]] = value
    return out


def _moved(cols: dict[str, np.ndarray], variants: list[Levers]) -> dict[str, np.ndarray]:
    """The numbers the levers move (volumes, cost parts), for each of ``variants``: arrays of
    shape (variant, fact row), each row the fact table of that scenario (see module doc).

    The one place where levers meet the facts: ``apply_levers``, ``scenario_kpis``,
    ``scenario_roi``, ``break_even`` and ``sensitivity`` all read it.
    """
    def lever(name: str) -> np.ndarray:
        return np.array([[float(getattr(v, name))] for v in variants])

    channel = cols["channel"]
    volume = lever("contacts") * _per_channel(channel, [v.channel_volume for v in variants])
    factors = {"contacts": volume}
    factors["leads"] = volume * lever("lead_rate")
    factors["opportunities"] = factors["leads"] * lever("opportunity_rate")
    factors["meetings"] = factors["opportunities"]
    factors["clients"] = factors["opportunities"] * lever("win_rate")
    factors["revenue"] = factors["clients"] * lever("revenue_per_client")
    factors["margin"] = factors["revenue"] * lever("margin_rate")
    out = {col: cols[col] * factors[col] for col in _MOVED_VOLUMES}
    channel_cost = _per_channel(channel, [v.channel_cost for v in variants])
    hourly = lever("hourly_rate")
    for part, item, labour in zip(COST_PARTS, COST_ITEMS, LABOUR_PARTS, strict=True):
        amount = np.broadcast_to(cols[part], volume.shape)
        if labour in cols and (hourly != 1.0).any():
            share = cols[labour]
            # A lever at 1 leaves the amount as it is (amount − share + share is not always
            # amount in floating point).
            amount = np.where(hourly != 1.0, amount - share + share * hourly, amount)
        scale = channel_cost * np.array([[v.cost_item.get(item, 1.0)] for v in variants])
        if item.endswith("variable"):
            scale = scale * volume
        out[part] = amount * scale
    return out


def _validate(levers: Levers) -> None:
    for key, value in levers.flat().items():
        _check(value, key)


def apply_levers(table: pd.DataFrame, levers: Levers) -> pd.DataFrame:
    """The fact table of the scenario: volumes and costs moved by the levers (see module doc).

    Shape in and out: a fact table (``base_table``); the rows and dimensions are unchanged.

    >>> t = pd.DataFrame({"campaign_id": ["A"], "channel": ["calls"],
    ...     "cost_direct_fixed": [2000.0], "cost_direct_variable": [6000.0],
    ...     "cost_indirect_fixed": [0.0], "cost_indirect_variable": [0.0],
    ...     "targets": [1000.0], "contacts": [800.0], "leads": [120.0],
    ...     "opportunities": [30.0], "meetings": [20.0], "clients": [10.0],
    ...     "revenue": [60000.0], "margin": [24000.0]})
    >>> s = apply_levers(t, Levers(contacts=2.0)).iloc[0]
    >>> [float(s[c]) for c in ("clients", "cost_direct_fixed", "cost_direct_variable")]
    [20.0, 2000.0, 12000.0]
    """
    _validate(levers)
    out = table.copy()
    for col, values in _moved(_columns(table), [levers]).items():
        out[col] = values[0]
    return out


def scenario_columns(prepared: Prepared, levers: Levers) -> dict[str, np.ndarray]:
    """The numbers of ``apply_levers(prepared.table, levers)`` as arrays, one per cost part
    and volume (``roi_core.kpis.kpis_of`` takes them), without building the table.

    >>> t = pd.DataFrame({"campaign_id": ["A"], "channel": ["calls"],
    ...     "month": pd.to_datetime(["2026-01-01"]), "cost_direct_fixed": [2000.0],
    ...     "cost_direct_variable": [6000.0], "cost_indirect_fixed": [0.0],
    ...     "cost_indirect_variable": [0.0], "targets": [1000.0], "contacts": [800.0],
    ...     "leads": [120.0], "opportunities": [30.0], "meetings": [20.0], "clients": [10.0],
    ...     "revenue": [60000.0], "margin": [24000.0]})
    >>> float(scenario_columns(prepare(t), Levers(contacts=2.0))["cost_direct_variable"][0])
    12000.0
    """
    _validate(levers)
    out = {col: prepared.columns[col] for col in COST_PARTS + VOLUMES}
    out.update({col: values[0] for col, values in _moved(prepared.columns, [levers]).items()})
    return out


def scenario_kpis(prepared: Prepared, levers: Levers | Mapping[str, np.ndarray],
                  by: str = "total", *, include_indirect: bool = True,
                  basis: str = "margin", allocate_shared: str = "none") -> pd.DataFrame:
    """``compute_kpis(apply_levers(prepared.table, levers), by, ...)``, the same numbers to
    the last bit, in a fraction of its time (the groups are made once, by ``prepare``).

    ``levers``: the scenario's levers, or its ``scenario_columns`` (computed once for several
    groupings).
    """
    numbers = scenario_columns(prepared, levers) if isinstance(levers, Levers) else levers
    groups = prepared.groupings.get(by) or grouping(prepared.table, by)
    return kpis_of(numbers, groups, include_indirect=include_indirect, basis=basis,
                   allocate_shared=allocate_shared)


def _cost_gain(cols: dict[str, np.ndarray], variants: list[Levers], include_indirect: bool,
               basis: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per variant and fact row: the cost (blank when no part is recorded), the gain, and
    whether the row's cost is recorded."""
    moved = _moved(cols, variants)
    parts = COST_PARTS if include_indirect else COST_PARTS[:2]
    stacked = np.stack([moved[p] for p in parts])
    recorded = ~np.isnan(stacked).all(axis=0)
    cost = np.where(recorded, np.nansum(stacked, axis=0), np.nan)
    return cost, moved[basis], recorded


def _masked_sums(values: np.ndarray, kept: np.ndarray) -> np.ndarray:
    """Σ of each row's kept values (``values[i][kept[i]].sum()`` for every row i)."""
    if kept.all():
        return values.sum(axis=1)
    return np.array([v[k].sum() for v, k in zip(values, kept, strict=True)])


def _rois(cols: dict[str, np.ndarray], variants: list[Levers], include_indirect: bool,
          basis: str) -> np.ndarray:
    """The whole table's ROI under each of ``variants`` (``scenario_roi``)."""
    out = []
    for start in range(0, len(variants), _CHUNK):
        cost, gain, _ = _cost_gain(cols, variants[start:start + _CHUNK], include_indirect,
                                   basis)
        both = ~np.isnan(cost) & ~np.isnan(gain)
        total_cost = _masked_sums(cost, both)
        total_gain = _masked_sums(gain, both)
        with np.errstate(divide="ignore", invalid="ignore"):
            roi = (total_gain - total_cost) / total_cost
        out.append(np.where(both.any(axis=1) & (total_cost != 0), roi, np.nan))
    return np.concatenate(out) if out else np.array([])


# Variants evaluated together (a sensitivity's two per lever): bounded memory on large
# tables.
_CHUNK = 32


def scenario_roi(table: pd.DataFrame | Prepared, levers: Levers, *,
                 include_indirect: bool = True, basis: str = "margin") -> float:
    """The whole table's ROI under ``levers``, fast (numpy, no grouping).

    Same policy as ``compute_kpis``: (Σ gain − Σ cost) / Σ cost over the rows where both
    the gain and the cost are recorded (a row of no campaign records a zero gain: its cost
    counts); NaN when that cost is 0.

    >>> t = pd.DataFrame({"channel": ["x"], "cost_direct_fixed": [8000.0],
    ...     "cost_direct_variable": [0.0], "cost_indirect_fixed": [0.0],
    ...     "cost_indirect_variable": [0.0], "contacts": [800.0], "leads": [120.0],
    ...     "opportunities": [30.0], "meetings": [float("nan")], "clients": [10.0],
    ...     "revenue": [60000.0], "margin": [24000.0]})
    >>> scenario_roi(t, Levers()), scenario_roi(t, Levers(win_rate=0.5))
    (2.0, 0.5)
    """
    return float(_rois(_columns(table), [levers], include_indirect, basis)[0])


def compare_kpis(table: pd.DataFrame, levers: Levers, by: str = "total", *,
                 include_indirect: bool = True, basis: str = "margin",
                 allocate_shared: str = "none") -> pd.DataFrame:
    """Baseline and scenario KPIs stacked, with the scenario's deltas.

    Shape out: the ``compute_kpis`` columns for both, plus ``series`` ("baseline" /
    "scenario"); rows in the same group order. Deltas: ``delta_table``.
    """
    opts = {"include_indirect": include_indirect, "basis": basis,
            "allocate_shared": allocate_shared}
    baseline = compute_kpis(table, by, **opts)
    scenario = compute_kpis(apply_levers(table, levers), by, **opts)
    return pd.concat([baseline.assign(series="baseline"), scenario.assign(series="scenario")],
                     ignore_index=True)


def delta_table(baseline: pd.Series, scenario: pd.Series) -> pd.DataFrame:
    """Per KPI: baseline, scenario, delta = scenario − baseline, and delta / |baseline|.

    >>> d = delta_table(pd.Series({"roi": 2.0}), pd.Series({"roi": 1.5}))
    >>> d.loc["roi"].tolist()
    [2.0, 1.5, -0.5, -0.25]
    """
    base = pd.to_numeric(baseline, errors="coerce").astype(float)
    scen = pd.to_numeric(scenario.reindex(base.index), errors="coerce").astype(float)
    delta = scen - base
    rel = delta / base.abs().where(base != 0)
    return pd.DataFrame({"baseline": base, "scenario": scen, "delta": delta,
                         "relative": rel.where(np.isfinite(rel))})


def _affine_root(f0: float, f1: float, g0: float, g1: float) -> float:
    """x where gain(x) = cost(x), both affine: gain = g0 + (g1 − g0) x, cost likewise."""
    slope = (g1 - g0) - (f1 - f0)
    if slope == 0 or not np.isfinite(slope):
        return float("nan")
    x = (f0 - g0) / slope
    return float(x) if np.isfinite(x) and x > 0 else float("nan")


BREAK_EVEN_LEVERS = ["contacts", "win_rate", "revenue_per_client", "margin_rate",
                     "hourly_rate"]


def break_even(table: pd.DataFrame | Prepared, levers: Levers, *,
               include_indirect: bool = True, basis: str = "margin",
               totals: pd.Series | None = None) -> pd.DataFrame:
    """For each lever, the multiplier at which the scenario's ROI is 0, other levers held.

    Gain and cost are affine in any single lever, so two evaluations give the root. Shape
    out: one row per lever of ``BREAK_EVEN_LEVERS`` and per channel cost: ``lever``,
    ``current`` (its multiplier now), ``break_even`` (the multiplier at ROI = 0, NaN when
    no positive one exists), and for the rates and volumes ``value_now`` /
    ``value_at_break_even`` in the KPI's own unit (win rate as a fraction, contacts, …).
    ``totals``: the scenario's total KPIs when the caller has them already (same options).
    """
    frame = table.table if isinstance(table, Prepared) else table
    keys = list(BREAK_EVEN_LEVERS) + [f"cost.{c}" for c in _table_channels(table)]
    flat = levers.flat()
    scen = totals if totals is not None else compute_kpis(
        apply_levers(frame, levers), "total", include_indirect=include_indirect,
        basis=basis).iloc[0]
    units = {"contacts": "contacts", "win_rate": "win_rate",
             "revenue_per_client": "revenue_per_client", "margin_rate": None}
    cols = _columns(table)
    variants = [levers.with_lever(key, x) for key in keys for x in (0.0, 1.0)]
    cost, gain, recorded = _cost_gain(cols, variants, include_indirect, basis)
    # Rows count when cost and gain are recorded at the baseline (a zero lever must not
    # change which rows count).
    both = recorded & ~np.isnan(cols[basis])
    gains, costs = _masked_sums(gain, both), _masked_sums(cost, both)
    rows = []
    for i, key in enumerate(keys):
        root = _affine_root(float(costs[2 * i]), float(costs[2 * i + 1]),
                            float(gains[2 * i]), float(gains[2 * i + 1]))
        current = flat.get(key, 1.0)
        unit = units.get(key)
        now = float(scen[unit]) if unit else float("nan")
        at = now * root / current if unit and current else float("nan")
        if key == "margin_rate":
            now = _ratio(float(scen["margin"]), float(scen["revenue"]))
            at = now * root / current if current else float("nan")
        rows.append({"lever": key, "current": current, "break_even": root,
                     "value_now": now, "value_at_break_even": at})
    return pd.DataFrame(rows, columns=["lever", "current", "break_even", "value_now",
                                       "value_at_break_even"])


def _ratio(a: float, b: float) -> float:
    return a / b if b and np.isfinite(a) and np.isfinite(b) else float("nan")


def _channels(table: pd.DataFrame) -> list[str]:
    return sorted(str(c) for c in table["channel"].dropna().unique())


def _table_channels(table: pd.DataFrame | Prepared) -> list[str]:
    return table.channels if isinstance(table, Prepared) else _channels(table)


def sensitivity(table: pd.DataFrame | Prepared, levers: Levers, *, step: float = 0.10,
                include_indirect: bool = True, basis: str = "margin") -> pd.DataFrame:
    """Tornado: the ROI change when each lever alone moves by −step and +step (relative).

    Levers: the scalar ones, each channel's cost and volume, and each cost item. Shape out:
    ``lever``, ``roi`` (the scenario's), ``roi_low``, ``roi_high``, ``delta_low``,
    ``delta_high``, ``swing`` = |roi_high − roi_low|, ``rank`` (1 = most sensitive). Ties
    (equal swings to 12 significant digits) rank in the order of the lever keys, so ranks
    are stable. Every ROI is ``scenario_roi``'s, all of them evaluated in one pass.

    >>> t = pd.DataFrame({"channel": ["x"], "cost_direct_fixed": [8000.0],
    ...     "cost_direct_variable": [0.0], "cost_indirect_fixed": [0.0],
    ...     "cost_indirect_variable": [0.0], "contacts": [800.0], "leads": [120.0],
    ...     "opportunities": [30.0], "meetings": [float("nan")], "clients": [10.0],
    ...     "revenue": [60000.0], "margin": [24000.0]})
    >>> s = sensitivity(t, Levers())
    >>> s.set_index("lever").loc["win_rate", ["delta_low", "delta_high"]].round(3).tolist()
    [-0.3, 0.3]
    """
    channels = _table_channels(table)
    flat = levers.flat()
    keys = (list(SCALAR_LEVERS) + [f"cost.{c}" for c in channels]
            + [f"volume.{c}" for c in channels] + [f"item.{i}" for i in COST_ITEMS])
    variants = [levers]
    for key in keys:
        current = flat.get(key, 1.0)
        variants += [levers.with_lever(key, current * (1 - step)),
                     levers.with_lever(key, current * (1 + step))]
    rois = _rois(_columns(table), variants, include_indirect, basis)
    roi_now, low, high = rois[0], rois[1::2], rois[2::2]
    swing = np.abs(high - low)
    # Ranked on 12 significant digits: a swing that differs in its last bits only (row
    # order, the currency unit) is a tie, broken by the order of the lever keys.
    rounded = np.array([float(f"{v:.12g}") if np.isfinite(v) else -1.0 for v in swing])
    order = np.lexsort((np.arange(len(keys)), -rounded))
    return pd.DataFrame({
        "lever": np.array(keys, dtype=object)[order], "roi": np.full(len(keys), roi_now),
        "roi_low": low[order], "roi_high": high[order], "delta_low": (low - roi_now)[order],
        "delta_high": (high - roi_now)[order], "swing": swing[order],
        "rank": np.arange(1, len(keys) + 1)})


def _parse(value: object, key: str) -> float:
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        raise InputError(f"the lever '{key}' is '{value}', not a number",
                         expected="a multiplier such as 0.7 or 1.2") from None
    return _check(number, key)


def to_query(levers: Levers) -> dict[str, str]:
    """The moved levers as URL query parameters (values with up to 6 significant digits).

    >>> to_query(Levers(win_rate=1.2, channel_cost={"events": 0.7}))
    {'win_rate': '1.2', 'cost.events': '0.7'}
    """
    return {k: f"{v:.6g}" for k, v in levers.moved().items()}


# The URL query parameters that are levers: these names, and these prefixes followed by a
# channel's name (``is_lever_key``; the meeting app's address bar keeps them current).
LEVER_QUERY_NAMES = SCALAR_LEVERS + [f"item.{item}" for item in COST_ITEMS]
LEVER_QUERY_PREFIXES = ["cost.", "volume."]


def is_lever_key(key: str) -> bool:
    """Whether a URL query parameter names a lever (``win_rate``, ``cost.<channel>``, …).

    >>> is_lever_key("win_rate"), is_lever_key("cost.events"), is_lever_key("lang")
    (True, True, False)
    """
    key = str(key)
    return key in LEVER_QUERY_NAMES or any(
        key.startswith(prefix) and len(key) > len(prefix) for prefix in LEVER_QUERY_PREFIXES)


def from_query(params: Mapping[str, object]) -> Levers:
    """Levers from URL query parameters; keys that are not levers are ignored.

    A lever's value that is not a multiplier between 0 and ``MAX_MULTIPLIER`` raises
    ``InputError``.

    >>> from_query({"win_rate": "1.2", "cost.events": "0.7", "lang": "en"}).moved()
    {'win_rate': 1.2, 'cost.events': 0.7}
    """
    values = {}
    for key, value in params.items():
        if not is_lever_key(str(key)):
            continue
        if isinstance(value, list):
            value = value[-1] if value else "1"
        values[str(key)] = _parse(value, str(key))
    return Levers.from_flat(values)


def to_json(levers: Levers) -> str:
    """A small JSON document of the scenario's levers (every lever, moved or not).

    >>> print(to_json(Levers(contacts=2.0)).splitlines()[1])
      "kind": "roi-scenario",
    """
    return json.dumps({"kind": "roi-scenario", "version": 1, "levers": levers.flat()},
                      indent=2, ensure_ascii=False)


MAX_JSON_BYTES = 256 * 1024  # a saved scenario is a few kilobytes
MAX_JSON_DEPTH = 20


def _json_depth(text: str | bytes) -> int:
    """The deepest nesting of brackets outside strings (counted without parsing).

    >>> _json_depth('{"a": [1, {"b": "[[["}]}')
    3
    """
    raw = text.encode("utf-8", errors="replace") if isinstance(text, str) else bytes(text)
    bare = re.sub(rb'"(?:[^"\\]|\\.)*"', b"", raw)
    step = np.zeros(256, dtype=np.int64)
    step[[ord("["), ord("{")]] = 1
    step[[ord("]"), ord("}")]] = -1
    codes = np.frombuffer(bare, dtype=np.uint8)
    return int(np.cumsum(step[codes]).max(initial=0))


def from_json(text: str | bytes, name: str = "scenario.json") -> Levers:
    """Levers from a ``to_json`` document; anything else raises ``InputError``.

    The document is bounded before it is parsed: at most ``MAX_JSON_BYTES`` bytes and
    ``MAX_JSON_DEPTH`` levels of nesting (a saved scenario has three), so that a file nested
    30 000 levels deep is a plain message, never a recursion error.

    >>> from_json(to_json(Levers(win_rate=0.5))).win_rate
    0.5
    >>> from_json("[" * 30_000, "deep.json")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    roi_core.errors.InputError: deep.json: the document is nested 30000 levels deep, ...
    """
    size = len(text)
    if size > MAX_JSON_BYTES:
        raise InputError(f"the document is {size} bytes, over the limit of {MAX_JSON_BYTES}",
                         file=name, expected="a scenario saved by the app")
    depth = _json_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise InputError(f"the document is nested {depth} levels deep, over the limit of "
                         f"{MAX_JSON_DEPTH}", file=name, expected="a scenario saved by the app")
    try:
        doc = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"not a JSON document ({exc})", file=name,
                         expected="a scenario saved by the app") from None
    levers = doc.get("levers") if isinstance(doc, dict) else None
    if not isinstance(levers, dict):
        raise InputError("no 'levers' object", file=name,
                         expected="a scenario saved by the app") from None
    try:
        return from_query(levers)
    except InputError as exc:
        raise exc.located(file=name) from None


def assumptions_table(levers: Levers, lang: str = "fr") -> pd.DataFrame:
    """The scenario's levers as a table for people: lever label, key, multiplier.

    >>> assumptions_table(Levers(win_rate=1.5), "en").iloc[3, :2].tolist()
    ['Win rate', 'win_rate']
    """
    flat = levers.flat()
    return pd.DataFrame({"label": [lever_label(k, lang) for k in flat], "lever": list(flat),
                         "multiplier": list(flat.values())})
