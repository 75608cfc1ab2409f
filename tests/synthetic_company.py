"""Seeded synthetic companies with a known truth, for the calibration of ``roi_core.advice``.

A company has four channels; each runs 3–9 campaigns of varied sizes. The truth, per
channel ``k``: an elasticity ``α_k`` (around a company-wide ``α₀``, as the advisor's prior
assumes but does not know), a level ``θ_k``, a mean margin per client ``m_k``. A campaign of
cost ``c`` brings ``clients ~ Poisson(θ_k c^α_k ε)`` with a campaign-to-campaign factor
``ε`` (lognormal, mean 1, sd ≈ 0.2: campaigns vary more than Poisson), each client a margin
drawn from a Gamma of mean ``m_k`` and spread 0.5. About a third of the companies are
"balanced": today's split already has equal marginal returns (the true best move is none)
and the channels nearly the same shape (see ``make_company`` for the adversarial case).

``make_company(seed)`` is reproducible; ``true_margin(budgets)`` is the expected margin of
each channel at other budgets (each campaign scaled alike), ``true_roi()`` the ROI of what
was spent with its realised campaign factors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

CHANNELS = ["Téléprospection", "Emailing", "Social selling", "Salons"]
NOISE_SD = 0.2
CLIENT_CV = 0.5
BALANCED_SPREAD = 0.05


@dataclass(frozen=True)
class Company:
    facts: pd.DataFrame
    deals: pd.DataFrame
    channels: list[str]
    alpha: np.ndarray
    theta: np.ndarray
    margin_per_client: np.ndarray
    costs: list[np.ndarray]
    noise: list[np.ndarray]
    balanced: bool

    @property
    def today(self) -> np.ndarray:
        return np.array([c.sum() for c in self.costs])

    def true_margin(self, budgets: np.ndarray) -> np.ndarray:
        """Expected margin per channel at ``budgets`` (each campaign × budget / today)."""
        scale = np.asarray(budgets, dtype=float) / self.today
        return np.array([self.margin_per_client[k] * self.theta[k]
                         * np.sum((self.costs[k] * scale[k]) ** self.alpha[k])
                         for k in range(len(self.channels))])

    def true_roi(self) -> np.ndarray:
        """ROI of what was spent, with the realised campaign factors ε."""
        gain = np.array([self.margin_per_client[k] * self.theta[k]
                         * np.sum(self.costs[k] ** self.alpha[k] * self.noise[k])
                         for k in range(len(self.channels))])
        return (gain - self.today) / self.today


def make_company(seed: int, balanced: bool | None = None,
                 balanced_spread: float = BALANCED_SPREAD) -> Company:
    """One synthetic company (a fact table with one row per campaign, and its won deals).

    A balanced company's channels have nearly the same shape (elasticities within
    ``balanced_spread`` of each other) and today's split has equal marginal returns.
    ``balanced_spread=0.15`` (the unbalanced companies' spread) is the adversarial case: a
    channel's saturation hidden behind a high average ROI, with campaigns of similar sizes
    that cannot show it."""
    rng = np.random.default_rng(seed)
    if balanced is None:
        balanced = bool(rng.random() < 1 / 3)
    K = len(CHANNELS)
    alpha0 = float(np.clip(rng.normal(0.5, 0.2), 0.2, 0.85))
    alpha = np.clip(rng.normal(alpha0, balanced_spread if balanced else 0.15, K), 0.1, 0.95)
    margin = np.exp(rng.normal(np.log(2000.0), 0.4, K))
    costs = []
    for _ in range(K):
        scale = np.exp(rng.normal(np.log(8000.0), 0.7))
        costs.append(scale * np.exp(rng.normal(0.0, 0.35, rng.integers(3, 10))))
    today = np.array([c.sum() for c in costs])
    power = np.array([np.sum(c ** a) for c, a in zip(costs, alpha, strict=True)])
    if balanced:
        # Equal marginal returns: d margin / d B = α M / B = λ for every channel.
        lam = rng.uniform(0.9, 1.8)
        target = lam * today / alpha
    else:
        target = (1.0 + rng.uniform(-0.5, 2.0, K)) * today
    theta = target / (margin * power)
    rows, deals, noise = [], [], []
    for k, channel in enumerate(CHANNELS):
        eps = np.exp(rng.normal(-NOISE_SD**2 / 2, NOISE_SD, len(costs[k])))
        noise.append(eps)
        cpc = rng.uniform(2.0, 20.0)
        for i, cost in enumerate(costs[k]):
            cid = f"{channel[:3].upper()}-{i + 1:02d}"
            clients = int(rng.poisson(theta[k] * cost ** alpha[k] * eps[i]))
            per_client = rng.gamma(1 / CLIENT_CV**2, margin[k] * CLIENT_CV**2, clients)
            contacts = max(int(cost / cpc), 1)
            leads = int(rng.binomial(contacts, 0.12))
            opportunities = max(int(rng.binomial(leads, 0.3)), clients)
            rows.append({
                "campaign_id": cid, "campaign": cid, "channel": channel, "segment": "s",
                "team": "t", "month": pd.Timestamp("2026-01-01") + pd.DateOffset(months=i),
                "cost_direct_fixed": 0.0, "cost_direct_variable": float(cost),
                "cost_indirect_fixed": 0.0, "cost_indirect_variable": 0.0,
                "targets": float(contacts * 2), "contacts": float(contacts),
                "leads": float(leads), "opportunities": float(opportunities),
                "meetings": np.nan, "clients": float(clients),
                "revenue": float(per_client.sum() / 0.4), "margin": float(per_client.sum())})
            deals += [{"campaign_id": cid, "status": "won", "amount": float(m),
                       "margin_rate": 1.0} for m in per_client]
    facts = pd.DataFrame(rows)
    facts["month"] = pd.to_datetime(facts["month"])
    deal_frame = pd.DataFrame(deals, columns=["campaign_id", "status", "amount",
                                              "margin_rate"])
    return Company(facts=facts, deals=deal_frame, channels=CHANNELS, alpha=alpha,
                   theta=theta, margin_per_client=margin, costs=costs, noise=noise,
                   balanced=balanced)


def calibrate(companies: int, first_seed: int = 0, draws: int = 2000,
              balanced_spread: float = BALANCED_SPREAD) -> dict[str, float]:
    """Run the advisor on ``companies`` synthetic companies and measure it against the truth.

    Returns: ``roi_coverage`` (share of channels whose 80 % ROI interval holds the true
    ROI), ``curve_coverage`` (share of the response curves' 80 % bands holding the true
    expected margin at 0.7, 1 and 1.3 × today's budget), ``advised`` (share of companies
    with a recommendation), ``hit_rate`` (share of recommendations whose true gain is > 0),
    ``abstain_when_noise`` (share of abstentions among companies whose true best gain is
    below the noise of the estimate), and the counts behind them.
    """
    from roi_core.advice import advise, gain_draws, optimal_split
    from roi_core.uncertainty import kpi_intervals

    roi_in = roi_n = curve_in = curve_n = 0
    advised = hits = noise_n = noise_abstain = 0
    for seed in range(first_seed, first_seed + companies):
        c = make_company(seed, balanced_spread=balanced_spread)
        iv = kpi_intervals(c.facts, "channel", deals=c.deals, draws=draws, seed=seed)
        truth = pd.Series(c.true_roi(), index=c.channels)
        roi_true = truth.reindex(iv["channel"]).to_numpy()
        roi_in += int(np.sum((iv["roi_low"] <= roi_true) & (roi_true <= iv["roi_high"])))
        roi_n += len(iv)
        a = advise(c.facts, deals=c.deals, draws=draws, seed=seed)
        order = [c.channels.index(ch) for ch in a.channels]
        for s in (0.7, 1.0, 1.3):
            band = a.curves.margin(a.today * s)
            low, high = np.quantile(band, [0.1, 0.9], axis=1)
            true = c.true_margin(c.today * s)[order]
            curve_in += int(np.sum((low <= true) & (true <= high)))
            curve_n += len(true)
        true_today = c.true_margin(c.today)[order]
        if not a.abstained:
            advised += 1
            gain = c.true_margin(_reorder(a.proposed, order, c)).sum() - true_today.sum()
            hits += int(gain > 0)
        best = optimal_split(true_today[:, None], c.alpha[order][:, None], a.today, a.budget,
                             a.lower, a.upper)
        best_gain = float(np.sum(c.true_margin(_reorder(best, order, c))) - true_today.sum())
        noise = float(gain_draws(a.curves, a.reference, a.candidate).std())
        if best_gain < noise:
            noise_n += 1
            noise_abstain += int(a.abstained)
    return {"companies": companies, "roi_coverage": roi_in / roi_n,
            "curve_coverage": curve_in / curve_n, "advised": advised / companies,
            "recommendations": advised, "hit_rate": hits / advised if advised else np.nan,
            "within_noise": noise_n,
            "abstain_when_noise": noise_abstain / noise_n if noise_n else np.nan}


def _reorder(budgets: np.ndarray, order: list[int], company: Company) -> np.ndarray:
    """Budgets in the advisor's channel order → in the company's channel order."""
    out = np.zeros(len(company.channels))
    out[order] = budgets
    return out
