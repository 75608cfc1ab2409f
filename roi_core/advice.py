"""Where the next euro goes: a budget reallocation that says when the data cannot tell.

For a total budget (today's by default) and bounds per channel (a ± % change, a minimum, a
lock), ``advise`` finds the split that maximises the expected margin − cost along the
response curves of ``roi_core.response`` (posterior draws), then decides whether to say it:

1. **Reference**: today's split; with a new budget, today's split scaled to it (locked
   channels keep today's amount), so every move is a transfer between two channels.
2. **Optimum**: maximise ``Σ_k E[margin_k(B_k)]`` subject to ``Σ B_k = budget`` and
   ``lo_k ≤ B_k ≤ hi_k`` (each expected curve is concave: at the optimum the marginal
   returns of the free channels are equal). Amounts are rounded to the cent, the budget kept
   to the cent.
3. **Moves**: the change from the reference as transfers (largest giver to largest taker);
   a transfer under ``MIN_MOVE_SHARE`` of the budget is noise and dropped.
4. **Gate**: each transfer's gain (its margin − cost change, draw by draw, paired), its
   ``level`` interval (10th–90th percentile) and its probability of doing better than the
   reference. A transfer is advised only when that probability is at least ``threshold``
   (80 %) and the interval excludes 0; the plan is the advised transfers together, gated
   the same way. When the whole optimum fails, half and a quarter of it are tried (a
   prudent step in the same direction). Otherwise: abstain ("pas assez de données pour
   conseiller un transfert") and name what would decide it: the channel whose uncertainty
   weighs most in the gain, and how many more contacts (months at today's pace) would
   shrink the interval enough, as the interval narrows with the square root of the data.

Nothing here is in euros but the inputs: scaling every cost and margin by ``k`` scales
every move by ``k`` and keeps every probability (a property test).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, stats

from roi_core.errors import InputError
from roi_core.formatting import money, percent
from roi_core.response import Curves, fit_curves
from roi_core.scenario import Levers
from roi_core.uncertainty import LEVEL

__all__ = [
    "THRESHOLD",
    "MIN_MOVE_SHARE",
    "LADDER",
    "Move",
    "Decider",
    "Advice",
    "match_channels",
    "channel_bounds",
    "optimal_split",
    "transfers",
    "gain_draws",
    "advise",
    "sentences",
    "advice_table",
    "advice_levers",
]

THRESHOLD = 0.8
MIN_MOVE_SHARE = 0.005
LADDER = (1.0, 0.5, 0.25)
ABSTAIN = {"fr": "Pas assez de données pour conseiller un transfert",
           "en": "Not enough data to advise a transfer"}


@dataclass(frozen=True)
class Move:
    """One transfer of ``amount`` (€) from ``source`` to ``target`` and what it is expected
    to bring: ``gain`` (mean of margin − cost change), its interval and probability > 0."""

    source: str
    target: str
    amount: float
    gain: float
    low: float
    high: float
    probability: float

    def passes(self, threshold: float) -> bool:
        return self.probability >= threshold and (self.low > 0 or self.high < 0) \
            and self.gain > 0


@dataclass(frozen=True)
class Decider:
    """What would decide an abstention: more data on ``channel`` (``contacts`` more,
    ``months`` at today's pace), or ``None`` values when no amount of it would."""

    channel: str
    contacts: float
    months: float


@dataclass(frozen=True)
class Advice:
    """The outcome of ``advise``. ``proposed`` is the advised split (the reference when
    abstaining); ``candidate`` the best split found; ``moves`` the advised transfers (empty
    when abstaining), ``candidate_moves`` those of the best split; ``gain``, ``low``,
    ``high``, ``probability``: the advised plan's (the candidate's when abstaining)."""

    channels: list[str]
    today: np.ndarray
    reference: np.ndarray
    proposed: np.ndarray
    candidate: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    budget: float
    moves: list[Move]
    candidate_moves: list[Move]
    gain: float
    low: float
    high: float
    probability: float
    abstained: bool
    reason: str  # "advised", "uncertain", "balanced" (nothing worth moving), "single"
    decider: Decider | None
    threshold: float
    level: float
    curves: Curves = field(repr=False)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text))
    return "".join(c for c in text if not unicodedata.combining(c)).casefold().strip()


def match_channels(names: Iterable[str], channels: Sequence[str]) -> list[str]:
    """The channels that user-typed ``names`` designate: case- and accent-insensitive, a
    unique prefix is enough ("salons" → "Salons/Événements"). An unknown or ambiguous name
    raises ``InputError`` listing the channels.

    >>> match_channels(["salons", "EMAILING"], ["Emailing", "Salons/Événements"])
    ['Salons/Événements', 'Emailing']
    """
    out = []
    for name in names:
        folded = _fold(name)
        exact = [c for c in channels if _fold(c) == folded]
        found = exact or [c for c in channels if _fold(c).startswith(folded)]
        if len(found) != 1:
            raise InputError(f"the channel '{name}' is {'ambiguous' if found else 'unknown'}",
                             expected="one of " + ", ".join(channels))
        out.append(found[0])
    return out


def channel_bounds(today: np.ndarray, *, max_change: float | None = 0.3,
                   minimum: Sequence[float] | None = None,
                   locked: Sequence[bool] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Per channel ``(lo, hi)``: today × (1 ∓ max_change), at least ``minimum``; a locked
    channel keeps today's amount. ``max_change=None`` leaves the budget free (0 to ∞).

    >>> lo, hi = channel_bounds(np.array([100.0, 200.0]), max_change=0.3,
    ...                         minimum=[90.0, 0.0], locked=[False, True])
    >>> lo.tolist(), hi.tolist()
    ([90.0, 200.0], [130.0, 200.0])
    """
    today = np.asarray(today, dtype=float)
    if max_change is None:
        lo, hi = np.zeros_like(today), np.full_like(today, np.inf)
    else:
        if not 0 <= max_change:
            raise InputError(f"the maximum change is {max_change}", expected="0 % or more")
        lo, hi = today * max(1.0 - max_change, 0.0), today * (1.0 + max_change)
    if minimum is not None:
        lo = np.maximum(lo, np.asarray(minimum, dtype=float))
        hi = np.maximum(hi, lo)
    if locked is not None:
        lock = np.asarray(locked, dtype=bool)
        lo, hi = np.where(lock, today, lo), np.where(lock, today, hi)
    return lo, hi


def optimal_split(value: np.ndarray, alpha: np.ndarray, base: np.ndarray, budget: float,
                  lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """The budgets ``B`` maximising ``Σ_k mean_s value_ks (B_k / base_k)^alpha_ks`` with
    ``Σ B = budget`` and ``lo ≤ B ≤ hi`` (concave: equal marginal returns where free).

    ``value`` and ``alpha``: (channels, draws). Infeasible bounds raise ``InputError``.

    >>> # two channels, margin 2·√B and 4·√B: equal marginal returns at B₂ = 4 B₁
    >>> b = optimal_split(np.array([[2.0], [4.0]]), np.full((2, 1), 0.5), np.ones(2),
    ...                   100.0, np.zeros(2), np.full(2, np.inf))
    >>> [round(float(v), 4) for v in b]
    [20.0, 80.0]
    """
    lo = np.asarray(lo, dtype=float)
    hi = np.asarray(hi, dtype=float)
    if lo.sum() > budget * (1 + 1e-12) or hi.sum() < budget * (1 - 1e-12):
        raise InputError(f"a budget of {budget:,.2f} cannot be split within the channels' "
                         "bounds", expected=f"between {lo.sum():,.2f} and {hi.sum():,.2f} "
                         "(see --max-change, --lock, --minimum)")
    hi = np.minimum(hi, budget)
    free = hi - lo > budget * 1e-12
    if free.sum() <= 1:
        out = lo.copy()
        out[free] = budget - lo[~free].sum()
        return out
    scale = budget
    floor = np.maximum(lo, budget * 1e-9) / scale

    def objective(x):
        s = x[:, None] * scale / base[:, None]
        grow = s ** alpha
        f = -(value * grow).mean(axis=1).sum()
        g = -(value * alpha * grow / s).mean(axis=1) * scale / base
        return f / budget, g / budget

    start = np.clip(lo + (hi - lo) * 0.5, lo, hi)
    start = start * budget / start.sum() if np.isfinite(start).all() else \
        np.full(len(lo), budget / len(lo))
    start = np.clip(start, lo, hi) / scale
    res = optimize.minimize(
        objective, start, jac=True, method="SLSQP",
        bounds=list(zip(floor, hi / scale, strict=True)),
        constraints=[{"type": "eq", "fun": lambda x: x.sum() - 1.0,
                      "jac": lambda x: np.ones_like(x)}],
        options={"ftol": 1e-14, "maxiter": 500})
    out = np.clip(res.x * scale, lo, hi)
    return out


def _cents(values: np.ndarray, total: float, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Round to the cent, keeping the sum equal to ``total`` to the cent (the difference goes
    to the channel with the most room in that direction)."""
    cents = np.round(np.asarray(values, dtype=float) * 100).astype(np.int64)
    diff = int(round(total * 100)) - int(cents.sum())
    if diff:
        room = (hi * 100 - cents) if diff > 0 else (cents - lo * 100)
        cents[int(np.argmax(room))] += diff
    return cents / 100.0


def transfers(delta: np.ndarray, channels: Sequence[str]) -> list[tuple[str, str, float]]:
    """A zero-sum change per channel as transfers (source, target, amount): the largest
    giver pays the largest taker first.

    >>> transfers(np.array([-30.0, 10.0, 20.0]), ["a", "b", "c"])
    [('a', 'c', 20.0), ('a', 'b', 10.0)]
    """
    cents = np.round(np.asarray(delta, dtype=float) * 100).astype(np.int64)
    give = {i: -int(c) for i, c in enumerate(cents) if c < 0}
    take = {i: int(c) for i, c in enumerate(cents) if c > 0}
    out = []
    while give and take:
        g = max(give, key=lambda i: (give[i], -i))
        t = max(take, key=lambda i: (take[i], -i))
        amount = min(give[g], take[t])
        out.append((channels[g], channels[t], amount / 100.0))
        give[g] -= amount
        take[t] -= amount
        if give[g] == 0:
            del give[g]
        if take[t] == 0:
            del take[t]
    return out


def gain_draws(curves: Curves, reference: np.ndarray, budgets: np.ndarray) -> np.ndarray:
    """Draws of (margin − cost)(budgets) − (margin − cost)(reference), shape (draws,)."""
    change = curves.margin(budgets) - curves.margin(reference)
    return change.sum(axis=0) - (np.sum(budgets) - np.sum(reference))


def _stats(draws: np.ndarray, level: float) -> tuple[float, float, float, float]:
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(draws, [tail, 1.0 - tail])
    return float(draws.mean()), float(low), float(high), float(np.mean(draws > 0))


def _move(curves: Curves, reference: np.ndarray, source: str, target: str, amount: float,
          level: float) -> Move:
    budgets = reference.copy()
    budgets[curves.channels.index(source)] -= amount
    budgets[curves.channels.index(target)] += amount
    gain, low, high, prob = _stats(gain_draws(curves, reference, budgets), level)
    return Move(source, target, amount, gain, low, high, prob)


def _activity(facts: pd.DataFrame, channels: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Contacts and active months per channel (for "what would decide it")."""
    contacts, months = [], []
    for channel in channels:
        rows = facts[facts["channel"] == channel]
        contacts.append(float(np.nan_to_num(rows["contacts"].sum())))
        active = rows["month"][(rows["contacts"].fillna(0) > 0)
                               | (rows["cost_direct_fixed"].fillna(0)
                                  + rows["cost_direct_variable"].fillna(0) > 0)]
        months.append(float(max(active.nunique(), 1)))
    return np.array(contacts), np.array(months)


def _decider(curves: Curves, reference: np.ndarray, candidate: np.ndarray, level: float,
             threshold: float, facts: pd.DataFrame) -> Decider | None:
    """The channel whose curve's uncertainty weighs most in the candidate's gain, and the
    data factor ``f`` on it that would make the gain clear the gate: the gain's variance
    shrinks as 1 / data, so ``σ² − v + v / f = (μ / z)²``."""
    per_channel = curves.margin(candidate) - curves.margin(reference)
    gain = per_channel.sum(axis=0) - (candidate.sum() - reference.sum())
    mu, var = float(gain.mean()), float(gain.var())
    if mu <= 0 or var <= 0:
        return None
    z = float(stats.norm.ppf(max(threshold, (1.0 + level) / 2.0)))
    target = (mu / z) ** 2
    v = per_channel.var(axis=1)
    j = int(np.argmax(v))
    room = target - var + v[j]
    factor = v[j] / room if room > 0 else (z * math.sqrt(var) / mu) ** 2
    contacts, months = _activity(facts, curves.channels)
    return Decider(curves.channels[j], contacts[j] * (factor - 1), months[j] * (factor - 1))


def advise(facts: pd.DataFrame, *, deals: pd.DataFrame | None = None,
           budget: float | None = None, max_change: float | None = 0.3,
           minimum: Mapping[str, float] | None = None, locked: Iterable[str] = (),
           threshold: float = THRESHOLD, level: float = LEVEL, draws: int = 2000,
           seed: int = 0, include_indirect: bool = True,
           curves: Curves | None = None) -> Advice:
    """The reallocation advice for a fact table (the method: this module's docstring).

    ``budget``: the total to split (€, default today's); ``max_change``: the largest change
    per channel as a fraction (0.3 = ±30 %); ``minimum``: channel → € floor; ``locked``:
    channels kept at today's amount (names matched as ``match_channels`` does). Channels are
    those with a positive cost (shared costs are not a channel and are left as they are).
    """
    if curves is None:
        curves = fit_curves(facts, deals=deals, draws=draws, seed=seed,
                            include_indirect=include_indirect)
    channels = curves.channels
    today = curves.cost.copy()
    if not channels:
        raise InputError("no channel has a recorded cost: there is no budget to split",
                         expected="cost lines on the campaigns of at least two channels")
    total = float(today.sum()) if budget is None else float(budget)
    if not math.isfinite(total) or total <= 0:
        raise InputError(f"the budget is {budget}", expected="a positive amount")
    lock = set(match_channels(locked, channels))
    floor = dict(zip(match_channels(list((minimum or {}).keys()), channels),
                     (minimum or {}).values(), strict=True))
    is_locked = np.array([c in lock for c in channels], dtype=bool)
    lo, hi = channel_bounds(today, max_change=max_change,
                            minimum=[float(floor.get(c, 0.0)) for c in channels],
                            locked=is_locked)
    reference = today.copy()
    free_today = today[~is_locked].sum()
    if free_today > 0:
        reference[~is_locked] *= (total - today[is_locked].sum()) / free_today
    reference = _cents(reference, total, np.minimum(reference, lo), np.maximum(reference, hi))

    value = curves.gain_per_client * curves.clients
    best = optimal_split(value, curves.alpha, curves.cost, total, lo, hi) if channels \
        else today
    candidate = _cents(best, total, lo, hi)
    small = MIN_MOVE_SHARE * total

    def plan_for(budgets: np.ndarray) -> tuple[list[Move], list[Move]]:
        found = [_move(curves, reference, s, t, a, level)
                 for s, t, a in transfers(budgets - reference, channels) if a >= small]
        return found, [m for m in found if m.passes(threshold)]

    candidate_moves, _ = plan_for(candidate)
    for step in LADDER:
        trial = _cents(reference + step * (candidate - reference), total, lo, hi)
        if np.any(trial < lo - 0.01) or np.any(trial > hi + 0.01):
            continue
        _, kept = plan_for(trial)
        if not kept:
            continue
        proposed = reference.copy()
        for m in kept:
            proposed[channels.index(m.source)] -= m.amount
            proposed[channels.index(m.target)] += m.amount
        gain, low, high, prob = _stats(gain_draws(curves, reference, proposed), level)
        plan = Move("", "", 0.0, gain, low, high, prob)
        if plan.passes(threshold):
            return Advice(channels, today, reference, proposed, candidate, lo, hi, total, kept,
                          candidate_moves, gain, low, high, prob, False, "advised", None,
                          threshold, level, curves)
    gain, low, high, prob = _stats(gain_draws(curves, reference, candidate), level)
    movable = int(np.sum(hi - lo > small))
    reason = "uncertain" if candidate_moves else "balanced" if movable >= 2 else "single"
    decider = _decider(curves, reference, candidate, level, threshold, facts) \
        if candidate_moves else None
    return Advice(channels, today, reference, reference.copy(), candidate, lo, hi, total, [],
                  candidate_moves, gain, low, high, prob, True, reason, decider, threshold,
                  level, curves)


def _signed(value: float, lang: str, currency: str) -> str:
    text = money(abs(value), lang, currency)
    return ("+" if value >= 0 else "−") + text


def _move_sentence(m: Move, lang: str, currency: str, level: float) -> str:
    amount = money(m.amount, lang, currency)
    gain, low, high = (_signed(v, lang, currency) for v in (m.gain, m.low, m.high))
    prob = percent(m.probability, lang, decimals=0)
    lvl = percent(level, lang, decimals=0)
    if lang == "fr":
        return (f"Transférer {amount} du canal {m.source} vers le canal {m.target} : "
                f"{gain} de marge attendue ({lvl} : {low} à {high}), "
                f"probabilité de faire mieux : {prob}.")
    return (f"Move {amount} from {m.source} to {m.target}: {gain} expected margin "
            f"({lvl}: {low} to {high}), probability of doing better: {prob}.")


def sentences(advice: Advice, lang: str = "fr", currency: str = "EUR") -> list[str]:
    """The advice as plain sentences: one per advised transfer, then the whole plan; or the
    abstention, the best split it would have been, and what would decide it.

    French by default, English with ``lang="en"`` (numbers by ``roi_core.formatting``).
    """
    fr = lang == "fr"
    out = []
    today_total = float(advice.today.sum())
    if round(advice.budget, 2) != round(today_total, 2):
        b, t = money(advice.budget, lang, currency), money(today_total, lang, currency)
        out.append(f"Budget de {b} (aujourd'hui {t}), d'abord réparti comme aujourd'hui."
                   if fr else f"Budget of {b} (today {t}), first split as today.")
    lvl = percent(advice.level, lang, decimals=0)
    thr = percent(advice.threshold, lang, decimals=0)
    if not advice.abstained:
        out += [_move_sentence(m, lang, currency, advice.level) for m in advice.moves]
        if len(advice.moves) > 1:
            gain, low, high = (_signed(v, lang, currency)
                               for v in (advice.gain, advice.low, advice.high))
            prob = percent(advice.probability, lang, decimals=0)
            out.append(f"Ensemble : {gain} de marge attendue ({lvl} : {low} à {high}), "
                       f"probabilité de faire mieux : {prob}." if fr else
                       f"Together: {gain} expected margin ({lvl}: {low} to {high}), "
                       f"probability of doing better: {prob}.")
        return out
    head = ABSTAIN[lang if lang in ABSTAIN else "en"]
    if advice.reason == "single":
        out.append(f"{head} : un seul canal peut varier dans ces limites, il n'y a rien à "
                   "réallouer." if fr else
                   f"{head}: only one channel can change within these bounds; there is "
                   "nothing to reallocate.")
        return out
    if advice.reason == "balanced":
        out.append(f"{head} : le partage actuel est déjà proche du meilleur, les rendements "
                   "marginaux des canaux sont proches." if fr else
                   f"{head}: today's split is already close to the best; the channels' "
                   "marginal returns are close.")
        return out
    best = " ; ".join(
        (f"{money(m.amount, lang, currency)} du canal {m.source} vers le canal {m.target}"
         if fr else f"{money(m.amount, lang, currency)} from {m.source} to {m.target}")
        for m in advice.candidate_moves)
    gain, low, high = (_signed(v, lang, currency) for v in (advice.gain, advice.low,
                                                            advice.high))
    prob = percent(advice.probability, lang, decimals=0)
    if advice.probability < advice.threshold:
        why = f"sous le seuil de {thr}" if fr else f"below the {thr} threshold"
    elif advice.low <= 0:
        why = f"mais l'intervalle à {lvl} contient 0" if fr else \
            f"but the {lvl} interval contains 0"
    else:
        why = "mais aucun des transferts, pris seul, ne passe ce seuil" if fr else \
            "but none of its transfers clears that bar on its own"
    out.append(f"{head} : le meilleur partage trouvé ({best}) rapporterait {gain} "
               f"({lvl} : {low} à {high}), probabilité de faire mieux : {prob}, {why}."
               if fr else
               f"{head}: the best split found ({best}) would bring {gain} ({lvl}: {low} to "
               f"{high}), probability of doing better: {prob}, {why}.")
    d = advice.decider
    if d is not None and d.months <= 60:
        contacts = max(d.contacts, 0.0)
        out.append(
            f"Ce qui trancherait : environ {_count(contacts, lang)} contacts de plus sur le "
            f"canal {d.channel} (≈ {_count(math.ceil(d.months), lang)} mois au rythme "
            "actuel), ou des campagnes de tailles différentes sur ce canal pour mesurer son "
            "rendement décroissant." if fr else
            f"What would decide it: about {_count(contacts, lang)} more contacts on "
            f"{d.channel} (≈ {_count(math.ceil(d.months), lang)} months at today's pace), or "
            "campaigns of different sizes on that channel to measure its diminishing returns.")
    elif d is not None:
        out.append(f"Ce qui trancherait : des campagnes de tailles différentes sur le canal "
                   f"{d.channel} (plus de cinq ans au rythme actuel sinon)." if fr else
                   f"What would decide it: campaigns of different sizes on {d.channel} (more "
                   "than five years at today's pace otherwise).")
    return out


def _count(value: float, lang: str) -> str:
    from roi_core.formatting import number

    return number(round(value, -2) if value >= 1000 else value, lang)


def advice_table(advice: Advice) -> pd.DataFrame:
    """Per channel: today's budget, the reference, the advised and the best split (€), the
    bounds, and the expected margin at today's and at the advised budgets.

    Shape out: ``channel, today, reference, proposed, change, change_share, candidate,
    lower, upper, margin_today, margin_proposed, margin_candidate`` (expected margins).
    """
    c = advice.curves
    return pd.DataFrame({
        "channel": advice.channels, "today": advice.today, "reference": advice.reference,
        "proposed": advice.proposed, "change": advice.proposed - advice.today,
        "change_share": np.where(advice.today > 0,
                                 (advice.proposed - advice.today) / advice.today, np.nan),
        "candidate": advice.candidate, "lower": advice.lower, "upper": advice.upper,
        "margin_today": c.margin(advice.today).mean(axis=1) if len(c.channels) else [],
        "margin_proposed": c.margin(advice.proposed).mean(axis=1) if len(c.channels) else [],
        "margin_candidate": c.margin(advice.candidate).mean(axis=1) if len(c.channels)
        else []})


def advice_levers(advice: Advice, facts: pd.DataFrame, *, include_indirect: bool = True,
                  candidate: bool = False) -> Levers:
    """The advised split as the meeting app's scenario levers (``roi_core.scenario``), so
    every figure of the app follows it.

    A channel's budget × ``s`` moves its margin × E[s^α] (the curve): the volume lever
    ``volume.<channel> = v`` with ``v`` that expected factor (the whole funnel and the
    variable costs follow it), and the cost lever ``cost.<channel> = s (F + V) / (F + V v)``
    with ``F`` / ``V`` the channel's fixed / variable costs, so its cost is × ``s``.
    ``candidate=True`` takes the best split found even when the advice abstains.
    """
    target = advice.candidate if candidate else advice.proposed
    c = advice.curves
    volume, cost = {}, {}
    parts = ["direct"] + (["indirect"] if include_indirect else [])
    for j, channel in enumerate(advice.channels):
        s = target[j] / advice.today[j]
        if abs(s - 1.0) < 1e-9:
            continue
        rows = facts[facts["channel"] == channel]
        fixed = sum(float(rows[f"cost_{p}_fixed"].sum()) for p in parts)
        variable = sum(float(rows[f"cost_{p}_variable"].sum()) for p in parts)
        v = float((c.margin(target)[j].mean()) / c.margin(advice.today)[j].mean())
        volume[channel] = v
        cost[channel] = s * (fixed + variable) / (fixed + variable * v)
    return Levers(channel_cost=cost, channel_volume=volume)
