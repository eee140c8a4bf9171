"""The storefront search page and its suggestions: thin views over the search selectors.

The page is plain HTML (a GET form, links for facets, pages and the list/map toggle);
htmx only swaps the results in place and fills the suggestions under the search box.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, overload
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from cabas.shops import hours
from cabas.territories.models import Territory
from cabas.territories.selectors import territory_by_slug
from cabas.web.page_cache import storefront_page

from .categories import category_tree
from .forms import SearchForm
from .results import SearchResult, Suggestion
from .selectors import autocomplete, search_offers

PAGE_SIZE = 24
MAX_PAGE = 400
SUGGESTIONS = 8


class _Counted(Sequence[None]):
    """A sequence of ``count`` items that are never read: the paginator only counts."""

    def __init__(self, count: int) -> None:
        self.count = count

    def __len__(self) -> int:
        return self.count

    @overload
    def __getitem__(self, index: int) -> None: ...

    @overload
    def __getitem__(self, index: slice) -> list[None]: ...

    def __getitem__(self, index: int | slice) -> list[None] | None:
        return [] if isinstance(index, slice) else None

    def __iter__(self) -> Iterator[None]:
        return iter(())


def _territory(slug: str) -> Territory:
    territory = territory_by_slug(slug)
    if territory is None:
        raise Http404("unknown territory")
    return territory


def _page_number(raw: str | None) -> int:
    try:
        return min(max(1, int(raw or 1)), MAX_PAGE)
    except ValueError:
        return 1


def _markers(result: SearchResult) -> list[list[Any]]:
    """One marker per shop of the page: ``[lat, lon, name, "slug/"]``."""
    seen: dict[str, list[Any]] = {}
    for hit in result.offers:
        shop = hit.shop
        seen.setdefault(
            shop.slug, [round(shop.lat, 5), round(shop.lon, 5), shop.name, f"{shop.slug}/"]
        )
    return list(seen.values())


def _with(request: HttpRequest, **changes: str | None) -> str:
    """This page's URL with some parameters changed (None removes one) and page reset."""
    params = request.GET.copy()
    params.pop("page", None)
    for key, value in changes.items():
        params.pop(key, None)
        if value is not None:
            params[key] = value
    pairs = [(k, v) for k, values in params.lists() for v in values if v != ""]
    return f"{request.path}?{urlencode(pairs)}" if pairs else request.path


@require_safe
@gzip_page
@vary_on_headers("HX-Request")
@storefront_page
def results(request: HttpRequest, territory: str) -> HttpResponse:
    place = _territory(territory)
    tree = category_tree()
    form = SearchForm(request.GET, territory=place, tree=tree)
    form.is_valid()
    filters = form.filters()
    number = _page_number(request.GET.get("page"))
    now = timezone.now()
    result = search_offers(
        territory=place,
        query=form.query,
        filters=filters,
        sort=form.ordering,
        limit=PAGE_SIZE,
        offset=(number - 1) * PAGE_SIZE,
        group_by_product=form.grouped,
    )
    page_obj = Paginator(_Counted(result.count), PAGE_SIZE).get_page(number)
    nearby: list[Suggestion] = []
    if result.count == 0 and form.query:
        nearby = [
            s for s in autocomplete(territory=place, prefix=form.query) if s.type != "product"
        ]
    shop_list_url = reverse("web:shop_list", args=[place.slug])
    context = {
        "territory": place,
        "form": form,
        "filters": filters,
        "result": result,
        "page_obj": page_obj,
        "category": tree.by_slug.get(filters.category or ""),
        "facet_links": [
            (facet, _with(request, category=facet.slug)) for facet in result.facets[:12]
        ],
        "clear_category_url": _with(request, category=None),
        "did_you_mean_url": _with(request, q=result.did_you_mean) if result.did_you_mean else "",
        "list_url": _with(request, carte=None),
        "map_url": _with(request, carte="1", produits=None),
        "nearby": nearby,
        "problems": form.problems(),
        "now_local": hours.local_now(place.timezone, now),
        "map": {
            "markers": _markers(result) if form.map_view else [],
            "markers_id": "carte-resultats-data",
            "centre": [place.centre_lat, place.centre_lon],
            "base_url": shop_list_url,
        },
    }
    if request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request"):
        return render(request, "search/_results.html", {**context, "oob": True})
    return render(request, "search/results.html", context)


@require_safe
def suggestions(request: HttpRequest, territory: str) -> HttpResponse:
    """The suggestions list under the search box (htmx), or a page listing them."""
    place = _territory(territory)
    typed = (request.GET.get("q") or "").strip()
    found = autocomplete(territory=place, prefix=typed, limit=SUGGESTIONS) if typed else []
    search_url = reverse("search:results", args=[place.slug])
    links = []
    for suggestion in found:
        if suggestion.type == "product":
            url = reverse("web:product_detail", args=[place.slug, suggestion.product_id])
        elif suggestion.type == "shop":
            url = reverse("web:shop_detail", args=[place.slug, suggestion.slug])
        else:
            url = f"{search_url}?{urlencode({'category': suggestion.slug})}"
        links.append((suggestion, url))
    return render(
        request,
        "search/_suggestions.html",
        {"territory": place, "links": links, "typed": typed, "search_url": search_url},
    )
