"""Every KPI of DOMAIN.md, for any grouping, as ratios of sums.

Undefined values policy: a zero or unrecorded denominator gives NaN (shown "—"), never an
infinity, never a crash. A blank count is "not recorded": a ratio of a group uses only the
rows where both its numerator and its denominator are recorded, and the group's
``campaigns`` column says how many campaigns it holds.

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

from collections.abc import Sequence

import numpy as np
import pandas as pd

from roi_core.dataset import Dataset
from roi_core.facts import COST_PARTS, VOLUMES, build_cycles, build_facts, filter_facts

__all__ = [
    "GROUPINGS",
    "KPI_COLUMNS",
    "RATIOS",
    "compute_kpis",
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
                 cycles: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every KPI per group of a fact table (``roi_core.facts.build_facts``).

    ``by`` is a grouping name (campaign, channel, segment, team, month, total), a fact
    column, or a list of them. Shape out: the group columns then ``KPI_COLUMNS``; for
    ``campaign`` the campaign's name, channel, segment and team come along; ``month`` is
    shown "YYYY-MM".

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
    if basis not in ("margin", "revenue"):
        raise ValueError(f"basis must be 'margin' or 'revenue', not {basis!r}")
    keys = _keys(by)
    # Plain numpy throughout (no pandas per-call overhead: the app runs this on every slider
    # move); the same sums, NaN rules and group order as a pandas groupby(dropna=False).
    matrix = facts[COST_PARTS + VOLUMES].to_numpy(dtype=float, na_value=np.nan)
    arrays = {c: matrix[:, i] for i, c in enumerate(COST_PARTS + VOLUMES)}
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
    campaign = pd.factorize(facts["campaign_id"], use_na_sentinel=False)[0]
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
    group, firsts = _group_codes(facts, keys)
    sums = _group_sums(columns, group, len(firsts))
    ratios = {name: _divide(sums[f"{name}__num"], sums[f"{name}__den"]) for name in pairs}
    ratios["roi"] = ratios["roi"] - 1.0
    ratios["break_even_cost"] = sums["break_even_cost__num"]
    ratios["net_margin_per_client"] = ratios["margin_per_client"] - ratios["cac"]
    per_client = _divide(sums["be__gain"], sums["be__clients"])
    ratios["break_even_clients"] = _divide(sums["be__cost"], per_client)
    bew_per_client = _divide(sums[f"bew__{gain}"], sums["bew__clients"])
    ratios["break_even_win_rate"] = _divide(_divide(sums["bew__cost"], bew_per_client),
                                            sums["bew__opportunities"])
    lead = {k: _key_values(facts[k], firsts) for k in keys} if keys else {"total": ["total"]}
    out = pd.DataFrame({**lead,
                        "campaigns": _count_distinct(group, len(firsts), facts["campaign_id"]),
                        **{c: sums[c] for c in SUMS}, **ratios})
    out = _add_cycles(out, keys, cycles)
    out = _decorate(out, keys, facts)
    lead = ([] if keys else ["total"]) + _shown_keys(keys)
    return out[lead + KPI_COLUMNS].reset_index(drop=True)


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


def _group_sums(columns: dict[str, np.ndarray], group: np.ndarray,
                groups: int) -> dict[str, np.ndarray]:
    """Σ per group of each column, blanks skipped, blank when the group has none: pandas'
    ``sum(min_count=1)`` to the last bit (pairwise for one group, else compensated sums in
    row order, one step per row rank for all groups at once)."""
    names = list(columns)
    values = np.column_stack([columns[c] for c in names])
    blank = np.isnan(values)
    if groups == 1:
        counts = (~blank).sum(axis=0)[None, :]
        sums = np.ascontiguousarray(np.where(blank, 0.0, values).T).sum(axis=1)[None, :]
    else:
        counts = np.zeros((groups, len(names)), dtype=np.int64)
        np.add.at(counts, group, ~blank)
        order = np.argsort(group, kind="stable")
        in_group = group[order]
        rank = np.arange(len(group)) - np.searchsorted(in_group, in_group)
        by_rank = np.argsort(rank, kind="stable")
        bounds = np.searchsorted(rank[by_rank], np.arange(rank.max(initial=-1) + 2))
        sums = np.zeros((groups, len(names)))
        comp = np.zeros((groups, len(names)))
        for step in range(len(bounds) - 1):
            rows = order[by_rank[bounds[step]:bounds[step + 1]]]
            g, v = group[rows], values[rows]
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


def _keys(by: str | Sequence[str]) -> list[str]:
    names = [by] if isinstance(by, str) else list(by)
    keys: list[str] = []
    for name in names:
        for key in GROUPINGS.get(name, [name]):
            if key not in keys:
                keys.append(key)
    return keys


def _shown_keys(keys: list[str]) -> list[str]:
    if "campaign_id" in keys:
        extra = [c for c in ("campaign", "channel", "segment", "team") if c not in keys]
        pos = keys.index("campaign_id") + 1
        return keys[:pos] + extra + keys[pos:]
    return keys


def _add_cycles(out: pd.DataFrame, keys: list[str], cycles: pd.DataFrame | None) -> pd.DataFrame:
    if cycles is None or cycles.empty:
        out["sales_cycle_days"] = np.nan
        out["sales_cycle_days_mean"] = np.nan
        return out
    if keys:
        stats = cycles.groupby(keys, dropna=False)["sales_cycle_days"].agg(["median", "mean"])
        stats = stats.rename(columns={"median": "sales_cycle_days",
                                      "mean": "sales_cycle_days_mean"}).reset_index()
        return out.merge(stats, on=keys, how="left")
    out["sales_cycle_days"] = cycles["sales_cycle_days"].median()
    out["sales_cycle_days_mean"] = cycles["sales_cycle_days"].mean()
    return out


def _decorate(out: pd.DataFrame, keys: list[str], facts: pd.DataFrame) -> pd.DataFrame:
    if "campaign_id" in keys:
        extra = [c for c in ("campaign", "channel", "segment", "team") if c not in keys]
        if extra:
            attrs = facts.drop_duplicates("campaign_id").set_index("campaign_id")[extra]
            for col in extra:
                out[col] = out["campaign_id"].map(attrs[col])
    if "month" in keys:
        out["month"] = pd.to_datetime(out["month"]).dt.strftime("%Y-%m").astype(object)
        out.loc[out["month"].isna(), "month"] = None
    return out


def kpi_table(data: Dataset, by: str | Sequence[str] = "total", *, include_indirect: bool = True,
              basis: str = "margin", months: tuple[object, object] | None = None,
              channels: Sequence[str] | None = None, segments: Sequence[str] | None = None,
              teams: Sequence[str] | None = None) -> pd.DataFrame:
    """``compute_kpis`` on a whole dataset, with the app's filters (period, channel, …)."""
    where = {"months": months, "channels": channels, "segments": segments, "teams": teams}
    facts = filter_facts(build_facts(data), **where)
    cycles = filter_facts(build_cycles(data), **where)
    return compute_kpis(facts, by, include_indirect=include_indirect, basis=basis,
                        cycles=cycles)
