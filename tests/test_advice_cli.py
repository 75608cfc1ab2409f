"""The advise, abtest and kpis --intervals commands on the demo company (in process)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from roi_core.cli.main import main

DEMO = str(Path(__file__).resolve().parents[1] / "sample_data" / "demo_company.xlsx")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_advise_table_gives_sentences(capsys):
    code, out, _ = run(capsys, "advise", DEMO)
    assert code == 0
    first = out.splitlines()[0]
    assert first.startswith(("Transférer", "Pas assez de données pour conseiller un transfert"))


def test_advise_json_with_a_lock_and_english(capsys):
    code, out, _ = run(capsys, "advise", DEMO, "--lock", "salons", "--max-change", "10%",
                       "--format", "json", "--lang", "en")
    assert code == 0
    doc = json.loads(out)
    channels = {r["channel"]: r for r in doc["channels"]}
    assert channels["Salons/Événements"]["change"] == 0
    assert abs(sum(r["proposed"] for r in doc["channels"]) - doc["budget"]) < 0.005
    assert all(abs(r["change_share"]) <= 0.1 + 1e-9 for r in doc["channels"])
    assert all(m["probability"] >= 0.8 for m in doc["moves"])
    assert doc["sentences"][0].startswith(("Move", "Not enough data"))
    beats = doc["roi_beats"]
    assert beats["Téléprospection"]["Emailing"] + beats["Emailing"]["Téléprospection"] == 1


@pytest.mark.parametrize("args", [["--lock", "Nope"], ["--budget", "10"]])
def test_advise_bad_input_exits_2_with_one_message(capsys, args):
    code, _, err = run(capsys, "advise", DEMO, *args)
    assert code == 2 and err.startswith("error:") and "Traceback" not in err


def test_advise_bad_option_exits_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["advise", DEMO, "--max-change", "abc"])
    assert exc.value.code == 2


def test_kpis_intervals_hold_the_point_values(capsys):
    code, out, _ = run(capsys, "kpis", DEMO, "--by", "channel", "--intervals", "--format",
                       "json")
    assert code == 0
    for row in json.loads(out):
        assert row["roi_low"] <= row["roi"] <= row["roi_high"]
        assert row["win_rate_low"] <= row["win_rate"] <= row["win_rate_high"]
        assert row["cac_low"] <= row["cac"] <= row["cac_high"]


def test_abtest_by_team_and_an_unknown_column(capsys):
    code, out, _ = run(capsys, "abtest", DEMO, "--by", "team", "--a", "Équipe Nord", "--b",
                       "Équipe Sud", "--format", "json")
    assert code == 0
    rows = {r["metric"]: r for r in json.loads(out)}
    assert {"lead_rate", "win_rate", "cost_per_opportunity"} <= set(rows)
    code, _, err = run(capsys, "abtest", DEMO, "--by", "script")
    assert code == 2 and "script" in err
