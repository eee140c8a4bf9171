"""The text cache never outlives the index it was read from: every index write replaces
the territory's generation, in the writer's transaction."""

from __future__ import annotations

import pytest
from django.db import transaction

from cabas.factories import OfferFactory, ProductFactory, TerritoryFactory
from cabas.search.cache import TextCache, text_cache
from cabas.search.models import SearchDocument, SearchIndexState
from cabas.search.selectors import SearchFilters, autocomplete, search_offers
from cabas.search.services import (
    search_index_offers_changed,
    search_index_rebuild,
)
from cabas.search.shop_snapshot import search_state

from .conftest import WEDNESDAY_10AM

pytestmark = pytest.mark.django_db


def generation(territory) -> int:
    return SearchIndexState.objects.get(territory=territory).generation


def names(territory, q: str) -> list[str]:
    result = search_offers(
        territory=territory, query=q, filters=SearchFilters(), limit=100, at=WEDNESDAY_10AM
    )
    return sorted(hit.product.name for hit in result.offers)


def test_a_rebuild_gives_the_index_a_new_generation(catalogue):
    before = generation(catalogue.territory)

    search_index_rebuild(territory=catalogue.territory)

    assert generation(catalogue.territory) not in (0, before)
    assert search_state(catalogue.territory)[1] == generation(catalogue.territory)


def test_a_territory_never_indexed_reads_generation_zero(db):
    territory = TerritoryFactory()

    assert search_state(territory)[1] == 0


def test_an_offer_moving_between_shops_replaces_the_generation(catalogue):
    # One shop stops selling the pâtes, another starts: every document stays as it was
    # (offer_count included), but browsing either shop must count differently.
    def browsed(shop: str) -> int:
        return search_offers(
            territory=catalogue.territory,
            query="",
            filters=SearchFilters(shop=catalogue.shops[shop].slug),
            at=WEDNESDAY_10AM,
        ).count

    assert (browsed("dupont"), browsed("cave")) == (4, 2)
    assert (browsed("dupont"), browsed("cave")) == (4, 2)  # now from the cache
    before = generation(catalogue.territory)
    leaving = catalogue.offer("dupont", "pates")
    leaving.is_active = False
    leaving.save()
    arriving = OfferFactory(
        shop=catalogue.shops["cave"],
        territory=catalogue.territory,
        product=catalogue.products["pates"],
    )

    search_index_offers_changed(offer_ids=[leaving.id, arriving.id])

    assert SearchDocument.objects.get(product=catalogue.products["pates"]).offer_count == 2
    assert generation(catalogue.territory) != before
    assert (browsed("dupont"), browsed("cave")) == (3, 3)


def test_a_new_offer_replaces_the_generation_and_the_cached_answer(catalogue):
    assert names(catalogue.territory, "rillettes") == []
    assert names(catalogue.territory, "rillettes") == []
    assert text_cache.hits > 0  # the second search read its plan and matches from the cache
    before = generation(catalogue.territory)
    product = ProductFactory(territory=catalogue.territory, name="Rillettes du Mans")
    offer = OfferFactory(
        shop=catalogue.shops["marche"], territory=catalogue.territory, product=product
    )

    search_index_offers_changed(offer_ids=[offer.id])

    assert generation(catalogue.territory) != before
    assert names(catalogue.territory, "rillettes") == ["Rillettes du Mans"]


def test_a_recount_alone_replaces_the_generation(catalogue):
    # Another shop starts selling a product already indexed: only offer_count moves, and
    # that count orders the window of a search.
    before = generation(catalogue.territory)
    offer = OfferFactory(
        shop=catalogue.shops["cave"],
        territory=catalogue.territory,
        product=catalogue.products["pates"],
    )

    search_index_offers_changed(offer_ids=[offer.id])

    assert generation(catalogue.territory) != before
    assert SearchDocument.objects.get(product=catalogue.products["pates"]).offer_count == 3


def test_a_deactivated_product_leaves_cached_autocomplete(catalogue):
    assert [s.label for s in autocomplete(territory=catalogue.territory, prefix="quic")] == [
        "Quiche lorraine"
    ]
    offer = catalogue.offer("dupont", "quiche")
    offer.is_active = False
    offer.save()

    search_index_offers_changed(offer_ids=[offer.id])

    assert autocomplete(territory=catalogue.territory, prefix="quic") == []


def test_a_renamed_category_is_seen_at_once_without_a_new_generation(catalogue):
    # The category tree is read with the shop fingerprint on every search and parsed
    # once per version of the table: a rename needs no index write to show.
    def categories(prefix: str) -> list[str]:
        found = autocomplete(territory=catalogue.territory, prefix=prefix)
        return [s.label for s in found if s.type == "category"]

    assert categories("fine") == []
    before = generation(catalogue.territory)
    epicerie = catalogue.categories["epicerie"]
    epicerie.name = "Épicerie fine"
    epicerie.save()

    assert categories("fine") == ["Épicerie fine"]
    assert generation(catalogue.territory) == before


def test_a_rolled_back_write_does_not_lend_its_generation(catalogue):
    before = generation(catalogue.territory)
    with pytest.raises(RuntimeError), transaction.atomic():
        search_index_rebuild(territory=catalogue.territory)
        inside = generation(catalogue.territory)
        raise RuntimeError("abandon")
    assert generation(catalogue.territory) == before

    search_index_rebuild(territory=catalogue.territory)

    assert generation(catalogue.territory) not in (before, inside)


def test_callers_cannot_alter_cached_matches(catalogue):
    def ranked() -> list[tuple[str, float]]:
        # One product holds both words: the best partial matches are appended after it,
        # to the list and scores the search got from the cache.
        result = search_offers(
            territory=catalogue.territory,
            query="chocolat lait",
            filters=SearchFilters(),
            at=WEDNESDAY_10AM,
        )
        return [(hit.product.name, hit.score) for hit in result.offers]

    first = ranked()
    assert first[0][0] == "Chocolat au lait"
    assert "Chocolat noir 70 %" in {name for name, _score in first}

    assert ranked() == first
    assert text_cache.hits > 0


def test_the_cache_is_bounded_and_can_be_off():
    cache = TextCache(max_entries=2)
    for key in "abc":
        cache.get_or_compute(key, lambda key=key: key.upper())
    assert len(cache) == 2
    assert cache.get_or_compute("a", lambda: "recomputed") == "recomputed"  # "a" was evicted
    assert cache.get_or_compute("c", lambda: "stale") == "C"

    off = TextCache(max_entries=0)
    calls = []
    off.get_or_compute("a", lambda: calls.append(1))
    off.get_or_compute("a", lambda: calls.append(1))
    assert calls == [1, 1] and len(off) == 0
