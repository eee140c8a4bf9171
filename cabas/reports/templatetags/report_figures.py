"""Filters for figures in report pages: money, compact money, counts, month and week names."""

from __future__ import annotations

import datetime as dt

from django import template

from .. import formatting

register = template.Library()


@register.filter
def cents(value: int, currency: str = "EUR") -> str:
    return formatting.money(value or 0, currency or "EUR")


@register.filter
def count(value: int) -> str:
    return formatting.count(value or 0)


@register.filter
def month_name(value: dt.date) -> str:
    return formatting.month_label(value)


@register.filter
def day_name(value: dt.date) -> str:
    return formatting.day_label(value)
