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


def _safe_divide(num: pd.Series, den: pd.Series) -> pd.Series:
    n, d = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out = n / np.where(d != 0, d, np.nan)
    out[~np.isfinite(out)] = np.nan
    return pd.Series(out, index=num.index)


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
    frame = facts.copy()
    numeric = [c for c in COST_PARTS + VOLUMES if c in frame]
    frame[numeric] = frame[numeric].astype(float)
    frame["cost_direct"] = frame[COST_PARTS[:2]].sum(axis=1, min_count=1)
    frame["cost_indirect"] = frame[COST_PARTS[2:]].sum(axis=1, min_count=1)
    if include_indirect:
        frame["cost"] = frame[["cost_direct", "cost_indirect"]].sum(axis=1, min_count=1)
    else:
        frame["cost"] = frame["cost_direct"]
    gain = basis
    pairs = dict(RATIOS)
    pairs["roi"] = (gain, "cost")
    pairs["break_even_cost"] = (gain, "cost")
    # Plain numpy for the masks: the same NaN rules, without pandas' per-call overhead.
    arrays = {c: frame[c].to_numpy(dtype=float) for c in SUMS}
    present = {c: ~np.isnan(a) for c, a in arrays.items()}
    masked: dict[str, np.ndarray | pd.Series] = {}
    for name, (num, den) in pairs.items():
        both = present[num] & present[den]
        masked[f"{name}__num"] = np.where(both, arrays[num], np.nan)
        masked[f"{name}__den"] = np.where(both, arrays[den], np.nan)
    # Targets belong to a campaign, not a month: they pair with the campaign's contacts of
    # every month, not only those of the row that holds them.
    by_campaign = frame.groupby("campaign_id", dropna=False)
    has_targets = by_campaign["targets"].transform("count") > 0
    has_contacts = by_campaign["contacts"].transform("count") > 0
    masked["contact_rate__num"] = frame["contacts"].where(has_targets)
    masked["contact_rate__den"] = frame["targets"].where(has_contacts)
    # Break-even needs cost, gain and clients on the same rows, and opportunities beside.
    be = present["cost"] & present[gain] & present["clients"]
    masked["be__cost"] = np.where(be, arrays["cost"], np.nan)
    masked["be__gain"] = np.where(be, arrays[gain], np.nan)
    masked["be__clients"] = np.where(be, arrays["clients"], np.nan)
    bew = be & present["opportunities"]
    for col in ("cost", gain, "clients", "opportunities"):
        masked[f"bew__{col}"] = np.where(bew, arrays[col], np.nan)
    values = pd.concat([frame[SUMS], pd.DataFrame(masked, index=frame.index)], axis=1)
    if keys:
        grouped = values.groupby([frame[k] for k in keys], dropna=False, sort=True)
        sums = grouped.sum(min_count=1)
        sums["campaigns"] = frame["campaign_id"].groupby(
            [frame[k] for k in keys], dropna=False, sort=True).nunique()
        sums = sums.reset_index()
    else:
        sums = values.sum(min_count=1).to_frame().T
        sums["campaigns"] = frame["campaign_id"].nunique()
        sums.insert(0, "total", "total")
    out = sums[([] if keys else ["total"]) + keys + ["campaigns"] + SUMS].copy()
    for name in pairs:
        out[name] = _safe_divide(sums[f"{name}__num"], sums[f"{name}__den"])
    out["roi"] = out["roi"] - 1.0
    out["break_even_cost"] = sums["break_even_cost__num"]
    out["net_margin_per_client"] = out["margin_per_client"] - out["cac"]
    per_client = _safe_divide(sums["be__gain"], sums["be__clients"])
    out["break_even_clients"] = _safe_divide(sums["be__cost"], per_client)
    bew_per_client = _safe_divide(sums[f"bew__{gain}"], sums["bew__clients"])
    out["break_even_win_rate"] = _safe_divide(
        _safe_divide(sums["bew__cost"], bew_per_client), sums["bew__opportunities"])
    out = _add_cycles(out, keys, cycles)
    out = _decorate(out, keys, facts)
    lead = ([] if keys else ["total"]) + _shown_keys(keys)
    return out[lead + KPI_COLUMNS].reset_index(drop=True)


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
