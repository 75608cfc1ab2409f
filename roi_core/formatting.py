"""Showing numbers to people: French (default) or English formats, and KPI labels.

Formats come from Babel's locale data (CLDR): French groups thousands with a narrow
no-break space and puts a no-break space before "€" and "%". Undefined values (NaN,
None) show as "—".
"""

from __future__ import annotations

import functools
import math

from babel import Locale
from babel.numbers import NumberPattern, parse_pattern

__all__ = [
    "LANGS",
    "LOCALES",
    "UNDEFINED",
    "money",
    "number",
    "percent",
    "kpi_value",
    "label",
    "LABELS",
    "KIND",
]

LANGS = ("fr", "en")
LOCALES = {"fr": "fr_FR", "en": "en_GB"}
UNDEFINED = "—"


def _undefined(value: object) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def _with_decimals(pattern: str, decimals: int) -> str:
    if decimals <= 0:
        return pattern
    # The last "0" of the integer part is where the fraction goes.
    integer_end = pattern.rfind("0")
    return pattern[: integer_end + 1] + "." + "0" * decimals + pattern[integer_end + 1:]


@functools.cache
def _pattern(kind: str, lang: str, decimals: int) -> tuple[Locale, NumberPattern]:
    """The locale and the parsed CLDR pattern of a kind of number (parsed once: the app
    formats a few hundred numbers on every slider move)."""
    locale = Locale.parse(LOCALES[lang])
    if kind == "money":
        text = locale.currency_formats["standard"].pattern.replace(".00", "")
    elif kind == "percent":
        text = locale.percent_formats[None].pattern
    else:
        text = "#,##0"
    return locale, parse_pattern(_with_decimals(text, decimals))


def money(value: object, lang: str = "fr", currency: str = "EUR", decimals: int = 0) -> str:
    """An amount in the given currency, rounded to ``decimals``.

    >>> money(1234.56, decimals=2) == "1\\u202f234,56\\u00a0€"
    True
    >>> money(1234.56, "en", decimals=2)
    '€1,234.56'
    >>> money(float("nan"))
    '—'
    """
    if _undefined(value):
        return UNDEFINED
    locale, pattern = _pattern("money", lang, decimals)
    return pattern.apply(float(value), locale, currency=currency, currency_digits=False)


def percent(value: object, lang: str = "fr", decimals: int = 1) -> str:
    """A fraction shown as a percentage: 0.125 -> "12,5 %" (fr) or "12.5%" (en).

    >>> percent(0.125) == "12,5\\u00a0%"
    True
    >>> percent(2.0, "en", decimals=0)
    '200%'
    """
    if _undefined(value):
        return UNDEFINED
    locale, pattern = _pattern("percent", lang, decimals)
    return pattern.apply(float(value), locale)


def number(value: object, lang: str = "fr", decimals: int = 0) -> str:
    """A plain number with grouped thousands: 12345.6 -> "12 346" (fr, narrow space).

    >>> number(12345.6) == "12\\u202f346"
    True
    >>> number(3.333, "en", decimals=2)
    '3.33'
    """
    if _undefined(value):
        return UNDEFINED
    locale, pattern = _pattern("number", lang, decimals)
    return pattern.apply(float(value), locale)


# How each KPI is shown: money, percent, count, or days.
KIND: dict[str, str] = {
    "cost": "money", "cost_direct": "money", "cost_indirect": "money", "revenue": "money",
    "margin": "money", "cost_per_contact": "money", "cost_per_lead": "money",
    "cost_per_opportunity": "money", "cost_per_meeting": "money", "cac": "money",
    "revenue_per_client": "money", "margin_per_client": "money",
    "net_margin_per_client": "money", "break_even_cost": "money",
    "roi": "percent", "contact_rate": "percent", "lead_rate": "percent",
    "opportunity_rate": "percent", "meeting_rate": "percent", "win_rate": "percent",
    "break_even_win_rate": "percent",
    "campaigns": "count", "targets": "count", "contacts": "count", "leads": "count",
    "opportunities": "count", "meetings": "count", "clients": "count",
    "break_even_clients": "decimal", "sales_cycle_days": "days",
    "sales_cycle_days_mean": "days",
}


def kpi_value(name: str, value: object, lang: str = "fr", currency: str = "EUR") -> str:
    """A KPI's value formatted by its kind (see ``KIND``).

    >>> kpi_value("cost_per_lead", 66.6667) == "66,67\\u00a0€"
    True
    >>> kpi_value("roi", 2.0, "en")
    '200.0%'
    >>> kpi_value("cac", None)
    '—'
    """
    kind = KIND.get(name, "decimal")
    if kind == "money":
        per_unit = name.startswith("cost_per") or name.endswith("per_client") or name == "cac"
        return money(value, lang, currency, decimals=2 if per_unit else 0)
    if kind == "percent":
        return percent(value, lang, decimals=1)
    if kind == "count":
        return number(value, lang, decimals=0)
    if kind == "days":
        return number(value, lang, decimals=0)
    return number(value, lang, decimals=2)


LABELS: dict[str, tuple[str, str]] = {
    # name: (French, English)
    "campaign_id": ("ID campagne", "Campaign id"),
    "campaign": ("Campagne", "Campaign"),
    "channel": ("Canal", "Channel"),
    "segment": ("Segment", "Segment"),
    "team": ("Équipe", "Team"),
    "month": ("Mois", "Month"),
    "total": ("Total", "Total"),
    "campaigns": ("Campagnes", "Campaigns"),
    "cost": ("Coût", "Cost"),
    "cost_direct": ("Coûts directs", "Direct cost"),
    "cost_indirect": ("Coûts indirects", "Indirect cost"),
    "targets": ("Cibles", "Targets"),
    "contacts": ("Contacts", "Contacts"),
    "leads": ("Leads", "Leads"),
    "opportunities": ("Opportunités", "Opportunities"),
    "meetings": ("Rendez-vous", "Meetings"),
    "clients": ("Clients", "Clients"),
    "revenue": ("Chiffre d'affaires", "Revenue"),
    "margin": ("Marge", "Margin"),
    "cost_per_contact": ("Coût par contact", "Cost per contact"),
    "cost_per_lead": ("Coût par lead", "Cost per lead"),
    "cost_per_opportunity": ("Coût par opportunité", "Cost per opportunity"),
    "cost_per_meeting": ("Coût par rendez-vous", "Cost per meeting"),
    "cac": ("Coût d'acquisition client", "Customer acquisition cost"),
    "revenue_per_client": ("CA par client", "Revenue per client"),
    "margin_per_client": ("Marge par client", "Margin per client"),
    "net_margin_per_client": ("Marge nette par client acquis", "Net margin per client"),
    "roi": ("ROI", "ROI"),
    "contact_rate": ("Taux de contact", "Contact rate"),
    "lead_rate": ("Taux de lead", "Lead rate"),
    "opportunity_rate": ("Taux d'opportunité", "Opportunity rate"),
    "meeting_rate": ("Taux de rendez-vous", "Meeting rate"),
    "win_rate": ("Taux de signature", "Win rate"),
    "break_even_clients": ("Clients au point mort", "Break-even clients"),
    "break_even_win_rate": ("Taux de signature au point mort", "Break-even win rate"),
    "break_even_cost": ("Coût maximal rentable", "Break-even cost"),
    "sales_cycle_days": ("Cycle de vente (jours, médiane)", "Sales cycle (days, median)"),
    "sales_cycle_days_mean": ("Cycle de vente (jours, moyenne)", "Sales cycle (days, mean)"),
}


def label(name: str, lang: str = "fr") -> str:
    """The label people read for a canonical name.

    >>> label("cost_per_lead"), label("cost_per_lead", "en")
    ('Coût par lead', 'Cost per lead')
    """
    pair = LABELS.get(name)
    if pair is None:
        return name
    return pair[0] if lang == "fr" else pair[1]
