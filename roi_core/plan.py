"""Plan the quarter: from a target back to contacts, calls, people, budget and cash.

The planning question of the quarterly meeting ("to sign 30 clients next quarter, how many
calls, how many people, what budget, and when does the money come back?") answered from
the measured history (a fact table, filtered or not, ``roi_core.scenario.base_table``), or
from a scenario's levers (``roi_core.scenario.Levers``: the rates are those of the scenario).

Prepare → compute, in four steps, each a pure function:

1. ``plan_rates``: per channel, the rates and unit costs of the history (or scenario).
2. ``reverse_funnel``: the target split across channels (today's mix, or ``split=``), then
   per channel, bottom-up, each stage rounded up to whole units::

       clients       = the channel's target (whole clients; a margin or revenue target
                       gives ⌈target / margin (revenue) per client⌉)
       opportunities = ⌈clients / win_rate⌉
       meetings      = ⌈opportunities × meetings / opportunity⌉   (meetings not recorded: —)
       leads         = ⌈opportunities / opportunity_rate⌉
       contacts      = ⌈leads / lead_rate⌉
       targets       = ⌈contacts / contact_rate⌉
       cost          = contacts × variable cost per contact + fixed cost per month × months

   Variable costs follow the volume, fixed costs do not (as in ``roi_core.scenario``): the
   plan pays the fixed cost lines at the history's monthly rate for the period's months.
   The **binding stage** is the conversion step (lead, opportunity, win) with the lowest
   rate: the one where one more percentage point saves the most contacts
   (∂contacts/∂rate = −contacts / rate), with ``contacts_saved_per_point`` beside it.
3. ``activity_rates`` / ``team_capacity`` / ``capacity``: activities (calls, e-mails,
   meetings, …) per contact and minutes per activity measured from the activities sheet,
   the rep hours they take, turned into FTE with a utilisation (the share of a paid month
   spent on logged activities; measured by default, so today's volume needs today's team)
   and the hiring gap against today's team.
4. ``cycle_offsets`` / ``cash_flow`` / ``payback``: the planned clients sign after the
   measured sales cycle (first contact → signature, ``roi_core.facts.build_cycles``) of
   their channel; margin arrives at signature (+ ``payment_delay_months``); cost goes out
   in the months of the activity. Cumulative cash per channel and in total, the payback
   month, the peak cash need, and a band (10th–90th percentile by default) from the
   cycle's spread: each planned client drawn, many times, a contact month of the period and
   a cycle among the channel's measured ones.

Policies: the period's activity (contacts, costs) is spread evenly over its months; an
offset of k months is ⌊cycle days / 30.4375⌋ (an average month). A rate of zero or not
recorded makes the stages above it not reachable (NaN, shown "—"). Shared costs (the
"(unassigned)" channel, or a channel without contacts) are carried at their monthly rate
in the total, and planned on no channel. ROI and payback count the first deal's margin
by default; ``lifetime_margin_per_client`` gives the lifetime margin (``basis="lifetime"``,
labelled wherever it is shown).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from roi_core.cohorts import PERIOD_DAYS
from roi_core.dataset import UNASSIGNED, Dataset
from roi_core.errors import InputError
from roi_core.facts import COST_PARTS, build_cycles, filter_facts
from roi_core.formatting import label, money, number, percent
from roi_core.kpis import compute_kpis, ratio
from roi_core.scenario import Levers, apply_levers

__all__ = [
    "TARGET_KINDS",
    "STAGES",
    "HOURS_PER_FTE_MONTH",
    "Target",
    "ceil_units",
    "split_target",
    "split_from_budget",
    "plan_rates",
    "reverse_funnel",
    "forward_funnel",
    "activity_rates",
    "team_capacity",
    "capacity",
    "cycle_offsets",
    "channel_offsets",
    "signing_shares",
    "cash_flow",
    "payback",
    "repeat_deals_per_client",
    "lifetime_margin_per_client",
    "Team",
    "Plan",
    "plan_quarter",
    "FUNNEL_COLUMNS",
    "CAPACITY_COLUMNS",
    "CASH_COLUMNS",
    "PLAN_LABELS",
    "plan_label",
    "next_quarter",
    "plan_table",
]

TARGET_KINDS = ("clients", "margin", "revenue")
# The stages of a plan, in the order of the sale.
STAGES = ["targets", "contacts", "leads", "meetings", "opportunities", "clients"]
# 35 h a week × 52 weeks / 12 months: a full-time month in France.
HOURS_PER_FTE_MONTH = 35 * 52 / 12
_MONTH_DAYS = PERIOD_DAYS["month"]
_STEPS = ["lead_rate", "opportunity_rate", "win_rate"]


@dataclass(frozen=True)
class Target:
    """What the plan must reach: ``value`` clients, or euros of margin or revenue, from the
    prospecting of the months ``first``..``last`` (inclusive).

    >>> t = Target("clients", 30, "2027-01", "2027-03")
    >>> t.months, [m.strftime("%Y-%m") for m in t.month_starts()]
    (3, ['2027-01', '2027-02', '2027-03'])
    """

    kind: str
    value: float
    first: object
    last: object

    def __post_init__(self) -> None:
        if self.kind not in TARGET_KINDS:
            raise InputError(f"the target kind '{self.kind}' is not known",
                             expected=f"one of {', '.join(TARGET_KINDS)}")
        value = float(self.value)
        if not math.isfinite(value) or value <= 0:
            raise InputError(f"the target is {self.value}", expected="a positive number")
        if self.months < 1:
            raise InputError("the period ends before it starts",
                             expected="the first month first, such as 2027-01..2027-03")

    @property
    def start(self) -> pd.Timestamp:
        return pd.Timestamp(self.first).to_period("M").to_timestamp()

    @property
    def months(self) -> int:
        first = pd.Timestamp(self.first).to_period("M")
        last = pd.Timestamp(self.last).to_period("M")
        return (last - first).n + 1

    def month_starts(self) -> list[pd.Timestamp]:
        return list(pd.date_range(self.start, periods=self.months, freq="MS"))


def ceil_units(value: float) -> float:
    """⌈value⌉ as a plan rounds: whole units, ignoring floating-point dust (10 / (10/30) is
    30.000000000000004, a plan of 30, not 31); NaN stays NaN.

    >>> ceil_units(10 / (10 / 30)), ceil_units(30.2), ceil_units(float("nan"))
    (30.0, 31.0, nan)
    """
    if value is None or not math.isfinite(float(value)):
        return float("nan")
    return float(math.ceil(round(float(value), 9)))


def split_target(total: float, weights: Mapping[str, float], whole: bool = True
                 ) -> dict[str, float]:
    """``total`` shared in proportion to ``weights`` (channel → weight ≥ 0).

    ``whole``: whole units that sum to ``total`` exactly (largest remainders; ties to the
    larger weight, then the name). All weights zero or missing: ``InputError``.

    >>> split_target(30, {"calls": 97, "mail": 6, "social": 17, "events": 27})
    {'calls': 20.0, 'mail': 1.0, 'social': 3.0, 'events': 6.0}
    >>> split_target(100.0, {"a": 1, "b": 3}, whole=False)
    {'a': 25.0, 'b': 75.0}
    """
    clean = {k: float(v) if v is not None and math.isfinite(float(v)) and v > 0 else 0.0
             for k, v in weights.items()}
    weight = sum(clean.values())
    if weight <= 0:
        raise InputError("no channel has anything to split the target by",
                         expected="a history with clients, or a split with positive shares")
    exact = {k: total * v / weight for k, v in clean.items()}
    if not whole:
        return exact
    out = {k: float(math.floor(round(v, 9))) for k, v in exact.items()}
    left = int(round(total - sum(out.values())))
    order = sorted(exact, key=lambda k: (-(exact[k] - out[k]), -clean[k], k))
    for k in order[:max(left, 0)]:
        out[k] += 1.0
    return out


def split_from_budget(budget_shares: Mapping[str, float], cost_per_client: Mapping[str, float]
                      ) -> dict[str, float]:
    """Target weights from a budget split (an advisor's recommendation, issue "Where the
    next euro goes"): a channel's clients ∝ its budget share / its cost per client.

    >>> split_from_budget({"a": 0.5, "b": 0.5}, {"a": 1000.0, "b": 500.0})
    {'a': 0.3333333333333333, 'b': 0.6666666666666666}
    """
    raw = {k: ratio(v, cost_per_client.get(k, float("nan"))) for k, v in budget_shares.items()}
    raw = {k: v if math.isfinite(v) else 0.0 for k, v in raw.items()}
    total = sum(raw.values())
    return {k: v / total if total else 0.0 for k, v in raw.items()}


def _history_months(table: pd.DataFrame) -> int:
    months = table["month"].dropna()
    if months.empty:
        return 1
    first, last = months.min().to_period("M"), months.max().to_period("M")
    return (last - first).n + 1


def plan_rates(table: pd.DataFrame, levers: Levers | None = None, *,
               include_indirect: bool = True, history_months: int | None = None
               ) -> pd.DataFrame:
    """Per channel, the rates and unit costs a plan is built on.

    ``table``: a fact table (``roi_core.scenario.base_table``, filtered as the meeting
    wants); ``levers``: a ``roi_core.scenario.Levers`` whose scenario gives the rates
    instead of the history; ``history_months``: how many months the table covers (default:
    first to last month in it), for the fixed costs per month.

    Shape out: one row per channel with contacts: channel, clients, margin, revenue (the
    history's, for the mix), contact_rate, lead_rate, opportunity_rate,
    meetings_per_opportunity, win_rate, revenue_per_client, margin_per_client,
    variable_cost_per_contact, fixed_cost_per_month, cost_per_client (the history's CAC);
    then, when some cost sits on no plannable channel, a row "(unassigned)" with its whole
    cost as ``fixed_cost_per_month``.

    >>> t = pd.DataFrame({"campaign_id": ["A"], "channel": ["calls"],
    ...     "month": pd.to_datetime(["2026-01-01"]), "cost_direct_fixed": [0.0],
    ...     "cost_direct_variable": [8000.0], "cost_indirect_fixed": [0.0],
    ...     "cost_indirect_variable": [0.0], "targets": [1000.0], "contacts": [800.0],
    ...     "leads": [120.0], "opportunities": [30.0], "meetings": [float("nan")],
    ...     "clients": [10.0], "revenue": [60000.0], "margin": [24000.0]})
    >>> r = plan_rates(t).iloc[0]
    >>> [round(float(r[c]), 4) for c in ("lead_rate", "win_rate", "variable_cost_per_contact")]
    [0.15, 0.3333, 10.0]
    """
    months = int(history_months or _history_months(table))
    if levers is not None:
        table = apply_levers(table, levers)
    table = table.copy()
    parts = COST_PARTS if include_indirect else COST_PARTS[:2]
    variable = [p for p in parts if p.endswith("variable")]
    fixed = [p for p in parts if p.endswith("fixed")]
    table["_variable"] = table[variable].sum(axis=1, min_count=1)
    table["_fixed"] = table[fixed].sum(axis=1, min_count=1)
    kpis = compute_kpis(table, "channel", include_indirect=include_indirect).set_index(
        "channel")
    with_contacts = table["contacts"].notna()
    var_sum = table[with_contacts].groupby("channel")["_variable"].sum(min_count=1)
    fixed_sum = table.groupby("channel")["_fixed"].sum(min_count=1)
    rows = []
    shared = 0.0
    for channel, k in kpis.iterrows():
        contacts = float(k["contacts"]) if pd.notna(k["contacts"]) else 0.0
        if channel == UNASSIGNED or contacts <= 0:
            shared += float(np.nansum([k["cost"]]))
            continue
        v = float(var_sum.get(channel, np.nan))
        rows.append({
            "channel": channel, "clients": float(k["clients"]), "margin": float(k["margin"]),
            "revenue": float(k["revenue"]), "contact_rate": float(k["contact_rate"]),
            "lead_rate": float(k["lead_rate"]),
            "opportunity_rate": float(k["opportunity_rate"]),
            "meetings_per_opportunity": float(k["meeting_rate"]),
            "win_rate": float(k["win_rate"]),
            "revenue_per_client": float(k["revenue_per_client"]),
            "margin_per_client": float(k["margin_per_client"]),
            "variable_cost_per_contact": ratio(0.0 if np.isnan(v) else v, contacts),
            "fixed_cost_per_month": float(np.nan_to_num(fixed_sum.get(channel, 0.0)))
            / months,
            "cost_per_client": float(k["cac"])})
    if shared:
        rows.append({"channel": UNASSIGNED, "fixed_cost_per_month": shared / months,
                     "variable_cost_per_contact": 0.0})
    return pd.DataFrame(rows, columns=_RATE_COLUMNS)


_RATE_COLUMNS = ["channel", "clients", "margin", "revenue", "contact_rate", "lead_rate",
                 "opportunity_rate", "meetings_per_opportunity", "win_rate",
                 "revenue_per_client", "margin_per_client", "variable_cost_per_contact",
                 "fixed_cost_per_month", "cost_per_client"]
FUNNEL_COLUMNS = ["channel", "target_share", "clients", "opportunities", "meetings", "leads",
                  "contacts", "targets", "cost_variable", "cost_fixed", "cost", "revenue",
                  "margin", "cac", "roi", "binding_stage", "contacts_saved_per_point"]


def _divide_up(value: float, rate: float) -> float:
    if not (value > 0):
        return 0.0 if value == 0 else float("nan")
    if not (rate > 0) or not math.isfinite(rate):
        return float("nan")
    return ceil_units(value / rate)


def _binding(rates: pd.Series, contacts: float, clients: float) -> tuple[object, float]:
    """The conversion step with the lowest rate, and the contacts one more point saves."""
    values = {s: float(rates[s]) for s in _STEPS}
    if any(not (v > 0) for v in values.values()):
        missing = [s for s, v in values.items() if not (v > 0)]
        return missing[0], float("nan")
    step = min(values, key=lambda s: values[s])
    better = dict(values)
    better[step] = min(1.0, better[step] + 0.01)
    product = better["lead_rate"] * better["opportunity_rate"] * better["win_rate"]
    return step, float(contacts - clients / product) if clients else 0.0


def reverse_funnel(rates: pd.DataFrame, target: Target, *,
                   split: Mapping[str, float] | None = None) -> pd.DataFrame:
    """The plan per channel and its total: ``target`` split across channels, then each
    channel's funnel run backwards, every stage rounded up (see the module doc).

    ``split``: channel → weight, the share of the target each channel carries (an advisor's
    budget split goes through ``split_from_budget`` first); default: today's mix, the
    history's clients (margin, revenue) per channel for a clients (margin, revenue) target.
    A clients target is shared in whole clients summing to it.

    Shape out: ``FUNNEL_COLUMNS``, one row per channel (and "(unassigned)" for shared costs),
    then a "total" row: the sums, its ``cac`` and ``roi`` as ratios of those sums, its
    binding stage the channels' most frequent one.

    >>> rates = pd.DataFrame({"channel": ["case"], "clients": [10.0], "margin": [24000.0],
    ...     "revenue": [60000.0], "contact_rate": [0.8], "lead_rate": [0.15],
    ...     "opportunity_rate": [0.25], "meetings_per_opportunity": [float("nan")],
    ...     "win_rate": [1 / 3], "revenue_per_client": [6000.0],
    ...     "margin_per_client": [2400.0], "variable_cost_per_contact": [10.0],
    ...     "fixed_cost_per_month": [0.0], "cost_per_client": [800.0]})
    >>> f = reverse_funnel(rates, Target("clients", 10, "2027-01", "2027-01")).iloc[0]
    >>> [float(f[c]) for c in ("opportunities", "leads", "contacts", "targets", "cost")]
    [30.0, 120.0, 800.0, 1000.0, 8000.0]
    """
    plannable = rates[rates["channel"] != UNASSIGNED]
    if plannable.empty:
        raise InputError("the history has no channel with contacts to plan from",
                         expected="a funnel with contacts, leads, opportunities, clients")
    if split is None:
        weights = dict(zip(plannable["channel"], plannable[target.kind], strict=True))
    else:
        unknown = sorted(set(split) - set(plannable["channel"]))
        if unknown:
            raise InputError(f"the split names channels without history: {', '.join(unknown)}",
                             expected="channels of the workbook")
        weights = {c: float(split.get(c, 0.0)) for c in plannable["channel"]}
    whole = target.kind == "clients"
    shares = split_target(ceil_units(target.value) if whole else target.value, weights,
                          whole=whole)
    total_weight = sum(v for v in weights.values() if v > 0)
    rows = []
    for _, r in rates.iterrows():
        channel = r["channel"]
        fixed = float(r["fixed_cost_per_month"]) * target.months
        if channel == UNASSIGNED:
            rows.append({"channel": channel, "target_share": 0.0, "cost_variable": 0.0,
                         "cost_fixed": fixed, "cost": fixed})
            continue
        goal = shares[channel]
        if target.kind == "clients":
            clients = goal
        else:
            per_client = float(r[f"{target.kind}_per_client"])
            clients = _divide_up(goal, per_client)
        opportunities = _divide_up(clients, float(r["win_rate"]))
        leads = _divide_up(opportunities, float(r["opportunity_rate"]))
        contacts = _divide_up(leads, float(r["lead_rate"]))
        targets = _divide_up(contacts, float(r["contact_rate"]))
        mpo = float(r["meetings_per_opportunity"])
        meetings = ceil_units(opportunities * mpo) if math.isfinite(mpo) else float("nan")
        cost_variable = contacts * float(np.nan_to_num(r["variable_cost_per_contact"]))
        cost = cost_variable + fixed
        margin = clients * float(r["margin_per_client"])
        stage, saved = _binding(r, contacts, clients)
        rows.append({
            "channel": channel,
            "target_share": max(weights[channel], 0.0) / total_weight,
            "clients": clients, "opportunities": opportunities, "meetings": meetings,
            "leads": leads, "contacts": contacts, "targets": targets,
            "cost_variable": cost_variable, "cost_fixed": fixed, "cost": cost,
            "revenue": clients * float(r["revenue_per_client"]), "margin": margin,
            "cac": ratio(cost, clients), "roi": ratio(margin - cost, cost),
            "binding_stage": stage, "contacts_saved_per_point": saved})
    out = pd.DataFrame(rows, columns=FUNNEL_COLUMNS)
    sums = {c: out[c].sum(min_count=1) for c in FUNNEL_COLUMNS[1:14] if c not in ("cac", "roi")}
    stages = out["binding_stage"].dropna()
    total = {"channel": "total", **sums,
             "cac": ratio(sums["cost"], sums["clients"]),
             "roi": ratio(sums["margin"] - sums["cost"], sums["cost"]),
             "binding_stage": stages.mode().iloc[0] if len(stages) else None,
             "contacts_saved_per_point": out["contacts_saved_per_point"].sum(min_count=1)}
    return pd.concat([out, pd.DataFrame([total], columns=FUNNEL_COLUMNS)], ignore_index=True)


def forward_funnel(rates: pd.DataFrame, contacts: Mapping[str, float]) -> pd.DataFrame:
    """The funnel run forwards (as a scenario does: contacts × each stage's rate) from the
    planned contacts per channel: the check that a plan reaches its target.

    Shape out: channel, contacts, leads, opportunities, clients (expected, not rounded).

    >>> rates = pd.DataFrame({"channel": ["x"], "lead_rate": [0.15],
    ...     "opportunity_rate": [0.25], "win_rate": [1 / 3]})
    >>> round(float(forward_funnel(rates, {"x": 800})["clients"].iloc[0]), 9)
    10.0
    """
    rows = []
    for _, r in rates.iterrows():
        if r["channel"] not in contacts:
            continue
        c = float(contacts[r["channel"]])
        leads = c * float(r["lead_rate"])
        opportunities = leads * float(r["opportunity_rate"])
        rows.append({"channel": r["channel"], "contacts": c, "leads": leads,
                     "opportunities": opportunities,
                     "clients": opportunities * float(r["win_rate"])})
    return pd.DataFrame(rows, columns=["channel", "contacts", "leads", "opportunities",
                                       "clients"])


def _activity_frame(data: Dataset, months: tuple[object, object] | None) -> pd.DataFrame:
    acts = data.activities
    camps = data.campaigns.set_index("campaign_id")
    frame = pd.DataFrame({
        "month": pd.to_datetime(acts["date"]).dt.to_period("M").dt.to_timestamp(),
        "rep": acts["rep"].astype(object), "campaign_id": acts["campaign_id"].astype(object),
        "type": acts["type"].astype(object), "duration_min": acts["duration_min"]})
    frame["channel"] = frame["campaign_id"].map(camps["channel"]).astype(object).fillna(
        UNASSIGNED)
    if months is not None:
        frame = filter_facts(frame, months=months)
    return frame


def activity_rates(data: Dataset, table: pd.DataFrame,
                   months: tuple[object, object] | None = None) -> pd.DataFrame:
    """Per channel and activity type, measured: activities per contact and minutes each.

    ``table``: the fact table of the same history (its contacts per channel); ``months``:
    the history's months (inclusive pair) the activities are taken from. Activities per
    contact = Σ activities of the channel's campaigns / Σ their contacts (a ratio of sums);
    minutes = the mean logged duration (NaN when none is logged).

    Shape out: channel, type, activities, contacts, per_contact, minutes.
    """
    frame = _activity_frame(data, months)
    contacts = table.groupby("channel")["contacts"].sum(min_count=1)
    if frame.empty:
        return pd.DataFrame(columns=["channel", "type", "activities", "contacts",
                                     "per_contact", "minutes"])
    out = frame.groupby(["channel", "type"], as_index=False).agg(
        activities=("type", "size"), minutes=("duration_min", "mean"))
    out["contacts"] = out["channel"].map(contacts).astype(float)
    out["per_contact"] = [ratio(a, c) for a, c in zip(out["activities"], out["contacts"],
                                                      strict=True)]
    return out[["channel", "type", "activities", "contacts", "per_contact", "minutes"]]


@dataclass(frozen=True)
class Team:
    """Today's team as the activities sheet shows it (``team_capacity``)."""

    reps: int
    rep_months: int
    calls_per_rep_month: float
    hours_per_rep_month: float
    utilisation: float

    @property
    def calls_per_month(self) -> float:
        """The team's calls a month: reps × calls per rep per month."""
        return self.reps * self.calls_per_rep_month


def team_capacity(data: Dataset, months: tuple[object, object] | None = None, *,
                  hours_per_fte_month: float = HOURS_PER_FTE_MONTH) -> Team:
    """Today's team, measured from the activities sheet over ``months``.

    reps = the distinct reps active in the last month with activity; rep-months = the
    (rep, month) pairs with activity; calls per rep per month = Σ calls / rep-months;
    hours per rep per month = Σ logged minutes / 60 / rep-months; utilisation = that /
    ``hours_per_fte_month`` (the share of a paid month the logged activities take).
    No activity: zeros and NaN.

    >>> from roi_core.dataset import empty_frame
    >>> acts = pd.DataFrame({"date": pd.to_datetime(["2026-01-05"] * 3 + ["2026-02-02"]),
    ...     "rep": ["A", "A", "B", "A"], "campaign_id": ["C"] * 4, "type": ["call"] * 4,
    ...     "outcome": [None] * 4, "duration_min": [60.0] * 4})
    >>> d = Dataset(empty_frame("campaigns"), empty_frame("costs"), empty_frame("funnel"),
    ...             activities=acts)
    >>> t = team_capacity(d)
    >>> t.reps, t.rep_months, round(t.calls_per_rep_month, 3)
    (1, 3, 1.333)
    """
    frame = _activity_frame(data, months).dropna(subset=["month"])
    if frame.empty:
        return Team(0, 0, float("nan"), float("nan"), float("nan"))
    pairs = frame.groupby(["rep", "month"]).size()
    rep_months = int(len(pairs))
    last = frame["month"].max()
    reps = int(frame.loc[frame["month"] == last, "rep"].nunique())
    calls = int((frame["type"] == "call").sum())
    hours = float(frame["duration_min"].sum()) / 60.0
    per_rep = hours / rep_months
    return Team(reps=reps, rep_months=rep_months, calls_per_rep_month=calls / rep_months,
                hours_per_rep_month=per_rep, utilisation=per_rep / hours_per_fte_month)


CAPACITY_COLUMNS = ["channel", "type", "per_contact", "minutes", "activities", "hours",
                    "fte"]


def capacity(funnel: pd.DataFrame, rates: pd.DataFrame, team: Team, months: int, *,
             utilisation: float | None = None,
             hours_per_fte_month: float = HOURS_PER_FTE_MONTH) -> tuple[pd.DataFrame, dict]:
    """The activities and people the plan takes.

    Per channel and type: activities = ⌈planned contacts × activities per contact⌉,
    hours = activities × minutes / 60, FTE = hours / (hours_per_fte_month × utilisation ×
    months); ``utilisation`` default: the team's measured one. Summary: total calls,
    e-mails, meetings, hours, FTE, ``reps_needed`` = ⌈FTE⌉, ``reps_by_calls`` = calls /
    (calls per rep per month × months), today's ``reps`` and ``hiring_gap`` = reps needed −
    today's reps (negative: spare capacity).

    Shape out: (``CAPACITY_COLUMNS`` frame with a "total" row per type, summary dict).
    """
    use = team.utilisation if utilisation is None else float(utilisation)
    if utilisation is not None and not 0 < use <= 1:
        raise InputError(f"the utilisation is {utilisation}",
                         expected="a share of the month between 0 and 1, such as 0,6")
    per_fte = hours_per_fte_month * use * months
    contacts = funnel.set_index("channel")["contacts"]
    rows = []
    for _, r in rates.iterrows():
        c = float(contacts.get(r["channel"], np.nan))
        if not np.isfinite(c) or not np.isfinite(r["per_contact"]):
            continue
        n = ceil_units(c * float(r["per_contact"]))
        minutes = float(r["minutes"])
        hours = n * minutes / 60.0 if np.isfinite(minutes) else float("nan")
        rows.append({"channel": r["channel"], "type": r["type"],
                     "per_contact": float(r["per_contact"]), "minutes": minutes,
                     "activities": n, "hours": hours, "fte": ratio(hours, per_fte)})
    out = pd.DataFrame(rows, columns=CAPACITY_COLUMNS)
    by_type = out.groupby("type", as_index=False)[["activities", "hours", "fte"]].sum(
        min_count=1)
    by_type.insert(0, "channel", "total")
    out = pd.concat([out, by_type], ignore_index=True) if len(out) else out
    detail = out[out["channel"] != "total"]
    # No activity measured: the people a plan takes are not known (NaN), not zero.
    fte = float(detail["fte"].sum(min_count=1)) if len(detail) else float("nan")
    calls = float(detail.loc[detail["type"] == "call", "activities"].sum())
    needed = ceil_units(fte)
    summary = {
        "calls": calls,
        "emails": float(detail.loc[detail["type"] == "email", "activities"].sum()),
        "meetings": float(detail.loc[detail["type"] == "meeting", "activities"].sum()),
        "hours": float(detail["hours"].sum()), "fte": fte, "utilisation": use,
        "reps_needed": needed,
        "reps_by_calls": ratio(calls, team.calls_per_rep_month * months),
        "calls_per_rep_month": team.calls_per_rep_month, "reps": team.reps,
        "hiring_gap": needed - team.reps if team.rep_months else float("nan"),
    }
    return out, summary


def cycle_offsets(cycles: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per channel, the measured sales cycles as month offsets ⌊days / 30.4375⌋ (first
    contact → signature, ``roi_core.facts.build_cycles``), one per won deal; under the key
    "total" every channel's, the fallback of a channel without any.

    >>> c = pd.DataFrame({"channel": ["x", "x", "y"], "sales_cycle_days": [10.0, 70.0, 31.0]})
    >>> {k: v.tolist() for k, v in cycle_offsets(c).items()}
    {'x': [0, 2], 'y': [1], 'total': [0, 2, 1]}
    """
    days = cycles["sales_cycle_days"].astype(float)
    keep = days.notna() & (days >= 0)
    offsets = np.floor(days[keep].to_numpy() / _MONTH_DAYS).astype(int)
    channels = cycles.loc[keep, "channel"].astype(object).to_numpy()
    out = {str(c): offsets[channels == c] for c in pd.unique(channels)}
    out["total"] = offsets
    return out


def channel_offsets(offsets: Mapping[str, np.ndarray], channel: str) -> np.ndarray:
    """A channel's measured month offsets; every channel's when it has none; [0] (signature
    in the month of contact) when nothing is measured at all.

    >>> channel_offsets({"x": np.array([1, 2]), "total": np.array([1, 2])}, "y").tolist()
    [1, 2]
    """
    got = offsets.get(channel)
    if got is not None and len(got):
        return np.asarray(got, dtype=int)
    fallback = offsets.get("total")
    return np.asarray(fallback, dtype=int) if fallback is not None and len(fallback) else (
        np.array([0]))


def signing_shares(offsets: Mapping[str, np.ndarray], channel: str) -> np.ndarray:
    """share[k]: the fraction of a channel's clients that sign k months after the month of
    first contact (``channel_offsets``' frequencies; they sum to 1).

    >>> signing_shares({"x": np.array([0, 2, 2, 3])}, "x").tolist()
    [0.25, 0.0, 0.5, 0.25]
    """
    offs = channel_offsets(offsets, channel)
    return np.bincount(offs) / len(offs)


CASH_COLUMNS = ["channel", "month", "cost", "clients", "margin", "net", "cumulative",
                "cumulative_low", "cumulative_high"]


def cash_flow(funnel: pd.DataFrame, offsets: Mapping[str, np.ndarray], target: Target, *,
              payment_delay_months: int = 0, margin_per_client: Mapping[str, float] | None
              = None, band: tuple[float, float] = (0.1, 0.9), simulations: int = 2000,
              seed: int = 0, horizon: int | None = None) -> pd.DataFrame:
    """Month by month, per channel and in total: cost out, clients signed, margin in, and
    the cumulative cash with its band.

    Cost: each channel's cost spread evenly over the period's months. Clients: the planned
    clients, spread evenly over the period's months of contact, sign k months later with
    the channel's measured frequency of offset k (the expected curve); margin arrives
    ``payment_delay_months`` after signature, at the channel's margin per client (default:
    the funnel's margin / clients; ``margin_per_client`` to use a lifetime margin). The
    band: ``simulations`` draws (seeded) of each whole planned client's contact month and
    cycle; ``band`` quantiles of the cumulative cash, per month. ``horizon``: months shown
    (default: until the last possible signature). A channel without measured cycles takes
    every channel's; without any cycle at all, offsets of 0 (signature in the month).

    Shape out: ``CASH_COLUMNS``; months as the first day of each month; "total" rows last.
    """
    rng = np.random.default_rng(seed)
    months = target.months
    plan = funnel[(funnel["channel"] != "total")]

    def offsets_of(channel: str) -> np.ndarray:
        return channel_offsets(offsets, channel)

    longest = max([int(offsets_of(c).max()) for c in plan["channel"]] + [0])
    span = horizon or (months + longest + payment_delay_months)
    grid = pd.date_range(target.start, periods=span, freq="MS")
    lo_q, hi_q = band
    frames, sims_total = [], np.zeros((simulations, span))
    for _, r in plan.iterrows():
        channel = r["channel"]
        clients = float(np.nan_to_num(r.get("clients", 0.0)))
        cost = np.zeros(span)
        cost[:min(months, span)] = float(np.nan_to_num(r["cost"])) / months
        per_client = (float(margin_per_client[channel]) if margin_per_client
                      and channel in margin_per_client
                      else ratio(r.get("margin", np.nan), clients))
        per_client = 0.0 if not math.isfinite(per_client) else per_client
        offs = offsets_of(channel)
        freq = signing_shares(offsets, channel)
        signed = np.zeros(span + len(freq) + months)
        for m in range(months):
            signed[m:m + len(freq)] += clients / months * freq
        signed = signed[:span]
        margin = np.zeros(span)
        margin[payment_delay_months:] = (signed * per_client)[:span - payment_delay_months]
        net = margin - cost
        # Simulations: each whole client a contact month and a measured cycle.
        n = int(round(clients))
        sim_margin = np.zeros((simulations, span))
        if n:
            at = (rng.integers(0, months, size=(simulations, n))
                  + rng.choice(offs, size=(simulations, n)) + payment_delay_months)
            rows_idx = np.repeat(np.arange(simulations), n)
            cols = at.ravel()
            inside = cols < span
            np.add.at(sim_margin, (rows_idx[inside], cols[inside]), per_client)
        sim_cum = np.cumsum(sim_margin - cost, axis=1)
        sims_total += sim_margin - cost
        frames.append(pd.DataFrame({
            "channel": channel, "month": grid, "cost": cost, "clients": signed,
            "margin": margin, "net": net, "cumulative": np.cumsum(net),
            "cumulative_low": np.quantile(sim_cum, lo_q, axis=0),
            "cumulative_high": np.quantile(sim_cum, hi_q, axis=0)}))
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=CASH_COLUMNS)
    total = out.groupby("month", as_index=False)[["cost", "clients", "margin", "net"]].sum()
    total["cumulative"] = total["net"].cumsum()
    cum = np.cumsum(sims_total, axis=1)
    total["cumulative_low"] = np.quantile(cum, lo_q, axis=0)
    total["cumulative_high"] = np.quantile(cum, hi_q, axis=0)
    total.insert(0, "channel", "total")
    return pd.concat([out, total], ignore_index=True)[CASH_COLUMNS]


def _first_paid_back(cumulative: np.ndarray) -> int | None:
    """The index of the first month from which the cumulative cash stays ≥ 0."""
    negative = np.flatnonzero(np.round(cumulative, 6) < 0)
    if len(negative) == 0:
        return 0
    last = int(negative[-1])
    return last + 1 if last + 1 < len(cumulative) else None


def payback(cash: pd.DataFrame, channel: str = "total") -> dict[str, object]:
    """The payback month and the peak cash need of one channel's (or the total's) curve.

    payback_month: the first month from which the expected cumulative cash stays ≥ 0 (None
    when it never does within the horizon); payback_early / payback_late: the same on the
    band's high and low edges; peak_cash_need = −min(cumulative, 0) (euros to finance),
    with peak_cash_need_high from the band's low edge; payback_months: months from the
    period's first month to the payback month, counted from 1.

    >>> cash = pd.DataFrame({"channel": "total", "month": pd.date_range("2027-01-01",
    ...     periods=3, freq="MS"), "cumulative": [-400.0, -400.0, 200.0],
    ...     "cumulative_low": [-400.0, -1000.0, -400.0],
    ...     "cumulative_high": [200.0, 200.0, 200.0]})
    >>> p = payback(cash)
    >>> p["payback_month"].strftime("%Y-%m"), p["payback_months"], p["peak_cash_need"]
    ('2027-03', 3, 400.0)
    """
    rows = cash[cash["channel"] == channel].sort_values("month")
    months = list(rows["month"])

    def month_of(values: pd.Series) -> pd.Timestamp | None:
        i = _first_paid_back(values.to_numpy(dtype=float))
        return None if i is None else months[i]

    expected = _first_paid_back(rows["cumulative"].to_numpy(dtype=float))
    return {
        "channel": channel,
        "payback_month": None if expected is None else months[expected],
        "payback_months": None if expected is None else expected + 1,
        "payback_early": month_of(rows["cumulative_high"]),
        "payback_late": month_of(rows["cumulative_low"]),
        "peak_cash_need": float(max(0.0, -rows["cumulative"].min())) if len(rows) else 0.0,
        "peak_cash_need_high": float(max(0.0, -rows["cumulative_low"].min()))
        if len(rows) else 0.0,
    }


def repeat_deals_per_client(deals: pd.DataFrame) -> float:
    """Won deals per won account, as measured (1.0 when no account signed again): how many
    deals a client brings within the history, a floor on its lifetime.

    >>> d = pd.DataFrame({"account_id": ["a", "a", "b", "c"],
    ...     "status": ["won", "won", "won", "lost"]})
    >>> repeat_deals_per_client(d)
    1.5
    """
    won = deals[deals["status"] == "won"]
    accounts = won["account_id"].dropna().nunique()
    return ratio(float(won["account_id"].notna().sum()), float(accounts)) if accounts else 1.0


def lifetime_margin_per_client(first_margin: float, *, retention: float | None = None,
                               years: float | None = None,
                               repeat_deals: float | None = None) -> float:
    """The margin a client brings over its life (the article's "valeur vie client").

    With ``retention`` r (a fraction a year) and ``years`` n: first margin × Σ_{y<n} r^y
    (the first deal, then the same margin each year the client stays; n may be fractional:
    its last year counts pro rata). With ``repeat_deals`` (won deals per client, as
    ``repeat_deals_per_client`` measures them): first margin × repeat_deals. Neither: the
    first deal's margin.

    >>> lifetime_margin_per_client(2400, retention=0.5, years=3)
    4200.0
    >>> lifetime_margin_per_client(2400, repeat_deals=1.5), lifetime_margin_per_client(2400)
    (3600.0, 2400.0)
    """
    if retention is not None and years is not None:
        if not 0 <= retention <= 1 or years < 0:
            raise InputError(f"retention {retention}, years {years}",
                             expected="a retention between 0 and 1 and a positive duration")
        whole = int(math.floor(years))
        factor = sum(retention ** y for y in range(whole))
        factor += (years - whole) * retention ** whole
        return float(first_margin) * factor
    if repeat_deals is not None:
        return float(first_margin) * float(repeat_deals)
    return float(first_margin)


@dataclass(frozen=True)
class Plan:
    """Everything ``plan_quarter`` answers, each part a tidy frame (or a dict)."""

    target: Target
    rates: pd.DataFrame
    funnel: pd.DataFrame
    capacity: pd.DataFrame
    team: dict[str, object]
    cash: pd.DataFrame
    payback: pd.DataFrame
    summary: dict[str, object]
    offsets: Mapping[str, np.ndarray]


def plan_quarter(data: Dataset, table: pd.DataFrame, target: Target, *,
                 levers: Levers | None = None, split: Mapping[str, float] | None = None,
                 history: tuple[object, object] | None = None, include_indirect: bool = True,
                 utilisation: float | None = None, payment_delay_months: int = 0,
                 basis: str = "first_deal", retention: float | None = None,
                 years: float | None = None, simulations: int = 2000, seed: int = 0
                 ) -> Plan:
    """The whole plan: reverse funnel, capacity, cash and payback, summary.

    ``table``: the fact table of the history (``roi_core.scenario.base_table(data)``);
    ``history``: the months (inclusive pair) the rates, activities and cycles are measured
    on (None: everything); ``basis``: "first_deal" (default) or "lifetime" (margin per
    client × ``lifetime_margin_per_client``, with ``retention`` and ``years`` or, without
    them, the repeat deals measured in the deals sheet) for the cash curve, ROI and payback.

    Summary: target, period, clients, contacts, calls, reps, budget (cost), margin, roi,
    roi_basis, payback month, peak cash need, the share of clients signed inside the period.
    """
    if basis not in ("first_deal", "lifetime"):
        raise InputError(f"the basis '{basis}' is not known",
                         expected="first_deal or lifetime")
    facts = filter_facts(table, months=history) if history else table
    rates = plan_rates(facts, levers, include_indirect=include_indirect)
    funnel = reverse_funnel(rates, target, split=split)
    acts = activity_rates(data, facts, history)
    team = team_capacity(data, history)
    cap, team_summary = capacity(funnel, acts, team, target.months, utilisation=utilisation)
    cycles = build_cycles(data)
    if history:
        cycles = filter_facts(cycles, months=history)
    offsets = cycle_offsets(cycles)
    per_client = None
    factor = 1.0
    if basis == "lifetime":
        repeat = None if retention is not None else repeat_deals_per_client(data.deals)
        factor = lifetime_margin_per_client(1.0, retention=retention, years=years,
                                            repeat_deals=repeat)
        per_client = {}
        for _, r in funnel[funnel["channel"] != "total"].iterrows():
            first = ratio(r["margin"], r["clients"])
            per_client[r["channel"]] = lifetime_margin_per_client(
                0.0 if not math.isfinite(first) else first, retention=retention,
                years=years, repeat_deals=repeat)
    cash = cash_flow(funnel, offsets, target, payment_delay_months=payment_delay_months,
                     margin_per_client=per_client, simulations=simulations, seed=seed)
    paybacks = pd.DataFrame([payback(cash, c) for c in pd.unique(cash["channel"])])
    total = funnel[funnel["channel"] == "total"].iloc[0]
    total_cash = cash[cash["channel"] == "total"]
    gain = float(total_cash["margin"].sum())
    in_period = total_cash["month"] < target.start + pd.DateOffset(months=target.months)
    pb = paybacks.set_index("channel").loc["total"]
    summary = {
        "target_kind": target.kind, "target": float(target.value),
        "period": f"{target.start:%Y-%m}..{target.month_starts()[-1]:%Y-%m}",
        "months": target.months, "clients": float(total["clients"]),
        "opportunities": float(total["opportunities"]), "leads": float(total["leads"]),
        "contacts": float(total["contacts"]), "targets": float(total["targets"]),
        "calls": team_summary["calls"], "hours": team_summary["hours"],
        "fte": team_summary["fte"], "reps_needed": team_summary["reps_needed"],
        "reps": team_summary["reps"], "hiring_gap": team_summary["hiring_gap"],
        "calls_per_rep_month": team_summary["calls_per_rep_month"],
        "cost": float(total["cost"]), "margin": gain, "roi": ratio(gain - total["cost"],
                                                                   total["cost"]),
        "roi_basis": basis, "lifetime_factor": factor,
        "payment_delay_months": payment_delay_months,
        "utilisation": team_summary["utilisation"], "payback_month": pb["payback_month"],
        "payback_early": pb["payback_early"], "payback_late": pb["payback_late"],
        "peak_cash_need": pb["peak_cash_need"],
        "clients_signed_in_period": float(total_cash.loc[in_period, "clients"].sum()),
    }
    return Plan(target=target, rates=rates, funnel=funnel, capacity=cap, team=team_summary,
                cash=cash, payback=paybacks, summary=summary, offsets=offsets)



PLAN_LABELS: dict[str, tuple[str, str]] = {
    # name: (French, English)
    "target_share": ("Part de l'objectif", "Share of the target"),
    "calls": ("Appels", "Calls"),
    "emails": ("E-mails", "E-mails"),
    "hours": ("Heures commerciales", "Rep hours"),
    "fte": ("ETP nécessaires", "FTE needed"),
    "reps_needed": ("Commerciaux nécessaires", "Reps needed"),
    "reps": ("Commerciaux aujourd'hui", "Reps today"),
    "hiring_gap": ("Écart à recruter", "Hiring gap"),
    "utilisation": ("Taux d'utilisation", "Utilisation"),
    "calls_per_rep_month": ("Appels par commercial et par mois (mesuré)",
                            "Calls per rep per month (measured)"),
    "reps_by_calls": ("Commerciaux (par les appels)", "Reps (by calls)"),
    "cost_variable": ("Coûts variables", "Variable costs"),
    "cost_fixed": ("Coûts fixes", "Fixed costs"),
    "binding_stage": ("Étape limitante", "Binding stage"),
    "contacts_saved_per_point": ("Contacts économisés par point", "Contacts saved per point"),
    "payback_month": ("Mois de retour sur investissement", "Payback month"),
    "payback_early": ("Retour au plus tôt", "Payback, early"),
    "payback_late": ("Retour au plus tard", "Payback, late"),
    "peak_cash_need": ("Besoin de trésorerie maximal", "Peak cash need"),
    "peak_cash_need_high": ("Besoin de trésorerie maximal (haut)", "Peak cash need (high)"),
    "clients_signed_in_period": ("Clients signés dans la période",
                                 "Clients signed within the period"),
    "cumulative": ("Trésorerie cumulée", "Cumulative cash"),
    "cumulative_low": ("Trésorerie cumulée (bas)", "Cumulative cash (low)"),
    "cumulative_high": ("Trésorerie cumulée (haut)", "Cumulative cash (high)"),
    "net": ("Flux net", "Net cash"),
    "budget": ("Budget", "Budget"),
    "first_deal": ("première affaire", "first deal"),
    "lifetime": ("valeur vie client", "lifetime value"),
    "roi_basis": ("Base du ROI", "ROI basis"),
    "stage": ("Étape", "Stage"),
    "months": ("Mois de la période", "Months of the period"),
    "hours_per_fte_month": ("Heures d'un mois à temps plein", "Hours of a full-time month"),
    "lifetime_factor": ("Facteur valeur vie (1 = première affaire)",
                        "Lifetime factor (1 = first deal)"),
    "payment_delay_months": ("Délai de paiement (mois)", "Payment delay (months)"),
    "activities": ("Activités", "Activities"),
    "per_contact": ("Par contact", "Per contact"),
    "minutes": ("Minutes", "Minutes"),
    "type": ("Type", "Type"),
    "call": ("Appels", "Calls"),
    "email": ("E-mails", "E-mails"),
    "meeting": ("Rendez-vous", "Meetings"),
    "social": ("Social selling", "Social selling"),
    "event": ("Salons", "Events"),
}


def plan_label(name: str, lang: str = "fr") -> str:
    """The label people read for a plan's column, stage or basis (else the KPI's label).

    >>> plan_label("hiring_gap"), plan_label("lead_rate", "en")
    ('Écart à recruter', 'Lead rate')
    """
    pair = PLAN_LABELS.get(name)
    if pair is None:
        return label(name, lang)
    return pair[0] if lang == "fr" else pair[1]


def next_quarter(after: object) -> tuple[str, str]:
    """The calendar quarter after the one holding ``after`` (the history's last date): the
    default period of a plan, as (first month, last month).

    >>> next_quarter("2026-11-30"), next_quarter("2026-12-31"), next_quarter("2027-01-01")
    (('2027-01', '2027-03'), ('2027-01', '2027-03'), ('2027-04', '2027-06'))
    """
    quarter = pd.Timestamp(after).to_period("Q") + 1
    return (f"{quarter.start_time:%Y-%m}", f"{quarter.end_time:%Y-%m}")


_SHOWN = ["clients", "opportunities", "meetings", "leads", "contacts", "targets", "calls",
          "hours", "fte", "cost", "margin", "roi", "binding_stage"]


def plan_table(plan: Plan, lang: str = "fr") -> pd.DataFrame:
    """The plan for people: one row per channel and the total, the needed volumes, calls,
    rep hours, FTE, budget, margin, ROI (its basis in the column's name) and the binding
    stage, formatted in ``lang`` (undefined values "—").

    Shape out: columns labelled in ``lang``, every cell a string.
    """
    funnel = plan.funnel.copy()
    cap = plan.capacity
    detail = cap[cap["channel"] != "total"]
    calls = detail[detail["type"] == "call"].groupby("channel")["activities"].sum()
    hours = detail.groupby("channel")["hours"].sum(min_count=1)
    fte = detail.groupby("channel")["fte"].sum(min_count=1)
    funnel["calls"] = funnel["channel"].map(calls)
    funnel["hours"] = funnel["channel"].map(hours)
    funnel["fte"] = funnel["channel"].map(fte)
    is_total = funnel["channel"] == "total"
    funnel.loc[is_total, ["calls", "hours", "fte"]] = [
        calls.sum(min_count=1), hours.sum(min_count=1), fte.sum(min_count=1)]
    out = pd.DataFrame({plan_label("channel", lang): [
        plan_label("total", lang) if c == "total" else c for c in funnel["channel"]]})
    for col in _SHOWN:
        values = funnel[col]
        if col in ("cost", "margin"):
            shown = [money(v, lang) for v in values]
        elif col == "roi":
            shown = [percent(v, lang) for v in values]
        elif col == "fte":
            shown = [number(v, lang, 2) for v in values]
        elif col == "binding_stage":
            shown = ["—" if not isinstance(v, str) else plan_label(v, lang) for v in values]
        else:
            shown = [number(v, lang) for v in values]
        name = plan_label(col, lang)
        if col == "roi":
            name = f"{name} ({plan_label('first_deal', lang)})"
        out[name] = shown
    return out
