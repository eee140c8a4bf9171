"""Reads of products and offers for the storefront's shop and product pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection, models
from django.utils import timezone

from cabas.geo.distance import Point, haversine_km
from cabas.shops import hours
from cabas.shops.models import Shop, ShopClosure, ShopStatus
from cabas.shops.selectors import closures_by_shop
from cabas.territories.models import Territory

from .models import Category, Offer, Product

# Sort key of stock: sellable now first, then "on request", then sold out.
_IN_STOCK, _ON_REQUEST, _OUT_OF_STOCK = 0, 1, 2


def _fields(model: type[models.Model], names: tuple[str, ...]) -> list[models.Field]:
    fields = [model._meta.get_field(name) for name in names]
    assert all(isinstance(field, models.Field) and field.column for field in fields)
    return fields  # type: ignore[return-value]


def _column(model: type[models.Model], name: str) -> str:
    """The quoted column of ``model``'s field ``name``."""
    return connection.ops.quote_name(_fields(model, (name,))[0].column)


@dataclass(frozen=True, slots=True)
class ShopOfferProduct:
    name: str
    brand: str
    quantity: str


@dataclass(frozen=True, slots=True)
class ShopOffer:
    """What the shop page shows of one of its offers (an active one)."""

    pk: int
    product_id: int
    price_cents: int
    stock: int | None
    is_demo: bool
    product: ShopOfferProduct
    is_active: bool = True


class ShopOffers:
    """A shop's active offers, available ones first, then by product name (then id), for
    a ``Paginator``: ``count()`` and a slice are each one small query written out. Built
    by the ORM, the two queries and a page of model instances cost about 2 ms of CPU;
    these, 0.3 ms."""

    def __init__(self, shop: Shop) -> None:
        self.shop = shop

    def _where(self) -> tuple[str, list]:
        offer = {name: _column(Offer, name) for name in _SHOP_OFFER_FILTERS}
        where = (
            f" WHERE o.{offer['territory']} = %s AND o.{offer['shop']} = %s"
            f" AND o.{offer['is_active']} = %s"
        )
        return where, [self.shop.territory_id, self.shop.pk, True]

    def count(self) -> int:
        where, params = self._where()
        offers = connection.ops.quote_name(Offer._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {offers} o{where}", params)  # noqa: S608
            return int(cursor.fetchone()[0])

    def __getitem__(self, window: slice) -> list[ShopOffer]:
        if not isinstance(window, slice) or window.step is not None or window.stop is None:
            raise TypeError("ShopOffers takes a slice with an end")
        start = window.start or 0
        qn = connection.ops.quote_name
        offer = [f"o.{_column(Offer, name)}" for name in _SHOP_OFFER_FIELDS]
        product = [f"p.{_column(Product, name)}" for name in _PRODUCT_FIELDS]
        offer_id, product_id, stock = offer[0], offer[1], offer[3]
        where, params = self._where()
        # Only quoted table and column names are formatted into the SQL.
        sql = (
            f"SELECT {', '.join(offer + product[1:])}"  # noqa: S608 (names only)
            f" FROM {qn(Offer._meta.db_table)} o"
            f" INNER JOIN {qn(Product._meta.db_table)} p ON {product[0]} = {product_id}"
            f"{where}"
            f" ORDER BY CASE WHEN {stock} IS NULL THEN {_ON_REQUEST}"
            f" WHEN {stock} <= 0 THEN {_OUT_OF_STOCK} ELSE {_IN_STOCK} END,"
            f" {product[1]}, {offer_id} LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, max(0, window.stop - start), start])
            return [
                ShopOffer(
                    pk,
                    product_id,
                    price,
                    stock_value,
                    bool(is_demo),
                    ShopOfferProduct(name, brand, quantity),
                )
                for pk, product_id, price, stock_value, is_demo, name, brand, quantity in (
                    cursor.fetchall()
                )
            ]


_SHOP_OFFER_FILTERS = ("territory", "shop", "is_active")
_SHOP_OFFER_FIELDS = ("id", "product", "price_cents", "stock", "is_demo")
_PRODUCT_FIELDS = ("id", "name", "brand", "quantity")


def shop_offers(shop: Shop) -> ShopOffers:
    """A shop's active offers, available ones first, then by product name (then id):
    give it to a ``Paginator``."""
    return ShopOffers(shop)


# What the product page reads of a product (its dates and source are left deferred) and
# of its category and the category's parent.
_PRODUCT_READ = (
    "id",
    "territory",
    "gtin",
    "name",
    "brand",
    "quantity",
    "category",
    "description",
    "image_url",
)
_CATEGORY_READ = ("id", "slug", "name", "name_en", "parent", "is_food", "position")


def _instance(model: type[models.Model], fields: list, values: tuple) -> models.Model:
    """A model instance of these fields only (the others deferred), as the ORM builds it."""
    values = tuple(
        bool(value) if isinstance(field, models.BooleanField) and value is not None else value
        for field, value in zip(fields, values, strict=True)
    )
    return model.from_db(connection.alias, [field.attname for field in fields], values)


def territory_product(territory: Territory, product_id: int) -> Product | None:
    """The product with its category and the category's parent loaded. One query written
    out: built by the ORM, the same read cost about 0.9 ms of CPU; this one, 0.2 ms."""
    qn = connection.ops.quote_name
    product_fields = _fields(Product, _PRODUCT_READ)
    category_fields = _fields(Category, _CATEGORY_READ)

    def columns(alias: str, fields: list) -> list[str]:
        return [f"{alias}.{qn(field.column)}" for field in fields]

    category_table = qn(Category._meta.db_table)
    product_id_column, territory_column, category_column = columns(
        "p", _fields(Product, ("id", "territory", "category"))
    )
    category_id, parent_column = columns("c", _fields(Category, ("id", "parent")))
    parent_id = columns("g", _fields(Category, ("id",)))[0]
    selected = [
        *columns("p", product_fields),
        *columns("c", category_fields),
        *columns("g", category_fields),
    ]
    # Only quoted table and column names are formatted into the SQL; values are parameters.
    sql = (
        f"SELECT {', '.join(selected)} FROM {qn(Product._meta.db_table)} p"  # noqa: S608
        f" LEFT OUTER JOIN {category_table} c ON {category_id} = {category_column}"
        f" LEFT OUTER JOIN {category_table} g ON {parent_id} = {parent_column}"
        f" WHERE {territory_column} = %s AND {product_id_column} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [territory.pk, product_id])
        row = cursor.fetchone()
    if row is None:
        return None
    ends = (len(product_fields), len(product_fields) + len(category_fields))
    product = _instance(Product, product_fields, row[: ends[0]])
    assert isinstance(product, Product)
    category_values, parent_values = row[ends[0] : ends[1]], row[ends[1] :]
    if category_values[0] is not None:
        category = _instance(Category, category_fields, category_values)
        assert isinstance(category, Category)
        if parent_values[0] is not None:
            category.parent = _instance(Category, category_fields, parent_values)  # type: ignore[assignment]
        product.category = category
    return product


@dataclass(slots=True)
class SellerOffer:
    """What the product page reads of a seller's offer (an active one: the others are
    not read)."""

    pk: int
    sku: str
    price_cents: int
    stock: int | None
    is_demo: bool
    is_active: bool = True
    # "in_stock", "low_stock"… for the JSON-LD: the model's own property.
    stock_status = Offer.stock_status


@dataclass(slots=True)
class SellerShop:
    """What the product page reads of a seller: its card, its hours, and whether it has
    an exceptional closure ending today or later (then read, for the shops shown only)."""

    pk: int
    slug: str
    name: str
    address: str
    postcode: str
    city: str
    lat: float
    lon: float
    opening_hours: str
    hours_source: str
    has_closures: bool


@dataclass
class ProductOfferRow:
    offer: SellerOffer
    shop: SellerShop
    open_state: hours.OpenState | None  # None until computed (``product_offer_states``)
    distance_km: float | None


def _availability(stock: int | None) -> int:
    if stock is None:
        return _ON_REQUEST
    return _IN_STOCK if stock > 0 else _OUT_OF_STOCK


def _sellers_sql() -> str:
    """The product page's read of its sellers, written out (the ORM's compilation alone
    cost more CPU than the database's work)."""
    qn = connection.ops.quote_name

    def columns(alias: str, model: type[models.Model], names: tuple[str, ...]) -> list[str]:
        return [f"{alias}.{_column(model, name)}" for name in names]

    closure = {name: _column(ShopClosure, name) for name in _CLOSURE_FIELDS}
    offer = dict(zip(_OFFER_FILTERS, columns("o", Offer, _OFFER_FILTERS), strict=True))
    shop_id, shop_status = columns("s", Shop, ("id", "status"))
    selected = [*columns("o", Offer, _OFFER_FIELDS), *columns("s", Shop, _SHOP_FIELDS)]
    # Only quoted table and column names are formatted into the SQL; values are parameters.
    return (
        f"SELECT {', '.join(selected)}, "  # noqa: S608
        f"EXISTS (SELECT 1 FROM {qn(ShopClosure._meta.db_table)} c"
        f" WHERE c.{closure['shop']} = {shop_id} AND c.{closure['territory']} = %s"
        f" AND c.{closure['end_date']} >= %s)"
        f" FROM {qn(Offer._meta.db_table)} o"
        f" INNER JOIN {qn(Shop._meta.db_table)} s ON {shop_id} = {offer['shop']}"
        f" WHERE {offer['territory']} = %s AND {offer['product']} = %s"
        f" AND {offer['is_active']} = %s AND {shop_status} = %s"
        f" ORDER BY {offer['id']}"
    )


_OFFER_FIELDS = ("id", "sku", "price_cents", "stock", "is_demo")
_OFFER_FILTERS = ("id", "shop", "territory", "product", "is_active")
_SHOP_FIELDS = (
    "id",
    "slug",
    "name",
    "address",
    "postcode",
    "city",
    "lat",
    "lon",
    "opening_hours",
    "hours_source",
)
_CLOSURE_FIELDS = ("shop", "territory", "end_date")


def product_offers(
    territory: Territory,
    product: Product,
    centre: Point | None = None,
    at: dt.datetime | None = None,
) -> list[ProductOfferRow]:
    """Every approved shop of the territory selling the product: in stock first, then
    price (then distance from ``centre``, then name).

    One query whatever the number of shops, which reads every column the page, its
    JSON-LD and the ready times show. A product may be sold by hundreds of shops: the rows
    are plain values (:class:`SellerOffer`, :class:`SellerShop`), not model instances, and
    their open state is left to :func:`product_offer_states`, for the rows shown. (Read
    as values first and the rows shown whole in a second query, the same cost about
    3 ms of CPU for a product of 200 sellers; this way, 1 ms.)
    """
    local_day = hours.local_now(territory.timezone, at or timezone.now()).date()
    params = [
        territory.pk,
        connection.ops.adapt_datefield_value(local_day),
        territory.pk,
        product.pk,
        True,
        ShopStatus.APPROVED.value,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_sellers_sql(), params)
        found = cursor.fetchall()
    # Columns in the order of _sellers_sql: the offer's (is_demo last), the shop's, then
    # "has closures"; the two flags are 0/1 on SQLite.
    offer_end = len(_OFFER_FIELDS)
    shop_end = offer_end + len(_SHOP_FIELDS)
    rows = []
    for row in found:
        values = list(row)
        values[offer_end - 1] = bool(values[offer_end - 1])
        values[shop_end] = bool(values[shop_end])
        shop = SellerShop(*values[offer_end : shop_end + 1])
        rows.append(
            ProductOfferRow(
                SellerOffer(*values[:offer_end]),
                shop,
                None,
                haversine_km(centre, Point(shop.lat, shop.lon)) if centre else None,
            )
        )
    rows.sort(
        key=lambda row: (
            _availability(row.offer.stock),
            row.offer.price_cents,
            row.distance_km or 0,
            row.shop.name,
        )
    )
    return rows


def product_offer_states(
    territory: Territory, rows: list[ProductOfferRow], at: dt.datetime
) -> dict[int, list[tuple[dt.date, dt.date]]]:
    """Fill the open state of ``rows`` in place. Answers their shops' exceptional
    closures from today on (shop id → ``(start, end)``), read (one query) only when
    one of them has some."""
    local_day = hours.local_now(territory.timezone, at).date()
    closed = [row.shop.pk for row in rows if row.shop.has_closures]
    closures = closures_by_shop(territory, local_day, closed) if closed else {}
    for row in rows:
        row.open_state = hours.state_at(
            row.shop.opening_hours, territory.timezone, at, closures.get(row.shop.pk)
        )
    return dict(closures)
