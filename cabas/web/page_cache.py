"""Whole storefront pages for visitors without a session, kept a few seconds in the cache.

Most visits to a town's marketplace are anonymous browsing: the territory home, a shop
list, a shop, a product, a search. For a visitor who has no session (no cart, no account,
no pending message), such a page depends only on:

- the request: scheme, host (a territory may have its own domain), path and query string,
  language, and whether htmx asked for the partial results;
- the territory's *data generation* (:func:`cabas.web.caching.generation_of`): shops and
  their closures, which offers are active, products. Any such write changes the key, so
  a shop renamed, suspended or added, or an offer withdrawn, shows at once;
- the time: open-now badges and ready times. The key carries the current minute, so a
  page never outlives the minute it was computed in;
- prices, stock levels and pickup-slot fill, which change without a new generation (a
  checkout decrements stock). Those are shown at most ``STOREFRONT_PAGE_SECONDS`` old
  (10 s by default). A display only: adding to the cart and checking out read and lock
  the live rows, so a stale "en stock" ends in a clear refusal, never in an oversell.

Anything else bypasses the cache: a session or message cookie, an ``Authorization``
header, any method but GET and HEAD; and an answer is never kept when it is not a 200,
sets a cookie other than the CSRF one, or comes from a view that wrote to the visitor's
session or queued a message for them.

The CSRF token is the one per-visitor value in such a page (the language form posts).
Before a page is stored, every token in it is found (a 64-character string that unmasks
to this request's CSRF secret) and the page is kept as the pieces between them; a visitor
served from the cache gets their own token (``get_token``: a new mask of their secret,
or a new secret and its cookie, exactly as a rendered page does) joined in its place.
An answer from the cache carries an ``Age`` header (seconds since it was rendered).

The cache is Redis in production (shared by every process and instance), local memory
otherwise. ``STOREFRONT_PAGE_SECONDS = 0`` turns the page cache off (the test settings
do, but for the tests of this module).
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from cabas.territories.selectors import territory_by_slug

from . import caching

PREFIX = "page"
# A masked CSRF token: 64 characters of Django's CSRF alphabet, not inside a longer word.
_TOKEN = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
# Headers of the view's answer kept with the page (the middleware adds the rest).
_KEPT_HEADERS = ("Content-Type", "Vary", "Cache-Control", "Link", "X-Robots-Tag")
# Cookies a visitor without a session may carry: the page does not depend on them.
_HARMLESS_COOKIES = frozenset({settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME})


def page_seconds() -> int:
    return int(getattr(settings, "STOREFRONT_PAGE_SECONDS", 0))


def _cacheable_request(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or "HTTP_AUTHORIZATION" in request.META:
        return False
    return all(name in _HARMLESS_COOKIES for name in request.COOKIES)


def _key(request: HttpRequest, view_name: str, territory_id: int, generation: str) -> str:
    minute = int(timezone.now().timestamp() // 60)
    htmx = "h" if request.headers.get("HX-Request") else "-"
    if request.headers.get("HX-History-Restore-Request"):
        htmx += "r"
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.blake2b(address.encode(), digest_size=16).hexdigest()
    return (
        f"{PREFIX}:{view_name}:{territory_id}:{generation}:{minute}:{get_language()}:"
        f"{htmx}:{digest}"
    )


def _entry(request: HttpRequest, response: HttpResponse) -> tuple | None:
    """What to keep of a rendered answer, or None when it must not be shared."""
    if response.status_code != 200 or response.streaming:
        return None
    # What the view wrote for this visitor alone (its cookie is set after this point).
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return None
    messages = getattr(request, "_messages", None)
    if messages is not None and getattr(messages, "added_new", False):
        return None
    if any(name != settings.CSRF_COOKIE_NAME for name in response.cookies):
        return None
    if response.has_header("Content-Encoding"):
        return None
    content = response.content
    secret = request.META.get("CSRF_COOKIE")
    pieces: list[bytes] = []
    start = 0
    if secret:
        for match in _TOKEN.finditer(content):
            if _unmask_cipher_token(match.group().decode()) == secret:
                pieces.append(content[start : match.start()])
                start = match.end()
    pieces.append(content[start:])
    headers = tuple((name, response[name]) for name in _KEPT_HEADERS if response.has_header(name))
    return (tuple(pieces), headers, time.time())


def _response(request: HttpRequest, entry: tuple) -> HttpResponse:
    pieces, headers, stored = entry
    # One token for the whole page, as the template context gives one to every form.
    content = get_token(request).encode().join(pieces) if len(pieces) > 1 else pieces[0]
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    # A rendered page read the session (the cart link): the same Vary as that answer.
    patch_vary_headers(response, ("Cookie",))
    # How old the page is (RFC 9111 §5.1): what tells a cached answer from the outside.
    response["Age"] = str(max(0, int(time.time() - stored)))
    return response


def shared_answer(
    request: HttpRequest, name: str, territory_id: int, render: Callable[[], HttpResponse]
) -> HttpResponse:
    """The answer ``render()`` gives, from the cache when a visitor without a session
    already asked the same of the territory this minute and generation; ``name`` tells
    the kinds of answer apart."""
    seconds = page_seconds()
    if seconds <= 0 or not _cacheable_request(request):
        return render()
    key = _key(request, name, territory_id, caching.generation_of_id(territory_id))
    entry = cache.get(key)
    if entry is not None:
        return _response(request, entry)
    response = render()
    entry = _entry(request, response)
    if entry is not None:
        cache.set(key, entry, seconds)
    return response


def storefront_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve ``view`` (whose first URL argument is the territory's slug) from the page
    cache to visitors without a session. Place it under ``gzip_page``: pages are kept
    uncompressed and compressed per answer."""
    view_name = view.__name__

    @wraps(view)
    def wrapper(request: HttpRequest, territory: str, *args, **kwargs) -> HttpResponse:
        def render() -> HttpResponse:
            return view(request, territory, *args, **kwargs)

        if page_seconds() <= 0 or not _cacheable_request(request):
            return render()
        place = territory_by_slug(territory)
        if place is None:
            return render()
        return shared_answer(request, view_name, place.pk, render)

    return wrapper
