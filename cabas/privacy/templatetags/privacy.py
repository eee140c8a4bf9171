"""The privacy notice's facts block, for the territory's own « Données personnelles » page."""

from __future__ import annotations

from django import template

from ..notice import COOKIES, notice_facts

register = template.Library()


@register.inclusion_tag("privacy/_facts.html")
def privacy_facts() -> dict:
    return {"facts": notice_facts(), "cookies": COOKIES}
