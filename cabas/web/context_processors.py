from django.conf import settings
from django.http import HttpRequest

from .localised_urls import translated_url


def site(request: HttpRequest) -> dict:
    return {
        "MAP_TILE_URL": settings.MAP_TILE_URL,
        "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION,
        # The language switch posts the page's address in the default language: Django's
        # set_language can translate that one into any language (it cannot resolve an
        # /en/ path while French is active).
        "language_switch_next": translated_url(request.get_full_path(), settings.LANGUAGE_CODE),
    }
