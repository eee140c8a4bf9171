"""Filters of the voucher pages: a match rate as people read it, a card's visible code end."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal
from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def match_rate(basis_points: int) -> str:
    """``5000`` → ``+50 %``; ``2550`` → ``+25,5 %`` (``+25.5%`` in English)."""
    english = (get_language() or "fr").startswith("en")
    number = format_decimal(
        Decimal(int(basis_points or 0)).scaleb(-2), locale="en_GB" if english else "fr_FR"
    )
    return f"+{number}%" if english else f"+{number}\u00a0%"


@register.filter
def code_end(code: str) -> str:
    """Only the last four characters of a card's code: the rest is the bearer's secret."""
    return "•••• •••• " + (code or "")[-4:]
