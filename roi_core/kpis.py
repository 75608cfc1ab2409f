"""Every KPI of DOMAIN.md, for any grouping, as ratios of sums.

Undefined values policy: a zero or unrecorded denominator gives NaN (shown "—"), never an
infinity, never a crash. A blank count is "not recorded": a ratio of a group uses only the
rows where both its numerator and its denominator are recorded, and the group's
``campaigns`` column says how many campaigns it holds.

Every euro of cost counts: a cost line of no campaign (a shared budget) records zero
volumes, so it weighs on the ratios of the total and of every group that contains it.
Per channel, campaign, segment or team, ``allocate_shared`` ("none", "cost", "contacts")
keeps it as its own "(unassigned)" group or allocates it (``roi_core.shared``).

The formulas, with cost = Σ cost lines (indirect lines switchable off):

========================  =====================================================
cost_per_contact          cost / contacts
cost_per_lead             cost / leads
cost_per_opportunity      cost / opportunities
cost_per_meeting          cost / meetings
cac                       cost / clients
revenue_per_client        revenue / clients
margin_per_client         margin / clients
net_margin_per_client     margin_per_client − cac
roi                       (margin − cost) / cost   (basis "revenue": revenue − cost)
contact_rate              contacts / targets
lead_rate                 leads / contacts
opportunity_rate          opportunities / leads
meeting_rate              meetings / opportunities
win_rate                  clients / opportunities
break_even_clients        cost / margin_per_client (revenue_per_client on that basis)
break_even_win_rate       break_even_clients / opportunities
break_even_cost           margin (revenue on that basis): the cost at which ROI = 0
sales_cycle_days          median of close − first contact over won deals (and _mean)
========================  =====================================================
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from roi_core.dataset import Dataset
from roi_core.facts import COST_PARTS, VOLUMES, build_cycles, build_facts, filter_facts
from roi_core.shared import allocate, check_allocation, shared_rows

__all__ = [
    "GROUPINGS",
    "KPI_COLUMNS",
    "RATIOS",
    "group_keys",
    "compute_kpis",
    "Grouping",
    "grouping",
    "kpis_of",
    "kpi_table",
    "ratio",
    "roi",
    "cost_per_lead",
    "cost_per_opportunity",
    "cac",
    "break_even_win_rate",
]

GROUPINGS = {"campaign": ["campaign_id"], "channel": ["channel"], "segment": ["segment"],
             "team": ["team"], "month": ["month"], "total": []}

# name -> (numerator, denominator)
RATIOS: dict[str, tuple[str, str]] = {
    "cost_per_contact": ("cost", "contacts"),
    "cost_per_lead": ("cost", "leads"),
    "cost_per_opportunity": ("cost", "opportunities"),
    "cost_per_meeting": ("cost", "meetings"),
    "cac": ("cost", "clients"),
    "revenue_per_client": ("revenue", "clients"),
    "margin_per_client": ("margin", "clients"),
    "contact_rate": ("contacts", "targets"),
    "lead_rate": ("leads", "contacts"),
    "opportunity_rate": ("opportunities", "leads"),
    "meeting_rate": ("meetings", "opportunities"),
    "win_rate": ("clients", "opportunities"),
}

SUMS = ["cost", "cost_direct", "cost_indirect", "targets", "contacts", "leads",
        "opportunities", "meetings", "clients", "revenue", "margin"]
KPI_COLUMNS = [
    "campaigns", *SUMS, "cost_per_contact", "cost_per_lead", "cost_per_opportunity",
    "cost_per_meeting", "cac", "revenue_per_client", "margin_per_client",
    "net_margin_per_client", "roi", "contact_rate", "lead_rate", "opportunity_rate",
    "meeting_rate", "win_rate", "break_even_clients", "break_even_win_rate", "break_even_cost",
    "sales_cycle_days", "sales_cycle_days_mean",
]


def ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator, NaN when the denominator is zero or missing.

    >>> ratio(8000, 120)
    66.66666666666667
    >>> ratio(8000, 0)
    nan
    """
    if denominator is None or pd.isna(denominator) or denominator == 0 or pd.isna(numerator):
        return float("nan")
    return float(numerator) / float(denominator)


def cost_per_lead(cost: float, leads: float) -> float:
    """CPL = cost / leads; NaN with no lead.

    >>> round(cost_per_lead(8000, 120), 2)
    66.67
    """
    return ratio(cost, leads)


def cost_per_opportunity(cost: float, opportunities: float) -> float:
    """CPO = cost / opportunities; NaN with no opportunity.

    >>> round(cost_per_opportunity(8000, 30), 2)
    266.67
    """
    return ratio(cost, opportunities)


def cac(cost: float, clients: float) -> float:
    """CAC = cost / clients won; NaN with no client.

    >>> cac(8000, 10)
    800.0
    """
    return ratio(cost, clients)


def roi(gain: float, cost: float) -> float:
    """ROI = (gain − cost) / cost, as a fraction (2.0 is 200 %); gain is margin or revenue.

    >>> roi(24000, 8000)
    2.0
    >>> roi(40000, 20000)
    1.0
    """
    return ratio(gain - cost, cost)


def break_even_win_rate(cost: float, gain_per_client: float, opportunities: float) -> float:
    """The win rate at which ROI = 0: (cost / gain per client) / opportunities.

    >>> round(break_even_win_rate(8000, 2400, 30), 4)
    0.1111
    """
    return ratio(ratio(cost, gain_per_client), opportunities)


def compute_kpis(facts: pd.DataFrame, by: str | Sequence[str] = "total", *,
                 include_indirect: bool = True, basis: str = "margin",
                 cycles: pd.DataFrame | None = None,
                 allocate_shared: str = "none") -> pd.DataFrame:
    """Every KPI per group of a fact table (``roi_core.facts.build_facts``).

    ``by`` is a grouping name (campaign, channel, segment, team, month, total), a fact
    column, or a list of them. Shape out: the group columns then ``KPI_COLUMNS``; for
    ``campaign`` the campaign's name, channel, segment and team come along; ``month`` is
    shown "YYYY-MM". ``allocate_shared``: where the cost of no campaign goes per group
    ("none": its own "(unassigned)" group; "cost" / "contacts": pro rata, ``roi_core.shared``).

    >>> facts = pd.DataFrame({"campaign_id": ["A"], "campaign": ["A"], "channel": ["x"],
    ...     "segment": ["s"], "team": ["t"], "month": pd.to_datetime(["2026-01-01"]),
    ...     "cost_direct_fixed": [8000.0], "cost_direct_variable": [0.0],
    ...     "cost_indirect_fixed": [0.0], "cost_indirect_variable": [0.0], "targets": [1000.0],
    ...     "contacts": [800.0], "leads": [120.0], "opportunities": [30.0], "meetings": [None],
    ...     "clients": [10.0], "revenue": [60000.0], "margin": [24000.0]})
    >>> k = compute_kpis(facts).iloc[0]
    >>> [round(float(k[c]), 3) for c in ("cost_per_lead", "cac", "roi", "break_even_win_rate")]
    [66.667, 800.0, 2.0, 0.111]
    """
    groups = grouping(facts, by)
    matrix = facts[COST_PARTS + VOLUMES].to_numpy(dtype=float, na_value=np.nan)
    out, shown = _kpis_of({c: matrix[:, i] for i, c in enumerate(COST_PARTS + VOLUMES)},
                          groups, include_indirect=include_indirect, basis=basis,
                          allocate_shared=allocate_shared)
    if cycles is not None and not cycles.empty:
        median, mean = _cycle_stats(groups, cycles)
        out["sales_cycle_days"], out["sales_cycle_days_mean"] = median[shown], mean[shown]
    return out


@dataclass(frozen=True, eq=False)
class Grouping:
    """The groups of a fact table for one ``by`` (``grouping``): made once, then the KPIs of
    any numbers on the same rows (a scenario's: ``roi_core.scenario``) are sums and ratios
    only (``kpis_of``)."""

    keys: tuple[str, ...]
    group: np.ndarray  # each row's group number, groups sorted by key (a blank key last)
    groups: int
    campaign: np.ndarray  # each row's campaign number (targets pair per campaign)
    raw: dict[str, pd.Index]  # each group's key values, as a pandas groupby gives them
    lead: dict[str, object]  # the columns in front of the KPIs, as compute_kpis shows them
    campaigns: np.ndarray  # distinct campaigns per group
    # The rows of each group in row order, for the compensated sums: as a (rank, group)
    # table of row numbers (-1: none) when it is dense, else rank by rank (rows, groups).
    slots: np.ndarray | None
    steps: tuple[tuple[np.ndarray, np.ndarray], ...]
    # Shared cost (rows of no campaign, roi_core.shared): which rows, the pool each row's
    # share is drawn from (its month when the keys have one), which groups hold only shared
    # rows, and whether an allocation can move anything for these keys.
    shared: np.ndarray | None = None
    pool: np.ndarray | None = None
    only_shared: np.ndarray | None = None
    allocates: bool = False


def grouping(facts: pd.DataFrame, by: str | Sequence[str] = "total") -> Grouping:
    """The groups of ``facts`` for ``by`` (as ``compute_kpis`` takes it), for ``kpis_of``.

    >>> facts = pd.DataFrame({"campaign_id": ["A", "B", "A"], "channel": ["x", "y", "x"]})
    >>> g = grouping(facts, "channel")
    >>> g.groups, g.group.tolist(), g.lead["channel"].tolist(), g.campaigns.tolist()
    (2, [0, 1, 0], ['x', 'y'], [1, 1])
    """
    keys = list(group_keys(by))
    group, firsts = _group_codes(facts, keys)
    groups = len(firsts)
    raw = {k: _key_values(facts[k], firsts) for k in keys}
    lead: dict[str, object] = {"total": ["total"]} if not keys else {}
    for key in _shown_keys(keys):
        lead[key] = raw[key] if key in raw else None
    if "campaign_id" in keys:
        extra = [c for c in ("campaign", "channel", "segment", "team") if c not in keys]
        if extra:
            attrs = facts.drop_duplicates("campaign_id").set_index("campaign_id")[extra]
            ids = pd.Series(raw["campaign_id"])
            for col in extra:
                lead[col] = ids.map(attrs[col])
    if "month" in keys:
        months = pd.Series(pd.to_datetime(raw["month"])).dt.strftime("%Y-%m").astype(object)
        months[months.isna()] = None
        lead["month"] = months
    steps = _rank_steps(group) if groups > 1 else ()
    slots = None
    if steps and len(steps) * groups <= 4 * len(group) + 64:
        slots = np.full((len(steps), groups), -1, dtype=np.intp)
        for rank, (rows, of) in enumerate(steps):
            slots[rank, of] = rows
        steps = ()
    shared = shared_rows(facts)
    # The total and the months hold the shared rows already: nothing to allocate there.
    allocates = bool(shared.any()) and bool(set(keys) - {"month"})
    pool = only_shared = None
    if allocates:
        pool = (pd.factorize(facts["month"], use_na_sentinel=False)[0] if "month" in keys
                else np.zeros(len(facts), dtype=np.intp))
        only_shared = np.bincount(group, weights=~shared, minlength=groups) == 0
    return Grouping(keys=tuple(keys), group=group, groups=groups,
                    campaign=pd.factorize(facts["campaign_id"], use_na_sentinel=False)[0],
                    raw=raw, lead=lead,
                    campaigns=_count_distinct(group, groups, facts["campaign_id"]),
                    slots=slots, steps=steps, shared=shared, pool=pool,
                    only_shared=only_shared, allocates=allocates)


def kpis_of(numbers: Mapping[str, np.ndarray], groups: Grouping, *,
            include_indirect: bool = True, basis: str = "margin",
            allocate_shared: str = "none") -> pd.DataFrame:
    """``compute_kpis`` of the grouped rows carrying ``numbers`` (an array per cost part and
    volume, ``COST_PARTS + VOLUMES``, in the rows' order), sales cycles left blank. Groups of
    shared rows only, left with nothing once their cost is allocated, are not shown.

    >>> facts = pd.DataFrame({"campaign_id": ["A", "B"], "channel": ["x", "x"]})
    >>> numbers = {c: np.array([1.0, 3.0]) for c in COST_PARTS + VOLUMES}
    >>> kpis_of(numbers, grouping(facts, "channel"))[["channel", "cost", "cac"]].values.tolist()
    [['x', 16.0, 4.0]]
    """
    return _kpis_of(numbers, groups, include_indirect=include_indirect, basis=basis,
                    allocate_shared=allocate_shared)[0]


def _kpis_of(numbers: Mapping[str, np.ndarray], groups: Grouping, *, include_indirect: bool,
             basis: str, allocate_shared: str) -> tuple[pd.DataFrame, np.ndarray]:
    """``kpis_of``, and which groups it shows (a boolean per group)."""
    if basis not in ("margin", "revenue"):
        raise ValueError(f"basis must be 'margin' or 'revenue', not {basis!r}")
    # Plain numpy throughout (no pandas per-call overhead: the app runs this on every slider
    # move); the same sums, NaN rules and group order as a pandas groupby(dropna=False).
    arrays = {c: np.asarray(numbers[c], dtype=float) for c in COST_PARTS + VOLUMES}
    if check_allocation(allocate_shared) != "none" and groups.allocates:
        arrays = allocate(arrays, groups.shared, groups.pool, allocate_shared)
    arrays["cost_direct"] = _sum_min_count(arrays[COST_PARTS[0]], arrays[COST_PARTS[1]])
    arrays["cost_indirect"] = _sum_min_count(arrays[COST_PARTS[2]], arrays[COST_PARTS[3]])
    arrays["cost"] = (_sum_min_count(arrays["cost_direct"], arrays["cost_indirect"])
                      if include_indirect else arrays["cost_direct"])
    gain = basis
    pairs = dict(RATIOS)
    pairs["roi"] = (gain, "cost")
    pairs["break_even_cost"] = (gain, "cost")
    present = {c: ~np.isnan(arrays[c]) for c in SUMS}
    columns: dict[str, np.ndarray] = {c: arrays[c] for c in SUMS}
    for name, (num, den) in pairs.items():
        both = present[num] & present[den]
        columns[f"{name}__num"] = np.where(both, arrays[num], np.nan)
        columns[f"{name}__den"] = np.where(both, arrays[den], np.nan)
    # Targets belong to a campaign, not a month: they pair with the campaign's contacts of
    # every month, not only those of the row that holds them.
    campaign = groups.campaign
    has_targets = np.bincount(campaign, weights=present["targets"])[campaign] > 0
    has_contacts = np.bincount(campaign, weights=present["contacts"])[campaign] > 0
    columns["contact_rate__num"] = np.where(has_targets, arrays["contacts"], np.nan)
    columns["contact_rate__den"] = np.where(has_contacts, arrays["targets"], np.nan)
    # Break-even needs cost, gain and clients on the same rows, and opportunities beside.
    be = present["cost"] & present[gain] & present["clients"]
    columns["be__cost"] = np.where(be, arrays["cost"], np.nan)
    columns["be__gain"] = np.where(be, arrays[gain], np.nan)
    columns["be__clients"] = np.where(be, arrays["clients"], np.nan)
    bew = be & present["opportunities"]
    for col in ("cost", gain, "clients", "opportunities"):
        columns[f"bew__{col}"] = np.where(bew, arrays[col], np.nan)
    sums = _group_sums(columns, groups)
    ratios = {name: _divide(sums[f"{name}__num"], sums[f"{name}__den"]) for name in pairs}
    # (gain − cost) / cost as DOMAIN.md writes it (gain / cost − 1 differs in the last bit).
    ratios["roi"] = _divide(sums["roi__num"] - sums["roi__den"], sums["roi__den"])
    ratios["break_even_cost"] = sums["break_even_cost__num"]
    ratios["net_margin_per_client"] = ratios["margin_per_client"] - ratios["cac"]
    per_client = _divide(sums["be__gain"], sums["be__clients"])
    ratios["break_even_clients"] = _divide(sums["be__cost"], per_client)
    bew_per_client = _divide(sums[f"bew__{gain}"], sums["bew__clients"])
    ratios["break_even_win_rate"] = _divide(_divide(sums["bew__cost"], bew_per_client),
                                            sums["bew__opportunities"])
    blank = np.full(groups.groups, np.nan)
    values = {"campaigns": groups.campaigns, **{c: sums[c] for c in SUMS}, **ratios,
              "sales_cycle_days": blank, "sales_cycle_days_mean": blank.copy()}
    out = pd.DataFrame({**groups.lead, **{c: values[c] for c in KPI_COLUMNS}})
    shown = np.ones(groups.groups, dtype=bool)
    if allocate_shared != "none" and groups.allocates:
        left = [sums[c] for c in ["cost", "targets", *VOLUMES[1:]]]
        empty = np.logical_and.reduce([np.isnan(v) | (v == 0) for v in left])
        shown = ~(groups.only_shared & empty)
        if not shown.all():
            out = out[shown].reset_index(drop=True)
    return out, shown


def _sum_min_count(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a + b with a blank as 0, blank when both are (pandas ``sum(min_count=1)``)."""
    return np.where(np.isnan(a) & np.isnan(b), np.nan,
                    np.where(np.isnan(a), 0.0, a) + np.where(np.isnan(b), 0.0, b))


def _divide(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out = num / np.where(den != 0, den, np.nan)
    out[~np.isfinite(out)] = np.nan
    return out


def _group_codes(facts: pd.DataFrame, keys: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Each row's group number, groups sorted by their keys (a blank key last), and the first
    row of each group."""
    if not keys:
        return np.zeros(len(facts), dtype=np.intp), np.zeros(1, dtype=np.intp)
    combined = np.zeros(len(facts), dtype=np.int64)
    for key in keys:
        codes, uniques = pd.factorize(facts[key], sort=True)
        codes = np.where(codes < 0, len(uniques), codes)
        combined = combined * (len(uniques) + 1) + codes
    _, firsts, group = np.unique(combined, return_index=True, return_inverse=True)
    return group.reshape(-1), firsts


def _rank_steps(group: np.ndarray) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """The rows of every group in row order, step by step: step r holds each group's r-th row
    (the rows, and their groups)."""
    order = np.argsort(group, kind="stable")
    in_group = group[order]
    rank = np.arange(len(group)) - np.searchsorted(in_group, in_group)
    by_rank = np.argsort(rank, kind="stable")
    bounds = np.searchsorted(rank[by_rank], np.arange(rank.max(initial=-1) + 2))
    steps = []
    for step in range(len(bounds) - 1):
        rows = order[by_rank[bounds[step]:bounds[step + 1]]]
        steps.append((rows, group[rows]))
    return tuple(steps)


def _group_sums(columns: dict[str, np.ndarray], groups: Grouping) -> dict[str, np.ndarray]:
    """Σ per group of each column, blanks skipped, blank when the group has none: pandas'
    ``sum(min_count=1)`` to the last bit (pairwise for one group, else compensated sums in
    row order, one step per row rank for all groups at once)."""
    names = list(columns)
    if groups.groups == 1:
        # Column by column (each a contiguous pairwise sum, as pandas does), no table built.
        out = {}
        for name in names:
            column = np.asarray(columns[name], dtype=float)
            blank = np.isnan(column)
            out[name] = (np.array([np.where(blank, 0.0, column).sum()]) if not blank.all()
                         else np.array([np.nan]))
        return out
    values = np.column_stack([columns[c] for c in names])
    blank = np.isnan(values)
    if groups.slots is not None:
        # All groups at once, rank by rank, on whole (group × column) arrays.
        slots = groups.slots
        ranked = values[slots]
        kept_at = ~(blank[slots] | (slots < 0)[:, :, None])
        counts = kept_at.sum(axis=0)
        sums = np.zeros((groups.groups, len(names)))
        comp = np.zeros((groups.groups, len(names)))
        for rank in range(len(slots)):
            kept = kept_at[rank]
            y = ranked[rank] - comp
            t = sums + y
            c = t - sums - y
            c[np.isnan(c)] = 0.0
            comp = np.where(kept, c, comp)
            sums = np.where(kept, t, sums)
    else:
        counts = np.zeros((groups.groups, len(names)), dtype=np.int64)
        np.add.at(counts, groups.group, ~blank)
        sums = np.zeros((groups.groups, len(names)))
        comp = np.zeros((groups.groups, len(names)))
        for rows, g in groups.steps:
            v = values[rows]
            kept = ~blank[rows]
            y = v - comp[g]
            t = sums[g] + y
            c = t - sums[g] - y
            c[np.isnan(c)] = 0.0
            comp[g] = np.where(kept, c, comp[g])
            sums[g] = np.where(kept, t, sums[g])
    sums[counts == 0] = np.nan
    return {name: sums[:, i] for i, name in enumerate(names)}


def _count_distinct(group: np.ndarray, groups: int, values: pd.Series) -> np.ndarray:
    """Distinct non-blank values per group (pandas ``nunique``)."""
    codes = pd.factorize(values)[0]
    kept = codes >= 0
    pairs = np.unique(group[kept].astype(np.int64) * (codes.max(initial=0) + 1) + codes[kept])
    return np.bincount(pairs // (codes.max(initial=0) + 1), minlength=groups).astype(np.int64)


def _key_values(column: pd.Series, firsts: np.ndarray) -> pd.Index:
    """The key of each group, as a pandas groupby shows it."""
    return pd.Index(column.take(firsts).to_numpy(), dtype=None)


def group_keys(by: str | Sequence[str]) -> tuple[str, ...]:
    """The fact columns a ``compute_kpis`` grouping groups by.

    >>> group_keys("campaign"), group_keys("total"), group_keys(["channel", "month"])
    (('campaign_id',), (), ('channel', 'month'))
    """
    names = [by] if isinstance(by, str) else list(by)
    keys: list[str] = []
    for name in names:
        for key in GROUPINGS.get(name, [name]):
            if key not in keys:
                keys.append(key)
    return tuple(keys)


def _shown_keys(keys: list[str]) -> list[str]:
    if "campaign_id" in keys:
        extra = [c for c in ("campaign", "channel", "segment", "team") if c not in keys]
        pos = keys.index("campaign_id") + 1
        return keys[:pos] + extra + keys[pos:]
    return keys


def _cycle_stats(groups: Grouping, cycles: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The median and mean sales cycle of each group."""
    if not groups.keys:
        days = cycles["sales_cycle_days"]
        return np.array([days.median()]), np.array([days.mean()])
    keys = list(groups.keys)
    stats = cycles.groupby(keys, dropna=False)["sales_cycle_days"].agg(["median", "mean"])
    stats = pd.DataFrame(groups.raw).merge(stats.reset_index(), on=keys, how="left")
    return stats["median"].to_numpy(dtype=float), stats["mean"].to_numpy(dtype=float)


def kpi_table(data: Dataset, by: str | Sequence[str] = "total", *, include_indirect: bool = True,
              basis: str = "margin", months: tuple[object, object] | None = None,
              channels: Sequence[str] | None = None, segments: Sequence[str] | None = None,
              teams: Sequence[str] | None = None,
              allocate_shared: str = "none") -> pd.DataFrame:
    """``compute_kpis`` on a whole dataset, with the app's filters (period, channel, …).

    A channel, segment or team filter leaves the shared rows (no campaign) out unless it
    chooses "(unassigned)": their cost belongs to no chosen group.
    """
    where = {"months": months, "channels": channels, "segments": segments, "teams": teams}
    facts = filter_facts(build_facts(data), **where)
    cycles = filter_facts(build_cycles(data), **where)
    return compute_kpis(facts, by, include_indirect=include_indirect, basis=basis,
                        cycles=cycles, allocate_shared=allocate_shared)
