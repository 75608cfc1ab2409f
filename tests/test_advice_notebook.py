"""The "Conseil" notebook runs headless on the demo company and links to the meeting app
with the advised moves as scenario levers."""

from __future__ import annotations

import importlib.util
from urllib.parse import parse_qsl, urlsplit

import numpy as np
import pytest
from conftest import NOTEBOOKS

from roi_core.advice import advise
from roi_core.facts import COST_PARTS
from roi_core.scenario import apply_levers, base_table, from_query


def test_advice_notebook_runs_and_its_link_applies_the_moves(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("ROI_WORKBOOK", raising=False)
    spec = importlib.util.spec_from_file_location("advice_under_test", NOTEBOOKS / "advice.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    _, defs = module.app.run()
    result = defs["result"]
    link = defs["meeting_link"]
    params = dict(parse_qsl(urlsplit(link).query))
    assert params["file"] == "roi_explorer.py" and params["lang"] == "fr"
    levers = from_query(params)
    # What the meeting app computes from that address: each channel spends the advised split.
    data = defs["data"]
    table = base_table(data)
    cost = apply_levers(table, levers).groupby("channel")[COST_PARTS].sum().sum(axis=1)
    target = result.candidate if result.abstained else result.proposed
    np.testing.assert_allclose(cost.reindex(result.channels).to_numpy(), target, rtol=1e-5)
    again = advise(defs["facts"], deals=data.deals)
    np.testing.assert_allclose(again.proposed, result.proposed)
