"""Shop reads: search filters, distance, open-now, category counts, postcode centres."""

import datetime as dt

import pytest

from cabas.factories import (
    CategoryFactory,
    PostalCodeFactory,
    ShopClosureFactory,
    ShopFactory,
    TerritoryFactory,
)
from cabas.geo.distance import Point
from cabas.shops import selectors
from cabas.shops.selectors import ShopFilters

pytestmark = pytest.mark.django_db

MONDAY_10AM = dt.datetime(2025, 1, 6, 9, 0, tzinfo=dt.UTC)


def names(rows) -> list[str]:
    return [row.shop.name for row in rows]


def test_search_returns_only_this_territorys_approved_shops(territory):
    ShopFactory(territory=territory, name="Ici")
    ShopFactory(territory=territory, name="Brouillon", status="draft")
    ShopFactory(territory=TerritoryFactory(), name="Ailleurs")

    assert names(selectors.shop_search(territory, ShopFilters())) == ["Ici"]


def test_search_by_family_includes_its_rayons(territory):
    food = CategoryFactory(slug="alimentation")
    cheese = CategoryFactory(slug="fromagerie", parent=food)
    ShopFactory(territory=territory, name="Fromager", category=cheese)
    ShopFactory(territory=territory, name="Autre", category=CategoryFactory())

    rows = selectors.shop_search(territory, ShopFilters(category="alimentation"))

    assert names(rows) == ["Fromager"]


def test_search_open_now_honours_exceptional_closures(territory):
    open_shop = ShopFactory(territory=territory, name="Ouvert")
    closed = ShopFactory(territory=territory, name="En congés")
    ShopClosureFactory(shop=closed, start_date=dt.date(2025, 1, 6), end_date=dt.date(2025, 1, 6))

    rows = selectors.shop_search(territory, ShopFilters(open_now=True), at=MONDAY_10AM)

    assert names(rows) == [open_shop.name]


def test_search_near_a_point_sorts_by_distance_and_cuts_at_the_radius(territory):
    ShopFactory(territory=territory, name="Loin", lat=48.90, lon=2.35)
    ShopFactory(territory=territory, name="Près", lat=48.857, lon=2.352)
    ShopFactory(territory=territory, name="Moyen", lat=48.866, lon=2.352)

    rows = selectors.shop_search(territory, ShopFilters(centre=Point(48.8566, 2.3522), radius_km=2))

    assert names(rows) == ["Près", "Moyen"]
    assert rows[0].distance_km < rows[1].distance_km < 2


def test_area_centre_prefers_la_poste_then_falls_back_on_shops(territory):
    PostalCodeFactory(code="75004", lat=48.85, lon=2.35)
    ShopFactory(territory=territory, postcode="75011", lat=48.86, lon=2.38)
    ShopFactory(territory=territory, postcode="75011", lat=48.84, lon=2.36)

    assert selectors.area_centre(territory, "75004") == Point(48.85, 2.35)
    fallback = selectors.area_centre(territory, " 75011 ")
    assert fallback == Point(pytest.approx(48.85), pytest.approx(2.37))
    assert selectors.area_centre(territory, "99999") is None


def test_area_centre_fallback_ignores_other_territories(territory):
    ShopFactory(territory=TerritoryFactory(), postcode="38000", lat=45.19, lon=5.72)

    assert selectors.area_centre(territory, "38000") is None


def test_upcoming_closures_skip_past_ones_and_other_shops(territory):
    shop = ShopFactory(territory=territory)
    ShopClosureFactory(shop=shop, start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 1, 2))
    ongoing = ShopClosureFactory(
        shop=shop, start_date=dt.date(2025, 1, 5), end_date=dt.date(2025, 1, 7)
    )
    later = ShopClosureFactory(
        shop=shop, start_date=dt.date(2025, 2, 1), end_date=dt.date(2025, 2, 1)
    )
    ShopClosureFactory(start_date=dt.date(2025, 1, 6), end_date=dt.date(2025, 1, 6))

    assert selectors.upcoming_closures(shop, dt.date(2025, 1, 6)) == [ongoing, later]


def test_category_counts_add_rayons_to_their_family(territory):
    food = CategoryFactory(slug="alimentation")
    cheese = CategoryFactory(slug="fromagerie", parent=food)
    bread = CategoryFactory(slug="boulangerie", parent=food)
    CategoryFactory(slug="vide")
    ShopFactory.create_batch(2, territory=territory, category=cheese)
    ShopFactory(territory=territory, category=bread)
    ShopFactory(territory=territory, category=bread, status="suspended")

    counts = {category.slug: count for category, count in selectors.category_counts(territory)}

    assert counts == {"alimentation": 3, "fromagerie": 2, "boulangerie": 1}
