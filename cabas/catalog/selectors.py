"""Reads of products and offers for the storefront's shop and product pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone

from cabas.geo.distance import Point, haversine_km
from cabas.shops import hours
from cabas.shops.models import Shop, ShopStatus
from cabas.shops.selectors import closures_by_shop
from cabas.territories.models import Territory

from .models import Offer, Product

# Sort key of stock: sellable now first, then "on request", then sold out.
_IN_STOCK, _ON_REQUEST, _OUT_OF_STOCK = 0, 1, 2


def shop_offers(shop: Shop) -> QuerySet[Offer]:
    """A shop's active offers, available ones first, then by product name."""
    return (
        Offer.objects.filter(territory_id=shop.territory_id, shop=shop, is_active=True)
        .select_related("product")
        .annotate(
            availability=Case(
                When(stock__isnull=True, then=Value(_ON_REQUEST)),
                When(stock__lte=0, then=Value(_OUT_OF_STOCK)),
                default=Value(_IN_STOCK),
                output_field=IntegerField(),
            )
        )
        .order_by("availability", "product__name", "id")
    )


def territory_product(territory: Territory, product_id: int) -> Product | None:
    return (
        Product.objects.filter(territory=territory, pk=product_id)
        .select_related("category", "category__parent")
        .first()
    )


@dataclass(slots=True)
class PartialOffer:
    """What sorting, counting and price aggregates read of an offer not shown."""

    pk: int
    price_cents: int
    stock: int | None
    is_demo: bool


@dataclass(slots=True)
class PartialShop:
    pk: int
    name: str
    lat: float
    lon: float


@dataclass
class ProductOfferRow:
    # Partial until read whole (``product_offers_load``).
    offer: Offer | PartialOffer
    shop: Shop | PartialShop
    open_state: hours.OpenState | None  # None until computed for the page shown
    distance_km: float | None


def _availability(stock: int | None) -> int:
    if stock is None:
        return _ON_REQUEST
    return _IN_STOCK if stock > 0 else _OUT_OF_STOCK


def product_offers(
    territory: Territory,
    product: Product,
    centre: Point | None = None,
    at: dt.datetime | None = None,
    *,
    with_state: bool = True,
) -> list[ProductOfferRow]:
    """Every approved shop of the territory selling the product: in stock first, then price.

    A constant number of queries whatever the number of shops. A product may be sold by
    hundreds of shops, so the sellers are first read as plain values and their rows carry
    partial offers and shops (:class:`PartialOffer`, :class:`PartialShop`): enough to sort,
    count and aggregate prices. With
    ``with_state=True`` every row is then read whole with its open state; otherwise the
    caller reads whole only the rows it shows (``product_offers_load``, then
    ``product_offer_states``).
    """
    moment = at or timezone.now()
    rows = []
    for offer_id, price, stock, is_demo, shop_id, name, lat, lon in Offer.objects.filter(
        territory=territory,
        product=product,
        is_active=True,
        shop__status=ShopStatus.APPROVED,
    ).values_list(
        "id", "price_cents", "stock", "is_demo", "shop_id", "shop__name", "shop__lat", "shop__lon"
    ):
        distance = haversine_km(centre, Point(lat, lon)) if centre else None
        rows.append(
            ProductOfferRow(
                PartialOffer(offer_id, price, stock, is_demo),
                PartialShop(shop_id, name, lat, lon),
                None,
                distance,
            )
        )
    rows.sort(
        key=lambda row: (
            _availability(row.offer.stock),
            row.offer.price_cents,
            row.distance_km or 0,
            row.shop.name,
        )
    )
    if with_state:
        gone = product_offers_load(territory, rows)
        rows = [row for row in rows if row.offer.pk not in gone]
        product_offer_states(territory, rows, moment)
    return rows


def product_offers_load(territory: Territory, rows: list[ProductOfferRow]) -> set[int]:
    """Replace the partial offers and shops of ``rows`` by whole ones (one query). Answers
    the ids of offers that are no longer for sale (withdrawn since the first read)."""
    whole = {
        offer.pk: offer
        for offer in Offer.objects.filter(
            territory=territory,
            pk__in=[row.offer.pk for row in rows],
            is_active=True,
            shop__status=ShopStatus.APPROVED,
        ).select_related("shop", "shop__category")
    }
    gone = set()
    for row in rows:
        offer = whole.get(row.offer.pk)
        if offer is None:
            gone.add(row.offer.pk)
        else:
            row.offer, row.shop = offer, offer.shop
    return gone


def product_offer_states(
    territory: Territory, rows: list[ProductOfferRow], at: dt.datetime
) -> list[ProductOfferRow]:
    """Fill the open state of ``rows`` in place (one query for their closures); the rows
    must have been read whole (``product_offers_load``)."""
    local_day = hours.local_now(territory.timezone, at).date()
    closures = closures_by_shop(territory, local_day, [row.shop.pk for row in rows])
    for row in rows:
        if not isinstance(row.shop, Shop):
            raise TypeError("product_offer_states needs rows read whole (product_offers_load)")
        row.open_state = hours.state_at(
            row.shop.opening_hours, territory.timezone, at, closures.get(row.shop.pk)
        )
    return rows
