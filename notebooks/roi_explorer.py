import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="Rentabilité de la prospection")

with app.setup:
    import os
    from pathlib import Path

    import marimo as mo

    import roi_core
    from roi_core import app_view as view
    from roi_core import charts, quality
    from roi_core import scenario as sc
    from roi_core.app_export import export_bytes, scenario_results
    from roi_core.errors import InputError
    from roi_core.facts import filter_facts
    from roi_core.formatting import LANGS, label
    from roi_core.io import load_bytes, load_workbook
    from roi_core.kpis import compute_kpis
    from roi_core.live import LiveChart, LiveHtml, LiveUrl

    # Deployment settings (environment, read once per session).
    PROJECT_DIR = Path(roi_core.__file__).resolve().parents[1]
    DEFAULT_WORKBOOK = Path(os.environ.get("ROI_WORKBOOK")
                            or PROJECT_DIR / "sample_data" / "demo_company.xlsx")
    ALLOW_DOWNLOAD = os.environ.get("ROI_ALLOW_DOWNLOAD") == "1"
    MAX_UPLOAD_BYTES = 20 * 1024 * 1024
    MAX_SCENARIO_BYTES = 64 * 1024
    LEVER_RANGES = {
        "contacts": (0.0, 3.0), "lead_rate": (0.25, 3.0), "opportunity_rate": (0.25, 3.0),
        "win_rate": (0.25, 3.0), "revenue_per_client": (0.5, 2.0), "margin_rate": (0.5, 1.5),
        "hourly_rate": (0.5, 2.0), "cost": (0.0, 2.0), "volume": (0.0, 3.0), "item": (0.0, 2.0),
    }


@app.cell
def _():
    # The URL holds the language and the scenario; read once when the session opens.
    _params = mo.query_params().to_dict()
    start_lang = _params.get("lang") if _params.get("lang") in LANGS else "fr"
    lang_ui = mo.ui.dropdown({"Français": "fr", "English": "en"},
                             value="Français" if start_lang == "fr" else "English",
                             label="Langue / Language")
    return (lang_ui,)


@app.cell
def _(lang_ui):
    lang = lang_ui.value
    mo.query_params()["lang"] = lang
    return (lang,)


@app.cell
def _():
    # The workbook the app opens on (the demo company, or ROI_WORKBOOK).
    try:
        start_dataset = load_workbook(DEFAULT_WORKBOOK)
        start_error = None
    except InputError as _err:
        start_dataset, start_error = None, str(_err)
    except Exception:  # noqa: BLE001 - never a traceback on screen
        start_dataset, start_error = None, f"{DEFAULT_WORKBOOK.name}: unreadable"
    return start_dataset, start_error


@app.cell
def _(start_dataset, start_error):
    # Per-session state: the last dataset that loaded well, and the last loading error.
    get_dataset, set_dataset = mo.state(start_dataset)
    get_load_error, set_load_error = mo.state(start_error)
    # Bumped when the levers are replaced (reset, scenario file): rebuilds the sliders.
    get_lever_rev, set_lever_rev = mo.state(0)
    get_scenario_error, set_scenario_error = mo.state(None)
    return (get_dataset, get_lever_rev, get_load_error, get_scenario_error, set_dataset,
            set_lever_rev, set_load_error, set_scenario_error)


@app.cell
def _(lang):
    upload = mo.ui.file(filetypes=[".xlsx", ".csv"], kind="area", max_size=MAX_UPLOAD_BYTES,
                        label=view.text("upload", lang))
    return (upload,)


@app.cell
def _(lang, set_dataset, set_load_error, upload):
    # A new file replaces the figures only when it loads well.
    if upload.value:
        _file = upload.value[0]
        try:
            _loaded = load_bytes(_file.contents, _file.name)
        except InputError as _err:
            set_load_error(str(_err))
        except Exception:  # noqa: BLE001 - never a traceback on screen
            set_load_error(f"{_file.name}: {view.text('load_error_unknown', lang)}")
        else:
            set_dataset(_loaded)
            set_load_error(None)
    return


@app.cell
def _(get_dataset, get_load_error, lang, start_dataset):
    dataset = get_dataset()
    load_error = get_load_error()
    # The export carries the input sheets: the server's own workbook only when the deployer
    # allows downloads (ROI_ALLOW_DOWNLOAD=1); a viewer's upload is theirs to export.
    export_allowed = ALLOW_DOWNLOAD or (dataset is not None and dataset is not start_dataset)
    _name = dataset.source if dataset is not None else ""
    load_message = (mo.callout(mo.vstack([
        mo.md(f"**{view.text('load_error', lang, name=_name)}**"),
        mo.plain_text(load_error)]), kind="danger") if load_error else mo.md(""))
    return dataset, export_allowed, load_message


@app.cell
def _(dataset, lang, load_message):
    mo.stop(dataset is None, mo.vstack([load_message, mo.callout(view.text("no_data", lang),
                                                                 kind="warn")]))
    try:
        base = sc.base_table(dataset)
    except Exception:  # noqa: BLE001 - never a traceback on screen
        mo.stop(True, mo.callout(view.text("load_error_unknown", lang), kind="danger"))
    months = view.month_labels(base)
    return base, months


@app.cell
def _(base, lang, months):
    def _choices(column):
        return sorted(str(v) for v in base[column].dropna().unique())

    filters = mo.ui.dictionary({
        "first": mo.ui.dropdown(months, value=months[0] if months else None,
                                label=view.text("from", lang)),
        "last": mo.ui.dropdown(months, value=months[-1] if months else None,
                               label=view.text("to", lang)),
        "channel": mo.ui.multiselect(_choices("channel"), label=label("channel", lang)),
        "segment": mo.ui.multiselect(_choices("segment"), label=label("segment", lang)),
        "team": mo.ui.multiselect(_choices("team"), label=label("team", lang)),
    })
    indirect = mo.ui.switch(value=True, label=view.text("indirect", lang))
    basis = mo.ui.radio({view.text("basis_margin", lang): "margin",
                         view.text("basis_revenue", lang): "revenue"},
                        value=view.text("basis_margin", lang), label=view.text("basis", lang),
                        inline=True)
    # Shown by the sidebar as one block: moving a filter does not redraw the sidebar.
    filters_panel = mo.vstack([filters["first"], filters["last"], filters["channel"],
                               filters["segment"], filters["team"], indirect, basis])
    return basis, filters, filters_panel, indirect


@app.cell
def _(base, filters, lang):
    _f = filters.value
    _months = (_f["first"], _f["last"]) if _f["first"] and _f["last"] else None
    if _months and _months[0] > _months[1]:
        _months = (_months[1], _months[0])
    facts = filter_facts(base, months=_months, channels=_f["channel"] or None,
                         segments=_f["segment"] or None, teams=_f["team"] or None)
    mo.stop(facts.empty, mo.callout(view.text("empty_filter", lang), kind="warn"))
    return (facts,)


@app.cell
def _(base, get_lever_rev, lang, levers_now, set_scenario_error):
    # The sliders start from the levers in the URL (a shared link reopens its scenario), and
    # when rebuilt (language, reset, scenario file, workbook) from the levers of the moment.
    get_lever_rev()
    if "levers" in levers_now:
        _start = levers_now["levers"]
    else:
        try:
            _start = sc.from_query(mo.query_params().to_dict())
        except InputError as _err:
            set_scenario_error(str(_err))
            _start = sc.Levers()
    _flat = _start.flat()

    def _slider(key, kind=None):
        low, high = LEVER_RANGES[kind or key]
        value = min(max(_flat.get(key, 1.0), low), high)
        return mo.ui.slider(low, high, step=0.05, value=value, show_value=True,
                            debounce=True, label=sc.lever_label(key, lang) if not kind
                            else key.partition(".")[2] or key, full_width=True)

    _channels = sorted(str(c) for c in base["channel"].dropna().unique())
    lever_funnel = mo.ui.dictionary({k: _slider(k) for k in sc.SCALAR_LEVERS})
    lever_cost = mo.ui.dictionary({c: _slider(f"cost.{c}", "cost") for c in _channels})
    lever_volume = mo.ui.dictionary({c: _slider(f"volume.{c}", "volume") for c in _channels})
    lever_items = mo.ui.dictionary({i: mo.ui.slider(
        0.0, 2.0, step=0.05, value=min(max(_flat.get(f"item.{i}", 1.0), 0.0), 2.0),
        show_value=True, debounce=True, label=sc.lever_label(f"item.{i}", lang),
        full_width=True) for i in sc.COST_ITEMS})
    # Shown by the sidebar as one block: moving a slider does not redraw the sidebar.
    levers_panel = mo.accordion({
        view.text("levers_funnel", lang): lever_funnel.vstack(),
        view.text("levers_channel_cost", lang): lever_cost.vstack(),
        view.text("levers_channel_volume", lang): lever_volume.vstack(),
        view.text("levers_items", lang): lever_items.vstack(),
    }, multiple=True)
    return lever_cost, lever_funnel, lever_items, lever_volume, levers_panel


@app.cell
def _():
    # The levers of the moment, written on each move: read when the viewer saves or exports
    # the scenario (built on the click: moving a slider then does not redraw the sidebar) and
    # when the sliders are rebuilt.
    levers_now = {}
    return (levers_now,)


@app.cell
def _(lang, levers_now, set_lever_rev):
    def _reset(_value):
        levers_now["levers"] = sc.Levers()
        set_lever_rev(lambda r: r + 1)
        return _value

    reset_button = mo.ui.button(label=view.text("reset", lang), on_click=_reset, value=0)
    scenario_upload = mo.ui.file(filetypes=[".json"], max_size=MAX_SCENARIO_BYTES,
                                 label=view.text("load_scenario", lang))
    export_button = mo.ui.run_button(label=view.text("export", lang))
    return export_button, reset_button, scenario_upload


@app.cell
def _(levers_now, scenario_upload, set_lever_rev, set_scenario_error):
    # A saved scenario replaces the levers (the sliders are rebuilt from them).
    if scenario_upload.value:
        _file = scenario_upload.value[0]
        try:
            _levers = sc.from_json(_file.contents, _file.name)
        except InputError as _err:
            set_scenario_error(str(_err))
        else:
            levers_now["levers"] = _levers
            set_scenario_error(None)
            set_lever_rev(lambda r: r + 1)
    return


@app.cell
def _(get_scenario_error, lang):
    _err = get_scenario_error()
    scenario_message = (mo.callout(mo.vstack([mo.md(f"**{view.text('scenario_error', lang)}**"),
                                              mo.plain_text(_err)]), kind="warn")
                        if _err else mo.md(""))
    return (scenario_message,)


@app.cell
def _(dataset, lang):
    # The data-quality verdict of the loaded workbook; the audit notebook has the details
    # (its gallery link works when the folder is served: marimo run notebooks/).
    try:
        _findings = quality.audit(dataset, lang=lang)
        _badge = quality.quality_badge(_findings, lang)
    except Exception:  # noqa: BLE001 - never a traceback on screen
        _findings, _badge = [], None
    if _badge is None:
        quality_badge = mo.md("")
    else:
        _icon = {"error": "⛔", "warning": "⚠️"}.get(_badge.severity, "✅")
        _more = "détails" if lang == "fr" else "details"
        _lines = "\n".join(f"- **{_f.sheet}** : {_f.message}" for _f in _findings[:12])
        quality_badge = mo.vstack([
            mo.md(f"{_icon} {_badge.text} · [{_more}](?file=data_quality.py)"),
            mo.accordion({_more: mo.md(_lines)}) if _findings else mo.md(""),
        ], align="end")
    return (quality_badge,)


@app.cell
def _(dataset, facts, lang):
    _months = facts["month"].dropna().nunique()
    source_line = mo.md(
        f"**{view.text('source', lang)}** : `{dataset.source}` — "
        f"{view.text('campaigns_months', lang, campaigns=facts['campaign_id'].nunique(), months=_months)}"
    )
    return (source_line,)


@app.cell
def _(lang, load_message, quality_badge, scenario_message, source_line):
    mo.vstack([
        mo.md(f"# {view.text('title', lang)}\n{view.text('subtitle', lang)}"),
        mo.hstack([source_line, quality_badge], justify="space-between"),
        load_message, scenario_message,
    ])
    return


@app.cell
def _(base_total, dataset, export_allowed, export_button, facts, kpi_options, lang,
      levers_now):
    # Built on demand (a click), as eager bytes: lazy downloads export empty. The levers of
    # the moment come from levers_now: a slider move does not run this cell.
    mo.stop(not (export_allowed and export_button.value))
    try:
        _levers = levers_now["levers"]
        _facts = sc.apply_levers(facts, _levers)
        _results = scenario_results(
            base_total, compute_kpis(_facts, "total", **kpi_options).iloc[0],
            view.TABLE_KPIS + ["revenue"], lang, dataset.currency)
        _bytes = export_bytes(dataset, _levers, _results,
                              compute_kpis(_facts, "channel", **kpi_options), lang=lang,
                              **kpi_options)
    except Exception:  # noqa: BLE001 - never a traceback on screen
        mo.stop(True, mo.callout(view.text("load_error_unknown", lang), kind="danger"))
    export_download = mo.download(
        data=_bytes, filename="roi_prospection.xlsx", label=view.text("export", lang),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    export_download
    return


@app.cell
def _(basis, facts, indirect, lang):
    # The baseline's figures: they move with the filters, not with the sliders.
    kpi_options = {"include_indirect": bool(indirect.value), "basis": basis.value}
    try:
        base_total = compute_kpis(facts, "total", **kpi_options).iloc[0]
        base_channel = compute_kpis(facts, "channel", **kpi_options)
        base_month = compute_kpis(facts, "month", **kpi_options)
        # Read once for the scenarios of the slider moves to come (sc.scenario_kpis).
        prepared = sc.prepare(facts, by=("total", "channel", "month"))
    except Exception:  # noqa: BLE001 - never a traceback on screen
        mo.stop(True, mo.callout(view.text("load_error_unknown", lang), kind="danger"))
    return base_channel, base_month, base_total, kpi_options, prepared


@app.cell
def _():
    # The charts and tables are made once per session and updated in place (roi_core.live):
    # a slider move sends new rows, not new outputs for the browser to rebuild.
    live = {name: LiveChart() for name in ("funnel", "channels", "efficiency", "month",
                                           "tornado")}
    live.update({name: LiveHtml() for name in ("cards", "break_even", "kpi_table")})
    # The scenario's levers in the page's address: a copied link reopens the scenario.
    live["url"] = LiveUrl(names=sc.LEVER_QUERY_NAMES, prefixes=sc.LEVER_QUERY_PREFIXES)
    return (live,)


@app.cell
def _(facts, lang, live):
    # Shown while there are facts to draw: a filter that leaves none (its cell stops) takes
    # the charts and tables away rather than leave the last ones on screen.
    facts
    mo.vstack([
        mo.md(f"## {view.text('headline', lang)}"), mo.ui.anywidget(live["cards"]),
        mo.md(f"## {view.text('funnel', lang)}"), mo.ui.anywidget(live["funnel"]),
        mo.md(f"## {view.text('channels', lang)}"), mo.ui.anywidget(live["channels"]),
        mo.md(f"### {view.text('efficiency', lang)}"), mo.ui.anywidget(live["efficiency"]),
        mo.md(f"## {view.text('roi_month', lang)}"), mo.ui.anywidget(live["month"]),
        mo.md(f"## {view.text('tornado', lang)}"), mo.ui.anywidget(live["tornado"]),
        mo.md(f"## {view.text('break_even', lang)}"), mo.ui.anywidget(live["break_even"]),
        mo.md(f"## {view.text('kpi_table', lang)}"), mo.ui.anywidget(live["kpi_table"]),
        mo.ui.anywidget(live["url"]),
    ])
    return


@app.cell
def _(base_channel, base_month, base_total, dataset, kpi_options, lang, lever_cost,
      lever_funnel, lever_items, lever_volume, levers_now, live, prepared):
    # A slider move runs this cell alone (each cell of a move costs its own messages and page
    # updates): the levers, the scenario's totals through the same KPI engine, the cards, then
    # the charts and tables, each redrawn in place (roi_core.live) and sent as soon as it is
    # ready so that the browser draws it while the next is computed.
    levers = sc.Levers(
        **{k: float(v) for k, v in lever_funnel.value.items()},
        channel_cost={k: float(v) for k, v in lever_cost.value.items() if v != 1.0},
        channel_volume={k: float(v) for k, v in lever_volume.value.items() if v != 1.0},
        cost_item={k: float(v) for k, v in lever_items.value.items() if v != 1.0})
    levers_now["levers"] = levers
    try:
        _numbers = sc.scenario_columns(prepared, levers)
        scen_total = sc.scenario_kpis(prepared, _numbers, "total", **kpi_options).iloc[0]
    except InputError as _err:
        mo.stop(True, mo.callout(mo.plain_text(str(_err)), kind="danger"))
    except Exception:  # noqa: BLE001 - never a traceback on screen
        mo.stop(True, mo.callout(view.text("load_error_unknown", lang), kind="danger"))
    scenario_active = not levers.is_baseline()
    live["cards"].show(view.cards_html(view.kpi_cards(
        base_total, scen_total if scenario_active else None, lang=lang,
        currency=dataset.currency)))
    _b, _s = view.series_names(lang)
    try:
        _rows = {_b: base_total, _s: scen_total} if scenario_active else {_b: base_total}
        live["funnel"].show(charts.funnel_spec(charts.funnel_data(_rows, lang), lang))
        scen_channel = sc.scenario_kpis(prepared, _numbers, "channel", **kpi_options)
        _metrics = ["cost_per_lead", "cost_per_opportunity", "cac", "margin_per_client", "roi"]
        live["channels"].show(charts.channel_spec(charts.compare_channel_data(
            {_b: base_channel, _s: scen_channel}, _metrics, lang), lang, series="series")
            if scenario_active else
            charts.channel_spec(charts.channel_data(base_channel, _metrics, lang), lang))
        live["efficiency"].show(charts.efficiency_spec(scen_channel, lang))
        _month = (charts.roi_by_month_spec(charts.with_series(
            {_b: base_month, _s: sc.scenario_kpis(prepared, _numbers, "month", **kpi_options)}),
            lang, series="series") if scenario_active else
            charts.roi_by_month_spec(base_month, lang))
        live["month"].show(_month)
        sensitivity = sc.sensitivity(prepared, levers, **kpi_options)
        _labels = {k: sc.lever_label(k, lang) for k in sensitivity["lever"]}
        live["tornado"].show(charts.tornado_spec(
            charts.tornado_data(sensitivity, _labels, lang=lang), lang))
        # The tables are plain HTML (no download: ROI_ALLOW_DOWNLOAD offers the export).
        break_even = sc.break_even(prepared, levers, totals=scen_total, **kpi_options)
        live["break_even"].show(view.table_html(
            view.break_even_view(break_even, lang, dataset.currency)))
        live["kpi_table"].show(view.table_html(
            view.kpi_view(scen_channel, "channel", lang=lang, currency=dataset.currency)))
    except Exception:  # noqa: BLE001 - never a traceback on screen
        mo.stop(True, mo.callout(view.text("load_error_unknown", lang), kind="danger"))
    # Last, the address, in step with the sliders (the browser updates it once the moves
    # pause: the history update never holds up the figures).
    live["url"].show(sc.to_query(levers))
    return break_even, scen_channel, scen_total, scenario_active, sensitivity


@app.cell
def _(lang, levers_now):
    save_scenario = mo.download(
        data=lambda: sc.to_json(levers_now["levers"]).encode("utf-8"),
        filename="scenario.json", mimetype="application/json", label=view.text("save", lang))
    return (save_scenario,)


@app.cell
def _(export_allowed, export_button, filters_panel, lang, lang_ui, levers_panel, reset_button,
      save_scenario, scenario_upload, upload):
    mo.sidebar([
        lang_ui,
        mo.md(f"### {view.text('data', lang)}"), upload,
        mo.md(f"### {view.text('filters', lang)}"), filters_panel,
        mo.md(f"### {view.text('scenario', lang)}"), reset_button,
        mo.md(f"_{view.text('levers', lang)}_"), levers_panel,
        mo.md(view.text("share", lang)), save_scenario, scenario_upload,
        export_button if export_allowed else mo.md(""),
    ], width="340px")
    return


if __name__ == "__main__":
    app.run()
