import io

import pytest
from django.core.management import CommandError, call_command

from cabas.catalog.models import Offer, StockMovement
from cabas.factories import ShopFactory, TerritoryFactory
from cabas.geo.distance import Point, haversine_km
from cabas.shops import hours
from cabas.shops.models import Shop
from cabas.territories.models import Territory


def generate(slug, *extra, shops=8, offers=30, seed=3):
    out = io.StringIO()
    call_command(
        "generate_territory",
        "--slug", slug,
        "--shops", str(shops),
        "--offers-per-shop", str(offers),
        "--seed", str(seed),
        *extra,
        stdout=out,
        verbosity=0,
    )  # fmt: skip
    return out.getvalue()


def snapshot(slug):
    """The territory's content without database ids."""
    shops = list(
        Shop.objects.filter(territory__slug=slug)
        .order_by("source_ref")
        .values_list("source_ref", "slug", "name", "lat", "lon", "opening_hours", "category__slug")
    )
    offers = list(
        Offer.objects.filter(territory__slug=slug)
        .order_by("shop__source_ref", "sku")
        .values_list("shop__source_ref", "sku", "product__name", "price_cents", "stock")
    )
    return shops, offers


def test_same_arguments_give_the_same_territory(db):
    generate("bench-a")
    first = snapshot("bench-a")

    generate("bench-a", "--replace", seed=4)
    assert snapshot("bench-a") != first
    generate("bench-a", "--replace")
    assert snapshot("bench-a") == first


def test_every_shop_gets_the_offers_asked_valid_hours_and_a_place_in_the_radius(db):
    output = generate("bench-b", "--centre", "45.19,5.72", "--radius-km", "3", shops=10)

    territory = Territory.objects.get(slug="bench-b")
    shops = Shop.objects.filter(territory=territory)
    assert shops.count() == 10
    assert "10 commerces" in output
    for shop in shops:
        assert shop.offers.count() == 30
        assert hours.is_valid(shop.opening_hours) and shop.hours_source == "demo"
        assert haversine_km(Point(45.19, 5.72), Point(shop.lat, shop.lon)) <= 3.001
    offers = Offer.objects.filter(territory=territory)
    assert offers.values("product").distinct().count() > 30
    assert all(
        offer.sku == f"P-{offer.product.gtin}" for offer in offers.select_related("product")[:50]
    )


def test_an_existing_slug_is_kept_unless_replace_is_asked(db):
    generate("bench-c")
    before = snapshot("bench-c")

    assert "rien à faire" in generate("bench-c")
    with pytest.raises(CommandError, match="--replace"):
        generate("bench-c", seed=9)
    assert snapshot("bench-c") == before


def test_a_territory_not_made_by_the_generator_is_never_replaced(db):
    real = TerritoryFactory(slug="lyon")
    ShopFactory(territory=real)

    with pytest.raises(CommandError, match="n'a pas été créé par generate_territory"):
        generate("lyon", "--replace")

    assert Shop.objects.filter(territory=real).count() == 1


def test_bad_arguments_get_a_clear_error(db):
    with pytest.raises(CommandError, match="LAT,LON"):
        generate("bench-d", "--centre", "nord")
    with pytest.raises(CommandError, match="invalide ou réservé"):
        generate("Admin")


def test_replace_removes_the_rows_that_depend_on_the_old_offers(db):
    generate("bench-e")
    offer = Offer.objects.filter(territory__slug="bench-e").first()
    StockMovement.objects.create(
        territory=offer.territory, offer=offer, delta=-1, stock_after=0, reason="sale"
    )

    generate("bench-e", "--replace", seed=5)

    assert not StockMovement.objects.exists()
    assert Offer.objects.filter(territory__slug="bench-e").count() == 8 * 30
    assert Territory.objects.filter(slug="bench-e").count() == 1
