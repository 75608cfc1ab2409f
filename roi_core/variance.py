"""Comparing two periods: every KPI per channel and in total, its change, and why.

``compare_periods(facts, before, after)`` takes a fact table (``roi_core.facts.build_facts``
or a history's) and two periods (month ranges, inclusive: a month, a quarter, any range),
and returns every KPI of both periods per channel and in total, its change, and the
change split exactly into its causes (``Comparison.effects``, one row per part):

``ratio``        a ratio KPI R = N / D (cost per lead, win rate, ROI = margin / cost − 1,
                 …) into its numerator and its denominator effects;
``drivers``      ROI into cost, volume (contacts), conversion (clients per contact) and
                 margin-per-client effects: margin / cost = V × C × M / K;
``mix``          (total only) the total's ratio into, per channel, the channel-mix effect
                 (its share of the denominator moving) and the within-channel effect (its
                 own ratio moving): R = Σ s_c r_c with s_c = D_c / D;
``mix_drivers``  (total ROI only) the same, each channel's within effect split into its
                 four drivers;
``channels``     (total, for sums) each channel's change of the sum;
``parts``        net margin per client = margin per client − CAC, into those two.

How it is split (documented choice): the **Shapley value** over the factors, i.e. each
factor's effect is the average, over every order of switching the factors from the first
period's value to the second's, of the change it makes when it switches. For two factors
that is the midpoint rule: the numerator effect of N / D is ½ ΔN (1/D₁ + 1/D₂), the
mix effect of s × r is Δs × (r₁ + r₂)/2. Shapley was chosen over a log (LMDI) split
because it is defined when a count is zero (a channel without clients in a month, a
channel that starts), where logarithms are not; the parts of each split add up to the
change by construction, and the last rounding (1e-16 of the change) goes to the largest
part, so ``math.fsum`` of the parts gives back the change.

Zero-safe conventions: a channel with no denominator in one period has a share of zero
there and borrows its ratio from the other period (its whole change is mix); a factor
undefined in one period (margin per client with no client) borrows the other period's
value (the change is carried by the factor that went to zero: conversion); a period with a
margin but no client or no contact puts both periods' volume and conversion at 1 and the
margin in the margin-per-client factor. A KPI undefined in either period has a change of
NaN and no split.

The mix's per-channel effect is measured against the average total ratio, Δs_c ×
((r_c,1 + r_c,2)/2 − (R₁ + R₂)/2): moving cost to a channel of better than average ROI
shows as a positive mix effect for that channel (the shares sum to 1 in both periods, so
the centring changes no total).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd

from roi_core.facts import COST_PARTS
from roi_core.formatting import kpi_value, label, number, percent
from roi_core.kpis import KPI_COLUMNS, RATIOS, SUMS, compute_kpis

__all__ = [
    "Period",
    "Comparison",
    "DRIVERS",
    "EXPLAINED",
    "parse_period",
    "period_label",
    "previous_period",
    "same_period_last_year",
    "ratio_effects",
    "driver_effects",
    "compare_periods",
    "explain",
    "change_text",
    "TABLE_KPIS",
    "change_table",
]

Period = tuple[pd.Timestamp, pd.Timestamp]
DRIVERS = ("cost", "volume", "conversion", "per_client")
# The KPIs ``explain`` writes a sentence for: ROI always, the others when notable.
EXPLAINED = ("roi", "cost_per_lead", "cost_per_opportunity", "cac", "win_rate",
             "margin_per_client")
EFFECT_COLUMNS = ["group", "kpi", "split", "effect", "channel", "value"]
CHANGE_COLUMNS = ["group", "kpi", "before", "after", "change", "relative_change"]


# --- periods -------------------------------------------------------------------------

def _month(value: object) -> pd.Timestamp:
    return pd.Timestamp(value).to_period("M").to_timestamp()


def parse_period(text: str) -> Period:
    """A period from text: a month "2026-10", a quarter "2026Q3" (or "2026-Q3", "T3 2026"),
    a year "2026", or a range "2026-09..2026-11" (months, inclusive).

    >>> [p.strftime("%Y-%m") for p in parse_period("2026Q3")]
    ['2026-07', '2026-09']
    >>> [p.strftime("%Y-%m") for p in parse_period("2026-09..2026-11")]
    ['2026-09', '2026-11']
    >>> parse_period("octobre")
    Traceback (most recent call last):
    ValueError: 'octobre' is not a period; expected a month such as 2026-10, a quarter such \
as 2026Q3, a year such as 2026, or a range such as 2026-09..2026-11
    """
    raw = str(text).strip()
    if ".." in raw:
        first, _, last = raw.partition("..")
        a, b = parse_period(first)[0], parse_period(last)[1]
        if b < a:
            raise ValueError(f"{text!r}: the range ends before it starts")
        return a, b
    quarter = re.fullmatch(r"(\d{4})\s*-?\s*[QqTt]([1-4])|[QqTt]([1-4])\s*-?\s*(\d{4})", raw)
    if quarter:
        year = int(quarter.group(1) or quarter.group(4))
        q = int(quarter.group(2) or quarter.group(3))
        first = pd.Timestamp(year, 3 * q - 2, 1)
        return first, first + pd.DateOffset(months=2)
    if re.fullmatch(r"\d{4}", raw):
        return pd.Timestamp(int(raw), 1, 1), pd.Timestamp(int(raw), 12, 1)
    if re.fullmatch(r"\d{4}-\d{1,2}(-\d{1,2})?|\d{1,2}/\d{4}", raw):
        try:
            if "/" in raw:
                month, year = raw.split("/")
                stamp = pd.Timestamp(int(year), int(month), 1)
            else:
                stamp = _month(raw)
            return stamp, stamp
        except ValueError:
            pass
    raise ValueError(f"{text!r} is not a period; expected a month such as 2026-10, a quarter "
                     "such as 2026Q3, a year such as 2026, or a range such as 2026-09..2026-11")


def period_label(period: Period) -> str:
    """"2026-10" for one month, "2026-09..2026-11" for a range.

    >>> period_label(parse_period("2026Q4"))
    '2026-10..2026-12'
    """
    first, last = period
    if first == last:
        return first.strftime("%Y-%m")
    return f"{first:%Y-%m}..{last:%Y-%m}"


def previous_period(period: Period) -> Period:
    """The range of the same number of months just before (last month, last quarter).

    >>> period_label(previous_period(parse_period("2026-01")))
    '2025-12'
    """
    first, last = period
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    return first - pd.DateOffset(months=months), last - pd.DateOffset(months=months)


def same_period_last_year(period: Period) -> Period:
    """The same months a year earlier (this quarter vs the same quarter last year).

    >>> period_label(same_period_last_year(parse_period("2026Q3")))
    '2025-07..2025-09'
    """
    return period[0] - pd.DateOffset(years=1), period[1] - pd.DateOffset(years=1)


# --- the splits ----------------------------------------------------------------------

def _shapley(before: Sequence[float], after: Sequence[float], f) -> list[float]:
    """Each factor's Shapley effect on f when the factors move from ``before`` to ``after``
    (f takes the list of factor values; every subset of the others is weighted
    |S|! (n − |S| − 1)! / n!)."""
    n = len(before)
    effects = []
    for i in range(n):
        others = [j for j in range(n) if j != i]
        total = 0.0
        for size in range(n):
            weight = math.factorial(size) * math.factorial(n - size - 1) / math.factorial(n)
            for moved in combinations(others, size):
                point = [after[j] if j in moved else before[j] for j in range(n)]
                low = f(point)
                point[i] = after[i]
                total += weight * (f(point) - low)
        effects.append(total)
    return effects


def _settle(parts: list[float], change: float) -> list[float]:
    """The parts with the rounding left over (change − Σ parts) added to the largest one,
    so that ``math.fsum(parts) == change`` up to the last bit."""
    if not parts:
        return parts
    out = list(parts)
    big = max(range(len(out)), key=lambda i: abs(out[i]))
    out[big] += change - math.fsum(out)
    return out


def _finite(*values: float) -> bool:
    return all(v is not None and math.isfinite(v) for v in values)


def ratio_effects(num_before: float, den_before: float, num_after: float, den_after: float,
                  change: float | None = None) -> tuple[float, float]:
    """(numerator effect, denominator effect) of the change of N / D: the Shapley split,
    ½ ΔN (1/D₁ + 1/D₂) and ½ (N₁ + N₂)(1/D₂ − 1/D₁); NaN when either ratio is undefined.
    ``change`` (default N₂/D₂ − N₁/D₁) is what the two parts add up to.

    Cost +10 %, leads unchanged: the cost per lead is up 10 %, all of it the cost effect.

    >>> ratio_effects(1000, 20, 1100, 20)
    (5.0, 0.0)
    >>> [round(e, 2) for e in ratio_effects(8000, 100, 9440, 105)]  # cost +18 %, leads +5 %
    [14.06, -4.15]
    """
    if not _finite(num_before, den_before, num_after, den_after) or den_before == 0 \
            or den_after == 0:
        return float("nan"), float("nan")
    if change is None:
        change = num_after / den_after - num_before / den_before
    numerator = 0.5 * (num_after - num_before) * (1.0 / den_before + 1.0 / den_after)
    return numerator, change - numerator


def driver_effects(before: dict[str, float], after: dict[str, float],
                   change: float | None = None) -> dict[str, float]:
    """ROI's change into its four drivers, from each period's ``cost``, ``contacts``,
    ``clients`` and ``gain`` (margin, or revenue on that basis):

    ROI + 1 = gain / cost = V × C × M / K with V = contacts (volume), C = clients / contacts
    (conversion), M = gain / clients (per client), K = cost. The Shapley value over the four
    factors (24 orders), zero-safe as the module says; NaN effects when a cost is zero or
    missing. Keys: ``DRIVERS``.

    >>> e = driver_effects({"cost": 1000, "contacts": 100, "clients": 2, "gain": 2000},
    ...                    {"cost": 1100, "contacts": 100, "clients": 2, "gain": 2000})
    >>> {k: round(v, 4) for k, v in e.items()}
    {'cost': -0.1818, 'volume': 0.0, 'conversion': 0.0, 'per_client': 0.0}
    """
    nan = dict.fromkeys(DRIVERS, float("nan"))
    k1, k2 = before["cost"], after["cost"]
    g1, g2 = before["gain"], after["gain"]
    if not _finite(k1, k2, g1, g2) or k1 == 0 or k2 == 0:
        return nan
    if change is None:
        change = g2 / k2 - g1 / k1

    def factors(p: dict[str, float]) -> list[float]:
        v, c = p["contacts"], p["clients"]
        regular = _finite(v, c) and v > 0 and c > 0
        return [p["cost"], v if regular else float("nan"),
                c / v if regular else float("nan"), p["gain"] / c if regular else float("nan")]

    x1, x2 = factors(before), factors(after)
    ok1, ok2 = not math.isnan(x1[1]), not math.isnan(x2[1])
    if (ok1 or g1 == 0) and (ok2 or g2 == 0):
        for x, other, p in ((x1, x2, before), (x2, x1, after)):
            if math.isnan(x[1]):  # no margin that period: conversion 0, the rest borrowed
                v = p["contacts"]
                x[1] = v if _finite(v) and v > 0 else (other[1] if not math.isnan(other[1])
                                                       else 1.0)
                x[2] = 0.0
                x[3] = other[3] if not math.isnan(other[3]) else 1.0
    else:  # a margin without clients or contacts: all of it per client
        x1, x2 = [k1, 1.0, 1.0, g1], [k2, 1.0, 1.0, g2]
    parts = _shapley(x1, x2, lambda x: x[1] * x[2] * x[3] / x[0])
    return dict(zip(DRIVERS, _settle(parts, change), strict=True))


# --- the comparison ------------------------------------------------------------------

@dataclass(frozen=True)
class Comparison:
    """Two periods compared (``compare_periods``).

    - ``changes``: one row per group (each channel, then "total") and KPI: ``before``,
      ``after``, ``change`` (after − before, in the KPI's unit: a fraction for rates and
      ROI) and ``relative_change`` (after / before − 1; NaN when before is 0 or undefined).
    - ``effects``: one row per part of a change: ``group``, ``kpi``, ``split`` (ratio,
      drivers, mix, mix_drivers, channels, parts), ``effect`` (the factor: a column name,
      a driver, "mix" or "within"), ``channel`` (for the total's splits) and ``value``;
      the values of one (group, kpi, split) add up to its change.
    - ``factors``: per group, each period's numerator and denominator of every ratio and the
      drivers' factors (``<name>__num``/``__den``, ``cost``, ``contacts``, ``clients``, gain)
      as used by the splits, for the sentences.
    """

    before: Period
    after: Period
    by: str
    include_indirect: bool
    basis: str
    currency: str
    changes: pd.DataFrame
    effects: pd.DataFrame
    factors: pd.DataFrame

    def change(self, group: str, kpi: str) -> pd.Series:
        """The row of ``changes`` for one group and KPI."""
        rows = self.changes[(self.changes["group"] == group) & (self.changes["kpi"] == kpi)]
        return rows.iloc[0]

    def split(self, group: str, kpi: str, split: str) -> pd.DataFrame:
        """The rows of ``effects`` of one split of one group's KPI."""
        e = self.effects
        return e[(e["group"] == group) & (e["kpi"] == kpi) & (e["split"] == split)]


def _terms(facts: pd.DataFrame, include_indirect: bool, basis: str) -> pd.DataFrame:
    """Per fact row, the numerator and denominator of every ratio (``<name>__num``, ``__den``)
    on the rows where both are recorded, as ``roi_core.kpis`` pairs them."""
    arrays = {c: facts[c].to_numpy(dtype=float, na_value=np.nan) for c in COST_PARTS}
    for c in SUMS:
        if c in facts:
            arrays[c] = facts[c].to_numpy(dtype=float, na_value=np.nan)

    def plus(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.where(np.isnan(a) & np.isnan(b), np.nan, np.nan_to_num(a) + np.nan_to_num(b))

    arrays["cost_direct"] = plus(arrays[COST_PARTS[0]], arrays[COST_PARTS[1]])
    arrays["cost_indirect"] = plus(arrays[COST_PARTS[2]], arrays[COST_PARTS[3]])
    arrays["cost"] = (plus(arrays["cost_direct"], arrays["cost_indirect"]) if include_indirect
                      else arrays["cost_direct"])
    pairs = {**RATIOS, "roi": (basis, "cost")}
    out: dict[str, np.ndarray] = {"cost": arrays["cost"]}
    for name, (num, den) in pairs.items():
        both = ~np.isnan(arrays[num]) & ~np.isnan(arrays[den])
        out[f"{name}__num"] = np.where(both, arrays[num], np.nan)
        out[f"{name}__den"] = np.where(both, arrays[den], np.nan)
    campaign = pd.factorize(facts["campaign_id"], use_na_sentinel=False)[0]
    if len(campaign):
        def any_in_campaign(col: str) -> np.ndarray:
            return np.bincount(campaign, weights=~np.isnan(arrays[col]))[campaign] > 0
        out["contact_rate__num"] = np.where(any_in_campaign("targets"), arrays["contacts"],
                                            np.nan)
        out["contact_rate__den"] = np.where(any_in_campaign("contacts"), arrays["targets"],
                                            np.nan)
    # The drivers' factors, on ROI's rows (gain and cost both recorded).
    roi_rows = ~np.isnan(out["roi__num"])
    out["drv__contacts"] = np.where(roi_rows, arrays["contacts"], np.nan)
    out["drv__clients"] = np.where(roi_rows, arrays["clients"], np.nan)
    return pd.DataFrame(out, index=facts.index)


def _kpi_long(kpis: pd.DataFrame, key: str) -> pd.DataFrame:
    frame = kpis.set_index(key)[[c for c in KPI_COLUMNS if c in kpis]].astype(float)
    return frame


def compare_periods(facts: pd.DataFrame, before: Period | str, after: Period | str, *,
                    by: str = "channel", include_indirect: bool = True,
                    basis: str = "margin", cycles: pd.DataFrame | None = None,
                    currency: str = "EUR") -> Comparison:
    """Every KPI of two periods per ``by`` group (channel by default) and in total, its
    change, and the change split into its causes (see the module's docstring).

    ``before``/``after``: periods (``parse_period`` text or (first, last) months). The KPIs
    are ``compute_kpis`` of the facts of each period, so they are the figures of
    ``kpis --by month`` for a one-month period.

    >>> from roi_core.facts import DIMENSIONS, VOLUMES
    >>> row = dict(campaign_id="A", campaign="A", channel="x", segment="s", team="t",
    ...            cost_direct_fixed=1000.0, cost_direct_variable=0.0,
    ...            cost_indirect_fixed=0.0, cost_indirect_variable=0.0, targets=None,
    ...            contacts=100.0, leads=20.0, opportunities=5.0, meetings=None,
    ...            clients=2.0, revenue=5000.0, margin=2000.0)
    >>> facts = pd.DataFrame([{**row, "month": pd.Timestamp("2026-10-01")},
    ...     {**row, "month": pd.Timestamp("2026-11-01"), "cost_direct_fixed": 1100.0}])
    >>> c = compare_periods(facts, "2026-10", "2026-11")
    >>> [float(v) for v in c.change("x", "cost_per_lead")[["before", "after", "change"]]]
    [50.0, 55.0, 5.0]
    >>> c.split("x", "cost_per_lead", "ratio")[["effect", "value"]].values.tolist()
    [['cost', 5.0], ['leads', 0.0]]
    """
    first = parse_period(before) if isinstance(before, str) else tuple(map(_month, before))
    second = parse_period(after) if isinstance(after, str) else tuple(map(_month, after))
    gain = basis
    # Both periods' rows tagged in one table (a row in both periods twice): the KPIs of each
    # period are those of ``kpis --by month`` to the last bit (the same rows summed in the
    # same order), and a campaign's targets pair with its contacts of every month, as there.
    tag = "_period"
    copies, cycle_copies = [], []
    for name, (low, high) in (("before", first), ("after", second)):
        inside = facts["month"].between(low, high).to_numpy(dtype=bool)
        copies.append(facts.assign(**{tag: np.where(inside, name, None)}))
        if cycles is not None and not cycles.empty:
            inside = cycles["month"].between(low, high).to_numpy(dtype=bool)
            cycle_copies.append(cycles.assign(**{tag: np.where(inside, name, None)}))
    tagged = pd.concat(copies, ignore_index=True)
    tagged_cycles = pd.concat(cycle_copies, ignore_index=True) if cycle_copies else None
    options = dict(include_indirect=include_indirect, basis=basis, cycles=tagged_cycles)
    per_all = compute_kpis(tagged, [tag, by], **options)
    tot_all = compute_kpis(tagged, tag, **options)
    terms_all = _terms(tagged, include_indirect, basis)
    terms_all[tag], terms_all[by] = tagged[tag].to_numpy(), tagged[by].to_numpy()
    frames, terms = [], []
    for name in ("before", "after"):
        per = per_all[(per_all[tag] == name) & per_all[by].notna()]
        per = per.assign(**{by: per[by].astype(object)})
        tot = tot_all[tot_all[tag] == name].drop(columns=[tag]).assign(**{by: "total"})
        frames.append(pd.concat([_kpi_long(per, by), _kpi_long(tot, by)]))
        rows = terms_all[terms_all[tag] == name].drop(columns=[tag])
        if len(rows):
            grouped = rows.groupby(by, dropna=False, sort=True).sum(min_count=1)
            total = rows.drop(columns=[by]).sum(min_count=1).to_frame().T
            total.index = ["total"]
            terms.append(pd.concat([grouped, total]))
        else:
            terms.append(pd.DataFrame())
    groups = sorted((set(frames[0].index) | set(frames[1].index)) - {"total"}, key=str)
    groups.append("total")
    kpi_names = [c for c in KPI_COLUMNS if c in frames[0].columns]
    a = frames[0].reindex(index=groups, columns=kpi_names)
    b = frames[1].reindex(index=groups, columns=kpi_names)
    term_cols = sorted(set(terms[0].columns) | set(terms[1].columns))
    ta = terms[0].reindex(index=groups, columns=term_cols)
    tb = terms[1].reindex(index=groups, columns=term_cols)

    # A channel absent from a period has sums of zero there (it spent and won nothing).
    sums = [c for c in SUMS + ["campaigns"] if c in kpi_names]
    present_a = terms[0].index if len(terms[0]) else pd.Index([])
    present_b = terms[1].index if len(terms[1]) else pd.Index([])
    for frame, present in ((a, present_a), (b, present_b)):
        absent = [g for g in groups if g not in present and len(present)]
        frame.loc[absent, sums] = frame.loc[absent, sums].fillna(0.0)
    change = b - a
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = b / a.where(a != 0) - 1.0
    relative = relative.where(np.isfinite(relative))
    changes = pd.DataFrame({
        "group": np.repeat(groups, len(kpi_names)),
        "kpi": np.tile(kpi_names, len(groups)),
        "before": a.to_numpy().ravel(), "after": b.to_numpy().ravel(),
        "change": change.to_numpy().ravel(), "relative_change": relative.to_numpy().ravel()})

    effects: list[tuple] = []

    def add(group: str, kpi: str, split: str, names: list, values: list[float],
            channels: list | None = None) -> None:
        for i, (name, value) in enumerate(zip(names, values, strict=True)):
            effects.append((group, kpi, split, name, None if channels is None else channels[i],
                            float(value)))

    ratio_names = [n for n in [*RATIOS, "roi"] if n in kpi_names]
    channels_only = groups[:-1]
    for name in ratio_names:
        num, den = (gain, "cost") if name == "roi" else RATIOS[name]
        for g in groups:
            d = change.at[g, name]
            if not math.isfinite(d):
                continue
            n1, d1 = ta.at[g, f"{name}__num"], ta.at[g, f"{name}__den"]
            n2, d2 = tb.at[g, f"{name}__num"], tb.at[g, f"{name}__den"]
            parts = ratio_effects(n1, d1, n2, d2, d)
            if _finite(*parts):
                add(g, name, "ratio", [num, den], _settle(list(parts), d))
        d_total = change.at["total", name]
        if math.isfinite(d_total):
            names, values, chans = _mix(ta, tb, channels_only, name, d_total,
                                        a.at["total", name], b.at["total", name])
            add("total", name, "mix", names, values, chans)

    # ROI's drivers per group, and the total's within effects split into them.
    if "roi" in kpi_names:
        drivers_of: dict[str, dict[str, float]] = {}
        for g in groups:
            d = change.at[g, "roi"]
            if not math.isfinite(d):
                continue
            p1 = {"cost": ta.at[g, "roi__den"], "gain": ta.at[g, "roi__num"],
                  "contacts": ta.at[g, "drv__contacts"], "clients": ta.at[g, "drv__clients"]}
            p2 = {"cost": tb.at[g, "roi__den"], "gain": tb.at[g, "roi__num"],
                  "contacts": tb.at[g, "drv__contacts"], "clients": tb.at[g, "drv__clients"]}
            eff = driver_effects(p1, p2, d)
            if _finite(*eff.values()):
                drivers_of[g] = eff
                add(g, "roi", "drivers", list(DRIVERS), list(eff.values()))
        mix = [e for e in effects if e[0] == "total" and e[1] == "roi" and e[2] == "mix"]
        if mix:
            names, values, chans = [], [], []
            for _, _, _, effect, channel, value in mix:
                if (effect == "within" and channel in drivers_of and value != 0.0
                        and change.at[channel, "roi"] != 0.0):
                    share = value / change.at[channel, "roi"]
                    for driver, part in drivers_of[channel].items():
                        names.append(driver)
                        values.append(share * part)
                        chans.append(channel)
                else:
                    names.append(effect)
                    values.append(value)
                    chans.append(channel)
            add("total", "roi", "mix_drivers", names,
                _settle(values, change.at["total", "roi"]), chans)

    for name in sums:
        d_total = change.at["total", name]
        if math.isfinite(d_total) and len(channels_only):
            per = [(b.at[c, name] if math.isfinite(b.at[c, name]) else 0.0)
                   - (a.at[c, name] if math.isfinite(a.at[c, name]) else 0.0)
                   for c in channels_only]
            if name != "campaigns":
                add("total", name, "channels", ["channel"] * len(per), _settle(per, d_total),
                    channels_only)

    if "net_margin_per_client" in kpi_names:
        for g in groups:
            d = change.at[g, "net_margin_per_client"]
            if math.isfinite(d):
                parts = [change.at[g, "margin_per_client"], -change.at[g, "cac"]]
                add(g, "net_margin_per_client", "parts", ["margin_per_client", "cac"],
                    _settle(parts, d))

    factor_cols = [c for c in term_cols if c.endswith(("__num", "__den"))
                   or c.startswith("drv__")]
    factors = pd.concat([ta[factor_cols].assign(period="before"),
                         tb[factor_cols].assign(period="after")])
    factors.index.name = "group"
    return Comparison(before=first, after=second, by=by, include_indirect=include_indirect,
                      basis=basis, currency=currency, changes=changes,
                      effects=pd.DataFrame(effects, columns=EFFECT_COLUMNS),
                      factors=factors.reset_index())


def _mix(ta: pd.DataFrame, tb: pd.DataFrame, channels: list, name: str, change: float,
         total_before: float, total_after: float) -> tuple[list, list, list]:
    """The total's change of one ratio into each channel's mix and within effects."""
    num, den = f"{name}__num", f"{name}__den"
    offset = 1.0 if name == "roi" else 0.0  # ROI = N / D − 1
    d1 = float(np.nansum(ta.loc[channels, den].to_numpy(dtype=float)))
    d2 = float(np.nansum(tb.loc[channels, den].to_numpy(dtype=float)))
    names, values, chans = [], [], []
    if d1 == 0 or d2 == 0:
        return names, values, chans
    mean_total = 0.5 * (total_before + total_after) + offset
    for c in channels:
        n_1, n_2 = (0.0 if not math.isfinite(x) else x for x in (ta.at[c, num], tb.at[c, num]))
        e_1, e_2 = (0.0 if not math.isfinite(x) else x for x in (ta.at[c, den], tb.at[c, den]))
        s1, s2 = e_1 / d1, e_2 / d2
        r1 = n_1 / e_1 if e_1 != 0 else None
        r2 = n_2 / e_2 if e_2 != 0 else None
        r1, r2 = (r2 if r1 is None else r1), (r1 if r2 is None else r2)
        # What a channel adds to the total without a denominator of its own (a cost with no
        # lead): part of the mix.
        extra = (n_2 / d2 if e_2 == 0 else 0.0) - (n_1 / d1 if e_1 == 0 else 0.0)
        if r1 is None:  # no denominator in either period
            mix, within = extra, 0.0
        else:
            mix = (s2 - s1) * (0.5 * (r1 + r2) - mean_total) + extra
            within = 0.5 * (s1 + s2) * (r2 - r1)
        if mix == 0.0 and within == 0.0 and s1 == 0 and s2 == 0:
            continue
        names += ["mix", "within"]
        values += [mix, within]
        chans += [c, c]
    return names, _settle(values, change), chans


# --- sentences -----------------------------------------------------------------------

_WORDS = {
    "fr": {"from_to": "{what} passe de {a} à {b} ({d})", "pts": "pts",
           "volume": "contacts", "conversion": "clients par contact",
           "per_client": "marge par client", "per_client_revenue": "CA par client",
           "cost": "coût", "within": "évolution au sein des canaux",
           "mix": "mix des canaux (part du {den})", "first": "surtout {channel} ({d})",
           "total": "Total", "unchanged": "{what} ne change pas ({a})",
           "undefined": "{what} n'est pas défini en {period} (coût nul ou non renseigné)"},
    "en": {"from_to": "{what} went from {a} to {b} ({d})", "pts": "pts",
           "volume": "contacts", "conversion": "clients per contact",
           "per_client": "margin per client", "per_client_revenue": "revenue per client",
           "cost": "cost", "within": "change within channels",
           "mix": "channel mix (share of {den})", "first": "mostly {channel} ({d})",
           "total": "Total", "unchanged": "{what} is unchanged ({a})",
           "undefined": "{what} is not defined in {period} (no cost recorded)"},
}
_FR_ARTICLE = {"roi": "le ", "cost_per_lead": "le ", "cost_per_opportunity": "le ",
               "cac": "le ", "win_rate": "le ", "margin_per_client": "la ",
               "lead_rate": "le ", "opportunity_rate": "le ", "cost_per_contact": "le ",
               "cost_per_meeting": "le ", "meeting_rate": "le ", "contact_rate": "le ",
               "revenue_per_client": "le "}
_RATE_LIKE = {"roi", "contact_rate", "lead_rate", "opportunity_rate", "meeting_rate",
              "win_rate"}


def _signed(value: float, text: str) -> str:
    return ("+" if value > 0 else "−" if value < 0 else "±") + text


def change_text(kpi: str, value: float, lang: str = "fr", currency: str = "EUR") -> str:
    """A KPI's change in its own unit, signed: points for ROI and rates, else the KPI's
    format; "—" when undefined.

    >>> change_text("roi", 0.054, "en"), change_text("cost_per_lead", -5.4, "en")
    ('+5.4 pts', '−€5.40')
    """
    if not _finite(value):
        return "—"
    return _amount(kpi, value, lang, currency)


def _amount(kpi: str, value: float, lang: str, currency: str) -> str:
    """A KPI's change in its own unit, signed: "+5,4 pts" for rates, "+5,40 €" for money."""
    if kpi in _RATE_LIKE:
        return _signed(value, f"{number(abs(value) * 100, lang, 1)} {_WORDS[lang]['pts']}")
    return _signed(value, kpi_value(kpi, abs(value), lang, currency))


def _pct(value: float, lang: str) -> str:
    return _signed(value, percent(abs(value), lang, 1)) if math.isfinite(value) else "—"


def _ratio_of(before: float, after: float) -> float:
    if not _finite(before, after) or before == 0:
        return float("nan")
    return after / before - 1.0


TABLE_KPIS = ("cost", "leads", "clients", "margin", "cost_per_lead", "cac",
              "margin_per_client", "roi")


def change_table(comparison: Comparison, lang: str = "fr",
                 kpis: Sequence[str] = TABLE_KPIS) -> pd.DataFrame:
    """The changes as people read them: one row per group and KPI, the values formatted
    (French by default), columns named in the language (channel, KPI, the two periods'
    labels, the change, the change in %).
    """
    words = {"fr": ("Canal", "Indicateur", "Écart", "Écart %"),
             "en": ("Channel", "KPI", "Change", "Change %")}[lang]
    ch = comparison.changes[comparison.changes["kpi"].isin(list(kpis))]
    order = {k: i for i, k in enumerate(kpis)}
    groups = {g: i for i, g in enumerate(dict.fromkeys(ch["group"]))}
    ch = ch.sort_values(by=["group", "kpi"], key=lambda s: s.map(
        groups if s.name == "group" else order))
    cur = comparison.currency
    a, b = period_label(comparison.before), period_label(comparison.after)
    return pd.DataFrame({
        words[0]: [label("total", lang) if g == "total" else g for g in ch["group"]],
        words[1]: [label(k, lang) for k in ch["kpi"]],
        a: [kpi_value(k, v, lang, cur) for k, v in zip(ch["kpi"], ch["before"], strict=True)],
        b: [kpi_value(k, v, lang, cur) for k, v in zip(ch["kpi"], ch["after"], strict=True)],
        words[2]: [change_text(k, v, lang, cur) for k, v in zip(ch["kpi"], ch["change"],
                                                                  strict=True)],
        # A rate's or ROI's change reads in points; its relative change would mislead.
        words[3]: [_pct(v, lang) if k not in _RATE_LIKE else ""
                   for k, v in zip(ch["kpi"], ch["relative_change"], strict=True)],
    })


def explain(comparison: Comparison, lang: str = "fr", threshold: float = 0.10,
            kpis: Sequence[str] = EXPLAINED) -> pd.DataFrame:
    """One plain sentence per notable change: ROI of every group (always), and each other
    KPI of ``kpis`` whose relative change reaches ``threshold`` (10 % by default; for rates,
    a change of ``threshold`` × 50 points, 5 points by default). Shape out: ``group``, ``kpi``,
    ``sentence``, the total first, then each channel.

    >>> from roi_core.facts import DIMENSIONS, VOLUMES
    >>> row = dict(campaign_id="A", campaign="A", channel="Emailing", segment="s", team="t",
    ...            cost_direct_fixed=1000.0, cost_direct_variable=0.0,
    ...            cost_indirect_fixed=0.0, cost_indirect_variable=0.0, targets=None,
    ...            contacts=100.0, leads=20.0, opportunities=5.0, meetings=None,
    ...            clients=2.0, revenue=5000.0, margin=2000.0)
    >>> facts = pd.DataFrame([{**row, "month": pd.Timestamp("2026-10-01")},
    ...     {**row, "month": pd.Timestamp("2026-11-01"), "cost_direct_fixed": 1100.0}])
    >>> s = explain(compare_periods(facts, "2026-10", "2026-11"), "en")
    >>> s[s["kpi"] == "cost_per_lead"]["sentence"].iloc[-1]
    'Emailing: cost per lead went from €50.00 to €55.00 (+10.0%): cost +10.0% (+€5.00).'
    """
    words = _WORDS[lang]
    rows = []
    ch = comparison.changes
    groups = list(dict.fromkeys(ch["group"]))
    groups = groups[-1:] + groups[:-1]  # the total first: the headline
    currency = comparison.currency
    for group in groups:
        who = words["total"] if group == "total" else str(group)
        for kpi in kpis:
            found = ch[(ch["group"] == group) & (ch["kpi"] == kpi)]
            if found.empty:
                continue
            r = found.iloc[0]
            notable = (abs(r["change"]) >= threshold * 0.5 if kpi in _RATE_LIKE
                       else math.isfinite(r["relative_change"])
                       and abs(r["relative_change"]) >= threshold)
            if kpi != "roi" and not (notable and _finite(r["before"], r["after"])):
                continue
            what = (_FR_ARTICLE.get(kpi, "") if lang == "fr" else "") + (
                label(kpi, lang) if kpi == "roi" else label(kpi, lang).lower())
            if not _finite(r["before"], r["after"]):
                if kpi == "roi" and (_finite(r["before"]) or _finite(r["after"])):
                    when = comparison.after if _finite(r["before"]) else comparison.before
                    sep = " : " if lang == "fr" else ": "
                    rows.append((group, kpi, f"{who}{sep}" + words["undefined"].format(
                        what=what, period=period_label(when)) + "."))
                continue
            a = kpi_value(kpi, r["before"], lang, currency)
            b = kpi_value(kpi, r["after"], lang, currency)
            if r["change"] == 0:
                sep = " : " if lang == "fr" else ": "
                rows.append((group, kpi,
                             f"{who}{sep}" + words["unchanged"].format(what=what, a=a) + "."))
                continue
            head = words["from_to"].format(
                what=what, a=a, b=b,
                d=_amount(kpi, r["change"], lang, currency) if kpi in _RATE_LIKE
                else _pct(r["relative_change"], lang))
            detail = _details(comparison, group, kpi, lang)
            sep = " : " if lang == "fr" else ": "
            text = f"{who}{sep}{head}" + (f"{sep}{detail}" if detail else "") + "."
            rows.append((group, kpi, text))
    return pd.DataFrame(rows, columns=["group", "kpi", "sentence"])


def _details(c: Comparison, group: str, kpi: str, lang: str) -> str:
    words = _WORDS[lang]
    f = c.factors[c.factors["group"] == group].set_index("period")
    currency = c.currency

    def factor(col: str) -> tuple[float, float]:
        return float(f.at["before", col]), float(f.at["after", col])

    if kpi == "roi" and group == "total":
        parts = c.split("total", "roi", "mix")
        if parts.empty:
            return ""
        within = math.fsum(parts[parts["effect"] == "within"]["value"])
        mix = math.fsum(parts[parts["effect"] == "mix"]["value"])
        per = parts.groupby("channel")["value"].sum()
        top = per.abs().idxmax()
        den = label("cost", lang).lower()
        return ", ".join([
            f"{words['within']} {_amount('roi', within, lang, currency)}",
            f"{words['mix'].format(den=den)} {_amount('roi', mix, lang, currency)}",
            words["first"].format(channel=top, d=_amount("roi", per[top], lang, currency))])
    if kpi == "roi":
        parts = c.split(group, "roi", "drivers")
        if parts.empty:
            return ""
        k, v = factor("roi__den"), factor("drv__contacts")
        n, cl = factor("roi__num"), factor("drv__clients")
        moves = {
            "cost": _ratio_of(*k), "volume": _ratio_of(*v),
            "conversion": _ratio_of(cl[0] / v[0] if v[0] else float("nan"),
                                    cl[1] / v[1] if v[1] else float("nan")),
            "per_client": _ratio_of(n[0] / cl[0] if cl[0] else float("nan"),
                                    n[1] / cl[1] if cl[1] else float("nan"))}
        out = []
        for _, p in parts.reindex(parts["value"].abs().sort_values(ascending=False).index) \
                .iterrows():
            if p["value"] == 0:
                continue
            name = p["effect"]
            word = words["per_client_revenue"] if (name == "per_client"
                                                   and c.basis == "revenue") else words[name]
            move = moves[name]
            shown = f"{_pct(move, lang)} " if math.isfinite(move) else ""
            out.append(f"{word} {shown}({_amount('roi', p['value'], lang, currency)})")
        return ", ".join(out)
    parts = c.split(group, kpi, "ratio")
    if parts.empty or kpi not in RATIOS:
        return ""
    out = []
    for _, p in parts.iterrows():
        if p["value"] == 0:
            continue
        col = f"{kpi}__num" if p["effect"] == RATIOS[kpi][0] else f"{kpi}__den"
        move = _ratio_of(*factor(col))
        name = label(p["effect"], lang).lower()
        out.append(f"{name} {_pct(move, lang)} ({_amount(kpi, p['value'], lang, currency)})")
    return ", ".join(out)
