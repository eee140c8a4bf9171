"""The storefront's reads of products and offers, written out in SQL: what they answer is
what the ORM answered, in as many queries as they say."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cabas.catalog import selectors
from cabas.factories import (
    CategoryFactory,
    OfferFactory,
    ProductFactory,
    ShopFactory,
    TerritoryFactory,
)

pytestmark = pytest.mark.django_db


def test_a_product_is_read_with_its_category_and_family_in_one_query():
    territory = TerritoryFactory()
    family = CategoryFactory(name="Alimentation", is_food=True)
    rayon = CategoryFactory(name="Fromagerie", name_en="Cheese shop", parent=family)
    product = ProductFactory(territory=territory, category=rayon, gtin="3017620422003")

    with CaptureQueriesContext(connection) as seen:
        found = selectors.territory_product(territory, product.pk)
        assert found is not None
        names = (found.name, found.gtin, found.category.name_en, found.category.parent.name)
        assert found.category.parent.is_food is True
    assert len(seen) == 1
    assert names == (product.name, "3017620422003", "Cheese shop", "Alimentation")
    assert found == product and found.category == rayon


def test_a_product_without_category_or_of_another_territory():
    territory = TerritoryFactory()
    product = ProductFactory(territory=territory, category=None)
    found = selectors.territory_product(territory, product.pk)
    assert found is not None and found.category is None
    assert selectors.territory_product(TerritoryFactory(), product.pk) is None


def test_a_shops_offers_are_paged_available_first_then_by_product_name():
    shop = ShopFactory()
    other = ShopFactory(territory=shop.territory)
    for name, stock in [("Brie", 0), ("Abricots", None), ("Comté", 4), ("Beurre", 2)]:
        OfferFactory(shop=shop, product__name=name, stock=stock)
    OfferFactory(shop=shop, product__name="Aïoli", is_active=False)
    OfferFactory(shop=other, product__name="Ail")

    page = Paginator(selectors.shop_offers(shop), 2).get_page(2)

    assert page.paginator.count == 4
    assert [(o.product.name, o.stock) for o in page.object_list] == [
        ("Abricots", None),
        ("Brie", 0),
    ]
    first = Paginator(selectors.shop_offers(shop), 2).get_page(1)
    assert [o.product.name for o in first.object_list] == ["Beurre", "Comté"]
