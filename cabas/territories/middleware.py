"""A territory's own domain: its root address opens the territory's home page.

``commerces.ville.fr/`` redirects to ``/<slug>/``; every other path works as on the
platform's main address, so links, the API and the console need nothing special.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from .models import Territory

CACHE_SECONDS = 60


def domain_cache_key(host: str) -> str:
    return f"territory-domain:{host}"


def _slug_for_host(host: str) -> str:
    key = domain_cache_key(host)
    slug = cache.get(key)
    if slug is None:
        slug = (
            Territory.objects.filter(domain=host, is_active=True)
            .values_list("slug", flat=True)
            .first()
            or ""
        )
        cache.set(key, slug, CACHE_SECONDS)
    return slug


class TerritoryDomainMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == "/":
            host = request.get_host().split(":")[0].lower()
            slug = _slug_for_host(host) if host else ""
            if slug:
                return HttpResponseRedirect(f"/{slug}/")
        return self.get_response(request)
