"""A deterministic synthetic territory for the search benchmark, bulk-inserted.

Used by ``bench/search.py`` when ``manage.py generate_territory`` is not available. Real
product names (Open Food Facts, ``data/products_off_fr_5000.csv``) are the vocabulary;
shops sell a popularity-skewed sample of them (a few products in most shops, most
products in a few), as real shops do.
"""

from __future__ import annotations

import csv
import heapq
import math
import random
import time

from django.conf import settings
from django.db import transaction

from cabas.catalog.models import Category, Offer, Product
from cabas.catalog.services import taxonomy_sync
from cabas.catalog.taxonomy import rayon_for_product_name
from cabas.shops.models import HoursSource, Shop, ShopStatus
from cabas.territories.models import Territory

SHOP_KINDS = (
    ("Boulangerie", "boulangerie-patisserie"),
    ("Épicerie", "epicerie"),
    ("Fromagerie", "fromagerie-cremerie"),
    ("Primeur", "fruits-legumes"),
    ("Cave", "cave"),
    ("Épicerie fine", "epicerie-fine"),
    ("Boucherie", "boucherie-charcuterie"),
    ("Chocolaterie", "chocolaterie-confiserie"),
    ("Poissonnerie", "poissonnerie"),
    ("Supérette", "epicerie"),
)
SURNAMES = (
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent "
    "Lefèvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Mercier "
    "Dupont Lambert Bonnet François Martinez Legrand Garnier Faure Rousseau Blanc Guérin "
    "Muller Henry Roussel Nicolas Perrin Morin Mathieu Clément Gauthier Dumont Lopez "
    "Fontaine Chevalier Robin Masson Sanchez Gérard Nguyen Boyer Denis Lemaire Duval"
).split()
PLACES = (
    "du Marché",
    "de la Gare",
    "des Halles",
    "du Centre",
    "Saint-Jacques",
    "de la Place",
    "du Quartier",
    "des Lilas",
)
HOURS = (
    "Mo-Sa 08:00-20:00",
    "Tu-Sa 09:00-13:00,15:00-19:30; Su 09:00-13:00",
    "Mo-Su 07:00-21:00",
    "Tu-Su 08:00-19:30",
    "Mo-Fr 10:00-19:00; Sa 10:00-18:00",
    "",
)


def read_products() -> list[tuple[str, str]]:
    path = settings.DATA_DIR / "products_off_fr_5000.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return [(row["barcode"], row["product_name"].strip()) for row in csv.DictReader(handle)]


def generate_territory(
    *, slug: str, shops: int, offers_per_shop: int, seed: int = 42, verbose: bool = True
) -> Territory:
    started = time.perf_counter()
    rng = random.Random(seed)
    taxonomy_sync()
    categories = dict(Category.objects.values_list("slug", "id"))
    with transaction.atomic():
        territory = Territory.objects.create(
            slug=slug, name=f"Banc d'essai {slug}", centre_lat=48.8566, centre_lon=2.3522
        )
        products = Product.objects.bulk_create(
            [
                Product(
                    territory=territory,
                    gtin=gtin,
                    name=name[:200],
                    category_id=categories.get(rayon_for_product_name(name)),
                    source="bench",
                )
                for gtin, name in read_products()
            ],
            batch_size=2000,
        )
        shop_rows = []
        for i in range(shops):
            kind, rayon = SHOP_KINDS[i % len(SHOP_KINDS)]
            name = (
                f"{kind} {rng.choice(SURNAMES)}"
                if rng.random() < 0.7
                else f"{kind} {rng.choice(PLACES)}"
            )
            angle, radius = rng.uniform(0, 2 * math.pi), 6.0 * math.sqrt(rng.random())
            shop_rows.append(
                Shop(
                    territory=territory,
                    slug=f"commerce-{i:05d}",
                    name=name,
                    category_id=categories.get(rayon),
                    postcode=f"750{1 + i % 20:02d}",
                    city="Paris",
                    lat=48.8566 + radius / 111.2 * math.sin(angle),
                    lon=2.3522 + radius / (111.2 * math.cos(math.radians(48.8566))) * math.cos(angle),
                    opening_hours=HOURS[rng.randrange(len(HOURS))],
                    hours_source=HoursSource.DEMO,
                    status=ShopStatus.APPROVED if rng.random() < 0.97 else ShopStatus.SUSPENDED,
                )
            )
        shop_objs = Shop.objects.bulk_create(shop_rows, batch_size=2000)
        # Efraimidis–Spirakis weighted sampling: popular products (Zipf) in most shops.
        weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(products))]
        order = list(range(len(products)))
        rng.shuffle(order)
        batch: list[Offer] = []
        total = 0
        per_shop = min(offers_per_shop, len(products))
        for shop in shop_objs:
            keys = heapq.nlargest(
                per_shop,
                ((rng.random() ** (1.0 / weights[rank]), order[rank]) for rank in order),
            )
            for _key, index in keys:
                product = products[index]
                roll = rng.random()
                stock = None if roll < 0.2 else 0 if roll < 0.3 else rng.randint(1, 40)
                batch.append(
                    Offer(
                        territory=territory,
                        shop=shop,
                        product=product,
                        sku=f"{shop.id}-{product.id}",
                        price_cents=rng.randint(90, 1990),
                        stock=stock,
                        is_active=rng.random() < 0.97,
                        is_demo=True,
                    )
                )
            if len(batch) >= 20000:
                Offer.objects.bulk_create(batch, batch_size=5000)
                total += len(batch)
                batch = []
                if verbose:
                    print(f"  {total:,} offres…", flush=True)
        Offer.objects.bulk_create(batch, batch_size=5000)
        total += len(batch)
    if verbose:
        print(
            f"  territoire {slug}: {len(shop_objs)} commerces, {len(products)} produits, "
            f"{total:,} offres en {time.perf_counter() - started:.1f} s",
            flush=True,
        )
    return territory
