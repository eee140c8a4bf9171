"""Matching, filters, facets, ranking and grouping of search_offers and autocomplete."""

from __future__ import annotations

import pytest

from cabas.catalog.models import Product
from cabas.factories import OfferFactory, ProductFactory
from cabas.geo.distance import Point
from cabas.search.selectors import SearchFilters, autocomplete, search_offers
from cabas.search.services import search_index_products

from .conftest import CENTRE, WEDNESDAY_10AM

pytestmark = pytest.mark.django_db


def search(catalogue, q="", sort="relevance", limit=20, offset=0, group=False, **filters):
    return search_offers(
        territory=catalogue.territory,
        query=q,
        filters=SearchFilters(**filters),
        sort=sort,
        limit=limit,
        offset=offset,
        group_by_product=group,
        at=WEDNESDAY_10AM,
    )


def product_names(result) -> list[str]:
    names = [hit.product.name for hit in (result.products if result.grouped else result.offers)]
    return list(dict.fromkeys(names))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("pâtes", "Pâtes complètes"),
        ("pates", "Pâtes complètes"),  # accents folded
        ("PÂTE COMPLÈTE", "Pâtes complètes"),  # case, singular
        ("tomate", "Tomates cerises"),  # plural flip
        ("tomates cerise", "Tomates cerises"),
        ("oeuf", "Œufs de poules élevées en plein air"),  # ligature
        ("œufs plein air", "Œufs de poules élevées en plein air"),
        ("eleveees", "Œufs de poules élevées en plein air"),  # one insertion
        ("chocolta", "Chocolat noir 70 %"),  # transposition
        ("lorriane", "Quiche lorraine"),  # transposition
        ("quiche lorrain", "Quiche lorraine"),
        ("choc", "Chocolat noir 70 %"),  # prefix of the last word
        ("bagu", "Baguette tradition"),
        ("bonnat", "Chocolat noir 70 %"),  # brand
        ("bonne maman", "Confiture de fraises"),
        ("3000000000014", "Pâtes complètes"),  # exact GTIN
        ("confiture fraise", "Confiture de fraises"),
    ],
)
def test_query_finds_the_product(catalogue, query, expected):
    result = search(catalogue, query)

    assert product_names(result)[0] == expected


def test_category_name_matches_products_of_that_category(catalogue):
    result = search(catalogue, "boulangerie patisserie")

    assert set(product_names(result)) >= {"Quiche lorraine", "Baguette tradition"}


def test_products_with_every_word_come_before_partial_matches(catalogue):
    result = search(catalogue, "chocolat noir")

    names = [hit.product.name for hit in result.offers]
    assert names == ["Chocolat noir 70 %"] * 3 + ["Chocolat au lait"]


def test_partial_matches_are_left_out_when_enough_products_hold_every_word(catalogue):
    for name in ("Chocolat noir corsé", "Chocolat noir aux amandes"):
        OfferFactory(
            shop=catalogue.shops["marche"],
            territory=catalogue.territory,
            product=ProductFactory(territory=catalogue.territory, name=name),
        )
    search_index_products(product_ids=Product.objects.values_list("id", flat=True))

    result = search(catalogue, "chocolat noir", group=True)

    assert "Chocolat au lait" not in product_names(result)
    assert result.count == 3


def test_partial_matches_come_when_no_product_has_every_word(catalogue):
    result = search(catalogue, "chocolat blanc")

    assert set(product_names(result)) == {"Chocolat noir 70 %", "Chocolat au lait"}


def test_a_shop_name_in_the_query_finds_that_shops_offers(catalogue):
    result = search(catalogue, "boulangerie dupont")

    assert {hit.shop.slug for hit in result.offers} == {"boulangerie-dupont"}
    assert result.count == 4


def test_a_shop_name_and_a_product_find_that_product_at_that_shop_first(catalogue):
    result = search(catalogue, "chocolat dupont")

    first = result.offers[0]
    assert (first.product.name, first.shop.slug) == ("Chocolat noir 70 %", "boulangerie-dupont")


def test_a_corrected_typo_is_offered_as_did_you_mean(catalogue):
    assert search(catalogue, "chocolta").did_you_mean == "chocolat"
    assert search(catalogue, "chocolat").did_you_mean is None


def test_inactive_offers_suspended_shops_and_other_territories_never_show(
    catalogue, other_catalogue
):
    result = search(catalogue, "chocolat", limit=100)

    assert {hit.shop.slug for hit in result.offers} == {
        "epicerie-du-marche",
        "boulangerie-dupont",
        "cave-des-lilas",
    }
    assert "Chocolat noir d'ailleurs" not in product_names(result)
    assert search(catalogue, "caviar aubergine").count == 0


def test_relevance_prefers_offers_in_stock_at_open_shops(catalogue):
    result = search(catalogue, "chocolat noir")

    # The same product in three shops, all in stock: the two open now first (the cheaper
    # first), then the closed one although it is the cheapest.
    offers = result.offers[:3]
    assert [(hit.shop.slug, hit.price_cents) for hit in offers] == [
        ("boulangerie-dupont", 420),
        ("epicerie-du-marche", 450),
        ("cave-des-lilas", 399),
    ]
    assert [hit.open_now for hit in offers] == [True, True, False]


def test_relevance_puts_out_of_stock_offers_last(catalogue):
    OfferFactory(
        shop=catalogue.shops["dupont"],
        territory=catalogue.territory,
        product=catalogue.products["tomates"],
        price_cents=500,
        stock=3,
    )
    search_index_products(product_ids=[catalogue.products["tomates"].id])

    result = search(catalogue, "tomates")

    assert [(hit.shop.slug, hit.stock_status) for hit in result.offers] == [
        ("boulangerie-dupont", "low_stock"),
        ("epicerie-du-marche", "out_of_stock"),
    ]


def test_relevance_prefers_nearby_shops_when_a_centre_is_given(catalogue):
    near_dupont = Point(CENTRE[0] + 1.1 / 111.2, CENTRE[1])

    result = search(catalogue, "pates", centre=near_dupont)

    assert [hit.shop.slug for hit in result.offers] == [
        "boulangerie-dupont",
        "epicerie-du-marche",
    ]
    assert result.offers[0].distance_km == pytest.approx(0.0, abs=0.01)
    assert result.offers[1].distance_km == pytest.approx(1.1, abs=0.02)


def test_filters_category_family_includes_its_rayons(catalogue):
    rayon = search(catalogue, "", category="chocolaterie")
    family = search(catalogue, "", category="alimentation")

    assert set(product_names(rayon)) == {"Chocolat noir 70 %", "Chocolat au lait"}
    assert family.count == 11


def test_filter_shop(catalogue):
    result = search(catalogue, "chocolat", shop="cave-des-lilas")

    assert {(hit.shop.slug, hit.product.name) for hit in result.offers} == {
        ("cave-des-lilas", "Chocolat noir 70 %"),
        ("cave-des-lilas", "Chocolat au lait"),
    }


def test_filter_in_stock_drops_empty_and_untracked_stock(catalogue):
    result = search(catalogue, "", category="epicerie", in_stock=True, limit=100)

    names = product_names(result)
    assert "Tomates cerises" not in names  # stock 0
    assert "Confiture de fraises" not in names  # stock not tracked
    assert "Pâtes complètes" in names


def test_filter_open_now(catalogue):
    result = search(catalogue, "chocolat", open_now=True)

    assert {hit.shop.slug for hit in result.offers} == {"epicerie-du-marche", "boulangerie-dupont"}
    assert all(hit.open_now for hit in result.offers)


def test_filter_radius(catalogue):
    result = search(catalogue, "chocolat", centre=Point(*CENTRE), radius_km=2)

    assert {hit.shop.slug for hit in result.offers} == {"epicerie-du-marche", "boulangerie-dupont"}
    assert all(hit.distance_km is not None and hit.distance_km <= 2 for hit in result.offers)


def test_filter_price_range(catalogue):
    result = search(catalogue, "chocolat", price_min_cents=400, price_max_cents=440)

    assert [(hit.shop.slug, hit.price_cents) for hit in result.offers] == [
        ("boulangerie-dupont", 420)
    ]


def test_sort_by_price(catalogue):
    result = search(catalogue, "chocolat", sort="price")

    prices = [hit.price_cents for hit in result.offers]
    assert prices == sorted(prices) == [350, 399, 420, 450]


def test_sort_by_distance(catalogue):
    result = search(catalogue, "chocolat", sort="distance", centre=Point(*CENTRE))

    distances = [hit.distance_km for hit in result.offers]
    assert distances == sorted(distances)
    assert result.offers[0].shop.slug == "epicerie-du-marche"


def test_pages_follow_each_other_without_overlap(catalogue):
    everything = search(catalogue, "", category="alimentation", limit=100)
    pages = [search(catalogue, "", category="alimentation", limit=4, offset=o) for o in (0, 4, 8)]

    paged = [hit.offer_id for page in pages for hit in page.offers]
    assert paged == [hit.offer_id for hit in everything.offers]
    assert len(set(paged)) == everything.count == 11


def test_facets_count_offers_by_category(catalogue):
    result = search(catalogue, "chocolat")

    assert [(f.slug, f.count) for f in result.facets] == [("chocolaterie", 4)]


def test_group_by_product_counts_shops_and_lowest_price(catalogue):
    result = search(catalogue, "chocolat", group=True)

    assert result.count == 2
    top = result.products[0]
    assert top.product.name == "Chocolat noir 70 %"
    assert (top.offer_count, top.min_price_cents, top.open_count) == (3, 399, 2)
    assert [(f.slug, f.count) for f in result.facets] == [("chocolaterie", 2)]


def test_empty_query_without_filters_returns_nothing(catalogue):
    result = search(catalogue, "")

    assert (result.count, result.offers) == (0, [])


def test_empty_query_with_a_shop_lists_its_offers(catalogue):
    result = search(catalogue, "", shop="boulangerie-dupont")

    assert result.count == 4
    assert {hit.shop.slug for hit in result.offers} == {"boulangerie-dupont"}


def test_autocomplete_suggests_categories_shops_and_products(catalogue):
    labels = {(s.type, s.label) for s in autocomplete(territory=catalogue.territory, prefix="choc")}

    assert ("category", "Chocolaterie") in labels
    assert ("product", "Chocolat noir 70 %") in labels
    assert ("product", "Chocolat au lait") in labels


def test_autocomplete_completes_the_last_word_and_corrects_typos(catalogue):
    by_prefix = autocomplete(territory=catalogue.territory, prefix="boulangerie dup")
    by_typo = autocomplete(territory=catalogue.territory, prefix="quiche lorriane")

    assert ("shop", "Boulangerie Dupont") in {(s.type, s.label) for s in by_prefix}
    assert by_typo[0].label == "Quiche lorraine"


def test_autocomplete_of_nothing_is_empty(catalogue):
    assert autocomplete(territory=catalogue.territory, prefix="  ") == []
