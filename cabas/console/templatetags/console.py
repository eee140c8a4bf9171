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


@register.filter
def audit_value(value: object) -> str:
    """A detail of the log for people: ``{"from": 0, "to": 250}`` reads ``0 → 250``."""
    if isinstance(value, dict) and set(value) == {"from", "to"}:
        return f"{audit_value(value['from']) or '∅'} → {audit_value(value['to']) or '∅'}"
    if isinstance(value, list):
        return ", ".join(audit_value(item) for item in value)
    if isinstance(value, bool):
        return "oui" if value else "non"
    return "" if value is None else str(value)
