"""The chrome of every page (``web/base.html``): the links of the head, the header, the
search box under it and the footer.

Rendered from their templates they cost well over a millisecond of CPU a page (some forty
URLs reversed, thirty strings translated, four inclusion tags), and almost all of it is the
same for every visitor of a page. Each part is therefore rendered from its template
(``web/_chrome_*.html``) once per process for each combination of what it shows — the
language, the territory's values below, whether the visitor is signed in, which link of
the navigation is the current page — with markers where the per-visitor values go; each
request then joins its own values in their place, escaped as the template would escape
them: the CSRF token, the page's address (login links, language switch, head links), the
account's email, the cart link and the search query.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from typing import Any, NamedTuple
from urllib.parse import quote

from django import template
from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from cabas.cart.templatetags.cart import cart_link
from cabas.discovery.templatetags.discovery import language_links
from cabas.territories.models import Territory

register = template.Library()

# Letters and digits only: escaping and URL-encoding leave a marker as it is.
_MARKER = "chrome" + secrets.token_hex(8)
_SLOT = re.compile(f"{_MARKER}([a-z_]+){_MARKER}")

# Rendered parts: the text between the markers, and the names of the slots between them.
_PARTS: dict[tuple, list[str]] = {}
# Languages x territories x signed in or not x current link: a few hundred at most, but a
# territory edited many times over a process's life adds keys; start again past this.
_MAX_PARTS = 2000
_ENVIRONMENT = "chrome-environment"


class TerritoryShown(NamedTuple):
    """What the chrome shows of a territory. The parts are keyed on it and rendered from
    it (not from the territory), so a part cannot show a value its key does not carry."""

    pk: int
    slug: str
    name: str
    logo: FieldFile
    primary_colour: str
    accent_colour: str
    language_codes: tuple[str, ...]
    data_attribution: str


def _shown(territory: Any) -> Any:
    if not territory:
        return None
    if not isinstance(territory, Territory):
        return territory  # something else a page calls its territory: not cached
    return TerritoryShown(
        territory.pk,
        territory.slug,
        territory.name,
        territory.logo,
        territory.primary_colour,
        territory.accent_colour,
        tuple(territory.language_codes),
        territory.data_attribution,
    )


def _environment(context: template.Context) -> tuple:
    """The language, the script prefix and the URLconf, which every ``{% url %}`` and
    translation depends on: read once for the parts of a page."""
    environment = context.render_context.get(_ENVIRONMENT)
    if environment is None:
        environment = (get_language(), get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
        context.render_context[_ENVIRONMENT] = environment
    return environment


def _render(
    context: template.Context,
    name: str,
    values: Mapping[str, Any],
    slots: Mapping[str, str],
    *,
    cached: bool = True,
) -> SafeString:
    """``name`` rendered with ``values``, and ``slots`` (per-visitor HTML, escaped already)
    in their places. ``values`` and the environment are the whole key of the part."""
    # In development (DEBUG) templates change under a running server: nothing is kept.
    cached = cached and not settings.DEBUG
    key = (name, *_environment(context), *values.items())
    parts = _PARTS.get(key) if cached else None
    if parts is None:
        markers = {slot: mark_safe(f"{_MARKER}{slot}{_MARKER}") for slot in slots}  # noqa: S308
        # A template file's last line break is not part of the part.
        html = get_template(name).render({**values, **markers}).removesuffix("\n")
        parts = _SLOT.split(html)
        if cached:
            if len(_PARTS) >= _MAX_PARTS:
                _PARTS.clear()
            _PARTS[key] = parts
    filled = parts.copy()
    filled[1::2] = [slots[slot] for slot in parts[1::2]]
    return SafeString("".join(filled))


def _territory_values(context: template.Context) -> tuple[dict[str, Any], bool]:
    shown = _shown(context.get("territory"))
    return {"territory": shown}, shown is None or isinstance(shown, TerritoryShown)


def _signed_in(context: template.Context) -> bool:
    return bool(getattr(context.get("user"), "is_authenticated", False))


@register.simple_tag(takes_context=True)
def chrome_head(context: template.Context) -> SafeString:
    """The head after the description: language links, theme, stylesheets, scripts."""
    values, cached = _territory_values(context)
    return _render(
        context,
        "web/_chrome_head.html",
        values,
        {"language_links": language_links(context)},
        cached=cached,
    )


# Links of the navigation marked as the current page: by URL name for the shop list
# (wherever it is), by view name for the others.
_CURRENT_VIEWS = frozenset({"planner:plan", "orders:list", "habits:my_shops"})


def _current(request: Any) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    if match.url_name == "shop_list":
        return "shop_list"
    return match.view_name if match.view_name in _CURRENT_VIEWS else ""


@register.simple_tag(takes_context=True)
def chrome_header(context: template.Context) -> SafeString:
    """From the skip link to the end of the navigation (the search box and the end of
    ``<header>`` follow in base.html)."""
    request = context.get("request")
    values, cached = _territory_values(context)
    values["LANGUAGE_CODE"] = _environment(context)[0]
    values["signed_in"] = signed_in = _signed_in(context)
    values["current"] = _current(request)
    slots: dict[str, str] = {"cart_link": cart_link(context)}
    if "language_switch_next" in context:
        slots["language_switch_next"] = conditional_escape(context["language_switch_next"])
    else:
        slots["language_switch_next"] = ""
    token = context.get("csrf_token")
    # {% csrf_token %} writes nothing without a token, or with NOTPROVIDED.
    values["csrf"] = bool(token) and token != "NOTPROVIDED"  # noqa: S105
    if values["csrf"]:
        slots["csrf_token"] = conditional_escape(str(token))
    path = request.get_full_path() if request is not None else ""
    if signed_in:
        slots["email"] = conditional_escape(context["user"].email)
        slots["path"] = conditional_escape(path)
    else:
        slots["path_quoted"] = conditional_escape(quote(path))
    return _render(context, "web/_chrome_header.html", values, slots, cached=cached)


@register.simple_tag(takes_context=True)
def chrome_search(context: template.Context) -> SafeString:
    """The search box of the header, with the query of the page (``?q=``)."""
    values, cached = _territory_values(context)
    request = context.get("request")
    query = request.GET.get("q") if request is not None else None
    slots = {"search_query": conditional_escape(query) if query else ""}
    return _render(context, "web/_chrome_search.html", values, slots, cached=cached)


@register.simple_tag(takes_context=True)
def chrome_footer(context: template.Context) -> SafeString:
    values, cached = _territory_values(context)
    values["signed_in"] = _signed_in(context)
    return _render(context, "web/_chrome_footer.html", values, {}, cached=cached)
