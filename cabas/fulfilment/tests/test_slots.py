"""Slots from opening hours and closures, in the territory's timezone; ready-time wording."""

import datetime as dt

import pytest
from django.db import transaction

from cabas.factories import ShopFactory
from cabas.fulfilment.errors import FulfilmentError, SlotFullError
from cabas.fulfilment.models import (
    CollectionPoint,
    CollectionPointShop,
    DeliveryZone,
    ShopFulfilment,
    SlotLoad,
)
from cabas.fulfilment.selectors import (
    choose_slot,
    delivery_quote,
    earliest_ready,
    earliest_ready_for_shops,
    fulfilment_for_shops,
)
from cabas.fulfilment.services import SlotBooking, slots_book
from cabas.geo.models import PostalCode
from cabas.shops.models import ShopClosure

pytestmark = pytest.mark.django_db

HOURS = "Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00"
# Wednesday 11 June 2031 in Paris (UTC+2 in summer).
WED_8AM = dt.datetime(2031, 6, 11, 6, 0, tzinfo=dt.UTC)
WED_5_30PM = dt.datetime(2031, 6, 11, 15, 30, tzinfo=dt.UTC)


def utc(day, hour, minute=0):
    return dt.datetime(2031, 6, day, hour, minute, tzinfo=dt.UTC)


@pytest.fixture
def shop(territory):
    return ShopFactory(territory=territory, opening_hours=HOURS, slug="fromagerie")


def pickup_slots(shop, now):
    view = fulfilment_for_shops([shop], now=now)[shop.pk]
    return view.option("pickup").slots


def test_slots_follow_opening_hours_and_are_stored_in_utc(shop):
    slots = pickup_slots(shop, WED_8AM)
    # 09:00 Paris is 07:00 UTC; 30-minute slots up to 12:00, then from 14:00
    assert [s.start for s in slots[:7]] == [
        utc(11, 7),
        utc(11, 7, 30),
        utc(11, 8),
        utc(11, 8, 30),
        utc(11, 9),
        utc(11, 9, 30),
        utc(11, 12),
    ]
    assert slots[0].end == utc(11, 7, 30)
    assert slots[0].remaining == 4
    # Sunday is closed; a week is offered
    assert not [s for s in slots if s.start.date() == dt.date(2031, 6, 15)]
    assert max(s.start for s in slots).date() == dt.date(2031, 6, 17)


def test_winter_slots_shift_with_the_timezone(shop):
    winter = dt.datetime(2031, 1, 15, 7, 0, tzinfo=dt.UTC)  # Wednesday 08:00 in Paris
    assert pickup_slots(shop, winter)[0].start == dt.datetime(2031, 1, 15, 8, 0, tzinfo=dt.UTC)


def test_ready_text_today_tomorrow_and_a_later_day(shop):
    assert earliest_ready(shop, now=WED_8AM).text == "prêt aujourd'hui dès 9\u00a0h"
    ShopFulfilment.objects.create(territory=shop.territory, shop=shop, lead_minutes=90)
    assert earliest_ready(shop, now=WED_8AM).text == "prêt aujourd'hui dès 9\u00a0h\u00a030"
    assert earliest_ready(shop, now=WED_5_30PM).text == "prêt demain dès 9\u00a0h"
    ShopClosure.objects.create(
        territory=shop.territory,
        shop=shop,
        start_date=dt.date(2031, 6, 12),
        end_date=dt.date(2031, 6, 12),
    )
    ready = earliest_ready(shop, now=WED_5_30PM)
    assert ready.text == "prêt vendredi 13 juin dès 9\u00a0h"
    assert ready.at == utc(13, 7)


def test_full_slots_are_not_offered(shop):
    SlotLoad.objects.create(
        territory=shop.territory, target=f"shop:{shop.pk}:pickup", starts_at=utc(11, 7), booked=4
    )
    SlotLoad.objects.create(
        territory=shop.territory,
        target=f"shop:{shop.pk}:pickup",
        starts_at=utc(11, 7, 30),
        booked=3,
    )
    slots = pickup_slots(shop, WED_8AM)
    assert (slots[0].start, slots[0].remaining) == (utc(11, 7, 30), 1)


def test_unknown_hours_offer_no_slot(territory):
    shop = ShopFactory(territory=territory, opening_hours="")
    assert pickup_slots(shop, WED_8AM) == []
    assert earliest_ready(shop, now=WED_8AM) is None


def test_collection_point_gathers_shops_on_its_own_hours(shop, territory):
    point = CollectionPoint.objects.create(
        territory=territory,
        slug="halle",
        name="Halle du marché",
        address="Place de la Halle",
        lat=48.86,
        lon=2.34,
        opening_hours="Mo-Sa 16:00-19:00",
        lead_minutes=120,
    )
    other = ShopFactory(territory=territory, opening_hours=HOURS)
    for member in (shop, other):
        CollectionPointShop.objects.create(territory=territory, collection_point=point, shop=member)
    views = fulfilment_for_shops([shop, other], now=WED_8AM)
    option = views[shop.pk].option("point:halle")
    assert option.calendar.target == views[other.pk].option("point:halle").calendar.target
    assert option.slots[0].start == utc(11, 14)  # 16:00 in Paris
    assert option.label == "Retrait au point Halle du marché"


def test_choose_slot_explains_why_a_slot_is_refused(shop):
    now = utc(11, 6, 30)  # 08:30 in Paris; one hour of preparation
    view = fulfilment_for_shops([shop], now=now)[shop.pk]
    cases = {
        utc(11, 5): "slot_in_past",
        utc(11, 7): "slot_too_soon",  # 09:00: open, but not prepared by then
        utc(11, 11): "slot_closed",  # 13:00, lunch break
        utc(11, 7, 40): "slot_closed",  # not a slot boundary
    }
    for start, code in cases.items():
        with pytest.raises(FulfilmentError) as error:
            choose_slot(view, option_key="pickup", slot_start=start, now=now)
        assert error.value.code == code, start
    with pytest.raises(FulfilmentError) as error:
        choose_slot(view, option_key="delivery", slot_start=None, now=WED_8AM)
    assert error.value.code == "fulfilment_unavailable"
    option, slot = choose_slot(view, option_key=None, slot_start=None, now=now)
    assert (option.key, slot.start) == ("pickup", utc(11, 7, 30))


def test_delivery_zones_by_postcode_and_radius(shop, territory):
    PostalCode.objects.create(
        code="75011", insee_code="75111", commune="Paris 11e", lat=48.8590, lon=2.3800
    )
    PostalCode.objects.create(
        code="69001", insee_code="69381", commune="Lyon 1er", lat=45.767, lon=4.834
    )
    zones = [
        DeliveryZone.objects.create(
            territory=territory,
            shop=shop,
            name="Quartier",
            kind="postcodes",
            postcodes="75002, 75003",
            fee_cents=300,
            minimum_order_cents=1500,
        ),
        DeliveryZone.objects.create(
            territory=territory,
            shop=shop,
            name="5 km",
            kind="radius",
            radius_km=5,
            fee_cents=600,
            minimum_order_cents=2000,
        ),
    ]
    assert (
        delivery_quote(shop=shop, zones=zones, postcode="75002", subtotal_cents=1500).fee_cents
        == 300
    )
    assert (
        delivery_quote(shop=shop, zones=zones, postcode="75011", subtotal_cents=2500).fee_cents
        == 600
    )
    with pytest.raises(FulfilmentError) as error:
        delivery_quote(shop=shop, zones=zones, postcode="75011", subtotal_cents=1000)
    assert error.value.code == "delivery_below_minimum"
    assert "20,00" in error.value.message
    with pytest.raises(FulfilmentError) as error:
        delivery_quote(shop=shop, zones=zones, postcode="69001", subtotal_cents=9000)
    assert error.value.code == "delivery_out_of_zone"


def test_earliest_ready_for_many_shops_is_a_constant_number_of_queries(
    territory, django_assert_max_num_queries
):
    shops = [ShopFactory(territory=territory, opening_hours=HOURS) for _i in range(8)]
    for shop in shops:
        shop.territory = territory
    with django_assert_max_num_queries(5):
        ready = earliest_ready_for_shops(shops, now=WED_8AM)
    assert {r.at for r in ready.values()} == {utc(11, 7)}


def test_a_booking_is_one_statement_whether_its_counter_exists_or_not(
    shop, django_assert_num_queries
):
    target = f"shop:{shop.pk}:pickup"
    SlotLoad.objects.create(territory=shop.territory, target=target, starts_at=utc(12, 7), booked=3)
    booking = SlotBooking(shop.territory_id, target, utc(12, 7), 4)
    with transaction.atomic(), django_assert_num_queries(1):  # the guarded increment
        slots_book(bookings=[booking])
    assert SlotLoad.objects.get(target=target, starts_at=utc(12, 7)).booked == 4
    # Full now: the guard refuses, the counter stays at the capacity
    with pytest.raises(SlotFullError), transaction.atomic():
        slots_book(bookings=[booking])
    assert SlotLoad.objects.get(target=target, starts_at=utc(12, 7)).booked == 4
    # A missing counter is created holding the places taken, in the same one statement
    missing = SlotBooking(shop.territory_id, target, utc(12, 8), 4)
    with transaction.atomic(), django_assert_num_queries(1):
        slots_book(bookings=[missing, missing])
    assert SlotLoad.objects.get(target=target, starts_at=utc(12, 8)).booked == 2
    # More places than the capacity at once are refused, even for a slot never booked
    with pytest.raises(SlotFullError), transaction.atomic():
        slots_book(bookings=[SlotBooking(shop.territory_id, target, utc(12, 9), 1)] * 2)
    assert not SlotLoad.objects.filter(starts_at=utc(12, 9)).exists()
