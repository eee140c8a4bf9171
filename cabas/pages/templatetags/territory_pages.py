"""Storefront pieces of the territory's content: announcements and the pages' links."""

from __future__ import annotations

from django import template

from cabas.territories.models import Territory

from ..models import PageKind
from ..selectors import current_announcements

register = template.Library()


@register.inclusion_tag("pages/_announcements.html")
def announcements(territory: Territory) -> dict:
    return {"announcements": current_announcements(territory)}


@register.inclusion_tag("pages/_page_links.html")
def page_links(territory: Territory) -> dict:
    # Standard labels, no query: the footer of every page stays as cheap as before.
    return {"territory": territory, "kinds": PageKind.choices}
