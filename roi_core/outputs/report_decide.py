"""The report's decision sections: the month's review, where the next euro goes, the quarter
ahead. Each is plain HTML from the calculations (``roi_core.variance``, ``roi_core.advice``,
``roi_core.uncertainty``, ``roi_core.plan``), its charts as inline SVG, every figure named
by ``data-figure`` as in ``roi_core.outputs.report``.

- Review: the period's last month against the one before (``compare_periods``, ``explain``),
  and the decisions logged between them when ``ROI_HISTORY`` names a history (read only).
- Advice: the reallocation advice (±30 % per channel, today's budget) and each channel's
  ROI with its 80 % interval.
- Plan: the quarter after the period, for as many clients as its last three months signed.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from roi_core.advice import advise, sentences
from roi_core.charts.advice import roi_interval_chart, roi_interval_data
from roi_core.charts.plan import cash_curve_chart
from roi_core.dataset import UNASSIGNED
from roi_core.errors import InputError
from roi_core.facts import build_cycles, build_facts, filter_facts
from roi_core.formatting import kpi_value, label, number
from roi_core.kpis import compute_kpis
from roi_core.outputs.report import ReportFigures, _e, _fig, _figure_block, chart_svg
from roi_core.plan import Target, next_quarter, plan_quarter, plan_table
from roi_core.scenario import base_table
from roi_core.uncertainty import kpi_intervals
from roi_core.variance import compare_periods, explain, period_label

__all__ = ["review_html", "advice_html", "plan_html"]

_TEXT = {
    "review": {"fr": "La revue du mois", "en": "The month in review"},
    "review_intro": {
        "fr": "{after} comparé à {before} : chaque changement notable, et d'où il vient.",
        "en": "{after} against {before}: each notable change, and where it comes from."},
    "review_none": {"fr": "Il faut au moins deux mois de données pour une revue.",
                    "en": "A review needs at least two months of data."},
    "decisions": {"fr": "Décisions enregistrées entre ces deux mois",
                  "en": "Decisions logged between these two months"},
    "no_decision": {"fr": "Aucune décision enregistrée entre ces deux mois.",
                    "en": "No decision logged between these two months."},
    "advice": {"fr": "Où placer le prochain euro", "en": "Where the next euro goes"},
    "advice_intro": {
        "fr": "Le budget d'aujourd'hui, chaque canal à ±30 % au plus ; un transfert n'est "
              "conseillé que si sa probabilité de faire mieux atteint 80 % et que son "
              "intervalle à 80 % exclut zéro.",
        "en": "Today's budget, each channel within ±30 %; a transfer is advised only when its "
              "probability of doing better reaches 80 % and its 80 % interval excludes zero."},
    "own_cost": {"fr": "Les intervalles portent sur les coûts propres de chaque canal (les "
                       "coûts sans campagne ne sont pas répartis).",
                 "en": "The intervals are on each channel's own costs (the costs of no "
                       "campaign are not allocated)."},
    "intervals": {"fr": "ROI par canal et son intervalle à 80 %",
                  "en": "ROI by channel and its 80 % interval"},
    "plan": {"fr": "Le trimestre à venir", "en": "The quarter ahead"},
    "plan_intro": {
        "fr": "Pour signer {clients} clients en {period} (autant que sur les trois derniers "
              "mois), aux taux mesurés : les volumes, l'équipe, le budget et la trésorerie.",
        "en": "To sign {clients} clients in {period} (as many as over the last three "
              "months), at the measured rates: volumes, team, budget and cash."},
    "plan_none": {"fr": "Aucun client signé sur les trois derniers mois : pas de plan.",
                  "en": "No client signed over the last three months: no plan."},
    "payback": {"fr": "Retour sur investissement : {month} ; besoin de trésorerie maximal : "
                      "{peak} ; équipe nécessaire : {fte} ETP.",
                "en": "Payback: {month}; peak cash need: {peak}; team needed: {fte} FTE."},
    "never": {"fr": "au-delà de l'horizon du plan", "en": "beyond the plan's horizon"},
    "cannot": {"fr": "Les données ne permettent pas cette section :",
               "en": "The data cannot support this section:"},
    "cash": {"fr": "Trésorerie cumulée du plan (bande 10–90 %)",
             "en": "The plan's cumulative cash (10–90 % band)"},
}


def _t(key: str, lang: str, **values: object) -> str:
    text = _TEXT[key]["fr" if lang == "fr" else "en"]
    return text.format(**values) if values else text


def _section(title: str, body: str) -> str:
    return f"<section><h2>{_e(title)}</h2>{body}</section>"


def _guarded(title: str):
    """A section that the data cannot support says why instead of failing the report."""
    def wrap(build):
        def section(figures: ReportFigures) -> str:
            try:
                return build(figures)
            except InputError as exc:
                lang = figures.params.lang
                return _section(_t(title, lang), f"<p>{_e(_t('cannot', lang))} {_e(exc)}</p>")
        section.__doc__, section.__name__ = build.__doc__, build.__name__
        return section
    return wrap


def _facts(figures: ReportFigures) -> pd.DataFrame:
    return filter_facts(build_facts(figures.data), months=figures.params.period)


@_guarded("review")
def review_html(figures: ReportFigures) -> str:
    """The period's last month against the one before: one sentence per notable change
    (the ROI of every channel always), and the decisions logged in between."""
    p, lang = figures.params, figures.params.lang
    months = figures.by_month["month"].dropna().astype(str).sort_values().unique()
    if len(months) < 2:
        return _section(_t("review", lang), f"<p>{_e(_t('review_none', lang))}</p>")
    before, after = months[-2], months[-1]
    facts = build_facts(figures.data)
    comparison = compare_periods(facts, before, after, include_indirect=p.include_indirect,
                                 basis=p.basis, cycles=build_cycles(figures.data),
                                 currency=figures.data.currency)
    said = explain(comparison, lang)
    items = "".join(
        f"<li>{_fig(f'review.{row.group}.{row.kpi}', row.sentence)}</li>"
        for row in said.itertuples())
    intro = _t("review_intro", lang, before=period_label(comparison.before),
               after=period_label(comparison.after))
    body = f"<p>{_e(intro)}</p><ul class='sentences'>{items}</ul>"
    history = os.environ.get("ROI_HISTORY")
    if history and Path(history).is_file():
        from roi_core.store.history import History  # read only: never written here

        log = History(history, create=False).decisions((before, after))
        rows = "".join(f"<li>{_e(f'{r.date:%Y-%m-%d}')} — {_e(r.text)}</li>"
                       for r in log.itertuples()) if len(log) else ""
        body += (f"<h3>{_e(_t('decisions', lang))}</h3>"
                 + (f"<ul>{rows}</ul>" if rows else f"<p>{_e(_t('no_decision', lang))}</p>"))
    return _section(_t("review", lang), body)


@_guarded("advice")
def advice_html(figures: ReportFigures) -> str:
    """The reallocation advice in sentences, and each channel's ROI with its interval."""
    p, lang = figures.params, figures.params.lang
    facts = _facts(figures)
    advice = advise(facts, deals=figures.data.deals, include_indirect=p.include_indirect)
    said = "".join(f"<li>{_fig(f'advice.{i}', s)}</li>"
                   for i, s in enumerate(sentences(advice, lang, figures.data.currency)))
    body = f"<p>{_e(_t('advice_intro', lang))}</p><ul class='sentences'>{said}</ul>"
    # The intervals are drawn on each channel's own cost (shared costs not allocated): the
    # KPIs beside them are computed the same way, and the shared row is left out.
    kpis = compute_kpis(facts, "channel", include_indirect=p.include_indirect, basis=p.basis)
    intervals = kpi_intervals(facts, "channel", deals=figures.data.deals,
                              include_indirect=p.include_indirect, basis=p.basis)
    data = roi_interval_data(intervals, kpis).dropna(subset=["roi"])
    data = data[data["channel"] != UNASSIGNED]
    if figures.shared_cost:
        body += f"<p>{_e(_t('own_cost', lang))}</p>"
    rows = "".join(
        f"<tr><th scope='row'>{_e(row.channel)}</th>"
        + "".join(f"<td>{_fig(f'advice.{row.channel}.{name}', kpi_value('roi', v, lang))}</td>"
                  for name, v in (("roi", row.roi), ("roi_low", row.roi_low),
                                  ("roi_high", row.roi_high)))
        + "</tr>" for row in data.itertuples())
    if rows:
        head = "".join(f"<th>{_e(h)}</th>" for h in (
            label("channel", lang), "ROI", "p10", "p90"))
        body += (f"<div class='scroll'><table><thead><tr>{head}</tr></thead><tbody>{rows}"
                 "</tbody></table></div>")
    if len(data):
        svg = chart_svg(roi_interval_chart(data, "channel", lang), lang=lang)
        body += _figure_block("roi_intervals", svg, _t("intervals", lang))
    return _section(_t("advice", lang), body)


@_guarded("plan")
def plan_html(figures: ReportFigures) -> str:
    """The next quarter's plan for as many clients as the last three months signed: the
    needs per channel, the team, the payback month and the cash curve with its band."""
    p, lang = figures.params, figures.params.lang
    if figures.months is None:
        return _section(_t("plan", lang), f"<p>{_e(_t('plan_none', lang))}</p>")
    last = pd.Timestamp(figures.months[1])
    recent = figures.by_month[pd.to_datetime(figures.by_month["month"], errors="coerce")
                              > last - pd.DateOffset(months=3)]
    clients = round(float(pd.to_numeric(recent["clients"], errors="coerce").sum()))
    if clients < 1:
        return _section(_t("plan", lang), f"<p>{_e(_t('plan_none', lang))}</p>")
    first, end = next_quarter(last + pd.offsets.MonthEnd(0))
    target = Target("clients", clients, first, end)
    history = figures.params.period
    plan = plan_quarter(figures.data, base_table(figures.data), target, history=history,
                        include_indirect=p.include_indirect, simulations=500)
    s = plan.summary
    period = f"{first} – {end}"
    intro = _t("plan_intro", lang, clients=number(clients, lang), period=period)
    month = s.get("payback_month")
    line = _t("payback", lang,
              month=f"{pd.Timestamp(month):%Y-%m}" if month is not None else _t("never", lang),
              peak=kpi_value("cost", s.get("peak_cash_need"), lang),
              fte=number(s.get("fte", float("nan")), lang, decimals=1))
    table = plan_table(plan, lang)
    head = "".join(f"<th>{_e(c)}</th>" for c in table.columns)
    rows = "".join("<tr>" + "".join(
        f"<td>{_fig(f'plan.{r[0]}.{i}', str(v))}</td>" if i else f"<th scope='row'>{_e(v)}</th>"
        for i, v in enumerate(r)) + "</tr>" for r in table.astype(str).itertuples(index=False))
    body = (f"<p>{_e(intro)}</p><p>{_fig('plan.summary', line)}</p>"
            f"<div class='scroll'><table><thead><tr>{head}</tr></thead><tbody>{rows}"
            "</tbody></table></div>")
    total = plan.payback.set_index("channel").loc["total"].to_dict()
    svg = chart_svg(cash_curve_chart(plan.cash, total, lang), lang=lang)
    body += _figure_block("plan_cash", svg, _t("cash", lang))
    return _section(_t("plan", lang), body)
