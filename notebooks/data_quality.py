import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="Qualité des données")

with app.setup:

    import marimo as mo

    from roi_core.app.sources import default_workbook
    from roi_core.charts.quality import SEVERITY_LABELS, findings_by_sheet_chart
    from roi_core.errors import InputError
    from roi_core.io import MAX_FILE_BYTES, inspect_workbook, isolated
    from roi_core.quality import (
        audit_inspection,
        finding_rows,
        findings_frame,
        findings_summary,
        quality_badge,
        sheet_scores,
    )
    from roi_core.safety import downloads_allowed

    # The demo company by default; ROI_WORKBOOK points the page at another file.
    DEFAULT_WORKBOOK = default_workbook()
    SHOW_DOWNLOAD = downloads_allowed()
    TEXT = {
        "fr": {
            "title": "# Qualité des données",
            "upload": "Déposer un classeur (.xlsx ou .csv)",
            "unreadable": "Fichier illisible",
            "none": "Aucun classeur : déposez un fichier .xlsx ou .csv (le classeur de "
            "démonstration est absent).",
            "source": "Classeur analysé : **{name}**",
            "summary": "## Par gravité et par règle",
            "scores": "## Score par feuille",
            "findings": "## Les problèmes, un par ligne",
            "filter_sev": "Gravité",
            "filter_rule": "Règle",
            "pick": "Sélectionnez un problème pour voir les lignes concernées.",
            "rows": "## Lignes concernées",
            "whole": "Ce problème concerne toute la feuille, pas des lignes précises.",
            "clean": "Rien à signaler : chaque contrôle est passé.",
        },
        "en": {
            "title": "# Data quality",
            "upload": "Drop a workbook (.xlsx or .csv)",
            "unreadable": "Unreadable file",
            "none": "No workbook: drop an .xlsx or .csv file (the demo workbook is "
            "missing).",
            "source": "Workbook checked: **{name}**",
            "summary": "## By severity and rule",
            "scores": "## Score per sheet",
            "findings": "## The findings, one per line",
            "filter_sev": "Severity",
            "filter_rule": "Rule",
            "pick": "Select a finding to see the rows concerned.",
            "rows": "## Rows concerned",
            "whole": "This finding concerns the whole sheet, not given rows.",
            "clean": "Nothing to report: every check passed.",
        },
    }


@app.cell
def _():
    lang = mo.ui.dropdown({"Français": "fr", "English": "en"}, value="Français",
                          label="Langue / Language")
    return (lang,)


@app.cell
def _(lang):
    text = TEXT[lang.value]
    upload = mo.ui.file(filetypes=[".xlsx", ".xlsm", ".csv"], max_size=MAX_FILE_BYTES,
                        label=text["upload"])
    return text, upload


@app.cell
def _(lang, text, upload):
    mo.vstack([mo.md(text["title"]), mo.hstack([upload, lang], justify="start")])
    return


@app.cell
def _(upload):
    inspection, source_name, load_error = None, "", None
    try:
        if upload.value:
            _file = upload.value[0]
            # Read in a child process with memory/CPU limits (issue 13).
            inspection = isolated.inspect_bytes(_file.contents, _file.name)
            source_name = _file.name
        elif DEFAULT_WORKBOOK.exists():
            inspection = inspect_workbook(DEFAULT_WORKBOOK)
            source_name = DEFAULT_WORKBOOK.name
    except InputError as _exc:
        load_error = str(_exc)
    return inspection, load_error, source_name


@app.cell
def _(inspection, lang, load_error, source_name, text):
    mo.stop(load_error is not None,
            mo.callout(mo.md(f"**{text['unreadable']}** — {load_error}"), kind="danger"))
    mo.stop(inspection is None, mo.callout(text["none"], kind="info"))
    findings = audit_inspection(inspection, lang.value)
    findings_table = findings_frame(findings)
    badge = quality_badge(findings, lang.value)
    _kind = {"error": "danger", "warning": "warn", "ok": "success"}[badge.severity]
    mo.vstack([mo.md(text["source"].format(name=source_name)),
               mo.callout(mo.md(f"**{badge.text}**"), kind=_kind)])
    return findings, findings_table


@app.cell
def _(findings, inspection, text):
    mo.stop(not findings, mo.md(text["clean"]))
    mo.hstack([
        mo.vstack([mo.md(text["summary"]),
                   mo.ui.table(findings_summary(findings), selection=None,
                               show_download=SHOW_DOWNLOAD, pagination=False)]),
        mo.vstack([mo.md(text["scores"]),
                   mo.ui.table(sheet_scores(findings, inspection.dataset), selection=None,
                               show_download=SHOW_DOWNLOAD, pagination=False)]),
    ], widths="equal", align="start")
    return


@app.cell
def _(findings_table, lang):
    mo.stop(findings_table.empty)
    mo.ui.altair_chart(findings_by_sheet_chart(findings_table, lang.value))
    return


@app.cell
def _(findings_table, lang, text):
    _labels = SEVERITY_LABELS[lang.value]
    severity_filter = mo.ui.multiselect(
        {_labels[s]: s for s in _labels if s in set(findings_table["severity"])},
        label=text["filter_sev"])
    rule_filter = mo.ui.multiselect(sorted(set(findings_table["rule"])),
                                    label=text["filter_rule"])
    return rule_filter, severity_filter


@app.cell
def _(findings_table, rule_filter, severity_filter, text):
    mo.stop(findings_table.empty)
    _shown = findings_table.assign(n=range(1, len(findings_table) + 1))
    if severity_filter.value:
        _shown = _shown[_shown["severity"].isin(severity_filter.value)]
    if rule_filter.value:
        _shown = _shown[_shown["rule"].isin(rule_filter.value)]
    findings_view = mo.ui.table(
        _shown[["n", "severity", "rule", "sheet", "rows", "message", "action"]],
        selection="single", show_download=SHOW_DOWNLOAD, page_size=15,
        wrapped_columns=["message", "action"])
    mo.vstack([mo.md(text["findings"]), mo.hstack([severity_filter, rule_filter],
                                                  justify="start"), findings_view])
    return (findings_view,)


@app.cell
def _(findings, findings_view, inspection, text):
    _picked = findings_view.value
    mo.stop(_picked is None or len(_picked) == 0, mo.md(text["pick"]))
    _finding = findings[int(_picked["n"].iloc[0]) - 1]
    _rows = finding_rows(inspection.dataset, _finding)
    mo.vstack([mo.md(text["rows"]), mo.md(f"_{_finding.message}_"),
               mo.ui.table(_rows, selection=None, show_download=SHOW_DOWNLOAD)
               if len(_rows) else mo.md(text["whole"])])
    return


if __name__ == "__main__":
    app.run()
