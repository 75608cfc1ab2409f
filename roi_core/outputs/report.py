"""The archived monthly report: one self-contained HTML file that opens offline, years later.

Design: the report notebook (``notebooks/report.py``) lays the sections out, one cell each;
every section is plain HTML built here, charts included: altair charts are rendered to
inline SVG by vl-convert (offline, no JavaScript, no CDN). ``build_report`` runs that
notebook headless (``app.run``, parameters passed as ``defs``), takes each cell's output
in order and wraps them in one page with inline CSS (``assemble_page``). A cell that fails
raises, and the ``report`` command turns it into exit status 2 with one message.

Every figure a reader sees carries a ``data-figure`` attribute naming it
(``total.roi``, ``channel.Emailing.cost_per_lead``…): the golden test and the browser test
read the numbers by those names (``extract_figures``).
"""

from __future__ import annotations

import hashlib
import html
import importlib.util
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import altair as alt
import pandas as pd
from babel.dates import format_date

import roi_core
from roi_core import charts
from roi_core.dataset import UNASSIGNED, Dataset
from roi_core.errors import InputError
from roi_core.facts import build_cycles, build_facts, filter_facts
from roi_core.formatting import LANGS, LOCALES, kpi_value, label
from roi_core.kpis import compute_kpis
from roi_core.quality import audit, quality_badge
from roi_core.shared import allocation_label, check_allocation, group_label, shared_cost

__all__ = [
    "ReportParams",
    "ReportFigures",
    "parse_period",
    "params_from_env",
    "file_sha256",
    "report_figures",
    "chart_svg",
    "title_html",
    "headline_html",
    "channel_table_html",
    "funnel_html",
    "roi_html",
    "assumptions_html",
    "data_quality_html",
    "footer_html",
    "assemble_page",
    "build_report",
    "extract_figures",
    "NOTEBOOK",
]

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "report.py"
ENV = {"workbook": "ROI_REPORT_WORKBOOK", "period": "ROI_REPORT_PERIOD",
       "lang": "ROI_REPORT_LANG", "indirect": "ROI_REPORT_INDIRECT",
       "basis": "ROI_REPORT_BASIS", "allocate": "ROI_REPORT_ALLOCATE"}
HEADLINE = ["cost", "margin", "roi", "clients", "cac", "cost_per_lead",
            "cost_per_opportunity", "win_rate", "net_margin_per_client"]
CHANNEL_COLUMNS = ["cost", "leads", "opportunities", "clients", "margin", "cost_per_lead",
                   "cost_per_opportunity", "cac", "margin_per_client", "win_rate", "roi"]


# --- parameters -------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportParams:
    """What one report is about: the workbook, the period, the language, the cost model."""

    workbook: Path
    period: tuple[str, str] | None = None
    lang: str = "fr"
    include_indirect: bool = True
    basis: str = "margin"
    made_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    # Where the cost of no campaign goes per channel (roi_core.shared): the app's default.
    allocate_shared: str = "cost"


def parse_period(text: str | None) -> tuple[str, str] | None:
    """"2026-01..2026-03" -> ("2026-01", "2026-03"); one month "2026-02" is that month.

    >>> parse_period("2026-01..2026-03")
    ('2026-01', '2026-03')
    >>> parse_period("2026-02")
    ('2026-02', '2026-02')
    >>> parse_period(None) is None
    True
    """
    if not text:
        return None
    parts = [p.strip() for p in text.split("..")]
    if len(parts) == 1:
        parts = parts * 2
    if len(parts) != 2 or not all(re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", p) for p in parts):
        raise InputError(f"the period '{text}' is not understood",
                         expected="two months as YYYY-MM..YYYY-MM, such as 2026-01..2026-03")
    if parts[0] > parts[1]:
        raise InputError(f"the period '{text}' ends before it starts",
                         expected="the first month first, such as 2026-01..2026-03")
    return parts[0], parts[1]


def params_from_env(default_workbook: Path | None = None) -> ReportParams:
    """Parameters from ROI_REPORT_* environment variables (for ``marimo edit``/``run``)."""
    workbook = os.environ.get(ENV["workbook"]) or default_workbook
    if workbook is None:
        raise InputError(f"no workbook given: set {ENV['workbook']}")
    lang = os.environ.get(ENV["lang"], "fr")
    return ReportParams(
        workbook=Path(workbook), period=parse_period(os.environ.get(ENV["period"])),
        lang=lang if lang in LANGS else "fr",
        include_indirect=os.environ.get(ENV["indirect"], "1") != "0",
        basis=os.environ.get(ENV["basis"], "margin"),
        allocate_shared=check_allocation(os.environ.get(ENV["allocate"], "cost")))


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, in hexadecimal (the footer's fingerprint)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- figures ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportFigures:
    """The KPI tables a report shows, for one dataset, period and cost model."""

    params: ReportParams
    data: Dataset
    total: pd.Series
    by_channel: pd.DataFrame
    by_month: pd.DataFrame
    months: tuple[str, str] | None  # the months the data covers within the period
    shared_cost: float = 0.0  # the period's cost of no campaign (roi_core.shared)


def report_figures(data: Dataset, params: ReportParams) -> ReportFigures:
    """KPIs total, per channel and per month within the period (``roi_core.kpis``).

    A workbook without any campaign (the blank template) raises InputError.
    """
    if data.campaigns.empty:
        raise InputError("there is no campaign to report on", file=data.source or None,
                         sheet=data.sheet_label("campaigns"),
                         expected="at least one campaign row under the header")
    facts = filter_facts(build_facts(data), months=params.period)
    cycles = filter_facts(build_cycles(data), months=params.period)

    def kpis(by: str) -> pd.DataFrame:  # kpi_table's steps, the facts built once
        return compute_kpis(facts, by, include_indirect=params.include_indirect,
                            basis=params.basis, cycles=cycles,
                            allocate_shared=params.allocate_shared)

    by_month = kpis("month")
    months = by_month["month"].dropna()
    covered = (str(months.min()), str(months.max())) if len(months) else None
    return ReportFigures(params=params, data=data, total=kpis("total").iloc[0],
                         by_channel=kpis("channel"), by_month=by_month, months=covered,
                         shared_cost=shared_cost(facts, params.include_indirect))


# --- small HTML helpers -----------------------------------------------------------------

_TEXT: dict[str, dict[str, str]] = {
    "title": {"fr": "Rapport de prospection", "en": "Prospecting report"},
    "intro": {
        "fr": "Ce rapport mesure ce que la prospection a coûté et ce qu'elle a rapporté, "
              "canal par canal. Toutes les sommes sont en euros ; un tiret « — » signale une "
              "valeur non définie (division par zéro ou donnée non saisie).",
        "en": "This report measures what prospecting cost and what it brought in, channel by "
              "channel. Amounts are in euros; a dash \"—\" marks a value that is not defined "
              "(a division by zero or a figure not recorded)."},
    "period": {"fr": "Période", "en": "Period"},
    "all": {"fr": "toutes les données", "en": "all the data"},
    "headline": {"fr": "Les chiffres clés", "en": "Headline figures"},
    "channels": {"fr": "Par canal", "en": "By channel"},
    "channels_intro": {
        "fr": "Chaque ligne additionne les campagnes d'un canal ; chaque ratio est un ratio "
              "de sommes.",
        "en": "Each row adds up the campaigns of one channel; every ratio is a ratio of "
              "sums."},
    "funnel": {"fr": "L'entonnoir", "en": "The funnel"},
    "funnel_intro": {
        "fr": "Du nombre de cibles au nombre de clients signés : la barre dit le volume, le "
              "taux dit quelle part de l'étape précédente est passée à la suivante.",
        "en": "From targets to signed clients: the bar is the volume, the rate the share of "
              "the previous stage that reached this one."},
    "roi": {"fr": "Le ROI par canal et par mois", "en": "ROI by channel and by month"},
    "roi_intro": {
        "fr": "Un ROI de 100 % signifie que la marge a couvert deux fois le coût ; en dessous "
              "de 0 %, le canal a coûté plus qu'il n'a rapporté.",
        "en": "An ROI of 100 % means the margin covered the cost twice; below 0 %, the channel "
              "cost more than it brought in."},
    "assumptions": {"fr": "Les hypothèses", "en": "Assumptions"},
    "quality": {"fr": "Qualité des données", "en": "Data quality"},
    "made": {"fr": "Rapport établi le", "en": "Report made on"},
    "file": {"fr": "Fichier source", "en": "Source file"},
    "version": {"fr": "Version de roi-core", "en": "roi-core version"},
    "no_chart": {"fr": "Aucune donnée à représenter pour cette période.",
                 "en": "Nothing to draw for this period."},
}

_EXPLAIN: dict[str, dict[str, str]] = {
    "cost": {"fr": "tout ce que la prospection a coûté sur la période",
             "en": "everything prospecting cost over the period"},
    "margin": {"fr": "la marge brute des clients signés", "en": "the gross margin of the "
               "clients won"},
    "revenue": {"fr": "le chiffre d'affaires des clients signés",
                "en": "the revenue of the clients won"},
    "roi": {"fr": "(marge − coût) / coût : ce que rapporte chaque euro investi, net",
            "en": "(margin − cost) / cost: what each euro spent brought back, net"},
    "clients": {"fr": "les nouveaux clients signés", "en": "new clients won"},
    "cac": {"fr": "coût / clients : ce qu'a coûté chaque client gagné",
            "en": "cost / clients: what each client won cost"},
    "cost_per_lead": {"fr": "coût / leads : le prix d'un prospect intéressé",
                      "en": "cost / leads: the price of one interested prospect"},
    "cost_per_opportunity": {"fr": "coût / opportunités : le prix d'une affaire ouverte",
                             "en": "cost / opportunities: the price of one open deal"},
    "win_rate": {"fr": "clients / opportunités : la part des affaires signées",
                 "en": "clients / opportunities: the share of deals won"},
    "net_margin_per_client": {"fr": "marge par client − coût d'acquisition",
                              "en": "margin per client − acquisition cost"},
}


def _t(key: str, lang: str) -> str:
    return _TEXT[key]["fr" if lang == "fr" else "en"]


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _fig(name: str, text: str, tag: str = "span", cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return f'<{tag} data-figure="{_e(name)}"{klass}>{_e(text)}</{tag}>'


def _month_name(month: str, lang: str) -> str:
    return format_date(pd.Timestamp(month).date(), "MMMM y", locale=LOCALES[lang])


def _period_text(figures: ReportFigures) -> str:
    lang = figures.params.lang
    period = figures.params.period
    if period is None:
        if figures.months is None:
            return _t("all", lang)
        period = figures.months
        prefix = _t("all", lang) + " : " if lang == "fr" else _t("all", lang) + ": "
    else:
        prefix = ""
    first, last = (_month_name(m, lang) for m in period)
    return prefix + (first if first == last else f"{first} – {last}")


# --- charts -----------------------------------------------------------------------------


def _fix_width(spec: object, width: int) -> object:
    if isinstance(spec, dict):
        return {k: (width if k == "width" and v == "container" else _fix_width(v, width))
                for k, v in spec.items()}
    if isinstance(spec, list):
        return [_fix_width(v, width) for v in spec]
    return spec


def chart_svg(chart: alt.TopLevelMixin, width: int = 640, lang: str = "fr") -> str:
    """An altair chart as inline SVG markup, drawn offline by vl-convert.

    A ``width="container"`` becomes ``width`` pixels (there is no container in a file).
    Numbers and dates on axes follow ``lang`` ("1 234,5" in French). vl-convert may load
    nothing from any URL (``allowed_base_urls=[]``): the data travel inside the spec.
    The SVG namespace declarations are dropped: HTML5 gives inline ``<svg>`` its
    namespace, and the page then holds no ``http`` reference at all.
    """
    import vl_convert as vlc

    spec = _fix_width(chart.to_dict(), width)
    locale = LOCALES[lang].replace("_", "-")
    svg = vlc.vegalite_to_svg(spec, allowed_base_urls=[], format_locale=locale,
                              time_format_locale=locale)
    svg = re.sub(r'\s+xmlns(:xlink)?="[^"]*"', "", svg, count=2)
    return svg.replace("xlink:href", "href")


def _figure_block(name: str, svg: str, caption: str) -> str:
    return (f'<figure data-chart="{_e(name)}">{svg}<figcaption>{_e(caption)}</figcaption>'
            "</figure>")


# --- sections ---------------------------------------------------------------------------


def title_html(figures: ReportFigures) -> str:
    """Title, what the report is for, and the period."""
    lang = figures.params.lang
    return (f"<header><h1>{_e(_t('title', lang))}</h1>"
            f"<p class='period'>{_e(_t('period', lang))} : "
            f"{_fig('period', _period_text(figures), 'strong')}</p>"
            f"<p>{_e(_t('intro', lang))}</p></header>")


def headline_html(figures: ReportFigures) -> str:
    """The headline KPIs as cards: value, name, and what it means in one line."""
    lang, total = figures.params.lang, figures.total
    names = [("revenue" if n == "margin" and figures.params.basis == "revenue" else n)
             for n in HEADLINE]
    cards = []
    for name in names:
        value = _fig("total." + name, kpi_value(name, total[name], lang), "div", "value")
        cards.append(
            f"<div class='card'>{value}"
            f"<div class='name'>{_e(label(name, lang))}</div>"
            f"<div class='explain'>{_e(_EXPLAIN[name]['fr' if lang == 'fr' else 'en'])}</div>"
            "</div>")
    roi = total["roi"]
    if figures.months is None and figures.params.period is not None:
        empty = ("Aucune donnée datée dans cette période : les chiffres ci-dessous ne sont "
                 "pas définis." if lang == "fr" else
                 "No dated data in this period: the figures below are not defined.")
        summary = f"<p class='lead'>{_fig('total.empty', empty)}</p>"
    elif pd.notna(roi):
        back = kpi_value("margin_per_client", 1 + roi, lang)
        gain = label("margin" if figures.params.basis == "margin" else "revenue", lang).lower()
        sentence = (f"Sur la période, chaque euro dépensé en prospection a rapporté {back} de "
                    f"{gain}." if lang == "fr" else
                    f"Over the period, each euro spent on prospecting brought back {back} of "
                    f"{gain}.")
        summary = f"<p class='lead'>{_fig('total.sentence', sentence)}</p>"
    else:
        summary = ""
    return (f"<section><h2>{_e(_t('headline', lang))}</h2>{summary}"
            f"<div class='cards'>{''.join(cards)}</div></section>")


def channel_table_html(figures: ReportFigures) -> str:
    """One row per channel, the main KPIs as columns, the total as the last row."""
    lang = figures.params.lang
    head = "".join(f"<th>{_e(label(c, lang))}</th>" for c in ["channel", *CHANNEL_COLUMNS])
    rows = []
    table = figures.by_channel
    for _, row in table.iterrows():
        channel = str(row["channel"])
        cells = "".join(f"<td>{_fig(f'channel.{channel}.{c}', kpi_value(c, row[c], lang))}</td>"
                        for c in CHANNEL_COLUMNS)
        rows.append(f"<tr><th scope='row'>{_e(group_label(channel, lang))}</th>{cells}</tr>")
    total = figures.total
    cells = "".join(f"<td>{_fig(f'channel.total.{c}', kpi_value(c, total[c], lang))}</td>"
                    for c in CHANNEL_COLUMNS)
    rows.append(f"<tr class='total'><th scope='row'>{_e(label('total', lang))}</th>{cells}</tr>")
    return (f"<section><h2>{_e(_t('channels', lang))}</h2><p>{_e(_t('channels_intro', lang))}"
            f"</p><div class='scroll'><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div></section>")


def funnel_html(figures: ReportFigures) -> str:
    """The funnel chart of the period, with its stage-to-stage rates in words."""
    lang = figures.params.lang
    data = charts.funnel_data(figures.total, lang)
    body = (_figure_block("funnel", chart_svg(charts.funnel_chart(data, lang), lang=lang),
                          _t("funnel_intro", lang))
            if len(data) else f"<p>{_e(_t('no_chart', lang))}</p>")
    return f"<section><h2>{_e(_t('funnel', lang))}</h2>{body}</section>"


def roi_html(figures: ReportFigures) -> str:
    """ROI per channel (bars) and per month (bars with the 0 % line)."""
    lang = figures.params.lang
    parts = [f"<p>{_e(_t('roi_intro', lang))}</p>"]
    by_channel = figures.by_channel.dropna(subset=["roi"])
    if len(by_channel):
        svg = chart_svg(charts.roi_by_channel_chart(by_channel, lang), lang=lang)
        caption = f"{label('roi', lang)} · {label('channel', lang)}"
        parts.append(_figure_block("roi_by_channel", svg, caption))
    by_month = figures.by_month.dropna(subset=["roi", "month"])
    if len(by_month):
        svg = chart_svg(charts.roi_by_month_chart(by_month, lang), lang=lang)
        caption = f"{label('roi', lang)} · {label('month', lang)}"
        parts.append(_figure_block("roi_by_month", svg, caption))
    if len(parts) == 1:
        parts.append(f"<p>{_e(_t('no_chart', lang))}</p>")
    return f"<section><h2>{_e(_t('roi', lang))}</h2>{''.join(parts)}</section>"


def assumptions_html(figures: ReportFigures) -> str:
    """The cost model and the ROI basis, in words."""
    p, lang = figures.params, figures.params.lang
    total = figures.total
    direct = kpi_value("cost", total["cost_direct"], lang)
    indirect = kpi_value("cost", total["cost_indirect"], lang)
    if lang == "fr":
        items = [
            "Le coût d'une campagne est la somme de ses lignes de coût ; le temps passé est "
            "compté en heures × taux horaire chargé.",
            f"Coûts directs : {direct}. Coûts indirects : {indirect}, "
            + ("inclus dans le coût et le ROI." if p.include_indirect
               else "laissés hors du coût et du ROI."),
            "Le ROI compare le coût à la "
            + ("marge brute (chiffre d'affaires × taux de marge)." if p.basis == "margin"
               else "chiffre d'affaires (et non à la marge)."),
            "Un ratio d'un groupe est un ratio de sommes, jamais une moyenne de ratios ; une "
            "donnée non saisie n'est pas comptée comme zéro.",
            "Les lignes sans campagne connue forment le groupe « (non attribué) » : elles "
            "restent dans les totaux.",
        ]
        if figures.shared_cost:
            items.append(
                f"Coûts sans campagne : {kpi_value('cost', figures.shared_cost, lang)}, "
                "comptés dans le total, son ROI, son CAC, ses coûts par lead et par "
                f"opportunité ; par canal, {allocation_label(p.allocate_shared, lang)}.")
        if figures.data.funnel_source == "derived":
            items.append("Les volumes de l'entonnoir sont calculés à partir des affaires et "
                         "des activités.")
    else:
        items = [
            "A campaign's cost is the sum of its cost lines; time spent counts as hours × "
            "loaded hourly rate.",
            f"Direct costs: {direct}. Indirect costs: {indirect}, "
            + ("included in the cost and the ROI." if p.include_indirect
               else "left out of the cost and the ROI."),
            "ROI compares the cost with the "
            + ("gross margin (revenue × margin rate)." if p.basis == "margin"
               else "revenue (not the margin)."),
            "A group's ratio is a ratio of sums, never a mean of ratios; a figure not "
            "recorded is not counted as zero.",
            f"Lines without a known campaign form the group \"{UNASSIGNED}\": they stay in "
            "the totals.",
        ]
        if figures.shared_cost:
            items.append(
                f"Costs of no campaign: {kpi_value('cost', figures.shared_cost, lang)}, "
                "counted in the total, its ROI, CAC, cost per lead and per opportunity; per "
                f"channel, {allocation_label(p.allocate_shared, lang)}.")
        if figures.data.funnel_source == "derived":
            items.append("The funnel volumes are derived from the deals and activities.")
    flags = (f"<span data-figure='assumption.indirect' hidden>{int(p.include_indirect)}</span>"
             f"<span data-figure='assumption.basis' hidden>{_e(p.basis)}</span>")
    if figures.shared_cost:  # the setting is named where it changes a figure
        flags += (f"<span data-figure='assumption.allocate_shared' hidden>"
                  f"{_e(p.allocate_shared)}</span>")
    lis = "".join(f"<li>{_e(i)}</li>" for i in items)
    return f"<section><h2>{_e(_t('assumptions', lang))}</h2><ul>{lis}</ul>{flags}</section>"


def quality_facts(data: Dataset) -> dict[str, object]:
    """What the dataset itself says about its completeness (before ``roi_core.quality``).

    Rows per sheet, cost or funnel lines without a known campaign, campaigns without any
    cost line, campaigns without any funnel row.
    """
    known = set(data.campaigns["campaign_id"])
    with_costs = set(data.costs["campaign_id"].dropna())
    with_funnel = set(data.funnel["campaign_id"].dropna())
    names = data.campaigns.set_index("campaign_id")["campaign"]
    facts = build_facts(data)
    return {
        "undated": sorted(str(c) for c in facts.loc[facts["month"].isna(), "campaign"].unique()),
        "rows": {s: len(getattr(data, s)) for s in ("campaigns", "costs", "funnel", "deals",
                                                     "touchpoints", "activities")},
        "unassigned_costs": int((~data.costs["campaign_id"].isin(known)).sum()),
        "unassigned_cost_amount": float(
            data.costs.loc[~data.costs["campaign_id"].isin(known), "amount"].sum()),
        "unassigned_funnel": int((~data.funnel["campaign_id"].isin(known)).sum()),
        "without_costs": [str(names[c]) for c in data.campaigns["campaign_id"]
                          if c not in with_costs],
        "without_funnel": [str(names[c]) for c in data.campaigns["campaign_id"]
                           if c not in with_funnel],
    }


def _rows_text(rows: tuple[int, ...], lang: str) -> str:
    shown = ", ".join(str(r) for r in rows[:8]) + (" …" if len(rows) > 8 else "")
    return ("ligne " if lang == "fr" else "row ") + shown if len(rows) == 1 else (
        ("lignes " if lang == "fr" else "rows ") + shown)


def _quality_items(data: Dataset, lang: str,
                   period: tuple[str, str] | None = None) -> list[tuple[str, str]]:
    """(figure name, sentence) pairs for the data-quality section.

    What the Dataset itself tells (rows read, unassigned lines, campaigns without costs or
    volumes), then the audit's verdict and each of its findings (``roi_core.quality``):
    the report only builds on data without errors, so these are warnings and notes.
    """
    q = quality_facts(data)
    fr = lang == "fr"
    rows = q["rows"]
    colon = " : " if fr else ": "
    sheets = ", ".join(f"{data.sheet_label(s)}{colon}{n}" for s, n in rows.items() if n)
    items = [("quality.rows", (f"Lignes lues par feuille — {sheets}." if fr
                               else f"Rows read per sheet — {sheets}."))]
    if q["unassigned_costs"]:
        amount = kpi_value("cost", q["unassigned_cost_amount"], lang)
        items.append(("quality.unassigned_costs", (
            f"{q['unassigned_costs']} ligne(s) de coût sans campagne connue ({amount}) : "
            f"comptées dans le groupe « {UNASSIGNED} »." if fr else
            f"{q['unassigned_costs']} cost line(s) without a known campaign ({amount}): "
            f"counted in the \"{UNASSIGNED}\" group.")))
    if q["unassigned_funnel"]:
        items.append(("quality.unassigned_funnel", (
            f"{q['unassigned_funnel']} ligne(s) d'entonnoir sans campagne connue." if fr else
            f"{q['unassigned_funnel']} funnel row(s) without a known campaign.")))
    if q["without_costs"]:
        names = ", ".join(q["without_costs"])
        items.append(("quality.without_costs", (
            f"Campagne(s) sans aucun coût saisi (coût non défini) : {names}." if fr else
            f"Campaign(s) with no cost recorded (cost not defined): {names}.")))
    if q["without_funnel"]:
        names = ", ".join(q["without_funnel"])
        items.append(("quality.without_funnel", (
            f"Campagne(s) sans volumes d'entonnoir : {names}." if fr else
            f"Campaign(s) with no funnel volumes: {names}.")))
    if q["undated"] and period is not None:
        names = ", ".join(q["undated"])
        items.append(("quality.undated", (
            f"Sans aucune date, donc hors de la période choisie : {names}." if fr else
            f"Without any date, hence outside the chosen period: {names}.")))
    if len(items) == 1:
        items.append(("quality.ok", "Aucune anomalie de rattachement." if fr
                      else "No line is missing its campaign."))
    findings = audit(data, lang=lang)
    items.append(("quality.badge", quality_badge(findings, lang).text + "."))
    for n, finding in enumerate(findings, start=1):
        where = finding.sheet + (f" ({_rows_text(finding.rows, lang)})" if finding.rows else "")
        items.append((f"quality.finding.{n}", f"{where}{colon}{finding.message} "
                                              f"{finding.action}"))
    return items


def data_quality_html(figures: ReportFigures) -> str:
    """A short data-quality summary (see ``_quality_items`` for the hook)."""
    lang = figures.params.lang
    lis = "".join(f"<li>{_fig(name, text)}</li>"
                  for name, text in _quality_items(figures.data, lang, figures.params.period))
    return f"<section><h2>{_e(_t('quality', lang))}</h2><ul>{lis}</ul></section>"


def footer_html(figures: ReportFigures) -> str:
    """Period, input file name and SHA-256, project version, time made."""
    p, lang = figures.params, figures.params.lang
    made = p.made_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        "<footer><dl>"
        f"<dt>{_e(_t('period', lang))}</dt><dd>{_e(_period_text(figures))}</dd>"
        f"<dt>{_e(_t('file', lang))}</dt><dd>{_fig('footer.file', p.workbook.name)}<br>"
        f"SHA-256 {_fig('footer.sha256', file_sha256(p.workbook), 'code')}</dd>"
        f"<dt>{_e(_t('version', lang))}</dt><dd>{_fig('footer.version', roi_core.__version__)}"
        f"</dd><dt>{_e(_t('made', lang))}</dt><dd>{_fig('footer.made_at', made)}</dd>"
        "</dl></footer>")


# --- the page ---------------------------------------------------------------------------

_CSS = """
body{font-family:"DejaVu Sans",Arial,Helvetica,sans-serif;color:#1d2330;margin:0;
background:#f6f7f9;line-height:1.45}
main{max-width:1120px;margin:0 auto;padding:24px 28px;background:#fff}
h1{font-size:1.7em;margin:.2em 0}h2{font-size:1.25em;margin:1.6em 0 .5em;
border-bottom:2px solid #4c78a8;padding-bottom:.2em}
.period{font-size:1.05em}.lead{font-size:1.1em}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));gap:10px}
.card{border:1px solid #d5dbe5;border-radius:6px;padding:10px 12px}
.card .value{font-size:1.45em;font-weight:bold;color:#2a4d7a}
.card .name{font-weight:bold;font-size:.92em}.card .explain{font-size:.8em;color:#555}
.scroll{overflow-x:auto}table{border-collapse:collapse;font-size:.85em;width:100%}
th,td{padding:4px 7px;border-bottom:1px solid #e2e6ec;text-align:right;white-space:nowrap}
thead th{background:#eef2f7;text-align:center;white-space:normal}
tbody th{text-align:left}tr.total{font-weight:bold;background:#f4f6fa}
figure{margin:10px 0}figure svg{max-width:100%;height:auto}
figcaption{font-size:.8em;color:#555}
footer{margin-top:2em;font-size:.8em;color:#444;border-top:1px solid #ccc;padding-top:.6em}
footer dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px}
footer dd{margin:0}code{word-break:break-all}
@media print{body{background:#fff}main{padding:0}}
"""


def assemble_page(sections: list[str], lang: str, title: str) -> str:
    """One HTML page: the sections in order, inline CSS, no script, no external reference."""
    body = "\n".join(sections)
    return (f'<!DOCTYPE html>\n<html lang="{_e(lang)}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_e(title)}</title><style>{_CSS}</style></head>"
            f"<body><main>\n{body}\n</main></body></html>\n")


def _load_notebook(path: Path) -> object:
    spec = importlib.util.spec_from_file_location("roi_report_notebook", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.app


def build_report(params: ReportParams, notebook: Path = NOTEBOOK) -> str:
    """Run the report notebook headless with ``params`` and return the one-file HTML page.

    Each cell's output that is HTML (``mo.Html``) becomes a block of the page, in the
    notebook's order; a failing cell raises its exception.
    """
    app = _load_notebook(notebook)
    outputs, _ = app.run(defs={"report_params": params})  # type: ignore[attr-defined]
    sections = [out.text for out in outputs if hasattr(out, "text") and out.text]
    title = f"{_t('title', params.lang)} — {params.workbook.name}"
    return assemble_page(sections, params.lang, title)


# --- reading a report back (tests, checks) ----------------------------------------------


class _Figures(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, str] = {}
        self._stack: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        name = dict(attrs).get("data-figure")
        self._stack.append((tag, name or ""))
        if name:
            self.found[name] = ""

    def handle_endtag(self, tag: str) -> None:
        while self._stack:
            open_tag, _ = self._stack.pop()
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        for _, name in self._stack:
            if name:
                self.found[name] += data


def extract_figures(page: str) -> dict[str, str]:
    """{figure name: text shown} for every ``data-figure`` element of a report page.

    >>> extract_figures('<p><span data-figure="total.roi">144,4 %</span></p>')
    {'total.roi': '144,4 %'}
    """
    parser = _Figures()
    parser.feed(page)
    return parser.found
