"""Writing a validated import: products, offers and stock, in the caller's transaction.

A constant number of statements per 500 lines, whatever the file: bulk inserts and
updates for products and offers; stock goes through ``cabas.catalog.stock`` — one
bulk ``stock_restore`` for units added to tracked offers, ``stock_set`` for the few
lines that lower a stock or start/stop tracking it — so every change is a
StockMovement with reason ``import``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Field
from django.utils import timezone

from cabas.catalog.locks import lock_offers
from cabas.catalog.models import Offer, Product, StockMovement
from cabas.catalog.stock import stock_restore, stock_set
from cabas.shops.models import Shop

from ..services import offers_start_tracking
from .validation import ImportRow, Validation

BATCH = 500
# The only columns an import writes in bulk (names from this module, never from input).
BULK_COLUMNS = frozenset(
    {"sku", "price_cents", "is_active", "name", "brand", "quantity", "description"}
)


@dataclass(frozen=True)
class ApplySummary:
    created: int
    updated: int
    unchanged: int
    deactivated: int
    offer_ids_changed: list[int]
    product_ids_changed: list[int]


def _chunks(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _new_product(shop: Shop, row: ImportRow, own_source: str) -> Product:
    reference = row.reference
    return Product(
        territory_id=shop.territory_id,
        gtin=row.gtin,
        name=row.name or (reference.name if reference else ""),
        brand=row.brand or (reference.brand if reference else ""),
        quantity=row.quantity or (reference.quantity if reference else ""),
        description=row.description,
        image_url=reference.image_url if reference else "",
        source="openfoodfacts" if reference else own_source,
        category_id=shop.category_id if shop.category and shop.category.parent_id else None,
    )


def _create_products(shop: Shop, rows: list[ImportRow], own_source: str) -> None:
    """Give every new line a product id: the territory's, or one created now."""
    with_gtin = [row for row in rows if row.product_id is None and row.gtin]
    without_gtin = [row for row in rows if row.product_id is None and not row.gtin]
    for chunk in _chunks(without_gtin):
        created = Product.objects.bulk_create(
            [_new_product(shop, row, own_source) for row in chunk]
        )
        for row, product in zip(chunk, created, strict=True):
            row.product_id = product.pk
    for chunk in _chunks(with_gtin):
        # Another shop may create the same barcode meanwhile: keep its product.
        Product.objects.bulk_create(
            [_new_product(shop, row, own_source) for row in chunk], ignore_conflicts=True
        )
        ids = dict(
            Product.objects.filter(
                territory_id=shop.territory_id, gtin__in=[row.gtin for row in chunk]
            ).values_list("gtin", "id")
        )
        for row in chunk:
            row.product_id = ids[row.gtin]


def import_apply(
    *,
    shop: Shop,
    validation: Validation,
    deactivate_missing: bool,
    actor_id: int | None,
    reference: str,
    reason: str = StockMovement.Reason.IMPORT,
) -> ApplySummary:
    """Write the lines of a valid import. Must run inside ``transaction.atomic``."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("An import is applied inside transaction.atomic().")
    if not validation.ok:
        raise ValueError("Only a valid import can be applied.")
    own_source = f"shop:{shop.pk}"
    now = timezone.now()
    new_rows = [row for row in validation.rows if row.existing is None]
    old_rows = [row for row in validation.rows if row.existing is not None]
    locked: dict[int, Offer] = {}
    for chunk in _chunks([row.existing.id for row in old_rows if row.existing]):
        locked.update((offer.pk, offer) for offer in lock_offers(chunk))

    _create_products(shop, new_rows, own_source)
    new_offers: list[tuple[ImportRow, Offer]] = []
    for chunk in _chunks(new_rows):
        created = Offer.objects.bulk_create(
            [
                Offer(
                    territory_id=shop.territory_id,
                    shop=shop,
                    product_id=row.product_id,
                    sku=row.sku,
                    price_cents=row.price_cents,
                    stock=0 if row.stock is not None else None,
                    is_active=True if row.active is None else row.active,
                )
                for row in chunk
            ]
        )
        new_offers.extend(zip(chunk, created, strict=True))

    offer_updates: list[tuple[Offer, list[str]]] = []
    product_updates: list[Product] = []
    changed_offer_ids: list[int] = [offer.pk for _row, offer in new_offers]
    changed_product_ids: list[int] = []
    updated = unchanged = 0
    own_products: dict[int, Product] = {}
    own_ids = [
        row.existing.product_id
        for row in old_rows
        if row.existing is not None and row.existing.product_source == own_source
    ]
    for chunk in _chunks(own_ids):
        own_products.update(Product.objects.in_bulk(chunk))
    additions: dict[int, int] = {offer.pk: row.stock for row, offer in new_offers if row.stock}
    exact: list[tuple[int, int | None]] = []
    start_tracking: list[int] = []
    for row in old_rows:
        assert row.existing is not None
        offer = locked.get(row.existing.id)
        if offer is None:  # deleted since validation: nothing to update
            continue
        fields = _offer_changes(offer, row)
        if "is_active" in fields:
            changed_offer_ids.append(offer.pk)
        if fields:
            offer_updates.append((offer, fields))
        product = own_products.get(row.existing.product_id)
        renamed = _product_changes(row, product)
        if renamed and product is not None:
            product_updates.append(product)
            changed_product_ids.append(product.pk)
        stock_changes = row.stock_given and row.stock != offer.stock
        if stock_changes:
            if row.stock is not None and offer.stock is None:
                start_tracking.append(offer.pk)
                if row.stock:
                    additions[offer.pk] = row.stock
            elif offer.stock is not None and row.stock is not None and row.stock > offer.stock:
                additions[offer.pk] = row.stock - offer.stock
            else:
                exact.append((offer.pk, row.stock))
        if fields or renamed or stock_changes:
            updated += 1
        else:
            unchanged += 1

    _bulk_set(Offer, [offer for offer, _fields in offer_updates], now)
    _bulk_set(Product, product_updates, now)
    offers_start_tracking(shop=shop, offer_ids=start_tracking)
    for chunk in _chunks(sorted(additions.items())):
        stock_restore(
            quantities=dict(chunk),
            reference=reference,
            reason=reason,
            actor_id=actor_id,
        )
    for offer_id, quantity in exact:
        stock_set(
            offer_id=offer_id,
            quantity=quantity,
            reason=reason,
            reference=reference,
            actor_id=actor_id,
        )

    deactivated = 0
    if deactivate_missing:
        kept = {offer.pk for _row, offer in new_offers} | set(locked)
        missing = [
            pk
            for pk in Offer.objects.filter(
                territory_id=shop.territory_id, shop=shop, is_active=True
            ).values_list("pk", flat=True)
            if pk not in kept
        ]
        for chunk in _chunks(missing):
            deactivated += Offer.objects.filter(pk__in=chunk, shop=shop).update(
                is_active=False, updated_at=now
            )
        changed_offer_ids.extend(missing)
    return ApplySummary(
        created=len(new_offers),
        updated=updated,
        unchanged=unchanged,
        deactivated=deactivated,
        offer_ids_changed=changed_offer_ids,
        product_ids_changed=changed_product_ids,
    )


def _bulk_set(model: type[Offer] | type[Product], rows: list, now: dt.datetime) -> None:
    """Write each row's changed columns (``row._changed``), one statement per column and
    500 rows, plus one for ``updated_at``.

    ``UPDATE … FROM (VALUES …)`` (PostgreSQL, SQLite ≥ 3.33) instead of Django's
    ``bulk_update``, whose ``CASE WHEN`` per row and field costs seconds at 10,000 rows.
    """
    by_field: dict[str, list[tuple[int, object]]] = {}
    for row in rows:
        for name in row._changed:
            by_field.setdefault(name, []).append((row.pk, getattr(row, name)))
    table = connection.ops.quote_name(model._meta.db_table)
    for name, pairs in sorted(by_field.items()):
        field = model._meta.get_field(name)
        assert isinstance(field, Field) and name in BULK_COLUMNS
        column = connection.ops.quote_name(field.column)
        for chunk in _chunks(pairs):
            values = ", ".join(["(%s, %s)"] * len(chunk))
            params = [item for pair in chunk for item in pair]
            with connection.cursor() as cursor:
                cursor.execute(
                    f"WITH v(id, value) AS (VALUES {values}) "  # noqa: S608 (quoted names)
                    f"UPDATE {table} SET {column} = v.value FROM v WHERE {table}.id = v.id",
                    params,
                )
    for chunk in _chunks([row.pk for row in rows]):
        model.objects.filter(pk__in=chunk).update(updated_at=now)


def _offer_changes(offer: Offer, row: ImportRow) -> list[str]:
    fields = []
    if row.sku and row.sku != offer.sku:
        offer.sku = row.sku
        fields.append("sku")
    if row.price_cents is not None and row.price_cents != offer.price_cents:
        offer.price_cents = row.price_cents
        fields.append("price_cents")
    if row.active is not None and row.active != offer.is_active:
        offer.is_active = row.active
        fields.append("is_active")
    offer._changed = fields  # type: ignore[attr-defined]
    return fields


def _product_changes(row: ImportRow, product: Product | None) -> bool:
    """Apply the file's name, brand… to the shop's own product; True when it changed.

    Shared references (a barcode other shops sell) are left alone: ``product`` is None.
    """
    if product is None:
        return False
    wanted = {
        "name": row.name or product.name,
        "brand": row.brand or product.brand,
        "quantity": row.quantity or product.quantity,
        "description": row.description or product.description,
    }
    changed = [name for name, value in wanted.items() if getattr(product, name) != value]
    for name in changed:
        setattr(product, name, wanted[name])
    product._changed = changed  # type: ignore[attr-defined]
    return bool(changed)
