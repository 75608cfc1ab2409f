"""Simulation-based calibration of the advisor (loose; benchmarks/bench_calibration.py runs
more companies and prints the rates)."""

from __future__ import annotations

from synthetic_company import calibrate


def test_intervals_cover_and_advice_hits_on_synthetic_companies():
    r = calibrate(40, draws=1000)
    assert 0.65 <= r["roi_coverage"] <= 0.92, r
    assert 0.65 <= r["curve_coverage"] <= 0.95, r
    assert r["recommendations"] >= 8, r
    assert r["hit_rate"] >= 0.8, r
    assert r["abstain_when_noise"] >= 0.5, r
