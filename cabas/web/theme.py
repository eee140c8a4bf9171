"""Territory colours as stylesheets, so pages need no inline ``style`` (strict CSP).

The address carries the colours themselves (``/theme/1d5e3a-f4b942.css``): the file is
a pure function of its URL, needs no database, and is cached for a year by browsers
and proxies. A territory that changes its colours gets a new address on its next page.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import reverse
from django.views.decorators.http import require_safe

from cabas.territories.templatetags.territory_brand import accent_style

from .formatting import accessible_brand

CACHE_CONTROL = "public, max-age=31536000, immutable"
# A page lists at most this many distinct card colours in one stylesheet address
# (the URL pattern in cabas/urls.py admits no more).
MAX_CARD_COLOURS = 200
THEME_PATTERN = r"^theme/(?P<brand>[0-9a-f]{6})-(?P<accent>[0-9a-f]{6})\.css$"
CARDS_PATTERN = (
    r"^theme/cartes/(?P<colours>[0-9a-f]{6}(?:-[0-9a-f]{6})"
    + f"{{0,{MAX_CARD_COLOURS - 1}}})"
    + r"\.css$"
)


def _hex(colour: str) -> str:
    return colour.removeprefix("#").lower()


def theme_path(primary: str, accent: str) -> str:
    """The stylesheet of a territory's pages: ``--brand`` (darkened for contrast) and
    ``--accent`` on the root element."""
    brand = accessible_brand(primary)
    accent_value = accent_style(accent).removeprefix("--accent:")
    return reverse("theme_css", kwargs={"brand": _hex(brand), "accent": _hex(accent_value)})


def card_colour(primary: str) -> str:
    """The value of a territory card's ``data-brand`` attribute (six hex digits)."""
    return _hex(accessible_brand(primary))


def cards_theme_path(primaries: Iterable[str]) -> str:
    """The stylesheet giving each territory card of a listing its colour."""
    colours = sorted({card_colour(colour) for colour in primaries})[:MAX_CARD_COLOURS]
    joined = "-".join(colours) or card_colour("")
    return reverse("theme_cards_css", kwargs={"colours": joined})


def _css_response(request: HttpRequest, body: str) -> HttpResponse:
    etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:20] + '"'
    if request.headers.get("If-None-Match") == etag:
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="text/css; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = CACHE_CONTROL
    return response


@require_safe
def theme_css(request: HttpRequest, brand: str, accent: str) -> HttpResponse:
    """``:root`` custom properties; the URL pattern admits only 6-digit hex colours."""
    return _css_response(request, f":root{{--brand:#{brand};--accent:#{accent}}}\n")


@require_safe
def theme_cards_css(request: HttpRequest, colours: str) -> HttpResponse:
    rules = "".join(
        f'.territory-card[data-brand="{colour}"]{{--brand:#{colour}}}\n'
        for colour in colours.split("-")
    )
    return _css_response(request, rules)
