"""The earliest ready time ("prêt aujourd'hui dès 11 h") on shop cards, shop and product
pages, at a constant number of queries."""

import datetime as dt
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cabas.factories import OfferFactory, ProductFactory, ShopClosureFactory, ShopFactory
from cabas.fulfilment.models import (
    CollectionPoint,
    CollectionPointShop,
    DeliveryZone,
    ShopFulfilment,
    SlotLoad,
)

from .conftest import MONDAY_8PM, MONDAY_10AM

pytestmark = pytest.mark.django_db

READY = '<p class="ready"><span class="visually-hidden">Commande en ligne : </span>'


def ready_text(html: str, shop_name: str) -> str | None:
    """The ready line of the shop card titled ``shop_name``, or None."""
    card = unescape(html).split(f">{shop_name}</a></h3>")[1].split("</article>")[0]
    if READY not in card:
        return None
    return card.split(READY)[1].split("</p>")[0]


def test_shop_cards_show_when_an_order_can_be_ready(client, paris, freeze):
    # Given, on Monday at 10:00, a click & collect shop (one hour to prepare), one that
    # needs three hours, one that only delivers and a shop with no online orders
    freeze(MONDAY_10AM)
    ShopFactory(territory=paris, name="Alpha")
    slow = ShopFactory(territory=paris, name="Bravo")
    ShopFulfilment.objects.create(territory=paris, shop=slow, lead_minutes=180)
    courier = ShopFactory(
        territory=paris, name="Charlie", offers_click_collect=False, offers_delivery=True
    )
    DeliveryZone.objects.create(
        territory=paris, shop=courier, name="Paris", kind="postcodes", postcodes="75002"
    )
    ShopFactory(territory=paris, name="Delta", offers_click_collect=False)

    html = client.get("/paris/commerces/").content.decode()

    assert ready_text(html, "Alpha") == "Prêt aujourd'hui dès 11\u00a0h"
    assert ready_text(html, "Bravo") == "Prêt aujourd'hui dès 13\u00a0h"
    assert ready_text(html, "Charlie") == "Livrable aujourd'hui dès 11\u00a0h"
    assert ready_text(html, "Delta") is None


def test_ready_time_moves_to_the_next_opening(client, paris, freeze):
    # Monday 20:00: closed until Tuesday 09:00, and Tuesday is an exceptional closure
    freeze(MONDAY_8PM)
    shop = ShopFactory(territory=paris, name="Alpha", slug="alpha")
    ShopClosureFactory(shop=shop, start_date=dt.date(2025, 1, 7), end_date=dt.date(2025, 1, 7))

    listing = client.get("/paris/commerces/").content.decode()
    page = unescape(client.get("/paris/commerces/alpha/").content.decode())

    assert ready_text(listing, "Alpha") == "Prêt mercredi 8 janvier dès 9\u00a0h"
    assert f"{READY}Prêt mercredi 8 janvier dès 9\u00a0h</p>" in page


def test_home_page_cards_show_the_ready_time(client, paris, freeze):
    freeze(MONDAY_10AM)
    ShopFactory(territory=paris, name="Alpha")
    html = client.get("/paris/").content.decode()
    assert ready_text(html, "Alpha") == "Prêt aujourd'hui dès 11\u00a0h"


def test_product_page_shows_each_sellers_ready_time(client, paris, freeze):
    freeze(MONDAY_10AM)
    product = ProductFactory(territory=paris, name="Comté")
    quick, slow = ShopFactory(territory=paris, name="Alpha"), ShopFactory(territory=paris)
    ShopFulfilment.objects.create(territory=paris, shop=slow, lead_minutes=240)
    OfferFactory(shop=quick, product=product)
    OfferFactory(shop=slow, product=product)

    html = unescape(client.get(f"/paris/produits/{product.pk}/").content.decode())

    assert f"{READY}Prêt aujourd'hui dès 11\u00a0h</p>" in html
    assert f"{READY}Prêt aujourd'hui dès 14\u00a0h</p>" in html


def test_a_booked_up_slot_is_skipped(client, paris, freeze):
    freeze(MONDAY_10AM)
    shop = ShopFactory(territory=paris, name="Alpha", slug="alpha")
    SlotLoad.objects.create(
        territory=paris,
        target=f"shop:{shop.pk}:pickup",
        starts_at=dt.datetime(2025, 1, 6, 10, 0, tzinfo=dt.UTC),  # 11:00 in Paris
        booked=4,
    )
    html = unescape(client.get("/paris/commerces/alpha/").content.decode())
    assert f"{READY}Prêt aujourd'hui dès 11\u00a0h\u00a030</p>" in html


def test_sellers_with_the_same_hours_keep_their_own_bookings_and_closures(client, paris, freeze):
    # Shops with the same hours and settings share one computation, unless one of them
    # has a booked slot or a closure of its own.
    freeze(MONDAY_10AM)
    product = ProductFactory(territory=paris, name="Comté")
    names = ("Alpha", "Bravo", "Charlie", "Delta")
    shops = {name: ShopFactory(territory=paris, name=name) for name in names}
    for shop in shops.values():
        OfferFactory(shop=shop, product=product, stock=5)
    SlotLoad.objects.create(
        territory=paris,
        target=f"shop:{shops['Bravo'].pk}:pickup",
        starts_at=dt.datetime(2025, 1, 6, 10, 0, tzinfo=dt.UTC),  # 11:00 in Paris
        booked=4,
    )
    ShopClosureFactory(
        shop=shops["Charlie"], start_date=MONDAY_10AM.date(), end_date=MONDAY_10AM.date()
    )

    html = unescape(client.get(f"/paris/produits/{product.pk}/").content.decode())

    def ready(name: str) -> str:
        row = html.split(f">{name}</a></h3>")[1].split("</li>")[0]
        return row.split(READY)[1].split("</p>")[0]

    assert ready("Alpha") == ready("Delta") == "Prêt aujourd'hui dès 11\u00a0h"
    assert ready("Bravo") == "Prêt aujourd'hui dès 11\u00a0h\u00a030"
    assert ready("Charlie").startswith("Prêt demain")


def _grow(paris, count: int, point: CollectionPoint) -> None:
    """Shops with everything that bears on a ready time: bookings, points, closures, zones."""
    for shop in ShopFactory.create_batch(count, territory=paris):
        SlotLoad.objects.create(
            territory=paris,
            target=f"shop:{shop.pk}:pickup",
            starts_at=dt.datetime(2025, 1, 6, 10, 0, tzinfo=dt.UTC),
            booked=1,
        )
        CollectionPointShop.objects.create(territory=paris, collection_point=point, shop=shop)
        ShopClosureFactory(shop=shop, start_date=dt.date(2025, 1, 8), end_date=dt.date(2025, 1, 8))
        DeliveryZone.objects.create(
            territory=paris, shop=shop, name="Zone", kind="radius", radius_km=3
        )


@pytest.fixture
def point(paris):
    return CollectionPoint.objects.create(
        territory=paris,
        slug="halle",
        name="Halle",
        address="Place de la Halle",
        lat=48.86,
        lon=2.34,
        opening_hours="Mo-Sa 16:00-19:00",
    )


@pytest.mark.parametrize("url", ["/paris/", "/paris/commerces/", "/paris/commerces/?page=2"])
def test_shop_lists_cost_the_same_queries_whatever_the_number_of_shops(
    client, paris, freeze, point, url
):
    freeze(MONDAY_10AM)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    _grow(paris, 25, point)
    with_25 = queries()
    _grow(paris, 35, point)
    assert queries() == with_25


def test_product_page_costs_the_same_queries_whatever_the_number_of_sellers(
    client, paris, freeze, point
):
    freeze(MONDAY_10AM)
    product = ProductFactory(territory=paris)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/paris/produits/{product.pk}/").status_code == 200
        return len(captured)

    def sellers(count: int) -> None:
        _grow(paris, count, point)
        for shop in paris.shops.filter(offers__isnull=True):
            OfferFactory(shop=shop, product=product)

    sellers(2)
    with_2 = queries()
    sellers(12)
    assert queries() == with_2
