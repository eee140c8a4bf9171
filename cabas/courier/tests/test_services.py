"""The territory courier: zones never overlap, and served shops deliver where it goes."""

from __future__ import annotations

import pytest

from cabas.audit.models import AuditEntry
from cabas.courier import services
from cabas.courier.errors import CourierError
from cabas.courier.models import CourierZone, CourierZoneLink
from cabas.factories import ShopFactory
from cabas.fulfilment.errors import FulfilmentError
from cabas.fulfilment.models import DeliveryZone
from cabas.fulfilment.selectors import delivery_quote
from cabas.shops.models import ShopStatus

pytestmark = pytest.mark.django_db


def _zone(world, name: str, postcodes: str, fee: int = 300, **extra) -> CourierZone:
    return services.courier_zone_create(
        territory=world.territory,
        data=services.ZoneInput(name=name, postcodes=postcodes, fee_cents=fee, **extra),
        actor=world.operator,
    )


@pytest.mark.parametrize(
    ("postcodes", "code", "message"),
    [
        ("35000", "zones_overlap", "chevauche la zone « Centre de aval » sur le code postal 35000"),
        ("35002, 35001 35000", "zones_overlap", "sur les codes postaux 35000, 35001"),
        ("3500", "postcode_invalid", "« 3500 » n'est pas un code postal (5 chiffres)."),
        ("35A00 1", "postcode_invalid", "« 35A00, 1 » ne sont pas des codes postaux"),
        (" , ", "postcodes_required", "Indiquez au moins un code postal."),
    ],
)
def test_a_bad_zone_is_refused_and_nothing_is_saved(world_a, postcodes, code, message):
    before = list(CourierZone.objects.values_list("pk", "postcodes"))

    with pytest.raises(CourierError) as error:
        _zone(world_a, "Nord", postcodes)

    assert error.value.code == code
    assert message in error.value.message
    assert list(CourierZone.objects.values_list("pk", "postcodes")) == before
    assert not AuditEntry.objects.filter(action="courier_zone.create").exists()


def test_zones_of_another_territory_never_conflict(world_a, world_b):
    zone = _zone(world_a, "Comme Bourg", world_b.zone.postcodes)

    assert zone.postcode_list == ["22000", "22001"]


def test_a_negative_or_absurd_fee_is_refused(world_a):
    with pytest.raises(CourierError) as error:
        _zone(world_a, "Nord", "35700", fee=-100)
    assert error.value.code == "fee_out_of_range"
    with pytest.raises(CourierError):
        _zone(world_a, "Nord", "35700", minimum_order_cents=-1)


def test_an_update_may_keep_its_own_postcodes_but_not_take_others(world_a):
    north = _zone(world_a, "Nord", "35700 35701")

    services.courier_zone_update(
        territory=world_a.territory,
        zone_id=north.pk,
        data=services.ZoneInput(name="Nord", postcodes="35700 35701 35702", fee_cents=400),
        actor=world_a.operator,
    )
    with pytest.raises(CourierError) as error:
        services.courier_zone_update(
            territory=world_a.territory,
            zone_id=north.pk,
            data=services.ZoneInput(name="Nord", postcodes="35700 35001", fee_cents=400),
            actor=world_a.operator,
        )

    assert error.value.code == "zones_overlap"
    north.refresh_from_db()
    assert north.postcodes == "35700 35701 35702"


def test_served_shops_get_the_courier_zones_and_checkout_quotes_them(world_a):
    shop = world_a.shop
    services.courier_shop_set(territory=world_a.territory, shop_id=shop.pk, served=True, actor=None)

    (delivery,) = DeliveryZone.objects.filter(shop=shop)
    assert (delivery.kind, delivery.postcodes, delivery.fee_cents) == (
        "postcodes",
        "35000 35001",
        350,
    )
    quote = delivery_quote(shop=shop, zones=[delivery], postcode="35001", subtotal_cents=1000)
    assert quote.fee_cents == 350

    north = _zone(world_a, "Nord", "35700", fee=500, minimum_order_cents=2000)
    zones = list(DeliveryZone.objects.filter(shop=shop, is_active=True))
    assert len(zones) == 2
    with pytest.raises(FulfilmentError) as below:
        delivery_quote(shop=shop, zones=zones, postcode="35700", subtotal_cents=1500)
    assert below.value.code == "delivery_below_minimum"

    services.courier_zone_update(
        territory=world_a.territory,
        zone_id=north.pk,
        data=services.ZoneInput(name="Nord", postcodes="35700", fee_cents=450, is_active=False),
        actor=None,
    )
    assert list(DeliveryZone.objects.filter(shop=shop).values_list("fee_cents", flat=True)) == [350]

    services.courier_zone_delete(territory=world_a.territory, zone_id=world_a.zone.pk, actor=None)
    services.courier_shop_set(
        territory=world_a.territory, shop_id=shop.pk, served=False, actor=None
    )
    assert not DeliveryZone.objects.filter(shop=shop).exists()
    assert not CourierZoneLink.objects.exists()


def test_a_shop_own_zones_are_left_alone(world_a):
    own = DeliveryZone.objects.create(
        territory=world_a.territory, shop=world_a.shop, name="À vélo", kind="radius", radius_km=2
    )
    services.courier_shop_set(
        territory=world_a.territory, shop_id=world_a.shop.pk, served=True, actor=None
    )
    services.courier_shop_set(
        territory=world_a.territory, shop_id=world_a.shop.pk, served=False, actor=None
    )

    assert list(DeliveryZone.objects.filter(shop=world_a.shop)) == [own]


def test_only_approved_shops_of_the_territory_are_served(world_a, world_b):
    pending = ShopFactory(territory=world_a.territory, status=ShopStatus.PENDING)

    with pytest.raises(CourierError) as not_approved:
        services.courier_shop_set(
            territory=world_a.territory, shop_id=pending.pk, served=True, actor=None
        )
    with pytest.raises(CourierError) as elsewhere:
        services.courier_shop_set(
            territory=world_a.territory, shop_id=world_b.shop.pk, served=True, actor=None
        )

    assert (not_approved.value.code, elsewhere.value.code) == (
        "shop_not_approved",
        "shop_not_found",
    )
    assert not DeliveryZone.objects.exists()
