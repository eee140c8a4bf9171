"""The index follows the catalogue: documents and vocabulary, incrementally and rebuilt."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from cabas.factories import OfferFactory, ProductFactory, ShopFactory
from cabas.search.models import SearchDocument, SearchTerm, SearchTermKey
from cabas.search.selectors import SearchFilters, search_offers
from cabas.search.services import (
    search_index_offers_changed,
    search_index_products,
    search_index_rebuild,
    search_index_shops_changed,
)
from cabas.shops.models import ShopStatus

from .conftest import WEDNESDAY_10AM

pytestmark = pytest.mark.django_db


def found(catalogue, q: str) -> set[str]:
    result = search_offers(
        territory=catalogue.territory,
        query=q,
        filters=SearchFilters(),
        limit=100,
        at=WEDNESDAY_10AM,
    )
    return {hit.product.name for hit in result.offers}


def vocabulary(territory) -> dict[str, int]:
    return dict(
        SearchTerm.objects.filter(territory=territory).values_list("term", "document_count")
    )


def test_a_product_is_indexed_while_an_approved_shop_offers_it(catalogue):
    indexed = set(SearchDocument.objects.values_list("product_id", flat=True))

    assert catalogue.products["pates"].id in indexed
    assert catalogue.products["invendu"].id not in indexed  # its only offer is inactive
    assert SearchDocument.objects.get(product=catalogue.products["chocolat"]).offer_count == 3


def test_a_new_offer_makes_its_product_searchable(catalogue):
    product = ProductFactory(territory=catalogue.territory, name="Rillettes du Mans")
    offer = OfferFactory(
        shop=catalogue.shops["marche"], territory=catalogue.territory, product=product
    )
    assert found(catalogue, "rillettes") == set()

    search_index_offers_changed(offer_ids=[offer.id])

    assert found(catalogue, "rillette") == {"Rillettes du Mans"}
    assert vocabulary(catalogue.territory)["rillettes"] == 1


def test_a_deactivated_offer_removes_the_product_and_its_words(catalogue):
    offer = catalogue.offer("dupont", "quiche")
    offer.is_active = False
    offer.save()

    search_index_offers_changed(offer_ids=[offer.id])

    assert found(catalogue, "quiche") == set()
    assert "quiche" not in vocabulary(catalogue.territory)
    assert not SearchTermKey.objects.filter(territory=catalogue.territory, key="quiche").exists()


def test_a_renamed_product_is_found_by_its_new_name_only(catalogue):
    product = catalogue.products["baguette"]
    product.name = "Ficelle aux graines"
    product.save()

    search_index_products(product_ids=[product.id])

    assert found(catalogue, "ficelle") == {"Ficelle aux graines"}
    assert found(catalogue, "baguette") == set()
    words = vocabulary(catalogue.territory)
    assert "baguette" not in words
    assert words["graines"] == 1


def test_shared_words_keep_their_count_when_one_product_goes(catalogue):
    assert vocabulary(catalogue.territory)["chocolat"] == 2

    catalogue.offer("cave", "chocolat_lait").delete()
    search_index_products(product_ids=[catalogue.products["chocolat_lait"].id])

    assert vocabulary(catalogue.territory)["chocolat"] == 1
    assert found(catalogue, "chocolat") == {"Chocolat noir 70 %"}


def test_a_suspended_shop_takes_its_only_products_out_of_search(catalogue):
    shop = catalogue.shops["cave"]
    shop.status = ShopStatus.SUSPENDED
    shop.save()

    search_index_shops_changed(shop_ids=[shop.id])

    assert "Chocolat au lait" not in found(catalogue, "chocolat")
    assert SearchDocument.objects.get(product=catalogue.products["chocolat"]).offer_count == 2


def test_a_new_shop_is_searchable_by_its_name_at_once(catalogue):
    shop = ShopFactory(territory=catalogue.territory, name="Fromagerie Lefèvre", slug="lefevre")
    OfferFactory(shop=shop, territory=catalogue.territory, product=catalogue.products["pates"])
    search_index_shops_changed(shop_ids=[shop.id])

    result = search_offers(
        territory=catalogue.territory,
        query="fromagerie lefevre",
        filters=SearchFilters(),
        at=WEDNESDAY_10AM,
    )

    assert [(hit.shop.slug, hit.product.name) for hit in result.offers] == [
        ("lefevre", "Pâtes complètes")
    ]


def test_incremental_index_equals_a_rebuild(catalogue):
    product = ProductFactory(
        territory=catalogue.territory, name="Pâtes aux œufs frais", brand="Lustucru"
    )
    offer = OfferFactory(
        shop=catalogue.shops["dupont"], territory=catalogue.territory, product=product
    )
    search_index_offers_changed(offer_ids=[offer.id])
    catalogue.offer("marche", "oeufs").delete()
    search_index_products(product_ids=[catalogue.products["oeufs"].id])
    incremental = (
        vocabulary(catalogue.territory),
        set(SearchDocument.objects.values_list("product_id", "name_text", "offer_count")),
        SearchTermKey.objects.count(),
    )

    search_index_rebuild(territory=catalogue.territory)

    rebuilt = (
        vocabulary(catalogue.territory),
        set(SearchDocument.objects.values_list("product_id", "name_text", "offer_count")),
        SearchTermKey.objects.count(),
    )
    assert incremental == rebuilt


def test_rebuild_search_index_command(catalogue, capsys):
    SearchDocument.objects.all().delete()
    SearchTerm.objects.all().delete()

    call_command("rebuild_search_index", territory=[catalogue.territory.slug], verbosity=0)

    assert found(catalogue, "chocolat") == {"Chocolat noir 70 %", "Chocolat au lait"}
    assert "ville : 8 produits indexés" in capsys.readouterr().out
    assert SearchDocument.objects.count() == 8


def test_rebuild_search_index_command_rejects_an_unknown_territory(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="nulle-part"):
        call_command("rebuild_search_index", territory=["nulle-part"], verbosity=0)
