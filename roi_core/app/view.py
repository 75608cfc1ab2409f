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
    "channels_of",
    "series_names",
    "SCOREBOARD_KPIS",
    "EVEN_BAND",
    "verdict",
    "scoreboard_html",
    "channel_break_even_view",
    "VIEW_QUERY_NAMES",
    "view_query",
    "read_view",
    "lever_notices",
    "chips_html",
    "notices_html",
    "scenario_document",
    "document_view",
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
    "clear_filters": ("Effacer les filtres canal, segment et équipe",
                      "Clear the channel, segment and team filters"),
    "load_error_none": ("Le classeur n'a pas pu être chargé ; chargez-en un autre.",
                        "The workbook could not be loaded; load another one."),
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
    "break_even": ("Points morts du total, tous canaux (ROI total = 0), les autres leviers "
                   "inchangés", "Break-even points of the total, all channels (total ROI = 0), "
                   "other levers held"),
    "break_even_channel": ("Point mort de chaque canal (ROI du canal = 0)",
                           "Each channel's break-even (the channel's ROI = 0)"),
    "be_channel_roi": ("ROI du canal", "Channel's ROI"),
    "be_channel_cost": ("Coût du canal", "Channel's cost"),
    "be_channel_cost_at": ("Coût maximal du canal (ROI du canal = 0)",
                           "Channel's highest cost (channel's ROI = 0)"),
    "be_channel_win": ("Taux de signature du canal", "Channel's win rate"),
    "be_channel_win_at": ("Taux de signature du canal au point mort",
                          "Channel's break-even win rate"),
    "scoreboard": ("Tableau de bord des canaux (du meilleur ROI au moins bon)",
                   "Channel scoreboard (best ROI first)"),
    "scoreboard_ref": ("en petit : la référence", "small print: the baseline"),
    "ref_short": ("réf.", "base"),
    "verdict": ("Verdict", "Verdict"),
    "verdict_win": ("gagne", "earns"),
    "verdict_even": ("à l'équilibre", "breaks even"),
    "verdict_lose": ("perd", "loses"),
    "verdict_none": ("non défini", "not defined"),
    "verdict_help": ("gagne : ROI au-dessus de +{band} ; à l'équilibre : entre −{band} et "
                     "+{band} ; perd : en dessous de −{band}",
                     "earns: ROI above +{band}; breaks even: between −{band} and +{band}; "
                     "loses: below −{band}"),
    "short_cost": ("Coût", "Cost"),
    "short_clients": ("Clients", "Clients"),
    "short_cac": ("CAC", "CAC"),
    "short_cpo": ("Coût / opportunité", "Cost / opportunity"),
    "short_mpc": ("Marge / client", "Margin / client"),
    "short_nmpc": ("Marge nette / client", "Net margin / client"),
    "chip_period": ("Période : {first} → {last}", "Period: {first} → {last}"),
    "chip_period_one": ("Période : {first}", "Period: {first}"),
    "chip_filter": ("{name} : {values}", "{name}: {values}"),
    "chip_indirect_off": ("coûts indirects exclus", "indirect costs excluded"),
    "chip_indirect_on": ("coûts indirects inclus", "indirect costs included"),
    "chip_revenue": ("ROI sur le chiffre d'affaires", "ROI on revenue"),
    "chip_margin": ("ROI sur la marge", "ROI on margin"),
    "chip_scenario": ("scénario actif", "scenario active"),
    "settings_line": ("Réglages en vigueur", "Settings in force"),
    "notice_title": ("Le lien ou le fichier demandait autre chose", "The link or the file "
                     "asked for something else"),
    "notice_clamped": ("{lever} : {asked} demandé, {applied} appliqué (borne du curseur).",
                       "{lever}: {asked} asked, {applied} applied (the slider's bound)."),
    "notice_missing_lever": ("{lever} : ce classeur n'a pas ce canal, levier ignoré.",
                             "{lever}: this workbook has no such channel, lever ignored."),
    "notice_missing_value": ("{name} « {value} » : absent de ce classeur, filtre ignoré.",
                             "{name} “{value}”: not in this workbook, filter ignored."),
    "notice_bad_value": ("{name} « {value} » : valeur non reconnue, réglage par défaut "
                         "appliqué.", "{name} “{value}”: not recognised, the default "
                         "applies."),
    "notice_address": ("L'adresse de la page dit maintenant ce qui est appliqué.",
                       "The page's address now says what is applied."),
    "kpi_table": ("KPI par canal", "KPIs per channel"),
    "lever": ("Levier", "Lever"),
    "multiplier_now": ("Multiplicateur actuel", "Current multiplier"),
    "multiplier_be": ("Multiplicateur au point mort du total",
                      "Break-even multiplier (total ROI = 0)"),
    "value_now": ("Valeur actuelle", "Current value"),
    "value_be": ("Valeur au point mort du total", "Break-even value (total ROI = 0)"),
    "quality": ("Qualité des données", "Data quality"),
    "delta_vs": ("{delta} vs référence", "{delta} vs baseline"),
    "allocate": ("Coûts sans campagne (par canal)", "Costs of no campaign (per channel)"),
    "allocate_none": ("à part", "kept apart"),
    "allocate_cost": ("au prorata des coûts directs", "pro rata of direct cost"),
    "allocate_contacts": ("au prorata des contacts", "pro rata of contacts"),
    "shared_note": ("{amount} de coûts sans campagne, comptés dans le total ; par canal : {how}.",
                    "{amount} of cost belongs to no campaign, counted in the total; per "
                    "channel: {how}."),
    "period": ("Période", "Period"),
    "indirect_short": ("Coûts indirects", "Indirect costs"),
    "basis_short": ("Base du ROI", "ROI basis"),
    "language_short": ("Langue", "Language"),
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
    cell escaped (names come from the user's workbook): ``<table class="roi-table">`` in a
    box that scrolls sideways when the table is wider than the screen.

    >>> table_html(pd.DataFrame({"Canal": ["<b>A&B</b>"], "ROI": ["200,0 %"]})).split("<tbody>")[1]
    '<tr><td>&lt;b&gt;A&amp;B&lt;/b&gt;</td><td>200,0 %</td></tr></tbody></table></div>'
    """
    def cells(tag: str, values: Sequence[object]) -> str:
        return "".join(f"<{tag}>{html.escape(str(v))}</{tag}>" for v in values)

    body = "".join(f"<tr>{cells('td', row)}</tr>"
                   for row in frame.to_numpy(dtype=object).tolist())
    return (f'<div class="roi-table-wrap"><table class="roi-table"><thead><tr>'
            f'{cells("th", list(frame.columns))}</tr></thead><tbody>{body}</tbody></table>'
            "</div>")


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


def channels_of(facts: pd.DataFrame) -> list[str]:
    """The distinct channels of a fact table, sorted (the levers' and the colours' order).

    >>> channels_of(pd.DataFrame({"channel": ["b", "a", None, "b"]}))
    ['a', 'b']
    """
    return sorted(str(c) for c in facts["channel"].dropna().unique())


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
# --- the channel scoreboard ---------------------------------------------------------------

SCOREBOARD_KPIS = ["cost", "clients", "cac", "cost_per_opportunity", "margin_per_client",
                   "net_margin_per_client", "roi"]
_SHORT = {"cost": "short_cost", "clients": "short_clients", "cac": "short_cac",
          "cost_per_opportunity": "short_cpo", "margin_per_client": "short_mpc",
          "net_margin_per_client": "short_nmpc"}
# A ROI within ±EVEN_BAND of 0 is "at break-even": the figures carry more noise than that.
EVEN_BAND = 0.05
_VERDICT_MARK = {"win": "▲", "even": "●", "lose": "▼", None: "—"}
TOTAL_KEY = "__total__"


def verdict(roi: object, band: float = EVEN_BAND) -> str | None:
    """A group's verdict against break-even (ROI = 0): "win" above +band, "lose" below
    −band, "even" between; None when the ROI is not defined.

    >>> verdict(0.3), verdict(0.02), verdict(-0.4), verdict(float("nan"))
    ('win', 'even', 'lose', None)
    """
    if _undefined(roi):
        return None
    value = float(roi)  # type: ignore[arg-type]
    return "win" if value > band else "lose" if value < -band else "even"


def _verdict_html(kind: str | None, lang: str) -> str:
    word = text(f"verdict_{kind or 'none'}", lang)
    return (f'<span class="roi-verdict" data-verdict="{kind or "none"}">'
            f'{_VERDICT_MARK[kind]} {html.escape(word)}</span>')


def _board_order(frame: pd.DataFrame) -> list[int]:
    """Row positions by ROI, best first; an undefined ROI last; ties by channel name."""
    roi = frame["roi"].to_numpy(dtype=float, na_value=math.nan)
    names = frame["channel"].astype(str).tolist()
    return sorted(range(len(frame)), key=lambda i: (math.isnan(roi[i]),
                                                    -roi[i] if not math.isnan(roi[i]) else 0,
                                                    names[i]))


def scoreboard_html(base_channel: pd.DataFrame, base_total: pd.Series,
                    scen_channel: pd.DataFrame | None = None,
                    scen_total: pd.Series | None = None, *, lang: str = "fr",
                    currency: str = "EUR") -> str:
    """The channel scoreboard: one row per channel, best ROI first, then the total row.

    Columns ``SCOREBOARD_KPIS`` and a verdict (``verdict``: colour, mark and word). With a
    scenario (``scen_channel`` / ``scen_total``, same channels) every cell shows the
    scenario's figure with the baseline's beneath it, and the rows follow the scenario's ROI.
    Each row carries ``data-channel`` (the total ``__total__``), each cell ``data-kpi`` and
    ``data-value`` (the figure shown on top), every text escaped.

    >>> k = pd.DataFrame({"channel": ["a", "b"], "cost": [10.0, 10.0], "clients": [1.0, 2.0],
    ...     "cac": [10.0, 5.0], "cost_per_opportunity": [5.0, 2.5],
    ...     "margin_per_client": [5.0, 20.0], "net_margin_per_client": [-5.0, 15.0],
    ...     "roi": [-0.5, 3.0]})
    >>> board = scoreboard_html(k, pd.Series({"channel": "x", **k.iloc[1].to_dict()}),
    ...                         lang="en")
    >>> board.index('data-channel="b"') < board.index('data-channel="a"')
    True
    >>> 'data-verdict="lose"' in board, "▼ loses" in board
    (True, True)
    """
    active = scen_channel is not None and scen_total is not None
    shown = scen_channel if active else base_channel
    base_by = {str(c): i for i, c in enumerate(base_channel["channel"].astype(str))}

    def cell(name: str, now: object, ref: object | None) -> str:
        value = kpi_value(name, now, lang, currency)
        attr = html.escape(value, quote=True)
        below = ""
        if ref is not None:
            below = (f'<span class="ref">{html.escape(text("ref_short", lang))} '
                     f'{html.escape(kpi_value(name, ref, lang, currency))}</span>')
        return (f'<td data-kpi="{name}" data-value="{attr}"><span class="now">'
                f'{html.escape(value)}</span>{below}</td>')

    def row(key: str, title: str, now: pd.Series, ref: pd.Series | None, tag: str) -> str:
        cells = "".join(cell(n, now.get(n), None if ref is None else ref.get(n))
                        for n in SCOREBOARD_KPIS)
        kind = verdict(now.get("roi"))
        below = ""
        if ref is not None:
            below = (f'<span class="ref">{html.escape(text("ref_short", lang))} '
                     f'{html.escape(text("verdict_" + (verdict(ref.get("roi")) or "none"), lang))}'
                     "</span>")
        return (f'<tr data-channel="{html.escape(key, quote=True)}" data-verdict="'
                f'{kind or "none"}"><{tag} class="name">{html.escape(title)}</{tag}>{cells}'
                f'<td data-kpi="verdict" data-value="{kind or "none"}">'
                f"{_verdict_html(kind, lang)}{below}</td></tr>")

    rows = []
    for i in _board_order(shown):
        now = shown.iloc[i]
        name = str(now["channel"])
        ref = base_channel.iloc[base_by[name]] if active and name in base_by else None
        rows.append(row(name, name, now, ref, "th"))
    total = row(TOTAL_KEY, label("total", lang), scen_total if active else base_total,
                base_total if active else None, "th")
    heads = "".join(
        f'<th data-kpi="{n}" title="{html.escape(label(n, lang), quote=True)}">'
        f'{html.escape(text(_SHORT[n], lang) if n in _SHORT else label(n, lang))}</th>'
        for n in SCOREBOARD_KPIS)
    note = text("verdict_help", lang, band=percent(EVEN_BAND, lang, decimals=0))
    if active:
        note += " · " + text("scoreboard_ref", lang)
    return (f'<div class="roi-board-wrap"><table class="roi-table roi-board" data-active='
            f'"{str(active).lower()}"><thead><tr><th>{html.escape(label("channel", lang))}'
            f'</th>{heads}<th data-kpi="verdict">{html.escape(text("verdict", lang))}</th>'
            f'</tr></thead><tbody>{"".join(rows)}</tbody><tfoot>{total}</tfoot></table>'
            f'<p class="roi-note">{html.escape(note)}</p></div>')


def channel_break_even_view(kpis: pd.DataFrame, lang: str = "fr",
                            currency: str = "EUR") -> pd.DataFrame:
    """Each channel's own break-even (``roi_core.kpis``' ``break_even_cost`` and
    ``break_even_win_rate`` of the channel's row): the cost, and the win rate, at which
    *that channel's* ROI is 0, beside its cost, win rate and ROI now. Not the total's
    (``break_even_view``): the headers say "du canal".

    >>> k = pd.DataFrame({"channel": ["Emailing"], "roi": [-0.5], "cost": [2000.0],
    ...     "break_even_cost": [1000.0], "win_rate": [0.1], "break_even_win_rate": [0.2]})
    >>> channel_break_even_view(k, "en").values.tolist()
    [['Emailing', '-50.0%', '€2,000', '€1,000', '10.0%', '20.0%']]
    """
    return pd.DataFrame({
        label("channel", lang): kpis["channel"].astype(str).tolist(),
        text("be_channel_roi", lang): [kpi_value("roi", v, lang, currency) for v in kpis["roi"]],
        text("be_channel_cost", lang): [kpi_value("cost", v, lang, currency)
                                        for v in kpis["cost"]],
        text("be_channel_cost_at", lang): [kpi_value("break_even_cost", v, lang, currency)
                                           for v in kpis["break_even_cost"]],
        text("be_channel_win", lang): [kpi_value("win_rate", v, lang, currency)
                                       for v in kpis["win_rate"]],
        text("be_channel_win_at", lang): [kpi_value("break_even_win_rate", v, lang, currency)
                                          for v in kpis["break_even_win_rate"]],
    })


# --- the view in the link and the scenario file -------------------------------------------

# The URL query parameters of the view (besides the levers of roi_core.scenario.to_query).
VIEW_QUERY_NAMES = ["period", "channel", "segment", "team", "indirect", "basis", "allocate",
                    "lang"]
FILTERS = ("channel", "segment", "team")
_SEP = "|"  # between the values of a filter: a channel's name may hold a comma


def view_query(settings: dict[str, object], months: Sequence[str] = ()) -> dict[str, str]:
    """The view as URL query parameters: ``period`` (first..last month; left out when it is
    every month of ``months``, the workbook's), the filters (values joined by "|", left out
    when empty), ``indirect`` (1 / 0), ``basis``, ``lang``.

    ``settings``: ``first``, ``last`` ("YYYY-MM"), ``channel``, ``segment``, ``team``
    (lists), ``indirect`` (bool), ``basis``, ``lang``.

    >>> query = view_query({"first": "2026-01", "last": "2026-03", "channel": ["A", "B"],
    ...     "segment": [], "indirect": False, "basis": "revenue", "lang": "en"})
    >>> for key, value in query.items():
    ...     print(key, value)
    period 2026-01..2026-03
    channel A|B
    indirect 0
    basis revenue
    lang en
    """
    out: dict[str, str] = {}
    whole = bool(months) and (settings.get("first"), settings.get("last")) == (months[0],
                                                                               months[-1])
    if settings.get("first") and settings.get("last") and not whole:
        out["period"] = f"{settings['first']}..{settings['last']}"
    for name in FILTERS:
        values = [str(v) for v in settings.get(name) or []]  # type: ignore[attr-defined]
        if values:
            out[name] = _SEP.join(values)
    out["indirect"] = "1" if settings.get("indirect", True) else "0"
    out["basis"] = str(settings.get("basis") or "margin")
    if settings.get("allocate"):  # where the cost of no campaign goes (roi_core.shared)
        out["allocate"] = str(settings["allocate"])
    out["lang"] = str(settings.get("lang") or "fr")
    return out


def _param(params: dict[str, object], key: str) -> str | None:
    value = params.get(key)
    if isinstance(value, list):
        value = value[-1] if value else None
    return None if value is None else str(value)


def read_view(params: dict[str, object], months: Sequence[str],
              choices: dict[str, Sequence[str]], lang: str = "fr"
              ) -> tuple[dict[str, object], list[str]]:
    """The view a link (or a scenario file's ``view``) asks for, kept to what the workbook
    has: (settings as ``view_query`` takes them, notices in ``lang`` naming what was not
    applied). Absent parameters give the defaults: every month, no filter, indirect costs
    in, ROI on margin, French.

    >>> settings, notes = read_view({"period": "2026-02..2026-09", "channel": "A|Z",
    ...     "indirect": "0"}, ["2026-01", "2026-02", "2026-03"], {"channel": ["A", "B"]}, "en")
    >>> settings["first"], settings["last"], settings["channel"], settings["indirect"]
    ('2026-02', '2026-03', ['A'], False)
    >>> for note in notes:
    ...     print(note)
    Period “2026-09”: not in this workbook, filter ignored.
    Channel “Z”: not in this workbook, filter ignored.
    """
    from roi_core.formatting import LANGS

    notes: list[str] = []
    first, last = (months[0], months[-1]) if months else (None, None)
    period = _param(params, "period")
    if period:
        ends = period.split("..", 1) if ".." in period else [period, period]
        for i, end in enumerate(ends):
            end = end.strip()
            if end in months:
                first, last = (end, last) if i == 0 else (first, end)
            elif i == 0 or end != ends[0].strip():  # "2027-01" alone: named once
                notes.append(text("notice_missing_value", lang, name=text("period", lang),
                                  value=end))
    settings: dict[str, object] = {"first": first, "last": last}
    for name in FILTERS:
        raw = _param(params, name)
        wanted = [v for v in raw.split(_SEP) if v] if raw else []
        known = set(choices.get(name, ()))
        settings[name] = [v for v in wanted if v in known]
        notes += [text("notice_missing_value", lang, name=label(name, lang), value=v)
                  for v in wanted if v not in known]
    flags = {"indirect": ({"1": True, "true": True, "0": False, "false": False}, True,
                          "indirect_short"),
             "basis": ({"margin": "margin", "revenue": "revenue"}, "margin", "basis_short"),
             "allocate": ({m: m for m in ("none", "cost", "contacts")}, "cost", "allocate"),
             "lang": ({k: k for k in LANGS}, "fr", "language_short")}
    for name, (allowed, default, caption) in flags.items():
        raw = _param(params, name)
        settings[name] = allowed.get(raw.strip().lower(), default) if raw else default
        if raw and raw.strip().lower() not in allowed:
            notes.append(text("notice_bad_value", lang, name=text(caption, lang), value=raw))
    return settings, notes


def lever_notices(asked: Levers, applied: dict[str, float], lang: str = "fr") -> list[str]:
    """What of ``asked`` (a link's or a file's levers) the sliders do not hold: a lever of a
    channel the workbook lacks, a value beyond its slider's bounds (``lever_values``).

    >>> panel = lever_panel(["A"])
    >>> asked = Levers(win_rate=50.0, channel_cost={"Z": 0.5})
    >>> for note in lever_notices(asked, lever_values(asked, panel), "en"):
    ...     print(note)
    Win rate: ×50 asked, ×3 applied (the slider's bound).
    Costs: Z: this workbook has no such channel, lever ignored.
    """
    notes = []
    for key, value in asked.moved().items():
        name = lever_label(key, lang)
        if key not in applied:
            notes.append(text("notice_missing_lever", lang, lever=name))
        elif abs(applied[key] - value) > 1e-12:
            notes.append(text("notice_clamped", lang, lever=name, asked=_times(value, lang),
                              applied=_times(applied[key], lang)))
    return notes


def _times(value: float, lang: str) -> str:
    """A multiplier as "×1,25" (no trailing zeros)."""
    shown = number(value, lang, decimals=2)
    return "×" + (shown.rstrip("0").rstrip(",.") if shown[-3] in ",." else shown)


def _month_text(month: str, lang: str) -> str:
    from babel.dates import format_date

    from roi_core.formatting import LOCALES

    try:
        day = pd.Timestamp(f"{month}-01").date()
    except ValueError:
        return month
    return format_date(day, "MMM y", locale=LOCALES.get(lang, "en_GB"))


def chips_html(settings: dict[str, str], active: bool = False, lang: str = "fr",
               months: Sequence[str] = ()) -> str:
    """The settings in force as one line of chips, from the view's query (``view_query``):
    the period (without one, ``months``: every month of the workbook), each filter,
    indirect costs excluded, ROI on revenue, "scénario actif". Each chip has ``data-chip``
    naming what it says.

    >>> line = chips_html({"period": "2026-01..2026-03", "indirect": "0", "basis": "revenue",
    ...                    "lang": "en"}, active=True, lang="en")
    >>> [c.split('"')[1] for c in line.split('data-chip=')[1:]]
    ['period', 'indirect', 'basis', 'scenario']
    >>> "Jan 2026 → Mar 2026" in line
    True
    """
    chips: list[tuple[str, str]] = []
    period = settings.get("period") or (f"{months[0]}..{months[-1]}" if months else None)
    if period:
        first, _, last = period.partition("..")
        last = last or first
        chips.append(("period", text("chip_period_one", lang, first=_month_text(first, lang))
                      if first == last else text("chip_period", lang,
                                                 first=_month_text(first, lang),
                                                 last=_month_text(last, lang))))
    for name in FILTERS:
        if settings.get(name):
            values = ", ".join(settings[name].split(_SEP))
            chips.append((name, text("chip_filter", lang, name=label(name, lang),
                                     values=values)))
    if settings.get("indirect") == "0":
        chips.append(("indirect", text("chip_indirect_off", lang)))
    if settings.get("basis") == "revenue":
        chips.append(("basis", text("chip_revenue", lang)))
    if active:
        chips.append(("scenario", text("chip_scenario", lang)))
    body = "".join(f'<span class="roi-chip" data-chip="{k}">{html.escape(v)}</span>'
                   for k, v in chips)
    return (f'<div class="roi-chips" data-active="{str(active).lower()}">'
            f'<span class="roi-chips-title">{html.escape(text("settings_line", lang))}</span>'
            f"{body}</div>")


def notices_html(notices: Sequence[str], lang: str = "fr") -> str:
    """What a link or a file asked for and was not applied, as a list (escaped).

    >>> notices_html(["<b>x</b>"], "en").count("<li>")
    1
    """
    items = "".join(f"<li>{html.escape(n)}</li>" for n in notices)
    return (f'<div class="roi-message" data-kind="warn"><strong>'
            f'{html.escape(text("notice_title", lang))}</strong><ul>{items}</ul>'
            f'{html.escape(text("notice_address", lang))}</div>')


def scenario_document(levers: Levers, query: dict[str, str]) -> str:
    """The scenario file: every lever (``roi_core.scenario.to_json``'s ``levers``, which
    ``from_json`` reads back) and the view (``view_query``) that gives the same figures.

    >>> import json
    >>> doc = json.loads(scenario_document(Levers(win_rate=1.2), {"lang": "en"}))
    >>> doc["version"], doc["levers"]["win_rate"], doc["view"]
    (2, 1.2, {'lang': 'en'})
    """
    import json

    return json.dumps({"kind": "roi-scenario", "version": 2, "levers": levers.flat(),
                       "view": {str(k): str(v) for k, v in query.items()}},
                      indent=2, ensure_ascii=False)


def document_view(text_: str | bytes) -> dict[str, str]:
    """The ``view`` of a scenario file (``scenario_document``); {} for a file without one
    (version 1) or one that is not JSON (``roi_core.scenario.from_json`` says why).

    >>> document_view(scenario_document(Levers(), {"basis": "revenue"}))
    {'basis': 'revenue'}
    >>> document_view(b"{}")
    {}
    """
    import json

    try:
        doc = json.loads(text_)
    except (ValueError, UnicodeDecodeError):
        return {}
    found = doc.get("view") if isinstance(doc, dict) else None
    if not isinstance(found, dict):
        return {}
    return {str(k): str(v) for k, v in found.items() if k in VIEW_QUERY_NAMES}
