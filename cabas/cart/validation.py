"""Checks shared by the cart and the checkout: quantities and offers a shopper may buy.

Each failure names the line it concerns and says, in French, what to do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Field, Model
from django.utils.translation import gettext as _

from cabas.catalog.models import Offer, Product
from cabas.fulfilment.models import ShopFulfilment
from cabas.fulfilment.selectors import ShopFacts, shop_facts, shop_facts_annotations
from cabas.shops.models import Shop, ShopStatus
from cabas.territories.models import Territory

from .errors import CartError
from .models import MAX_LINE_QUANTITY


def parse_quantity(value: Any, *, offer_id: Any = None) -> int:
    """An integer from 1 to MAX_LINE_QUANTITY, from an int or a string of digits."""
    details = {"offer_id": offer_id, "quantity": value if _is_plain(value) else str(value)}
    if isinstance(value, bool) or value is None:
        raise CartError("quantity_not_a_number", _("La quantité doit être un nombre."), details)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        text = value.strip()
        if text.lstrip("+-").isdigit() and len(text) < 20:
            value = int(text)
    if not isinstance(value, int):
        raise CartError(
            "quantity_not_a_number", _("La quantité doit être un nombre entier."), details
        )
    if value <= 0:
        raise CartError("quantity_not_positive", _("La quantité doit être d'au moins 1."), details)
    if value > MAX_LINE_QUANTITY:
        raise CartError(
            "quantity_too_large",
            _("La quantité est limitée à %(max)d par article.") % {"max": MAX_LINE_QUANTITY},
            details,
        )
    return value


def _is_plain(value: Any) -> bool:
    return value is None or isinstance(value, bool | int | float | str)


def parse_offer_id(value: Any) -> int:
    if isinstance(value, bool):
        value = None
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 19:
        value = int(value.strip())
    if not isinstance(value, int) or value <= 0 or value >= 2**63:
        raise CartError(
            "offer_not_found",
            _("Cet article n'existe pas."),
            {"offer_id": value if _is_plain(value) else str(value)},
            status=404,
        )
    return value


def offers_by_id(
    offer_ids: Iterable[int], *, fulfilment_at: dt.datetime | None = None, lock: bool = False
) -> dict[int, Offer]:
    """The offers with their shop, territory and product, in one query.

    With ``fulfilment_at`` (the moment the slots are worked out for), the same query
    also reads what the fulfilment of their shops needs (:func:`offers_shop_facts`).
    With ``lock`` the offers are locked as they are read, as :func:`lock_offers` locks
    them (``FOR UPDATE`` of the offers alone, in primary-key order; inside
    ``transaction.atomic``).

    Written out by hand and loaded as the ORM loads a ``select_related`` (the same
    instances, related objects cached, the database's values converted): built by
    the ORM, the query (five models, their 95 columns, the fulfilment facts) cost
    about 1.5 ms of CPU to compile and load, a third of a cart add.
    """
    ids = sorted(set(offer_ids))
    if not ids:
        return {}
    with_facts = fulfilment_at is not None
    read = _offers_read(with_facts)
    sql, params = read.sql, list[Any]()
    facts_names: list[str] = []
    if fulfilment_at is not None:
        annotations = shop_facts_annotations(read.shop_column, now=fulfilment_at)
        facts_sql = []
        for name, expression in annotations.items():
            part, part_params = expression.as_sql(None, connection)  # type: ignore[arg-type]
            facts_sql.append(f"{part} AS {connection.ops.quote_name(name)}")
            params.extend(part_params)
        sql = sql.replace(_FACTS_MARK, ", " + ", ".join(facts_sql))
        facts_names = list(annotations)
    sql += f" WHERE {read.offer_id} IN ({', '.join(['%s'] * len(ids))}) ORDER BY {read.offer_id}"
    params.extend(ids)
    if lock and connection.features.has_select_for_update:
        sql += " " + connection.ops.for_update_sql(of=("o",) if read.lock_of else ())
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    territories: dict[int, Territory] = {}
    offers: dict[int, Offer] = {}
    for row in rows:
        parts = {columns.model: row[start:end] for columns, start, end in read.parts}
        offer = read.columns[Offer].load(parts[Offer])
        shop = read.columns[Shop].load(parts[Shop])
        territory = territories.get(parts[Territory][0])
        if territory is None:
            territory = territories[parts[Territory][0]] = read.columns[Territory].load(
                parts[Territory]
            )
        _SHOP.set_cached_value(offer, shop)
        _PRODUCT.set_cached_value(offer, read.columns[Product].load(parts[Product]))
        _TERRITORY.set_cached_value(shop, territory)
        if with_facts:
            settings = None
            if parts[ShopFulfilment][0] is not None:  # a saved settings row was joined
                settings = read.columns[ShopFulfilment].load(parts[ShopFulfilment])
                _SETTINGS_SHOP.set_cached_value(settings, shop)
            _SETTINGS_SHOP.remote_field.set_cached_value(shop, settings)
            for name, value in zip(facts_names, row[read.width :], strict=True):
                setattr(offer, name, value)
        offers[offer.pk] = offer
    return offers


_FACTS_MARK = "/* facts */"
_SHOP = Offer._meta.get_field("shop")
_PRODUCT = Offer._meta.get_field("product")
_TERRITORY = Shop._meta.get_field("territory")
_SETTINGS_SHOP = ShopFulfilment._meta.get_field("shop")


@dataclass(frozen=True)
class ModelColumns:
    """A model's concrete columns selected under a table alias, and how to load a row
    of them as the ORM does (the database's values converted, then ``from_db``)."""

    model: Any  # a model class
    selected: list[str]  # alias.column
    names: list[str]  # the fields' attnames
    converters: list[tuple[int, list[tuple[Any, Any]]]]  # index, [(converter, column)]

    @classmethod
    def of(cls, model: type[Model], alias: str) -> ModelColumns:
        qn = connection.ops.quote_name
        fields = list(model._meta.concrete_fields)
        converters = []
        for i, field in enumerate(fields):
            column = field.get_col(alias)
            found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if found:
                converters.append((i, [(converter, column) for converter in found]))
        return cls(
            model=model,
            selected=[f"{alias}.{qn(field.column)}" for field in fields],
            names=[field.attname for field in fields],
            converters=converters,
        )

    def load(self, values: Sequence[Any]) -> Any:
        converted = list(values)
        for i, column_converters in self.converters:
            for converter, column in column_converters:
                converted[i] = converter(converted[i], column, connection)
        return self.model.from_db(connection.alias, self.names, converted)


@dataclass(frozen=True)
class _OffersRead:
    sql: str  # SELECT … FROM … JOIN …, the facts' place marked
    offer_id: str
    shop_column: str
    lock_of: bool
    width: int  # columns before the facts
    columns: dict[type[Model], ModelColumns]
    parts: list[tuple[ModelColumns, int, int]]  # each model's first and past-last column


_READS: dict[tuple[str, bool], _OffersRead] = {}


def _offers_read(with_facts: bool) -> _OffersRead:
    """The SQL of :func:`offers_by_id` and how to load its rows, built once."""
    key = (connection.vendor, with_facts)
    if key not in _READS:
        _READS[key] = _build_offers_read(with_facts)
    return _READS[key]


def _build_offers_read(with_facts: bool) -> _OffersRead:
    qn = connection.ops.quote_name
    aliases: list[tuple[type[Model], str]] = [
        (Offer, "o"),
        (Shop, "s"),
        (Territory, "t"),
        (Product, "p"),
    ]
    if with_facts:
        aliases.append((ShopFulfilment, "f"))
    selected: list[str] = []
    columns: dict[type[Model], ModelColumns] = {}
    parts = []
    for model, alias in aliases:
        columns[model] = ModelColumns.of(model, alias)
        start = len(selected)
        selected.extend(columns[model].selected)
        parts.append((columns[model], start, len(selected)))

    def col(alias: str, model: type[Model], name: str) -> str:
        field = model._meta.get_field(name)
        assert isinstance(field, Field)
        return f"{alias}.{qn(field.column)}"

    joins = (
        f" FROM {qn(Offer._meta.db_table)} o"
        f" INNER JOIN {qn(Shop._meta.db_table)} s"
        f" ON {col('s', Shop, 'id')} = {col('o', Offer, 'shop')}"
        f" INNER JOIN {qn(Territory._meta.db_table)} t"
        f" ON {col('t', Territory, 'id')} = {col('s', Shop, 'territory')}"
        f" INNER JOIN {qn(Product._meta.db_table)} p"
        f" ON {col('p', Product, 'id')} = {col('o', Offer, 'product')}"
    )
    if with_facts:
        joins += (
            f" LEFT OUTER JOIN {qn(ShopFulfilment._meta.db_table)} f"
            f" ON {col('f', ShopFulfilment, 'shop')} = {col('s', Shop, 'id')}"
        )
    # Only quoted table and column names go into the SQL; values are parameters.
    sql = f"SELECT {', '.join(selected)}{_FACTS_MARK if with_facts else ''}{joins}"
    return _OffersRead(
        sql=sql,
        offer_id=col("o", Offer, "id"),
        shop_column=col("o", Offer, "shop"),
        lock_of=connection.features.has_select_for_update_of,
        width=len(selected),
        columns=columns,
        parts=parts,
    )


def offers_shop_facts(offers: Iterable[Offer]) -> dict[int, ShopFacts]:
    """Shop id → its fulfilment facts, from offers read with ``fulfilment_at``."""
    return {offer.shop_id: shop_facts(offer, offer.shop) for offer in offers}


def check_buyable(
    offers: dict[int, Offer], offer_ids: Iterable[int], *, territory_id: int | None
) -> int:
    """Raise unless every offer exists, is on sale and belongs to one territory; return it."""
    territory = territory_id
    for offer_id in offer_ids:
        offer = offers.get(offer_id)
        if offer is None:
            raise CartError(
                "offer_not_found",
                _("Cet article n'existe pas ou plus."),
                {"offer_id": offer_id},
                status=404,
            )
        name = offer.product.name
        if offer.shop.status != ShopStatus.APPROVED or not offer.shop.territory.is_active:
            raise CartError(
                "shop_unavailable",
                _("%(shop)s ne prend pas de commandes en ce moment.") % {"shop": offer.shop.name},
                {"offer_id": offer_id, "shop": offer.shop.slug},
            )
        if not offer.is_active:
            raise CartError(
                "offer_unavailable",
                _("« %(name)s » n'est plus en vente.") % {"name": name},
                {"offer_id": offer_id},
            )
        if territory is None:
            territory = offer.territory_id
        elif offer.territory_id != territory:
            raise CartError(
                "other_territory",
                _(
                    "« %(name)s » est vendu dans un autre territoire que les articles de "
                    "votre panier : un panier ne réunit que les commerces d'une même ville."
                )
                % {"name": name},
                {"offer_id": offer_id},
            )
    if territory is None:
        raise CartError("cart_empty", _("Votre panier est vide."))
    return territory
