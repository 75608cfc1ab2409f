"""Campaign cohorts: honest measurement windows, immature campaigns, maturity and sales cycle.

A campaign launched in January can sign until April: its results are measured over a
*measurement window* after its launch (``window_days``, 180 by default), as seen on an
explicit ``as_of`` date (never a hidden "today").

Policy:

- A campaign's cohort is its won deals (``deals.campaign_id``): a deal counts when
  ``launch ≤ close_date < launch + window_days`` and ``close_date ≤ as_of`` (dates are
  days: a deal signed at 10:00 on ``as_of`` counts). A deal has one
  campaign, so it is never counted twice; a deal outside its window is not counted.
  Deals without a known campaign belong to no cohort (the quality audit lists them).
- Ages are measured in days from the launch (``start_date``); period k (``period="month"``)
  covers days [k·30.4375, (k+1)·30.4375) (an average month: 365.25 / 12 days), or
  [7k, 7k + 7) for weeks.
- A campaign is *mature* when its window has closed on ``as_of`` (launch + window ≤ as_of),
  *immature* while it is open, *not started* before its launch.
- An immature campaign's ROI is shown with an **estimate**: what its open pipeline is
  expected to add = open deals × the channel's historical win rate × the channel's average
  margin per client (all "as of" ``as_of``: won/lost with a close date on or before it;
  open = created on or before it and not closed then). The estimate columns say so.
- Cost is the campaign's cost lines dated on or before ``as_of`` (undated lines count),
  indirect lines included unless switched off. ROI = (margin − cost) / cost; NaN when the
  cost is zero or not recorded.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from roi_core.dataset import Dataset
from roi_core.facts import build_cycles

__all__ = [
    "PERIOD_DAYS",
    "latest_date",
    "deal_states",
    "cohort_deals",
    "cohort_curves",
    "cohort_summary",
    "maturity_curve",
    "sales_cycle_distribution",
]

PERIOD_DAYS = {"week": 7.0, "month": 365.25 / 12}
_DAY = pd.Timedelta(days=1)


def _period_days(period: str) -> float:
    if period not in PERIOD_DAYS:
        raise ValueError(f"period must be one of {', '.join(PERIOD_DAYS)}, not {period!r}")
    return PERIOD_DAYS[period]


def _check_window(window_days: float) -> float:
    if not window_days > 0:
        raise ValueError(f"window_days must be a positive number of days, not {window_days!r}")
    return float(window_days)


def latest_date(data: Dataset) -> pd.Timestamp | None:
    """The latest date the workbook knows (deal dates, touchpoints, activities, cost dates):
    a sensible default for ``as_of`` that the caller passes explicitly.

    >>> from roi_core.dataset import empty_frame
    >>> d = Dataset(empty_frame("campaigns"), empty_frame("costs"), empty_frame("funnel"))
    >>> latest_date(d) is None
    True
    """
    candidates = [data.deals[c] for c in ("close_date", "created_date", "first_contact_date")]
    candidates += [data.touchpoints["timestamp"], data.activities["date"], data.costs["date"],
                   data.campaigns["start_date"]]
    latest = [pd.to_datetime(c).max() for c in candidates if len(c)]
    latest = [v for v in latest if pd.notna(v)]
    return pd.Timestamp(max(latest)) if latest else None


def deal_states(deals: pd.DataFrame, as_of: object) -> pd.Series:
    """Each deal's state as seen on ``as_of``: "won", "lost", "open" or "future".

    Won/lost count from their close date on (a lost deal without a close date is lost);
    before that, a deal created (else first contacted) on or before ``as_of`` is "open";
    a deal not yet created is "future".

    >>> d = pd.DataFrame({"status": ["won", "won", "lost", "open"],
    ...     "created_date": pd.to_datetime(["2026-01-01", "2026-01-01", "2026-01-01", None]),
    ...     "close_date": pd.to_datetime(["2026-02-01", "2026-05-01", None, None])})
    >>> deal_states(d, "2026-03-01").tolist()
    ['won', 'open', 'lost', 'open']
    """
    as_of = pd.Timestamp(as_of)
    status = deals["status"].astype(object)
    close = pd.to_datetime(deals["close_date"])
    start = pd.to_datetime(deals["created_date"])
    if "first_contact_date" in deals:
        start = start.fillna(pd.to_datetime(deals["first_contact_date"]))
    # Dates are days: a deal closed (created) at 10:00 on ``as_of`` is closed (begun) then.
    closed_by = close.dt.normalize() <= as_of
    won = (status == "won") & closed_by
    lost = (status == "lost") & (closed_by | close.isna())
    begun = start.isna() | (start.dt.normalize() <= as_of)
    out = np.where(won, "won", np.where(lost, "lost", np.where(begun, "open", "future")))
    return pd.Series(out, index=deals.index, dtype=object, name="state")


def _campaign_costs(data: Dataset, as_of: pd.Timestamp, include_indirect: bool) -> pd.Series:
    costs = data.costs
    keep = costs["date"].isna() | (costs["date"] <= as_of)
    if not include_indirect:
        keep &= costs["category"] != "indirect"
    kept = costs[keep]
    out = kept.groupby("campaign_id")["amount"].sum(min_count=1)
    return out.reindex(data.campaigns["campaign_id"].to_numpy())


def cohort_deals(data: Dataset, as_of: object, *, window_days: float = 180.0,
                 period: str = "month") -> pd.DataFrame:
    """The won deals each campaign cohort counts: one row per deal, at most once.

    Shape out: deal_id, campaign_id, channel, launch, close_date, age_days, period (k),
    revenue, margin; only deals with launch ≤ close < launch + window and close ≤ as_of.

    >>> from roi_core.dataset import empty_frame
    >>> camps = pd.DataFrame({"campaign_id": ["C1"], "campaign": ["Calls"],
    ...     "channel": ["calls"], "start_date": pd.to_datetime(["2026-01-01"])})
    >>> deals = pd.DataFrame({"deal_id": ["in", "late"], "campaign_id": ["C1", "C1"],
    ...     "status": ["won", "won"], "amount": [1.0, 1.0], "margin_rate": [1.0, 1.0],
    ...     "close_date": pd.to_datetime(["2026-02-15", "2026-08-01"])})
    >>> data = Dataset(camps, empty_frame("costs"), empty_frame("funnel"), deals=deals)
    >>> cohort_deals(data, "2026-12-31")[["deal_id", "period"]].to_numpy().tolist()
    [['in', 1]]
    """
    as_of = pd.Timestamp(as_of)
    window = _check_window(window_days)
    step = _period_days(period)
    camps = data.campaigns.set_index("campaign_id")
    deals = data.deals
    won = deals[(deals["status"] == "won") & deals["close_date"].notna()
                & deals["campaign_id"].isin(camps.index)]
    launch = pd.to_datetime(won["campaign_id"].map(camps["start_date"]))
    age = (won["close_date"] - launch) / _DAY
    inside = (age >= 0) & (age < window) & (won["close_date"].dt.normalize() <= as_of)
    won, launch, age = won[inside], launch[inside], age[inside]
    amount = won["amount"].astype(float)
    return pd.DataFrame({
        "deal_id": won["deal_id"].to_numpy(object),
        "campaign_id": won["campaign_id"].to_numpy(object),
        "channel": won["campaign_id"].map(camps["channel"]).to_numpy(object),
        "launch": launch.to_numpy(),
        "close_date": won["close_date"].to_numpy(),
        "age_days": age.to_numpy(float),
        "period": np.floor(age.to_numpy(float) / step).astype(int),
        "revenue": amount.to_numpy(float),
        "margin": (amount * won["margin_rate"].astype(float)).to_numpy(float),
    })


def _status(launch: pd.Series, as_of: pd.Timestamp, window: float) -> pd.Series:
    age = (as_of - launch) / _DAY
    return pd.Series(np.where(age < 0, "not started", np.where(age >= window, "mature",
                                                                "immature")),
                     index=launch.index, dtype=object)


def cohort_curves(data: Dataset, as_of: object, *, window_days: float = 180.0,
                  period: str = "month", include_indirect: bool = True) -> pd.DataFrame:
    """Cumulative clients, revenue, margin and ROI of each campaign by period since launch.

    One row per campaign and period k from 0 to the last period that has begun by
    ``as_of`` within the window. Shape out: campaign_id, campaign, channel, status, period,
    age_days (the period's end, capped at the window and at ``as_of``), clients (in the
    period), cum_clients, cum_revenue, cum_margin, cost, roi = (cum_margin − cost) / cost.
    """
    as_of = pd.Timestamp(as_of)
    window = _check_window(window_days)
    step = _period_days(period)
    camps = data.campaigns.reset_index(drop=True)
    status = _status(pd.to_datetime(camps["start_date"]), as_of, window)
    cost = _campaign_costs(data, as_of, include_indirect)
    age_now = ((as_of - pd.to_datetime(camps["start_date"])) / _DAY).to_numpy(float)
    horizon = np.minimum(age_now, window)
    # Periods k that have begun by as_of (k·step ≤ age) and inside the window (k·step < window).
    begun = np.floor(np.where(age_now >= 0, age_now, -1.0) / step) + 1
    n_periods = np.clip(np.minimum(begun, np.ceil(window / step)), 0, None).astype(int)
    rows = np.repeat(np.arange(len(camps)), n_periods)
    k = np.arange(len(rows)) - np.repeat(np.cumsum(n_periods) - n_periods, n_periods)
    grid = pd.DataFrame({
        "campaign_id": camps["campaign_id"].to_numpy(object)[rows],
        "campaign": camps["campaign"].to_numpy(object)[rows],
        "channel": camps["channel"].to_numpy(object)[rows],
        "status": status.to_numpy(object)[rows],
        "period": k.astype(int),
        "age_days": np.minimum((k + 1) * step, horizon[rows]),
    })
    won = cohort_deals(data, as_of, window_days=window, period=period)
    per = won.groupby(["campaign_id", "period"], as_index=False).agg(
        clients=("deal_id", "size"), revenue=("revenue", "sum"), margin=("margin", "sum"))
    out = grid.merge(per, on=["campaign_id", "period"], how="left")
    out[["clients", "revenue", "margin"]] = out[["clients", "revenue", "margin"]].fillna(0.0)
    out = out.sort_values(["campaign_id", "period"]).reset_index(drop=True)
    grouped = out.groupby("campaign_id", sort=False)
    out["cum_clients"] = grouped["clients"].cumsum()
    out["cum_revenue"] = grouped["revenue"].cumsum()
    out["cum_margin"] = grouped["margin"].cumsum()
    out["cost"] = out["campaign_id"].map(cost).astype(float)
    c = out["cost"].where(out["cost"] != 0)
    out["roi"] = (out["cum_margin"] - c) / c
    return out.drop(columns=["revenue", "margin"])


def _channel_history(data: Dataset, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per channel, as of ``as_of``: won, lost, win_rate, margin_per_client."""
    deals = data.deals
    camps = data.campaigns.set_index("campaign_id")
    state = deal_states(deals, as_of)
    channel = deals["campaign_id"].map(camps["channel"])
    frame = pd.DataFrame({"channel": channel, "won": state == "won", "lost": state == "lost",
                          "margin": (deals["amount"].astype(float)
                                     * deals["margin_rate"].astype(float)).where(state == "won")})
    hist = frame.dropna(subset=["channel"]).groupby("channel").agg(
        won=("won", "sum"), lost=("lost", "sum"), margin=("margin", "sum"))
    closed = (hist["won"] + hist["lost"]).astype(float)
    hist["win_rate"] = hist["won"] / closed.where(closed > 0)
    hist["margin_per_client"] = hist["margin"] / hist["won"].where(hist["won"] > 0)
    return hist


def cohort_summary(data: Dataset, as_of: object, *, window_days: float = 180.0,
                   include_indirect: bool = True) -> pd.DataFrame:
    """One row per campaign: its window, status, results in the window, and the estimate.

    Shape out: campaign_id, campaign, channel, launch, window_end, age_days, status
    ("mature", "immature", "not started"), clients, revenue, margin, cost, roi,
    open_deals, estimated_clients, estimated_margin, roi_with_estimate, is_estimate.
    The estimate columns are filled for immature campaigns only: open deals × the channel's
    win rate (× its margin per client); ``roi_with_estimate`` = (margin + estimated_margin −
    cost) / cost, and ``is_estimate`` is True on those rows.

    >>> from roi_core.dataset import empty_frame
    >>> camps = pd.DataFrame({"campaign_id": ["C1"], "campaign": ["Calls"],
    ...     "channel": ["calls"], "start_date": pd.to_datetime(["2026-01-01"])})
    >>> costs = pd.DataFrame({"campaign_id": ["C1"], "category": ["direct"],
    ...     "amount": [1000.0], "date": pd.NaT})
    >>> deals = pd.DataFrame({"deal_id": ["W", "L", "O"], "campaign_id": ["C1"] * 3,
    ...     "status": ["won", "lost", "open"], "amount": [3000.0, 0.0, 3000.0],
    ...     "margin_rate": [0.5] * 3, "created_date": pd.to_datetime(["2026-01-05"] * 3),
    ...     "close_date": pd.to_datetime(["2026-02-01", "2026-02-01", None])})
    >>> data = Dataset(camps, costs, empty_frame("funnel"), deals=deals)
    >>> row = cohort_summary(data, "2026-03-01").iloc[0]
    >>> row["status"], [float(row[c]) for c in ("roi", "estimated_margin", "roi_with_estimate")]
    ('immature', [0.5, 750.0, 1.25])
    """
    as_of = pd.Timestamp(as_of)
    window = _check_window(window_days)
    camps = data.campaigns.reset_index(drop=True)
    launch = pd.to_datetime(camps["start_date"])
    status = _status(launch, as_of, window)
    won = cohort_deals(data, as_of, window_days=window)
    results = won.groupby("campaign_id").agg(clients=("deal_id", "size"),
                                             revenue=("revenue", "sum"),
                                             margin=("margin", "sum"))
    ids = camps["campaign_id"]
    out = pd.DataFrame({
        "campaign_id": ids.to_numpy(object), "campaign": camps["campaign"].to_numpy(object),
        "channel": camps["channel"].to_numpy(object), "launch": launch.to_numpy(),
        "window_end": (launch + pd.Timedelta(days=window)).to_numpy(),
        "age_days": ((as_of - launch) / _DAY).to_numpy(float),
        "status": status.to_numpy(object)})
    for col in ("clients", "revenue", "margin"):
        out[col] = ids.map(results[col]).fillna(0.0).to_numpy(float)
    out["cost"] = ids.map(_campaign_costs(data, as_of, include_indirect)).to_numpy(float)
    cost = out["cost"].where(out["cost"] != 0)
    out["roi"] = (out["margin"] - cost) / cost

    deals = data.deals
    state = deal_states(deals, as_of)
    open_deals = deals[state == "open"].groupby("campaign_id").size()
    hist = _channel_history(data, as_of)
    immature = out["status"] == "immature"
    out["open_deals"] = ids.map(open_deals).fillna(0).to_numpy(float)
    rate = out["channel"].map(hist["win_rate"]).astype(float)
    per_client = out["channel"].map(hist["margin_per_client"]).astype(float)
    # No open deal adds nothing; open deals in a channel without history: not defined.
    has_open = out["open_deals"] > 0
    out["estimated_clients"] = (out["open_deals"] * rate).where(has_open, 0.0).where(immature)
    out["estimated_margin"] = (out["estimated_clients"] * per_client).where(
        has_open, 0.0).where(immature)
    out["roi_with_estimate"] = ((out["margin"] + out["estimated_margin"] - cost) / cost).where(
        immature)
    out["is_estimate"] = immature.to_numpy(bool)
    return out


def maturity_curve(data: Dataset, as_of: object, *, window_days: float = 180.0,
                   period: str = "month") -> pd.DataFrame:
    """Per channel: the share of a mature campaign's final clients reached by period k.

    Over the channel's mature campaigns with at least one client in the window:
    share_k = Σ cum_clients by the end of period k / Σ clients in the window (a ratio of
    sums). Shape out: channel, period, age_days, share, campaigns, clients.
    """
    curves = cohort_curves(data, as_of, window_days=window_days, period=period)
    mature = curves[curves["status"] == "mature"]
    final = mature.groupby("campaign_id")["cum_clients"].transform("max")
    mature = mature[final > 0]
    if mature.empty:
        return pd.DataFrame({"channel": pd.Series(dtype=object),
                             "period": pd.Series(dtype=int), "age_days": pd.Series(dtype=float),
                             "share": pd.Series(dtype=float), "campaigns": pd.Series(dtype=int),
                             "clients": pd.Series(dtype=float)})
    finals = mature.groupby("campaign_id").agg(channel=("channel", "first"),
                                               final=("cum_clients", "max"))
    totals = finals.groupby("channel").agg(clients=("final", "sum"),
                                           campaigns=("final", "size"))
    out = mature.groupby(["channel", "period"], as_index=False).agg(
        cum=("cum_clients", "sum"), age_days=("age_days", "max"))
    out["clients"] = out["channel"].map(totals["clients"]).astype(float)
    out["campaigns"] = out["channel"].map(totals["campaigns"]).astype(int)
    out["share"] = out["cum"] / out["clients"]
    return out[["channel", "period", "age_days", "share", "campaigns", "clients"]]


def sales_cycle_distribution(data: Dataset, by: str = "channel",
                             as_of: object | None = None) -> pd.DataFrame:
    """Sales-cycle days (close − first contact, else − creation) of won deals, per group.

    ``as_of`` (optional) keeps the deals closed on or before it. Shape out: the group
    column, deals, min, q1, median, q3, max, mean (days).
    """
    if as_of is not None:
        deals = data.deals
        data = data.replace(deals=deals[~(deals["close_date"] > pd.Timestamp(as_of))])
    cycles = build_cycles(data)
    stats = cycles.groupby(by)["sales_cycle_days"]
    out = pd.DataFrame({
        "deals": stats.size(), "min": stats.min(), "q1": stats.quantile(0.25),
        "median": stats.median(), "q3": stats.quantile(0.75), "max": stats.max(),
        "mean": stats.mean()}).reset_index()
    return out
