"""Outputs that change in place: the meeting app's charts and tables follow a slider without
being rebuilt.

A notebook cell re-run replaces its output, and the browser then rebuilds it: a chart is
compiled and drawn anew (Vega-Lite compilation, a new Vega view, a new canvas), a table is
mounted anew. Tens of milliseconds each, the larger part of a slider move. These anywidgets
are made once per session; ``show`` sends new content to the browser, which updates the
element already on the page:

- ``LiveChart``: a Vega-Lite spec whose layout (the spec but for its ``datasets``) is the
  one on screen only has its rows swapped in the running Vega view; another is embedded
  anew. The browser code (``live_chart.js``) is bundled with Vega-Embed, Vega-Lite and Vega
  by vl-convert, offline, once per process: the page loads nothing from the network.
- ``LiveHtml``: a piece of HTML (``roi_core.app.view.table_html``) replaces the last one.
- ``LiveUrl``: query parameters put in the page's address (replaced, once the moves pause),
  so that a copied link reopens the scenario.
- ``LiveLevers``: the scenario's sliders. A move changes its ``values`` in the kernel, where
  ``on_move``'s callback redraws the outputs above: a slider move runs no notebook cell.

``LiveChart``, ``LiveHtml`` and ``LiveUrl`` write the revision they show in their element's
``data-revision`` once drawn (tests and ``benchmarks/bench_app.py`` wait on it); ``LiveUrl``'s
element also carries ``data-role="address"`` (it is not a figure: the benchmark leaves it out).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import anywidget
import traitlets

_HERE = Path(__file__).parent


@functools.cache
def chart_bundle() -> str:
    """``LiveChart``'s ES module: ``live_chart.js`` with Vega-Embed, Vega-Lite and Vega inlined
    (about 0.9 MB, built in about a second, once per process)."""
    import vl_convert

    return vl_convert.javascript_bundle(_module("live_chart.js"))


def _module(name: str) -> str:
    """A widget's browser code: ``live_common.js`` (shared helpers) then ``name``."""
    return "\n".join((_HERE / f).read_text(encoding="utf-8") for f in ("live_common.js", name))


class LiveChart(anywidget.AnyWidget):
    """One chart on the page; ``show`` a new Vega-Lite spec to redraw it.

    ``spec``: a Vega-Lite spec whose data are top-level named ``datasets`` (what
    ``roi_core.charts.*_spec`` make); ``revision`` counts the specs shown; ``renderer``:
    ``canvas`` or ``svg``.

    >>> chart = LiveChart()
    >>> chart.show({"mark": "bar", "datasets": {"d": [{"x": 1}]}, "data": {"name": "d"}})
    >>> chart.revision
    1
    """

    _esm = traitlets.Unicode("").tag(sync=True)
    spec = traitlets.Dict(allow_none=True, default_value=None).tag(sync=True)
    revision = traitlets.Int(0).tag(sync=True)
    renderer = traitlets.Unicode("canvas").tag(sync=True)

    def __init__(self, spec: dict | None = None, *, renderer: str = "canvas") -> None:
        super().__init__(_esm=chart_bundle(), renderer=renderer)
        if spec is not None:
            self.show(spec)

    def show(self, spec: dict | None) -> None:
        """Send ``spec`` to the browser (one message: the spec and its revision)."""
        with self.hold_sync():
            self.spec = spec
            self.revision = self.revision + 1


class LiveHtml(anywidget.AnyWidget):
    """A block of HTML on the page; ``show`` new HTML to replace it.

    The HTML is trusted: build it with escaping (``roi_core.app.view.table_html``). ``css``
    styles it (the block sits in a shadow root, apart from the page's styles).

    >>> block = LiveHtml()
    >>> block.show("<p>1 234,56 €</p>")
    >>> block.html, block.revision
    ('<p>1 234,56 €</p>', 1)
    """

    _esm = traitlets.Unicode(_module("live_html.js")).tag(sync=True)
    html = traitlets.Unicode("").tag(sync=True)
    css = traitlets.Unicode((_HERE / "live.css").read_text(encoding="utf-8")).tag(sync=True)
    revision = traitlets.Int(0).tag(sync=True)

    def show(self, html: str) -> None:
        """Send ``html`` to the browser (one message: the HTML and its revision)."""
        with self.hold_sync():
            self.html = html
            self.revision = self.revision + 1


class LiveUrl(anywidget.AnyWidget):
    """The page's query parameters named in ``names`` (or starting with one of ``prefixes``):
    ``show`` the ones wanted, the others of those are removed; parameters of other names
    are left as they are.

    The browser replaces the address (no history entry per slider move) ``delay`` ms after
    the last change: the history update, slow in a browser, never holds up the figures.
    The widget draws nothing.

    >>> url = LiveUrl(names=["win_rate"], prefixes=["cost."])
    >>> url.show({"win_rate": "1.2"})
    >>> url.params, url.revision
    ({'win_rate': '1.2'}, 1)
    """

    _esm = traitlets.Unicode(_module("live_url.js")).tag(sync=True)
    params = traitlets.Dict(value_trait=traitlets.Unicode()).tag(sync=True)
    names = traitlets.List(traitlets.Unicode()).tag(sync=True)
    prefixes = traitlets.List(traitlets.Unicode()).tag(sync=True)
    delay = traitlets.Int(250).tag(sync=True)
    revision = traitlets.Int(0).tag(sync=True)

    def show(self, params: dict[str, str]) -> None:
        """Send the wanted parameters to the browser (one message)."""
        with self.hold_sync():
            self.params = dict(params)
            self.revision = self.revision + 1


class LiveLevers(anywidget.AnyWidget):
    """The scenario's sliders, in groups; a slider released in the browser changes
    ``values``, and the callback given to ``on_move`` receives them (in the kernel).

    ``groups``: ``[{"title": ..., "levers": [{"key", "label", "min", "max", "step"}]}]``
    (``roi_core.app.view.lever_panel``); ``values``: each slider's value by key (1 when
    absent); ``locale``: how the values are written next to the sliders.

    >>> panel = LiveLevers(groups=[{"title": "Funnel", "levers": [{"key": "win_rate",
    ...     "label": "Win rate", "min": 0.25, "max": 3.0, "step": 0.05}]}])
    >>> seen = []
    >>> panel.on_move(seen.append)
    >>> panel.set_values({"win_rate": 1.2})
    >>> seen, panel.revision
    ([{'win_rate': 1.2}], 1)
    """

    _esm = traitlets.Unicode(_module("live_levers.js")).tag(sync=True)
    css = traitlets.Unicode((_HERE / "live.css").read_text(encoding="utf-8")).tag(sync=True)
    groups = traitlets.List(traitlets.Dict()).tag(sync=True)
    values = traitlets.Dict(value_trait=traitlets.Float()).tag(sync=True)
    locale = traitlets.Unicode("fr-FR").tag(sync=True)
    revision = traitlets.Int(0).tag(sync=True)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._callback: Callable[[dict[str, float]], None] | None = None
        self.observe(self._moved, names="values")

    def _moved(self, change: dict) -> None:
        if self._callback is not None:
            self._callback(dict(change["new"]))

    def on_move(self, callback: Callable[[dict[str, float]], None] | None) -> None:
        """Call ``callback(values)`` on every change of the values (it replaces the last
        one given: the notebook cell that gives it may run again)."""
        self._callback = callback

    def set_values(self, values: dict[str, float]) -> None:
        """Set every slider (reset, a scenario file): the browser's inputs follow."""
        with self.hold_sync():
            self.values = {k: float(v) for k, v in values.items()}
            self.revision = self.revision + 1
