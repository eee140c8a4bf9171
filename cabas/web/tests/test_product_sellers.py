"""A product sold by many shops: sellers are paged, the JSON-LD aggregate covers them all."""

import json
import re

from cabas.factories import OfferFactory, ProductFactory
from cabas.web.views import SELLERS_PAGE_SIZE


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
