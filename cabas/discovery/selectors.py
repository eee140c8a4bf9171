"""Reads for search engines: the URLs of the sitemap and the local inventory rows.

Both stream: they read ordered batches by primary key, so a territory of a million
offers is served in constant memory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from cabas.catalog.models import Offer, Product
from cabas.shops.models import Shop, ShopStatus
from cabas.territories.models import Territory

SITEMAP_PAGE_SIZE = 10_000
BATCH = 2_000
# The fixed pages of a territory listed before its shops and products.
FIXED_PAGES = 3


@dataclass(frozen=True)
class SitemapEntry:
    kind: str  # territory, shop_list, plan, shop, product
    key: str  # a shop slug or a product id
    updated_at: dt.datetime | None


def _shops(territory: Territory):
    return Shop.objects.filter(territory=territory, status=ShopStatus.APPROVED)


def _products(territory: Territory):
    on_sale = Offer.objects.filter(
        product=OuterRef("pk"), is_active=True, shop__status=ShopStatus.APPROVED
    )
    return Product.objects.filter(territory=territory).filter(Exists(on_sale))


def sitemap_page_count(territory: Territory) -> int:
    total = FIXED_PAGES + _shops(territory).count() + _products(territory).count()
    return max(1, -(-total // SITEMAP_PAGE_SIZE))


def _batched(queryset, fields: tuple[str, ...], start: int, stop: int) -> Iterator[tuple]:
    """Rows ``start…stop`` of ``queryset`` by primary key, read in keyset batches."""
    if stop <= start:
        return
    rows = queryset.order_by("pk").values_list("pk", *fields)
    skipped = rows[start : start + 1]
    first = next(iter(skipped), None)
    if first is None:
        return
    last_pk = first[0] - 1
    left = stop - start
    while left > 0:
        batch = list(rows.filter(pk__gt=last_pk)[: min(BATCH, left)])
        if not batch:
            return
        yield from batch
        left -= len(batch)
        last_pk = batch[-1][0]


def sitemap_entries(territory: Territory, page: int) -> Iterator[SitemapEntry]:
    """The entries of page ``page`` (1-based): the territory's fixed pages, then its
    approved shops, then its products on sale."""
    start = (page - 1) * SITEMAP_PAGE_SIZE
    stop = start + SITEMAP_PAGE_SIZE
    fixed = [
        SitemapEntry("territory", "", None),
        SitemapEntry("shop_list", "", None),
        SitemapEntry("plan", "", None),
    ]
    yield from fixed[start:stop]
    offset = FIXED_PAGES
    shop_count = _shops(territory).count()
    for _pk, slug, updated in _batched(
        _shops(territory), ("slug", "updated_at"), max(0, start - offset), stop - offset
    ):
        yield SitemapEntry("shop", slug, updated)
    offset += shop_count
    for pk, updated in _batched(
        _products(territory), ("updated_at",), max(0, start - offset), stop - offset
    ):
        yield SitemapEntry("product", str(pk), updated)


@dataclass(frozen=True)
class InventoryRow:
    store_code: str
    item_id: str
    gtin: str
    price_cents: int
    stock: int | None
    pickup: bool


def inventory_rows(territory: Territory) -> Iterator[InventoryRow]:
    """Every active offer of the territory's approved shops, shop by shop (by id), each
    shop's offers by SKU: one query per shop on its (shop, sku) index, so the feed streams
    without sorting the territory's offers."""
    shops = list(
        Shop.objects.filter(territory=territory, status=ShopStatus.APPROVED)
        .order_by("pk")
        .values_list("pk", "slug", "offers_click_collect")
    )
    for shop_id, slug, pickup in shops:
        offers = (
            Offer.objects.filter(territory=territory, shop_id=shop_id, is_active=True)
            .order_by("sku")
            .values_list("product_id", "product__gtin", "price_cents", "stock")
        )
        for product_id, gtin, price, stock in offers.iterator(chunk_size=BATCH):
            yield InventoryRow(slug, str(product_id), gtin or "", price, stock, pickup)
