import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="Attribution: who really earned the sale")

with app.setup:
    from pathlib import Path

    import marimo as mo

    from roi_core.app.sources import default_workbook, try_load
    from roi_core.attribution import (
        RULES,
        attribution_table,
        journeys_from_dataset,
        last_touch_gap,
        transition_probabilities,
    )
    from roi_core.charts.attribution import (
        last_touch_gap_bars,
        roi_by_rule,
        rules_bars,
        transition_heatmap,
    )



@app.cell
def _():
    mo.md("""
    # Who really earned the sale

    Every won deal is credited to the channels that touched its account before the
    signature, under seven rules side by side. The last-touch view is what most CRMs show;
    the Markov rule is data-driven, computed exactly. Every rule becomes an ROI per channel.
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
    journeys = journeys_from_dataset(data)
    mo.stop(journeys.conversions == 0 and journeys.journeys.empty, mo.callout(
        mo.md("**Nothing to attribute**: this workbook has no `touchpoints` sheet and no "
              "won deal. Add one row per touch (account_id, timestamp, channel) and the "
              "`deals` sheet with status and close date."), kind="warn"))
    return (journeys,)


@app.cell
def _():
    half_life = mo.ui.slider(1, 60, value=7, step=1, show_value=True,
                             label="Time-decay half-life (days)")
    measure = mo.ui.dropdown({"Clients": "conversions", "Revenue": "revenue",
                              "Margin": "margin"}, value="Clients", label="Credited")
    markov_order = mo.ui.dropdown({"1st order": 1, "2nd order": 2, "3rd order": 3},
                                  value="1st order", label="Markov chain")
    include_indirect = mo.ui.switch(value=True, label="Include indirect costs")
    mo.hstack([half_life, measure, markov_order, include_indirect], justify="start", gap=2)
    return half_life, include_indirect, markov_order, measure


@app.cell
def _(data, half_life, include_indirect, journeys, markov_order):
    table = attribution_table(data, "all", half_life_days=half_life.value,
                              include_indirect=include_indirect.value,
                              markov_order=markov_order.value, journeys=journeys)
    return (table,)


@app.cell
def _(journeys, table):
    _won = journeys.conversions
    _open = int((~journeys.journeys["converted"]).sum())
    mo.md(f"""
    **{_won}** won deals credited over **{len(journeys.channels)}** channels;
    **{_open}** accounts touched without a won deal feed the Markov chain.
    Rules: {", ".join(f"`{r}`" for r in RULES)}. ROI = (credited margin − channel cost) / cost.
    """)
    return


@app.cell
def _(measure, table):
    mo.ui.altair_chart(rules_bars(table, measure.value))
    return


@app.cell
def _(table):
    mo.ui.altair_chart(roi_by_rule(table))
    return


@app.cell
def _(measure, table):
    _gap = last_touch_gap(table, measure.value)
    mo.vstack([
        mo.md("### How far the last-touch view misleads"),
        mo.ui.altair_chart(last_touch_gap_bars(_gap)),
    ])
    return


@app.cell
def _(journeys):
    mo.vstack([
        mo.md("### The Markov chain behind the data-driven rule"),
        mo.ui.altair_chart(transition_heatmap(transition_probabilities(journeys))),
    ])
    return


@app.cell
def _(table):
    mo.vstack([
        mo.md("### Every rule, every channel"),
        mo.ui.table(table.round(4), selection=None, show_download=False, page_size=20),
    ])
    return


if __name__ == "__main__":
    app.run()
