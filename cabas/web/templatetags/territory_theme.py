"""Links to the territory colour stylesheets of ``cabas/web/theme.py``."""

from __future__ import annotations

from django import template

from .. import theme

register = template.Library()


@register.simple_tag
def territory_theme_url(territory) -> str:
    return theme.theme_path(territory.primary_colour, territory.accent_colour)


@register.simple_tag
def cards_theme_url(territories) -> str:
    return theme.cards_theme_path(item.primary_colour for item in territories)


@register.filter
def card_colour(colour: str) -> str:
    return theme.card_colour(colour)
