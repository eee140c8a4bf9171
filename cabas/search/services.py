"""Writes to the search index: documents and vocabulary follow the catalogue.

Writers of products, offers and shops call these services after their change (there are
no signals): ``search_index_products`` for products created, renamed, recategorised or
whose offers were deleted (with the shops that sold them); ``search_index_offers_changed``
for offers created, activated or deactivated; ``search_index_shops_changed`` for shops
approved, suspended or renamed.
Price and stock changes need no call: search reads them from the offers themselves. A
renamed category (taxonomy sync) needs ``manage.py rebuild_search_index``.

Invariant: a product has a search document exactly while at least one active offer of an
approved shop sells it, and each vocabulary term counts the documents that hold it. Every
indexing call also replaces the index generation
(:class:`~cabas.search.models.SearchIndexState`) of the territories it touched, in the
same transaction, which is what lets readers cache what they derive from the index and
from which offers are active where (:mod:`cabas.search.cache`).
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count

from cabas.catalog.models import Category, Offer, Product
from cabas.shops.models import ShopStatus
from cabas.territories.models import Territory

from .engines import get_engine
from .models import SearchDocument, SearchIndexState
from .ranklists import recount_rank_lists, write_rank_lists
from .shopcounts import write_shop_counts
from .text import stem_text, words
from .vocabulary import vocabulary_apply, vocabulary_build

CHUNK = 500
REBUILD_BATCH = 2000
TEXT_FIELDS = ("territory_id", "category_id", "name_text", "brand_text", "category_text", "gtin")


STATE_TABLE = SearchIndexState._meta.db_table


def bump_index_generation(*, territory_ids: Iterable[int]) -> None:
    """Give these territories' indexes a new generation (call inside the writer's
    transaction): every cached plan or match of the old one stops being used."""
    with connection.cursor() as cursor:
        for territory_id in sorted(set(territory_ids)):
            # A random 62-bit token; the row lock serialises concurrent writers.
            cursor.execute(
                f"INSERT INTO {STATE_TABLE} (territory_id, generation) VALUES (%s, %s) "  # noqa: S608
                "ON CONFLICT (territory_id) DO UPDATE SET generation = excluded.generation",
                [territory_id, secrets.randbits(62) + 1],
            )


def _batched(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _clean_gtin(gtin: str | None) -> str:
    digits = "".join(char for char in (gtin or "") if char.isdigit())
    return digits if 8 <= len(digits) <= 14 else ""


def document_words(name: str, brand: str, category_name: str) -> list[str]:
    """The distinct words a document adds to the vocabulary (numbers excluded)."""
    return sorted({w for w in words(f"{name} {brand} {category_name}") if w.isalpha()})


def build_document(
    *,
    product_id: int,
    territory_id: int,
    name: str,
    brand: str,
    gtin: str | None,
    category_id: int | None,
    category_name: str,
    offer_count: int,
) -> SearchDocument:
    return SearchDocument(
        product_id=product_id,
        territory_id=territory_id,
        category_id=category_id,
        name_text=stem_text(name),
        brand_text=stem_text(brand),
        category_text=stem_text(category_name),
        gtin=_clean_gtin(gtin),
        words=" ".join(document_words(name, brand, category_name)),
        offer_count=offer_count,
    )


def _category_names() -> dict[int, str]:
    return dict(Category.objects.values_list("id", "name"))


def _offer_counts(**filters: object) -> dict[int, int]:
    rows = (
        Offer.objects.filter(is_active=True, shop__status=ShopStatus.APPROVED, **filters)
        .values("product_id")
        .annotate(n=Count("id"))
        .values_list("product_id", "n")
    )
    return dict(rows)


def search_index_products(*, product_ids: Iterable[int], shop_ids: Iterable[int] = ()) -> None:
    """Bring the documents of these products, and the vocabulary, in line with the catalogue.

    ``shop_ids``: shops whose active offers changed otherwise than through these products'
    documents (offers created, activated, deactivated or deleted there; a shop approved or
    suspended), recounted with the shops selling a product whose document appeared,
    disappeared or changed category (:mod:`cabas.search.shopcounts`)."""
    ids = sorted(set(product_ids))
    categories = _category_names()
    shops = set(shop_ids)
    for chunk in _batched(ids, CHUNK):
        with transaction.atomic():
            shops |= _index_chunk(chunk, categories)
    if shops:
        # The shops' counts and a new generation together: a browse count cached under
        # the generation of a chunk above is not read again.
        with transaction.atomic():
            territories = write_shop_counts(connection, shop_ids=shops)
            bump_index_generation(territory_ids=territories)


def _index_chunk(ids: list[int], categories: dict[int, str]) -> set[int]:
    """Index these products; returns the shops selling one whose document appeared,
    disappeared or changed category (their counts by category move)."""
    counts = _offer_counts(product_id__in=ids)
    previous = {
        doc.product_id: doc
        for doc in SearchDocument.objects.select_for_update().filter(product_id__in=ids)
    }
    old_categories = {pid: doc.category_id for pid, doc in previous.items()}
    delta: dict[int, Counter[str]] = {}
    created: list[SearchDocument] = []
    changed: list[SearchDocument] = []
    recounted: list[SearchDocument] = []
    stale: list[int] = []
    same_text: set[int] = set()
    for product in Product.objects.filter(id__in=ids).only(
        "id", "territory_id", "name", "brand", "gtin", "category_id"
    ):
        old = previous.pop(product.id, None)
        n = counts.get(product.id, 0)
        territory_delta = delta.setdefault(product.territory_id, Counter())
        if n == 0:
            if old is not None:
                stale.append(old.product_id)
                territory_delta.subtract(old.words.split())
            continue
        doc = build_document(
            product_id=product.id,
            territory_id=product.territory_id,
            name=product.name,
            brand=product.brand,
            gtin=product.gtin,
            category_id=product.category_id,
            category_name=categories.get(product.category_id or 0, ""),
            offer_count=n,
        )
        if old is None:
            created.append(doc)
            territory_delta.update(doc.words.split())
        elif any(getattr(old, field) != getattr(doc, field) for field in TEXT_FIELDS):
            changed.append(doc)
            territory_delta.subtract(old.words.split())
            territory_delta.update(doc.words.split())
        else:
            same_text.add(product.id)
            if old.offer_count != n:
                recounted.append(doc)
    for old in previous.values():  # products deleted since they were indexed
        stale.append(old.product_id)
        delta.setdefault(old.territory_id, Counter()).subtract(old.words.split())
    moved = {doc.product_id for doc in created} | set(stale)
    moved.update(
        doc.product_id
        for doc in changed
        if doc.category_id != old_categories.get(doc.product_id, doc.category_id)
    )
    if stale:
        SearchDocument.objects.filter(product_id__in=stale).delete()
    if created:
        SearchDocument.objects.bulk_create(created)
    if changed:
        SearchDocument.objects.bulk_update(changed, [*TEXT_FIELDS, "words", "offer_count"])
    if recounted:
        SearchDocument.objects.bulk_update(recounted, ["offer_count"])
    # Top lists of every product but those whose text is unchanged (a recount of offers
    # changes no score); a product deleted since, whose document went with it, too.
    write_rank_lists(connection, product_ids=[pid for pid in ids if pid not in same_text])
    recount_rank_lists(connection, {doc.product_id: doc.offer_count for doc in recounted})
    for territory_id, territory_delta in delta.items():
        vocabulary_apply(territory_id=territory_id, delta=territory_delta)
    # Always, even when no document changed: an offer moved from one shop to another
    # leaves every document as it was, but not what a browse of those shops counts.
    bump_index_generation(territory_ids=delta)
    if not moved:
        return set()
    return set(Offer.objects.filter(product_id__in=sorted(moved)).values_list("shop_id", flat=True))


def search_index_offers_changed(*, offer_ids: Iterable[int]) -> None:
    """Reindex the products of these offers (created, activated or deactivated), and
    recount their shops.

    For deleted offers, call :func:`search_index_products` with their products and the
    shops that sold them instead.
    """
    ids = sorted(set(offer_ids))
    product_ids: set[int] = set()
    shop_ids: set[int] = set()
    for chunk in _batched(ids, CHUNK):
        for product_id, shop_id in Offer.objects.filter(id__in=chunk).values_list(
            "product_id", "shop_id"
        ):
            product_ids.add(product_id)
            shop_ids.add(shop_id)
    search_index_products(product_ids=product_ids, shop_ids=shop_ids)


def search_index_shops_changed(*, shop_ids: Iterable[int]) -> None:
    """Reindex the products these shops offer, and recount them (shop approved, suspended
    or deleted)."""
    shops = sorted(set(shop_ids))
    product_ids = set(Offer.objects.filter(shop_id__in=shops).values_list("product_id", flat=True))
    search_index_products(product_ids=product_ids, shop_ids=shops)


@dataclass(frozen=True)
class RebuildStats:
    documents: int
    terms: int


@transaction.atomic
def search_index_rebuild(
    *, territory: Territory, progress: Callable[[int, int], None] | None = None
) -> RebuildStats:
    """Rebuild the territory's documents and vocabulary from the catalogue, in one
    transaction: searches see the old index until the new one is complete.

    ``progress(done, total)`` is called as products are indexed.
    """
    SearchDocument.objects.filter(territory=territory).delete()
    categories = _category_names()
    counts = _offer_counts(territory=territory)
    vocabulary: Counter[str] = Counter()
    documents = 0
    product_ids = sorted(counts)
    for chunk in _batched(product_ids, REBUILD_BATCH):
        batch = [
            build_document(
                product_id=pid,
                territory_id=territory.id,
                name=name,
                brand=brand,
                gtin=gtin,
                category_id=category_id,
                category_name=categories.get(category_id or 0, ""),
                offer_count=counts[pid],
            )
            for pid, name, brand, gtin, category_id in Product.objects.filter(
                id__in=chunk, territory=territory
            ).values_list("id", "name", "brand", "gtin", "category_id")
        ]
        SearchDocument.objects.bulk_create(batch)
        for doc in batch:
            vocabulary.update(doc.words.split())
        documents += len(batch)
        if progress is not None:
            progress(min(documents, len(product_ids)), len(product_ids))
    vocabulary_build(territory_id=territory.id, counts=vocabulary)
    write_rank_lists(connection, territory_id=territory.id)
    write_shop_counts(connection, territory_id=territory.id)
    bump_index_generation(territory_ids=[territory.id])
    get_engine().optimize()
    return RebuildStats(documents=documents, terms=len(vocabulary))


def search_index_size_bytes() -> int:
    return get_engine().index_size_bytes()
