"""Collection points and the courier's zones, through the console's forms."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cabas.console import selectors
from cabas.courier.models import CourierZone
from cabas.fulfilment.models import CollectionPoint, CollectionPointShop, SlotLoad
from cabas.fulfilment.selectors import fulfilment_for_shops
from cabas.shops.models import Shop

pytestmark = pytest.mark.django_db


def _point_form(**changes) -> dict:
    data = {
        "name": "Halle Saint-Germain",
        "address": "4 place du Marché",
        "postcode": "35000",
        "city": "Aval",
        "lat": "48.11",
        "lon": "-1.68",
        "opening_hours": "Mo-Sa 08:00-19:00",
        "slot_minutes": "60",
        "lead_minutes": "120",
        "capacity_per_slot": "15",
        "horizon_days": "7",
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_a_collection_point_serves_shops_at_checkout(operator_client, world_a):
    slug = world_a.territory.slug
    response = operator_client.post(
        reverse("console:point_new", kwargs={"territory": slug}), _point_form()
    )
    point = CollectionPoint.objects.get(name="Halle Saint-Germain")
    assert response["Location"] == reverse(
        "console:point", kwargs={"territory": slug, "point_id": point.pk}
    )
    assert (point.slug, point.capacity_per_slot) == ("halle-saint-germain", 15)

    operator_client.post(
        reverse("console:point_shop", kwargs={"territory": slug, "point_id": point.pk}),
        {"shop": world_a.shop.pk, "served": "1"},
    )

    assert CollectionPointShop.objects.filter(collection_point=point, shop=world_a.shop).exists()
    shop = Shop.objects.select_related("territory").get(pk=world_a.shop.pk)
    view = fulfilment_for_shops([shop])[shop.pk]
    assert view.option(f"point:{point.slug}") is not None
    page = operator_client.get(
        reverse("console:point", kwargs={"territory": slug, "point_id": point.pk})
    )
    assert world_a.shop.name in page.content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"opening_hours": "tous les jours 9h-18h"}, "Horaires illisibles"),
        ({"slot_minutes": "0"}, "Un créneau dure de 5 à 480 minutes."),
        ({"capacity_per_slot": "-3"}, "Un créneau accepte de 1 à 1 000 commandes."),
        ({"lat": "123"}, "La latitude va de -90 à 90."),
        ({"name": ""}, "Ce champ est obligatoire."),
    ],
)
def test_a_bad_collection_point_is_explained_and_not_saved(
    operator_client, world_a, changes, message
):
    before = CollectionPoint.objects.count()

    response = operator_client.post(
        reverse("console:point_new", kwargs={"territory": world_a.territory.slug}),
        _point_form(**changes),
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert CollectionPoint.objects.count() == before


def test_overlapping_courier_zones_get_a_clear_error(operator_client, world_a):
    url = reverse("console:courier_zone_new", kwargs={"territory": world_a.territory.slug})

    response = operator_client.post(
        url,
        {
            "name": "Sud",
            "postcodes": "35001 35200",
            "fee": "3,00",
            "minimum": "0",
            "is_active": "on",
        },
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Cette zone chevauche la zone « Centre de aval » sur le code postal 35001" in html
    assert not CourierZone.objects.filter(name="Sud").exists()


def test_a_negative_fee_is_refused_by_the_form(operator_client, world_a):
    url = reverse("console:courier_zone_new", kwargs={"territory": world_a.territory.slug})

    response = operator_client.post(url, {"name": "Sud", "postcodes": "35200", "fee": "-2"})

    assert response.status_code == 400
    assert "Le montant ne peut pas être négatif." in response.content.decode()
    assert not CourierZone.objects.filter(name="Sud").exists()


def test_a_courier_zone_is_created_and_listed(operator_client, world_a):
    slug = world_a.territory.slug
    operator_client.post(
        reverse("console:courier_zone_new", kwargs={"territory": slug}),
        {
            "name": "Sud",
            "postcodes": "35200, 35201",
            "fee": "4,90",
            "minimum": "20",
            "is_active": "on",
        },
    )

    zone = CourierZone.objects.get(name="Sud")
    assert (zone.postcodes, zone.fee_cents, zone.minimum_order_cents) == ("35200 35201", 490, 2000)
    html = operator_client.get(
        reverse("console:courier", kwargs={"territory": slug})
    ).content.decode()
    assert "35200 35201" in html and "4,90" in html


def test_the_point_page_shows_its_next_slots_and_their_bookings(
    operator_client, world_a, monkeypatch
):
    monday_7am = dt.datetime(2025, 1, 6, 6, 0, tzinfo=dt.UTC)  # 7:00 in Paris
    monkeypatch.setattr(timezone, "now", lambda: monday_7am)
    point = world_a.point  # Mo-Fr 09:00-18:00, 60-minute slots, two hours to route orders
    SlotLoad.objects.create(
        territory=world_a.territory,
        target=f"point:{point.pk}",
        starts_at=dt.datetime(2025, 1, 6, 8, 0, tzinfo=dt.UTC),  # 9:00 in Paris
        booked=3,
    )

    slots = selectors.point_upcoming_slots(point)
    html = operator_client.get(
        reverse("console:point", kwargs={"territory": world_a.territory.slug, "point_id": point.pk})
    ).content.decode()

    assert slots[0].start == dt.datetime(2025, 1, 6, 8, 0, tzinfo=dt.UTC)
    assert (slots[0].booked, slots[0].capacity, slots[1].booked) == (3, 20, 0)
    assert len(slots) == 12
    assert "lundi 6 janvier, 09:00 – 10:00" in html
