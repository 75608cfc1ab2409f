"""A small, hand-checkable workbook for the report and the Excel export tests.

French tab and column names (as the template has them), four channels, months Jan–Apr
2026, and the awkward cases the report and the export must carry:

- C1 teleprospection: two months of funnel, a direct and an indirect cost, hours × rate;
- C2 emailing: no meetings recorded (blank), a cost typed "1 200 €";
- C3 social selling: zero leads in its only month (CPL undefined);
- C4 salon: costs but no funnel row at all (volumes not recorded);
- C5 partenaires: funnel but no cost line (cost not recorded);
- a cost line without a campaign (unassigned) and one with an unknown id (C9);
- text that a spreadsheet would run: a name "=HYPERLINK(…)", an item "+33 1 23",
  a segment "@SUM(A1)", a team "-Nord".
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

CAMPAIGNS = [
    ["ID campagne", "Campagne", "Canal", "Segment", "Équipe", "Date de début", "Cibles"],
    ["C1", "Appels PME", "Téléprospection", "PME", "Nord", "2026-01-05", 1000],
    ["C2", "Newsletter ETI", "Emailing", "ETI", "Sud", "2026-01-10", 5000],
    ["C3", '=HYPERLINK("http://evil.example/","clic")', "Social selling", "@SUM(A1)",
     "-Nord", "2026-02-01", None],
    ["C4", "Salon Lyon", "Salons", "PME", "Sud", "2026-03-12", 400],
    ["C5", "Apporteurs", "Partenaires", "ETI", "Nord", "2026-02-15", None],
]
COSTS = [
    ["ID campagne", "Catégorie", "Poste", "Montant", "Heures", "Taux horaire", "Date"],
    ["C1", "directe", "Fichier", 1500, None, None, "2026-01-05"],
    ["C1", "directe", "Temps commercial", None, 120, 45, "2026-01-31"],
    ["C1", "indirecte", "Logiciel", 300, None, None, "2026-02-01"],
    ["C2", "directe", "Routage", "1 200 €", None, None, "2026-01-10"],
    ["C2", "indirecte", "+33 1 23", 250, None, None, None],
    ["C3", "directe", "Sales Navigator", 900, None, None, "2026-02-01"],
    ["C4", "directe", "Stand", 6000, None, None, "2026-03-12"],
    ["C4", "indirecte", "Déplacements", 1100, None, None, "2026-03-13"],
    [None, "indirecte", "Formation", 700, None, None, "2026-02-10"],
    ["C9", "directe", "Inconnue", 400, None, None, "2026-03-01"],
]
FUNNEL = [
    ["ID campagne", "Mois", "Contacts", "Leads", "Opportunités", "Rendez-vous", "Clients",
     "Chiffre d'affaires", "Taux de marge"],
    ["C1", "2026-01", 600, 60, 14, 10, 3, 18000, "40 %"],
    ["C1", "2026-02", 400, 40, 10, 8, 4, 26000, "40 %"],
    ["C2", "2026-01", 3000, 90, 12, None, 2, 9000, "35 %"],
    ["C2", "2026-03", 1500, 30, 6, None, 1, 4000, "35 %"],
    ["C3", "2026-02", 200, 0, 0, 0, 0, 0, "40 %"],
    ["C5", "2026-03", 50, 20, 8, 6, 4, 30000, "30 %"],
]


def write_report_workbook(path: Path) -> Path:
    """Write the workbook described above to ``path`` and return it."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in (("Campagnes", CAMPAIGNS), ("Coûts", COSTS), ("Entonnoir", FUNNEL)):
        ws = wb.create_sheet(title)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = ws.cell(row=r, column=c, value=value)
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # a text cell in the user's file, not a formula
    wb.save(path)
    return path
