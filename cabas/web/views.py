"""The storefront: thin views that parse the query, call selectors and render.

Every page works as plain HTML; htmx only swaps the shop-list results in place.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import hashlib
import json
import random

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from cabas.catalog import selectors as catalog_selectors
from cabas.catalog.models import Category
from cabas.fulfilment.selectors import earliest_ready_for_shops
from cabas.shops import hours
from cabas.shops import selectors as shop_selectors
from cabas.shops.models import Shop, ShopClosure, ShopStatus
from cabas.shops.selectors import ShopRow
from cabas.territories.models import Territory
from cabas.territories.selectors import active_territories, territory_by_slug

from . import caching, formatting, fragments, page_cache
from .forms import LocationForm, ShopFilterForm

PAGE_SIZE = 24
FEATURED_OPEN_SHOPS = 6


def _territory(slug: str) -> Territory:
    territory = territory_by_slug(slug)
    if territory is None:
        raise Http404("unknown territory")
    return territory


def _marker(shop: Shop) -> list:
    """``[lat, lon, name, url]``; the URL is relative to the map's ``data-base-url``.

    Thousands of markers go in one page: a relative URL keeps each one short.
    """
    return [round(shop.lat, 5), round(shop.lon, 5), shop.name, f"{shop.slug}/"]


def _map_context(territory: Territory, markers: list[list], element_id: str) -> dict:
    return {
        "markers": markers,
        "markers_id": element_id,
        "centre": [territory.centre_lat, territory.centre_lon],
        "base_url": reverse("web:shop_list", args=[territory.slug]),
    }


def _add_ready_times(rows: list[ShopRow], now: dt.datetime) -> None:
    """Set each row's ``extra["ready"]``: when the shop can hand over an order ("prêt
    aujourd'hui dès 17 h"), or None. A constant number of queries for the list."""
    ready = earliest_ready_for_shops(
        [row.shop for row in rows],
        now=now,
        closures={row.shop.pk: row.closures for row in rows},
    )
    for row in rows:
        row.extra["ready"] = ready[row.shop.pk]


def _is_htmx_partial(request: HttpRequest) -> bool:
    # A history restore wants the whole page, not the fragment.
    return bool(request.headers.get("HX-Request")) and not request.headers.get(
        "HX-History-Restore-Request"
    )


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    territories = list(
        active_territories().annotate(
            shop_count=Count("shops", filter=Q(shops__status=ShopStatus.APPROVED))
        )
    )
    if len(territories) == 1:
        return redirect("web:territory_home", territory=territories[0].slug)
    return render(request, "web/index.html", {"territories": territories})


def _category_counts(place: Territory, generation: str) -> list[tuple[Category, int]]:
    return caching.cached(
        place, "category-counts", generation, lambda: shop_selectors.category_counts(place)
    )


def _open_summary(
    place: Territory, generation: str, now: dt.datetime
) -> shop_selectors.OpenSummary:
    """Which shops are open this minute: thousands of shops' hours are read once a minute
    for every visitor, not on each request."""
    return caching.cached(
        place,
        "open-summary",
        generation,
        lambda: shop_selectors.open_summary(place, now, FEATURED_OPEN_SHOPS),
        minute=f"{now:%Y%m%d%H%M}",
    )


def _featured(
    place: Territory, summary: shop_selectors.OpenSummary, now: dt.datetime
) -> list[ShopRow]:
    """The featured cards with their open state and ready time, the same for every
    visitor within the minute."""
    if summary.open_ids:
        # A varied handful that changes every hour, the same for everyone within the hour.
        picker = random.Random(f"{place.pk}:{now:%Y%m%d%H}")
        chosen = picker.sample(summary.open_ids, min(FEATURED_OPEN_SHOPS, len(summary.open_ids)))
        featured = sorted(
            shop_selectors.shop_rows(place, chosen, now), key=lambda row: row.shop.name
        )
    else:
        # At night, the shops that open first are the useful answer.
        featured = shop_selectors.shop_rows(place, list(summary.opening_first), now)
    _add_ready_times(featured, now)
    return featured


@require_safe
@gzip_page
@page_cache.storefront_page
def territory_home(request: HttpRequest, territory: str) -> HttpResponse:
    place = _territory(territory)
    now = timezone.now()
    generation = caching.generation_of(place)
    summary = _open_summary(place, generation, now)
    featured = caching.cached(
        place,
        "featured",
        generation,
        lambda: _featured(place, summary, now),
        minute=f"{now:%Y%m%d%H%M}",
    )
    families = [
        (category, count)
        for category, count in _category_counts(place, generation)
        if category.parent_id is None
    ]
    map_context = _map_context(place, [], "carte-data")
    map_context["markers_url"] = reverse("web:territory_markers", args=[place.slug])
    return render(
        request,
        "web/territory_home.html",
        {
            "territory": place,
            "families": families,
            "featured": featured,
            "open_count": len(summary.open_ids),
            "shop_count": summary.shop_count,
            "now_local": hours.local_now(place.timezone, now),
            "map": map_context,
        },
    )


@require_safe
def territory_markers(request: HttpRequest, territory: str) -> HttpResponse:
    """The map markers of every public shop, ``[[lat, lon, name, "slug/"], ...]``, fetched
    by the map script of the home page: the same JSON for every visitor, kept (with its
    gzip form) until a shop changes, and revalidated by browsers with its ETag."""
    place = _territory(territory)
    generation = caching.generation_of(place)
    etag = f'"{generation}"'
    headers = {"ETag": etag, "Cache-Control": "public, max-age=60", "Vary": "Accept-Encoding"}
    if etag in request.headers.get("If-None-Match", ""):
        return HttpResponseNotModified(headers=headers)

    def encode() -> tuple[bytes, bytes]:
        markers = shop_selectors.shop_markers(place)
        body = json.dumps(markers, ensure_ascii=False, separators=(",", ":")).encode()
        return body, gzip.compress(body, compresslevel=6, mtime=0)

    body, compressed = caching.cached(place, "markers", generation, encode)
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        headers["Content-Encoding"] = "gzip"
        body = compressed
    return HttpResponse(body, content_type="application/json", headers=headers)


def _category_choices(counted: list[tuple[Category, int]]) -> list[tuple]:
    """Grouped choices: each family ("all of it") followed by its rayons, with counts."""
    families = [(c, n) for c, n in counted if c.parent_id is None]
    choices: list[tuple] = []
    for family, total in families:
        name = formatting.category_name(family)
        group = [(family.slug, f"{name} — {formatting.number(total)}")]
        group += [
            (c.slug, f"{formatting.category_name(c)} ({formatting.number(n)})")
            for c, n in counted
            if c.parent_id == family.pk
        ]
        choices.append((name, group))
    family_ids = {family.pk for family, _ in families}
    choices += [
        (c.slug, f"{formatting.category_name(c)} ({formatting.number(n)})")
        for c, n in counted
        if c.parent_id is not None and c.parent_id not in family_ids
    ]
    return choices


def _shop_hits(
    place: Territory,
    generation: str,
    filters: shop_selectors.ShopFilters,
    now: dt.datetime,
    open_ids: frozenset[int] | None,
) -> list[tuple[int, float | None]]:
    """The shops of the list in order, as ``(id, distance)``. Without free text or a place
    to be near, the ids of the shops of a category and service are kept for the data
    generation (like the counts of the filters), and the open ones picked from them with
    this minute's summary."""
    if filters.q or filters.centre is not None or (filters.open_now and open_ids is None):
        hits = shop_selectors.shop_search_hits(place, filters, at=now, open_ids=open_ids)
        return [(hit.id, hit.distance_km) for hit in hits]
    every = dataclasses.replace(filters, open_now=False)
    matching = caching.cached(
        place,
        f"shop-hits-{every.category}-{every.service}",
        generation,
        lambda: tuple(hit.id for hit in shop_selectors.shop_search_hits(place, every, at=now)),
    )
    return [(shop_id, None) for shop_id in matching if open_ids is None or shop_id in open_ids]


def _page_cards(
    place: Territory, generation: str, shown: list[tuple[int, float | None]], now: dt.datetime
) -> list[SafeString]:
    """The cards of one page of the shop list (``(id, distance)`` of its shops): the shops
    read whole, with their open state and ready time, in the page's language. Without
    distances, the same for every visitor within the minute (as the featured shops of the
    home page), so kept in the cache for the minute."""

    def cards() -> list[str]:
        rows = shop_selectors.shop_rows(
            place, [shop_id for shop_id, _ in shown], now, distances=dict(shown)
        )
        _add_ready_times(rows, now)
        now_local = hours.local_now(place.timezone, now)
        return [str(fragments.shop_card(row, place.slug, now_local)) for row in rows]

    if any(distance is not None for _, distance in shown):
        kept = cards()  # distances from a visitor's own position: not worth keeping
    else:
        # The cards' links carry the language and the script prefix.
        page = repr((get_language(), get_script_prefix(), shown)).encode()
        digest = hashlib.blake2b(page, digest_size=12).hexdigest()
        kept = caching.cached(
            place, f"shop-cards-{digest}", generation, cards, minute=f"{now:%Y%m%d%H%M}"
        )
    return [SafeString(card) for card in kept]


@require_safe
@gzip_page
@vary_on_headers("HX-Request")
@page_cache.storefront_page
def shop_list(request: HttpRequest, territory: str) -> HttpResponse:
    place = _territory(territory)
    generation = caching.generation_of(place)
    counted = _category_counts(place, generation)
    choices = _category_choices(counted)
    categories = {category.slug: category for category, _ in counted}
    requested = request.GET.get("category", "")
    if requested and requested not in categories:
        # A real category without shops yet is a valid, empty filter — not an error.
        empty = Category.objects.filter(slug=requested).first()
        if empty is not None:
            categories[empty.slug] = empty
            choices.append((empty.slug, formatting.category_name(empty)))
    form = ShopFilterForm(request.GET, territory=place, category_choices=choices)
    form.is_valid()
    filters = form.filters()
    now = timezone.now()
    # Only the page shown is read whole; open-now comes from this minute's summary.
    open_ids = (
        frozenset(_open_summary(place, generation, now).open_ids) if filters.open_now else None
    )
    hits = _shop_hits(place, generation, filters, now, open_ids)
    page = Paginator(hits, PAGE_SIZE).get_page(request.GET.get("page"))
    cards = _page_cards(place, generation, list(page.object_list), now)
    context = {
        "territory": place,
        "form": form,
        "filters": filters,
        "category": categories.get(filters.category),
        "page_obj": page,
        "cards": cards,
        "count": len(hits),
        "problems": form.problems(),
        "now_local": hours.local_now(place.timezone, now),
        "more_filters_open": bool(form.errors),
        "more_filters_active": sum(
            1 for active in (filters.category, filters.service, filters.centre) if active
        ),
    }
    if _is_htmx_partial(request):
        return render(request, "web/_shop_results.html", {**context, "oob": True})
    return render(request, "web/shop_list.html", context)


def _shop_detail(
    place: Territory, slug: str, today: dt.date
) -> tuple[Shop, list[ShopClosure], list[formatting.DayRow] | None]:
    """The shop (its category and family loaded), its exceptional closures from ``today``
    on and its hours table: kept for the data generation (a shop saved, added or removed,
    a closure added or removed changes it), the day and the language. Raises 404 for an
    unknown shop (nothing kept)."""

    def read() -> tuple[Shop, list[ShopClosure], list[formatting.DayRow] | None]:
        found = shop_selectors.shop_detail(place, slug)
        if found is None:
            raise Http404("unknown shop")
        closures = shop_selectors.upcoming_closures(found, today)
        return found, closures, formatting.week_table(found.opening_hours, today, closures)

    return caching.cached(
        place,
        f"shop-detail-{slug}-{today:%Y%m%d}-{get_language()}",
        caching.generation_of(place),
        read,
    )


@require_safe
@gzip_page
@page_cache.storefront_page
def shop_detail(request: HttpRequest, territory: str, shop: str) -> HttpResponse:
    place = _territory(territory)
    now = timezone.now()
    local = hours.local_now(place.timezone, now)
    found, closures, week = _shop_detail(place, shop, local.date())
    state = hours.state_at(
        found.opening_hours,
        place.timezone,
        now,
        [(closure.start_date, closure.end_date) for closure in closures],
    )
    offers = Paginator(catalog_selectors.shop_offers(found), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    ready = earliest_ready_for_shops(
        [found],
        now=now,
        closures={found.pk: [(closure.start_date, closure.end_date) for closure in closures]},
    )[found.pk]
    return render(
        request,
        "web/shop_detail.html",
        {
            "territory": place,
            "shop": found,
            "open_state": state,
            "now_local": local,
            "week": week,
            "closures": closures,
            "page_obj": offers,
            "ready": ready,
            "has_demo_prices": any(offer.is_demo for offer in offers),
            "map": _map_context(place, [_marker(found)], "carte-commerce-data"),
        },
    )


SELLERS_PAGE_SIZE = 20


@require_safe
@gzip_page
@page_cache.storefront_page
def product_detail(request: HttpRequest, territory: str, product_id: int) -> HttpResponse:
    place = _territory(territory)
    product = catalog_selectors.territory_product(place, product_id)
    if product is None:
        raise Http404("unknown product")
    location = LocationForm(request.GET, territory=place)
    location.is_valid()
    now = timezone.now()
    rows = catalog_selectors.product_offers(place, product, centre=location.centre(), at=now)
    # A product may be sold by hundreds of shops: open state, ready time and markup are
    # worked out for the page shown only.
    page = Paginator(rows, SELLERS_PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    closures = catalog_selectors.product_offer_states(place, shown, now)
    ready = earliest_ready_for_shops([row.shop for row in shown], now=now, closures=closures)
    return render(
        request,
        "web/product_detail.html",
        {
            "territory": place,
            "product": product,
            "rows": rows,
            "page_obj": page,
            "sellers": [(row, ready[row.shop.pk]) for row in shown],
            "form": location,
            "problems": location.problems(),
            "now_local": hours.local_now(place.timezone, now),
            "has_demo_prices": any(row.offer.is_demo for row in rows),
        },
    )
