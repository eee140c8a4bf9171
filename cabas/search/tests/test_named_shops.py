"""A shop's name is a weak signal next to the products' own words: "chocolat" finds
chocolate before the crêpes of a shop named "Atelier du Chocolat", while a query naming
the shop (its exact name) still lists that shop's offers."""

from __future__ import annotations

import pytest

from cabas.factories import CategoryFactory, OfferFactory, ProductFactory, ShopFactory
from cabas.geo.distance import Point
from cabas.search.selectors import SearchFilters, search_offers
from cabas.search.services import search_index_rebuild

from .conftest import CENTRE, WEDNESDAY_10AM

pytestmark = pytest.mark.django_db


@pytest.fixture
def atelier(catalogue):
    territory = catalogue.territory
    shop = ShopFactory(
        territory=territory,
        slug="atelier-du-chocolat",
        name="Atelier du Chocolat",
        lat=CENTRE[0],
        lon=CENTRE[1],
        opening_hours="Mo-Su 08:00-20:00",  # open, at the centre: every signal for it
    )
    fromagerie = CategoryFactory(
        slug="fromagerie", name="Fromagerie-crèmerie", parent=catalogue.categories["alimentation"]
    )

    def sell(shop, name, price, category="epicerie"):
        category = fromagerie if category == "fromagerie" else catalogue.categories[category]
        product = ProductFactory(territory=territory, name=name, category=category)
        OfferFactory(shop=shop, territory=territory, product=product, price_cents=price, stock=5)

    sell(shop, "Crêpes bretonnes", 99)
    sell(shop, "Olives noires", 120)
    sell(catalogue.shops["dupont"], "Pain au chocolat", 110, "boulangerie")
    sell(catalogue.shops["marche"], "Cervelas au comté", 300)
    sell(catalogue.shops["marche"], "Comté AOP 18 mois", 650, "fromagerie")
    sell(catalogue.shops["marche"], "Crottin de Chavignol", 380, "fromagerie")
    sell(catalogue.shops["marche"], "Tartinade fromagère au thon", 450)
    search_index_rebuild(territory=territory)
    return catalogue


def search(catalogue, q, limit=50, **filters):
    return search_offers(
        territory=catalogue.territory,
        query=q,
        filters=SearchFilters(**filters),
        limit=limit,
        at=WEDNESDAY_10AM,
    )


def names(result) -> list[str]:
    return [hit.product.name for hit in result.offers]


@pytest.mark.parametrize("query", ["chocolat", "chocolta"])
def test_products_named_by_the_words_come_before_a_shop_named_by_them(atelier, query):
    found = names(search(atelier, query))

    assert found[0] in {"Pain au chocolat", "Chocolat noir 70 %", "Chocolat au lait"}
    assert "Crêpes bretonnes" not in found[:7]  # after every chocolate offer, if at all
    for chocolate in ("Pain au chocolat", "Chocolat noir 70 %", "Chocolat au lait"):
        assert chocolate in found
        if "Crêpes bretonnes" in found:
            assert found.index(chocolate) < found.index("Crêpes bretonnes")


def test_equal_text_scores_are_ordered_by_the_blend_not_the_price(atelier):
    offers = search(atelier, "chocolat noir", centre=Point(*CENTRE)).offers

    # Chocolat noir 70 %: in stock at the open shop of the centre (4.50 €) before the
    # cheaper ones farther (4.20 €) or closed (3.99 €).
    assert offers[0].shop.slug == "epicerie-du-marche"
    assert "Olives noires" not in [hit.product.name for hit in offers[:3]]
    assert offers[0].score > offers[-1].score


def test_the_exact_shop_name_still_lists_that_shops_offers(atelier):
    result = search(atelier, "Atelier du Chocolat")

    shops = {hit.shop.slug for hit in result.offers}
    assert shops == {"atelier-du-chocolat"}
    assert set(names(result)) == {"Crêpes bretonnes", "Olives noires"}


def test_a_shop_name_words_with_no_product_still_name_the_shop(atelier):
    result = search(atelier, "boulangerie dupont")

    assert {hit.shop.slug for hit in result.offers} == {"boulangerie-dupont"}


def test_a_name_starting_with_the_word_comes_first(atelier):
    # Both at the same shop: the same blend, so the text decides.
    assert names(search(atelier, "comte"))[0] == "Comté AOP 18 mois"


def test_a_rayon_named_by_the_word_comes_before_a_name_sharing_its_stem(atelier):
    # All three at the same shop: the same blend, so the text decides.
    found = names(search(atelier, "fromagerie"))

    assert set(found[:2]) == {"Comté AOP 18 mois", "Crottin de Chavignol"}
