"""``generate_territory``: a synthetic territory of any size, for benchmarks.

Everything comes from one ``random.Random`` per purpose, seeded with the territory
slug and the seed, so the same arguments always give the same rows. Product names are
the real Open Food Facts names and the French vocabulary of ``catalogue_fr``, with
variants (organic, family pack, colour, size…) when a rayon needs more distinct
products than it has names. GTINs are in the GS1 "restricted circulation" range (2…),
which no real product carries. Rows are written with ``bulk_create`` in large batches,
offers streamed shop by shop so a million of them never sit in memory at once.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from django.db import connection, models, transaction
from django.db.models import Model, ProtectedError
from django.utils.text import slugify

from cabas.catalog.models import Category, Offer, Product
from cabas.catalog.services import taxonomy_sync
from cabas.geo.distance import Point, bounding_box, haversine_km
from cabas.geo.models import PostalCode
from cabas.search.services import search_index_rebuild
from cabas.shops.models import HoursSource, Shop, ShopStatus
from cabas.territories.models import Territory

from .assortment import GENERALISTS, OFF_RAYONS, demo_stock
from .catalogue_fr import items_by_rayon
from .grenoble import commune_name
from .models import DemoDataset
from .opening import demo_opening_hours
from .products import OFF_FILE, OFF_PRICE_RANGES, read_off_products, reference_cents, retail_cents
from .synthetic_vocabulary import (
    FOOD_VARIANTS,
    GOODS_VARIANTS,
    PLACES,
    RAYON_WEIGHTS,
    SHOP_WORDS,
    STREETS,
)

SOURCE = "synthetic"
# Bump when the same arguments should give different rows.
GENERATOR_VERSION = "2"
OFFER_BATCH = 10_000
PRODUCT_BATCH = 5_000


@dataclass(frozen=True)
class SyntheticSpec:
    slug: str
    shops: int
    offers_per_shop: int
    seed: int
    centre: Point
    radius_km: float
    name: str = ""

    def fingerprint(self) -> str:
        return hashlib.sha256(f"{GENERATOR_VERSION}:{self!r}".encode()).hexdigest()


@dataclass
class GenerateCounts:
    shops: int = 0
    products: int = 0
    offers: int = 0
    short_shops: int = 0  # shops whose rayon had fewer distinct products than asked
    replaced: bool = False
    skipped: bool = False


class TerritoryExists(Exception):
    """The slug is taken and the caller did not ask to replace it (or may not)."""


@dataclass(frozen=True)
class PoolProduct:
    id: int
    gtin: str
    price_cents: int


@dataclass(frozen=True)
class BaseName:
    name: str
    image_url: str
    low: int
    high: int


def _gtin(seed: int, index: int) -> str:
    """EAN-13 in the restricted-circulation range (prefix 2), with its check digit."""
    body = f"2{seed % 100:02d}{index:09d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def _base_names(data_dir: Path) -> dict[str, list[BaseName]]:
    """Per rayon: its vocabulary items, then the real OFF names (food rayons)."""
    bases: dict[str, list[BaseName]] = {rayon: [] for rayon in RAYON_WEIGHTS}
    for rayon, items in items_by_rayon().items():
        if rayon in bases:
            bases[rayon].extend(BaseName(i.name, "", i.low_cents, i.high_cents) for i in items)
    for product in read_off_products(data_dir / OFF_FILE):
        low, high = OFF_PRICE_RANGES[product.rayon]
        base = BaseName(product.name, product.image_url, low, high)
        bases[product.rayon].append(base)
        for generalist in GENERALISTS:
            if product.rayon != generalist:
                bases[generalist].append(base)
    return bases


def _variant_name(base: str, variants: tuple[tuple[str, ...], ...], index: int) -> str:
    first, second = variants[0][index % 10], variants[1][index // 10]
    suffix = ", ".join(part for part in (first, second) if part)
    return f"{base} – {suffix}"[:200] if suffix else base[:200]


def _postcodes_near(centre: Point, radius_km: float) -> list[PostalCode]:
    min_lat, max_lat, min_lon, max_lon = bounding_box(centre, radius_km + 5)
    return list(
        PostalCode.objects.filter(
            lat__range=(min_lat, max_lat), lon__range=(min_lon, max_lon)
        ).order_by("code", "insee_code", "locality")
    )


def _territory_rows_delete(model: type[Model], territory: Territory) -> None:
    """Delete a territory's rows of a large table without loading them into memory.

    Django's collector would fetch a million offers to cascade; here each relation to
    the table is applied as declared (cascade, set null, or refuse with ProtectedError)
    with one query per relation, then the rows go in one DELETE.
    """
    rows = model._base_manager.filter(territory=territory)
    for relation in model._meta.related_objects:
        if relation.many_to_many:
            continue
        field = relation.field
        dependent_model = cast(type[Model], relation.related_model)
        dependents = dependent_model._base_manager.filter(
            **{f"{field.name}__in": rows.values("pk")}
        )
        on_delete = field.remote_field.on_delete
        if on_delete is models.CASCADE:
            dependents.delete()
        elif on_delete is models.SET_NULL:
            dependents.update(**{field.name: None})
        elif on_delete is not models.DO_NOTHING and dependents.exists():
            raise ProtectedError(f"{dependent_model.__name__} references them", set())
    # Identifiers come from the model's metadata, quoted; the only value is a parameter.
    table, column = (
        connection.ops.quote_name(name) for name in (model._meta.db_table, "territory_id")
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {column} = %s", [territory.pk])  # noqa: S608


def _replace_or_refuse(spec: SyntheticSpec, replace: bool, counts: GenerateCounts) -> bool:
    """True when the territory already holds exactly this generation (nothing to do)."""
    territory = Territory.objects.filter(slug=spec.slug).first()
    if territory is None:
        return False
    record = DemoDataset.objects.filter(key=f"synthetic-{spec.slug}").first()
    if record is None and Shop.objects.filter(territory=territory).exists():
        raise TerritoryExists(
            f"Le territoire « {spec.slug} » existe et n'a pas été créé par generate_territory : "
            "il ne sera pas remplacé."
        )
    if record is not None and record.fingerprint == spec.fingerprint():
        return True
    if not replace:
        raise TerritoryExists(
            f"Le territoire « {spec.slug} » existe déjà : relancez avec --replace pour le "
            "remplacer."
        )
    try:
        _territory_rows_delete(Offer, territory)
        _territory_rows_delete(Product, territory)
        Shop.objects.filter(territory=territory).delete()
        territory.delete()
    except ProtectedError:
        raise TerritoryExists(
            f"Le territoire « {spec.slug} » a des commandes : il ne sera pas remplacé."
        ) from None
    counts.replaced = True
    return False


def territory_generate(
    *,
    spec: SyntheticSpec,
    data_dir: Path,
    replace: bool = False,
    progress: Callable[[Iterable[int]], Iterable[int]] | None = None,
) -> GenerateCounts:
    """Create the synthetic territory ``spec`` in one transaction; deterministic.

    Raises TerritoryExists when the slug is taken and ``replace`` is false (an identical
    earlier generation is not an error: nothing is written).
    """
    counts = GenerateCounts()
    bases = _base_names(data_dir)
    with transaction.atomic():
        if _replace_or_refuse(spec, replace, counts):
            counts.skipped = True
            return counts
        territory = Territory.objects.create(
            slug=spec.slug,
            name=spec.name or f"Territoire synthétique {spec.slug}",
            tagline="Territoire synthétique pour les mesures de performance",
            centre_lat=spec.centre.lat,
            centre_lon=spec.centre.lon,
            radius_km=spec.radius_km,
            data_attribution=("Données synthétiques · Noms de produits : Open Food Facts (ODbL)"),
        )
        taxonomy_sync()
        category_ids = dict(Category.objects.values_list("slug", "id"))
        shops = _shops_create(spec, territory, category_ids)
        pools = _products_create(spec, territory, category_ids, bases, shops)
        counts.shops = len(shops)
        counts.products = sum(len(pool) for pool in pools.values())
        counts.offers, counts.short_shops = _offers_create(spec, territory, shops, pools, progress)
        search_index_rebuild(territory=territory)
        DemoDataset.objects.update_or_create(
            key=f"synthetic-{spec.slug}",
            defaults={
                "territory": territory,
                "fingerprint": spec.fingerprint(),
                "counts": {
                    "shops": counts.shops,
                    "products": counts.products,
                    "offers": counts.offers,
                },
            },
        )
    return counts


def _shops_create(
    spec: SyntheticSpec, territory: Territory, category_ids: dict[str, int]
) -> list[tuple[int, str]]:
    """(shop id, rayon) of every new shop, in creation order."""
    rng = random.Random(f"{spec.slug}:{spec.seed}:shops")
    rayons, weights = list(RAYON_WEIGHTS), list(RAYON_WEIGHTS.values())
    postcodes = _postcodes_near(spec.centre, spec.radius_km)
    taken: set[str] = set()
    rows: list[Shop] = []
    shop_rayons: list[str] = []
    for index in range(spec.shops):
        rayon = rng.choices(rayons, weights)[0]
        shop_rayons.append(rayon)
        name = f"{SHOP_WORDS[rayon]} {rng.choice(PLACES)}"
        base = slugify(name) or "commerce"
        slug, suffix = base, 1
        while slug in taken:
            suffix += 1
            slug = f"{base}-{suffix}"
        taken.add(slug)
        # Uniform over the disc: the radius goes with the square root of the draw.
        distance = spec.radius_km * math.sqrt(rng.random())
        bearing = rng.uniform(0, 2 * math.pi)
        lat = spec.centre.lat + math.degrees(distance * math.cos(bearing) / 6371.0088)
        lon = spec.centre.lon + math.degrees(
            distance * math.sin(bearing) / (6371.0088 * math.cos(math.radians(spec.centre.lat)))
        )
        point = Point(lat, lon)
        nearest = min(
            postcodes, key=lambda row: haversine_km(point, Point(row.lat, row.lon)), default=None
        )
        rows.append(
            Shop(
                territory=territory,
                slug=slug,
                name=name,
                category_id=category_ids[rayon],
                address=f"{rng.randint(1, 150)} {rng.choice(STREETS)}",
                postcode=nearest.code if nearest else "",
                city=commune_name(nearest.commune) if nearest else territory.name,
                lat=round(lat, 6),
                lon=round(lon, 6),
                opening_hours=demo_opening_hours(rayon, f"{spec.slug}:{spec.seed}:{index}"),
                hours_source=HoursSource.DEMO,
                offers_click_collect=True,
                offers_delivery=rng.random() < 0.4,
                accepts_vouchers=rng.random() < 0.3,
                status=ShopStatus.APPROVED,
                source=SOURCE,
                source_ref=f"S{index + 1:06d}",
            )
        )
    Shop.objects.bulk_create(rows, batch_size=2000)
    ids = dict(Shop.objects.filter(territory=territory).values_list("source_ref", "id"))
    return [(ids[row.source_ref], rayon) for row, rayon in zip(rows, shop_rayons, strict=True)]


def _products_create(
    spec: SyntheticSpec,
    territory: Territory,
    category_ids: dict[str, int],
    bases: dict[str, list[BaseName]],
    shops: list[tuple[int, str]],
) -> dict[str, list[PoolProduct]]:
    """Per rayon with shops: its products, with their reference price."""
    # Room for shops of one rayon to differ: half as many products again as each sells.
    wanted = max(spec.offers_per_shop * 3 // 2, 20)
    drafts: list[tuple[str, Product, int]] = []
    index = 0
    for rayon in sorted({rayon for _shop, rayon in shops}):
        names = list(bases[rayon])
        random.Random(f"{spec.slug}:{spec.seed}:names:{rayon}").shuffle(names)
        variants = FOOD_VARIANTS if rayon in OFF_RAYONS else GOODS_VARIANTS
        size = min(len(names) * 100, wanted)
        for position in range(size):
            base = names[position % len(names)]
            name = _variant_name(base.name, variants, position // len(names))
            index += 1
            price = reference_cents(f"{spec.seed}:{name}", base.low, base.high)
            drafts.append(
                (
                    rayon,
                    Product(
                        territory=territory,
                        gtin=_gtin(spec.seed, index),
                        name=name,
                        category_id=category_ids[rayon],
                        image_url=base.image_url,
                        source=SOURCE,
                    ),
                    price,
                )
            )
    Product.objects.bulk_create([draft[1] for draft in drafts], batch_size=PRODUCT_BATCH)
    ids = dict(Product.objects.filter(territory=territory).values_list("gtin", "id"))
    pools: dict[str, list[PoolProduct]] = {}
    for rayon, product, price in drafts:
        gtin = product.gtin or ""
        pools.setdefault(rayon, []).append(PoolProduct(ids[gtin], gtin, price))
    return pools


def _offers_create(
    spec: SyntheticSpec,
    territory: Territory,
    shops: list[tuple[int, str]],
    pools: dict[str, list[PoolProduct]],
    progress: Callable[[Iterable[int]], Iterable[int]] | None,
) -> tuple[int, int]:
    """Stream the offers shop by shop; returns (offers written, shops short of products)."""
    batch: list[Offer] = []
    written = short = 0
    indexes: Iterable[int] = range(len(shops))
    for position in progress(indexes) if progress else indexes:
        shop_id, rayon = shops[position]
        pool = pools[rayon]
        rng = random.Random(f"{spec.slug}:{spec.seed}:offers:{position}")
        count = min(spec.offers_per_shop, len(pool))
        short += count < spec.offers_per_shop
        markup = rng.uniform(0.92, 1.12)
        for product_index in sorted(rng.sample(range(len(pool)), count)):
            product = pool[product_index]
            batch.append(
                Offer(
                    territory_id=territory.id,
                    shop_id=shop_id,
                    product_id=product.id,
                    sku=f"P-{product.gtin}",
                    price_cents=retail_cents(product.price_cents * markup),
                    stock=demo_stock(rng),
                    is_active=True,
                    is_demo=True,
                )
            )
        if len(batch) >= OFFER_BATCH:
            Offer.objects.bulk_create(batch, batch_size=OFFER_BATCH)
            written += len(batch)
            batch = []
    if batch:
        Offer.objects.bulk_create(batch, batch_size=OFFER_BATCH)
        written += len(batch)
    return written, short
