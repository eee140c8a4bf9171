"""Which shop sells which product, at what demo price and stock: a pure, seeded plan.

Food shops get Open Food Facts products of their rayon (then of related rayons), dealt
so that a product is sold by at most ``MAX_SELLERS`` shops, plus the fresh items of
their rayon's vocabulary; every shop with a vocabulary gets some of its items. With
``cover_all`` every product is dealt to at least one shop first. The same inputs and
seed always give the same plan.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import chain

from .catalogue_fr import Item, item_numbers, items_by_rayon
from .products import OFF_PRICE_RANGES, OffProduct, reference_cents, retail_cents

MAX_SELLERS = 4
OFF_RAYONS = frozenset(OFF_PRICE_RANGES)
GENERALISTS = ("epicerie", "epicerie-fine")
RELATED_RAYONS: dict[str, tuple[str, ...]] = {
    "boulangerie-patisserie": ("chocolaterie-confiserie", "epicerie"),
    "boucherie-charcuterie": ("epicerie", "fromagerie-cremerie"),
    "fromagerie-cremerie": ("cave", "epicerie"),
    "fruits-legumes": ("epicerie",),
    "poissonnerie": ("epicerie",),
    "cave": ("epicerie", "fromagerie-cremerie", "chocolaterie-confiserie"),
    "chocolaterie-confiserie": ("boulangerie-patisserie", "epicerie"),
    "epicerie": tuple(sorted(OFF_RAYONS - {"epicerie"})),
    "epicerie-fine": tuple(sorted(OFF_RAYONS - {"epicerie-fine"})),
}

# A product key: ("off", gtin) or ("demo", vocabulary item name).
ProductKey = tuple[str, ...]


@dataclass(frozen=True)
class ShopSlot:
    """A shop as the plan sees it: its source reference, rayon, and whether it sells online."""

    ref: str
    rayon: str
    has_catalogue: bool = True


@dataclass(frozen=True)
class OfferPlan:
    shop_ref: str
    product: ProductKey
    sku: str
    price_cents: int
    stock: int | None


def _targets(shop: ShopSlot, seed: str) -> tuple[int, int]:
    """(OFF products, vocabulary items) a shop aims to sell; 15-60 in all for food shops."""
    rng = random.Random(f"{seed}:size:{shop.ref}")
    vocabulary = len(items_by_rayon().get(shop.rayon, ()))
    if shop.rayon not in OFF_RAYONS:
        return 0, min(vocabulary, rng.randint(8, 25))
    # Most shops are small; a few carry a large range (mean about 30 offers).
    total = 15 + int(45 * rng.random() ** 2)
    share = 0.2 if shop.rayon in GENERALISTS else 0.5
    fresh = min(vocabulary, round(total * share))
    return total - fresh, fresh


def _scrambled(items: Sequence[str], rng: random.Random) -> Iterator[str]:
    """The items in a seeded pseudo-random order (an affine permutation of the indices),
    cheap enough for a thousand shops walking lists of thousands of products."""
    count = len(items)
    if not count:
        return
    start, step = rng.randrange(count), rng.randrange(1, count + 1)
    while math.gcd(step, count) != 1:
        step -= 1
    for index in range(count):
        yield items[(start + index * step) % count]


def _off_deal(
    shops: Sequence[ShopSlot], products: Sequence[OffProduct], *, cover_all: bool, seed: str
) -> dict[str, list[str]]:
    """GTINs per food shop: coverage pass (optional), then round-robin fill to targets."""
    food = [shop for shop in shops if shop.has_catalogue and shop.rayon in OFF_RAYONS]
    by_rayon: dict[str, list[str]] = defaultdict(list)
    for product in sorted(products, key=lambda p: p.gtin):
        by_rayon[product.rayon].append(product.gtin)
    shops_of: dict[str, list[ShopSlot]] = defaultdict(list)
    for shop in food:
        shops_of[shop.rayon].append(shop)
    generalists = [shop for shop in food if shop.rayon in GENERALISTS]

    dealt: dict[str, list[str]] = {shop.ref: [] for shop in food}
    held: dict[str, set[str]] = {shop.ref: set() for shop in food}
    sellers: dict[str, int] = defaultdict(int)

    def give(shop: ShopSlot, gtin: str) -> None:
        dealt[shop.ref].append(gtin)
        held[shop.ref].add(gtin)
        sellers[gtin] += 1

    if cover_all and products:
        if not food:
            raise ValueError("no food shop to sell the products")
        for rayon in sorted(by_rayon):
            pool = shops_of.get(rayon) or generalists or food
            for index, gtin in enumerate(by_rayon[rayon]):
                give(pool[index % len(pool)], gtin)

    wanted = {shop.ref: _targets(shop, seed)[0] for shop in food}
    queues: dict[str, Iterator[str]] = {}
    for shop in food:
        rng = random.Random(f"{seed}:off:{shop.ref}")
        lists = [by_rayon.get(rayon, []) for rayon in (shop.rayon, *RELATED_RAYONS[shop.rayon])]
        # Built now, not lazily: each walk must hold this shop's generator.
        queues[shop.ref] = chain(*[_scrambled(items, rng) for items in lists])
    hungry = [shop for shop in food if len(dealt[shop.ref]) < wanted[shop.ref]]
    while hungry:
        still = []
        for shop in hungry:
            for gtin in queues[shop.ref]:
                if gtin not in held[shop.ref] and sellers[gtin] < MAX_SELLERS:
                    give(shop, gtin)
                    if len(dealt[shop.ref]) < wanted[shop.ref]:
                        still.append(shop)
                    break
        hungry = still
    return dealt


def _vocabulary_deal(shop: ShopSlot, seed: str, extra: int) -> list[Item]:
    items = items_by_rayon().get(shop.rayon, ())
    count = min(len(items), _targets(shop, seed)[1] + extra)
    chosen = random.Random(f"{seed}:items:{shop.ref}").sample(range(len(items)), count)
    return [items[index] for index in sorted(chosen)]


def demo_stock(rng: random.Random) -> int | None:
    """Mostly 1-40 in stock, some sold out, some not tracked ("sur demande")."""
    draw = rng.random()
    if draw < 0.06:
        return 0
    if draw < 0.18:
        return None
    return rng.randint(1, 40)


def assortment_plan(
    shops: Sequence[ShopSlot],
    products: Sequence[OffProduct],
    *,
    cover_all: bool,
    seed: str,
) -> list[OfferPlan]:
    """Every demo offer of these shops, in shop order; deterministic for a given seed."""
    off = _off_deal(shops, products, cover_all=cover_all, seed=seed)
    rayon_of = {product.gtin: product.rayon for product in products}
    numbers = item_numbers()
    plans: list[OfferPlan] = []
    for shop in shops:
        if not shop.has_catalogue:
            continue
        gtins = off.get(shop.ref, [])
        wanted_off = _targets(shop, seed)[0]
        # A shop short of packaged products (its rayon ran out) sells more fresh items.
        items = _vocabulary_deal(shop, seed, extra=max(0, wanted_off - len(gtins)))
        rng = random.Random(f"{seed}:offers:{shop.ref}")
        markup = rng.uniform(0.92, 1.12)
        for gtin in gtins:
            low, high = OFF_PRICE_RANGES[rayon_of[gtin]]
            price = retail_cents(reference_cents(gtin, low, high) * markup)
            plans.append(OfferPlan(shop.ref, ("off", gtin), f"P-{gtin}", price, demo_stock(rng)))
        for item in items:
            reference = reference_cents(
                f"{item.rayon}:{item.name}", item.low_cents, item.high_cents
            )
            # Fixed prices (gift cards, stamps) are the same everywhere.
            price = (
                reference if item.low_cents == item.high_cents else retail_cents(reference * markup)
            )
            plans.append(
                OfferPlan(
                    shop.ref,
                    ("demo", item.name),
                    f"D-{numbers[(item.rayon, item.name)]}",
                    price,
                    demo_stock(rng),
                )
            )
    return plans
