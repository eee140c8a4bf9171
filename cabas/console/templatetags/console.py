"""Filters of the console pages."""

from __future__ import annotations

from django import template

from cabas.audit.actions import action_label as label_of

register = template.Library()


@register.filter
def action_label(code: str) -> str:
    return label_of(code)


@register.filter
def euros(cents: int) -> str:
    """``250`` → ``2,50`` for a form field."""
    return f"{cents // 100},{cents % 100:02d}"
