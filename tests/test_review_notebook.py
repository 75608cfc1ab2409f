"""The "Revue du mois" notebook runs headless (``app.run()``): two periods explained, the
decisions on the chart, and writing offered only with ROI_HISTORY and ROI_HISTORY_WRITE=1."""

from __future__ import annotations

import importlib.util

import pytest
from conftest import NOTEBOOKS, SAMPLE

from roi_core.store import History

DEMO = SAMPLE / "demo_company.xlsx"


def _app():
    spec = importlib.util.spec_from_file_location("nb_review", NOTEBOOKS / "review.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.app


def _html(outputs) -> str:
    return "\n".join(getattr(o, "text", "") or "" for o in outputs if o is not None)


@pytest.fixture
def no_history(monkeypatch):
    monkeypatch.delenv("ROI_HISTORY", raising=False)
    monkeypatch.delenv("ROI_HISTORY_WRITE", raising=False)


def test_last_month_against_the_one_before_without_a_history(no_history):
    outputs, defs = _app().run(defs={"workbook_path": DEMO})
    c = defs["comparison"]
    assert (c.before[0].strftime("%Y-%m"), c.after[0].strftime("%Y-%m")) == ("2026-10",
                                                                              "2026-11")
    roi = defs["sentences"][defs["sentences"]["kpi"] == "roi"]
    assert len(roi) == 5 and roi["sentence"].iloc[0].startswith("Total : le ROI passe de")
    assert defs["decisions"] is None and defs["decision_form"] is None
    html = _html(outputs)
    assert "altair_chart" in [type(o).__name__ for o in outputs]
    assert "ROI_HISTORY" in html and "Enregistrer la décision" not in html


def test_the_decisions_between_the_periods_are_shown_read_only(tmp_path, monkeypatch):
    path = tmp_path / "h.sqlite"
    history = History(path)
    history.decide("2026-10-15", "Salons réduits de 30 % <b>dès novembre</b>",
                   channel="Salons/Événements", author="DG")
    history.decide("2026-06-01", "Hors période")
    monkeypatch.setenv("ROI_HISTORY", str(path))
    monkeypatch.delenv("ROI_HISTORY_WRITE", raising=False)
    outputs, defs = _app().run(defs={"workbook_path": DEMO})
    assert list(defs["decisions"]["text"]) == ["Salons réduits de 30 % <b>dès novembre</b>"]
    assert defs["decision_form"] is None and defs["snapshot_button"] is None
    html = _html(outputs)
    assert "lecture seule" in html and "Enregistrer la décision" not in html
    assert "&lt;b&gt;" in html or "&amp;lt;b&amp;gt;" in html  # shown as text, not HTML
    assert len(History(path).snapshots()) == 0


def test_writing_is_offered_with_the_deployers_consent(tmp_path, monkeypatch):
    monkeypatch.setenv("ROI_HISTORY", str(tmp_path / "new.sqlite"))
    monkeypatch.setenv("ROI_HISTORY_WRITE", "1")
    outputs, defs = _app().run(defs={"workbook_path": DEMO})
    assert defs["decision_form"] is not None and defs["snapshot_button"] is not None
    assert "Enregistrer la décision" in _html(outputs)
    assert (tmp_path / "new.sqlite").exists()


def test_a_bad_workbook_shows_a_callout(tmp_path, no_history):
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"not a workbook")
    outputs, _ = _app().run(defs={"workbook_path": bad})
    html = _html(outputs)
    assert "pas pu être lu" in html and "broken.xlsx" in html and "Traceback" not in html


def test_the_write_controls_write_only_with_consent(tmp_path):
    from roi_core.app.review import HistoryAccess, write_to_history

    path = tmp_path / "h.sqlite"
    history = History(path)
    form = {"date": "2026-11-03", "text": "Emailing : nouvelle séquence", "channel": "Emailing",
            "author": ""}
    read_only = HistoryAccess(path=path, write=False)
    assert write_to_history(read_only, history, decision=form, snapshot=True,
                            workbook=DEMO) is None
    assert history.decisions().empty and history.snapshots().empty
    allowed = HistoryAccess(path=path, write=True)
    assert write_to_history(allowed, history, decision=form) == ("decision", 1)
    assert write_to_history(allowed, history, decision={"text": " "}) is None
    assert write_to_history(allowed, history, snapshot=True, workbook=DEMO) == ("snapshot", 1)
    logged = history.decisions().iloc[0]
    assert (logged["text"], logged["channel"], logged["author"]) == (
        "Emailing : nouvelle séquence", "Emailing", None)
    assert history.snapshots()["workbook"].tolist() == ["demo_company.xlsx"]
