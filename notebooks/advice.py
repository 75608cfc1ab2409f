import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="Conseil : où va le prochain euro")

with app.setup:
    from pathlib import Path
    from urllib.parse import urlencode

    import marimo as mo
    import pandas as pd

    from roi_core.advice import advice_levers, advice_table, advise, sentences
    from roi_core.app.sources import default_workbook, try_load
    from roi_core.charts.advice import (
        response_chart,
        response_data,
        roi_interval_chart,
        roi_interval_data,
    )
    from roi_core.errors import InputError
    from roi_core.facts import build_facts
    from roi_core.formatting import LANGS, label, money, percent
    from roi_core.kpis import compute_kpis
    from roi_core.response import curve_table
    from roi_core.scenario import to_query
    from roi_core.uncertainty import kpi_intervals, roi_beats_table


@app.cell
def _():
    _lang = mo.query_params().get("lang")
    lang = _lang if _lang in LANGS else "fr"
    mo.md("""
    # Conseil : où va le prochain euro

    Les courbes de réponse de chaque canal (rendements décroissants, avec leur incertitude)
    disent où un euro rapporte le plus de marge. Un transfert n'est conseillé que si sa
    probabilité de faire mieux qu'aujourd'hui dépasse le seuil et que son intervalle à 80 %
    exclut 0 ; sinon la page le dit, et ce qui trancherait.
    """ if lang == "fr" else """
    # Advice: where the next euro goes

    Each channel's response curve (diminishing returns, with its uncertainty) tells where a
    euro brings the most margin. A transfer is advised only when its probability of doing
    better than today passes the threshold and its 80% interval excludes 0; otherwise the
    page says so, and what would decide it.
    """)
    return (lang,)


@app.cell
def _():
    _arg = mo.cli_args().get("workbook")
    workbook_path = Path(str(_arg)) if _arg else default_workbook()
    data, _error = try_load(workbook_path)
    mo.stop(_error is not None, mo.callout(
        mo.md(f"**Le classeur n'a pas pu être lu** (`{workbook_path.name}`)\n\n{_error}"),
        kind="danger"))
    facts = build_facts(data)
    return data, facts


@app.cell
def _(facts, lang):
    _channels = sorted(c for c in facts["channel"].dropna().unique() if c != "(unassigned)")
    fr = lang == "fr"
    budget_ui = mo.ui.number(start=0, stop=10_000_000, step=1000, value=None,
                             label="Budget total (vide : celui d'aujourd'hui)" if fr
                             else "Total budget (empty: today's)")
    change_ui = mo.ui.slider(5, 100, value=30, step=5, show_value=True,
                             label="Variation maximale par canal (%)" if fr
                             else "Largest change per channel (%)")
    lock_ui = mo.ui.multiselect(_channels, label="Canaux verrouillés" if fr
                                else "Locked channels")
    threshold_ui = mo.ui.slider(50, 99, value=80, step=1, show_value=True,
                                label="Seuil de probabilité (%)" if fr
                                else "Probability threshold (%)")
    mo.hstack([budget_ui, change_ui, lock_ui, threshold_ui], justify="start", gap=2,
              wrap=True)
    return budget_ui, change_ui, lock_ui, threshold_ui


@app.cell
def _(budget_ui, change_ui, data, facts, lock_ui, threshold_ui):
    try:
        result = advise(facts, deals=data.deals, budget=budget_ui.value or None,
                        max_change=change_ui.value / 100, locked=lock_ui.value,
                        threshold=threshold_ui.value / 100)
        _error = None
    except InputError as _err:
        result, _error = None, str(_err)
    mo.stop(result is None, mo.callout(mo.md(f"**{_error}**"), kind="warn"))
    return (result,)


@app.cell
def _(data, lang, result):
    _lines = sentences(result, lang, data.currency)
    mo.callout(mo.md("\n\n".join(_lines)),
               kind="neutral" if result.abstained else "success")
    return


@app.cell
def _(facts, lang, result):
    # The advised moves (or the best split found) as the meeting app's scenario levers.
    _levers = advice_levers(result, facts, candidate=result.abstained)
    _query = urlencode({**to_query(_levers), "lang": lang})
    _text = ("Ouvrir l'application de réunion avec ces transferts" if lang == "fr"
             else "Open the meeting app with these transfers")
    if result.abstained:
        _text += (" (meilleur partage trouvé, non conseillé)" if lang == "fr"
                  else " (best split found, not advised)")
    meeting_link = f"?file=roi_explorer.py&{_query}"
    mo.md(f'<a href="{meeting_link}" target="_blank" '
          f'style="display:inline-block;padding:0.4em 1em;border-radius:6px;'
          f'background:#4c78a8;color:white;text-decoration:none">{_text}</a>')
    return (meeting_link,)


@app.cell
def _(data, lang, result):
    _table = advice_table(result)
    _shown = pd.DataFrame({
        label("channel", lang): _table["channel"],
        ("Aujourd'hui" if lang == "fr" else "Today"):
            [money(v, lang, data.currency) for v in _table["today"]],
        ("Conseillé" if lang == "fr" else "Advised"):
            [money(v, lang, data.currency) for v in _table["proposed"]],
        ("Variation" if lang == "fr" else "Change"):
            [percent(v, lang, decimals=0) for v in _table["change_share"]],
        ("Meilleur partage trouvé" if lang == "fr" else "Best split found"):
            [money(v, lang, data.currency) for v in _table["candidate"]],
        ("Marge attendue aujourd'hui" if lang == "fr" else "Expected margin today"):
            [money(v, lang, data.currency) for v in _table["margin_today"]]})
    mo.ui.table(_shown, selection=None, show_download=False)
    return


@app.cell
def _(data, lang, result):
    _observed = pd.DataFrame({"channel": result.channels, "cost": result.today,
                              "margin": result.curves.observed_margin})
    _frame = response_data(curve_table(result.curves), advice_table(result), _observed, lang)
    mo.vstack([
        mo.md("## Courbes de réponse" if lang == "fr" else "## Response curves"),
        response_chart(_frame, lang, data.currency)])
    return


@app.cell
def _(data, facts, lang):
    _kpis = compute_kpis(facts, "channel")
    _intervals = kpi_intervals(facts, "channel", deals=data.deals)
    _beats = roi_beats_table(facts, "channel", deals=data.deals)
    _beats = _beats.map(lambda v: percent(v, lang, decimals=0))
    mo.vstack([
        mo.md("## ROI par canal, avec son intervalle à 80 %" if lang == "fr"
              else "## ROI per channel, with its 80% interval"),
        roi_interval_chart(roi_interval_data(_intervals, _kpis), "channel", lang),
        mo.md("Probabilité que le ROI de la ligne batte celui de la colonne"
              if lang == "fr" else "Probability that the row's ROI beats the column's"),
        mo.ui.table(_beats.reset_index(names=label("channel", lang)), selection=None,
                    show_download=False)])
    return


if __name__ == "__main__":
    app.run()
