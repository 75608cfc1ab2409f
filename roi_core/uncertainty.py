"""What small numbers can say: posteriors of the rates, intervals of ROI, CAC and margin.

Ten clients make a ROI of 200 % a guess (DOMAIN.md, "Small numbers"). Every figure here is
computed per group of a fact table (``roi_core.facts.build_facts``), from the group's sums,
like ``roi_core.kpis.compute_kpis``; the point values stay those of ``compute_kpis``.

The model, documented once:

- **Rates** (contact, lead, opportunity, meeting, win): ``k`` successes out of ``n`` trials
  give the Beta posterior ``Beta(k + ½, n − k + ½)``: Jeffreys' prior ``Beta(½, ½)``, the
  usual reference prior of a proportion (its 80 % interval covers the true rate close to
  80 % of the time, even for small ``n``). A count above its denominator (a data error the
  audit reports) is read as ``k = n``.
- **Expected clients** of a group, for the money it spent: ``λ ~ Gamma(clients + ½, 1)``,
  the Jeffreys posterior of a Poisson mean (a client is a rare event among many contacts).
- **Margin per client**: the posterior of the group's mean margin per client is a Gamma of
  mean ``margin / clients`` and coefficient of variation ``cv / √clients``, where ``cv`` is
  the spread of one client's margin: from the won deals (amount × margin rate) when the
  workbook has them, shrunk towards the company's pooled spread with the weight of
  ``CV_PRIOR_CLIENTS`` clients; else (funnel totals only) ``DEFAULT_CV`` = 0.5. A group with
  no client borrows the company's margin per client with the spread of one client.
- **ROI, CAC, net margin per client**: ``draws`` (2 000) seeded draws of ``λ`` and of the margin per
  client give ``gain = λ × margin per client``, ``ROI = (gain − cost) / cost``,
  ``CAC = cost / λ``, ``net = margin per client − CAC``; the 80 % interval is the 10th to the
  90th percentile of the draws. Cost is a fact, not a guess: it is not drawn.
- ``P(A beats B)`` is the share of draws in which A's ROI exceeds B's (independent groups).

Reproducible: the same seed gives the same intervals to the last bit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from roi_core.dataset import Dataset
from roi_core.facts import build_facts
from roi_core.kpis import RATIOS, compute_kpis, group_keys

__all__ = [
    "PRIOR",
    "LEVEL",
    "DRAWS",
    "DEFAULT_CV",
    "CV_PRIOR_CLIENTS",
    "RATE_NAMES",
    "INTERVAL_KPIS",
    "group_keys",
    "beta_posterior",
    "rate_interval",
    "client_margins",
    "margin_spread",
    "Draws",
    "gain_per_client_draws",
    "kpi_draws",
    "kpi_intervals",
    "prob_beats",
    "roi_beats_table",
    "with_intervals",
]

PRIOR = (0.5, 0.5)  # Jeffreys' Beta(½, ½)
LEVEL = 0.8
DRAWS = 2000
DEFAULT_CV = 0.5
CV_PRIOR_CLIENTS = 5.0
RATE_NAMES = ["contact_rate", "lead_rate", "opportunity_rate", "meeting_rate", "win_rate"]
INTERVAL_KPIS = ["roi", "cac", "margin_per_client", "net_margin_per_client", *RATE_NAMES]


def beta_posterior(successes: float, trials: float,
                   prior: tuple[float, float] = PRIOR) -> tuple[float, float]:
    """The Beta posterior ``(a, b)`` of a rate after ``successes`` out of ``trials``.

    ``a = successes + prior_a``, ``b = trials − successes + prior_b``; successes above the
    trials count as the trials; NaN in gives NaN out.

    >>> beta_posterior(10, 30)
    (10.5, 20.5)
    >>> beta_posterior(12, 10, prior=(1, 1))
    (11.0, 1.0)
    """
    if pd.isna(successes) or pd.isna(trials):
        return float("nan"), float("nan")
    k = min(max(float(successes), 0.0), max(float(trials), 0.0))
    return k + prior[0], max(float(trials), 0.0) - k + prior[1]


def rate_interval(successes: float, trials: float, level: float = LEVEL,
                  prior: tuple[float, float] = PRIOR) -> tuple[float, float]:
    """The central ``level`` interval of a rate's Beta posterior, as fractions.

    NaN when the trials are not recorded; the prior alone when there is no trial.

    >>> low, high = rate_interval(10, 30)
    >>> round(low, 3), round(high, 3)
    (0.233, 0.449)
    """
    a, b = beta_posterior(successes, trials, prior)
    if np.isnan(a):
        return float("nan"), float("nan")
    tail = (1.0 - level) / 2.0
    return float(stats.beta.ppf(tail, a, b)), float(stats.beta.ppf(1.0 - tail, a, b))


def client_margins(deals: pd.DataFrame | None) -> pd.DataFrame:
    """One row per won deal: its ``campaign_id`` and its margin (amount × margin rate).

    Deals without an amount are left out; a missing margin rate counts as 1 (the amount is
    then read as the margin).

    >>> d = pd.DataFrame({"campaign_id": ["A", "A"], "status": ["won", "lost"],
    ...                   "amount": [5000.0, 900.0], "margin_rate": [0.4, 0.5]})
    >>> client_margins(d)["margin"].tolist()
    [2000.0]
    """
    if deals is None or deals.empty:
        return pd.DataFrame({"campaign_id": pd.Series(dtype=object),
                             "margin": pd.Series(dtype=float)})
    won = deals[(deals["status"] == "won") & deals["amount"].notna()]
    rate = won["margin_rate"].astype(float).fillna(1.0) if "margin_rate" in won else 1.0
    return pd.DataFrame({"campaign_id": won["campaign_id"].to_numpy(),
                         "margin": (won["amount"].astype(float) * rate).to_numpy()})


def _won_margins(deals: pd.DataFrame | None) -> tuple[np.ndarray, np.ndarray]:
    """(campaign ids, margins) of the won deals with an amount, as arrays."""
    if deals is None or deals.empty:
        return np.array([], dtype=object), np.array([], dtype=float)
    amount = deals["amount"].to_numpy(dtype=float, na_value=np.nan)
    won = (deals["status"].to_numpy(dtype=object) == "won") & np.isfinite(amount)
    rate = (deals["margin_rate"].to_numpy(dtype=float, na_value=np.nan)
            if "margin_rate" in deals else np.ones(len(deals)))
    rate = np.where(np.isfinite(rate), rate, 1.0)
    return deals["campaign_id"].to_numpy(dtype=object)[won], (amount * rate)[won]


def _cv(values: np.ndarray) -> float:
    values = values[np.isfinite(values)]
    if len(values) < 2 or values.mean() <= 0:
        return float("nan")
    return float(values.std(ddof=1) / values.mean())


def margin_spread(facts: pd.DataFrame, keys: Sequence[str], deals: pd.DataFrame | None,
                  group_keys: pd.DataFrame) -> np.ndarray:
    """The spread (coefficient of variation) of one client's margin, per group.

    ``cv_g² = (n_g · raw_g² + CV_PRIOR_CLIENTS · pooled²) / (n_g + CV_PRIOR_CLIENTS)`` where
    ``raw_g`` is the spread of the group's won deals (``n_g`` of them) and ``pooled`` the
    company's; ``DEFAULT_CV`` when no deal carries an amount. Groups keyed by a month use
    the pooled spread (a deal's month is not its campaign's). Shape out: one value per row
    of ``group_keys``.
    """
    campaign, margin = _won_margins(deals)
    pooled = _cv(margin)
    if np.isnan(pooled):
        return np.full(len(group_keys), DEFAULT_CV)
    if not keys or "month" in keys:
        return np.full(len(group_keys), pooled)
    # campaign -> the row of its group (plain dicts: a few dozen campaigns, not a join)
    row_of = {tuple(key): i for i, key in enumerate(
        zip(*(group_keys[k].tolist() for k in keys), strict=True))}
    home: dict[object, int] = {}
    for cid, *key in zip(facts["campaign_id"].tolist(), *(facts[k].tolist() for k in keys),
                         strict=True):
        if cid not in home:
            home[cid] = row_of.get(tuple(key), -1)
    rows = np.array([home.get(c, -1) for c in campaign.tolist()], dtype=int)
    ok = (rows >= 0) & np.isfinite(margin)
    size = len(group_keys)
    n = np.bincount(rows[ok], minlength=size).astype(float)
    total = np.bincount(rows[ok], margin[ok], size)
    square = np.bincount(rows[ok], margin[ok] ** 2, size)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = total / n
        var = (square - n * mean**2) / (n - 1)
        raw = np.sqrt(np.maximum(var, 0.0)) / mean
    usable = (n >= 2) & (mean > 0) & np.isfinite(raw)
    n = np.where(usable, n, 0.0)
    raw = np.where(usable, raw, 0.0)
    return np.sqrt((n * raw**2 + CV_PRIOR_CLIENTS * pooled**2) / (n + CV_PRIOR_CLIENTS))


@dataclass(frozen=True)
class Draws:
    """Posterior draws per group (rows of ``kpis``, the ``compute_kpis`` table): arrays of
    shape (groups, draws) for ``clients`` (expected clients λ), ``gain_per_client``, ``roi``,
    ``cac`` and ``net_margin_per_client``; ``cost`` per group (a fact, not drawn)."""

    kpis: pd.DataFrame
    keys: tuple[str, ...]
    cost: np.ndarray
    clients: np.ndarray
    gain_per_client: np.ndarray
    roi: np.ndarray
    cac: np.ndarray
    net_margin_per_client: np.ndarray
    cv: np.ndarray


def gain_per_client_draws(gain: np.ndarray, clients: np.ndarray, cv: np.ndarray, draws: int,
                          rng: np.random.Generator) -> np.ndarray:
    """Draws of the mean gain (margin or revenue) per client, shape (groups, draws).

    A Gamma of mean ``gain / clients`` and coefficient of variation ``cv / √clients``; a group
    without client (or without recorded gain) borrows the pooled mean with the spread of one
    client; NaN everywhere when nobody has a client.
    """
    gain = np.asarray(gain, dtype=float)
    clients = np.asarray(clients, dtype=float)
    ok = np.isfinite(gain) & np.isfinite(clients) & (clients > 0) & (gain > 0)
    pooled = gain[ok].sum() / clients[ok].sum() if ok.any() else np.nan
    mean = np.where(ok, gain / np.where(ok, clients, 1.0), pooled)
    n = np.where(ok, clients, 1.0)
    shape = n / np.maximum(np.asarray(cv, dtype=float), 1e-6) ** 2
    out = rng.gamma(shape[:, None], 1.0, size=(len(gain), draws)) / shape[:, None]
    return out * mean[:, None]


def kpi_draws(facts: pd.DataFrame, by: str | Sequence[str] = "channel", *,
              deals: pd.DataFrame | None = None, draws: int = DRAWS, seed: int = 0,
              include_indirect: bool = True, basis: str = "margin") -> Draws:
    """Seeded posterior draws of ROI, CAC and net margin per client for every group of
    ``compute_kpis(facts, by)`` (the model: this module's docstring).

    >>> facts = pd.DataFrame({"campaign_id": ["A"], "campaign": ["A"], "channel": ["x"],
    ...     "segment": ["s"], "team": ["t"], "month": pd.to_datetime(["2026-01-01"]),
    ...     "cost_direct_fixed": [8000.0], "cost_direct_variable": [0.0],
    ...     "cost_indirect_fixed": [0.0], "cost_indirect_variable": [0.0], "targets": [1000.0],
    ...     "contacts": [800.0], "leads": [120.0], "opportunities": [30.0], "meetings": [None],
    ...     "clients": [10.0], "revenue": [60000.0], "margin": [24000.0]})
    >>> d = kpi_draws(facts, draws=1000)
    >>> d.roi.shape, bool(0.5 < np.median(d.roi) < 3.5)
    ((1, 1000), True)
    """
    kpis = compute_kpis(facts, by, include_indirect=include_indirect, basis=basis)
    keys = group_keys(by)
    rng = np.random.default_rng(seed)
    cost = kpis["cost"].to_numpy(dtype=float)
    clients = kpis["clients"].to_numpy(dtype=float)
    gain = kpis["margin" if basis == "margin" else "revenue"].to_numpy(dtype=float)
    cv = margin_spread(facts, keys, deals, kpis)
    lam = rng.gamma(np.nan_to_num(clients)[:, None] + 0.5, 1.0, size=(len(kpis), draws))
    lam[~np.isfinite(clients)] = np.nan
    per_client = gain_per_client_draws(gain, clients, cv, draws, rng)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.where(cost > 0, cost, np.nan)[:, None]
        roi = (lam * per_client - c) / c
        cac = c / lam
        net = per_client - cac
    return Draws(kpis=kpis, keys=keys, cost=cost, clients=lam, gain_per_client=per_client,
                 roi=roi, cac=cac, net_margin_per_client=net, cv=cv)


def _quantiles(values: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    tail = (1.0 - level) / 2.0
    out = np.full((2, values.shape[0]), np.nan)
    ok = np.isfinite(values).all(axis=1)
    if ok.any():
        out[:, ok] = np.quantile(values[ok], [tail, 1.0 - tail], axis=1)
    return out[0], out[1]


def kpi_intervals(facts: pd.DataFrame, by: str | Sequence[str] = "channel", *,
                  deals: pd.DataFrame | None = None, level: float = LEVEL,
                  draws: int = DRAWS, seed: int = 0, include_indirect: bool = True,
                  basis: str = "margin") -> pd.DataFrame:
    """The ``level`` intervals of every KPI of ``INTERVAL_KPIS``, per group.

    Shape out: the rows and group columns of ``compute_kpis(facts, by)``, then
    ``<kpi>_low`` and ``<kpi>_high`` for each of ``INTERVAL_KPIS`` (rates as fractions,
    Beta quantiles; the others from ``kpi_draws``). NaN where the KPI is undefined
    (no cost, no recorded denominator; margin per client of a group without client).
    """
    d = kpi_draws(facts, by, deals=deals, draws=draws, seed=seed,
                  include_indirect=include_indirect, basis=basis)
    kpis = d.kpis
    lead = list(kpis.columns[: list(kpis.columns).index("campaigns")])
    cols: dict[str, np.ndarray] = {}
    has_clients = np.nan_to_num(kpis["clients"].to_numpy(dtype=float)) > 0
    for name, values in (("roi", d.roi), ("cac", d.cac),
                         ("margin_per_client", d.gain_per_client),
                         ("net_margin_per_client", d.net_margin_per_client)):
        low, high = _quantiles(values, level)
        if name in ("margin_per_client", "net_margin_per_client"):
            low, high = np.where(has_clients, low, np.nan), np.where(has_clients, high, np.nan)
        cols[f"{name}_low"], cols[f"{name}_high"] = low, high
    tail = (1.0 - level) / 2.0
    for name in RATE_NAMES:
        num, den = RATIOS[name]
        k = kpis[num].to_numpy(dtype=float)
        n = kpis[den].to_numpy(dtype=float)
        ok = np.isfinite(k) & np.isfinite(n)
        kk = np.clip(np.nan_to_num(k), 0, np.maximum(np.nan_to_num(n), 0))
        a = kk + PRIOR[0]
        b = np.maximum(np.nan_to_num(n), 0) - kk + PRIOR[1]
        cols[f"{name}_low"] = np.where(ok, stats.beta.ppf(tail, a, b), np.nan)
        cols[f"{name}_high"] = np.where(ok, stats.beta.ppf(1.0 - tail, a, b), np.nan)
    return pd.concat([kpis[lead].reset_index(drop=True), pd.DataFrame(cols)], axis=1)


def prob_beats(a: np.ndarray, b: np.ndarray) -> float:
    """P(A > B) from paired-independent draws of A and B: the share of draws where A wins
    (ties count half). NaN when either is undefined.

    >>> prob_beats(np.array([2.0, 3.0, 1.0]), np.array([1.0, 3.0, 2.0]))
    0.5
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if not (np.isfinite(a).all() and np.isfinite(b).all()) or len(a) == 0:
        return float("nan")
    return float(np.mean(a > b) + 0.5 * np.mean(a == b))


def roi_beats_table(facts: pd.DataFrame, by: str = "channel", *,
                    deals: pd.DataFrame | None = None, draws: int = DRAWS, seed: int = 0,
                    include_indirect: bool = True) -> pd.DataFrame:
    """P(row's ROI > column's ROI) for every pair of groups, a square frame indexed by the
    groups' first key (NaN on the diagonal)."""
    d = kpi_draws(facts, by, deals=deals, draws=draws, seed=seed,
                  include_indirect=include_indirect)
    names = [str(v) for v in d.kpis.iloc[:, 0]]
    table = pd.DataFrame(np.nan, index=names, columns=names)
    for i, a in enumerate(names):
        for j, b in enumerate(names):
            if i != j:
                table.loc[a, b] = prob_beats(d.roi[i], d.roi[j])
    return table


def with_intervals(table: pd.DataFrame, data: Dataset, by: str | Sequence[str] = "total", *,
                   level: float = LEVEL, draws: int = DRAWS, seed: int = 0,
                   include_indirect: bool = True, basis: str = "margin") -> pd.DataFrame:
    """``table`` (``roi_core.kpis.kpi_table(data, by)``, same rows in the same order) with
    the ``<kpi>_low`` / ``<kpi>_high`` columns of ``kpi_intervals`` appended (the deals'
    spread of margin per client when the workbook has deals)."""
    intervals = kpi_intervals(build_facts(data), by, deals=data.deals, level=level,
                              draws=draws, seed=seed, include_indirect=include_indirect,
                              basis=basis)
    if len(intervals) != len(table):
        raise ValueError("the KPI table and its intervals do not have the same groups")
    extra = [c for c in intervals.columns if c.endswith(("_low", "_high"))]
    return pd.concat([table.reset_index(drop=True), intervals[extra]], axis=1)
