"""roi_core.engines: the same attribution figures on pandas, DuckDB and Spark, to 1e-9.

The oracle is ``roi_core.attribution`` (numpy, the workbook path). Spark tests start a local
session themselves; without PySpark or Java they skip and say why, and ``.ci/run``
(``ROI_REQUIRE_SPARK=1``) turns that skip into a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT, SAMPLE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from journey_workbook import write_journey_workbook

from roi_core.attribution import RULES, attribute, attribution_table, build_journeys
from roi_core.engines import backends, engine_attribution, engine_credits, open_frames
from roi_core.errors import InputError
from roi_core.io import load_workbook

MEASURES = ["conversions", "revenue", "margin"]
TABLE = [*MEASURES, "cost", "roi"]


def _spark_missing() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "PySpark is not installed (pip install -e '.[test]')"
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "no Java runtime (Spark needs Java 17: apt-get install openjdk-17-jre-headless)"
    return None


@pytest.fixture(scope="session")
def spark():
    why = _spark_missing()
    if why:
        if os.environ.get("ROI_REQUIRE_SPARK"):
            pytest.fail(f"ROI_REQUIRE_SPARK is set but Spark cannot run: {why}")
        pytest.skip(why)
    session = backends.spark_session("local[2]")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


ENGINES = ["pandas", "duckdb", pytest.param("spark", marks=pytest.mark.spark)]


@pytest.fixture(params=ENGINES)
def engine(request):
    if request.param == "spark":
        return request.param, request.getfixturevalue("spark")
    return request.param, None


def _open(engine, touchpoints, deals):
    name, session = engine
    return open_frames(name, touchpoints, deals, spark=session)


def assert_same(got: pd.DataFrame, want: pd.DataFrame, columns=MEASURES) -> None:
    keys = [c for c in ("model", "channel") if c in want]
    assert got[keys].astype(str).to_numpy().tolist() == want[keys].astype(str).to_numpy().tolist()
    a, b = got[columns].to_numpy(float), want[columns].to_numpy(float)
    assert np.array_equal(np.isnan(a), np.isnan(b))
    both = ~np.isnan(b)
    assert np.allclose(a[both], b[both], rtol=1e-9, atol=1e-9), (got, want)


@pytest.fixture(scope="module")
def demo():
    return load_workbook(SAMPLE / "demo_company.xlsx")


@pytest.fixture(scope="module")
def journey_data(tmp_path_factory):
    return load_workbook(write_journey_workbook(tmp_path_factory.mktemp("j") / "j.xlsx"))


def test_demo_company_every_rule_on_every_engine(engine, demo):
    want = attribution_table(demo, "all")
    got = engine_attribution(demo, _open(engine, demo.touchpoints, demo.deals), "all")
    assert_same(got, want, TABLE)


def test_hand_built_journeys_and_second_order_markov(engine, journey_data):
    d = journey_data
    j = build_journeys(d.touchpoints, d.deals)
    frames = _open(engine, d.touchpoints, d.deals)
    got = engine_credits(frames, RULES, half_life_days=3.0)
    for rule in RULES:
        assert_same(got[rule], attribute(j, rule, half_life_days=3.0))
    got2 = engine_credits(frames, ["markov"], markov_order=2)["markov"]
    assert_same(got2, attribute(j, "markov", markov_order=2))


def test_parquet_logs_partitioned_by_month(engine, demo, tmp_path):
    touch = demo.touchpoints.assign(month=demo.touchpoints["timestamp"].dt.strftime("%Y-%m"))
    logs = tmp_path / "touchpoints"
    for month, part in touch.groupby("month"):
        folder = logs / f"month={month}"
        folder.mkdir(parents=True)
        part.drop(columns="month").to_parquet(folder / "part-0.parquet", index=False)
    deals = tmp_path / "deals.parquet"
    demo.deals.to_parquet(deals, index=False)
    got = engine_attribution(demo, _open(engine, logs, deals), "all")
    assert_same(got, attribution_table(demo, "all"), TABLE)


# Ties in time, several won deals per account, lost and open deals, touches on the signing
# day, blank amounts and rates: the plan must agree with the numpy path on all of it.
_touch = st.tuples(st.integers(0, 4), st.integers(0, 9), st.sampled_from("abc"),
                   st.sampled_from(["c1", "c2", None]))
_deal = st.tuples(st.integers(0, 5), st.sampled_from(["won", "won", "lost", "open"]),
                  st.integers(0, 9), st.integers(0, 9),
                  st.one_of(st.none(), st.floats(0, 1e4)), st.one_of(st.none(),
                                                                     st.floats(0, 1)))


def _random_frames(touches, deals):
    day = pd.Timestamp("2026-03-01")
    tp = pd.DataFrame({
        "account_id": [f"A{a}" for a, *_ in touches],
        "timestamp": [day + pd.Timedelta(hours=6 * h) for _, h, *_ in touches],
        "channel": [c for *_, c, _ in touches],
        "campaign_id": pd.Series([k for *_, k in touches], dtype=object),
    })
    tp["row"] = np.arange(2, len(tp) + 2)
    dl = pd.DataFrame({
        "deal_id": [f"D{i}" for i in range(len(deals))],
        "account_id": [None if a == 5 else f"A{a}" for a, *_ in deals],
        "status": [s for _, s, *_ in deals],
        "created_date": [day + pd.Timedelta(hours=6 * c) for _, _, c, *_ in deals],
        "close_date": [day + pd.Timedelta(hours=6 * e) for _, _, _, e, *_ in deals],
        "amount": pd.Series([m for *_, m, _ in deals], dtype=float),
        "margin_rate": pd.Series([r for *_, r in deals], dtype=float),
    })
    return tp, dl


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_touch, min_size=1, max_size=14), st.lists(_deal, max_size=6))
def test_duckdb_agrees_with_numpy_on_random_logs(touches, deals):
    tp, dl = _random_frames(touches, deals)
    j = build_journeys(tp, dl)
    got = engine_credits(open_frames("duckdb", tp, dl), RULES, half_life_days=2.0)
    for rule in RULES:
        assert_same(got[rule], attribute(j, rule, half_life_days=2.0))


def test_auto_picks_duckdb_above_the_threshold(demo, tmp_path, monkeypatch):
    path = tmp_path / "t.parquet"
    demo.touchpoints.to_parquet(path, index=False)
    assert backends.pick_engine("auto", path) == "pandas"
    monkeypatch.setattr(backends, "AUTO_DUCKDB_BYTES", 10)
    assert backends.pick_engine("auto", path) == "duckdb"
    assert backends.pick_engine("auto", demo.touchpoints) == "pandas"


def test_a_log_without_a_needed_column_is_named(tmp_path):
    path = tmp_path / "calls.parquet"
    pd.DataFrame({"account": ["a"], "timestamp": [pd.Timestamp("2026-01-01")],
                  "channel": ["x"]}).to_parquet(path)
    deals = tmp_path / "deals.parquet"
    pd.DataFrame({"deal_id": ["D"], "account_id": ["a"], "status": ["won"],
                  "close_date": [pd.Timestamp("2026-01-02")], "amount": [1.0]}).to_parquet(deals)
    for name in ("pandas", "duckdb"):
        with pytest.raises(InputError, match="account_id"):
            open_frames(name, path, deals)
    with pytest.raises(InputError, match="no Parquet or CSV"):
        open_frames("duckdb", tmp_path / "nothing-*.parquet", deals)


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "roi_core", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=300)


def test_command_line_on_parquet_logs_gives_the_workbook_figures(demo, tmp_path):
    touch, deals = tmp_path / "touch.parquet", tmp_path / "deals.parquet"
    demo.touchpoints.to_parquet(touch, index=False)
    demo.deals.to_parquet(deals, index=False)
    book = str(SAMPLE / "demo_company.xlsx")
    want = _cli("attribution", book, "--format", "json")
    got = _cli("attribution", book, "--format", "json", "--engine", "duckdb",
               "--touchpoints", str(touch), "--deals", str(deals))
    assert got.returncode == 0, got.stderr
    assert "[duckdb" in got.stderr  # progress goes to stderr, never into the figures
    a, b = json.loads(got.stdout), json.loads(want.stdout)
    assert [(r["model"], r["channel"]) for r in a] == [(r["model"], r["channel"]) for r in b]
    for x, y in zip(a, b, strict=True):
        for key in TABLE:
            assert (x[key] is None) == (y[key] is None)
            if y[key] is not None:
                assert x[key] == pytest.approx(y[key], rel=1e-9, abs=1e-9)
    bad = _cli("attribution", book, "--engine", "duckdb", "--by", "campaign")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    missing = _cli("attribution", book, "--touchpoints", str(tmp_path / "no-such-dir"))
    assert missing.returncode == 2 and "no Parquet or CSV" in missing.stderr


# --- the funnel that activity and deal logs imply -------------------------------------------


def test_funnel_from_logs_on_every_engine(engine, demo, tmp_path):
    from roi_core.engines import engine_funnel, open_table
    from roi_core.funnel import derive_funnel

    want = derive_funnel(demo.campaigns, demo.deals, demo.activities)
    name, session = engine
    frames = backends.connect(name, spark=session)
    acts = tmp_path / "activities"
    for month, part in demo.activities.groupby(demo.activities["date"].dt.strftime("%Y-%m")):
        (acts / f"month={month}").mkdir(parents=True)
        part.to_parquet(acts / f"month={month}" / "part-0.parquet", index=False)
    for source in (demo.activities, acts):
        got = engine_funnel(frames, open_table(frames, source, "activities"),
                            open_table(frames, demo.deals, "deals"))
        pd.testing.assert_frame_equal(got, want, check_dtype=False, rtol=1e-12)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["C1", "C2", None]), st.integers(0, 70),
                          st.sampled_from(["call", "email", "meeting", None]),
                          st.sampled_from(["no_answer", "contact", "lead", "meeting",
                                           "no_show", None])), max_size=20),
       st.lists(st.tuples(st.sampled_from(["C1", "C3", None]),
                          st.sampled_from(["won", "lost", "open"]),
                          st.one_of(st.none(), st.integers(0, 70)),
                          st.one_of(st.none(), st.integers(0, 70)),
                          st.one_of(st.none(), st.floats(0, 1e5))), max_size=8))
def test_duckdb_funnel_agrees_with_pandas_on_random_logs(acts, deals):
    from roi_core.engines import engine_funnel, open_table
    from roi_core.funnel import derive_funnel

    day = pd.Timestamp("2026-01-20")
    a = pd.DataFrame({"campaign_id": pd.Series([c for c, *_ in acts], dtype=object),
                      "date": [day + pd.Timedelta(days=d) for _, d, *_ in acts],
                      "type": pd.Series([t for _, _, t, _ in acts], dtype=object),
                      "outcome": pd.Series([o for *_, o in acts], dtype=object)})
    when = [None if d is None else day + pd.Timedelta(days=d) for *_, d, _, _ in deals]
    d = pd.DataFrame({"deal_id": [f"D{i}" for i in range(len(deals))],
                      "campaign_id": pd.Series([c for c, *_ in deals], dtype=object),
                      "status": [s for _, s, *_ in deals],
                      "created_date": pd.to_datetime(pd.Series(when, dtype=object)),
                      "first_contact_date": pd.NaT,
                      "close_date": pd.to_datetime(pd.Series(
                          [None if c is None else day + pd.Timedelta(days=c)
                           for *_, c, _ in deals], dtype=object)),
                      "amount": pd.Series([m for *_, m in deals], dtype=float),
                      "margin_rate": 0.4})
    want = derive_funnel(pd.DataFrame({"campaign_id": ["C1", "C2", "C3"]}), d, a)
    frames = backends.connect("duckdb")
    got = engine_funnel(frames, open_table(frames, a, "activities") if len(a) else None,
                        open_table(frames, d, "deals") if len(d) else None)
    pd.testing.assert_frame_equal(got, want, check_dtype=False, rtol=1e-12)


def test_kpis_command_on_activity_logs_gives_the_derived_figures(demo, tmp_path):
    from roi_core.funnel import derive_funnel
    from roi_core.kpis import kpi_table

    acts, deals = tmp_path / "activities.parquet", tmp_path / "deals.csv"
    demo.activities.to_parquet(acts, index=False)
    demo.deals.to_csv(deals, index=False)
    derived = demo.replace(funnel=derive_funnel(demo.campaigns, demo.deals, demo.activities))
    want = kpi_table(derived, "channel")
    got = _cli("kpis", str(SAMPLE / "demo_company.xlsx"), "--by", "channel", "--format",
               "json", "--engine", "duckdb", "--activities", str(acts), "--deals", str(deals))
    assert got.returncode == 0, got.stderr
    rows = json.loads(got.stdout)
    assert [r["channel"] for r in rows] == want["channel"].tolist()
    for row, (_, ref) in zip(rows, want.iterrows(), strict=True):
        for key in ("cost", "contacts", "leads", "opportunities", "clients", "margin", "roi",
                    "cost_per_lead", "win_rate"):
            if pd.isna(ref[key]):
                assert row[key] is None, key
            else:
                assert row[key] == pytest.approx(float(ref[key]), rel=1e-9), key


def test_spark_without_pyspark_is_one_message(monkeypatch):
    import builtins

    real = builtins.__import__

    def no_pyspark(name, *args, **kwargs):
        if name.startswith("pyspark"):
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyspark)
    with pytest.raises(InputError, match="PySpark"):
        backends.spark_session("local[1]")
