"""A product sold by many shops: sellers are paged, the JSON-LD aggregate covers them all."""

import datetime as dt
import json
import re
from html import unescape

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cabas.factories import OfferFactory, ProductFactory, ShopClosureFactory
from cabas.web.views import SELLERS_PAGE_SIZE

from .conftest import MONDAY_10AM


def _jsonld_product(html: str) -> dict:
    for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S):
        data = json.loads(block)
        if data.get("@type") == "Product":
            return data
    raise AssertionError("no Product JSON-LD")


def test_sellers_are_paged_cheapest_first_and_the_aggregate_counts_every_shop(client, paris):
    product = ProductFactory(territory=paris, name="Quiche lorraine (part)")
    total = SELLERS_PAGE_SIZE + 5
    for i in range(total):
        OfferFactory(
            shop__territory=paris, shop__name=f"Traiteur {i:02d}", product=product,
            price_cents=300 + i, stock=5,
        )  # fmt: skip

    first = client.get(f"/paris/produits/{product.pk}/").content.decode()
    second = client.get(f"/paris/produits/{product.pk}/?page=2").content.decode()

    assert f"{total} commerces" in first
    assert first.count('class="offer"') == SELLERS_PAGE_SIZE
    assert second.count('class="offer"') == total - SELLERS_PAGE_SIZE
    listed_first = first.split('<ul class="offers"', 1)[1].split("</ul>", 1)[0]
    listed_second = second.split('<ul class="offers"', 1)[1].split("</ul>", 1)[0]
    assert "Traiteur 00" in listed_first and "Traiteur 24" not in listed_first
    assert "Traiteur 24" in listed_second and "Traiteur 00" not in listed_second
    assert 'rel="next"' in first and 'rel="prev"' in second

    offers = _jsonld_product(first)["offers"]
    assert offers["offerCount"] == total
    assert offers["lowPrice"] == "3.00" and offers["highPrice"] == "3.24"
    assert len(offers["offers"]) == SELLERS_PAGE_SIZE


def test_a_page_out_of_range_shows_the_last_one(client, paris):
    product = ProductFactory(territory=paris)
    OfferFactory(shop__territory=paris, product=product)
    answer = client.get(f"/paris/produits/{product.pk}/?page=99")
    assert answer.status_code == 200
    assert answer.content.decode().count('class="offer"') == 1


def test_sellers_are_read_in_one_query_and_closures_only_for_the_shops_shown(client, paris, freeze):
    freeze(MONDAY_10AM)
    product = ProductFactory(territory=paris, name="Baguette tradition")
    offers = [
        OfferFactory(shop__territory=paris, product=product, price_cents=100 + i, stock=5)
        for i in range(45)
    ]
    # Page 3 shows the 5 dearest: one of them and one of page 1 are closed on Wednesday.
    closed_shown, closed_hidden = offers[42].shop, offers[0].shop
    for shop in (closed_shown, closed_hidden):
        ShopClosureFactory(shop=shop, start_date=dt.date(2025, 1, 8), end_date=dt.date(2025, 1, 8))

    with CaptureQueriesContext(connection) as seen:
        html = client.get(f"/paris/produits/{product.pk}/?page=3").content.decode()

    assert html.count('class="offer"') == 5
    assert _jsonld_product(html)["offers"]["offerCount"] == 45
    sellers = [q["sql"] for q in seen if "catalog_offer" in q["sql"]]
    assert len(sellers) == 1
    closures = [q["sql"] for q in seen if q["sql"].startswith('SELECT "shops_shopclosure"')]
    assert len(closures) == 1
    assert f"IN ({closed_shown.pk})" in closures[0]  # the one shown only
    # the territory, the product, its sellers, their closures, their ready times
    assert len(seen) == 5


def test_a_closure_shows_in_the_open_state_and_the_ready_time_of_a_seller(client, paris, freeze):
    freeze(MONDAY_10AM)
    offer = OfferFactory(shop__territory=paris, shop__name="Fermé lundi", stock=5)
    ShopClosureFactory(shop=offer.shop, start_date=MONDAY_10AM.date(), end_date=dt.date(2025, 1, 7))
    html = unescape(client.get(f"/paris/produits/{offer.product_id}/").content.decode())
    assert "Fermé exceptionnellement" in html
    assert "Prêt mercredi" in html  # not today nor Tuesday: closed
