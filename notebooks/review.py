import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="Revue du mois")

with app.setup:
    import datetime as dt
    from pathlib import Path

    import marimo as mo

    from roi_core.app.review import (
        decisions_markdown,
        default_periods,
        history_access,
        open_history,
        period_options,
        review_facts,
        sentences_markdown,
        write_to_history,
    )
    from roi_core.app.sources import default_workbook, try_load
    from roi_core.charts.review import decision_marks, review_month_data, roi_review_chart
    from roi_core.kpis import compute_kpis
    from roi_core.variance import change_table, compare_periods, explain


@app.cell
def _():
    mo.md("""
    # Revue du mois

    Deux périodes côte à côte : ce qui a changé, pourquoi (chaque écart décomposé en ses
    causes), et les décisions prises entre les deux.
    """)
    return


@app.cell
def _():
    _arg = mo.cli_args().get("workbook")
    workbook_path = Path(str(_arg)) if _arg else default_workbook()
    return (workbook_path,)


@app.cell
def _():
    access = history_access()
    return (access,)


@app.cell
def _(workbook_path):
    data, _error = try_load(workbook_path)
    mo.stop(_error is not None, mo.callout(
        mo.md(f"**Le classeur n'a pas pu être lu** (`{workbook_path.name}`)\n\n{_error}"),
        kind="danger"))
    return (data,)


@app.cell
def _(access):
    history, _error = open_history(access)
    mo.callout(mo.md(_error or access.note("fr")), kind="danger" if _error else "neutral")
    return (history,)


@app.cell
def _(data, history, logged):
    facts, cycles = review_facts(data, history)
    mo.stop(facts["month"].dropna().empty, mo.callout(
        mo.md("Aucun mois daté dans le classeur : rien à comparer."), kind="warn"))
    return cycles, facts


@app.cell
def _(facts):
    _options = period_options(facts)
    _first, _second = default_periods(facts)
    first_pick = mo.ui.dropdown(_options, value=_first if _first in _options else None,
                                label="Période 1")
    second_pick = mo.ui.dropdown(_options, value=_second, label="Période 2")
    lang_pick = mo.ui.dropdown({"Français": "fr", "English": "en"}, value="Français",
                               label="Langue")
    mo.hstack([first_pick, second_pick, lang_pick], justify="start", gap=2)
    return first_pick, lang_pick, second_pick


@app.cell
def _(cycles, data, facts, first_pick, second_pick):
    mo.stop(first_pick.value is None or second_pick.value is None,
            mo.callout(mo.md("Choisissez deux périodes."), kind="neutral"))
    comparison = compare_periods(facts, first_pick.value, second_pick.value, cycles=cycles,
                                 currency=data.currency)
    return (comparison,)


@app.cell
def _(comparison, history, logged):
    _first = min(comparison.before[0], comparison.after[0])
    _last = max(comparison.before[1], comparison.after[1])
    decisions = (history.decisions((_first, _last.strftime("%Y-%m")))
                 if history is not None else None)
    return (decisions,)


@app.cell
def _(comparison, lang_pick):
    sentences = explain(comparison, lang_pick.value)
    mo.md("### Ce qui a changé, et pourquoi\n\n" + sentences_markdown(sentences))
    return (sentences,)


@app.cell
def _(comparison, decisions, lang_pick):
    _list = decisions_markdown(decisions, lang_pick.value)
    mo.md("### ROI par mois et décisions" + (f"\n\n{_list}" if _list else ""))
    return


@app.cell
def _(comparison, decisions, facts, lang_pick):
    _months = review_month_data(compute_kpis(facts, "month"), comparison.before,
                                comparison.after, lang_pick.value)
    _marks = decision_marks(decisions, _months["month"])
    mo.ui.altair_chart(roi_review_chart(_months, _marks, lang_pick.value))
    return


@app.cell
def _(comparison, lang_pick):
    mo.vstack([mo.md("### Les chiffres"),
               mo.ui.table(change_table(comparison, lang_pick.value), selection=None,
                           show_download=False, page_size=40)])
    return


@app.cell
def _(access, data):
    _channels = sorted(str(c) for c in data.campaigns["channel"].dropna().unique())
    decision_form = (mo.md("""
    **Noter une décision**

    {date} {channel} {author}

    {text}
    """).batch(
        date=mo.ui.date(value=dt.date.today(), label="Date"),
        channel=mo.ui.dropdown(_channels, label="Canal (facultatif)"),
        author=mo.ui.text(label="Auteur"),
        text=mo.ui.text_area(label="Décision", placeholder="Salons réduits de 30 % à partir "
                             "de mars", full_width=True),
    ).form(submit_button_label="Enregistrer la décision", clear_on_submit=True)
        if access.write else None)
    snapshot_button = (mo.ui.run_button(label="Enregistrer un instantané du classeur")
                       if access.write else None)
    mo.vstack([decision_form, snapshot_button]) if access.write else None
    return decision_form, snapshot_button


@app.cell
def _(access, decision_form, history, snapshot_button, workbook_path):
    # Writes only with the deployer's consent (ROI_HISTORY_WRITE=1): the controls above
    # do not exist otherwise, and write_to_history refuses without it.
    logged = write_to_history(
        access, history, decision=decision_form.value if decision_form is not None else None,
        snapshot=bool(snapshot_button is not None and snapshot_button.value),
        workbook=workbook_path)
    mo.callout(mo.md(f"Enregistré : {logged[0]} n° {logged[1]}."), kind="success") \
        if logged else None
    return (logged,)


if __name__ == "__main__":
    app.run()
