"""The template tags and context processor ``base.html`` used before the page chrome was
cached (``web/templatetags/chrome.py``), as they were: the reference of ``test_chrome.py``."""

from typing import Any

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from cabas.cart.selectors import cart_item_count
from cabas.territories.models import Territory

register = template.Library()


def site(request: HttpRequest) -> dict:
    return {
        "MAP_TILE_URL": settings.MAP_TILE_URL,
        "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION,
        "language_switch_next": translate_url(request.get_full_path(), settings.LANGUAGE_CODE),
    }


@register.inclusion_tag("cart/_cart_link.html", takes_context=True)
def cart_link(context, *, count: int | None = None, oob: bool = False) -> dict:
    request = context.get("request")
    if request is None:
        return {"count": count or 0, "oob": oob, "current": False}
    if count is None:
        count = cart_item_count(session=request.session, user=request.user)
    match = request.resolver_match
    current = match is not None and match.view_name == "cart:detail"
    return {"count": count, "oob": oob, "current": current}


@register.simple_tag(takes_context=True)
def language_links(context: dict[str, Any]) -> SafeString:
    request = context.get("request")
    if request is None or getattr(request, "resolver_match", None) is None:
        return SafeString("")
    territory = context.get("territory")
    offered = territory.language_codes if isinstance(territory, Territory) else None
    path = request.get_full_path()
    current = translation.get_language() or settings.LANGUAGE_CODE
    links = [("canonical", None, request.build_absolute_uri(translate_url(path, current)))]
    for code, _name in settings.LANGUAGES:
        if code == settings.LANGUAGE_CODE or offered is None or code in offered:
            links.append(("alternate", code, request.build_absolute_uri(translate_url(path, code))))
    default = request.build_absolute_uri(translate_url(path, settings.LANGUAGE_CODE))
    links.append(("alternate", "x-default", default))
    return format_html_join(
        "\n  ",
        '<link rel="{}"{} href="{}">',
        (
            (rel, format_html(' hreflang="{}"', code) if code else "", url)
            for rel, code, url in links
        ),
    )
