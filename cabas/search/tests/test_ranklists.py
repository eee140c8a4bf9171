"""The per-stem top lists (cabas.search.ranklists) answer one word as the full-text index
does, and follow the documents through every index write."""

from __future__ import annotations

import pytest

from cabas.catalog.models import Offer
from cabas.factories import OfferFactory, ProductFactory
from cabas.search.engines import Term, get_engine
from cabas.search.models import SearchDocument, SearchStemRank
from cabas.search.ranking import text_relevance
from cabas.search.services import (
    search_index_offers_changed,
    search_index_products,
    search_index_rebuild,
)

pytestmark = pytest.mark.django_db


def _tokens(territory) -> set[str]:
    tokens: set[str] = set()
    for doc in SearchDocument.objects.filter(territory=territory):
        for field in (doc.name_text, doc.brand_text, doc.category_text, doc.gtin):
            tokens.update(field.split())
    return tokens


def assert_lists_agree(territory, extra: tuple[str, ...] = (), *, exact: bool = True) -> None:
    """For every term the territory's documents hold (and a few they do not): the list
    gives the documents of a full-text scan, in its order, with the same relevance —
    on SQLite, after incremental writes (not ``exact``), within what the drift of FTS5's
    average document length allows."""
    engine = get_engine()
    tolerance = 1e-6 if exact or engine.vendor == "postgresql" else 0.01
    terms = sorted(_tokens(territory) | set(extra))
    assert terms
    for text in terms:
        group = (Term(text),)
        listed = engine.listed(territory_id=territory.id, group=group, category_ids=None, limit=50)
        scanned = engine.scan(
            territory_id=territory.id,
            groups=[group],
            require_all=True,
            category_ids=None,
            limit=50,
        )
        assert listed is not None
        assert [m.product_id for m in listed] == [m.product_id for m in scanned], text
        assert [(m.offer_count, m.category_id) for m in listed] == [
            (m.offer_count, m.category_id) for m in scanned
        ], text
        ours, theirs = text_relevance(listed), text_relevance(scanned)
        for pid, value in theirs.items():
            assert ours[pid] == pytest.approx(value, abs=tolerance), text


def rows(product) -> set[str]:
    return set(SearchStemRank.objects.filter(product_id=product.id).values_list("stem", flat=True))


def test_the_lists_answer_like_the_full_text_index(catalogue):
    assert_lists_agree(catalogue.territory, extra=("introuvable", "quich"))


def test_a_category_filter_and_a_limit_read_the_list_in_order(catalogue):
    engine = get_engine()
    choco = catalogue.categories["chocolaterie"].id
    for category_ids, limit in (
        ([choco], 5),
        ([catalogue.categories["epicerie"].id], 5),
        (None, 1),
    ):
        group = (Term("chocolat"),)
        listed = engine.listed(
            territory_id=catalogue.territory.id, group=group, category_ids=category_ids, limit=limit
        )
        scanned = engine.scan(
            territory_id=catalogue.territory.id,
            groups=[group],
            require_all=True,
            category_ids=category_ids,
            limit=limit,
        )
        assert [m.product_id for m in listed or []] == [m.product_id for m in scanned]
    assert (
        len(
            engine.listed(
                territory_id=catalogue.territory.id,
                group=(Term("chocolat"),),
                category_ids=[choco],
                limit=5,
            )
            or []
        )
        == 2
    )


def test_a_typo_group_reads_the_list_of_its_one_live_term(catalogue):
    engine = get_engine()
    territory_id = catalogue.territory.id
    typo = (Term("chocolta"), Term("chocolat"), Term("chocolta", prefix=True))
    listed = engine.listed(territory_id=territory_id, group=typo, category_ids=None, limit=20)
    scanned = engine.scan(
        territory_id=territory_id, groups=[typo], require_all=True, category_ids=None, limit=20
    )
    assert listed is not None
    assert [m.product_id for m in listed] == [m.product_id for m in scanned]
    assert len(listed) == 2
    # Two live terms, or a live prefix: only the full-text index can rank them.
    both = (Term("chocolat"), Term("quich", prefix=True))
    assert engine.listed(territory_id=territory_id, group=both, category_ids=None, limit=20) is None
    prefix = (Term("nothing"), Term("choc", prefix=True))
    assert (
        engine.listed(territory_id=territory_id, group=prefix, category_ids=None, limit=20) is None
    )
    dead = (Term("introuvable"), Term("zzz", prefix=True))
    assert engine.listed(territory_id=territory_id, group=dead, category_ids=None, limit=20) == []


def test_the_lists_follow_inserts_updates_and_deletes(catalogue):
    territory = catalogue.territory
    # Insert: a new product on sale.
    product = ProductFactory(
        territory=territory,
        name="Chocolat chaud à l'ancienne",
        category=catalogue.categories["chocolaterie"],
    )
    offer = OfferFactory(shop=catalogue.shops["marche"], territory=territory, product=product)
    search_index_offers_changed(offer_ids=[offer.id])
    assert {"chocolat", "chaud"} <= rows(product)
    assert_lists_agree(territory, exact=False)

    # Update: a renamed product loses its old words and gains the new ones.
    renamed = catalogue.products["baguette"]
    before = rows(renamed)
    renamed.name = "Ficelle aux graines"
    renamed.save()
    search_index_products(product_ids=[renamed.id])
    assert rows(renamed) and rows(renamed) != before
    assert_lists_agree(territory, extra=("baguet", "baguette"), exact=False)

    # A recount (one more offer) changes no score but shows in the list's offer count.
    OfferFactory(shop=catalogue.shops["dupont"], territory=territory, product=product)
    search_index_products(product_ids=[product.id])
    assert_lists_agree(territory, exact=False)

    # Delete: the last offer goes, then a product itself.
    quiche = catalogue.offer("dupont", "quiche")
    quiche.is_active = False
    quiche.save()
    search_index_offers_changed(offer_ids=[quiche.id])
    assert rows(catalogue.products["quiche"]) == set()
    assert_lists_agree(territory, extra=("quich", "quiche"), exact=False)

    tomates = catalogue.products["tomates"]
    tomates_id = tomates.id
    Offer.objects.filter(product=tomates).delete()
    tomates.delete()
    search_index_products(product_ids=[tomates_id])
    assert not SearchStemRank.objects.filter(product_id=tomates_id).exists()
    assert_lists_agree(territory, exact=False)


def test_a_rebuild_rewrites_the_territory_lists(catalogue):
    territory = catalogue.territory
    SearchStemRank.objects.filter(territory=territory).delete()
    SearchStemRank.objects.create(territory=territory, stem="fantome", product_id=1, score=9.0)

    search_index_rebuild(territory=territory)

    assert not SearchStemRank.objects.filter(stem="fantome").exists()
    assert_lists_agree(territory)
