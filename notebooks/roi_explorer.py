import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="Rentabilité de la prospection")

with app.setup:
    import os
    from pathlib import Path

    import marimo as mo

    import roi_core
    from roi_core import quality
    from roi_core import scenario as sc
    from roi_core.app import live as app_live
    from roi_core.app import view
    from roi_core.app.export import export_bytes, scenario_results
    from roi_core.app.widgets import LiveChart, LiveHtml, LiveLevers, LiveUrl
    from roi_core.errors import InputError
    from roi_core.facts import filter_facts
    from roi_core.formatting import LANGS, label
    from roi_core.io import isolated, load_workbook
    from roi_core.kpis import compute_kpis

    # Deployment settings (environment, read once per session).
    PROJECT_DIR = Path(roi_core.__file__).resolve().parents[1]
    DEFAULT_WORKBOOK = Path(os.environ.get("ROI_WORKBOOK")
                            or PROJECT_DIR / "sample_data" / "demo_company.xlsx")
    ALLOW_DOWNLOAD = os.environ.get("ROI_ALLOW_DOWNLOAD") == "1"
    MAX_UPLOAD_BYTES = 20 * 1024 * 1024
    MAX_SCENARIO_BYTES = 64 * 1024


@app.cell
def _():
    # A scenario file that carries a view asks the controls to be rebuilt with it.
    get_view_request, set_view_request = mo.state(0)
    return get_view_request, set_view_request


@app.cell
def _(live):
    def asked_view():
        """The view asked for: the link's when the session opens, then the one on screen
        (the page's address, roi_core.app.widgets.LiveUrl, which every redraw keeps) or a
        scenario file's."""
        return (dict(live["url"].params) if live["url"].revision
                else mo.query_params().to_dict())
    return (asked_view,)


@app.cell
def _(asked_view, get_view_request):
    get_view_request()  # a scenario file's view rebuilds the control
    _asked = asked_view().get("lang")
    _asked = _asked[-1] if isinstance(_asked, list) and _asked else _asked
    start_lang = _asked if _asked in LANGS else "fr"
    lang_ui = mo.ui.dropdown({"Français": "fr", "English": "en"},
                             value="Français" if start_lang == "fr" else "English",
                             label="Langue / Language")
    return (lang_ui,)


@app.cell
def _(lang_ui):
    # The address bar's `lang` is written with the rest of the view (roi_core.app.live.show).
    lang = lang_ui.value
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
    get_scenario_error, set_scenario_error = mo.state(None)
    get_scenario_notes, set_scenario_notes = mo.state([])
    return (get_dataset, get_load_error, get_scenario_error, get_scenario_notes, set_dataset,
            set_load_error, set_scenario_error, set_scenario_notes)


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
            # Read in a child process with memory/CPU limits, size checked here (issue 13).
            _loaded = isolated.load_bytes(_file.contents, _file.name, max_bytes=MAX_UPLOAD_BYTES)
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
    _title = (view.text("load_error", lang, name=_name) if dataset is not None
              else view.text("load_error_none", lang))
    load_message = (mo.callout(mo.vstack([
        mo.md(f"**{_title}**"),
        mo.plain_text(load_error)]), kind="danger") if load_error else mo.md(""))
    return dataset, export_allowed, load_message


@app.cell
def _(dataset, lang):
    # No workbook (the one served does not load): base is None, and the sidebar (upload,
    # language) is still there; the figures' cells say so and stop.
    base, months = None, []
    if dataset is not None:
        try:
            base = sc.base_table(dataset)
        except Exception:  # noqa: BLE001 - never a traceback on screen
            mo.stop(True, mo.callout(view.text("load_error_unknown", lang), kind="danger"))
        months = view.month_labels(base)
    return base, months


@app.cell
def _(asked_view, base, get_view_request, lang, months):
    # The filters and settings start from the view asked for (a link, the one on screen, a
    # scenario file), kept to what this workbook has; what was not applied is named.
    get_view_request()
    _choices = {_c: sorted(str(v) for v in base[_c].dropna().unique()) if base is not None
                else [] for _c in view.FILTERS}
    start_view, view_notes = view.read_view(asked_view(), months, _choices, lang)
    filters = mo.ui.dictionary({
        "first": mo.ui.dropdown(months, value=start_view["first"],
                                label=view.text("from", lang)),
        "last": mo.ui.dropdown(months, value=start_view["last"],
                               label=view.text("to", lang)),
        **{_c: mo.ui.multiselect(_choices[_c], value=start_view[_c], label=label(_c, lang))
           for _c in view.FILTERS},
    })
    indirect = mo.ui.switch(value=bool(start_view["indirect"]),
                            label=view.text("indirect", lang))
    _bases = {view.text("basis_margin", lang): "margin",
              view.text("basis_revenue", lang): "revenue"}
    basis = mo.ui.radio(_bases, value=next(k for k, v in _bases.items()
                                          if v == start_view["basis"]),
                        label=view.text("basis", lang), inline=True)
    # Where the cost lines of no campaign go in the channel figures (issue 12; the total
    # counts them whatever the setting): pro rata of direct cost unless the view says.
    _ways = {view.text(f"allocate_{_m}", lang): _m for _m in ("none", "cost", "contacts")}
    allocate_shared = mo.ui.radio(_ways, value=next(k for k, v in _ways.items()
                                                    if v == start_view["allocate"]),
                                  label=view.text("allocate", lang))
    # Shown by the sidebar as one block: moving a filter does not redraw the sidebar.
    filters_panel = mo.vstack([filters["first"], filters["last"], filters["channel"],
                               filters["segment"], filters["team"], indirect, basis])
    return allocate_shared, basis, filters, filters_panel, indirect, view_notes


@app.cell
def _(lang, live, set_view_request):
    def _clear(_value):
        # The controls rebuilt from the last view applied, without its channel, segment and
        # team filters (the page's address first: roi_core.app.widgets.LiveUrl).
        _kept = {k: v for k, v in live["url"].params.items() if k not in view.FILTERS}
        live["url"].show(_kept)
        set_view_request(lambda n: n + 1)
        return _value

    clear_filters = mo.ui.button(label=view.text("clear_filters", lang), on_click=_clear,
                                 value=0)
    return (clear_filters,)


@app.cell
def _(base, clear_filters, filters, lang):
    mo.stop(base is None, mo.callout(view.text("no_data", lang), kind="warn"))
    _f = filters.value
    _months = (_f["first"], _f["last"]) if _f["first"] and _f["last"] else None
    if _months and _months[0] > _months[1]:
        _months = (_months[1], _months[0])
    facts = filter_facts(base, months=_months, channels=_f["channel"] or None,
                         segments=_f["segment"] or None, teams=_f["team"] or None)
    mo.stop(facts.empty, mo.callout(mo.vstack([mo.md(view.text("empty_filter", lang)),
                                               clear_filters]), kind="warn"))
    # The view as it is applied: it goes into the link and the scenario file.
    view_filters = {"first": _months[0] if _months else None,
                    "last": _months[1] if _months else None,
                    **{_c: list(_f[_c]) for _c in view.FILTERS}}
    return facts, view_filters


@app.cell
def _(base, lang, live, set_scenario_error):
    # The sliders of the scenario (roi_core.app.widgets.LiveLevers: a move runs no cell). They start
    # from the levers in the URL (a shared link reopens its scenario); when the workbook or
    # the language changes, they keep the levers of the moment.
    lever_panel = view.lever_panel(view.channels_of(base) if base is not None else [], lang)
    _sliders = live["levers"]
    if _sliders.revision == 0:
        try:
            _start = sc.from_query(mo.query_params().to_dict())
        except InputError as _err:
            set_scenario_error(str(_err))
            _start = sc.Levers()
    else:
        _start = app_live.levers_of(_sliders.values)
    _sliders.on_move(None)  # the figures' cell below gives it the new baseline's redraw
    with _sliders.hold_sync():
        _sliders.groups = lever_panel
        _sliders.locale = "fr-FR" if lang == "fr" else "en-GB"
    _values = view.lever_values(_start, lever_panel)
    # A lever beyond its slider's bounds, or of a channel this workbook lacks, is named.
    lever_notes = view.lever_notices(_start, _values, lang)
    _sliders.set_values(_values)
    return lever_notes, lever_panel


@app.cell
def _(lang, live):
    def _reset(_value):
        live["levers"].set_values({key: 1.0 for key in live["levers"].values})
        return _value

    reset_button = mo.ui.button(label=view.text("reset", lang), on_click=_reset, value=0)
    scenario_upload = mo.ui.file(filetypes=[".json"], max_size=MAX_SCENARIO_BYTES,
                                 label=view.text("load_scenario", lang))
    export_button = mo.ui.run_button(label=view.text("export", lang))
    return export_button, reset_button, scenario_upload


@app.cell
def _(lang, live, scenario_upload, set_scenario_error, set_scenario_notes,
      set_view_request):
    # A saved scenario replaces the levers (the sliders and the figures follow) and, when it
    # carries one, the view: the controls are rebuilt with it (the page's address first).
    if scenario_upload.value:
        _file = scenario_upload.value[0]
        try:
            _levers = sc.from_json(_file.contents, _file.name)
        except InputError as _err:
            set_scenario_error(str(_err))
        else:
            set_scenario_error(None)
            _values = view.lever_values(_levers, live["levers"].groups)
            set_scenario_notes(view.lever_notices(_levers, _values, lang))
            live["levers"].set_values(_values)
            _view = view.document_view(_file.contents)
            if _view:
                live["url"].show({**_view, **sc.to_query(app_live.levers_of(_values))})
                set_view_request(lambda n: n + 1)
    return


@app.cell
def _(get_scenario_error, get_scenario_notes, lang, lever_notes, view_notes):
    _err = get_scenario_error()
    scenario_message = (mo.callout(mo.vstack([mo.md(f"**{view.text('scenario_error', lang)}**"),
                                              mo.plain_text(_err)]), kind="warn")
                        if _err else mo.md(""))
    # What a link or a scenario file asked for and this workbook or the sliders cannot hold.
    _notes = [*view_notes, *lever_notes, *get_scenario_notes()]
    view_message = mo.Html(view.notices_html(_notes, lang)) if _notes else mo.md("")
    return scenario_message, view_message


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
    # The file's name is the viewer's text: shown escaped, never inside markdown (issue 13).
    source_line = mo.Html(view.source_line_html(
        dataset.source, lang, campaigns=facts["campaign_id"].nunique(), months=_months))
    return (source_line,)


@app.cell
def _(dataset, lang, load_message):
    # No workbook at all (the one served does not load): the title and why; the sidebar stays.
    (mo.vstack([mo.md(f"# {view.text('title', lang)}"), load_message]) if dataset is None
     else None)
    return


@app.cell
def _(lang, load_message, quality_badge, scenario_message, source_line, view_message):
    mo.vstack([
        mo.md(f"# {view.text('title', lang)}\n{view.text('subtitle', lang)}"),
        mo.hstack([source_line, quality_badge], justify="space-between", wrap=True),
        load_message, scenario_message, view_message,
    ])
    return


@app.cell
def _(base_total, dataset, export_allowed, export_button, facts, kpi_options, lang, live):
    # Built on demand (a click), as eager bytes: lazy downloads export empty. The levers of
    # the moment are the sliders' (a slider move does not run this cell).
    mo.stop(not (export_allowed and export_button.value))
    try:
        _levers = app_live.levers_of(live["levers"].values)
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
def _(allocate_shared, base, basis, dataset, facts, indirect, lang, months, view_filters):
    # The baseline: it moves with the workbook, the filters and the settings, not with the
    # sliders; read once for the scenarios of the moves to come (roi_core.app.live).
    kpi_options = {"include_indirect": bool(indirect.value), "basis": basis.value,
                   "allocate_shared": allocate_shared.value}
    # The whole view, for the link and the scenario file: the same figures when reopened.
    view_settings = view.view_query({**view_filters, "indirect": kpi_options["include_indirect"],
                                     "basis": kpi_options["basis"],
                                     "allocate": kpi_options["allocate_shared"],
                                     "lang": lang}, months)
    try:
        baseline = app_live.baseline(facts, **kpi_options, lang=lang, currency=dataset.currency,
                                     settings=view_settings, months=tuple(months),
                                     channels=tuple(view.channels_of(base)))
    except Exception:  # noqa: BLE001 - never a traceback on screen
        mo.stop(True, mo.callout(view.text("load_error_unknown", lang), kind="danger"))
    base_total, base_channel = baseline.total, baseline.channel
    return base_channel, base_total, baseline, kpi_options, view_settings


@app.cell
def _():
    # The charts and tables are made once per session and updated in place (roi_core.app.widgets):
    # a slider move sends new rows, not new outputs for the browser to rebuild.
    live = {name: LiveChart() for name in ("funnel", "channels", "efficiency", "month",
                                           "tornado")}
    live.update({name: LiveHtml() for name in ("cards", "settings", "scoreboard", "break_even",
                                               "break_even_channel", "kpi_table")})
    live["levers"] = LiveLevers()
    # The view and the scenario's levers in the page's address: a copied link reopens the
    # same figures.
    live["url"] = LiveUrl(names=sc.LEVER_QUERY_NAMES + view.VIEW_QUERY_NAMES,
                          prefixes=sc.LEVER_QUERY_PREFIXES)
    return (live,)


@app.cell
def _(facts, lang, live):
    # Shown while there are facts to draw: a filter that leaves none (its cell stops) takes
    # the charts and tables away rather than leave the last ones on screen.
    facts
    mo.vstack([
        mo.ui.anywidget(live["settings"]),
        mo.ui.anywidget(live["cards"]),
        mo.md(f"### {view.text('scoreboard', lang)}"), mo.ui.anywidget(live["scoreboard"]),
        mo.md(f"## {view.text('funnel', lang)}"), mo.ui.anywidget(live["funnel"]),
        mo.md(f"## {view.text('channels', lang)}"), mo.ui.anywidget(live["channels"]),
        mo.md(f"### {view.text('efficiency', lang)}"), mo.ui.anywidget(live["efficiency"]),
        mo.md(f"## {view.text('roi_month', lang)}"), mo.ui.anywidget(live["month"]),
        mo.md(f"## {view.text('tornado', lang)}"), mo.ui.anywidget(live["tornado"]),
        mo.md(f"## {view.text('break_even_channel', lang)}"),
        mo.ui.anywidget(live["break_even_channel"]),
        mo.md(f"## {view.text('break_even', lang)}"), mo.ui.anywidget(live["break_even"]),
        mo.md(f"## {view.text('kpi_table', lang)}"), mo.ui.anywidget(live["kpi_table"]),
        mo.ui.anywidget(live["url"]),
    ])
    return


@app.cell
def _(baseline, lang, lever_panel, live):
    # A slider move runs no cell: the sliders call _move in the kernel, which sends the
    # scenario's cards, charts, tables and address to the page (roi_core.app.live). This cell
    # gives them the redraw of the current baseline, and draws once.
    lever_panel  # after the sliders are laid out for this workbook and language

    def _move(values):
        try:
            return app_live.show(live, baseline, app_live.levers_of(values))
        except InputError as _err:
            live["cards"].show(view.message_html(str(_err)))
        except Exception:  # noqa: BLE001 - never a traceback on screen
            live["cards"].show(view.message_html(view.text("load_error_unknown", lang)))
        return None

    live["levers"].on_move(_move)
    # What this first draw showed (None after an error): the moves after it keep nothing.
    shown = _move(live["levers"].values)
    return (shown,)


@app.cell
def _(lang, live):
    # The levers of the moment (a move runs no cell) and the view that gives their figures
    # (the last one drawn: the page's address).
    save_scenario = mo.download(
        data=lambda: view.scenario_document(
            app_live.levers_of(live["levers"].values),
            {k: v for k, v in live["url"].params.items() if k in view.VIEW_QUERY_NAMES}
        ).encode("utf-8"),
        filename="scenario.json", mimetype="application/json", label=view.text("save", lang))
    return (save_scenario,)


@app.cell
def _(allocate_shared, export_allowed, export_button, filters_panel, lang, lang_ui, live,
      reset_button, save_scenario, scenario_upload, upload):
    mo.sidebar([
        lang_ui,
        mo.md(f"### {view.text('data', lang)}"), upload,
        mo.md(f"### {view.text('filters', lang)}"), filters_panel,
        allocate_shared,  # issue 12
        mo.md(f"### {view.text('scenario', lang)}"), reset_button,
        mo.md(f"_{view.text('levers', lang)}_"), mo.ui.anywidget(live["levers"]),
        mo.md(view.text("share", lang)), save_scenario, scenario_upload,
        export_button if export_allowed else mo.md(""),
    ], width="340px")
    return


if __name__ == "__main__":
    app.run()
