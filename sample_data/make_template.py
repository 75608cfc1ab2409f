"""Write the blank workbook to fill in: ``python sample_data/make_template.py [--out PATH]``.

First sheet "Mode d'emploi" (how to fill it in, in French), then one sheet per table of
the workbook contract (``roi_core.schema``) with its French headers: bold, frozen header
row, column widths, number formats, and drop-down lists for the words the loader knows
(Catégorie, Comportement, Statut, Type, Résultat, Canal).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from roi_core.schema import SHEETS  # noqa: E402

OUT = HERE / "template.xlsx"
ROWS = 2000  # rows covered by the drop-down lists

# What to type in each column (canonical name -> French explanation, with an example).
HELP = {
    "campaigns": {
        "campaign_id": "Code unique de la campagne, repris dans les autres feuilles (ex. TEL-01)",
        "campaign": "Nom de la campagne (ex. Appels froids PME industrie T1)",
        "channel": "Canal : Téléprospection, Emailing, Social selling, Salons/Événements "
                   "(ou un autre canal, écrit toujours de la même façon)",
        "segment": "Cible visée (ex. PME industrie, ETI services)",
        "team": "Équipe responsable (ex. Équipe Nord)",
        "start_date": "Date de lancement (ex. 15/01/2026)",
        "end_date": "Date de fin (vide si la campagne continue)",
        "targets": "Nombre de cibles visées (comptes ou contacts du fichier)",
    },
    "costs": {
        "campaign_id": "Campagne à laquelle le coût se rattache",
        "category": "Directe (dépense propre à la campagne) ou Indirecte (quote-part de "
                    "frais partagés : management, licences communes, formation)",
        "item": "Poste de coût (ex. Achat fichier, Licence, Stand salon, Temps commercial)",
        "amount": "Montant HT (ex. 8 000 €) ; laisser vide si le coût est en heures",
        "hours": "Heures passées (pour le temps des commerciaux), avec le taux horaire",
        "hourly_rate": "Taux horaire chargé (salaire + charges), ex. 38 €",
        "behaviour": "Fixe (ne bouge pas avec le volume : stand, licence) ou Variable "
                     "(suit le volume : temps d'appel, fichiers)",
        "date": "Date de la dépense (le mois compte) ; vide = mois de lancement",
    },
    "funnel": {
        "campaign_id": "Campagne",
        "month": "Mois (ex. 01/2026) ; vide si une seule ligne pour toute la campagne",
        "contacts": "Contacts effectivement joints (appels décrochés, emails ouverts …)",
        "leads": "Leads : contacts intéressés / qualifiés",
        "opportunities": "Opportunités : affaires ouvertes",
        "meetings": "Rendez-vous tenus",
        "clients": "Clients signés (ventes)",
        "revenue": "Chiffre d'affaires HT des clients signés",
        "margin": "Marge brute (ou bien le taux de marge)",
        "margin_rate": "Taux de marge (ex. 40 %) si la marge n'est pas donnée",
    },
    "deals": {
        "deal_id": "Code unique de l'affaire",
        "campaign_id": "Campagne à l'origine de l'affaire",
        "account_id": "Code du compte (entreprise) prospecté",
        "first_contact_date": "Date du premier contact avec ce compte",
        "created_date": "Date d'ouverture de l'opportunité",
        "close_date": "Date de signature (ou de perte) ; vide si en cours",
        "status": "En cours, Gagnée ou Perdue",
        "amount": "Montant HT de l'affaire",
        "margin_rate": "Taux de marge de l'affaire (ex. 40 %)",
    },
    "touchpoints": {
        "account_id": "Code du compte touché",
        "timestamp": "Date et heure du contact (ex. 15/01/2026 10:30)",
        "channel": "Canal du contact (comme dans Campagnes)",
        "campaign_id": "Campagne (si connue)",
    },
    "activities": {
        "date": "Date (et heure) de l'action",
        "rep": "Commercial (prénom)",
        "campaign_id": "Campagne",
        "type": "Appel, Email, Rendez-vous, Message LinkedIn, Salon, Autre",
        "outcome": "Pas de réponse, Contacté, Pas intéressé, Intéressé, RDV pris, Tenu, Annulé",
        "duration_min": "Durée en minutes",
    },
}

LISTS = {
    "category": ["Directe", "Indirecte"],
    "behaviour": ["Fixe", "Variable"],
    "status": ["En cours", "Gagnée", "Perdue"],
    "type": ["Appel", "Email", "Rendez-vous", "Message LinkedIn", "Salon", "Autre"],
    "outcome": ["Pas de réponse", "Contacté", "Pas intéressé", "Intéressé", "RDV pris", "Tenu",
                "Annulé"],
    "channel": ["Téléprospection", "Emailing", "Social selling", "Salons/Événements"],
}
# Channels other than the article's four are allowed: the list only suggests.
SUGGESTED_ONLY = {"channel"}

FORMATS = {"date": "DD/MM/YYYY", "month": "MM/YYYY", "money": '#,##0.00 "€"',
           "rate": "0 %", "count": "0", "number": "0.0"}

INTRO = [
    ("Mode d'emploi", "title"),
    ("Ce classeur mesure le ROI de vos campagnes de prospection (téléprospection, emailing, "
     "social selling, salons). Remplissez une ligne par élément, à partir de la ligne 2 de "
     "chaque feuille ; ne renommez pas les en-têtes (l'ordre des colonnes est libre et les "
     "colonnes en plus sont ignorées).", None),
    ("", None),
    ("Les feuilles", "head"),
    ("Campagnes (obligatoire) : une ligne par campagne, avec un ID campagne unique.", None),
    ("Coûts (obligatoire) : une ligne par dépense. Toute campagne doit avoir au moins un "
     "coût.", None),
    ("Entonnoir : les volumes par campagne (et par mois). Facultatif si Affaires et "
     "Activités sont remplies : les volumes en sont alors déduits.", None),
    ("Affaires, Points de contact, Activités : facultatives (délai de vente, attribution "
     "multicanale, volumes déduits des actions des commerciaux).", None),
    ("", None),
    ("Coûts : directs ou indirects, fixes ou variables", "head"),
    ("Directe : dépense propre à la campagne (fichier, stand, temps d'appel). Indirecte : "
     "quote-part de frais partagés (management, licences communes, formation) ; on peut "
     "les exclure du calcul pour comparer.", None),
    ("Fixe : ne varie pas avec le volume (stand, licence). Variable : suit le volume de "
     "contacts (temps d'appel, achat de fichiers). Sert aux simulations.", None),
    ("Le temps des commerciaux se saisit en Heures × Taux horaire chargé (laisser Montant "
     "vide), ou directement en Montant.", None),
    ("Sans catégorie, un coût est direct ; sans comportement, il est variable s'il est en "
     "heures, fixe s'il est en montant.", None),
    ("", None),
    ("Formats acceptés", "head"),
    ("Nombres : 8000, 8 000, 8 000 €, 66,70 ou 66.70 (espaces insécables acceptés).", None),
    ("Taux : 40 %, 40%, 0,4 ou 0.4 (un 40 sans % se lit 4000 % et est refusé).", None),
    ("Dates : date Excel, 15/01/2026 (jour d'abord) ou 2026-01-15. Mois : 01/2026, 2026-01, "
     "janvier 2026 ou une date du mois.", None),
    ("Mots : majuscules et accents indifférents (« gagnee » = « Gagnée »). Les listes "
     "déroulantes proposent les mots reconnus.", None),
    ("Fichiers CSV : une feuille par fichier (Campagnes.csv, Coûts.csv …), séparateur ; "
     "ou , en UTF-8 ou Windows-1252 (l'enregistrement CSV d'Excel convient).", None),
    ("", None),
    ("Cellule vide = « non renseigné »", "head"),
    ("Une cellule vide signifie « non renseigné », jamais zéro : une campagne sans "
     "rendez-vous saisis n'a pas de coût par rendez-vous (affiché « — »). Tapez 0 si la "
     "valeur est vraiment nulle.", None),
    ("", None),
    ("Forme simple", "head"),
    ("Une seule feuille (ou un seul CSV) avec une ligne par campagne — Campagne, Canal, "
     "Coût, Contacts, Leads, Opportunités, Clients, Chiffre d'affaires, Taux de marge — est "
     "aussi acceptée.", None),
    ("", None),
    ("Détail des colonnes (* = obligatoire)", "head"),
]


def make_template(path: Path = OUT) -> Path:
    """Write the blank template workbook to ``path``."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    guide = book.active
    guide.title = "Mode d'emploi"
    guide.column_dimensions["A"].width = 20
    guide.column_dimensions["B"].width = 24
    guide.column_dimensions["C"].width = 90
    for text, style in INTRO:
        guide.append([text])
        cell = guide.cell(guide.max_row, 1)
        if style == "title":
            cell.font = Font(bold=True, size=16)
        elif style == "head":
            cell.font = Font(bold=True, size=12)
        elif text:
            guide.merge_cells(start_row=guide.max_row, start_column=1,
                              end_row=guide.max_row, end_column=3)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            guide.row_dimensions[guide.max_row].height = 15 * (1 + len(text) // 120)
    guide.append(["Feuille", "Colonne", "Contenu"])
    for cell in guide[guide.max_row]:
        cell.font = Font(bold=True)
    for sheet in SHEETS.values():
        for col in sheet.columns:
            star = " *" if col.required or (sheet.name == "costs" and col.name in (
                "campaign_id", "amount")) else ""
            guide.append([sheet.label_fr, col.label_fr + star, HELP[sheet.name][col.name]])
            guide.cell(guide.max_row, 3).alignment = Alignment(wrap_text=True)
    guide.append(["Coûts", "", "* Montant, ou bien Heures et Taux horaire."])

    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for sheet in SHEETS.values():
        ws = book.create_sheet(sheet.label_fr)
        ws.append([col.label_fr for col in sheet.columns])
        for pos, col in enumerate(sheet.columns, 1):
            letter = get_column_letter(pos)
            cell = ws.cell(1, pos)
            cell.font = Font(bold=True)
            cell.fill = header_fill
            wide = col.name in ("campaign", "item")
            ws.column_dimensions[letter].width = 40 if wide else max(14, len(col.label_fr) + 4)
            kind = "date" if col.name == "timestamp" else col.kind
            fmt = "DD/MM/YYYY HH:MM" if col.name == "timestamp" else FORMATS.get(kind)
            if fmt:
                ws.column_dimensions[letter].number_format = fmt
            key = col.kind.split(":", 1)[1] if col.kind.startswith("enum:") else col.name
            key = {"activity": "type"}.get(key, key)
            if key in LISTS:
                dv = DataValidation(type="list", formula1='"' + ",".join(LISTS[key]) + '"',
                                    allow_blank=True)
                if key in SUGGESTED_ONLY:
                    dv.showErrorMessage = False
                else:
                    dv.errorStyle = "warning"
                    dv.error = "Valeurs reconnues : " + ", ".join(LISTS[key])
                dv.add(f"{letter}2:{letter}{ROWS}")
                ws.add_data_validation(dv)
        ws.freeze_panes = "A2"
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the blank template workbook.")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    path = make_template(args.out)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
