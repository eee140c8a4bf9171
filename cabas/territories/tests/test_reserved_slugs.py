"""A territory slug is the first segment of its storefront URLs: it must never shadow a route."""

from django.urls import URLPattern, URLResolver, get_resolver

from cabas.territories.models import RESERVED_SLUGS


def _first_segments(patterns, prefix=""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver) and not str(entry.pattern):
            yield from _first_segments(entry.url_patterns, prefix)
            continue
        if isinstance(entry, URLResolver) and str(entry.pattern).startswith("^"):
            # i18n_patterns' language prefix resolver: look inside it.
            yield from _first_segments(entry.url_patterns, prefix)
            continue
        segment = route.lstrip("^/").split("/", 1)[0]
        if segment and "<" not in segment and isinstance(entry, URLPattern | URLResolver):
            yield segment.rstrip("$")


def test_every_fixed_top_level_route_is_a_reserved_slug():
    segments = set(_first_segments(get_resolver().url_patterns))
    assert segments, "the URL configuration has fixed top-level routes"
    missing = sorted(s for s in segments if s not in RESERVED_SLUGS)
    assert not missing, f"add these to territories.models.RESERVED_SLUGS: {missing}"
