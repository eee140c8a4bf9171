"""sitemap.xml (paginated), robots.txt and the local inventory feed."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from cabas.discovery import selectors
from cabas.factories import OfferFactory, ProductFactory, ShopFactory, TerritoryFactory
from cabas.shops.models import ShopStatus

pytestmark = pytest.mark.django_db
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def body(response) -> str:
    return (
        b"".join(response.streaming_content).decode()
        if response.streaming
        else response.content.decode()
    )


def test_robots_points_to_the_sitemap(client, db):
    text = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /panier/" in text


def test_sitemap_lists_approved_shops_and_products_on_sale_across_pages(
    client, territory, monkeypatch
):
    monkeypatch.setattr(selectors, "SITEMAP_PAGE_SIZE", 4)
    shops = [ShopFactory(territory=territory) for _ in range(3)]
    hidden = ShopFactory(territory=territory, status=ShopStatus.PENDING)
    products = [ProductFactory(territory=territory) for _ in range(3)]
    for product in products:
        OfferFactory(shop=shops[0], product=product)
    unsold = ProductFactory(territory=territory)
    OfferFactory(shop=hidden, product=unsold)
    TerritoryFactory(slug="autre")  # another territory has its own pages

    index = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 (our own output)
    locs = [el.text for el in index.findall("s:sitemap/s:loc", NS)]
    # 3 fixed pages + 3 shops + 3 products = 9 URLs, 4 a page: 3 pages for "ville".
    assert [loc for loc in locs if "/ville/" in loc] == [
        f"http://testserver/ville/sitemap-{n}.xml" for n in (1, 2, 3)
    ]
    urls = []
    for loc in locs:
        if "/ville/" not in loc:
            continue
        response = client.get(loc.removeprefix("http://testserver"))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/xml")
        page = ET.fromstring(body(response))  # noqa: S314 (our own output)
        urls += [el.text for el in page.findall("s:url/s:loc", NS)]
    assert len(urls) == len(set(urls)) == 9
    assert "http://testserver/ville/ma-liste/" in urls
    assert {f"http://testserver/ville/commerces/{s.slug}/" for s in shops} <= set(urls)
    assert {f"http://testserver/ville/produits/{p.pk}/" for p in products} <= set(urls)
    assert f"http://testserver/ville/commerces/{hidden.slug}/" not in urls
    assert f"http://testserver/ville/produits/{unsold.pk}/" not in urls
    assert client.get("/ville/sitemap-4.xml").status_code == 404
    assert client.get("/ville/sitemap-0.xml").status_code == 404


def test_local_inventory_feed_in_google_format(client, territory):
    shop = ShopFactory(territory=territory, slug="epicerie")
    shop_without_pickup = ShopFactory(territory=territory, slug="cave", offers_click_collect=False)
    product = ProductFactory(territory=territory, gtin="3000000000014")
    OfferFactory(shop=shop, product=product, price_cents=250, stock=12)
    OfferFactory(shop=shop, stock=2, price_cents=1999)
    OfferFactory(shop=shop, stock=0)
    OfferFactory(shop=shop_without_pickup, stock=None, product=product, price_cents=300)
    OfferFactory(shop=shop, is_active=False)
    OfferFactory(shop=ShopFactory(territory=territory, status=ShopStatus.SUSPENDED))
    OfferFactory(shop=ShopFactory(territory=TerritoryFactory()))

    response = client.get("/ville/inventaire-local.tsv")
    assert response.status_code == 200
    assert response.streaming
    rows = [line.split("\t") for line in body(response).splitlines()]
    assert rows[0] == [
        "store_code",
        "id",
        "gtin",
        "price",
        "availability",
        "quantity",
        "pickup_method",
        "pickup_sla",
    ]
    data = rows[1:]
    assert len(data) == 4
    assert data[0] == [
        "epicerie",
        str(product.pk),
        "3000000000014",
        "2.50 EUR",
        "in_stock",
        "12",
        "buy",
        "same day",
    ]
    assert data[1][3:6] == ["19.99 EUR", "limited_availability", "2"]
    assert data[2][4:6] == ["out_of_stock", "0"]
    assert data[3] == [
        "cave",
        str(product.pk),
        "3000000000014",
        "3.00 EUR",
        "limited_availability",
        "",
        "not supported",
        "",
    ]


def test_feed_of_unknown_territory_is_a_404(client, db):
    assert client.get("/nulle-part/inventaire-local.tsv").status_code == 404
    assert client.get("/nulle-part/sitemap-1.xml").status_code == 404


def test_feed_reads_shop_by_shop_in_sku_order(territory):
    first, second = ShopFactory(territory=territory), ShopFactory(territory=territory)
    offers = [OfferFactory(shop=second, sku="B"), OfferFactory(shop=first, sku="Z")]
    offers += [OfferFactory(shop=first, sku="A"), OfferFactory(shop=second, sku="A")]
    rows = [(row.store_code, row.item_id) for row in selectors.inventory_rows(territory)]
    expected = [offers[2], offers[1], offers[3], offers[0]]
    assert rows == [(o.shop.slug, str(o.product_id)) for o in expected]
