"""Per-shop category counts: the active offers of each approved shop, by the category of
their product's search document.

Browsing a few shops (a shop filter, or a query naming shops and nothing else) shows how
many offers they have in each rayon. Counting it from the offers joins every offer of
those shops to its document: 7,000 offers for seven "restaurant …" shops, 5–15 ms. These
rows hold the answer per shop, so a browse sums a few dozen rows instead.

Written by :mod:`cabas.search.services`, which know which shops a change touches: the
shops of offers created, activated or deactivated, shops approved or suspended, the shops
selling a product whose document appeared, disappeared or changed category, and shops
that lost deleted offers (passed by the caller). Each shop is recounted whole, under a
per-shop lock on PostgreSQL (concurrent writers never interleave a count and its write),
in the transaction that replaces the index generation, so a browse count cached under a
generation always describes that generation's rows. A full rebuild recounts the
territory.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from cabas.catalog.models import Offer
from cabas.shops.models import Shop, ShopStatus

from .models import SearchDocument, SearchShopCount
from .sql import in_list, search_connection

COUNT_TABLE = SearchShopCount._meta.db_table
OFFER_TABLE = Offer._meta.db_table
SHOP_TABLE = Shop._meta.db_table
DOCUMENT_TABLE = SearchDocument._meta.db_table
BATCH = 500
# The first key of PostgreSQL's two-key advisory locks taken on shops being recounted.
LOCK_CLASS = 7_460_001

_COUNT_SELECT = (
    f"SELECT o.territory_id, o.shop_id, d.category_id, COUNT(*) FROM {OFFER_TABLE} o "  # noqa: S608
    f"JOIN {SHOP_TABLE} s ON s.id = o.shop_id "
    f"LEFT JOIN {DOCUMENT_TABLE} d ON d.product_id = o.product_id "
    "WHERE o.is_active AND s.status = %s AND {scope} "
    "GROUP BY o.territory_id, o.shop_id, d.category_id"
)
_COLUMNS = "territory_id, shop_id, category_id, offer_count"


def write_shop_counts(
    connection: BaseDatabaseWrapper,
    *,
    shop_ids: Iterable[int] = (),
    territory_id: int | None = None,
) -> set[int]:
    """Recount these shops (or every shop of the territory) from the offers and the
    documents as they are now; returns the territories of the shops recounted. Call in a
    transaction, after the documents are written."""
    ids = sorted(set(shop_ids))
    with connection.cursor() as cursor:
        if territory_id is not None:
            cursor.execute(f"DELETE FROM {COUNT_TABLE} WHERE territory_id = %s", [territory_id])  # noqa: S608
            cursor.execute(
                f"INSERT INTO {COUNT_TABLE} ({_COLUMNS}) "
                + _COUNT_SELECT.format(scope="o.territory_id = %s"),
                [ShopStatus.APPROVED, territory_id],
            )
        territories = set() if territory_id is None else {territory_id}
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            clause, values = in_list("id", batch)
            if connection.vendor == "postgresql":
                # Shop by shop in id order: two writers recounting one shop take turns,
                # and the later one counts after the earlier one's write is committed.
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(%s, k) FROM (SELECT DISTINCT "
                    "(s %% 2147483647)::int AS k FROM unnest(%s::bigint[]) s ORDER BY 1) q",
                    [LOCK_CLASS, batch],
                )
            cursor.execute(f"SELECT DISTINCT territory_id FROM {SHOP_TABLE} WHERE {clause}", values)  # noqa: S608
            territories.update(row[0] for row in cursor.fetchall())
            clause, values = in_list("shop_id", batch)
            # A deleted shop is no longer in the shops table: its rows still name it.
            cursor.execute(
                f"SELECT DISTINCT territory_id FROM {COUNT_TABLE} WHERE {clause}",  # noqa: S608
                values,
            )
            territories.update(row[0] for row in cursor.fetchall())
            cursor.execute(f"DELETE FROM {COUNT_TABLE} WHERE {clause}", values)  # noqa: S608
            clause, values = in_list("o.shop_id", batch)
            cursor.execute(
                f"INSERT INTO {COUNT_TABLE} ({_COLUMNS}) " + _COUNT_SELECT.format(scope=clause),
                [ShopStatus.APPROVED, *values],
            )
    return territories


def shop_counts(
    shop_ids: Sequence[int], category_ids: Sequence[int] | None
) -> tuple[int, list[tuple[int | None, int]]]:
    """The active offers of these approved shops by category (of ``category_ids`` only,
    when given), and their total."""
    clause, params = in_list("shop_id", shop_ids)
    category_filter = ""
    if category_ids is not None:
        categories, values = in_list("category_id", category_ids)
        category_filter = f"AND {categories}"
        params = [*params, *values]
    with search_connection().cursor() as cursor:
        cursor.execute(
            f"SELECT category_id, SUM(offer_count) FROM {COUNT_TABLE} "  # noqa: S608
            f"WHERE {clause} {category_filter} GROUP BY category_id",
            params,
        )
        rows: list[Any] = [(category, int(count)) for category, count in cursor.fetchall()]
    return sum(count for _category, count in rows), rows


def fill_every_territory(connection: BaseDatabaseWrapper) -> None:
    """Every territory's counts (the migration that adds the table)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT territory_id FROM {OFFER_TABLE}")  # noqa: S608
        territories = [row[0] for row in cursor.fetchall()]
    for territory_id in territories:
        write_shop_counts(connection, territory_id=territory_id)
