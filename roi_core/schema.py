"""The workbook contract: canonical sheets and columns, their French aliases and kinds.

Header mapping happens once, at loading (``roi_core.io``); everything downstream
speaks the canonical names defined here.

Kinds:

- ``id``: text identifier, stripped (``"C01"``; Excel's ``1.0`` becomes ``"1"``).
- ``text``: free text, stripped; blank is missing.
- ``count``: a non-negative number of things; blank is "not recorded" (NaN), never 0.
- ``money``: an amount in the workbook's currency ("8 000 €", "66,70").
- ``number``: any other number (hours, minutes).
- ``rate``: a fraction between 0 and 1; "40 %" and 0.4 both read as 0.4.
- ``date``: an Excel date, a day-first text date ("15/01/2026") or ISO.
- ``month``: a calendar month ("2026-01", "01/2026", "janvier 2026" or any date in it).
- ``enum:...``: one of a few words, French or English (see ``ENUMS``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

__all__ = [
    "Column",
    "Sheet",
    "SHEETS",
    "ENUMS",
    "SINGLE_TABLE_COLUMNS",
    "normalize_label",
    "sheet_for_label",
]


def normalize_label(label: object) -> str:
    """Fold a header or sheet name for matching: lower case, no accents, no spaces or punctuation.

    >>> normalize_label("  Coûts ")
    'couts'
    >>> normalize_label("Durée (min)")
    'dureemin'
    >>> normalize_label("Chiffre d’affaires")
    'chiffredaffaires'
    """
    text = unicodedata.normalize("NFKD", str(label))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^0-9a-z]+", "", text.casefold())


@dataclass(frozen=True)
class Column:
    """One canonical column: its name, kind, whether it is required, and its aliases."""

    name: str
    kind: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    label_fr: str = ""

    def labels(self) -> tuple[str, ...]:
        return (self.name, self.label_fr, *self.aliases)


@dataclass(frozen=True)
class Sheet:
    """One canonical sheet of the workbook."""

    name: str
    label_fr: str
    columns: tuple[Column, ...]
    aliases: tuple[str, ...] = ()
    required: bool = False
    by_key: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        keys: dict[str, Column] = {}
        for col in self.columns:
            for label in col.labels():
                if label:
                    keys.setdefault(normalize_label(label), col)
        object.__setattr__(self, "by_key", keys)

    def labels(self) -> tuple[str, ...]:
        return (self.name, self.label_fr, *self.aliases)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


C = Column

CAMPAIGNS = Sheet(
    "campaigns",
    "Campagnes",
    (
        C("campaign_id", "id", True, ("id", "code", "campaign id", "code campagne"), "ID campagne"),
        C("campaign", "text", True, ("name", "campaign name", "nom", "nom de la campagne"),
          "Campagne"),
        C("channel", "channel", True, ("canal de prospection", "source", "levier"), "Canal"),
        C("segment", "text", False, ("cible", "secteur"), "Segment"),
        C("team", "text", False, ("equipe commerciale",), "Équipe"),
        C("start_date", "date", True, ("start", "debut", "date debut", "lancement"),
          "Date de début"),
        C("end_date", "date", False, ("end", "fin", "date fin"), "Date de fin"),
        C("targets", "count", False, ("target", "cibles visees", "nombre de cibles"), "Cibles"),
    ),
    aliases=("campagne", "campaign"),
    required=True,
)

COSTS = Sheet(
    "costs",
    "Coûts",
    (
        C("campaign_id", "id", False, ("id", "campaign", "campagne"), "ID campagne"),
        C("category", "enum:category", False, ("type de cout", "nature"), "Catégorie"),
        C("item", "text", False, ("cost item", "line", "libelle", "description", "poste de cout"),
          "Poste"),
        C("amount", "money", False, ("cost", "cout", "montant ht", "depense", "budget"),
          "Montant"),
        C("hours", "number", False, ("heures passees", "temps h", "nb heures"), "Heures"),
        C("hourly_rate", "money", False, ("rate", "taux horaire charge", "cout horaire"),
          "Taux horaire"),
        C("behaviour", "enum:behaviour", False, ("behavior", "type", "variabilite"),
          "Comportement"),
        C("date", "date", False, ("month", "mois", "periode"), "Date"),
    ),
    aliases=("cout", "cost", "depenses", "budget"),
    required=True,
)

FUNNEL = Sheet(
    "funnel",
    "Entonnoir",
    (
        C("campaign_id", "id", True, ("id", "campaign", "campagne"), "ID campagne"),
        C("month", "month", False, ("period", "periode", "date"), "Mois"),
        C("contacts", "count", False, ("contacts effectifs", "contacted", "appels", "calls",
                                       "appels passes", "appels aboutis", "touches"),
          "Contacts"),
        C("leads", "count", False, ("lead", "prospects qualifies"), "Leads"),
        C("opportunities", "count", False, ("opportunity", "opportunite", "opps", "opportunites"),
          "Opportunités"),
        C("meetings", "count", False, ("rdv", "rendezvous tenus", "meeting"), "Rendez-vous"),
        C("clients", "count", False, ("ventes", "customers", "sales", "won", "clients signes",
                                      "signatures", "nouveaux clients"), "Clients"),
        C("revenue", "money", False, ("ca", "chiffre d affaires", "sales amount", "turnover"),
          "Chiffre d'affaires"),
        C("margin", "money", False, ("marge brute", "gross margin"), "Marge"),
        C("margin_rate", "rate", False, ("margin %", "marge %", "tx de marge"), "Taux de marge"),
    ),
    aliases=("volumes", "funnel", "resultats"),
)

DEALS = Sheet(
    "deals",
    "Affaires",
    (
        C("deal_id", "id", True, ("id", "deal", "opportunity id", "affaire"), "ID affaire"),
        C("campaign_id", "id", False, ("campaign", "campagne", "source campaign"), "ID campagne"),
        C("account_id", "id", False, ("account", "compte", "client", "company"), "ID compte"),
        C("first_contact_date", "date", False, ("first contact", "premier contact"),
          "Date premier contact"),
        C("created_date", "date", False, ("created", "creation", "create date"),
          "Date de création"),
        C("close_date", "date", False, ("closed", "close", "date de cloture", "signature"),
          "Date de signature"),
        C("status", "enum:status", True, ("stage", "etat"), "Statut"),
        C("amount", "money", False, ("value", "montant ht", "ca"), "Montant"),
        C("margin_rate", "rate", False, ("margin %", "marge %"), "Taux de marge"),
    ),
    aliases=("deals", "opportunites", "opportunities", "ventes"),
)

TOUCHPOINTS = Sheet(
    "touchpoints",
    "Points de contact",
    (
        C("account_id", "id", True, ("account", "compte", "client", "company"), "ID compte"),
        C("timestamp", "date", True, ("date", "datetime", "date heure", "time"), "Horodatage"),
        C("channel", "channel", True, ("source",), "Canal"),
        C("campaign_id", "id", False, ("campaign", "campagne"), "ID campagne"),
    ),
    aliases=("touchpoints", "touches", "contacts"),
)

ACTIVITIES = Sheet(
    "activities",
    "Activités",
    (
        C("date", "date", True, ("day", "jour", "timestamp"), "Date"),
        C("rep", "text", False, ("sales rep", "agent", "owner", "commercial", "vendeur"),
          "Commercial"),
        C("campaign_id", "id", True, ("campaign", "campagne"), "ID campagne"),
        C("type", "enum:activity", True, ("activity", "activite", "action"), "Type"),
        C("outcome", "enum:outcome", False, ("result", "issue", "statut"), "Résultat"),
        C("duration_min", "number", False, ("duration", "duree", "minutes"), "Durée (min)"),
    ),
    aliases=("activity", "appels", "calls", "actions"),
)

SHEETS: dict[str, Sheet] = {
    s.name: s for s in (CAMPAIGNS, COSTS, FUNNEL, DEALS, TOUCHPOINTS, ACTIVITIES)
}

# The single-table form: one row per campaign (or per campaign and month), with its
# cost and its funnel volumes side by side.
SINGLE_TABLE = Sheet(
    "table",
    "Tableau",
    (
        C("campaign_id", "id", False, ("id", "code"), "ID campagne"),
        C("campaign", "text", False, ("name", "nom", "campaign name", "nom de la campagne",
                                      "nom campagne", "libelle", "action"), "Campagne"),
        C("channel", "channel", True, ("canal de prospection", "source", "levier"), "Canal"),
        C("segment", "text", False, ("cible", "secteur"), "Segment"),
        C("team", "text", False, ("equipe commerciale",), "Équipe"),
        C("month", "month", False, ("period", "periode"), "Mois"),
        C("start_date", "date", False, ("start", "debut", "date debut"), "Date de début"),
        C("end_date", "date", False, ("end", "fin", "date fin"), "Date de fin"),
        C("targets", "count", False, ("cibles visees",), "Cibles"),
        C("hours", "number", False, ("heures passees", "nb heures", "temps h"), "Heures"),
        C("hourly_rate", "money", False, ("taux horaire charge", "cout horaire"),
          "Taux horaire"),
        C("cost", "money", False, ("cout", "couts", "amount", "montant", "budget", "cout total",
                                  "direct cost", "cout direct", "couts directs", "depenses",
                                  "depense", "investissement", "cout de la campagne"), "Coût"),
        C("indirect_cost", "money", False, ("cout indirect", "couts indirects", "indirect"),
          "Coût indirect"),
        C("contacts", "count", False, ("contacts effectifs", "appels", "calls", "appels passes",
                                       "appels aboutis", "touches"), "Contacts"),
        C("leads", "count", False, ("lead",), "Leads"),
        C("opportunities", "count", False, ("opportunite", "opportunity", "opps"),
          "Opportunités"),
        C("meetings", "count", False, ("rdv", "meeting"), "Rendez-vous"),
        C("clients", "count", False, ("ventes", "customers", "sales", "won", "signatures",
                                      "clients signes", "nouveaux clients"), "Clients"),
        C("revenue", "money", False, ("ca", "chiffre d affaires", "turnover", "ca total",
                                      "ca genere"), "Chiffre d'affaires"),
        C("margin", "money", False, ("marge brute",), "Marge"),
        C("margin_rate", "rate", False, ("marge %", "tx de marge"), "Taux de marge"),
        C("revenue_per_client", "money", False, (
            "ca par client", "panier moyen", "revenu par client", "ca moyen par client",
            "chiffre d affaires par client", "chiffre d affaires moyen par client",
            "ca moyen", "revenue per client", "average deal size", "montant moyen"),
          "CA par client"),
        C("margin_per_client", "money", False, ("marge par client", "marge moyenne par client",
                                                "marge moyenne", "marge unitaire"),
          "Marge par client"),
    ),
)
SINGLE_TABLE_COLUMNS = SINGLE_TABLE

# Enumerations: canonical value -> accepted spellings (folded with normalize_label).
ENUMS: dict[str, dict[str, tuple[str, ...]]] = {
    "category": {
        "direct": ("direct", "directe", "directs", "directes", "d"),
        "indirect": ("indirect", "indirecte", "indirects", "indirectes", "i"),
    },
    "behaviour": {
        "fixed": ("fixed", "fixe", "fixes", "fix", "f"),
        "variable": ("variable", "variables", "var", "v"),
    },
    "status": {
        "open": ("open", "en cours", "ouverte", "ouvert", "in progress", "pending", "encours"),
        "won": ("won", "gagnee", "gagne", "signee", "signe", "closed won", "closedwon", "win"),
        "lost": ("lost", "perdue", "perdu", "closed lost", "closedlost", "abandonnee"),
    },
    "activity": {
        "call": ("call", "appel", "phone", "telephone", "phoning", "appel sortant"),
        "email": ("email", "e-mail", "mail", "courriel", "emailing"),
        "meeting": ("meeting", "rdv", "rendez-vous", "rendez vous", "visite", "visio"),
        "social": ("social", "linkedin", "social selling", "message linkedin", "inmail"),
        "event": ("event", "salon", "evenement", "trade show"),
        "other": ("other", "autre"),
    },
    "outcome": {
        "no_answer": ("no answer", "no_answer", "pas de reponse", "absent", "injoignable",
                      "messagerie", "repondeur", "voicemail", "bounce", "sans reponse"),
        "contact": ("contact", "contacted", "joint", "contacte", "reached", "decroche",
                    "connected"),
        "not_interested": ("not interested", "not_interested", "pas interesse", "refus",
                           "refused", "non interesse"),
        "lead": ("lead", "interesse", "interested", "qualifie", "qualified"),
        "meeting": ("meeting", "rdv", "rendez-vous", "rendez vous", "rdv pris",
                    "meeting booked"),
        "held": ("held", "tenu", "realise", "effectue", "done"),
        "no_show": ("no show", "no_show", "annule", "cancelled", "canceled", "lapin"),
    },
}

# The four channels of the article, with their accepted spellings. Any other channel name
# is kept as the user typed it (an SME may have "Partenaires" or "Bouche-à-oreille").
CHANNELS: dict[str, tuple[str, ...]] = {
    "teleprospecting": ("teleprospecting", "teleprospection", "cold calling", "calling",
                        "phoning", "telephone", "appels", "teleprospection b2b", "phone"),
    "emailing": ("emailing", "email", "e-mailing", "emailing cible", "targeted emailing",
                 "mail", "courriel"),
    "social_selling": ("social selling", "social_selling", "linkedin", "reseaux sociaux",
                       "social"),
    "events": ("events", "event", "trade shows", "trade show", "salons", "salon",
               "evenements", "evenement", "evenements salons", "salons evenements",
               "events trade shows",
               "salons professionnels"),
}


def sheet_for_label(label: str) -> Sheet | None:
    """The canonical sheet a workbook tab name stands for, or None.

    >>> sheet_for_label("Coûts").name
    'costs'
    >>> sheet_for_label("Points de contact").name
    'touchpoints'
    >>> sheet_for_label("Mode d'emploi") is None
    True
    """
    key = normalize_label(label)
    for sheet in SHEETS.values():
        if key in {normalize_label(x) for x in sheet.labels()}:
            return sheet
    return None
