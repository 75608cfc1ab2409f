"""Small workbooks written by the app's tests (real .xlsx files through openpyxl).

``company_sheets(scale)`` is a three-channel company whose numbers all scale with
``scale``, so two uploads of different scales show different figures; ``article_sheets()``
is the article's case study (DOMAIN.md test vector 1).
"""

from __future__ import annotations

from workbooks import write_xlsx as write_workbook

__all__ = ["company_sheets", "article_sheets", "write_workbook"]

CAMPAIGN_HEAD = ["ID campagne", "Campagne", "Canal", "Segment", "Équipe", "Date de début",
                 "Cibles"]
COST_HEAD = ["ID campagne", "Catégorie", "Poste", "Montant", "Heures", "Taux horaire",
             "Comportement", "Date"]
FUNNEL_HEAD = ["ID campagne", "Mois", "Contacts", "Leads", "Opportunités", "Rendez-vous",
               "Clients", "Chiffre d'affaires", "Taux de marge"]


def company_sheets(scale: int = 1) -> dict[str, list[list[object]]]:
    """Three campaigns (calls, emailing, events), two months, every cost kind."""
    k = scale
    campaigns = [CAMPAIGN_HEAD,
                 ["C1", "Appels PME", "teleprospecting", "PME", "Nord", "2026-01-01", 1000 * k],
                 ["C2", "Emailing ETI", "emailing", "ETI", "Sud", "2026-01-01", 5000 * k],
                 ["C3", "Salon Lyon", "events", "ETI", "Nord", "2026-02-01", 300 * k]]
    costs = [COST_HEAD,
             ["C1", "directe", "Temps commercial", None, 100 * k, 40, "variable", "2026-01-15"],
             ["C1", "directe", "Temps commercial", None, 120 * k, 40, "variable", "2026-02-15"],
             ["C1", "directe", "Fichier", 1500 * k, None, None, "fixe", "2026-01-05"],
             ["C1", "indirecte", "Encadrement", 800 * k, None, None, "fixe", "2026-01-31"],
             ["C2", "directe", "Routage", 900 * k, None, None, "variable", "2026-01-10"],
             ["C2", "directe", "Licence", 600 * k, None, None, "fixe", "2026-01-10"],
             ["C2", "indirecte", "Marketing", None, 20 * k, 50, "variable", "2026-02-10"],
             ["C3", "directe", "Stand", 9000 * k, None, None, "fixe", "2026-02-20"],
             ["C3", "indirecte", "Déplacements", 1200 * k, None, None, "variable",
              "2026-02-21"]]
    funnel = [FUNNEL_HEAD,
              ["C1", "2026-01", 400 * k, 60 * k, 15 * k, 10 * k, 5 * k, 30000 * k, 0.4],
              ["C1", "2026-02", 450 * k, 70 * k, 20 * k, 12 * k, 6 * k, 36000 * k, 0.4],
              ["C2", "2026-01", 3000 * k, 90 * k, 10 * k, 6 * k, 2 * k, 10000 * k, 0.5],
              ["C2", "2026-02", 1500 * k, 40 * k, 5 * k, 3 * k, 1 * k, 5000 * k, 0.5],
              ["C3", "2026-02", 250 * k, 50 * k, 20 * k, 15 * k, 4 * k, 48000 * k, 0.35]]
    return {"Campagnes": campaigns, "Coûts": costs, "Entonnoir": funnel}


def article_sheets() -> dict[str, list[list[object]]]:
    """The article's case: cost 8 000 (fixed), 1 000 targets, 800 contacts … 10 clients."""
    return {
        "Campagnes": [CAMPAIGN_HEAD,
                      ["A1", "Cas de l'article", "teleprospecting", "PME", "Nord", "2026-01-01",
                       1000]],
        "Coûts": [COST_HEAD, ["A1", "directe", "Campagne", 8000, None, None, "fixe",
                              "2026-01-15"]],
        "Entonnoir": [FUNNEL_HEAD, ["A1", "2026-01", 800, 120, 30, None, 10, 60000, 0.4]],
    }
