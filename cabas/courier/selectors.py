"""Reads of the territory courier: its zones and the shops it serves."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from cabas.fulfilment.models import ShopFulfilment
from cabas.shops.models import Shop, ShopStatus
from cabas.territories.models import Territory

from .models import CourierShop, CourierZone


def courier_zones(territory: Territory) -> QuerySet[CourierZone]:
    return (
        CourierZone.objects.filter(territory=territory)
        .annotate(shop_count=Count("links"))
        .order_by("name", "pk")
    )


def courier_zone(territory: Territory, zone_id: int) -> CourierZone | None:
    return CourierZone.objects.filter(territory=territory, pk=zone_id).first()


@dataclass(frozen=True)
class CourierShopRow:
    shop: Shop
    served: bool
    delivery_enabled: bool


def courier_shop_rows(
    territory: Territory, *, q: str = "", limit: int = 50
) -> list[CourierShopRow]:
    """The shops the courier serves, then (with ``q``) approved shops whose name matches."""
    served = set(CourierShop.objects.filter(territory=territory).values_list("shop_id", flat=True))
    shops = list(Shop.objects.filter(territory=territory, pk__in=served).order_by("name", "pk"))
    term = " ".join(q.split())[:100]
    if term:
        shops += list(
            Shop.objects.filter(
                territory=territory, status=ShopStatus.APPROVED, name__icontains=term
            )
            .exclude(pk__in=served)
            .order_by("name", "pk")[:limit]
        )
    settings = dict(
        ShopFulfilment.objects.filter(
            territory=territory, shop_id__in=[shop.pk for shop in shops]
        ).values_list("shop_id", "delivery_enabled")
    )
    return [
        CourierShopRow(
            shop=shop,
            served=shop.pk in served,
            delivery_enabled=settings.get(shop.pk, shop.offers_delivery),
        )
        for shop in shops
    ]
