"""What a viewer types reaches the page as text, and a scenario file is bounded before it
is parsed (issue 13, part 3: the file-name line and the scenario upload)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roi_core.app.view import source_line_html
from roi_core.errors import InputError
from roi_core.scenario import (
    MAX_JSON_BYTES,
    MAX_JSON_DEPTH,
    Levers,
    _json_depth,
    from_json,
    to_json,
)


@pytest.mark.parametrize("name", ["a`b.xlsx", "``x``.csv", "**gras**.xlsx", "<img src=x>.csv",
                                  "[lien](http://x).xlsx", "$x$.csv"])
def test_file_name_is_shown_as_text(name: str) -> None:
    import html

    line = source_line_html(name, "fr", campaigns=3, months=2)
    assert f"<code>{html.escape(name)}</code>" in line
    assert "<img" not in line.replace("&lt;img", "")
    assert line.startswith('<span class="roi-source"><b>Fichier affiché</b> : ')
    assert "3 campagnes, 2 mois" in line


def test_notebook_shows_the_source_line_as_html() -> None:
    from conftest import NOTEBOOKS

    text = (NOTEBOOKS / "roi_explorer.py").read_text(encoding="utf-8")
    cell = text[text.index("source_line = "):text.index("return (source_line,)")]
    assert "view.source_line_html(" in cell and "mo.md(" not in cell


def test_deeply_nested_scenario_is_a_plain_message() -> None:
    for doc in ("[" * 30_000 + "]" * 30_000, '{"levers": ' * 30_000):
        with pytest.raises(InputError) as err:
            from_json(doc[:MAX_JSON_BYTES], "deep.json")
        assert str(err.value).startswith("deep.json: the document is nested")


def test_huge_scenario_is_refused_before_parsing() -> None:
    with pytest.raises(InputError, match="bytes, over the limit"):
        from_json(b'{"levers": {}, "x": "' + b"a" * (MAX_JSON_BYTES + 1) + b'"}', "big.json")


def test_saved_scenario_still_reads_back() -> None:
    levers = Levers(win_rate=1.2)
    assert from_json(to_json(levers)).win_rate == 1.2
    assert _json_depth(to_json(levers)) <= MAX_JSON_DEPTH


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(alphabet='[]{}"\\ab'),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(alphabet="[]{}ab", max_size=3), inner,
                                      max_size=3), max_leaves=20)


def _depth(value: object) -> int:
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    return 0


@settings(max_examples=100, deadline=None)
@given(value=JSON)
def test_depth_counted_without_parsing_is_the_real_depth(value: object) -> None:
    # Brackets inside strings (and escaped quotes) do not count.
    assert _json_depth(json.dumps(value)) == _depth(value)
