"""The data-quality audit: every error and every warning of a workbook at once.

``load_workbook`` stops at the first error that makes the figures meaningless; the audit
lists them all, plus the warnings that leave the figures computable but doubtful, each
located (sheet and Excel rows) and explained in the app's language (``fr`` or ``en``) with
what to do about it.

Rules and severities (``RULES``):

- errors (the KPIs refuse the file): a missing sheet or required column, text where a
  number, a date or a known word belongs, a negative amount, a rate outside 0–100 %, a
  blank or duplicated id, two funnel rows for one campaign and month, a campaign ending
  before it starts, a cost line without an amount, no way to get funnel volumes;
- warnings (the figures are computed, but doubt them): likely duplicated deals (same
  account, amount and date), deals without a source campaign, ids of unknown campaigns,
  deals without an amount, won deals without a close date, a close before the creation,
  funnel stages that grow downwards, cost lines without a campaign, campaigns without
  costs, activities and touchpoints dated outside their campaign's life, and a funnel
  sheet that disagrees with what the deals and activities imply;
- what an import guessed, from the workbook's "Notes d'import" sheet
  (``roi_core.io.notes``): info (the locale read, footer lines skipped), warning
  (campaigns built from a pipeline, or one "(non attribué)" campaign).

Score per sheet: each row of the sheet weighs its worst finding (error 1, warning ½,
info 0); ``score = 100 × (1 − Σ weights / rows)``, rounded; a finding with no row (a
missing column, say) weighs every row of its sheet.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from roi_core.dataset import Dataset
from roi_core.funnel import derive_funnel
from roi_core.problems import Problem
from roi_core.schema import SHEETS

__all__ = [
    "Finding",
    "Badge",
    "RULES",
    "SEVERITIES",
    "LANGS",
    "audit",
    "audit_inspection",
    "Inspected",
    "findings_frame",
    "findings_summary",
    "finding_rows",
    "sheet_scores",
    "quality_badge",
]

SEVERITIES = ("error", "warning", "info")
LANGS = ("fr", "en")
_WEIGHT = {"error": 1.0, "warning": 0.5, "info": 0.0}

# rule -> (severity, {lang: (message template, what to do)})
RULES: dict[str, tuple[str, dict[str, tuple[str, str]]]] = {
    "missing_sheet": ("error", {
        "fr": ("La feuille « {label} » est absente (feuilles trouvées : {found}).",
               "Ajoutez une feuille « {label} » comme dans le modèle."),
        "en": ("The '{label}' sheet is missing (sheets found: {found}).",
               "Add a '{label}' sheet as in the template.")}),
    "missing_column": ("error", {
        "fr": ("La colonne obligatoire « {column} » est absente.",
               "Ajoutez-la à la ligne d'en-tête, nommée comme dans le modèle."),
        "en": ("The required column '{column}' is missing.",
               "Add it to the header row, named as in the template.")}),
    "unreadable_cell": ("error", {
        "fr": ("{count} cellule(s) de « {column} » ne se lisent pas comme {expected_fr} "
               "(par ex. « {value} »).",
               "Corrigez ces cellules : {expected_fr}, ou laissez vide si inconnu."),
        "en": ("{count} cell(s) of '{column}' cannot be read as {expected} "
               "(e.g. '{value}').",
               "Correct these cells: {expected}, or leave them blank if unknown.")}),
    "error_cell": ("error", {
        "fr": ("{count} cellule(s) de « {column} » contiennent une erreur Excel (par ex. "
               "« {value} ») là où il faut {expected_fr}.",
               "Corrigez la formule, ou laissez la cellule vide si la valeur est inconnue."),
        "en": ("{count} cell(s) of '{column}' hold an Excel error (e.g. '{value}') where "
               "{expected} belongs.",
               "Correct the formula, or leave the cell blank if the value is unknown.")}),
    "ambiguous_number": ("error", {
        "fr": ("{count} nombre(s) de « {column} » se lisent de deux façons (par ex. "
               "« {value} » : {thousands} ou {decimal}) et aucune cellule de la colonne ne "
               "tranche.",
               "Saisissez ces nombres sans séparateur de milliers (1500 ou 1,5)."),
        "en": ("{count} number(s) of '{column}' read two ways (e.g. '{value}': {thousands} "
               "or {decimal}) and no cell of the column decides.",
               "Type these numbers without a thousands separator (1500 or 1.5).")}),
    "value_too_large": ("error", {
        "fr": ("{count} valeur(s) de « {column} » dépassent 10^15 (par ex. {value}).",
               "Corrigez la saisie : une faute de frappe ou une formule qui déborde."),
        "en": ("{count} value(s) of '{column}' are beyond 10^15 (e.g. {value}).",
               "Correct the cell: a typo, or a formula that overflows.")}),
    "duplicate_column": ("error", {
        "fr": ("La colonne « {column} » apparaît {count} fois (colonnes {value}).",
               "Gardez une seule colonne de ce nom : renommez ou supprimez la copie."),
        "en": ("The column '{column}' appears {count} times (columns {value}).",
               "Keep one column of that name: rename or delete the copy.")}),
    "id_normalised": ("info", {
        "fr": ("{count} identifiant(s) de « {column} » saisis comme « {value} » sont lus "
               "« {shown} », comme le même nombre ailleurs.",
               "Rien à faire ; saisissez-les « {shown} » pour lever le doute."),
        "en": ("{count} id(s) of '{column}' typed as '{value}' are read as '{shown}', like "
               "the same number elsewhere.",
               "Nothing to do; type them as '{shown}' to remove the doubt.")}),
    "unknown_value": ("error", {
        "fr": ("{count} cellule(s) de « {column} » portent une valeur inconnue "
               "(par ex. « {value} »).",
               "Utilisez une des valeurs du modèle : {words}."),
        "en": ("{count} cell(s) of '{column}' hold an unknown value (e.g. '{value}').",
               "Use one of the template's values: {words}.")}),
    "negative_value": ("error", {
        "fr": ("{count} valeur(s) négative(s) dans « {column} » (par ex. {value}).",
               "Saisissez un montant ou un volume positif ; un avoir se saisit à part."),
        "en": ("{count} negative value(s) in '{column}' (e.g. {value}).",
               "Type a positive amount or volume; enter a credit note separately.")}),
    "rate_out_of_range": ("error", {
        "fr": ("{count} taux hors de 0–100 % dans « {column} » (par ex. « {value} » = "
               "{shown}).",
               "Saisissez un taux entre 0 et 100 %, par ex. 40 % ou 0,4."),
        "en": ("{count} rate(s) outside 0–100 % in '{column}' (e.g. '{value}' = {shown}).",
               "Type a rate between 0 and 100 %, e.g. 40 % or 0.4.")}),
    "blank_required": ("error", {
        "fr": ("{count} ligne(s) sans « {column} », pourtant obligatoire.",
               "Remplissez la cellule ou supprimez la ligne."),
        "en": ("{count} row(s) without '{column}', which is required.",
               "Fill the cell in or delete the row.")}),
    "duplicate_id": ("error", {
        "fr": ("L'identifiant « {value} » apparaît {count} fois.",
               "Donnez à chaque ligne un identifiant unique, ou supprimez le doublon."),
        "en": ("The id '{value}' appears {count} times.",
               "Give each row its own id, or delete the duplicate.")}),
    "duplicate_funnel_row": ("error", {
        "fr": ("La campagne « {value} » a {count} lignes d'entonnoir {month}.",
               "Gardez une ligne par campagne (et par mois) ; additionnez les volumes."),
        "en": ("Campaign '{value}' has {count} funnel rows {month}.",
               "Keep one row per campaign (and month); add the volumes up.")}),
    "no_campaigns": ("error", {
        "fr": ("La feuille Campagnes ne contient aucune campagne.",
               "Saisissez une ligne par campagne sous l'en-tête (voir le modèle)."),
        "en": ("The campaigns sheet holds no campaign.",
               "Type one row per campaign under the header (see the template).")}),
    "ends_before_start": ("error", {
        "fr": ("{count} campagne(s) se terminent avant d'avoir commencé.",
               "Vérifiez les dates de début et de fin (jour/mois inversés ?)."),
        "en": ("{count} campaign(s) end before they start.",
               "Check the start and end dates (day and month swapped?).")}),
    "cost_without_amount": ("error", {
        "fr": ("{count} ligne(s) de coût sans montant ni heures × taux horaire.",
               "Saisissez un montant, ou des heures et un taux horaire."),
        "en": ("{count} cost line(s) without an amount, or hours × hourly rate.",
               "Type an amount, or hours and an hourly rate.")}),
    "no_funnel": ("error", {
        "fr": ("Ni feuille Entonnoir, ni affaires ou activités pour en déduire les volumes.",
               "Ajoutez une feuille Entonnoir (contacts, leads, opportunités, clients)."),
        "en": ("No funnel sheet, and no deals or activities to derive the volumes from.",
               "Add a funnel sheet (contacts, leads, opportunities, clients).")}),
    "duplicate_deal": ("warning", {
        "fr": ("{count} affaires semblent en double : même compte « {account} », même "
               "montant {amount} et même date {date}.",
               "Supprimez le doublon, ou distinguez-les si ce sont deux ventes."),
        "en": ("{count} deals look duplicated: same account '{account}', amount {amount} "
               "and date {date}.",
               "Delete the duplicate, or tell them apart if they are two sales.")}),
    "deal_without_campaign": ("warning", {
        "fr": ("{count} affaire(s) sans campagne d'origine : elles ne comptent pour aucun "
               "canal.",
               "Renseignez l'ID campagne d'origine de chaque affaire."),
        "en": ("{count} deal(s) without a source campaign: they count for no channel.",
               "Fill in each deal's source campaign id.")}),
    "unknown_campaign": ("warning", {
        "fr": ("{count} ligne(s) renvoient à la campagne « {value} », absente de la feuille "
               "Campagnes : elles forment le groupe « non affecté ».",
               "Ajoutez cette campagne à la feuille Campagnes ou corrigez l'identifiant."),
        "en": ("{count} row(s) refer to campaign '{value}', which is not in the campaigns "
               "sheet: they form the 'unassigned' group.",
               "Add the campaign to the campaigns sheet, or correct the id.")}),
    "missing_amount": ("warning", {
        "fr": ("{count} affaire(s) sans montant ({won} gagnée(s)) : leur chiffre d'affaires "
               "est inconnu.",
               "Saisissez le montant HT de chaque affaire."),
        "en": ("{count} deal(s) without an amount ({won} won): their revenue is unknown.",
               "Type each deal's amount (before tax).")}),
    "won_without_close_date": ("warning", {
        "fr": ("{count} affaire(s) gagnée(s) sans date de signature : ni mois, ni cycle "
               "de vente, et pas de client compté quand l'entonnoir est déduit.",
               "Saisissez la date de signature."),
        "en": ("{count} won deal(s) without a close date: no month, no sales cycle, and "
               "no client counted when the funnel is derived.",
               "Type the close date.")}),
    "close_before_creation": ("warning", {
        "fr": ("{count} affaire(s) signée(s) avant d'être créées (ou avant le premier "
               "contact).",
               "Vérifiez les dates (jour/mois inversés ?)."),
        "en": ("{count} deal(s) closed before they were created (or first contacted).",
               "Check the dates (day and month swapped?).")}),
    "funnel_grows_downward": ("warning", {
        "fr": ("Campagne « {value} » : plus de {lower} ({lower_n:g}) que de {upper} "
               "({upper_n:g}).",
               "Chaque étape de l'entonnoir compte au plus autant que la précédente : "
               "vérifiez les volumes."),
        "en": ("Campaign '{value}': more {lower} ({lower_n:g}) than {upper} ({upper_n:g}).",
               "Each funnel stage counts at most as many as the one before: check the "
               "volumes.")}),
    "cost_without_campaign": ("warning", {
        "fr": ("{count} ligne(s) de coût sans campagne : elles forment le groupe "
               "« non affecté ».",
               "Rattachez chaque coût à une campagne (ou gardez-le en frais communs)."),
        "en": ("{count} cost line(s) without a campaign: they form the 'unassigned' "
               "group.",
               "Attach each cost to a campaign (or keep it as a shared cost).")}),
    "campaign_without_cost": ("warning", {
        "fr": ("{count} campagne(s) sans aucune ligne de coût ({value}) : leur ROI n'est "
               "pas défini.",
               "Ajoutez leurs coûts (même le temps passé) à la feuille Coûts."),
        "en": ("{count} campaign(s) without any cost line ({value}): their ROI is not "
               "defined.",
               "Add their costs (time spent too) to the costs sheet.")}),
    "activity_outside_campaign": ("warning", {
        "fr": ("{count} activité(s) de la campagne « {value} » datées hors de sa période "
               "({period}).",
               "Vérifiez la date ou la campagne de ces activités."),
        "en": ("{count} activit(ies) of campaign '{value}' dated outside its life "
               "({period}).",
               "Check these activities' date or campaign.")}),
    "touchpoint_outside_campaign": ("warning", {
        "fr": ("{count} point(s) de contact de la campagne « {value} » datés hors de sa "
               "période ({period}).",
               "Vérifiez l'horodatage ou la campagne de ces points de contact."),
        "en": ("{count} touchpoint(s) of campaign '{value}' dated outside its life "
               "({period}).",
               "Check these touchpoints' timestamp or campaign.")}),
    "import_note": ("info", {
        "fr": ("Import de « {file} » : {note_fr}",
               "Rien à faire si c'est juste ; sinon corrigez l'export, ou refaites l'import "
               "avec --locale."),
        "en": ("Import of '{file}': {note_en}",
               "Nothing to do if this is right; otherwise correct the export, or import "
               "again with --locale.")}),
    "import_guess": ("warning", {
        "fr": ("Import de « {file} » : {note_fr}",
               "Vérifiez ce choix ; saisissez les campagnes dans le modèle si besoin."),
        "en": ("Import of '{file}': {note_en}",
               "Check this choice; type the campaigns in the template if need be.")}),
    "funnel_mismatch": ("warning", {
        "fr": ("Campagne « {value} » : l'entonnoir ne concorde pas avec les affaires et "
               "activités ({differences}).",
               "Corrigez l'entonnoir ou complétez les affaires/activités ; les KPI utilisent "
               "la feuille Entonnoir."),
        "en": ("Campaign '{value}': the funnel sheet disagrees with the deals and "
               "activities ({differences}).",
               "Correct the funnel, or complete the deals/activities; the KPIs use the "
               "funnel sheet.")}),
}

# The words of each enumeration as the template offers them.
_WORDS = {
    "fr": {"status": "en cours / gagnée / perdue", "category": "directe / indirecte",
           "behaviour": "fixe / variable",
           "activity": "appel / email / rdv / social / salon / autre",
           "outcome": "pas de réponse / contact / pas intéressé / lead / rdv pris / tenu / "
                      "annulé"},
    "en": {"status": "open / won / lost", "category": "direct / indirect",
           "behaviour": "fixed / variable",
           "activity": "call / email / meeting / social / event / other",
           "outcome": "no answer / contact / not interested / lead / meeting / held / "
                      "no show"},
}
_EXPECTED_FR = {"a number": "un nombre", "a date": "une date", "a month": "un mois",
                "a percentage": "un pourcentage"}
_STAGE_FR = {"targets": "cibles", "contacts": "contacts", "leads": "leads",
             "opportunities": "opportunités", "clients": "clients", "revenue": "CA",
             "meetings": "rendez-vous"}


@dataclass(frozen=True)
class Finding:
    """One problem found by the audit.

    ``sheet`` is the tab as the user named it, ``table`` the canonical sheet; ``rows`` are
    Excel row numbers (the header is row 1), empty when the whole sheet is concerned.
    """

    rule: str
    severity: str
    sheet: str
    table: str
    rows: tuple[int, ...]
    message: str
    action: str
    column: str = ""


@dataclass(frozen=True)
class Badge:
    """A short verdict for the meeting app: a severity ("error", "warning", "ok") and a text."""

    severity: str
    text: str
    errors: int
    warnings: int


def _finding(rule: str, table: str, rows: Iterable[object], lang: str, data: Dataset | None,
             count: int | None = None, **details: object) -> Finding:
    severity, texts = RULES[rule]
    message, action = texts[lang if lang in texts else "fr"]
    clean_rows = tuple(sorted({int(r) for r in rows if r is not None and not pd.isna(r)}))
    fields: dict[str, object] = {"value": "", "column": "", "label": "", "found": "",
                                 "shown": "", "month": "", "expected": "a number"}
    fields.update(details)
    fields["count"] = count if count is not None else (len(clean_rows) or 1)
    fields["expected_fr"] = _EXPECTED_FR.get(str(fields["expected"]), fields["expected"])
    fields["words"] = _WORDS.get(lang, _WORDS["fr"]).get(str(fields.get("enum", "")), "")
    if lang == "fr":
        for key in ("lower", "upper"):
            if key in fields:
                fields[key] = _STAGE_FR.get(str(fields[key]), fields[key])
    sheet = table
    if data is not None:
        if table == "table" and data.sheet_names:
            sheet = next(iter(data.sheet_names.values()))
        elif table in data.sheet_names:
            sheet = data.sheet_label(table)
        elif table in SHEETS:
            sheet = SHEETS[table].label_fr if lang == "fr" else table
    return Finding(rule, severity, sheet, table, clean_rows, message.format(**fields),
                   action.format(**fields), str(details.get("column", "")))


def _rows(frame: pd.DataFrame, mask: pd.Series | np.ndarray | None = None) -> tuple[int, ...]:
    part = frame if mask is None else frame[np.asarray(mask, dtype=bool)]
    if "row" not in part:
        return ()
    return tuple(int(r) for r in part["row"].dropna())


def _from_problem(problem: Problem, lang: str, data: Dataset) -> Finding:
    details = dict(problem.details)
    details.setdefault("column", problem.error.column or "")
    count = details.pop("count", None)
    return _finding(problem.rule, problem.sheet or "table", problem.rows, lang, data,
                    count=int(count) if count is not None else None, **details)


# --- the checks over a dataset ----------------------------------------------------------


def _missing(frame: pd.DataFrame, column: str) -> pd.Series:
    """Blank cells of a column, leaving out those already reported as unreadable."""
    blank = frame[column].isna()
    unreadable = frame.attrs.get("unreadable", {}).get(column)
    if unreadable is not None and len(unreadable) == len(frame):
        blank = blank & ~pd.Series(unreadable, index=frame.index)
    return blank


def _check_deals(data: Dataset, lang: str) -> list[Finding]:
    deals = data.deals
    out: list[Finding] = []
    if not len(deals):
        return out
    no_campaign = deals["campaign_id"].isna()
    if no_campaign.any():
        out.append(_finding("deal_without_campaign", "deals", _rows(deals, no_campaign), lang,
                            data, column="campaign_id"))
    no_amount = _missing(deals, "amount")
    if no_amount.any():
        won = int((no_amount & (deals["status"] == "won")).sum())
        out.append(_finding("missing_amount", "deals", _rows(deals, no_amount), lang, data,
                            won=won, column="amount"))
    no_close = (deals["status"] == "won") & _missing(deals, "close_date")
    if no_close.any():
        out.append(_finding("won_without_close_date", "deals", _rows(deals, no_close), lang,
                            data, column="close_date"))
    opened = deals["created_date"].fillna(deals["first_contact_date"])
    early = (deals["close_date"] < opened) | (deals["close_date"] < deals["first_contact_date"])
    if early.any():
        out.append(_finding("close_before_creation", "deals", _rows(deals, early), lang, data,
                            column="close_date"))
    # Likely duplicates: same account, amount and date under different ids.
    when = deals["created_date"].fillna(deals["close_date"])
    keyed = deals.assign(_when=when)
    keyed = keyed[keyed["account_id"].notna() & keyed["amount"].notna() & when.notna()]
    for (account, amount, date), group in keyed.groupby(["account_id", "amount", "_when"]):
        if group["deal_id"].nunique() > 1:
            out.append(_finding("duplicate_deal", "deals", _rows(group), lang, data,
                                account=account, amount=_money(amount, lang),
                                date=f"{pd.Timestamp(date):%d/%m/%Y}"))
    return out


def _money(value: float, lang: str) -> str:
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "\u202f").replace(".", ",") if lang == "fr" else text


def _check_unknown_campaigns(data: Dataset, lang: str) -> list[Finding]:
    known = set(data.campaigns["campaign_id"].dropna())
    out: list[Finding] = []
    if not known and not len(data.campaigns):
        return out  # no campaigns sheet at all: reported as missing
    sheets = ["costs", "deals", "activities", "touchpoints"]
    if data.funnel_source == "sheet":
        sheets.insert(1, "funnel")
    for name in sheets:
        frame = getattr(data, name)
        if not len(frame) or "campaign_id" not in frame:
            continue
        ids = frame["campaign_id"]
        unknown = ids.notna() & ~ids.isin(known)
        for value in pd.unique(ids[unknown]):
            out.append(_finding("unknown_campaign", name, _rows(frame, ids == value), lang,
                                data, value=value, column="campaign_id"))
    return out


def _check_costs(data: Dataset, lang: str) -> list[Finding]:
    out: list[Finding] = []
    costs, campaigns = data.costs, data.campaigns
    blank = costs["campaign_id"].isna()
    if blank.any():
        out.append(_finding("cost_without_campaign", "costs", _rows(costs, blank), lang, data,
                            column="campaign_id"))
    if len(campaigns) and "costs" in data.sheet_names:
        without = campaigns["campaign_id"].notna() & ~campaigns["campaign_id"].isin(
            set(costs["campaign_id"].dropna()))
        if without.any():
            names = ", ".join(str(v) for v in campaigns.loc[without, "campaign_id"][:5])
            if without.sum() > 5:
                names += ", …"
            out.append(_finding("campaign_without_cost", "campaigns",
                                _rows(campaigns, without), lang, data, value=names))
    return out


_STAGES = [("targets", "contacts"), ("contacts", "leads"), ("leads", "opportunities"),
           ("opportunities", "clients")]


def _check_funnel_order(data: Dataset, lang: str) -> list[Finding]:
    """Per campaign, over all its months: no stage counts more than the one before.

    A month may sign clients from the opportunities of earlier months, so the check is
    on campaign totals, never row by row.
    """
    funnel = data.funnel
    out: list[Finding] = []
    if not len(funnel):
        return out
    targets = data.campaigns.drop_duplicates("campaign_id").set_index("campaign_id")["targets"]
    totals = funnel.groupby("campaign_id", sort=False)[
        ["contacts", "leads", "opportunities", "clients"]].sum(min_count=1)
    totals["targets"] = targets.reindex(totals.index)
    from_sheet = data.funnel_source == "sheet"
    for upper, lower in _STAGES:
        bad = totals[lower] > totals[upper]
        for cid in totals.index[bad.to_numpy()]:
            rows = _rows(funnel, funnel["campaign_id"] == cid) if from_sheet else ()
            out.append(_finding("funnel_grows_downward", "funnel", rows, lang, data, value=cid,
                                upper=upper, lower=lower,
                                upper_n=float(totals.at[cid, upper]),
                                lower_n=float(totals.at[cid, lower])))
    return out


def _check_dates(data: Dataset, lang: str) -> list[Finding]:
    out: list[Finding] = []
    life = data.campaigns.dropna(subset=["campaign_id"]).drop_duplicates("campaign_id")
    life = life.set_index("campaign_id")[["start_date", "end_date"]]
    starts, ends = life["start_date"].to_dict(), life["end_date"].to_dict()
    for name, column, rule in (("activities", "date", "activity_outside_campaign"),
                               ("touchpoints", "timestamp", "touchpoint_outside_campaign")):
        frame = getattr(data, name)
        if not len(frame):
            continue
        start = pd.to_datetime(frame["campaign_id"].map(lambda c: starts.get(c, pd.NaT)))
        end = pd.to_datetime(frame["campaign_id"].map(lambda c: ends.get(c, pd.NaT)))
        day = pd.to_datetime(frame[column]).dt.normalize()
        outside = (day < start) | (day > end)
        for cid in pd.unique(frame.loc[outside, "campaign_id"]):
            s, e = life.at[cid, "start_date"], life.at[cid, "end_date"]
            period = f"{s:%d/%m/%Y} – {e:%d/%m/%Y}" if pd.notna(e) else f"{s:%d/%m/%Y} –"
            mask = outside & (frame["campaign_id"] == cid)
            out.append(_finding(rule, name, _rows(frame, mask), lang, data, value=cid,
                                period=period, column=column))
    return out


_RECONCILE = {"activities": ["contacts", "leads", "meetings"],
              "deals": ["opportunities", "clients", "revenue"]}


def _check_reconciliation(data: Dataset, lang: str) -> list[Finding]:
    """The funnel sheet against what deals and activities imply, per campaign."""
    if data.funnel_source != "sheet" or not (len(data.deals) or len(data.activities)):
        return []
    derived = derive_funnel(data.campaigns, data.deals, data.activities)
    volumes = ["contacts", "leads", "meetings", "opportunities", "clients", "revenue"]
    sheet = data.funnel.groupby("campaign_id")[volumes].sum(min_count=1)
    implied = derived.groupby("campaign_id")[volumes].sum(min_count=1)
    out: list[Finding] = []
    for cid in sorted(set(implied.index) | set(sheet.index), key=str):
        diffs = []
        for source, cols in _RECONCILE.items():
            frame = getattr(data, source)
            if not len(frame) or cid not in set(frame["campaign_id"].dropna()):
                continue
            for col in cols:
                have = sheet.at[cid, col] if cid in sheet.index else np.nan
                want = implied.at[cid, col] if cid in implied.index else np.nan
                if pd.isna(have) or pd.isna(want):
                    continue
                tolerance = 0.5 if col != "revenue" else max(1.0, 0.005 * abs(want))
                if abs(have - want) > tolerance:
                    label = _STAGE_FR.get(col, col) if lang == "fr" else col
                    word = "déduit" if lang == "fr" else "implied"
                    diffs.append(f"{label} {have:g} ≠ {want:g} {word}")
        if diffs:
            mask = data.funnel["campaign_id"] == cid
            out.append(_finding("funnel_mismatch", "funnel", _rows(data.funnel, mask), lang,
                                data, value=cid, differences="; ".join(diffs)))
    return out


_CHECKS = (_check_deals, _check_unknown_campaigns, _check_costs, _check_funnel_order,
           _check_dates, _check_reconciliation)


def audit(data: Dataset, problems: Sequence[Problem] = (), lang: str = "fr") -> list[Finding]:
    """Every finding about a dataset: loading problems first, then the dataset checks.

    Findings are sorted by severity (errors first), then sheet and first row.

    >>> import pandas as pd
    >>> from roi_core.dataset import empty_frame
    >>> camps = pd.DataFrame({"campaign_id": ["C1"], "campaign": ["A"], "channel": ["x"],
    ...     "start_date": pd.to_datetime(["2026-01-01"]), "end_date": pd.NaT,
    ...     "targets": float("nan"), "row": pd.array([2], dtype="Int64")})
    >>> data = Dataset(campaigns=camps, costs=empty_frame("costs"),
    ...                funnel=empty_frame("funnel"), sheet_names={"campaigns": "Campagnes",
    ...                "costs": "Coûts"})
    >>> [(f.rule, f.sheet, f.rows) for f in audit(data, lang="en")]
    [('campaign_without_cost', 'Campagnes', (2,))]
    """
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGS)}")
    findings = [_from_problem(p, lang, data) for p in problems]
    findings.extend(_from_problem(p, lang, data) for p in getattr(data, "notes", ()))
    for check in _CHECKS:
        findings.extend(check(data, lang))
    order = {s: i for i, s in enumerate(SEVERITIES)}
    return sorted(findings, key=lambda f: (order[f.severity], f.sheet, f.rows[:1] or (0,)))


class Inspected(Protocol):
    """What the lenient loader returns (``roi_core.io.Inspection``): a dataset and its
    loading problems. A protocol, so that the checks need not import the loader."""

    dataset: Dataset
    problems: Sequence[Problem]


def audit_inspection(inspection: Inspected, lang: str = "fr") -> list[Finding]:
    """``audit`` over what the lenient loader returned (``roi_core.io.inspect_workbook``;
    ``roi_core.io.audit_workbook`` reads and audits a file in one call)."""
    notes = getattr(inspection, "notes", ())  # what an import guessed (io.notes)
    return audit(inspection.dataset, [*inspection.problems, *notes], lang)


# --- presenting ---------------------------------------------------------------------------


def findings_frame(findings: Sequence[Finding]) -> pd.DataFrame:
    """One row per finding; ``rows`` as text ("3, 5, 7"), ``n_rows`` their number.

    >>> findings_frame([]).columns.tolist()
    ['severity', 'rule', 'sheet', 'rows', 'n_rows', 'message', 'action', 'column', 'table']
    """
    columns = ["severity", "rule", "sheet", "rows", "n_rows", "message", "action", "column",
               "table"]
    records = []
    for f in findings:
        rec = asdict(f)
        shown = ", ".join(str(r) for r in f.rows[:20]) + (", …" if len(f.rows) > 20 else "")
        rec.update(rows=shown, n_rows=len(f.rows))
        records.append(rec)
    return pd.DataFrame(records, columns=columns).astype({"n_rows": "int64"})


def findings_summary(findings: Sequence[Finding]) -> pd.DataFrame:
    """Findings counted by severity and rule: ``severity, rule, findings, rows``.

    >>> f = Finding("missing_amount", "warning", "Affaires", "deals", (3, 4), "m", "a")
    >>> findings_summary([f, f]).values.tolist()
    [['warning', 'missing_amount', 2, 4]]
    """
    frame = findings_frame(findings)
    order = {s: i for i, s in enumerate(SEVERITIES)}
    out = (frame.groupby(["severity", "rule"], as_index=False)
           .agg(findings=("rule", "size"), rows=("n_rows", "sum")))
    out = out.sort_values(["severity", "findings"], key=lambda s: s.map(order)
                          if s.name == "severity" else -s)
    return out.reset_index(drop=True).astype({"findings": "int64", "rows": "int64"})


def finding_rows(data: Dataset, finding: Finding) -> pd.DataFrame:
    """The rows of the user's sheet a finding points at, as loaded (canonical columns).

    Empty when the finding concerns a whole sheet, or rows the loader could not keep.

    >>> from roi_core.dataset import empty_frame
    >>> deals = empty_frame("deals").reindex(range(2)).assign(
    ...     deal_id=["D1", "D2"], row=pd.array([2, 3], dtype="Int64"))
    >>> data = Dataset(campaigns=empty_frame("campaigns"), costs=empty_frame("costs"),
    ...                funnel=empty_frame("funnel"), deals=deals)
    >>> f = Finding("missing_amount", "warning", "Affaires", "deals", (3,), "m", "a")
    >>> finding_rows(data, f)["deal_id"].tolist()
    ['D2']
    """
    table = finding.table
    if table == "table":  # the single-table form: its rows feed campaigns and the funnel
        table = "funnel"
    frame = getattr(data, table, None)
    if not isinstance(frame, pd.DataFrame) or "row" not in frame or not finding.rows:
        return pd.DataFrame()
    keep = frame["row"].isin(list(finding.rows)).fillna(False).to_numpy(dtype=bool)
    cols = ["row"] + [c for c in frame.columns if c != "row"]
    return frame.loc[keep, cols].reset_index(drop=True)


def sheet_scores(findings: Sequence[Finding], data: Dataset) -> pd.DataFrame:
    """Per sheet: rows, errors, warnings, infos, and the score (100 = nothing found).

    ``score = 100 × (1 − Σ worst weight per row / rows)`` (error 1, warning ½, info 0); a
    finding without rows weighs every row of its sheet.

    >>> from roi_core.dataset import empty_frame
    >>> f = Finding("missing_amount", "warning", "Affaires", "deals", (3,), "m", "a")
    >>> deals = empty_frame("deals").reindex(range(4))
    >>> data = Dataset(campaigns=empty_frame("campaigns"), costs=empty_frame("costs"),
    ...                funnel=empty_frame("funnel"), deals=deals,
    ...                sheet_names={"deals": "Affaires"})
    >>> sheet_scores([f], data)[["sheet", "rows", "warnings", "score"]].values.tolist()
    [['Affaires', 4, 1, 88]]
    """
    sizes: dict[str, int] = {}
    for table, label in data.sheet_names.items():
        frame = getattr(data, table, None)
        n = len(frame) if frame is not None else 0
        sizes[label] = max(sizes.get(label, 0), n)
    for f in findings:
        sizes.setdefault(f.sheet, 0)
    records = []
    for sheet, n in sizes.items():
        mine = [f for f in findings if f.sheet == sheet]
        worst: dict[int, float] = {}
        whole = 0.0
        for f in mine:
            weight = _WEIGHT[f.severity]
            if not f.rows:
                whole = max(whole, weight)
            for r in f.rows:
                worst[r] = max(worst.get(r, 0.0), weight)
        if n:
            total = sum(max(w, whole) for w in worst.values()) + whole * (n - len(worst))
            score = round(100 * (1 - min(total, n) / n))
        else:
            score = 0 if whole or worst else 100
        counts = {s: sum(f.severity == s for f in mine) for s in SEVERITIES}
        records.append({"sheet": sheet, "rows": n, "errors": counts["error"],
                        "warnings": counts["warning"], "infos": counts["info"],
                        "score": int(score)})
    return pd.DataFrame(records, columns=["sheet", "rows", "errors", "warnings", "infos",
                                          "score"])


def quality_badge(findings: Sequence[Finding], lang: str = "fr") -> Badge:
    """A short verdict the meeting app can show, linking to the data-quality notebook.

    >>> quality_badge([]).text
    'Données vérifiées : aucun problème'
    >>> f = Finding("missing_amount", "warning", "Affaires", "deals", (3,), "m", "a")
    >>> b = quality_badge([f, f], "en"); (b.severity, b.text)
    ('warning', 'Data: 2 warnings')
    """
    errors = sum(f.severity == "error" for f in findings)
    warnings = sum(f.severity == "warning" for f in findings)
    severity = "error" if errors else "warning" if warnings else "ok"
    if lang == "en":
        parts = [f"{errors} error{'s' if errors > 1 else ''}" if errors else "",
                 f"{warnings} warning{'s' if warnings > 1 else ''}" if warnings else ""]
        text = "Data: " + ", ".join(p for p in parts if p) if severity != "ok" else \
            "Data checked: no problem found"
    else:
        parts = [f"{errors} erreur{'s' if errors > 1 else ''}" if errors else "",
                 f"{warnings} alerte{'s' if warnings > 1 else ''}" if warnings else ""]
        text = "Données : " + ", ".join(p for p in parts if p) if severity != "ok" else \
            "Données vérifiées : aucun problème"
    return Badge(severity, text, errors, warnings)
