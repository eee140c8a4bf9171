"""A shop's pickup and delivery settings: slots, capacity, lead time, delivery zones.

The rows belong to ``cabas.fulfilment`` (which turns them into slots at checkout);
the back office writes them here, for one shop at a time, and keeps the shop's
public service flags (shown and filtered on in the storefront) in line with them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from cabas.fulfilment.models import DeliveryZone, ShopFulfilment
from cabas.fulfilment.selectors import default_settings
from cabas.shops.models import Shop

from ..errors import BackofficeError


@dataclass(frozen=True)
class FulfilmentSettings:
    pickup_enabled: bool
    slot_minutes: int
    lead_minutes: int
    capacity_per_slot: int
    horizon_days: int
    delivery_enabled: bool
    delivery_slot_minutes: int
    delivery_capacity_per_slot: int


def shop_fulfilment_settings(shop: Shop) -> FulfilmentSettings:
    """The saved settings, or the defaults a shop without a row gets at checkout."""
    row = ShopFulfilment.objects.filter(territory_id=shop.territory_id, shop=shop).first()
    if row is None:
        row = default_settings(shop)
    return FulfilmentSettings(
        **{name: getattr(row, name) for name in FulfilmentSettings.__dataclass_fields__}
    )


def shop_set_fulfilment(*, shop: Shop, settings: FulfilmentSettings) -> ShopFulfilment:
    """Save the settings and the matching service flags of the shop page."""
    with transaction.atomic():
        row, _created = ShopFulfilment.objects.update_or_create(
            shop=shop, defaults={"territory_id": shop.territory_id, **asdict(settings)}
        )
        Shop.objects.filter(pk=shop.pk).update(
            offers_click_collect=settings.pickup_enabled,
            offers_delivery=settings.delivery_enabled,
        )
        shop.offers_click_collect = settings.pickup_enabled
        shop.offers_delivery = settings.delivery_enabled
    return row


def shop_sync_service_flags(*, shop: Shop) -> None:
    """After the vitrine changed the service flags, the saved settings follow them."""
    ShopFulfilment.objects.filter(territory_id=shop.territory_id, shop=shop).update(
        pickup_enabled=shop.offers_click_collect, delivery_enabled=shop.offers_delivery
    )


def delivery_zone_add(
    *,
    shop: Shop,
    name: str,
    kind: str,
    radius_km: float | None,
    postcodes: list[str],
    fee_cents: int,
    minimum_order_cents: int,
) -> DeliveryZone:
    if kind == DeliveryZone.Kind.RADIUS and not (radius_km and 0 < radius_km <= 50):
        raise BackofficeError(
            "zone_radius", _("Indiquez un rayon entre 0,1 et 50 km."), field="radius_km"
        )
    if kind == DeliveryZone.Kind.POSTCODES and not postcodes:
        raise BackofficeError(
            "zone_postcodes", _("Indiquez au moins un code postal."), field="postcodes"
        )
    return DeliveryZone.objects.create(
        territory_id=shop.territory_id,
        shop=shop,
        name=name.strip()[:80],
        kind=kind,
        radius_km=radius_km if kind == DeliveryZone.Kind.RADIUS else None,
        postcodes=" ".join(postcodes) if kind == DeliveryZone.Kind.POSTCODES else "",
        fee_cents=fee_cents,
        minimum_order_cents=minimum_order_cents,
    )


def delivery_zone_delete(*, shop: Shop, zone_id: int) -> bool:
    deleted, _rows = DeliveryZone.objects.filter(
        territory_id=shop.territory_id, shop=shop, pk=zone_id
    ).delete()
    return bool(deleted)
