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


@dataclass
class ProductOfferRow:
    offer: Offer
    shop: Shop
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

    Two queries whatever the number of shops (offers with their shops, then closures).
    With ``with_state=False`` the open state is left to ``product_offer_states``, to be
    computed for the page shown only (a product may be sold by hundreds of shops).
    """
    moment = at or timezone.now()
    offers = list(
        Offer.objects.filter(
            territory=territory,
            product=product,
            is_active=True,
            shop__status=ShopStatus.APPROVED,
        ).select_related("shop", "shop__category")
    )
    rows = []
    for offer in offers:
        shop = offer.shop
        distance = haversine_km(centre, Point(shop.lat, shop.lon)) if centre else None
        rows.append(ProductOfferRow(offer, shop, None, distance))
    rows.sort(
        key=lambda row: (
            _availability(row.offer.stock),
            row.offer.price_cents,
            row.distance_km or 0,
            row.shop.name,
        )
    )
    if with_state:
        product_offer_states(territory, rows, moment)
    return rows


def product_offer_states(
    territory: Territory, rows: list[ProductOfferRow], at: dt.datetime
) -> list[ProductOfferRow]:
    """Fill the open state of ``rows`` in place (one query for their closures)."""
    local_day = hours.local_now(territory.timezone, at).date()
    closures = closures_by_shop(territory, local_day, [row.shop.pk for row in rows])
    for row in rows:
        row.open_state = hours.state_at(
            row.shop.opening_hours, territory.timezone, at, closures.get(row.shop.pk)
        )
    return rows
