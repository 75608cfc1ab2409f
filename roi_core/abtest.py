"""A/B tests of scripts, segments, offers: two groups of a fact table, compared honestly.

"Tester une variable à la fois … sur un volume limité, puis déployer ce qui fonctionne."
The groups are two values of any fact column (``segment``, ``team``, ``channel``,
``campaign_id`` for two campaigns, or a ``variant`` / ``script`` column the fact table
carries). For each funnel rate and for the cost per opportunity:

- the rate of A and of B with their Beta posteriors (Jeffreys' prior, as in
  ``roi_core.uncertainty``); the cost per opportunity as ``cost / λ`` with
  ``λ ~ Gamma(opportunities + ½, 1)``;
- the difference B − A with its ``level`` interval, and ``P(B beats A)`` (a higher rate, a
  lower cost per opportunity), from seeded draws;
- the expected loss of choosing each: ``E[max(A − B, 0)]`` for choosing B (in the metric's
  unit), the Bayesian stopping rule's quantity;
- the contacts still needed per group to decide at ``threshold``: with the observed rates
  ``p_A``, ``p_B`` and difference ``d``, a stage needs ``z² (p_A(1 − p_A) + p_B(1 − p_B)) / d²``
  trials per group (``z`` the normal quantile of ``threshold``), converted to contacts by the
  groups' trials per contact; for the cost per opportunity ``z² (1/r_A + 1/r_B) / ln(CPO_A /
  CPO_B)²`` contacts, ``r`` the opportunities per contact. Minus the contacts already made.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from roi_core.errors import InputError
from roi_core.kpis import RATIOS
from roi_core.uncertainty import LEVEL, PRIOR

__all__ = ["AB_THRESHOLD", "AB_METRICS", "ab_groups", "ab_test", "ab_sentence"]

AB_THRESHOLD = 0.95
AB_METRICS = ["contact_rate", "lead_rate", "meeting_rate", "opportunity_rate", "win_rate",
              "cost_per_opportunity"]
_SUMS = ["targets", "contacts", "leads", "meetings", "opportunities", "clients"]


def ab_groups(facts: pd.DataFrame, by: str, a: str | None = None,
              b: str | None = None) -> tuple[str, str]:
    """The two values of column ``by`` to compare: ``a`` and ``b`` if given, else the
    column's two values (more than two, or an unknown value, raise ``InputError``).

    >>> ab_groups(pd.DataFrame({"script": ["x", "y", "x"]}), "script")
    ('x', 'y')
    """
    if by not in facts.columns:
        raise InputError(f"there is no column '{by}' to compare groups by",
                         expected="one of " + ", ".join(
                             c for c in ("channel", "segment", "team", "campaign_id",
                                         "campaign") if c in facts.columns))
    values = sorted(str(v) for v in facts[by].dropna().unique())
    if a is None and b is None:
        if len(values) != 2:
            raise InputError(f"the column '{by}' has {len(values)} values, not two",
                             expected="two of them named with --a and --b: "
                             + ", ".join(values[:20]))
        return values[0], values[1]
    for v in (a, b):
        if v is None or v not in values:
            raise InputError(f"'{v}' is not a value of '{by}'",
                             expected="one of " + ", ".join(values[:20]))
    return str(a), str(b)


def _sums(facts: pd.DataFrame, by: str, value: str, include_indirect: bool) -> dict:
    rows = facts[facts[by].astype(str) == value]
    parts = ["cost_direct_fixed", "cost_direct_variable"]
    if include_indirect:
        parts += ["cost_indirect_fixed", "cost_indirect_variable"]
    out = {c: float(rows[c].sum(min_count=1)) for c in _SUMS}
    out["cost"] = float(rows[parts].sum(axis=1, min_count=1).sum(min_count=1))
    return out


def ab_test(facts: pd.DataFrame, by: str, a: str | None = None, b: str | None = None, *,
            threshold: float = AB_THRESHOLD, level: float = LEVEL, draws: int = 8000,
            seed: int = 0, include_indirect: bool = True) -> pd.DataFrame:
    """Compare groups ``a`` and ``b`` of column ``by`` on every funnel rate and on the cost
    per opportunity (the method: this module's docstring).

    Shape out: one row per metric with ``metric, a, b, a_value, b_value, a_low, a_high,
    b_low, b_high, difference, difference_low, difference_high, p_b_beats_a, loss_choose_a,
    loss_choose_b, contacts_needed, decision`` (``decision``: the value of the winner, or
    None while undecided). Metrics whose counts are not recorded are left out.

    >>> f = pd.DataFrame({"script": ["A", "B"], "contacts": [1000.0, 1000.0],
    ...     "leads": [100.0, 150.0], "opportunities": [20.0, 30.0], "clients": [5.0, 6.0],
    ...     "targets": [None, None], "meetings": [None, None],
    ...     "cost_direct_fixed": [5000.0, 5000.0], "cost_direct_variable": [0.0, 0.0],
    ...     "cost_indirect_fixed": [0.0, 0.0], "cost_indirect_variable": [0.0, 0.0]})
    >>> t = ab_test(f, "script").set_index("metric")
    >>> t.loc["lead_rate", "decision"], round(float(t.loc["lead_rate", "p_b_beats_a"]), 2)
    ('B', 1.0)
    """
    a, b = ab_groups(facts, by, a, b)
    sa, sb = _sums(facts, by, a, include_indirect), _sums(facts, by, b, include_indirect)
    rng = np.random.default_rng(seed)
    z = float(stats.norm.ppf(threshold))
    tail = (1.0 - level) / 2.0
    rows = []
    for metric in AB_METRICS:
        if metric == "cost_per_opportunity":
            if not all(np.isfinite([sa["cost"], sb["cost"], sa["opportunities"],
                                    sb["opportunities"]])):
                continue
            lam = [rng.gamma(s["opportunities"] + 0.5, 1.0, draws) for s in (sa, sb)]
            da, db = sa["cost"] / lam[0], sb["cost"] / lam[1]
            va = sa["cost"] / sa["opportunities"] if sa["opportunities"] else np.nan
            vb = sb["cost"] / sb["opportunities"] if sb["opportunities"] else np.nan
            beats = float(np.mean(db < da))
            loss_a, loss_b = float(np.mean(np.maximum(da - db, 0))), \
                float(np.mean(np.maximum(db - da, 0)))
            ra = sa["opportunities"] / sa["contacts"] if sa["contacts"] else np.nan
            rb = sb["opportunities"] / sb["contacts"] if sb["contacts"] else np.nan
            with np.errstate(divide="ignore", invalid="ignore"):
                gap = np.log(va / vb) ** 2
                need = z**2 * (1 / ra + 1 / rb) / gap if gap > 0 else np.inf
            made = min(sa["contacts"], sb["contacts"])
        else:
            num, den = RATIOS[metric]
            if not all(np.isfinite([sa[num], sa[den], sb[num], sb[den]])):
                continue
            post = []
            for s in (sa, sb):
                n = max(s[den], 0.0)
                k = min(max(s[num], 0.0), n)
                post.append((k + PRIOR[0], n - k + PRIOR[1]))
            da = rng.beta(*post[0], draws)
            db = rng.beta(*post[1], draws)
            va = sa[num] / sa[den] if sa[den] else np.nan
            vb = sb[num] / sb[den] if sb[den] else np.nan
            beats = float(np.mean(db > da))
            loss_a, loss_b = float(np.mean(np.maximum(db - da, 0))), \
                float(np.mean(np.maximum(da - db, 0)))
            pa, pb = (p[0] / (p[0] + p[1]) for p in post)
            d = pb - pa
            per_contact = (sa[den] + sb[den]) / (sa["contacts"] + sb["contacts"]) \
                if metric != "contact_rate" and (sa["contacts"] + sb["contacts"]) else 1.0
            with np.errstate(divide="ignore", invalid="ignore"):
                trials = z**2 * (pa * (1 - pa) + pb * (1 - pb)) / d**2 if d else np.inf
                need = trials / per_contact if per_contact else np.inf
            made = min(sa["contacts"], sb["contacts"]) if metric != "contact_rate" \
                else min(sa["targets"], sb["targets"])
        diff = db - da
        lo_a, hi_a = np.quantile(da, [tail, 1 - tail])
        lo_b, hi_b = np.quantile(db, [tail, 1 - tail])
        lo_d, hi_d = np.quantile(diff, [tail, 1 - tail])
        decision = b if beats >= threshold else a if beats <= 1 - threshold else None
        still = 0.0 if decision is not None else (
            float(max(need - made, 0.0)) if np.isfinite(need) else np.nan)
        rows.append({"metric": metric, "a": a, "b": b, "a_value": va, "b_value": vb,
                     "a_low": lo_a, "a_high": hi_a, "b_low": lo_b, "b_high": hi_b,
                     "difference": vb - va, "difference_low": lo_d, "difference_high": hi_d,
                     "p_b_beats_a": beats, "loss_choose_a": loss_a, "loss_choose_b": loss_b,
                     "contacts_needed": still, "decision": decision})
    return pd.DataFrame(rows)


def ab_sentence(row: pd.Series, lang: str = "fr") -> str:
    """One plain sentence for a row of ``ab_test``.

    >>> r = pd.Series({"metric": "lead_rate", "a": "A", "b": "B", "p_b_beats_a": 0.97,
    ...                "decision": "B", "contacts_needed": 0.0})
    >>> ab_sentence(r, "en")
    'Lead rate: B beats A (probability 97%).'
    """
    from roi_core.formatting import label, number, percent

    name = label(str(row["metric"]), lang)
    p = float(row["p_b_beats_a"])
    if row["decision"] is not None and not pd.isna(row["decision"]):
        win, lose = (row["b"], row["a"]) if row["decision"] == row["b"] else (row["a"],
                                                                              row["b"])
        prob = percent(max(p, 1 - p), lang, decimals=0)
        return (f"{name} : {win} fait mieux que {lose} (probabilité {prob})." if lang == "fr"
                else f"{name}: {win} beats {lose} (probability {prob}).")
    need = row["contacts_needed"]
    prob = percent(p, lang, decimals=0)
    more = number(need, lang) if not pd.isna(need) else "—"
    return (f"{name} : pas encore de gagnant (P({row['b']} > {row['a']}) = {prob}) ; environ "
            f"{more} contacts de plus par groupe pour trancher." if lang == "fr" else
            f"{name}: no winner yet (P({row['b']} > {row['a']}) = {prob}); about {more} more "
            "contacts per group to decide.")
