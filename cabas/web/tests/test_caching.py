"""Storefront caches: what is shared between visitors follows every change of the shops.

The home page, the shop list and the map markers keep in the cache what thousands of
shops cost to work out (which are open this minute, counts by category, the markers),
keyed by the territory's data generation. Each test changes the data through the
service a merchant or an operator uses and checks the public page shows it at once.
"""

import datetime as dt
import gzip
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cabas.backoffice.services import closure_add, shop_set_hours, shop_update_vitrine
from cabas.catalog.stock import stock_set
from cabas.factories import OfferFactory, ShopFactory
from cabas.shops.models import Shop, ShopStatus

from .conftest import MONDAY_10AM

pytestmark = pytest.mark.django_db

MARKERS = "/paris/commerces/carte.json"


def _open_count(html: str) -> int:
    return int(re.search(r"(\d+) commerces? ouverts? en ce moment", html)[1])


def _open_section(html: str) -> str:
    return html.split('id="ouverts-titre"')[1].split('id="carte-titre"')[0]


def test_home_shows_new_hours_at_once_though_open_shops_are_cached(client, paris, freeze):
    # Given two shops open at 10:00, and the home page seen (and cached) at 10:00:00
    freeze(MONDAY_10AM)
    baker = ShopFactory(territory=paris, name="Boulangerie Lepic")
    ShopFactory(territory=paris, name="Fromagerie Abbesses")
    assert _open_count(client.get("/paris/").content.decode()) == 2

    # When the baker, half a minute later, says the shop opens in the afternoon only
    freeze(MONDAY_10AM + dt.timedelta(seconds=30))
    shop_set_hours(shop=baker, expression="Mo-Sa 14:00-19:00")

    # Then the next visitor, in the same minute, sees it closed
    html = client.get("/paris/").content.decode()
    assert _open_count(html) == 1
    assert "Boulangerie Lepic" not in _open_section(html)
    assert "Fromagerie Abbesses" in _open_section(html)


def test_home_shows_an_exceptional_closure_at_once(client, paris, freeze):
    freeze(MONDAY_10AM)
    cheese = ShopFactory(territory=paris, name="Fromagerie Abbesses")
    assert _open_count(client.get("/paris/").content.decode()) == 1

    closure_add(shop=cheese, start=MONDAY_10AM.date(), end=MONDAY_10AM.date(), reason="Inventaire")

    html = client.get("/paris/").content.decode()
    assert "Aucun commerce n’est ouvert en ce moment" in html


def test_open_shops_are_worked_out_again_every_minute(client, paris, freeze):
    # Given the home seen at 10:00 with one shop open, and its hours changed behind the
    # services' back (no saved timestamp: nothing tells the cache)
    freeze(MONDAY_10AM)
    shop = ShopFactory(territory=paris, name="Épicerie du Marché")
    assert _open_count(client.get("/paris/").content.decode()) == 1
    Shop.objects.filter(pk=shop.pk).update(opening_hours="Mo-Sa 14:00-19:00")

    # Then the same minute still answers from the cache (proof the cache is used) ...
    assert _open_count(client.get("/paris/").content.decode()) == 1
    # ... and the next minute works the hours out again
    freeze(MONDAY_10AM + dt.timedelta(minutes=1))
    assert "Aucun commerce n’est ouvert en ce moment" in client.get("/paris/").content.decode()


def test_open_now_filter_of_the_shop_list_follows_new_hours(client, paris, freeze):
    freeze(MONDAY_10AM)
    early = ShopFactory(territory=paris, name="Café du Matin")
    ShopFactory(territory=paris, name="Bar du Soir", opening_hours="Mo-Sa 18:00-23:00")
    html = client.get("/paris/commerces/?open=on").content.decode()
    assert "Café du Matin" in html and "Bar du Soir" not in html

    freeze(MONDAY_10AM + dt.timedelta(seconds=5))
    shop_set_hours(shop=early, expression="Mo-Sa 18:00-23:00")

    html = client.get("/paris/commerces/?open=on").content.decode()
    assert "Café du Matin" not in html
    assert "Aucun commerce" in html or 'class="shop-card' not in html


def test_map_markers_follow_a_renamed_shop_and_revalidate_with_their_etag(client, paris, freeze):
    # Given the markers fetched once
    freeze(MONDAY_10AM)
    shop = ShopFactory(territory=paris, name="Librairie des Abbesses", lat=48.88, lon=2.34)
    first = client.get(MARKERS)
    assert first.status_code == 200 and first["Content-Type"] == "application/json"
    assert json.loads(first.content) == [[48.88, 2.34, "Librairie des Abbesses", f"{shop.slug}/"]]
    etag = first["ETag"]

    # When nothing changed, the browser's copy is still good
    assert client.get(MARKERS, HTTP_IF_NONE_MATCH=etag).status_code == 304

    # When the shop is renamed, the markers and their ETag change at once
    freeze(MONDAY_10AM + dt.timedelta(seconds=1))
    shop_update_vitrine(shop=shop, values={"name": "Librairie Lepic"})
    again = client.get(MARKERS, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200 and again["ETag"] != etag
    assert json.loads(again.content)[0][2] == "Librairie Lepic"


def test_map_markers_list_approved_shops_only_and_compress(client, paris):
    ShopFactory(territory=paris, name="Visible")
    ShopFactory(territory=paris, name="Brouillon", status=ShopStatus.DRAFT)

    plain = client.get(MARKERS)
    packed = client.get(MARKERS, HTTP_ACCEPT_ENCODING="gzip, br")

    assert [m[2] for m in json.loads(plain.content)] == ["Visible"]
    assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == plain.content
    assert client.get("/inconnue/commerces/carte.json").status_code == 404


def test_category_counts_follow_a_shop_suspended_by_the_operator(client, paris, taxonomy, freeze):
    from cabas.console.services import shop_set_status

    freeze(MONDAY_10AM)
    shops = [ShopFactory(territory=paris, category=taxonomy["fromagerie"]) for _ in range(3)]
    assert "3 commerces" in client.get("/paris/").content.decode()
    assert "Fromagerie (3)" in client.get("/paris/commerces/").content.decode()

    freeze(MONDAY_10AM + dt.timedelta(seconds=1))
    shop_set_status(
        territory=paris,
        shop_id=shops[0].pk,
        status=ShopStatus.SUSPENDED,
        message="Fermé pour travaux",
        actor=None,
    )

    assert "2 commerces" in client.get("/paris/").content.decode()
    assert "Fromagerie (2)" in client.get("/paris/commerces/").content.decode()


def test_shop_and_product_pages_show_a_new_stock_at_once(client, paris):
    # The storefront's own caches never keep stock or prices: a sale or a count shows on
    # the next rendering (the page cache, off in tests but test_page_cache.py, serves
    # anonymous visitors a page at most STOREFRONT_PAGE_SECONDS old).
    offer = OfferFactory(shop__territory=paris, product__name="Comté 18 mois", stock=7)
    shop_url = f"/paris/commerces/{offer.shop.slug}/"
    product_url = f"/paris/produits/{offer.product_id}/"
    assert "En stock" in client.get(shop_url).content.decode()
    assert "En stock" in client.get(product_url).content.decode()

    stock_set(offer_id=offer.pk, quantity=2, reason="manual")

    assert "Plus que 2" in client.get(shop_url).content.decode()
    assert "Plus que 2" in client.get(product_url).content.decode()


def test_home_queries_do_not_grow_with_the_number_of_shops(client, paris, freeze):
    freeze(MONDAY_10AM)
    ShopFactory.create_batch(3, territory=paris)
    client.get("/paris/")
    with CaptureQueriesContext(connection) as few:
        client.get("/paris/")

    ShopFactory.create_batch(30, territory=paris)
    client.get("/paris/")
    with CaptureQueriesContext(connection) as many:
        html = client.get("/paris/").content.decode()

    assert _open_count(html) == 33
    assert len(many) == len(few)
