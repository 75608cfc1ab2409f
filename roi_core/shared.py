"""Costs that belong to no campaign (a shared budget): every euro counted, and allocated.

A fact row whose campaign id is blank or unknown (``roi_core.facts``: its channel is
"(unassigned)") is *shared*. Its volumes are zero, never "not recorded" (no campaign failed
to record them), so its cost weighs on the ratios of every group that contains it: the
total's ROI, CAC, CPL, CPO, and its month's. Per channel, campaign, segment or team, the
setting ``allocate_shared`` says where that cost goes:

==========  ===============================================================================
none        its own "(unassigned)" group: the other groups plus that one sum to the total
cost        pro rata of each row's direct cost (``cost_direct``: the "direct" lines of the
            campaigns), cost part by cost part (a shared direct fixed euro stays direct
            fixed, an indirect one indirect)
contacts    pro rata of each row's contacts
==========  ===============================================================================

share of a row = S_part × key_row / Σ key, over a pool of rows: every row given (filter the
period first, and the period's shared cost goes to the period's campaigns); when the grouping
has months, the rows of the same month. Only rows of known campaigns whose cost is recorded
take a share (a campaign with no cost line keeps its cost "not recorded"). When no row of a
pool carries the key (no direct cost, no contact), its shared cost stays in its own group.
A group made of shared rows only, left with no cost and no volume, is not shown: the
channel rows then sum to the total (to rounding, far below the cent).

The total and a grouping by month alone do not move: they contain the shared rows already.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from roi_core.dataset import UNASSIGNED
from roi_core.facts import COST_PARTS

__all__ = ["ALLOCATIONS", "ALLOCATION_LABELS", "allocation_label", "check_allocation",
           "group_label", "shared_rows", "shared_cost", "allocate"]

ALLOCATIONS = ("none", "cost", "contacts")
ALLOCATION_LABELS: dict[str, tuple[str, str]] = {
    "none": ("laissés à part, sur leur propre ligne « (non attribué) »",
             "kept apart, on their own \"(unassigned)\" row"),
    "cost": ("répartis au prorata des coûts directs", "allocated pro rata of direct cost"),
    "contacts": ("répartis au prorata des contacts", "allocated pro rata of contacts"),
}


def check_allocation(method: str) -> str:
    """``method`` if it is one of ``ALLOCATIONS``, else ValueError.

    >>> check_allocation("cost")
    'cost'
    """
    if method not in ALLOCATIONS:
        raise ValueError(f"allocate_shared must be one of {', '.join(ALLOCATIONS)}, "
                         f"not {method!r}")
    return method


def allocation_label(method: str, lang: str = "fr") -> str:
    """What the setting does, in words, for the outputs that name it.

    >>> allocation_label("contacts", "en")
    'allocated pro rata of contacts'
    """
    return ALLOCATION_LABELS[check_allocation(method)][0 if lang == "fr" else 1]


def group_label(value: object, lang: str = "fr") -> str:
    """A group's name as people read it: the group of no campaign is "(non attribué)" in
    French; every other name as it is.

    >>> group_label("(unassigned)"), group_label("(unassigned)", "en"), group_label("Salons")
    ('(non attribué)', '(unassigned)', 'Salons')
    """
    text = str(value)
    return "(non attribué)" if text == UNASSIGNED and lang == "fr" else text


def shared_rows(facts: pd.DataFrame) -> np.ndarray:
    """Which fact rows belong to no known campaign (their channel is "(unassigned)").

    >>> shared_rows(pd.DataFrame({"channel": ["Emailing", "(unassigned)"]})).tolist()
    [False, True]
    """
    if "channel" not in facts:
        return np.zeros(len(facts), dtype=bool)
    return (facts["channel"] == UNASSIGNED).to_numpy(dtype=bool)


def shared_cost(facts: pd.DataFrame, include_indirect: bool = True) -> float:
    """Σ cost of the shared rows, in the currency (0.0 when there is none).

    >>> f = pd.DataFrame({"channel": ["x", "(unassigned)"], "cost_direct_fixed": [5.0, 7.0],
    ...     "cost_direct_variable": [0.0, 0.0], "cost_indirect_fixed": [1.0, 3.0],
    ...     "cost_indirect_variable": [0.0, 0.0]})
    >>> shared_cost(f), shared_cost(f, include_indirect=False)
    (10.0, 7.0)
    """
    parts = COST_PARTS if include_indirect else COST_PARTS[:2]
    rows = facts[shared_rows(facts)]
    return float(np.nansum(rows[parts].to_numpy(dtype=float, na_value=np.nan)))


def allocate(numbers: Mapping[str, np.ndarray], shared: np.ndarray, pool: np.ndarray,
             method: str) -> dict[str, np.ndarray]:
    """The cost parts of ``numbers`` (arrays per row, ``COST_PARTS`` and ``contacts``) with
    the shared rows' cost moved onto the other rows of their ``pool`` (a pool number per
    row), pro rata of the key of ``method`` (see the module doc). Other arrays unchanged.

    >>> numbers = {"cost_direct_fixed": np.array([100.0, 300.0, 40.0]),
    ...     "cost_direct_variable": np.zeros(3), "cost_indirect_fixed": np.zeros(3),
    ...     "cost_indirect_variable": np.zeros(3), "contacts": np.array([30.0, 10.0, 0.0])}
    >>> shared, pool = np.array([False, False, True]), np.zeros(3, dtype=int)
    >>> allocate(numbers, shared, pool, "cost")["cost_direct_fixed"].tolist()
    [110.0, 330.0, 0.0]
    >>> allocate(numbers, shared, pool, "contacts")["cost_direct_fixed"].tolist()
    [130.0, 310.0, 0.0]
    """
    out = dict(numbers)
    if check_allocation(method) == "none" or not shared.any():
        return out
    parts = {p: np.asarray(numbers[p], dtype=float) for p in COST_PARTS}
    stacked = np.stack(list(parts.values()))
    recorded = ~np.isnan(stacked).all(axis=0)
    takes = ~shared & recorded
    if method == "cost":
        key = np.nansum(stacked[:2], axis=0)
    else:
        key = np.asarray(numbers["contacts"], dtype=float)
    key = np.where(takes & ~np.isnan(key) & (key > 0), key, 0.0)
    pools = int(pool.max(initial=-1)) + 1
    total_key = np.bincount(pool, weights=key, minlength=pools)
    movable = (total_key > 0)[pool]  # pools where someone carries the key
    weight = np.divide(key, total_key[pool], out=np.zeros(len(key)), where=movable)
    for name, values in parts.items():
        held = np.where(shared & ~np.isnan(values), values, 0.0)
        pooled = np.bincount(pool, weights=held, minlength=pools)[pool]
        gets = takes & (weight > 0) & (pooled != 0)
        moved = np.where(gets, values + pooled * weight, values)
        out[name] = np.where(shared & movable & ~np.isnan(values), 0.0, moved)
    return out
