"""Generate the demo company: ``python sample_data/generate_demo.py [--seed N] [--out PATH]``.

Logiprox SAS, a fictional French B2B SME selling maintenance software, over the twelve
months 2025-12 .. 2026-11 (data as of 30/11/2026). Three sales reps (Camille, Julien,
Sophie) make about 800 calls a month; the company also runs emailing waves, social selling
and trade shows: the four channels of the article, with orders of magnitude close to the
DOMAIN.md channel table (CPL 80/30/50/150, CPO 250/400/300/600, margin per client
2 000/1 200/1 500/3 000).

The simulation is account by account: emailing openers and social-selling replies warm up
accounts that calls then convert more easily (several channels touch an account before
its deal); leads book meetings; meetings and interested leads become deals; deals close
weeks to months later (a January campaign still signs in April), so the last campaigns
are still immature with open deals.

The workbook is clean and self-consistent: its ``Entonnoir`` sheet is exactly what
``roi_core.funnel.derive_funnel`` derives from ``Affaires`` and ``Activités``, completed
with the emailing volumes (emailing has no activity rows: its contacts and leads come from
the emailing tool).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from roi_core.funnel import derive_funnel  # noqa: E402

COMPANY = "Logiprox SAS"
SEED = 2026
FIRST_MONTH = pd.Timestamp("2025-12-01")
AS_OF = pd.Timestamp("2026-11-30 23:59")
OUT = HERE / "demo_company.xlsx"

REPS = {"Camille": 38.0, "Julien": 36.0, "Sophie": 41.0}  # loaded hourly rate, €/h
MARKETING_RATE = 45.0
SEGMENTS = ["PME industrie", "ETI services", "Commerce de gros", "PME BTP", "Santé privée"]

TELE, MAIL, SOCIAL, EVENTS = "Téléprospection", "Emailing", "Social selling", \
    "Salons/Événements"

# French words as a user types them, for the canonical values the simulation uses.
TYPE_FR = {"call": "Appel", "email": "Email", "meeting": "Rendez-vous",
           "social": "Message LinkedIn", "event": "Salon"}
OUTCOME_FR = {"no_answer": "Pas de réponse", "contact": "Contacté",
              "not_interested": "Pas intéressé", "lead": "Intéressé", "meeting": "RDV pris",
              "held": "Tenu", "no_show": "Annulé"}
STATUS_FR = {"open": "En cours", "won": "Gagnée", "lost": "Perdue"}

# Per channel: P(opportunity | held meeting), P(opportunity | lead without meeting),
# sales cycle median (days), P(won | closed), deal amount mean (€), margin rate mean.
CHANNEL = {
    TELE: dict(opp_held=0.70, opp_lead=0.16, cycle=38, win=0.34, amount=5000, rate=0.40),
    MAIL: dict(opp_held=0.0, opp_lead=0.075, cycle=45, win=0.30, amount=3200, rate=0.375),
    SOCIAL: dict(opp_held=0.42, opp_lead=0.06, cycle=50, win=0.30, amount=4000, rate=0.375),
    EVENTS: dict(opp_held=0.55, opp_lead=0.12, cycle=60, win=0.30, amount=7000, rate=0.43),
}

# Call / message / stand-conversation outcomes (canonical), cold and warm accounts.
OUTCOMES = ["no_answer", "contact", "not_interested", "lead", "meeting"]
P_CALL_COLD = [0.52, 0.34, 0.07, 0.045, 0.025]
P_CALL_WARM = [0.45, 0.33, 0.07, 0.09, 0.06]
P_SOCIAL = [0.60, 0.20, 0.065, 0.085, 0.05]
P_STAND = [0.0, 0.58, 0.15, 0.17, 0.10]


@dataclass
class Campaign:
    campaign_id: str
    campaign: str
    channel: str
    segment: str
    team: str
    start: pd.Timestamp
    end: pd.Timestamp
    targets: int
    outreach_end: pd.Timestamp  # last day of calls / messages / stand / emails


def _d(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


def campaign_plan(rng: np.random.Generator) -> list[Campaign]:
    """The 27 campaigns: 8 calling, 8 emailing waves, 6 social selling, 5 trade shows."""
    out: list[Campaign] = []
    tele = [("2025-12-01", "2026-02-13", "Relance parc installé"),
            ("2026-01-05", "2026-03-27", "Appels froids Q1"),
            ("2026-03-02", "2026-05-22", "Offre maintenance prédictive"),
            ("2026-04-01", "2026-06-26", "Appels froids Q2"),
            ("2026-06-01", "2026-08-28", "Campagne été"),
            ("2026-07-01", "2026-09-25", "Rentrée décideurs"),
            ("2026-09-01", "2026-11-20", "Appels froids Q4"),
            ("2026-10-01", "2026-12-18", "Budget 2027")]
    for i, (start, end, name) in enumerate(tele, 1):
        seg = SEGMENTS[(i - 1) % 4]
        out.append(Campaign(f"TEL-{i:02d}", f"{name} – {seg}", TELE, seg,
                            "Équipe Nord" if i % 2 else "Équipe Sud", _d(start), _d(end),
                            int(rng.integers(14, 20)) * 100,
                            _d(end) - pd.Timedelta(days=20)))
    sends = ["2025-12-09", "2026-01-20", "2026-03-10", "2026-04-21", "2026-06-09",
             "2026-09-08", "2026-10-06", "2026-11-10"]
    for i, send in enumerate(sends, 1):
        seg = SEGMENTS[(i + 1) % 5]
        start = _d(send)
        out.append(Campaign(f"EML-{i:02d}", f"Newsletter ciblée n°{i} – {seg}", MAIL, seg,
                            "Marketing", start, start + pd.Timedelta(days=45),
                            int(rng.integers(16, 26)) * 100, start + pd.Timedelta(days=14)))
    social = [("2025-12-01", "2026-03-13"), ("2026-02-02", "2026-04-30"),
              ("2026-04-06", "2026-07-10"), ("2026-06-01", "2026-08-31"),
              ("2026-08-24", "2026-11-13"), ("2026-09-14", "2026-12-11")]
    for i, (start, end) in enumerate(social, 1):
        seg = SEGMENTS[(i + 2) % 5]
        out.append(Campaign(f"SOC-{i:02d}", f"LinkedIn {seg} – vague {i}", SOCIAL, seg,
                            "Équipe Sud" if i % 2 else "Équipe Nord", _d(start), _d(end),
                            int(rng.integers(6, 10)) * 100, _d(end) - pd.Timedelta(days=20)))
    shows = [("2026-01-27", "Salon Maintenance Expo Lyon", "PME industrie"),
             ("2026-03-24", "Salon Industrie Paris Nord", "PME industrie"),
             ("2026-05-19", "Rencontres Achats & Services", "ETI services"),
             ("2026-09-22", "Salon BatiPro Nantes", "PME BTP"),
             ("2026-10-13", "Forum Santé Connectée", "Santé privée")]
    for i, (day, name, seg) in enumerate(shows, 1):
        show = _d(day)
        out.append(Campaign(f"EVT-{i:02d}", name, EVENTS, seg, "Équipe Nord" if i % 2 else
                            "Équipe Sud", show - pd.Timedelta(days=28),
                            show + pd.Timedelta(days=30), int(rng.integers(10, 16)) * 100,
                            show + pd.Timedelta(days=2)))
    return out


def _workdays(first: pd.Timestamp, last: pd.Timestamp) -> pd.DatetimeIndex:
    return pd.bdate_range(first.normalize(), last.normalize())


def _at(rng: np.random.Generator, day: pd.Timestamp) -> pd.Timestamp:
    """A working time on that day (09:00 .. 17:55, whole minutes)."""
    return day.normalize() + pd.Timedelta(minutes=int(rng.integers(9 * 60, 18 * 60)))


class Simulation:
    """Accounts, touches, activities, leads and deals, drawn from one seeded generator."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.campaigns = campaign_plan(self.rng)
        n_accounts = 12000
        self.account_segment = self.rng.choice(SEGMENTS, n_accounts,
                                               p=[0.3, 0.25, 0.2, 0.15, 0.1])
        self.accounts = np.array([f"CPT-{i:05d}" for i in range(1, n_accounts + 1)])
        self.touches: list[tuple[str, pd.Timestamp, str, str]] = []
        self.activities: list[dict[str, object]] = []
        self.leads: list[dict[str, object]] = []
        self.mail_volumes: list[dict[str, object]] = []
        self.warm: dict[str, list[tuple[pd.Timestamp, str]]] = {s: [] for s in SEGMENTS}

    # -- helpers ------------------------------------------------------------------------

    def _pool(self, segment: str) -> np.ndarray:
        return self.accounts[self.account_segment == segment]

    def _activity(self, camp: Campaign, when: pd.Timestamp, rep: str, kind: str,
                  outcome: str, minutes: float, account: str) -> None:
        self.activities.append({"date": when, "rep": rep, "campaign_id": camp.campaign_id,
                                "type": kind, "outcome": outcome, "duration_min": minutes,
                                "account": account})
        if outcome != "no_answer":
            self.touches.append((account, when, camp.channel, camp.campaign_id))

    def _lead(self, camp: Campaign, when: pd.Timestamp, account: str, booked: bool,
              rep: str | None) -> None:
        self.leads.append({"campaign": camp, "date": when, "account": account,
                           "booked": booked, "rep": rep})

    def _split(self, total: int, campaigns: list[Campaign], month: pd.Timestamp) -> list[
            tuple[Campaign, pd.DatetimeIndex, int]]:
        """Share a month's volume among the campaigns reaching out that month."""
        end = month + pd.offsets.MonthEnd(0)
        windows = []
        for camp in campaigns:
            days = _workdays(max(camp.start, month), min(camp.outreach_end, end, AS_OF))
            if len(days):
                windows.append((camp, days))
        if not windows:
            return []
        weights = np.array([len(days) for _, days in windows], float)
        counts = self.rng.multinomial(total, weights / weights.sum())
        return [(c, d, int(n)) for (c, d), n in zip(windows, counts, strict=True)]

    def _months(self) -> pd.DatetimeIndex:
        return pd.date_range(FIRST_MONTH, AS_OF.normalize(), freq="MS")

    # -- channels -----------------------------------------------------------------------

    def emailing(self) -> None:
        for camp in (c for c in self.campaigns if c.channel == MAIL):
            pool = self._pool(camp.segment)
            targets = self.rng.choice(pool, min(camp.targets, len(pool)), replace=False)
            opened = targets[self.rng.random(len(targets)) < 0.36]
            for account in opened:
                when = _at(self.rng, camp.start + pd.Timedelta(
                    days=int(min(self.rng.exponential(2.5), 14))))
                if when > AS_OF:
                    continue
                self.touches.append((account, when, MAIL, camp.campaign_id))
                self.warm[camp.segment].append((when, account))
                lead = self.rng.random() < 0.075
                self.mail_volumes.append({"campaign_id": camp.campaign_id, "date": when,
                                          "lead": lead})
                if lead:
                    self._lead(camp, when + pd.Timedelta(hours=int(self.rng.integers(1, 48))),
                               account, False, None)

    def social(self) -> None:
        social = [c for c in self.campaigns if c.channel == SOCIAL]
        for month in self._months():
            for camp, days, n in self._split(int(self.rng.poisson(400)), social, month):
                pool = self._pool(camp.segment)
                for _ in range(n):
                    rep = str(self.rng.choice(list(REPS)))
                    when = _at(self.rng, days[int(self.rng.integers(len(days)))])
                    account = str(self.rng.choice(pool))
                    outcome = OUTCOMES[int(self.rng.choice(5, p=P_SOCIAL))]
                    self._activity(camp, when, rep, "social", outcome,
                                   float(self.rng.integers(3, 9)), account)
                    if outcome != "no_answer":
                        self.warm[camp.segment].append((when, account))
                    if outcome in ("lead", "meeting"):
                        self._lead(camp, when, account, outcome == "meeting", rep)

    def calls(self) -> None:
        tele = [c for c in self.campaigns if c.channel == TELE]
        warm = {s: sorted(v) for s, v in self.warm.items()}
        warm_times = {s: np.array([t.value for t, _ in v]) for s, v in warm.items()}
        for month in self._months():
            for camp, days, n in self._split(int(self.rng.poisson(800)), tele, month):
                pool = self._pool(camp.segment)
                for _ in range(n):
                    rep = str(self.rng.choice(list(REPS)))
                    when = _at(self.rng, days[int(self.rng.integers(len(days)))])
                    ready = int(np.searchsorted(warm_times[camp.segment], when.value))
                    is_warm = ready > 0 and self.rng.random() < 0.35
                    if is_warm:
                        pick = int(self.rng.integers(max(0, ready - 1500), ready))
                        account = warm[camp.segment][pick][1]
                    else:
                        account = str(self.rng.choice(pool))
                    p = P_CALL_WARM if is_warm else P_CALL_COLD
                    outcome = OUTCOMES[int(self.rng.choice(5, p=p))]
                    minutes = {"no_answer": 1, "contact": 4, "not_interested": 3,
                               "lead": 9, "meeting": 12}[outcome]
                    self._activity(camp, when, rep, "call", outcome,
                                   float(minutes + self.rng.integers(0, 4)), account)
                    if outcome in ("lead", "meeting"):
                        self._lead(camp, when, account, outcome == "meeting", rep)
                        if outcome == "lead" and self.rng.random() < 0.5:
                            # A documentation email follows the call.
                            later = when + pd.Timedelta(hours=int(self.rng.integers(1, 30)))
                            if later <= min(AS_OF, camp.end):
                                self._activity(camp, later, rep, "email", "contact", 5.0,
                                               account)

    def events(self) -> None:
        for camp in (c for c in self.campaigns if c.channel == EVENTS):
            days = _workdays(camp.outreach_end - pd.Timedelta(days=2), camp.outreach_end)
            pool = self._pool(camp.segment)
            others = self.accounts
            for _ in range(int(self.rng.poisson(330))):
                rep = str(self.rng.choice(list(REPS)))
                when = _at(self.rng, days[int(self.rng.integers(len(days)))])
                account = str(self.rng.choice(pool if self.rng.random() < 0.7 else others))
                outcome = OUTCOMES[int(self.rng.choice(5, p=P_STAND))]
                self._activity(camp, when, rep, "event", outcome,
                               float(self.rng.integers(5, 20)), account)
                if outcome in ("lead", "meeting"):
                    self._lead(camp, when, account, outcome == "meeting", rep)

    # -- meetings and deals -------------------------------------------------------------

    def pipeline(self) -> list[dict[str, object]]:
        deals: list[dict[str, object]] = []
        seen: set[tuple[str, str]] = set()
        self.leads.sort(key=lambda x: (x["date"], x["campaign"].campaign_id, x["account"]))
        for lead in self.leads:
            camp: Campaign = lead["campaign"]
            key = (camp.campaign_id, str(lead["account"]))
            if key in seen:  # one deal at most per account and campaign
                continue
            params = CHANNEL[camp.channel]
            when: pd.Timestamp = lead["date"]
            held = False
            if lead["booked"]:
                meet = _at(self.rng, (when + pd.Timedelta(days=int(self.rng.integers(2, 15))))
                           .normalize())
                meet = min(meet, camp.end.normalize() + pd.Timedelta(hours=17))
                if meet <= AS_OF:
                    held = self.rng.random() < 0.85
                    self._activity(camp, meet, str(lead["rep"]), "meeting",
                                   "held" if held else "no_show",
                                   float(self.rng.integers(4, 10) * 10), str(lead["account"]))
                if not held:
                    continue
                p_opp = params["opp_held"]
                created = meet + pd.Timedelta(days=int(self.rng.integers(0, 6)))
            else:
                p_opp = params["opp_lead"]
                created = when + pd.Timedelta(days=int(self.rng.integers(3, 21)))
            if self.rng.random() >= p_opp or created > AS_OF:
                continue
            seen.add(key)
            deals.append(self._deal(camp, str(lead["account"]), created.normalize()))
        return deals

    def _deal(self, camp: Campaign, account: str, created: pd.Timestamp) -> dict[str, object]:
        params = CHANNEL[camp.channel]
        cycle = float(np.clip(self.rng.lognormal(np.log(params["cycle"]), 0.5), 10, 200))
        close = created + pd.Timedelta(days=round(cycle))
        sigma = 0.45
        amount = params["amount"] * self.rng.lognormal(-sigma ** 2 / 2, sigma)
        amount = float(max(500.0, round(amount / 50) * 50))
        rate = float(np.clip(round(self.rng.normal(params["rate"], 0.05), 2), 0.15, 0.65))
        if close > AS_OF:
            status, close_date = "open", pd.NaT
        else:
            status = "won" if self.rng.random() < params["win"] else "lost"
            close_date = close
        return {"campaign_id": camp.campaign_id, "account_id": account,
                "created_date": created, "close_date": close_date, "status": status,
                "amount": amount, "margin_rate": rate}


def _costs(sim: Simulation, acts: pd.DataFrame) -> pd.DataFrame:
    """Cost lines of every kind, dated, for every campaign."""
    rng = sim.rng
    rows: list[dict[str, object]] = []

    def line(camp: Campaign, item: str, category: str, behaviour: str, date: pd.Timestamp,
             amount: float | None = None, hours: float | None = None,
             rate: float | None = None) -> None:
        rows.append({"campaign_id": camp.campaign_id, "category": category, "item": item,
                     "amount": amount, "hours": hours, "hourly_rate": rate,
                     "behaviour": behaviour, "date": date.normalize()})

    work = acts[acts["type"] != "meeting"].copy()
    work["month"] = work["date"].dt.to_period("M").dt.to_timestamp()
    minutes = {TELE: 8.0, SOCIAL: 6.5, EVENTS: 0.0}
    social_active: dict[pd.Timestamp, int] = {}
    for camp in sim.campaigns:
        if camp.channel != SOCIAL:
            continue
        for month in pd.date_range(camp.start.replace(day=1), min(camp.end, AS_OF), freq="MS"):
            social_active[month] = social_active.get(month, 0) + 1
    for camp in sim.campaigns:
        mine = work[work["campaign_id"] == camp.campaign_id]
        months = pd.date_range(camp.start.replace(day=1), min(camp.end, AS_OF), freq="MS")
        first = [max(camp.start, m) for m in months]
        if camp.channel == TELE:
            line(camp, "Achat fichier de prospection", "direct", "variable", camp.start,
                 amount=round(camp.targets * 0.55))
            for when in first:
                line(camp, "Licence logiciel d'appel (quote-part)", "direct", "fixed", when,
                     amount=160.0)
                line(camp, "Management commercial (quote-part)", "indirect", "fixed", when,
                     amount=420.0)
            if camp.campaign_id in ("TEL-01", "TEL-05"):
                line(camp, "Formation script d'appel", "indirect", "fixed", camp.start,
                     amount=900.0)
        elif camp.channel == MAIL:
            line(camp, "Achat fichier emails", "direct", "variable", camp.start,
                 amount=round(camp.targets * 0.22))
            line(camp, "Plateforme d'emailing (quote-part)", "direct", "fixed", camp.start,
                 amount=190.0)
            line(camp, "Rédaction et design de l'email", "direct", "variable", camp.start,
                 hours=float(rng.integers(10, 17)), rate=MARKETING_RATE)
            line(camp, "Nettoyage et relances du fichier", "direct", "variable", camp.start,
                 hours=float(rng.integers(3, 7)), rate=30.0)
            line(camp, "Management marketing (quote-part)", "indirect", "fixed", camp.start,
                 amount=300.0)
        elif camp.channel == SOCIAL:
            for when in first:
                month = when.replace(day=1)
                line(camp, "Licences Sales Navigator (quote-part)", "direct", "fixed", when,
                     amount=round(3 * 80.0 / social_active[month], 2))
                line(camp, "Création de contenus LinkedIn", "direct", "variable", when,
                     hours=float(rng.integers(4, 8)), rate=MARKETING_RATE)
                line(camp, "Management commercial (quote-part)", "indirect", "fixed", when,
                     amount=220.0)
            if camp.campaign_id == "SOC-01":
                line(camp, "Formation social selling", "indirect", "fixed", camp.start,
                     amount=1200.0)
        else:
            line(camp, "Stand (location et aménagement)", "direct", "fixed", camp.start,
                 amount=float(rng.integers(50, 80) * 100))
            line(camp, "Inscription et badges", "direct", "fixed", camp.start,
                 amount=float(rng.integers(3, 6) * 100))
            line(camp, "Déplacements et hébergement", "direct", "variable", camp.outreach_end,
                 amount=float(rng.integers(12, 21) * 100))
            line(camp, "Goodies et documentation", "direct", "variable", camp.start,
                 amount=float(rng.integers(5, 9) * 100))
            for rep, rate in REPS.items():
                line(camp, f"Temps commercial sur le salon – {rep}", "direct", "variable",
                     camp.outreach_end, hours=27.0, rate=rate)
            line(camp, "Préparation et management (quote-part)", "indirect", "fixed",
                 camp.start, amount=800.0)
        if camp.channel in (TELE, SOCIAL):
            what = "appels" if camp.channel == TELE else "social selling"
            for (month, rep), n in mine.groupby(["month", "rep"]).size().items():
                hours = round(n * minutes[camp.channel] / 60 * 2) / 2
                when = max(camp.start, month)
                line(camp, f"Temps commercial {what} – {rep}", "direct", "variable", when,
                     hours=hours, rate=REPS[rep])
    return pd.DataFrame(rows)


def build_demo(seed: int = SEED) -> dict[str, pd.DataFrame]:
    """The demo company as canonical frames (campaigns, costs, funnel, deals, touchpoints,
    activities), the same for the same seed."""
    sim = Simulation(seed)
    sim.emailing()
    sim.social()
    sim.calls()
    sim.events()
    deal_rows = sim.pipeline()

    acts = pd.DataFrame(sim.activities).sort_values(["date", "rep", "campaign_id"],
                                                    kind="stable").reset_index(drop=True)
    touches = pd.DataFrame(sim.touches, columns=["account_id", "timestamp", "channel",
                                                 "campaign_id"])
    touches = touches.sort_values(["timestamp", "account_id"], kind="stable")
    touches = touches.drop_duplicates(["account_id", "timestamp", "campaign_id"])
    deals = pd.DataFrame(deal_rows).sort_values(["created_date", "campaign_id", "account_id"],
                                                kind="stable").reset_index(drop=True)
    deals.insert(0, "deal_id", [f"AFF-{i:04d}" for i in range(1, len(deals) + 1)])
    first_touch = touches.groupby("account_id")["timestamp"]
    # The first contact: the account's earliest touch before the deal was created.
    firsts = []
    for account, created in zip(deals["account_id"], deals["created_date"], strict=True):
        times = first_touch.get_group(account)
        firsts.append(times[times <= created + pd.Timedelta(days=1)].min().normalize())
    deals.insert(3, "first_contact_date", firsts)

    campaigns = pd.DataFrame([{
        "campaign_id": c.campaign_id, "campaign": c.campaign, "channel": c.channel,
        "segment": c.segment, "team": c.team, "start_date": c.start, "end_date": c.end,
        "targets": float(c.targets)} for c in sim.campaigns])
    costs = _costs(sim, acts)

    activities = acts.drop(columns=["account"])
    funnel = derive_funnel(campaigns, deals, activities)
    mail = pd.DataFrame(sim.mail_volumes)
    mail["month"] = mail["date"].dt.to_period("M").dt.to_timestamp()
    mail_volumes = mail.groupby(["campaign_id", "month"]).agg(
        contacts=("lead", "size"), leads=("lead", "sum")).astype(float).reset_index()
    funnel = funnel.merge(mail_volumes, on=["campaign_id", "month"], how="outer",
                          suffixes=("", "_mail"))
    is_mail = funnel["campaign_id"].str.startswith("EML-")
    for col in ("contacts", "leads"):
        funnel[col] = funnel[col].where(~is_mail, funnel[f"{col}_mail"].fillna(0.0))
    for col in ("opportunities", "clients", "revenue", "margin"):
        funnel[col] = funnel[col].fillna(0.0)
    funnel = funnel.drop(columns=["contacts_mail", "leads_mail", "margin_rate", "row"])
    funnel = funnel.sort_values(["campaign_id", "month"]).reset_index(drop=True)
    return {"campaigns": campaigns, "costs": costs, "funnel": funnel, "deals": deals,
            "touchpoints": touches.reset_index(drop=True), "activities": activities}


# --- writing the workbook ------------------------------------------------------------------

SHEET_FR = {"campaigns": "Campagnes", "costs": "Coûts", "funnel": "Entonnoir",
            "deals": "Affaires", "touchpoints": "Points de contact", "activities": "Activités"}
HEADERS_FR = {
    "campaigns": {"campaign_id": "ID campagne", "campaign": "Campagne", "channel": "Canal",
                  "segment": "Segment", "team": "Équipe", "start_date": "Date de début",
                  "end_date": "Date de fin", "targets": "Cibles"},
    "costs": {"campaign_id": "ID campagne", "category": "Catégorie", "item": "Poste",
              "amount": "Montant", "hours": "Heures", "hourly_rate": "Taux horaire",
              "behaviour": "Comportement", "date": "Date"},
    "funnel": {"campaign_id": "ID campagne", "month": "Mois", "contacts": "Contacts",
               "leads": "Leads", "opportunities": "Opportunités", "meetings": "Rendez-vous",
               "clients": "Clients", "revenue": "Chiffre d'affaires", "margin": "Marge"},
    "deals": {"deal_id": "ID affaire", "campaign_id": "ID campagne", "account_id": "ID compte",
              "first_contact_date": "Date premier contact", "created_date": "Date de création",
              "close_date": "Date de signature", "status": "Statut", "amount": "Montant",
              "margin_rate": "Taux de marge"},
    "touchpoints": {"account_id": "ID compte", "timestamp": "Horodatage", "channel": "Canal",
                    "campaign_id": "ID campagne"},
    "activities": {"date": "Date", "rep": "Commercial", "campaign_id": "ID campagne",
                   "type": "Type", "outcome": "Résultat", "duration_min": "Durée (min)"},
}
FORMATS = {"start_date": "DD/MM/YYYY", "end_date": "DD/MM/YYYY", "date": "DD/MM/YYYY",
           "first_contact_date": "DD/MM/YYYY", "created_date": "DD/MM/YYYY",
           "close_date": "DD/MM/YYYY", "month": "MM/YYYY", "timestamp": "DD/MM/YYYY HH:MM",
           "amount": "#,##0.00 €", "hourly_rate": "#,##0.00 €", "revenue": "#,##0 €",
           "margin": "#,##0.00 €", "margin_rate": "0 %"}


def french_frames(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The canonical frames with the values a French user types (Gagnée, Appel, fixe …)."""
    out = {k: v.copy() for k, v in frames.items()}
    out["costs"]["category"] = out["costs"]["category"].map(
        {"direct": "Directe", "indirect": "Indirecte"})
    out["costs"]["behaviour"] = out["costs"]["behaviour"].map(
        {"fixed": "Fixe", "variable": "Variable"})
    out["deals"]["status"] = out["deals"]["status"].map(STATUS_FR)
    out["activities"]["type"] = out["activities"]["type"].map(TYPE_FR)
    out["activities"]["outcome"] = out["activities"]["outcome"].map(OUTCOME_FR)
    return out


def _cell(value: object) -> object:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def write_demo(path: Path = OUT, seed: int = SEED) -> Path:
    """Write the demo workbook (French sheet names, headers and words) to ``path``."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    frames = french_frames(build_demo(seed))
    book = Workbook()
    book.remove(book.active)
    for name, sheet_fr in SHEET_FR.items():
        ws = book.create_sheet(sheet_fr)
        headers = HEADERS_FR[name]
        frame = frames[name][list(headers)]
        ws.append(list(headers.values()))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for record in frame.itertuples(index=False, name=None):
            ws.append([_cell(v) for v in record])
        for pos, col in enumerate(headers, 1):
            letter = get_column_letter(pos)
            width = max(len(headers[col]) + 2, 12 if col not in ("campaign", "item") else 44)
            ws.column_dimensions[letter].width = width
            fmt = FORMATS.get(col)
            if fmt:
                for (cell,) in ws.iter_rows(min_row=2, min_col=pos, max_col=pos):
                    cell.number_format = fmt
        ws.freeze_panes = "A2"
    book.properties.creator = COMPANY
    book.properties.created = pd.Timestamp("2026-11-30").to_pydatetime()
    book.properties.modified = pd.Timestamp("2026-11-30").to_pydatetime()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    path = write_demo(args.out, args.seed)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
