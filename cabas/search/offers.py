"""The offer stage of search: offers of the matched products, filtered, counted and paged
in SQL, so no query loads every matching offer into Python.

Offers are grouped into *buckets*: one product with one combination of the signals that
rank its offers (stock level, shop open now, distance tier, shop named in the query).
Every offer of a bucket has the same relevance, so one aggregate query gives the count,
the facets and the order of the buckets; the page then reads only the few buckets it
shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from cabas.catalog.models import Offer, Product

from .models import SearchDocument
from .shopcounts import shop_counts
from .sql import ShopCodeSql, in_list, search_connection, shop_code

OFFER_TABLE = Offer._meta.db_table
PRODUCT_TABLE = Product._meta.db_table
DOCUMENT_TABLE = SearchDocument._meta.db_table
# Distance tiers for the relevance blend, nearest first (km); beyond the last: tier 0.
NEAR_TIERS_KM = (0.5, 1.0, 2.0, 5.0)
# Shop codes (ShopSnapshot.shop_codes): one byte a shop, "-" for a shop whose offers do
# not show, else the ASCII digit OPEN_CODE * open + near tier.
HIDDEN_CODE = ord("-")
ZERO_CODE = ord("0")
OPEN_CODE = len(NEAR_TIERS_KM) + 1


@dataclass(frozen=True)
class OfferScope:
    """Which offers a search may return, and the signals its ranking needs."""

    products: Sequence[int]  # products matched by the text (any approved shop)
    named_shops: Sequence[int] | None  # shops the query names, or browsed shops
    named_products: Sequence[int] | None  # what the named shops may sell (None: anything)
    allowed_shops: Sequence[int] | None  # None: every approved shop
    hidden_shops: Sequence[int]  # the territory's shops that are not approved
    category_ids: Sequence[int] | None
    in_stock: bool
    price_min: int | None
    price_max: int | None
    open_shops: Sequence[int] | None  # None: open-now is not a ranking signal
    near_tiers: Sequence[Sequence[int]] | None  # shops by distance tier, nearest first
    # One byte per shop id from shop_first on (ShopSnapshot.shop_codes): the shops above as
    # SQL reads them, by position (cabas.search.sql.shop_code).
    shop_codes: bytes = b""
    shop_first: int = 0

    def shop_code(self, column: str = "o.shop_id") -> ShopCodeSql:
        """SQL of the code of the shop in ``column``: see :func:`cabas.search.sql.shop_code`."""
        return shop_code(column, self.shop_codes, self.shop_first)


class Bucket(NamedTuple):
    product_id: int
    named: int
    stock_level: int  # 2 in stock, 1 on request (stock not tracked), 0 out of stock
    is_open: int
    near_tier: int  # len(NEAR_TIERS_KM) for the nearest tier, 0 beyond the last
    size: int  # number of offers
    min_price_cents: int


class OfferRow(NamedTuple):
    offer_id: int
    product_id: int
    shop_id: int
    price_cents: int
    stock: int | None
    sku: str


def _where(scope: OfferScope, product_ids: Sequence[int] | None = None) -> tuple[str, list[Any]]:
    """The offers of the scope; with ``product_ids``, a superset limited to those products
    (the caller keeps the offers of its buckets: their ``named`` signal tells the rest)."""
    # Tenancy: every product and shop id below comes from this territory's documents and
    # shop snapshot, so no offer of another territory can match; a territory_id test here
    # would only make SQLite read each row instead of the covering index (migration 0003).
    parts = ["o.is_active"]
    params: list[Any] = []
    if product_ids is not None:
        clause, values = in_list("o.product_id", product_ids)
        parts.append(clause)
        params += values
        if not scope.products and scope.named_shops is not None:
            clause, values = in_list("o.shop_id", scope.named_shops)
            parts.append(clause)
            params += values
    else:
        branches: list[str] = []
        if scope.products:
            clause, values = in_list("o.product_id", scope.products)
            branches.append(clause)
            params += values
        if scope.named_shops is not None:
            clause, values = in_list("o.shop_id", scope.named_shops)
            named = [clause]
            params += values
            if scope.named_products is not None:
                clause, values = in_list("o.product_id", scope.named_products)
                named.append(clause)
                params += values
            elif scope.category_ids is not None:
                clause, values = in_list("d.category_id", scope.category_ids)
                named.append(
                    f"o.product_id IN (SELECT d.product_id FROM {DOCUMENT_TABLE} d WHERE {clause})"  # noqa: S608
                )
                params += values
            branches.append("(" + " AND ".join(named) + ")")
        parts.append("(" + (" OR ".join(branches) or "1 = 0") + ")")
    # The allowed and approved shops: a read of the shop's code by position, never an
    # index (a shop list used as one probed every (shop, product) pair: 20,000 probes
    # for a page of 70 products in 300 allowed shops).
    code = scope.shop_code()
    parts.append(code.shown)
    params += code.shown_params
    if scope.in_stock:
        parts.append("o.stock > 0")
    if scope.price_min is not None:
        parts.append("o.price_cents >= %s")
        params.append(scope.price_min)
    if scope.price_max is not None:
        parts.append("o.price_cents <= %s")
        params.append(scope.price_max)
    return " AND ".join(parts), params


def _signals(scope: OfferScope) -> list[tuple[str, list[Any]]]:
    """The bucket columns, each with its parameters: named shop, stock level, and the
    shop's code (open now and distance tier)."""
    named: tuple[str, list[Any]] = ("1" if scope.named_shops is not None else "0", [])
    if scope.named_shops is not None and scope.products:
        clause, values = in_list("o.shop_id", scope.named_shops)
        named = (f"CASE WHEN {clause} THEN 1 ELSE 0 END", values)
    stock: tuple[str, list[Any]] = (
        "CASE WHEN o.stock IS NULL THEN 1 WHEN o.stock > 0 THEN 2 ELSE 0 END",
        [],
    )
    code = scope.shop_code()
    return [
        named,
        stock,
        (f"({code.value}) / {OPEN_CODE}", code.value_params),
        (f"({code.value}) %% {OPEN_CODE}", code.value_params),
    ]


def offer_buckets(scope: OfferScope) -> list[Bucket]:
    """Every bucket of the scope with its offer count and lowest price (one query)."""
    signals = _signals(scope)
    signal_params = [param for _expr, params in signals for param in params]
    where, where_params = _where(scope)
    query = (
        f"SELECT o.product_id, {', '.join(expr for expr, _params in signals)}, COUNT(*), "  # noqa: S608
        "MIN(o.price_cents) "
        f"FROM {OFFER_TABLE} o WHERE {where} GROUP BY 1, 2, 3, 4, 5"
    )
    with search_connection().cursor() as cursor:
        cursor.execute(query, signal_params + where_params)
        return list(map(Bucket._make, cursor.fetchall()))


_COLUMNS = "o.id, o.product_id, o.shop_id, o.price_cents, o.stock, o.sku"


def browse_counts(scope: OfferScope) -> tuple[int, list[tuple[int | None, int]]]:
    """Offers of browsed shops (no words for products): their number by category. Without
    a stock or price filter, from the shops' counts (:mod:`cabas.search.shopcounts`);
    else counted in SQL over their offers, since every product of a shop may be one."""
    if (
        scope.named_shops is not None
        and not scope.products
        and scope.named_products is None
        and not scope.in_stock
        and scope.price_min is None
        and scope.price_max is None
    ):
        first, codes = scope.shop_first, scope.shop_codes
        shown = [
            sid
            for sid in scope.named_shops
            if 0 <= sid - first < len(codes) and codes[sid - first] != HIDDEN_CODE
        ]
        return shop_counts(shown, scope.category_ids) if shown else (0, [])
    where, params = _where(scope)
    with search_connection().cursor() as cursor:
        cursor.execute(
            f"SELECT d.category_id, COUNT(*) FROM {OFFER_TABLE} o "  # noqa: S608
            f"LEFT JOIN {DOCUMENT_TABLE} d ON d.product_id = o.product_id "
            f"WHERE {where} GROUP BY d.category_id",
            params,
        )
        rows = cursor.fetchall()
    return sum(count for _category, count in rows), rows


def browse_page(
    scope: OfferScope,
    shop_bonus: dict[int, float],
    stock_bonus: Sequence[float],
    *,
    limit: int,
    offset: int,
) -> list[OfferRow]:
    """A page of browsed shops' offers by relevance: the bonus of the shop (open, near)
    plus that of the stock level, then the price — ordered in SQL over a few shops."""
    where, params = _where(scope)
    whens = " ".join("WHEN %s THEN %s" for _shop in shop_bonus)
    shop_params = [value for item in shop_bonus.items() for value in item]
    stock_rank = "CASE WHEN o.stock IS NULL THEN %s WHEN o.stock > 0 THEN %s ELSE %s END"
    stock_params = [stock_bonus[1], stock_bonus[2], stock_bonus[0]]
    return _rows(
        f"SELECT {_COLUMNS} FROM {OFFER_TABLE} o WHERE {where} "  # noqa: S608
        f"ORDER BY (CASE o.shop_id {whens} ELSE 0 END) + {stock_rank} DESC, "
        "o.price_cents, o.id LIMIT %s OFFSET %s",
        [*params, *shop_params, *stock_params, limit, offset],
    )


def _rows(query: str, params: list[Any]) -> list[OfferRow]:
    with search_connection().cursor() as cursor:
        cursor.execute(query, params)
        return [OfferRow._make(row) for row in cursor.fetchall()]


ProductRow = tuple[int, str, str | None, str, int | None]


def offers_of_products(
    scope: OfferScope, product_ids: Sequence[int]
) -> tuple[list[OfferRow], list[ProductRow]]:
    """The offers of these products within the scope's filters (a page of buckets), and
    the products' rows (:func:`product_rows`) in the same round trip."""
    if not product_ids:
        return [], []
    where, params = _where(scope, product_ids)
    clause, values = in_list("p.id", sorted(set(product_ids)))
    with search_connection().cursor() as cursor:
        cursor.execute(
            f"SELECT {_COLUMNS}, NULL, NULL, NULL, NULL FROM {OFFER_TABLE} o WHERE {where} "  # noqa: S608
            "UNION ALL SELECT NULL, p.id, NULL, NULL, NULL, NULL, p.name, p.gtin, p.brand, "
            f"p.category_id FROM {PRODUCT_TABLE} p WHERE {clause}",
            params + values,
        )
        offers: list[OfferRow] = []
        products: list[ProductRow] = []
        for row in cursor.fetchall():
            if row[0] is None:
                products.append((row[1], *row[6:]))
            else:
                offers.append(OfferRow._make(row[:6]))
    return offers, products


def offers_by_price(scope: OfferScope, *, limit: int, offset: int) -> list[OfferRow]:
    where, params = _where(scope)
    return _rows(
        f"SELECT {_COLUMNS} FROM {OFFER_TABLE} o WHERE {where} "  # noqa: S608
        "ORDER BY o.price_cents, o.id LIMIT %s OFFSET %s",
        [*params, limit, offset],
    )


def offers_at_shops(scope: OfferScope, shop_ids: Sequence[int]) -> list[OfferRow]:
    """Every offer of the scope at these shops (a batch of the nearest, for distance sort)."""
    where, params = _where(scope)
    clause, values = in_list("o.shop_id", shop_ids)
    return _rows(
        f"SELECT {_COLUMNS} FROM {OFFER_TABLE} o WHERE {where} AND {clause}",  # noqa: S608
        params + values,
    )


def product_rows(ids: Sequence[int]) -> list[ProductRow]:
    """(id, name, gtin, brand, category_id) of these products."""
    if not ids:
        return []
    clause, params = in_list("id", sorted(set(ids)))
    with search_connection().cursor() as cursor:
        cursor.execute(
            f"SELECT id, name, gtin, brand, category_id FROM {PRODUCT_TABLE} WHERE {clause}",  # noqa: S608
            params,
        )
        return list(cursor.fetchall())


def document_categories(ids: Sequence[int]) -> dict[int, int | None]:
    """The category of each indexed product (for facets of browsed shops)."""
    if not ids:
        return {}
    clause, params = in_list("product_id", sorted(set(ids)))
    with search_connection().cursor() as cursor:
        cursor.execute(
            f"SELECT product_id, category_id FROM {DOCUMENT_TABLE} WHERE {clause}",  # noqa: S608
            params,
        )
        return dict(cursor.fetchall())


def document_first_stems(ids: Sequence[int]) -> dict[int, str]:
    """The first stem of each indexed product's name: its head noun in French ("pain" in
    "Pain au chocolat", "cervelas" in "Cervelas au comté")."""
    if not ids:
        return {}
    clause, params = in_list("product_id", sorted(set(ids)))
    with search_connection().cursor() as cursor:
        cursor.execute(
            f"SELECT product_id, name_text FROM {DOCUMENT_TABLE} WHERE {clause}",  # noqa: S608
            params,
        )
        return {pid: (text.split(" ", 1)[0] if text else "") for pid, text in cursor.fetchall()}
