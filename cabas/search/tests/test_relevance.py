"""Relevance on real French product names: recall@10 of ~200 queries (exact names, no
accents, plural flips, typos, prefixes, GTIN), asserted on the engine in use.

The territory holds 1,500 Open Food Facts products (``relevance_subset``), each sold by
the same open shop in stock, so the ranking under test is the text ranking alone.
"""

from __future__ import annotations

import csv
from collections import Counter

import pytest
from django.conf import settings

from cabas.catalog.models import Offer, Product
from cabas.factories import ShopFactory, TerritoryFactory
from cabas.search.selectors import SearchFilters, search_offers
from cabas.search.services import search_index_rebuild

from .conftest import WEDNESDAY_10AM
from .relevance_queries import QUERIES_FILE, read_products, relevance_subset

pytestmark = pytest.mark.django_db
MIN_RECALL_AT_10 = 0.97


@pytest.fixture
def products_territory():
    territory = TerritoryFactory(slug="pertinence", name="Pertinence")
    shop = ShopFactory(territory=territory, opening_hours="24/7")
    subset = relevance_subset(read_products(settings.DATA_DIR / "products_off_fr_5000.csv"))
    products = Product.objects.bulk_create(
        Product(territory=territory, gtin=gtin, name=name[:200]) for gtin, name in subset
    )
    Offer.objects.bulk_create(
        Offer(
            territory=territory,
            shop=shop,
            product=product,
            sku=f"P{product.id}",
            price_cents=199,
            stock=5,
        )
        for product in products
    )
    search_index_rebuild(territory=territory)
    return territory


def test_recall_at_10_on_french_product_queries(products_territory):
    with QUERIES_FILE.open(encoding="utf-8", newline="") as handle:
        queries = list(csv.DictReader(handle))
    assert len(queries) >= 150
    misses: list[tuple[str, str, list[str]]] = []
    by_kind: Counter[str] = Counter()
    for row in queries:
        result = search_offers(
            territory=products_territory,
            query=row["query"],
            filters=SearchFilters(),
            limit=10,
            group_by_product=True,
            at=WEDNESDAY_10AM,
        )
        found = [hit.product.gtin for hit in result.products]
        if row["gtin"] not in found:
            misses.append(
                (row["kind"], row["query"], [hit.product.name for hit in result.products[:3]])
            )
            by_kind[row["kind"]] += 1

    recall = 1 - len(misses) / len(queries)
    print(f"recall@10 = {recall:.3f} ({len(queries)} queries, misses {dict(by_kind)})")
    assert recall >= MIN_RECALL_AT_10, (
        f"recall@10 = {recall:.3f} on {len(queries)} queries; misses by kind {dict(by_kind)}:\n"
        + "\n".join(f"  [{kind}] {query!r} → {top}" for kind, query, top in misses)
    )
