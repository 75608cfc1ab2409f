import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="Rapport de prospection")


@app.cell
def _():
    import marimo as mo

    from roi_core.io import load_workbook
    from roi_core.outputs import report as rp
    from roi_core.outputs import report_decide as rd

    return load_workbook, mo, rd, rp


@app.cell
def _(rp):
    # The report's parameters. `python -m roi_core report` passes its own through
    # `app.run(defs={"report_params": ...})`; opened by hand, ROI_REPORT_* variables
    # (or the demo company) say what to show.
    report_params = rp.params_from_env(
        default_workbook=rp.NOTEBOOK.parents[1] / "sample_data" / "demo_company.xlsx")
    return (report_params,)


@app.cell
def _(load_workbook, report_params, rp):
    dataset = load_workbook(report_params.workbook)
    figures = rp.report_figures(dataset, report_params)
    return (figures,)


@app.cell
def _(figures, mo, rp):
    mo.Html(rp.title_html(figures))
    return


@app.cell
def _(figures, mo, rp):
    mo.Html(rp.headline_html(figures))
    return


@app.cell
def _(figures, mo, rp):
    mo.Html(rp.channel_table_html(figures))
    return


@app.cell
def _(figures, mo, rp):
    mo.Html(rp.funnel_html(figures))
    return


@app.cell
def _(figures, mo, rp):
    mo.Html(rp.roi_html(figures))
    return


@app.cell
def _(figures, mo, rd):
    mo.Html(rd.review_html(figures))
    return


@app.cell
def _(figures, mo, rd):
    mo.Html(rd.advice_html(figures))
    return


@app.cell
def _(figures, mo, rd):
    mo.Html(rd.plan_html(figures))
    return


@app.cell
def _(figures, mo, rp):
    mo.Html(rp.assumptions_html(figures))
    return


@app.cell
def _(figures, mo, rp):
    mo.Html(rp.data_quality_html(figures))
    return


@app.cell
def _(figures, mo, rp):
    mo.Html(rp.footer_html(figures))
    return


if __name__ == "__main__":
    app.run()
