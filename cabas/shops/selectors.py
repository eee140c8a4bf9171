"""Reads of shops for the storefront and the API: filters, distance, open-now."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from cabas.catalog.models import Category
from cabas.geo.distance import Point, bounding_box, haversine_km
from cabas.geo.selectors import postcode_centre
from cabas.territories.models import Territory

from . import hours
from .models import Shop, ShopClosure, ShopStatus

SERVICES = ("click_collect", "delivery", "vouchers")
SERVICE_FIELDS = {
    "click_collect": "offers_click_collect",
    "delivery": "offers_delivery",
    "vouchers": "accepts_vouchers",
}


SEARCH_TEXT_MAX_LENGTH = 200


def clean_search_text(text: str, max_length: int = SEARCH_TEXT_MAX_LENGTH) -> str:
    """Free text made safe for every backend: control characters (a NUL makes
    PostgreSQL refuse the query) become spaces, runs of spaces collapse, length is capped."""
    kept = (
        " " if unicodedata.category(char) in ("Cc", "Cs") else char
        for char in (text or "")[: max_length * 4]
    )
    return " ".join("".join(kept).split())[:max_length]


@dataclass(frozen=True)
class ShopFilters:
    q: str = ""
    category: str = ""
    service: str = ""
    open_now: bool = False
    centre: Point | None = None
    radius_km: float | None = None


@dataclass
class ShopRow:
    shop: Shop
    open_state: hours.OpenState
    distance_km: float | None = None
    extra: dict = field(default_factory=dict)
    # Exceptional closures from today on, ``(start, end)``: what the open state was
    # computed from, kept so the page can reuse them (pickup slots) without a query.
    closures: list[tuple[dt.date, dt.date]] = field(default_factory=list)


def public_shops(territory: Territory) -> QuerySet[Shop]:
    """Shops a visitor may see: approved shops of this territory only."""
    return Shop.objects.filter(territory=territory, status=ShopStatus.APPROVED)


def in_category(slug: str) -> Q:
    """Shops of a category: a family slug stands for itself and its rayons (in the same
    query as the shops, not a query of its own)."""
    return Q(category__slug=slug) | Q(category__parent__slug=slug)


def closures_by_shop(
    territory: Territory, day: dt.date, shop_ids: list[int] | None = None
) -> dict[int, list[tuple[dt.date, dt.date]]]:
    rows = ShopClosure.objects.filter(territory=territory, end_date__gte=day)
    if shop_ids is not None:
        rows = rows.filter(shop_id__in=shop_ids)
    result: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for shop_id, start, end in rows.values_list("shop_id", "start_date", "end_date"):
        result[shop_id].append((start, end))
    return result


def _filtered(territory: Territory, filters: ShopFilters) -> QuerySet[Shop]:
    """Public shops matching the filters that a query can apply (all but open-now and the
    exact radius)."""
    qs = public_shops(territory)
    term = clean_search_text(filters.q)
    if term:
        qs = qs.filter(
            Q(name__icontains=term)
            | Q(category__name__icontains=term)
            | Q(address__icontains=term)
            | Q(postcode__startswith=term)
        )
    if filters.category:
        qs = qs.filter(in_category(filters.category))
    if filters.service in SERVICE_FIELDS:
        qs = qs.filter(**{SERVICE_FIELDS[filters.service]: True})
    if filters.centre is not None and filters.radius_km:
        min_lat, max_lat, min_lon, max_lon = bounding_box(filters.centre, filters.radius_km)
        qs = qs.filter(lat__range=(min_lat, max_lat), lon__range=(min_lon, max_lon))
    return qs.order_by("name", "id")


def shop_search(
    territory: Territory, filters: ShopFilters, at: dt.datetime | None = None
) -> list[ShopRow]:
    """Every public shop matching the filters, nearest first when a centre is given.

    Distances and open-now are computed in Python on a bounded candidate set (one
    territory, narrowed by a bounding box), so the query count does not grow with rows.
    """
    moment = at or timezone.now()
    shops = list(_filtered(territory, filters).select_related("category"))
    local_day = hours.local_now(territory.timezone, moment).date()
    closures = closures_by_shop(territory, local_day)
    rows: list[ShopRow] = []
    for shop in shops:
        state = hours.state_at(
            shop.opening_hours, territory.timezone, moment, closures.get(shop.id)
        )
        if filters.open_now and not state.is_open:
            continue
        distance = None
        if filters.centre is not None:
            distance = haversine_km(filters.centre, Point(shop.lat, shop.lon))
            if filters.radius_km and distance > filters.radius_km:
                continue
        rows.append(
            ShopRow(
                shop=shop,
                open_state=state,
                distance_km=distance,
                closures=closures.get(shop.id, []),
            )
        )
    if filters.centre is not None:
        rows.sort(key=lambda row: (row.distance_km, row.shop.name))
    return rows


@dataclass(frozen=True)
class ShopHit:
    """A shop matching a search, before its page is read: id, name and distance only."""

    id: int
    name: str
    distance_km: float | None


def shop_search_hits(
    territory: Territory,
    filters: ShopFilters,
    at: dt.datetime | None = None,
    open_ids: frozenset[int] | None = None,
) -> list[ShopHit]:
    """What :func:`shop_search` finds, in the same order, as plain values: for a paged list,
    where only the page shown needs its shops read whole (:func:`shop_rows`).

    ``open_ids`` (the shops open now, from a summary computed this minute) spares the
    hours of every candidate when filtering on open-now."""
    moment = at or timezone.now()
    qs = _filtered(territory, filters)
    if filters.open_now and open_ids is not None:
        candidates = [
            (shop_id, name, lat, lon, "")
            for shop_id, name, lat, lon in qs.values_list("id", "name", "lat", "lon")
            if shop_id in open_ids
        ]
        closures: dict[int, list[tuple[dt.date, dt.date]]] = {}
    else:
        candidates = list(qs.values_list("id", "name", "lat", "lon", "opening_hours"))
        local_day = hours.local_now(territory.timezone, moment).date()
        closures = closures_by_shop(territory, local_day) if filters.open_now else {}
    hits: list[ShopHit] = []
    for shop_id, name, lat, lon, expression in candidates:
        if filters.open_now and open_ids is None:
            state = hours.state_at(expression, territory.timezone, moment, closures.get(shop_id))
            if not state.is_open:
                continue
        distance = None
        if filters.centre is not None:
            distance = haversine_km(filters.centre, Point(lat, lon))
            if filters.radius_km and distance > filters.radius_km:
                continue
        hits.append(ShopHit(shop_id, name, distance))
    if filters.centre is not None:
        hits.sort(key=lambda hit: (hit.distance_km, hit.name))
    return hits


@dataclass(frozen=True)
class OpenSummary:
    """Which of a territory's public shops are open at a moment, as ids only: small enough
    to cache for a minute and share between processes (the storefront home)."""

    shop_count: int
    # Open shops, by name.
    open_ids: tuple[int, ...]
    # Closed shops that open again, soonest first (then by name), at most ``limit``.
    opening_first: tuple[int, ...]


def open_summary(territory: Territory, at: dt.datetime, limit: int = 24) -> OpenSummary:
    """Two queries and the hours of every public shop, read as plain values (no model
    instances: a territory holds thousands of shops)."""
    local_day = hours.local_now(territory.timezone, at).date()
    closures = closures_by_shop(territory, local_day)
    opened: list[int] = []
    closed: list[tuple[dt.datetime, str, int]] = []
    count = 0
    for shop_id, name, expression in (
        public_shops(territory).order_by("name", "id").values_list("id", "name", "opening_hours")
    ):
        count += 1
        state = hours.state_at(expression, territory.timezone, at, closures.get(shop_id))
        if state.is_open:
            opened.append(shop_id)
        elif state.next_change is not None:
            closed.append((state.next_change, name, shop_id))
    closed.sort()
    return OpenSummary(count, tuple(opened), tuple(row[2] for row in closed[:limit]))


def shop_rows(
    territory: Territory,
    shop_ids: list[int],
    at: dt.datetime,
    distances: dict[int, float | None] | None = None,
) -> list[ShopRow]:
    """Rows of these public shops with their exact open state, in the order of ``shop_ids``
    (one query for the shops, one for their closures)."""
    shops = {
        shop.pk: shop
        for shop in public_shops(territory).select_related("category").filter(pk__in=shop_ids)
    }
    local_day = hours.local_now(territory.timezone, at).date()
    closures = closures_by_shop(territory, local_day, list(shops))
    return [
        ShopRow(
            shop=shops[shop_id],
            open_state=hours.state_at(
                shops[shop_id].opening_hours, territory.timezone, at, closures.get(shop_id)
            ),
            distance_km=(distances or {}).get(shop_id),
            closures=closures.get(shop_id, []),
        )
        for shop_id in shop_ids
        if shop_id in shops
    ]


def shop_markers(territory: Territory) -> list[list]:
    """Every public shop as a map marker ``[lat, lon, name, "slug/"]`` (the URL relative to
    the shop list), by name. Plain values: thousands of markers, no model instances."""
    return [
        [round(lat, 5), round(lon, 5), name, f"{slug}/"]
        for lat, lon, name, slug in public_shops(territory)
        .order_by("name", "id")
        .values_list("lat", "lon", "name", "slug")
    ]


def shop_detail(territory: Territory, slug: str) -> Shop | None:
    return (
        public_shops(territory)
        .select_related("category", "category__parent")
        .filter(slug=slug)
        .first()
    )


def category_counts(territory: Territory) -> list[tuple[Category, int]]:
    """Families and rayons with the number of public shops in each, for filters."""
    counts: dict[int, int] = defaultdict(int)
    for category_id in public_shops(territory).values_list("category_id", flat=True):
        if category_id is not None:
            counts[category_id] += 1
    categories = list(Category.objects.select_related("parent"))
    for category in categories:
        if category.parent_id is not None and counts.get(category.id):
            counts[category.parent_id] += counts[category.id]
    return [(c, counts[c.id]) for c in categories if counts.get(c.id)]


def area_centre(territory: Territory, postcode: str) -> Point | None:
    """Centre of a postcode for "near me": La Poste's reference, else the territory's shops.

    The fallback keeps the filter working for a territory whose postcodes are not in
    the reference table yet; None means the postcode is unknown here.
    """
    code = postcode.strip()
    centre = postcode_centre(code)
    if centre is not None:
        return centre
    rows = list(public_shops(territory).filter(postcode=code).values_list("lat", "lon"))
    if not rows:
        return None
    return Point(sum(r[0] for r in rows) / len(rows), sum(r[1] for r in rows) / len(rows))


def upcoming_closures(shop: Shop, day: dt.date) -> list[ShopClosure]:
    """The shop's exceptional closures that end on ``day`` or later, soonest first."""
    return list(
        ShopClosure.objects.filter(
            territory_id=shop.territory_id, shop=shop, end_date__gte=day
        ).order_by("start_date", "id")
    )
