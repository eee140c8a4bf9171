import datetime as dt

import pytest

from cabas.factories import (
    OfferFactory,
    ShopClosureFactory,
    ShopFactory,
)
from cabas.shops.models import ShopStatus

from .contract import assert_error

DETAIL_FIELDS = {
    "slug",
    "name",
    "category",
    "category_name",
    "address",
    "postcode",
    "city",
    "lat",
    "lon",
    "opening_hours",
    "open_now",
    "open_state",
    "next_change",
    "services",
    "distance_km",
    "url",
    "description",
    "phone",
    "website",
    "hours_source",
    "made_locally",
    "week",
    "closures",
    "offer_count",
}


def shop_url(territory, slug):
    return f"/api/v1/territories/{territory.slug}/shops/{slug}"


@pytest.mark.django_db
def test_shop_detail_has_hours_week_closures_services_and_offer_count(
    client, territory, taxonomy, frozen_now
):
    shop = ShopFactory(
        territory=territory,
        slug="fromagerie-martin",
        name="Fromagerie Martin",
        category=taxonomy["fromagerie"],
        opening_hours="Mo-Sa 09:00-12:30,14:00-19:00",
        offers_delivery=True,
    )
    # Friday 14 March is closed for inventory; last year's closure is over.
    ShopClosureFactory(shop=shop, start_date=dt.date(2025, 3, 14), end_date=dt.date(2025, 3, 14))
    ShopClosureFactory(shop=shop, start_date=dt.date(2024, 8, 1), end_date=dt.date(2024, 8, 20))
    OfferFactory.create_batch(3, shop=shop)
    OfferFactory(shop=shop, is_active=False)
    OfferFactory(shop=ShopFactory(territory=territory))

    response = client.get(shop_url(territory, "fromagerie-martin"))

    assert response.status_code == 200
    body = response.json()
    assert set(body) == DETAIL_FIELDS
    assert body["opening_hours"] == "Mo-Sa 09:00-12:30,14:00-19:00"
    assert body["open_now"] is True
    assert body["open_state"] == "open"
    assert body["next_change"] == "2025-03-12T12:30:00+01:00"
    assert body["services"] == ["click_collect", "delivery"]
    assert body["offer_count"] == 3
    assert body["closures"] == [
        {"start_date": "2025-03-14", "end_date": "2025-03-14", "reason": "Inventaire"}
    ]
    week = body["week"]
    assert [day["date"] for day in week] == [
        "2025-03-12",
        "2025-03-13",
        "2025-03-14",
        "2025-03-15",
        "2025-03-16",
        "2025-03-17",
        "2025-03-18",
    ]
    assert week[0] == {
        "date": "2025-03-12",
        "intervals": [
            {"opens": "2025-03-12T09:00:00+01:00", "closes": "2025-03-12T12:30:00+01:00"},
            {"opens": "2025-03-12T14:00:00+01:00", "closes": "2025-03-12T19:00:00+01:00"},
        ],
        "closed_exceptionally": False,
    }
    assert week[2] == {"date": "2025-03-14", "intervals": [], "closed_exceptionally": True}
    assert week[4] == {"date": "2025-03-16", "intervals": [], "closed_exceptionally": False}


@pytest.mark.django_db
def test_week_follows_the_daylight_saving_change(client, territory, monkeypatch):
    # Sunday 30 March 2025 Paris moves to UTC+2: the offset changes inside the week.
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2025, 3, 28, 9, 0, tzinfo=dt.UTC))
    ShopFactory(territory=territory, slug="boutique", opening_hours="Mo-Sa 09:00-19:00")

    week = client.get(shop_url(territory, "boutique")).json()["week"]

    assert week[0]["intervals"][0]["opens"] == "2025-03-28T09:00:00+01:00"
    assert week[3]["intervals"][0]["opens"] == "2025-03-31T09:00:00+02:00"


@pytest.mark.django_db
def test_an_interval_to_midnight_closes_at_the_next_day(client, territory, frozen_now):
    ShopFactory(territory=territory, slug="bar", opening_hours="We 18:00-24:00")

    week = client.get(shop_url(territory, "bar")).json()["week"]

    assert week[0]["intervals"] == [
        {"opens": "2025-03-12T18:00:00+01:00", "closes": "2025-03-13T00:00:00+01:00"}
    ]


@pytest.mark.django_db
def test_unknown_hours_give_no_week_and_an_unknown_state(client, territory, frozen_now):
    ShopFactory(territory=territory, slug="sans-horaires", opening_hours="")

    body = client.get(shop_url(territory, "sans-horaires")).json()

    assert body["week"] is None
    assert body["open_state"] == "unknown"
    assert body["open_now"] is False
    assert body["next_change"] is None


@pytest.mark.django_db
def test_an_unknown_shop_is_a_json_404(client, territory):
    error = assert_error(client.get(shop_url(territory, "nulle-part")), 404, "not_found")

    assert error["details"] == {"shop": "nulle-part"}


@pytest.mark.django_db
def test_a_shop_of_another_territory_is_a_404_here(client, territory, other_territory):
    ShopFactory(territory=other_territory, slug="ailleurs")

    assert_error(client.get(shop_url(territory, "ailleurs")), 404, "not_found")
    assert client.get(shop_url(other_territory, "ailleurs")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("status", [ShopStatus.DRAFT, ShopStatus.PENDING, ShopStatus.SUSPENDED])
def test_a_shop_not_approved_is_a_404(client, territory, status):
    ShopFactory(territory=territory, slug="cache", status=status)

    assert_error(client.get(shop_url(territory, "cache")), 404, "not_found")


@pytest.mark.django_db
def test_a_shop_of_an_unknown_territory_is_a_404(client):
    error = assert_error(
        client.get("/api/v1/territories/atlantide/shops/boutique"), 404, "not_found"
    )

    assert error["details"] == {"territory": "atlantide"}


@pytest.mark.django_db
def test_shop_detail_query_count_does_not_grow_with_offers_and_closures(
    client, territory, frozen_now, django_assert_max_num_queries
):
    shop = ShopFactory(territory=territory, slug="boutique")
    OfferFactory.create_batch(30, shop=shop)
    for day in range(10):
        ShopClosureFactory(
            shop=shop,
            start_date=dt.date(2025, 4, 1) + dt.timedelta(days=day),
            end_date=dt.date(2025, 4, 1) + dt.timedelta(days=day),
        )

    with django_assert_max_num_queries(4):
        response = client.get(shop_url(territory, "boutique"))

    assert response.json()["offer_count"] == 30
    assert len(response.json()["closures"]) == 10
