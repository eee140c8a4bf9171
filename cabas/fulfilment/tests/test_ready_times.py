"""Territory defaults for shops without their own settings; the earliest ready time read
for lists (one query in the common case) agrees with the full slot computation."""

import datetime as dt

import pytest

from cabas.factories import ShopClosureFactory, ShopFactory, TerritoryFactory
from cabas.fulfilment.models import (
    CollectionPoint,
    CollectionPointShop,
    DeliveryZone,
    FulfilmentMethod,
    ShopFulfilment,
    SlotLoad,
)
from cabas.fulfilment.selectors import (
    earliest_ready_for_shops,
    fulfilment_for_shops,
    shop_facts,
    shop_facts_annotations,
)
from cabas.shops.models import Shop

pytestmark = pytest.mark.django_db

HOURS = "Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00"
# Wednesday 11 June 2031, 09:05 in Paris (UTC+2).
WED_9_05AM = dt.datetime(2031, 6, 11, 7, 5, tzinfo=dt.UTC)


def utc(day, hour, minute=0):
    return dt.datetime(2031, 6, day, hour, minute, tzinfo=dt.UTC)


def loaded(*shops):
    """The shops as a caller that did not ``select_related`` the territory has them."""
    return list(Shop.objects.filter(pk__in=[shop.pk for shop in shops]).order_by("pk"))


def test_shop_without_settings_starts_from_its_territorys_defaults():
    # Given a territory whose pickup slots last 20 minutes, after 15 minutes of
    # preparation, 2 orders each, offered 2 days ahead
    town = TerritoryFactory(
        default_slot_minutes=20,
        default_lead_minutes=15,
        default_capacity_per_slot=2,
        default_horizon_days=2,
    )
    shop = ShopFactory(territory=town, opening_hours=HOURS)

    # When a shop that never saved its own settings is asked for slots
    with_territory = list(Shop.objects.select_related("territory").filter(pk=shop.pk))
    view = fulfilment_for_shops(with_territory, now=WED_9_05AM)[shop.pk]
    slots = view.option("pickup").slots

    # Then its slots follow the territory's defaults
    assert (view.settings.slot_minutes, view.settings.lead_minutes) == (20, 15)
    assert [s.start for s in slots[:3]] == [utc(11, 7, 20), utc(11, 7, 40), utc(11, 8)]
    assert slots[0].end - slots[0].start == dt.timedelta(minutes=20)
    assert slots[0].remaining == 2
    assert max(s.start for s in slots).date() == dt.date(2031, 6, 12)
    ready = earliest_ready_for_shops(loaded(shop), now=WED_9_05AM)[shop.pk]
    assert ready.text == "prêt aujourd'hui dès 9\u00a0h\u00a020"


def test_a_shops_own_settings_win_over_the_territorys_defaults():
    town = TerritoryFactory(default_slot_minutes=20, default_lead_minutes=15)
    shop = ShopFactory(territory=town, opening_hours=HOURS)
    ShopFulfilment.objects.create(territory=town, shop=shop, slot_minutes=60, lead_minutes=120)

    ready = earliest_ready_for_shops(loaded(shop), now=WED_9_05AM)[shop.pk]

    assert ready.at == utc(11, 12)  # 11:05 is too soon for the morning: 14:00 in Paris
    assert ready.text == "prêt aujourd'hui dès 14\u00a0h"


def test_territory_defaults_leave_the_service_flags_in_charge():
    town = TerritoryFactory(default_lead_minutes=15)
    vitrine = ShopFactory(territory=town, opening_hours=HOURS, offers_click_collect=False)
    assert earliest_ready_for_shops(loaded(vitrine), now=WED_9_05AM)[vitrine.pk] is None


def reference_ready(view):
    """What the full computation says: the earliest pickup, else the earliest delivery."""
    usable = [option for option in view.options if option.earliest]
    pickups = [o for o in usable if o.method != FulfilmentMethod.DELIVERY]
    if not (pickups or usable):
        return None
    option = min(pickups or usable, key=lambda o: o.earliest.start)
    return option.earliest.start, option.method


@pytest.fixture
def variety(territory):
    """Shops with each thing that bears on the ready time."""

    def make(**kwargs):
        return ShopFactory(territory=territory, **{"opening_hours": HOURS, **kwargs})

    plain = make()
    booked = make()
    for start in (utc(11, 8, 30), utc(11, 9)):  # 10:30 and 11:00 are full
        SlotLoad.objects.create(
            territory=territory, target=f"shop:{booked.pk}:pickup", starts_at=start, booked=4
        )
    closed = make()
    ShopClosureFactory(shop=closed, start_date=dt.date(2031, 6, 11), end_date=dt.date(2031, 6, 12))
    courier = make(offers_click_collect=False, offers_delivery=True)
    DeliveryZone.objects.create(
        territory=territory, shop=courier, name="Centre", kind="radius", radius_km=3
    )
    no_zone = make(offers_click_collect=False, offers_delivery=True)
    point = CollectionPoint.objects.create(
        territory=territory,
        slug="halle",
        name="Halle",
        address="Place de la Halle",
        lat=48.86,
        lon=2.34,
        opening_hours="Mo-Sa 07:00-20:00",
        lead_minutes=30,
    )
    at_point = make(offers_click_collect=False)
    CollectionPointShop.objects.create(territory=territory, collection_point=point, shop=at_point)
    SlotLoad.objects.create(  # 11:00 at the point is full
        territory=territory, target=f"point:{point.pk}", starts_at=utc(11, 9), booked=20
    )
    unknown = make(opening_hours="")
    return [plain, booked, closed, courier, no_zone, at_point, unknown]


def test_list_ready_times_agree_with_the_full_slot_computation(variety):
    full = fulfilment_for_shops(
        list(Shop.objects.select_related("territory").filter(pk__in=[s.pk for s in variety])),
        now=WED_9_05AM,
    )
    ready = earliest_ready_for_shops(loaded(*variety), now=WED_9_05AM)

    for shop in variety:
        expected = reference_ready(full[shop.pk])
        got = ready[shop.pk]
        assert ((got.at, got.method) if got else None) == expected, shop.name
    plain, booked, closed, courier, no_zone, at_point, unknown = variety
    assert ready[plain.pk].at == utc(11, 8, 30)  # 10:30: the first slot after an hour
    assert ready[booked.pk].at == utc(11, 9, 30)
    assert ready[closed.pk].text == "prêt vendredi 13 juin dès 9\u00a0h"
    assert ready[courier.pk].text == "livrable aujourd'hui dès 14\u00a0h"
    assert ready[no_zone.pk] is None and ready[unknown.pk] is None
    assert (ready[at_point.pk].method, ready[at_point.pk].at) == ("collection_point", utc(11, 10))


def test_closures_given_by_the_page_are_used_instead_of_read(variety, django_assert_num_queries):
    closed = loaded(variety[2])
    with django_assert_num_queries(1):
        ready = earliest_ready_for_shops(closed, now=WED_9_05AM, closures={})
    assert ready[closed[0].pk].at == utc(11, 8, 30)  # the page said: no closure


def test_one_query_for_a_list_of_plain_shops(territory, django_assert_num_queries):
    shops = loaded(*[ShopFactory(territory=territory, opening_hours=HOURS) for _i in range(12)])
    with django_assert_num_queries(1):
        ready = earliest_ready_for_shops(shops, now=WED_9_05AM)
    assert {r.at for r in ready.values()} == {utc(11, 8, 30)}


@pytest.mark.parametrize("count", [3, 15])
def test_at_most_four_queries_whatever_bears_on_the_answer(
    variety, territory, count, django_assert_num_queries
):
    more = [ShopFactory(territory=territory, opening_hours=HOURS) for _i in range(count)]
    for shop in more:
        ShopClosureFactory(
            shop=shop, start_date=dt.date(2031, 6, 12), end_date=dt.date(2031, 6, 12)
        )
    shops = loaded(*variety, *more)
    with django_assert_num_queries(4):
        earliest_ready_for_shops(shops, now=WED_9_05AM)


def test_no_shops_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert earliest_ready_for_shops([], now=WED_9_05AM) == {}


def described(view):
    settings = view.settings
    return (
        (settings.slot_minutes, settings.lead_minutes, settings.capacity_per_slot),
        [
            (
                option.key,
                option.label,
                [(slot.start, slot.remaining) for slot in option.slots],
                [zone.pk for zone in option.zones],
            )
            for option in view.options
        ],
    )


def test_facts_read_with_the_shops_give_the_same_slots_with_fewer_queries(
    variety, django_assert_num_queries
):
    # Given the shops read once with what bears on their fulfilment
    annotated = list(
        Shop.objects.filter(pk__in=[s.pk for s in variety])
        .select_related("territory", "fulfilment")
        .annotate(**shop_facts_annotations('"shops_shop"."id"', now=WED_9_05AM))
    )
    facts = {shop.pk: shop_facts(shop, shop) for shop in annotated}
    plain, booked, closed, courier, no_zone, at_point, unknown = variety
    assert facts[plain.pk].settings is None
    assert not any(getattr(facts[plain.pk], f) for f in ("closures", "points", "zones", "loads"))
    assert facts[booked.pk].loads and facts[closed.pk].closures
    assert facts[courier.pk].zones and facts[at_point.pk].points

    # Then the views built from them agree with the ones read in full
    full = fulfilment_for_shops(
        list(Shop.objects.select_related("territory").filter(pk__in=[s.pk for s in variety])),
        now=WED_9_05AM,
    )
    with django_assert_num_queries(4):  # closures, points, zones, the points' booked slots
        known = fulfilment_for_shops(annotated, now=WED_9_05AM, facts=facts)
    for shop in variety:
        assert described(known[shop.pk]) == described(full[shop.pk]), shop.name

    # And shops with nothing but their settings and booked slots need no query at all
    quiet = [shop for shop in annotated if shop.pk in (plain.pk, booked.pk, no_zone.pk, unknown.pk)]
    with django_assert_num_queries(0):
        alone = fulfilment_for_shops(quiet, now=WED_9_05AM, facts=facts)
    for shop in quiet:
        assert described(alone[shop.pk]) == described(full[shop.pk]), shop.name
