"""What the meeting app shows: its words in French and English, KPI cards, display tables.

Present only: every number here comes from ``roi_core.kpis`` / ``roi_core.scenario`` and is
formatted by ``roi_core.formatting``; nothing is computed beyond a difference for a delta.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

import pandas as pd

from roi_core.formatting import KIND, kpi_value, label, number, percent
from roi_core.scenario import COST_ITEMS, SCALAR_LEVERS, Levers, lever_label
from roi_core.shared import allocation_label, group_label

__all__ = [
    "TEXT",
    "source_line_html",
    "CARD_KPIS",
    "TABLE_KPIS",
    "text",
    "kpi_cards",
    "kpi_view",
    "break_even_view",
    "table_html",
    "cards_html",
    "shared_note_html",
    "message_html",
    "LEVER_RANGES",
    "lever_panel",
    "lever_values",
    "month_labels",
    "series_names",
]

TEXT: dict[str, tuple[str, str]] = {
    "title": ("Rentabilité de la prospection", "Prospecting ROI"),
    "subtitle": ("Quel canal gagne vraiment de l'argent ? Coûts complets, marge, scénarios.",
                 "Which channel really earns its money? Full costs, margin, scenarios."),
    "data": ("Données", "Data"),
    "source": ("Fichier affiché", "File shown"),
    "campaigns_months": ("{campaigns} campagnes, {months} mois",
                         "{campaigns} campaigns, {months} months"),
    "upload": ("Charger un classeur (.xlsx) ou un CSV", "Load a workbook (.xlsx) or a CSV"),
    "load_error": ("Ce fichier n'a pas pu être chargé ; les chiffres affichés restent ceux de "
                   "« {name} ».", "This file could not be loaded; the figures shown are still "
                   "those of “{name}”."),
    "load_error_unknown": ("le fichier n'est pas lisible (format inattendu).",
                           "the file cannot be read (unexpected format)."),
    "no_data": ("Aucune donnée chargée : chargez un classeur.", "No data loaded: load a workbook."),
    "empty_filter": ("Aucune ligne ne correspond aux filtres choisis.",
                     "No row matches the chosen filters."),
    "filters": ("Filtres", "Filters"),
    "from": ("Du mois", "From"),
    "to": ("au mois", "to"),
    "all": ("Tous", "All"),
    "indirect": ("Inclure les coûts indirects", "Include indirect costs"),
    "basis": ("ROI calculé sur", "ROI computed on"),
    "basis_margin": ("la marge", "margin"),
    "basis_revenue": ("le chiffre d'affaires", "revenue"),
    "language": ("Langue", "Language"),
    "scenario": ("Scénario", "Scenario"),
    "baseline": ("Référence", "Baseline"),
    "levers": ("Leviers (1 = comme dans les données)", "Levers (1 = as in the data)"),
    "levers_funnel": ("Volume et conversion", "Volume and conversion"),
    "levers_channel_cost": ("Coûts par canal", "Cost per channel"),
    "levers_channel_volume": ("Volume par canal", "Volume per channel"),
    "levers_items": ("Coûts par poste", "Cost per item"),
    "reset": ("Revenir à la référence", "Reset to baseline"),
    "save": ("Enregistrer le scénario (.json)", "Save the scenario (.json)"),
    "load_scenario": ("Ouvrir un scénario (.json)", "Open a scenario (.json)"),
    "scenario_error": ("Scénario non chargé", "Scenario not loaded"),
    "share": ("Le lien de cette page contient le scénario : copiez-le pour le partager.",
              "This page's link holds the scenario: copy it to share it."),
    "export": ("Exporter les KPI et le scénario (.xlsx)",
               "Export the KPIs and the scenario (.xlsx)"),
    "headline": ("Chiffres clés", "Headline figures"),
    "funnel": ("Entonnoir", "Funnel"),
    "channels": ("Comparaison des canaux", "Channel comparison"),
    "efficiency": ("Coût par opportunité et marge par client (taille = budget)",
                   "Cost per opportunity vs margin per client (size = budget)"),
    "roi_month": ("ROI par mois", "ROI by month"),
    "tornado": ("Sensibilité du ROI (chaque levier à ±10 %)",
                "ROI sensitivity (each lever ±10 %)"),
    "break_even": ("Points morts (ROI = 0), les autres leviers inchangés",
                   "Break-even points (ROI = 0), other levers held"),
    "kpi_table": ("KPI par canal", "KPIs per channel"),
    "lever": ("Levier", "Lever"),
    "multiplier_now": ("Multiplicateur actuel", "Current multiplier"),
    "multiplier_be": ("Multiplicateur au point mort", "Break-even multiplier"),
    "value_now": ("Valeur actuelle", "Current value"),
    "value_be": ("Valeur au point mort", "Break-even value"),
    "quality": ("Qualité des données", "Data quality"),
    "delta_vs": ("{delta} vs référence", "{delta} vs baseline"),
    "allocate": ("Coûts sans campagne (par canal)", "Costs of no campaign (per channel)"),
    "allocate_none": ("à part", "kept apart"),
    "allocate_cost": ("au prorata des coûts directs", "pro rata of direct cost"),
    "allocate_contacts": ("au prorata des contacts", "pro rata of contacts"),
    "shared_note": ("{amount} de coûts sans campagne, comptés dans le total ; par canal : {how}.",
                    "{amount} of cost belongs to no campaign, counted in the total; per "
                    "channel: {how}."),
}

CARD_KPIS = ["cost", "leads", "opportunities", "clients", "cost_per_lead",
             "cost_per_opportunity", "cac", "margin", "roi"]
TABLE_KPIS = ["cost", "contacts", "leads", "opportunities", "clients", "cost_per_lead",
              "cost_per_opportunity", "cac", "margin_per_client", "net_margin_per_client",
              "margin", "roi", "win_rate", "break_even_win_rate"]


def text(key: str, lang: str = "fr", **values: object) -> str:
    """The app's words for ``key`` in ``lang``, with ``{placeholders}`` filled.

    >>> text("campaigns_months", "en", campaigns=3, months=2)
    '3 campaigns, 2 months'
    """
    pair = TEXT[key]
    words = pair[0] if lang == "fr" else pair[1]
    return words.format(**values) if values else words


def series_names(lang: str = "fr") -> tuple[str, str]:
    """The names of the two series on the charts: (baseline, scenario)."""
    return text("baseline", lang), text("scenario", lang)


def _undefined(value: object) -> bool:
    try:
        return value is None or math.isnan(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def _delta(name: str, base: object, scen: object, lang: str, currency: str) -> str | None:
    if _undefined(base) or _undefined(scen):
        return None
    diff = float(scen) - float(base)  # type: ignore[arg-type]
    if abs(diff) < 1e-9 * max(1.0, abs(float(base))):  # type: ignore[arg-type]
        return None
    sign = "+" if diff > 0 else ""
    if KIND.get(name) == "percent":
        points = number(diff * 100, lang, decimals=1)
        shown = f"{sign}{points} pt" if lang == "fr" else f"{sign}{points} pts"
    else:
        shown = sign + kpi_value(name, diff, lang, currency)
    if float(base) != 0:  # type: ignore[arg-type]
        rel = diff / abs(float(base))  # type: ignore[arg-type]
        shown += f" ({'+' if rel > 0 else ''}{percent(rel, lang, decimals=1)})"
    return text("delta_vs", lang, delta=shown)


def kpi_cards(baseline: pd.Series, scenario: pd.Series | None = None,
              names: Sequence[str] = CARD_KPIS, lang: str = "fr",
              currency: str = "EUR") -> list[dict[str, object]]:
    """One card per KPI: label, the scenario's value (else the baseline's), and the delta.

    ``direction`` is "increase"/"decrease" when the scenario moves the KPI, else None;
    ``target_direction`` says which way is good (down for costs).

    >>> cards = kpi_cards(pd.Series({"roi": 2.0}), pd.Series({"roi": 1.5}), ["roi"], "en")
    >>> cards[0]["value"], cards[0]["delta"], cards[0]["direction"]
    ('150.0%', '-50.0 pts (-25.0%) vs baseline', 'decrease')
    """
    shown = scenario if scenario is not None else baseline
    cards = []
    for name in names:
        value = shown.get(name)
        delta = None if scenario is None else _delta(name, baseline.get(name), value, lang,
                                                     currency)
        direction = None
        if delta is not None:
            direction = "increase" if float(value) > float(baseline.get(name)) else "decrease"
        cheaper_is_better = name == "cost" or name.startswith("cost_per") or name == "cac"
        cards.append({"name": name, "label": label(name, lang),
                      "value": kpi_value(name, value, lang, currency), "delta": delta,
                      "direction": direction,
                      "target_direction": "decrease" if cheaper_is_better else "increase"})
    return cards


def kpi_view(kpis: pd.DataFrame, by: str = "channel", names: Sequence[str] = TABLE_KPIS,
             lang: str = "fr", currency: str = "EUR") -> pd.DataFrame:
    """A KPI table as people read it: labelled headers, every figure formatted as text.

    >>> k = pd.DataFrame({"channel": ["Emailing"], "cac": [800.0], "roi": [2.0]})
    >>> kpi_view(k, "channel", ["cac", "roi"], "en").values.tolist()
    [['Emailing', '€800.00', '200.0%']]
    """
    columns = {label(by, lang): [group_label(v, lang) for v in kpis[by].astype(str)]}
    for name in names:
        columns[label(name, lang)] = [kpi_value(name, v, lang, currency)
                                      for v in kpis[name].tolist()]
    return pd.DataFrame(columns)


_BE_UNITS = {"contacts": "contacts", "win_rate": "win_rate",
             "revenue_per_client": "revenue_per_client", "margin_rate": "win_rate"}


def break_even_view(table: pd.DataFrame, lang: str = "fr", currency: str = "EUR") -> pd.DataFrame:
    """``roi_core.scenario.break_even`` for people: lever label, multipliers and values.

    >>> be = pd.DataFrame({"lever": ["win_rate"], "current": [1.0], "break_even": [1 / 3],
    ...                    "value_now": [1 / 3], "value_at_break_even": [1 / 9]})
    >>> break_even_view(be, "en").values.tolist()
    [['Win rate', '×1.00', '×0.33', '33.3%', '11.1%']]
    """
    rows = []
    for r in table.to_dict("records"):
        unit = _BE_UNITS.get(r["lever"])
        rows.append({
            text("lever", lang): lever_label(r["lever"], lang),
            text("multiplier_now", lang): "×" + number(r["current"], lang, decimals=2),
            text("multiplier_be", lang): "×" + number(r["break_even"], lang, decimals=2)
            if not _undefined(r["break_even"]) else "—",
            text("value_now", lang): kpi_value(unit, r["value_now"], lang, currency)
            if unit else "—",
            text("value_be", lang): kpi_value(unit, r["value_at_break_even"], lang, currency)
            if unit else "—",
        })
    return pd.DataFrame(rows)


def cards_html(cards: Sequence[dict[str, object]]) -> str:
    """The KPI cards (``kpi_cards``) as HTML, every text escaped: one ``div.roi-card`` per
    card, its ``data-kpi``, ``data-label``, ``data-value`` and ``data-caption`` naming what
    it shows; ``data-good`` says whether the scenario moves the KPI the right way.

    >>> cards = kpi_cards(pd.Series({"roi": 2.0}), pd.Series({"roi": 1.5}), ["roi"], "en")
    >>> html_text = cards_html(cards)
    >>> 'data-kpi="roi"' in html_text, 'data-value="150.0%"' in html_text
    (True, True)
    >>> 'data-good="false"' in html_text, "▼" in html_text
    (True, True)
    """
    def attr(value: object) -> str:
        return html.escape("" if value is None else str(value), quote=True)

    parts = []
    for card in cards:
        direction, delta = card.get("direction"), card.get("delta")
        good = ("" if direction is None else
                ' data-good="true"' if direction == card.get("target_direction")
                else ' data-good="false"')
        arrow = {"increase": "▲ ", "decrease": "▼ "}.get(str(direction), "")
        caption = (f'<div class="roi-card-caption">{attr(arrow)}{attr(delta)}</div>'
                   if delta else "")
        parts.append(
            f'<div class="roi-card" data-kpi="{attr(card["name"])}" '
            f'data-label="{attr(card["label"])}" data-value="{attr(card["value"])}" '
            f'data-caption="{attr(delta)}"{good}>'
            f'<div class="roi-card-label">{attr(card["label"])}</div>'
            f'<div class="roi-card-value">{attr(card["value"])}</div>{caption}</div>')
    return f'<div class="roi-cards">{"".join(parts)}</div>'


def table_html(frame: pd.DataFrame) -> str:
    """A display table (``kpi_view``, ``break_even_view``) as an HTML table, every header and
    cell escaped (names come from the user's workbook): ``<table class="roi-table">``.

    >>> table_html(pd.DataFrame({"Canal": ["<b>A&B</b>"], "ROI": ["200,0 %"]})).split("<tbody>")[1]
    '<tr><td>&lt;b&gt;A&amp;B&lt;/b&gt;</td><td>200,0 %</td></tr></tbody></table>'
    """
    def cells(tag: str, values: Sequence[object]) -> str:
        return "".join(f"<{tag}>{html.escape(str(v))}</{tag}>" for v in values)

    body = "".join(f"<tr>{cells('td', row)}</tr>"
                   for row in frame.to_numpy(dtype=object).tolist())
    return (f'<table class="roi-table"><thead><tr>{cells("th", list(frame.columns))}</tr>'
            f"</thead><tbody>{body}</tbody></table>")


def source_line_html(source: str, lang: str, **counts: object) -> str:
    """The "Fichier affiché" line: the file's name shown as text, never as markdown.

    A name is the viewer's text: a backtick, an asterisk or a tag in it stays as typed.

    >>> print(source_line_html("a`b<i>.xlsx", "en"))
    <span class="roi-source"><b>File shown</b>: <code>a`b&lt;i&gt;.xlsx</code></span>
    """
    detail = text("campaigns_months", lang, **counts) if counts else ""
    sep = " : " if lang == "fr" else ": "
    return (f'<span class="roi-source"><b>{html.escape(text("source", lang))}</b>{sep}'
            f"<code>{html.escape(source)}</code>"
            + (f" — {html.escape(detail)}" if detail else "") + "</span>")


def message_html(message: str, kind: str = "danger") -> str:
    """A message box (escaped) for a live block that cannot show its figures.

    >>> message_html("<b>x</b>")
    '<div class="roi-message" data-kind="danger">&lt;b&gt;x&lt;/b&gt;</div>'
    """
    return (f'<div class="roi-message" data-kind="{html.escape(kind, quote=True)}">'
            f"{html.escape(message)}</div>")


# The bounds of each kind of lever's slider (multipliers; DOMAIN.md: 1 = as in the data).
LEVER_RANGES: dict[str, tuple[float, float]] = {
    "contacts": (0.0, 3.0), "lead_rate": (0.25, 3.0), "opportunity_rate": (0.25, 3.0),
    "win_rate": (0.25, 3.0), "revenue_per_client": (0.5, 2.0), "margin_rate": (0.5, 1.5),
    "hourly_rate": (0.5, 2.0), "cost": (0.0, 2.0), "volume": (0.0, 3.0), "item": (0.0, 2.0),
}
LEVER_STEP = 0.05


def lever_panel(channels: Sequence[str], lang: str = "fr") -> list[dict[str, object]]:
    """The scenario's sliders in groups (``roi_core.app.widgets.LiveLevers``): the funnel and volume
    levers, each channel's costs, each channel's volume, each cost item.

    >>> groups = lever_panel(["Emailing"], "en")
    >>> [g["title"] for g in groups]
    ['Volume and conversion', 'Cost per channel', 'Volume per channel', 'Cost per item']
    >>> groups[1]["levers"][0] == {"key": "cost.Emailing", "label": "Emailing", "min": 0.0,
    ...                            "max": 2.0, "step": 0.05}
    True
    """
    def slider(key: str, caption: str) -> dict[str, object]:
        low, high = LEVER_RANGES[key.partition(".")[0]]
        return {"key": key, "label": caption, "min": low, "max": high, "step": LEVER_STEP}

    return [
        {"title": text("levers_funnel", lang),
         "levers": [slider(k, lever_label(k, lang)) for k in SCALAR_LEVERS]},
        {"title": text("levers_channel_cost", lang),
         "levers": [slider(f"cost.{c}", c) for c in channels]},
        {"title": text("levers_channel_volume", lang),
         "levers": [slider(f"volume.{c}", c) for c in channels]},
        {"title": text("levers_items", lang),
         "levers": [slider(f"item.{i}", lever_label(f"item.{i}", lang)) for i in COST_ITEMS]},
    ]


def lever_values(levers: Levers, panel: Sequence[dict[str, object]]) -> dict[str, float]:
    """Every slider's value for ``levers`` (1 where a lever is not moved), kept within its
    slider's bounds.

    >>> panel = lever_panel(["Emailing"])
    >>> values = lever_values(Levers(win_rate=9.0, channel_cost={"Emailing": 0.7}), panel)
    >>> values["win_rate"], values["cost.Emailing"], values["volume.Emailing"]
    (3.0, 0.7, 1.0)
    """
    flat = levers.flat()
    return {str(s["key"]): min(max(flat.get(str(s["key"]), 1.0), float(s["min"])),
                               float(s["max"]))
            for group in panel for s in group["levers"]}


def month_labels(facts: pd.DataFrame) -> list[str]:
    """The distinct months of a fact table as "YYYY-MM", in order.

    >>> month_labels(pd.DataFrame({"month": pd.to_datetime(["2026-02-01", "2026-01-01",
    ...                                                      None])}))
    ['2026-01', '2026-02']
    """
    months = pd.to_datetime(facts["month"]).dropna().drop_duplicates().sort_values()
    return [m.strftime("%Y-%m") for m in months]


def shared_note_html(amount: float, method: str, lang: str = "fr",
                     currency: str = "EUR") -> str:
    """The line under the KPI cards that says how much cost belongs to no campaign and where
    the channel figures put it (``roi_core.shared``); empty when there is none.

    >>> shared_note_html(50000, "cost", "en")
    '<p class="roi-shared-note" data-allocate-shared="cost">€50,000 of cost belongs to no \
campaign, counted in the total; per channel: allocated pro rata of direct cost.</p>'
    >>> shared_note_html(0.0, "cost")
    ''
    """
    if not amount or _undefined(amount):
        return ""
    words = text("shared_note", lang, amount=kpi_value("cost", amount, lang, currency),
                 how=allocation_label(method, lang))
    return (f'<p class="roi-shared-note" data-allocate-shared="{html.escape(method)}">'
            f"{html.escape(words)}</p>")
