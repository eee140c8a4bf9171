"""Writing a demo territory: upserts keyed on natural keys, in bulk.

Shops are keyed by (territory, source, source reference), OFF products by (territory,
GTIN), vocabulary products by (territory, source "demo", name), offers by (shop,
product). A rerun on the same input therefore creates nothing and changes nothing;
a changed input updates rows in place, deletes the demo offers no longer planned and
the products nobody sells any more, and suspends shops gone from the source.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError, Q
from django.utils.text import slugify

from cabas.catalog.models import Category, Offer, Product
from cabas.search.services import search_index_rebuild
from cabas.shops.models import HoursSource, Shop, ShopStatus
from cabas.territories.models import Territory

from .assortment import OfferPlan, ProductKey, ShopSlot, assortment_plan
from .catalogue_fr import items_by_rayon
from .products import OffProduct

BATCH_SIZE = 2000
DEMO_SOURCE = "demo"
OFF_SOURCE = "off"


@dataclass(frozen=True)
class TerritorySpec:
    slug: str
    name: str
    tagline: str
    centre_lat: float
    centre_lon: float
    radius_km: float
    data_attribution: str


@dataclass(frozen=True)
class ShopDraft:
    """A shop as read from a source file, before it has a slug or an id."""

    ref: str
    name: str
    rayon: str
    lat: float
    lon: float
    source_category: str = ""
    description: str = ""
    address: str = ""
    postcode: str = ""
    city: str = ""
    phone: str = ""
    website: str = ""
    opening_hours: str = ""
    hours_source: str = HoursSource.NONE
    offers_click_collect: bool = False
    offers_delivery: bool = False
    made_locally: bool = False
    has_catalogue: bool = True


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    withdrawn: int = 0


@dataclass
class TerritoryCounts:
    shops: Tally = field(default_factory=Tally)
    products: Tally = field(default_factory=Tally)
    offers: Tally = field(default_factory=Tally)
    skipped_rows: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def unique_slug(name: str, taken: set[str]) -> str:
    """``slugify(name)``, or with "-2", "-3"… when a shop of the territory already has it."""
    base = slugify(name)[:100].strip("-") or "commerce"
    slug, suffix = base, 1
    while slug in taken:
        suffix += 1
        slug = f"{base}-{suffix}"
    return slug


def territory_upsert(spec: TerritorySpec) -> Territory:
    territory, _created = Territory.objects.update_or_create(
        slug=spec.slug,
        defaults={
            "name": spec.name,
            "tagline": spec.tagline,
            "centre_lat": spec.centre_lat,
            "centre_lon": spec.centre_lon,
            "radius_km": spec.radius_km,
            "data_attribution": spec.data_attribution,
            "is_active": True,
        },
    )
    return territory


def shops_upsert(
    *, territory: Territory, source: str, drafts: Sequence[ShopDraft], category_ids: dict[str, int]
) -> tuple[dict[str, int], Tally]:
    """Shop id per source reference; new shops get a slug unique in the territory."""
    tally = Tally()
    existing = {
        shop.source_ref: shop for shop in Shop.objects.filter(territory=territory, source=source)
    }
    taken = set(Shop.objects.filter(territory=territory).values_list("slug", flat=True))
    created: list[Shop] = []
    changed: list[Shop] = []
    changed_fields: set[str] = set()
    for draft in drafts:
        values = {
            "name": draft.name,
            "category_id": category_ids[draft.rayon],
            "source_category": draft.source_category,
            "description": draft.description,
            "address": draft.address,
            "postcode": draft.postcode,
            "city": draft.city,
            "lat": draft.lat,
            "lon": draft.lon,
            "phone": draft.phone,
            "website": draft.website,
            "opening_hours": draft.opening_hours,
            "hours_source": draft.hours_source,
            "offers_click_collect": draft.offers_click_collect,
            "offers_delivery": draft.offers_delivery,
            "made_locally": draft.made_locally,
            "status": ShopStatus.APPROVED,
        }
        shop = existing.get(draft.ref)
        if shop is None:
            slug = unique_slug(draft.name, taken)
            taken.add(slug)
            created.append(
                Shop(territory=territory, slug=slug, source=source, source_ref=draft.ref, **values)
            )
            continue
        stale = [name for name, value in values.items() if getattr(shop, name) != value]
        if stale:
            for name in stale:
                setattr(shop, name, values[name])
            changed.append(shop)
            changed_fields.update(stale)
    Shop.objects.bulk_create(created, batch_size=BATCH_SIZE)
    if changed:
        Shop.objects.bulk_update(changed, sorted(changed_fields), batch_size=BATCH_SIZE)
    # Shops gone from the source are suspended, not deleted: orders may point to them.
    refs = {draft.ref for draft in drafts}
    gone = [shop.pk for ref, shop in existing.items() if ref not in refs]
    tally.withdrawn = (
        Shop.objects.filter(pk__in=gone)
        .exclude(status=ShopStatus.SUSPENDED)
        .update(status=ShopStatus.SUSPENDED)
    )
    tally.created, tally.updated = len(created), len(changed)
    ids = dict(
        Shop.objects.filter(territory=territory, source=source).values_list("source_ref", "id")
    )
    return ids, tally


@dataclass(frozen=True)
class ProductDraft:
    key: ProductKey
    name: str
    rayon: str
    source: str
    gtin: str | None = None
    quantity: str = ""
    description: str = ""
    image_url: str = ""


def _product_key(gtin: str | None, name: str) -> ProductKey:
    return (OFF_SOURCE, gtin) if gtin else (DEMO_SOURCE, name)


def products_upsert(
    *, territory: Territory, drafts: Sequence[ProductDraft], category_ids: dict[str, int]
) -> tuple[dict[ProductKey, int], Tally]:
    """Product id per key: OFF products by GTIN, vocabulary products by name."""
    tally = Tally()
    ours = Product.objects.filter(territory=territory).filter(
        Q(gtin__isnull=False) | Q(source=DEMO_SOURCE)
    )
    existing = {_product_key(product.gtin, product.name): product for product in ours}
    created: list[Product] = []
    changed: list[Product] = []
    changed_fields: set[str] = set()
    for draft in drafts:
        values = {
            "name": draft.name,
            "quantity": draft.quantity,
            "category_id": category_ids[draft.rayon],
            "description": draft.description,
            "image_url": draft.image_url,
            "source": draft.source,
        }
        product = existing.get(draft.key)
        if product is None:
            created.append(Product(territory=territory, gtin=draft.gtin, **values))
            continue
        stale = [name for name, value in values.items() if getattr(product, name) != value]
        if stale:
            for name in stale:
                setattr(product, name, values[name])
            changed.append(product)
            changed_fields.update(stale)
    Product.objects.bulk_create(created, batch_size=BATCH_SIZE)
    if changed:
        Product.objects.bulk_update(changed, sorted(changed_fields), batch_size=BATCH_SIZE)
    tally.created, tally.updated = len(created), len(changed)
    ids = {
        _product_key(gtin, name): pk
        for pk, gtin, name in Product.objects.filter(territory=territory)
        .filter(Q(gtin__isnull=False) | Q(source=DEMO_SOURCE))
        .values_list("id", "gtin", "name")
    }
    return ids, tally


def offers_upsert(
    *,
    territory: Territory,
    source: str,
    plans: Sequence[OfferPlan],
    shop_ids: dict[str, int],
    product_ids: dict[ProductKey, int],
) -> Tally:
    """Demo offers of the source's shops as planned; merchants' own offers are left alone."""
    tally = Tally()
    existing = {
        (row[1], row[2]): row
        for row in Offer.objects.filter(territory=territory, shop__source=source).values_list(
            "id", "shop_id", "product_id", "sku", "price_cents", "stock", "is_active", "is_demo"
        )
    }
    created: list[Offer] = []
    changed: list[Offer] = []
    planned: set[tuple[int, int]] = set()
    for plan in plans:
        shop_id, product_id = shop_ids[plan.shop_ref], product_ids[plan.product]
        planned.add((shop_id, product_id))
        row = existing.get((shop_id, product_id))
        if row is None:
            created.append(
                Offer(
                    territory=territory,
                    shop_id=shop_id,
                    product_id=product_id,
                    sku=plan.sku,
                    price_cents=plan.price_cents,
                    stock=plan.stock,
                    is_active=True,
                    is_demo=True,
                )
            )
        elif row[7] and row[3:7] != (plan.sku, plan.price_cents, plan.stock, True):
            changed.append(
                Offer(
                    id=row[0],
                    sku=plan.sku,
                    price_cents=plan.price_cents,
                    stock=plan.stock,
                    is_active=True,
                )
            )
    Offer.objects.bulk_create(created, batch_size=BATCH_SIZE)
    if changed:
        Offer.objects.bulk_update(
            changed, ["sku", "price_cents", "stock", "is_active"], batch_size=BATCH_SIZE
        )
    stale = [row[0] for key, row in existing.items() if row[7] and key not in planned]
    # Order lines keep their own snapshot (the offer is SET_NULL there), so a stale demo
    # offer is deleted; one a table protects is deactivated instead.
    for start in range(0, len(stale), BATCH_SIZE):
        chunk = Offer.objects.filter(id__in=stale[start : start + BATCH_SIZE])
        try:
            with transaction.atomic():
                chunk.delete()
        except ProtectedError:
            chunk.update(is_active=False)
    tally.created, tally.updated, tally.withdrawn = len(created), len(changed), len(stale)
    return tally


def _unsold_products_delete(*, territory: Territory, keep: set[int]) -> int:
    """Delete the loader's products nobody sells any more (a changed input); returns how many."""
    unsold = (
        Product.objects.filter(territory=territory, source__in=[OFF_SOURCE, DEMO_SOURCE])
        .filter(offers__isnull=True)
        .values_list("id", flat=True)
    )
    gone = [pk for pk in unsold if pk not in keep]
    for start in range(0, len(gone), BATCH_SIZE):
        Product.objects.filter(id__in=gone[start : start + BATCH_SIZE]).delete()
    return len(gone)


def territory_populate(
    *,
    spec: TerritorySpec,
    source: str,
    drafts: Sequence[ShopDraft],
    off_products: Sequence[OffProduct],
    cover_all: bool,
) -> TerritoryCounts:
    """Upsert a territory, its shops, the products they sell and their demo offers, then
    rebuild its search index.

    With ``cover_all`` every OFF product becomes a product of the territory, sold by at
    least one shop; otherwise only the products some shop sells are created.
    """
    counts = TerritoryCounts()
    territory = territory_upsert(spec)
    category_ids = dict(Category.objects.values_list("slug", "id"))
    shop_ids, counts.shops = shops_upsert(
        territory=territory, source=source, drafts=drafts, category_ids=category_ids
    )
    slots = [ShopSlot(draft.ref, draft.rayon, draft.has_catalogue) for draft in drafts]
    plans = assortment_plan(slots, off_products, cover_all=cover_all, seed=spec.slug)
    sold = {plan.product for plan in plans}
    vocabulary = {item.name: item for items in items_by_rayon().values() for item in items}
    product_drafts = [
        ProductDraft(
            key=(OFF_SOURCE, product.gtin),
            gtin=product.gtin,
            name=product.name,
            rayon=product.rayon,
            source=OFF_SOURCE,
            quantity=product.quantity,
            description=product.description,
            image_url=product.image_url,
        )
        for product in off_products
        if cover_all or (OFF_SOURCE, product.gtin) in sold
    ]
    product_drafts.extend(
        ProductDraft(key=key, name=key[1], rayon=vocabulary[key[1]].rayon, source=DEMO_SOURCE)
        for key in sorted(sold)
        if key[0] == DEMO_SOURCE
    )
    product_ids, counts.products = products_upsert(
        territory=territory, drafts=product_drafts, category_ids=category_ids
    )
    counts.offers = offers_upsert(
        territory=territory,
        source=source,
        plans=plans,
        shop_ids=shop_ids,
        product_ids=product_ids,
    )
    counts.products.withdrawn = _unsold_products_delete(
        territory=territory, keep={product_ids[draft.key] for draft in product_drafts}
    )
    # Bulk writes bypass the per-row index calls: rebuild the territory's search index in
    # the same transaction, so the catalogue and its index commit together.
    search_index_rebuild(territory=territory)
    return counts
