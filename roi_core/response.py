"""Response curves: what a channel's margin (and clients) would be at another budget.

Diminishing returns, fitted from the campaigns of each channel and honest about what a
dozen campaigns can tell. The points are campaigns: a campaign's cost and the clients
and margin it brought, summed over its months (``roi_core.facts`` rows campaign × month;
margin lags cost by the sales cycle, so a month's cost and that month's margin do not
belong together). Campaigns with no recorded or zero cost, and the "(unassigned)" channel
(shared costs), are not points.

The model, per channel ``k`` with campaigns ``i`` of cost ``c_i``::

    clients_i ~ Poisson(μ_i)          log μ_i = a_k + α_k · (log c_i − mean_k log c)
    margin_k(B) = margin per client_k × Σ_i μ_i × (B / B_today)^α_k

so a channel's budget ``B`` scales each of its campaigns by the same factor, and
``0 < α ≤ 1`` (the elasticity) makes margin and clients concave in cost: a 10 % bigger
budget brings ``α × 10 %`` more clients.

The prior (hierarchical: a shared shape, each channel near it)::

    α_k ~ Normal(α₀, SHAPE_SPREAD²)       SHAPE_SPREAD = 0.15
    α₀  ~ Normal(SHAPE_MEAN, SHAPE_SD²)   SHAPE_MEAN = 0.5, SHAPE_SD = 0.2
    a_k ~ Normal(log(max(clients_k, ½) / campaigns_k), 3²)   (weak: the level is the data's)

A channel whose campaigns all cost the same cannot tell its elasticity: it keeps the
shared one (learnt from the channels that can), not a straight line. The posterior is
the Laplace approximation at the joint maximum (Newton's method on the convex negative
log posterior), with the Poisson likelihood tempered by the Pearson dispersion ``φ``
(quasi-Poisson: campaigns vary more than Poisson; φ is shrunk towards 1 with the weight
of ``DISPERSION_PRIOR_DF`` degrees of freedom). The margin per client comes from
``roi_core.uncertainty`` (deals' spread). Draws of α are kept within [0.02, 0.98] so every
drawn curve is concave.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from roi_core.dataset import UNASSIGNED
from roi_core.uncertainty import DRAWS, LEVEL, gain_per_client_draws, margin_spread

__all__ = [
    "SHAPE_MEAN",
    "SHAPE_SD",
    "SHAPE_SPREAD",
    "DISPERSION_PRIOR_DF",
    "campaign_points",
    "Curves",
    "fit_curves",
    "curve_table",
]

SHAPE_MEAN = 0.5
SHAPE_SD = 0.2
SHAPE_SPREAD = 0.15
LEVEL_SD = 3.0
DISPERSION_PRIOR_DF = 4.0
ALPHA_RANGE = (0.02, 0.98)


def campaign_points(facts: pd.DataFrame, include_indirect: bool = True) -> pd.DataFrame:
    """One row per campaign with a positive cost: ``campaign_id, channel, cost, clients,
    margin`` (sums over its months; blank volumes count as 0).

    >>> f = pd.DataFrame({"campaign_id": ["A", "A", "B"], "channel": ["x", "x", "x"],
    ...     "cost_direct_fixed": [100.0, 50.0, 0.0], "cost_direct_variable": [0.0, 0.0, 0.0],
    ...     "cost_indirect_fixed": [10.0, 0.0, 0.0], "cost_indirect_variable": [0.0] * 3,
    ...     "clients": [1.0, 2.0, 1.0], "margin": [500.0, 900.0, 300.0]})
    >>> campaign_points(f).values.tolist()
    [['A', 'x', 160.0, 3.0, 1400.0]]
    """
    parts = ["cost_direct_fixed", "cost_direct_variable"]
    if include_indirect:
        parts += ["cost_indirect_fixed", "cost_indirect_variable"]
    cost = facts[parts].to_numpy(dtype=float, na_value=np.nan)
    recorded = np.isfinite(cost).any(axis=1)
    row_cost = np.where(recorded, np.nansum(cost, axis=1), 0.0)
    codes, ids = pd.factorize(facts["campaign_id"], sort=True)
    size = len(ids)
    first = np.full(size, len(codes))
    np.minimum.at(first, codes, np.arange(len(codes)))
    has_cost = np.bincount(codes, recorded, size) > 0
    points = pd.DataFrame({
        "campaign_id": np.asarray(ids, dtype=object),
        "channel": facts["channel"].to_numpy(dtype=object)[first],
        "cost": np.where(has_cost, np.bincount(codes, row_cost, size), np.nan),
        "clients": np.bincount(codes, np.nan_to_num(
            facts["clients"].to_numpy(dtype=float, na_value=np.nan)), size),
        "margin": np.bincount(codes, np.nan_to_num(
            facts["margin"].to_numpy(dtype=float, na_value=np.nan)), size)})
    keep = (points["cost"] > 0) & (points["channel"] != UNASSIGNED)
    return points[keep].reset_index(drop=True)


@dataclass(frozen=True)
class Curves:
    """Fitted response curves, one per channel (order of ``channels``).

    ``cost``: today's cost per channel (the sum over its campaign points); ``alpha``,
    ``clients`` (expected clients at today's cost) and ``gain_per_client``: posterior draws,
    shape (channels, draws); ``alpha_map`` / ``shared_alpha`` / ``dispersion``: the fit."""

    channels: list[str]
    cost: np.ndarray
    campaigns: np.ndarray
    observed_clients: np.ndarray
    observed_margin: np.ndarray
    alpha: np.ndarray
    clients: np.ndarray
    gain_per_client: np.ndarray
    alpha_map: np.ndarray
    alpha_sd: np.ndarray
    shared_alpha: float
    dispersion: float
    points: pd.DataFrame

    def margin(self, budgets: np.ndarray) -> np.ndarray:
        """Draws of each channel's expected margin at ``budgets`` (one per channel, €),
        shape (channels, draws): ``gain per client × clients × (B / B_today)^α``."""
        scale = np.asarray(budgets, dtype=float) / self.cost
        return self.gain_per_client * self.clients * scale[:, None] ** self.alpha

    def expected_clients(self, budgets: np.ndarray) -> np.ndarray:
        """Draws of each channel's expected clients at ``budgets``, shape (channels, draws)."""
        scale = np.asarray(budgets, dtype=float) / self.cost
        return self.clients * scale[:, None] ** self.alpha


def _nlp_parts(theta, k, z, y, prior_a, K, phi):
    a, al, a0 = theta[:K], theta[K:2 * K], theta[2 * K]
    eta = a[k] + al[k] * z
    mu = np.exp(eta)
    value = (np.sum(mu - y * eta) / phi + np.sum((a - prior_a) ** 2) / (2 * LEVEL_SD**2)
             + np.sum((al - a0) ** 2) / (2 * SHAPE_SPREAD**2)
             + (a0 - SHAPE_MEAN) ** 2 / (2 * SHAPE_SD**2))
    return value, mu


def _fit(k, z, y, prior_a, K, phi):
    """The joint maximum a posteriori and the Hessian there (Newton with backtracking)."""
    theta = np.concatenate([prior_a, np.full(K, SHAPE_MEAN), [SHAPE_MEAN]])
    value, mu = _nlp_parts(theta, k, z, y, prior_a, K, phi)
    for _ in range(100):
        r = (mu - y) / phi
        g = np.zeros(2 * K + 1)
        g[:K] = np.bincount(k, r, K) + (theta[:K] - prior_a) / LEVEL_SD**2
        dev = theta[K:2 * K] - theta[2 * K]
        g[K:2 * K] = np.bincount(k, r * z, K) + dev / SHAPE_SPREAD**2
        g[2 * K] = -dev.sum() / SHAPE_SPREAD**2 + (theta[2 * K] - SHAPE_MEAN) / SHAPE_SD**2
        h = np.zeros((2 * K + 1, 2 * K + 1))
        w = mu / phi
        idx = np.arange(K)
        h[idx, idx] = np.bincount(k, w, K) + 1 / LEVEL_SD**2
        h[idx, K + idx] = h[K + idx, idx] = np.bincount(k, w * z, K)
        h[K + idx, K + idx] = np.bincount(k, w * z * z, K) + 1 / SHAPE_SPREAD**2
        h[K + idx, 2 * K] = h[2 * K, K + idx] = -1 / SHAPE_SPREAD**2
        h[2 * K, 2 * K] = K / SHAPE_SPREAD**2 + 1 / SHAPE_SD**2
        if np.max(np.abs(g)) < 1e-10:
            break
        step = -np.linalg.solve(h, g)
        t = 1.0
        while True:
            new_value, new_mu = _nlp_parts(theta + t * step, k, z, y, prior_a, K, phi)
            if new_value <= value + 1e-4 * t * (g @ step) or t < 1e-8:
                break
            t /= 2
        theta, value, mu = theta + t * step, new_value, new_mu
    return theta, h, mu


def fit_curves(facts: pd.DataFrame, *, deals: pd.DataFrame | None = None, draws: int = DRAWS,
               seed: int = 0, include_indirect: bool = True) -> Curves:
    """Response curves of every channel with a positive cost (the model: module docstring).

    Shape in: a fact table (``build_facts``, filtered or not) and, optionally, the deals
    (for the spread of one client's margin). Seeded: the same seed gives the same draws.

    >>> f = pd.DataFrame({"campaign_id": ["A", "B", "C"], "channel": ["x", "x", "y"],
    ...     "cost_direct_fixed": [1000.0, 4000.0, 2000.0], "cost_direct_variable": [0.0] * 3,
    ...     "cost_indirect_fixed": [0.0] * 3, "cost_indirect_variable": [0.0] * 3,
    ...     "clients": [2.0, 5.0, 3.0], "margin": [2000.0, 5000.0, 3000.0]})
    >>> c = fit_curves(f, draws=500)
    >>> c.channels, c.cost.tolist(), bool(0 < c.shared_alpha < 1)
    (['x', 'y'], [5000.0, 2000.0], True)
    """
    points = campaign_points(facts, include_indirect)
    channels = sorted(points["channel"].astype(str).unique())
    K = len(channels)
    rng = np.random.default_rng(seed)
    if K == 0:
        empty = np.zeros((0, draws))
        return Curves(channels=[], cost=np.zeros(0), campaigns=np.zeros(0),
                      observed_clients=np.zeros(0), observed_margin=np.zeros(0), alpha=empty,
                      clients=empty, gain_per_client=empty, alpha_map=np.zeros(0),
                      alpha_sd=np.zeros(0), shared_alpha=SHAPE_MEAN, dispersion=1.0,
                      points=points)
    k = pd.Categorical(points["channel"].astype(str), categories=channels).codes.astype(int)
    x = np.log(points["cost"].to_numpy(dtype=float))
    z = x - (np.bincount(k, x, K) / np.bincount(k, minlength=K))[k]
    y = np.nan_to_num(points["clients"].to_numpy(dtype=float))
    n = np.bincount(k, minlength=K).astype(float)
    total = np.bincount(k, y, K)
    prior_a = np.log(np.maximum(total, 0.5) / n)

    theta, h, mu = _fit(k, z, y, prior_a, K, 1.0)
    df = max(len(y) - 2 * K, 0)
    pearson = float(np.sum((y - mu) ** 2 / mu))
    phi = max(1.0, (pearson + DISPERSION_PRIOR_DF) / (df + DISPERSION_PRIOR_DF))
    if phi > 1.0:
        theta, h, mu = _fit(k, z, y, prior_a, K, phi)
    cov = np.linalg.inv(h)
    cov = (cov + cov.T) / 2
    sample = rng.multivariate_normal(theta, cov, size=draws, method="cholesky").T
    a, alpha = sample[:K], np.clip(sample[K:2 * K], *ALPHA_RANGE)
    clients = np.zeros((K, draws))
    for j in range(K):
        zj = z[k == j]
        clients[j] = np.exp(a[j][:, None] + alpha[j][:, None] * zj[None, :]).sum(axis=1)

    cost = np.bincount(k, points["cost"].to_numpy(dtype=float), K)
    margin = np.bincount(k, np.nan_to_num(points["margin"].to_numpy(dtype=float)), K)
    keys = pd.DataFrame({"channel": channels})
    cv = margin_spread(facts, ("channel",), deals, keys)
    per_client = gain_per_client_draws(margin, total, cv, draws, rng)
    return Curves(channels=channels, cost=cost, campaigns=n, observed_clients=total,
                  observed_margin=margin, alpha=alpha, clients=clients,
                  gain_per_client=per_client, alpha_map=theta[K:2 * K],
                  alpha_sd=np.sqrt(np.diag(cov)[K:2 * K]), shared_alpha=float(theta[2 * K]),
                  dispersion=phi, points=points)


def curve_table(curves: Curves, *, upto: float = 2.0, steps: int = 31,
                level: float = LEVEL) -> pd.DataFrame:
    """The curves as a tidy frame for a chart: per channel and budget (0 to ``upto`` ×
    today's), the expected margin and clients and the margin's ``level`` band.

    Shape out: ``channel, cost, multiplier, margin, margin_low, margin_high, clients``.
    """
    tail = (1.0 - level) / 2.0
    multipliers = np.linspace(0.0, upto, steps)
    K = len(curves.channels)
    # (channels, steps, draws) in one pass: a chart's 40 points per channel at once
    grow = multipliers[None, :, None] ** curves.alpha[:, None, :]
    margin = (curves.gain_per_client * curves.clients)[:, None, :] * grow
    clients = curves.clients[:, None, :] * grow
    low, high = np.quantile(margin, [tail, 1.0 - tail], axis=2)
    return pd.DataFrame({
        "channel": np.repeat(np.asarray(curves.channels, dtype=object), steps),
        "cost": (curves.cost[:, None] * multipliers[None, :]).ravel(),
        "multiplier": np.tile(multipliers, K),
        "margin": margin.mean(axis=2).ravel(), "margin_low": low.ravel(),
        "margin_high": high.ravel(), "clients": clients.mean(axis=2).ravel()})
