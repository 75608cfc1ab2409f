import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="Importer un export CRM")

with app.setup:
    import os
    from pathlib import Path

    import marimo as mo

    from roi_core.errors import InputError
    from roi_core.importers import (
        PRESETS,
        ColumnMapping,
        import_files_noted,
        parse_margin_rate,
        suggest_mapping,
        write_workbook,
    )
    from roi_core.importers.localize import LOCALES
    from roi_core.importers.mapping import mapping_from_form
    from roi_core.io import MAX_FILE_BYTES, inspect_bytes, isolated
    from roi_core.quality import audit_inspection, quality_badge
    from roi_core.safety import downloads_allowed
    from roi_core.schema import SHEETS

    SHOW_DOWNLOAD = downloads_allowed()
    SOURCES = {
        "HubSpot (affaires, contacts)": "hubspot",
        "Salesforce (campagnes, opportunités)": "salesforce",
        "Pipedrive (affaires)": "pipedrive",
        "Journal d'appels": "calls",
        "Autre export : correspondance de colonnes": "mapping",
    }
    KNOWN_MAPPINGS = [p.mapping for presets in PRESETS.values() for p in presets]


@app.cell
def _():
    mo.md("""
    # Importer un export CRM

    Déposez les exports de votre CRM (CSV ou Excel) et, si vous les avez, les feuilles
    **Campagnes** et **Coûts** du modèle : aucun CRM ne connaît vos coûts. Le résultat est
    un classeur au format du modèle, que l'application et `python -m roi_core` lisent.
    """)
    return


@app.cell
def _():
    files = mo.ui.file(filetypes=[".csv", ".xlsx", ".xls"], multiple=True,
                       max_size=MAX_FILE_BYTES, label="Exports (.csv, .xlsx)")
    _default = {v: k for k, v in SOURCES.items()}.get(os.environ.get("IMPORT_SOURCE", ""),
                                                       "HubSpot (affaires, contacts)")
    source = mo.ui.dropdown(SOURCES, value=_default, label="Source")
    locale = mo.ui.dropdown(list(LOCALES), value="auto",
                            label="Format des nombres et dates (auto : deviné)")
    margin = mo.ui.text(value=os.environ.get("IMPORT_MARGIN_RATE", ""),
                        label="Taux de marge par défaut (ex. 40 %)")
    mo.vstack([files, mo.hstack([source, locale, margin], justify="start")])
    return files, locale, margin, source


@app.cell
def _(files):
    # IMPORT_FILES (paths separated by os.pathsep) preloads files: for tests and demos.
    uploads = [(f.name, f.contents) for f in files.value] if files.value else [
        (Path(p).name, Path(p).read_bytes())
        for p in os.environ.get("IMPORT_FILES", "").split(os.pathsep) if p]
    return (uploads,)


@app.cell
def _(source):
    # The mapping form's cells always run (so that the import cell below always can); they
    # show nothing unless the source is "Autre export".
    mapping_mode = source.value == "mapping"
    saved_mapping = mo.ui.file(filetypes=[".json"], max_size=1_000_000,
                               label="Réutiliser une correspondance enregistrée (.json)")
    saved_mapping if mapping_mode else None
    return mapping_mode, saved_mapping


@app.cell
def _(mapping_mode, saved_mapping):
    loaded_mapping, _error = None, None
    if saved_mapping.value:
        try:
            loaded_mapping = ColumnMapping.from_json(saved_mapping.value[0].contents)
        except InputError as _exc:
            _error = str(_exc)
    target = mo.ui.dropdown(list(SHEETS), value=loaded_mapping.sheet if loaded_mapping
                            else "deals", label="Feuille du modèle à remplir")
    (mo.callout(_error, kind="danger") if _error else target) if mapping_mode else None
    return loaded_mapping, target


@app.cell
def _(loaded_mapping, mapping_mode, target, uploads):
    form, rules, _shown = None, None, None
    _headers: list[str] = []
    if mapping_mode and uploads:
        try:
            _headers = isolated.read_bytes(uploads[0][1], uploads[0][0])[0].headers
        except InputError as _exc:
            _shown = mo.callout(str(_exc), kind="danger")
    if _headers:
        _guess = suggest_mapping(_headers, target.value, KNOWN_MAPPINGS)
        if loaded_mapping is not None and loaded_mapping.sheet == target.value:
            for _col, _wanted in loaded_mapping.columns.items():
                _options = [_wanted] if isinstance(_wanted, str) else _wanted
                _guess[_col] = next((h for h in _options if h in _headers), _guess.get(_col))
        form = mo.ui.dictionary({
            col.name: mo.ui.dropdown(_headers, value=_guess.get(col.name),
                                     allow_select_none=True,
                                     label=f"{col.label_fr}{' *' if col.required else ''}")
            for col in SHEETS[target.value].columns})
        _rules_text = "\n".join(
            f"{c}: {w} = {v}" for c, words in (loaded_mapping.values if loaded_mapping
                                               else {}).items() for w, v in words.items())
        rules = mo.ui.text_area(value=_rules_text, full_width=True,
                                label="Valeurs à traduire, une par ligne "
                                "(ex. status: Signé = won ; status: * = open)")
        _shown = mo.vstack([mo.md("### Correspondance des colonnes (* obligatoire)"), form,
                            rules])
    elif mapping_mode and not uploads:
        _shown = mo.callout("Déposez l'export à faire correspondre.", kind="info")
    _shown
    return form, rules


@app.cell
def _(form, locale, rules, target):
    mapping, _shown = None, None
    if form is not None:
        try:
            mapping = mapping_from_form(target.value, form.value, rules.value, locale.value,
                                        name="correspondance")
            _shown = mo.download(mapping.to_json().encode("utf-8"),
                                 filename="correspondance.json", mimetype="application/json",
                                 label="Enregistrer la correspondance (.json)")
        except InputError as _exc:
            _shown = mo.callout(str(_exc), kind="danger")
    _shown
    return (mapping,)


@app.cell
def _(locale, mapping, mapping_mode, margin, source, uploads):
    mo.stop(not uploads, mo.callout("Déposez au moins un export.", kind="info"))
    mo.stop(mapping_mode and mapping is None)
    try:
        # Read in a child process with memory/CPU limits, sizes checked here (issue 13).
        for _name, _data in uploads:
            isolated.check_size(_data, _name)
        sheets, _notes = isolated.run(import_files_noted, uploads, source.value,
                                      name=uploads[0][0],
                                      kwargs={"locale": locale.value, "mapping": mapping,
                                              "margin_rate": parse_margin_rate(margin.value)})
        workbook_bytes = write_workbook(sheets, notes=_notes)
    except InputError as _exc:
        mo.stop(True, mo.callout(mo.md(f"**Import impossible** — {_exc}"), kind="danger"))
    _badge = quality_badge(audit_inspection(inspect_bytes(workbook_bytes, "import.xlsx")))
    _kind = {"error": "danger", "warning": "warn", "ok": "success"}[_badge.severity]
    mo.vstack([
        mo.callout(mo.md(f"**{_badge.text}** (détail : notebook Qualité des données)"),
                   kind=_kind),
        mo.md("\n".join(f"- {_n.file} : {_n.fr}" for _n in _notes)),
        mo.download(workbook_bytes, filename="classeur_importe.xlsx",
                    mimetype="application/vnd.openxmlformats-officedocument."
                    "spreadsheetml.sheet", label="Télécharger le classeur importé"),
        mo.ui.tabs({SHEETS[name].label_fr: mo.ui.table(
            frame[[c for c in frame.columns if not c.startswith("_") and c != "row"]],
            selection=None, show_download=SHOW_DOWNLOAD, page_size=10)
            for name, frame in sheets.items()}),
    ])
    return sheets, workbook_bytes


if __name__ == "__main__":
    app.run()
