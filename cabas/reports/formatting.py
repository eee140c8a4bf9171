"""Figures for people: money and counts in the page's language (Babel), never floats."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_compact_currency, format_decimal
from django.utils.translation import get_language

from cabas.money import format_money


def _locale() -> str:
    return "en_GB" if (get_language() or "fr").startswith("en") else "fr_FR"


def money(cents: int, currency: str = "EUR") -> str:
    return format_money(cents, currency, get_language() or "fr")


def money_compact(cents: int, currency: str = "EUR") -> str:
    """Axis labels: ``1,2 k €``; whole euros below a thousand."""
    amount = Decimal(int(cents)).scaleb(-2)
    return format_compact_currency(amount, currency, locale=_locale(), fraction_digits=1)


def count(value: int) -> str:
    return format_decimal(value, locale=_locale())


def percent(part: int, whole: int) -> str:
    """Whole percent, rounded half up; ``—`` when there is nothing to divide."""
    if whole <= 0:
        return "—"
    return f"{(200 * part + whole) // (2 * whole)} %"


def month_label(month: dt.date) -> str:
    """``janv. 2025`` / ``Jan 2025``."""
    return format_date(month, "MMM y", locale=_locale())


def day_label(day: dt.date) -> str:
    """``6 janv.`` / ``6 Jan``: a week is named by its Monday."""
    return format_date(day, "d MMM", locale=_locale())


def tenths(value: int) -> str:
    """``31`` → ``3,1`` / ``3.1``: a ratio kept in integer tenths, shown with one decimal."""
    return format_decimal(Decimal(int(value)).scaleb(-1), format="#,##0.0", locale=_locale())
