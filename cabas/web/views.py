"""The storefront: thin views that parse the query, call selectors and render.

Every page works as plain HTML; htmx only swaps the shop-list results in place.
"""

from __future__ import annotations

import datetime as dt
import random

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from cabas.catalog import selectors as catalog_selectors
from cabas.catalog.models import Category
from cabas.fulfilment.selectors import earliest_ready_for_shops
from cabas.shops import hours
from cabas.shops import selectors as shop_selectors
from cabas.shops.models import Shop, ShopStatus
from cabas.shops.selectors import ShopFilters, ShopRow
from cabas.territories.models import Territory
from cabas.territories.selectors import active_territories, territory_by_slug

from . import formatting
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


@require_safe
@gzip_page
def territory_home(request: HttpRequest, territory: str) -> HttpResponse:
    place = _territory(territory)
    now = timezone.now()
    rows = shop_selectors.shop_search(place, ShopFilters(), at=now)
    open_rows = [row for row in rows if row.open_state.is_open]
    if open_rows:
        # A varied handful that changes every hour, the same for everyone within the hour.
        picker = random.Random(f"{place.pk}:{now:%Y%m%d%H}")
        featured = sorted(
            picker.sample(open_rows, min(FEATURED_OPEN_SHOPS, len(open_rows))),
            key=lambda row: row.shop.name,
        )
    else:
        # At night, the shops that open first are the useful answer.
        featured = sorted(
            (row for row in rows if row.open_state.next_change is not None),
            key=lambda row: (row.open_state.next_change, row.shop.name),
        )[:FEATURED_OPEN_SHOPS]
    _add_ready_times(featured, now)
    families = [
        (category, count)
        for category, count in shop_selectors.category_counts(place)
        if category.parent_id is None
    ]
    return render(
        request,
        "web/territory_home.html",
        {
            "territory": place,
            "families": families,
            "featured": featured,
            "open_count": len(open_rows),
            "shop_count": len(rows),
            "now_local": hours.local_now(place.timezone, now),
            "map": _map_context(place, [_marker(row.shop) for row in rows], "carte-data"),
        },
    )


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


@require_safe
@gzip_page
@vary_on_headers("HX-Request")
def shop_list(request: HttpRequest, territory: str) -> HttpResponse:
    place = _territory(territory)
    counted = shop_selectors.category_counts(place)
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
    rows = shop_selectors.shop_search(place, filters, at=now)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    _add_ready_times(list(page.object_list), now)
    context = {
        "territory": place,
        "form": form,
        "filters": filters,
        "category": categories.get(filters.category),
        "page_obj": page,
        "count": len(rows),
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


@require_safe
@gzip_page
def shop_detail(request: HttpRequest, territory: str, shop: str) -> HttpResponse:
    place = _territory(territory)
    found = shop_selectors.shop_detail(place, shop)
    if found is None:
        raise Http404("unknown shop")
    now = timezone.now()
    local = hours.local_now(place.timezone, now)
    closures = shop_selectors.upcoming_closures(found, local.date())
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
            "week": formatting.week_table(found.opening_hours, local.date(), closures),
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
def product_detail(request: HttpRequest, territory: str, product_id: int) -> HttpResponse:
    place = _territory(territory)
    product = catalog_selectors.territory_product(place, product_id)
    if product is None:
        raise Http404("unknown product")
    location = LocationForm(request.GET, territory=place)
    location.is_valid()
    now = timezone.now()
    rows = catalog_selectors.product_offers(
        place, product, centre=location.centre(), at=now, with_state=False
    )
    # A product may be sold by hundreds of shops: open state, ready time and markup are
    # worked out for the page shown only.
    page = Paginator(rows, SELLERS_PAGE_SIZE).get_page(request.GET.get("page"))
    shown = catalog_selectors.product_offer_states(place, list(page.object_list), now)
    ready = earliest_ready_for_shops([row.shop for row in shown], now=now)
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
