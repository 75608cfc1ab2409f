"""roi_core.app.live: what a slider move computes and sends to the page, in which order."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import SAMPLE

from roi_core import charts
from roi_core.app import live as app_live
from roi_core.app import view
from roi_core.app.widgets import LiveLevers
from roi_core.errors import InputError
from roi_core.io import load_workbook
from roi_core.kpis import compute_kpis
from roi_core.scenario import Levers, apply_levers, base_table, sensitivity, to_query


class Recorder:
    """Stands for a live output: records what is shown, in order, across all outputs."""

    def __init__(self, name: str, log: list) -> None:
        self.name, self.log = name, log

    def show(self, content: object) -> None:
        self.log.append((self.name, content))


@pytest.fixture(scope="module")
def facts() -> pd.DataFrame:
    return base_table(load_workbook(SAMPLE / "demo_company.xlsx"))


def outputs() -> tuple[dict[str, Recorder], list]:
    log: list = []
    return {name: Recorder(name, log) for name in app_live.OUTPUTS}, log


def test_a_move_sends_every_output_once_cards_first_address_last(facts) -> None:
    base = app_live.baseline(facts, lang="fr")
    live, log = outputs()
    levers = Levers(win_rate=1.2, channel_cost={"Emailing": 0.7})
    shown = app_live.show(live, base, levers)
    assert [name for name, _ in log] == list(app_live.OUTPUTS)
    sent = dict(log)
    expected = compute_kpis(apply_levers(facts, levers), "total").iloc[0]
    pd.testing.assert_series_equal(shown.total, expected, check_names=False)
    assert shown.active
    assert sent["cards"] == view.cards_html(view.kpi_cards(base.total, expected, lang="fr"))
    names = view.series_names("fr")
    assert sent["funnel"] == charts.funnel_spec(charts.funnel_data(
        {names[0]: base.total, names[1]: expected}, "fr"), "fr")
    pd.testing.assert_frame_equal(shown.sensitivity, sensitivity(facts, levers))
    assert sent["url"] == to_query(levers) == {"win_rate": "1.2", "cost.Emailing": "0.7"}


def test_the_baseline_shows_no_scenario(facts) -> None:
    base = app_live.baseline(facts, include_indirect=False, basis="revenue", lang="en")
    live, log = outputs()
    shown = app_live.show(live, base, Levers())
    assert not shown.active
    assert shown.total["roi"] == compute_kpis(facts, "total", include_indirect=False,
                                              basis="revenue").iloc[0]["roi"]
    sent = dict(log)
    assert "vs baseline" not in sent["cards"] and sent["url"] == {}
    assert {row["series"] for row in next(iter(sent["funnel"]["datasets"].values()))} == {
        "Baseline"}


def test_a_bad_lever_sends_nothing(facts) -> None:
    live, log = outputs()
    with pytest.raises(InputError, match="win_rate"):
        app_live.show(live, app_live.baseline(facts), Levers(win_rate=-1.0))
    assert log == []


def test_the_sliders_values_are_the_levers() -> None:
    panel = view.lever_panel(["Emailing", "Salons"], "fr")
    sliders = LiveLevers(groups=panel)
    moves = []
    sliders.on_move(moves.append)
    sliders.set_values(view.lever_values(Levers(win_rate=1.2), panel))
    assert app_live.levers_of(moves[-1]).moved() == {"win_rate": 1.2}
    sliders.on_move(None)  # a replaced callback is not called any more
    sliders.set_values({**sliders.values, "cost.Salons": 0.5})
    assert len(moves) == 1
    assert app_live.levers_of(sliders.values).moved() == {"win_rate": 1.2, "cost.Salons": 0.5}


@pytest.mark.parametrize("basis", ["margin", "revenue"])
def test_the_baseline_kpis_are_compute_kpis_to_the_last_bit(facts, basis) -> None:
    base = app_live.baseline(facts, include_indirect=False, basis=basis)
    opts = {"include_indirect": False, "basis": basis}
    pd.testing.assert_series_equal(base.total, compute_kpis(facts, "total", **opts).iloc[0],
                                   check_exact=True)
    pd.testing.assert_frame_equal(base.channel, compute_kpis(facts, "channel", **opts),
                                  check_exact=True)
    pd.testing.assert_frame_equal(base.month, compute_kpis(facts, "month", **opts),
                                  check_exact=True)


@pytest.fixture(scope="module")
def shared_facts(facts) -> pd.DataFrame:
    """The demo's fact table plus one row of no campaign: 50 000 € of undated salaries (as
    roi_core.facts makes it: channel "(unassigned)", zero volumes)."""
    row = {col: 0.0 for col in facts.columns if facts[col].dtype.kind == "f"}
    row.update({"campaign_id": "(unassigned)", "campaign": "(unassigned)",
                "channel": "(unassigned)", "segment": "(unassigned)", "team": "(unassigned)",
                "month": pd.NaT, "targets": float("nan"), "cost_direct_fixed": 50000.0})
    return pd.concat([facts, pd.DataFrame([row])], ignore_index=True)


@pytest.mark.parametrize("method", ["none", "cost", "contacts"])
def test_the_apps_setting_for_costs_of_no_campaign(shared_facts, method) -> None:
    base = app_live.baseline(shared_facts, allocate_shared=method, lang="fr")
    opts = {"allocate_shared": method}
    pd.testing.assert_frame_equal(base.channel, compute_kpis(shared_facts, "channel", **opts),
                                  check_exact=True)
    pd.testing.assert_series_equal(base.total, compute_kpis(shared_facts, "total").iloc[0],
                                   check_exact=True)
    assert base.channel["cost"].sum() == pytest.approx(base.total["cost"], abs=0.005)
    assert ("(unassigned)" in set(base.channel["channel"])) == (method == "none")
    live, log = outputs()
    shown = app_live.show(live, base, Levers(win_rate=1.1))
    expected = compute_kpis(apply_levers(shared_facts, Levers(win_rate=1.1)), "channel", **opts)
    pd.testing.assert_frame_equal(shown.channel, expected, check_exact=True)
    cards = dict(log)["cards"]
    # Said on screen, under the cards: how much, and where the channel figures put it.
    assert f'data-allocate-shared="{method}"' in cards
    assert "50\u202f000\u00a0€ de coûts sans campagne" in cards


def test_the_app_says_nothing_without_costs_of_no_campaign(facts) -> None:
    live, log = outputs()
    app_live.show(live, app_live.baseline(facts), Levers())
    assert "roi-shared-note" not in dict(log)["cards"]
