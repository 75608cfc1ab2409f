import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="Cohorts: measure each campaign over its window")

with app.setup:
    import datetime as dt
    from pathlib import Path

    import marimo as mo

    from roi_core.app.sources import default_workbook, try_load
    from roi_core.charts.attribution import (
        cohort_roi_curves,
        maturity_lines,
        sales_cycle_ranges,
    )
    from roi_core.cohorts import (
        cohort_curves,
        cohort_summary,
        latest_date,
        maturity_curve,
        sales_cycle_distribution,
    )



@app.cell
def _():
    mo.md("""
    # Measure each campaign over its window

    A campaign launched in January can still sign in April. Each campaign is measured over a
    window after its launch; while the window is open the campaign is **immature**, and its
    ROI is shown with what its open pipeline is expected to add: an **estimate**.
    """)
    return


@app.cell
def _():
    _arg = mo.cli_args().get("workbook")
    workbook_path = Path(str(_arg)) if _arg else default_workbook()
    return (workbook_path,)


@app.cell
def _(workbook_path):
    data, _error = try_load(workbook_path)
    mo.stop(_error is not None, mo.callout(
        mo.md(f"**The workbook could not be loaded** (`{workbook_path.name}`)\n\n{_error}"),
        kind="danger"))
    return (data,)


@app.cell
def _(data):
    latest = latest_date(data)
    mo.stop(latest is None or data.deals.empty, mo.callout(
        mo.md("**No deals to measure**: cohorts need the `deals` sheet (campaign, status, "
              "created and close dates, amount, margin rate)."), kind="warn"))
    return (latest,)


@app.cell
def _(latest):
    as_of = mo.ui.date(value=latest.date(), label="Measured as of")
    window = mo.ui.slider(30, 365, value=180, step=15, show_value=True,
                          label="Measurement window (days after launch)")
    period = mo.ui.dropdown({"Months": "month", "Weeks": "week"}, value="Months",
                            label="Age in")
    mo.hstack([as_of, window, period], justify="start", gap=2)
    return as_of, period, window


@app.cell
def _(as_of, data, period, window):
    _when = dt.datetime.combine(as_of.value, dt.time())
    summary = cohort_summary(data, _when, window_days=window.value)
    curves = cohort_curves(data, _when, window_days=window.value, period=period.value)
    maturity = maturity_curve(data, _when, window_days=window.value, period=period.value)
    cycles = sales_cycle_distribution(data, as_of=_when)
    return curves, cycles, maturity, summary


@app.cell
def _(summary):
    _immature = summary[summary["status"] == "immature"]
    _text = (f"**{len(_immature)}** of {len(summary)} campaigns are still inside their window: "
             "their *ROI with estimate* adds open deals × the channel's win rate × its margin "
             "per client. It is an estimate, not a result."
             if len(_immature) else "Every launched campaign has closed its window: all ROI "
             "figures are results.")
    mo.callout(mo.md(_text), kind="info" if len(_immature) else "success")
    return


@app.cell
def _(curves):
    mo.ui.altair_chart(cohort_roi_curves(curves))
    return


@app.cell
def _(maturity):
    mo.stop(maturity.empty, mo.callout(
        mo.md("No mature campaign with a client yet: the maturity curve needs campaigns "
              "whose window has closed."), kind="neutral"))
    mo.ui.altair_chart(maturity_lines(maturity))
    return


@app.cell
def _(cycles):
    mo.stop(cycles.empty, mo.callout(mo.md("No won deal with dates: no sales cycle to show."),
                                     kind="neutral"))
    mo.ui.altair_chart(sales_cycle_ranges(cycles))
    return


@app.cell
def _(summary):
    _cols = ["campaign_id", "campaign", "channel", "status", "launch", "window_end",
             "clients", "margin", "cost", "roi", "open_deals", "roi_with_estimate"]
    _shown = summary.assign(
        launch=summary["launch"].dt.strftime("%Y-%m-%d"),
        window_end=summary["window_end"].dt.strftime("%Y-%m-%d"),
        roi_with_estimate=summary["roi_with_estimate"].map(
            lambda v: "" if v != v else f"{v:.0%} (estimate)"),
    )[_cols].round(2)
    mo.vstack([mo.md("### Campaigns over their window"),
               mo.ui.table(_shown, selection=None, show_download=False, page_size=15)])
    return


if __name__ == "__main__":
    app.run()
