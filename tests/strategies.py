"""Hypothesis strategies shared by the property tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import strategies as st

from roi_core.facts import COST_PARTS, DIMENSIONS, VOLUMES

CHANNELS = ["Téléprospection", "Emailing", "Social selling", "Salons"]
money = st.floats(min_value=0, max_value=1e6, allow_nan=False).map(lambda v: round(v, 2))
counts = st.one_of(st.integers(min_value=0, max_value=5000).map(float), st.just(np.nan))


@st.composite
def fact_tables(draw, min_rows: int = 1, max_rows: int = 12) -> pd.DataFrame:
    """Fact tables as ``roi_core.facts.build_facts`` returns them, some counts unrecorded."""
    n = draw(st.integers(min_value=min_rows, max_value=max_rows))
    rows = []
    for i in range(n):
        row = {
            "campaign_id": f"C{i % 5}", "campaign": f"Campagne {i % 5}",
            "channel": draw(st.sampled_from(CHANNELS)),
            "segment": draw(st.sampled_from(["PME", "ETI"])), "team": "Paris",
            "month": pd.Timestamp(2026, draw(st.integers(1, 12)), 1),
        }
        for part in COST_PARTS:
            row[part] = draw(money)
        for vol in VOLUMES:
            row[vol] = draw(money) if vol in ("revenue", "margin") else draw(counts)
        rows.append(row)
    return pd.DataFrame(rows, columns=DIMENSIONS + COST_PARTS + VOLUMES)


def french_amount(value: float, decimals: int, space: str, currency: bool) -> str:
    """How a French user types an amount: "1 234,56 €" with the given thousands space."""
    text = f"{value:,.{decimals}f}".replace(",", "X").replace(".", ",").replace("X", space)
    return text + (" €" if currency else "")
