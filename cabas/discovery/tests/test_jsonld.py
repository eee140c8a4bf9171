"""JSON-LD and Open Graph of shop and product pages, validated against schema.org types."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from cabas.discovery import jsonld
from cabas.factories import OfferFactory, ProductFactory, ShopFactory

from .schema_org import validate

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 3, 12)  # a Wednesday


def scripts(html: str) -> list[dict]:
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(text) for text in found]


def og(html: str) -> dict[str, str]:
    return dict(re.findall(r'<meta property="(og:[a-z_]+)" content="([^"]*)">', html))


def test_validator_catches_what_search_engines_reject():
    assert validate({"@context": "https://schema.org", "@type": "Product"}) == [
        "$: Product needs name"
    ]
    assert (
        "not a property"
        in validate(
            {
                "@context": "https://schema.org",
                "@type": "Offer",
                "price": "1.00",
                "priceCurrency": "EUR",
                "availability": "https://schema.org/InStock",
                "colour": "red",
            }
        )[0]
    )
    assert validate(
        {
            "@context": "https://schema.org",
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": ["Lundi"],
            "opens": "9h",
            "closes": "19:00",
        }
    )


def test_opening_hours_group_days_sharing_an_interval():
    spec = jsonld.opening_hours_specification(
        "Mo-Fr 09:00-12:30,14:00-19:00; Sa 09:00-24:00", TODAY
    )
    assert spec == [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": [
                f"https://schema.org/{d}"
                for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
            ],
            "opens": "09:00",
            "closes": "12:30",
        },
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": [
                f"https://schema.org/{d}"
                for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
            ],
            "opens": "14:00",
            "closes": "19:00",
        },
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": ["https://schema.org/Saturday"],
            "opens": "09:00",
            "closes": "23:59",
        },
    ]
    assert jsonld.opening_hours_specification("", TODAY) == []
    assert jsonld.opening_hours_specification("n'importe quoi", TODAY) == []


def test_local_business_is_valid(territory):
    shop = ShopFactory(territory=territory, phone="01 23 45 67 89", description="Pain au levain.")
    data = jsonld.local_business(
        shop, url="https://cabas.example/ville/commerces/x/", currency="EUR", today=TODAY
    )
    assert validate(data) == []
    assert data["openingHoursSpecification"]


def test_prices_are_decimal_text_from_cents():
    assert [jsonld.price_text(c) for c in (1, 250, 100000)] == ["0.01", "2.50", "1000.00"]


def test_script_tag_cannot_be_closed_by_a_name():
    tag = jsonld.script_tag({"name": "</script><script>alert(1)</script> & co"})
    assert tag.count("</script>") == 1
    assert (
        json.loads(
            tag.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
        )["name"]
        == "</script><script>alert(1)</script> & co"
    )


def test_shop_page_carries_valid_local_business_and_open_graph(client, territory):
    shop = ShopFactory(
        territory=territory,
        name="Fromagerie « Chez Lou » </script>",
        opening_hours="Tu-Sa 09:00-19:30",
    )
    html = client.get(f"/ville/commerces/{shop.slug}/").content.decode()
    (data,) = scripts(html)
    assert validate(data) == []
    assert data["@type"] == "LocalBusiness"
    assert data["name"] == shop.name
    assert data["url"] == f"http://testserver/ville/commerces/{shop.slug}/"
    assert data["address"]["postalCode"] == shop.postcode
    days = data["openingHoursSpecification"][0]["dayOfWeek"]
    assert days[0] == "https://schema.org/Tuesday" and len(days) == 5
    tags = og(html)
    assert tags["og:url"] == f"http://testserver/ville/commerces/{shop.slug}/"
    assert tags["og:type"] == "website"
    assert "Chez Lou" in tags["og:title"]


def test_product_page_carries_valid_product_with_offers(client, territory):
    product = ProductFactory(
        territory=territory,
        name="Comté 18 mois",
        gtin="3000000000014",
        brand="Fruitière",
        image_url="https://images.openfoodfacts.org/comte.jpg",
    )
    cheap = OfferFactory(
        shop=ShopFactory(territory=territory), product=product, price_cents=590, stock=8
    )
    OfferFactory(shop=ShopFactory(territory=territory), product=product, price_cents=720, stock=2)
    OfferFactory(
        shop=ShopFactory(territory=territory), product=product, price_cents=650, stock=None
    )
    html = client.get(f"/ville/produits/{product.pk}/").content.decode()
    (data,) = scripts(html)
    assert validate(data) == []
    offers = data["offers"]
    assert offers["@type"] == "AggregateOffer"
    assert (offers["lowPrice"], offers["highPrice"], offers["offerCount"]) == ("5.90", "7.20", 3)
    by_sku = {o["sku"]: o for o in offers["offers"]}
    assert by_sku[cheap.sku]["availability"] == "https://schema.org/InStock"
    assert {o["availability"] for o in offers["offers"]} == {
        "https://schema.org/InStock",
        "https://schema.org/LimitedAvailability",
    }
    assert data["gtin"] == "3000000000014"
    tags = og(html)
    assert tags["og:type"] == "product"
    assert tags["og:image"] == "https://images.openfoodfacts.org/comte.jpg"


def test_product_without_seller_is_still_valid(territory):
    product = ProductFactory(territory=territory, name="Rien", image_url="javascript:alert(1)")
    data = jsonld.product(product, url="https://cabas.example/p/1/", offers=[], currency="EUR")
    assert validate(data) == []
    assert "offers" not in data
