"""Relevance: the text score of a product blended with the signals of each offer (stock,
shop open now, distance, shop named in the query), and the page built from it."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence, Set
from typing import NamedTuple

from .categories import CategoryTree
from .engines import Match, Term
from .offers import (
    NEAR_TIERS_KM,
    Bucket,
    OfferRow,
    OfferScope,
    offers_at_shops,
    offers_by_price,
    offers_of_products,
    product_rows,
)
from .results import CategoryFacet, OfferHit, ProductHit, ProductRef, Sort
from .shop_snapshot import ShopSnapshot

# The text score is 0.7–1 (half that for partial matches) and an offer adds at most 0.35:
# among products holding every word, being in stock, open and near counts more than a
# slightly better text score (a shorter name, the word twice).
NAMED_SHOP_BOOST = 0.25
PARTIAL_MATCH_FACTOR = 0.5
# What the product itself says beyond the engine's score: its name starts with the first
# word typed ("Comté AOP 18 mois" before "Cervelas au comté" for "comté"), or its rayon is
# named by a word typed ("fromagerie": the products of the Fromagerie-crèmerie rayon, before
# a "Tartinade fromagère" of the fish counter).
HEAD_WORD_BONUS = 0.1
CATEGORY_WORD_BONUS = 0.3
STOCK_BONUS = (0.0, 0.08, 0.15)  # out of stock, on request, in stock
OPEN_BONUS = 0.10
NEAR_BONUS = (0.0, 0.02, 0.05, 0.08, 0.10)  # by tier, farthest to nearest


def text_relevance(matches: Sequence[Match], factor: float = 1.0) -> dict[int, float]:
    """Engine scores mapped to 0.7–1 of the best one (times ``factor``)."""
    top = max((m.score for m in matches), default=0.0)
    if top <= 0:
        return {m.product_id: factor for m in matches}
    return {m.product_id: factor * (0.7 + 0.3 * m.score / top) for m in matches}


def product_bonuses(
    matches: Sequence[Match],
    first_stems: dict[int, str],
    head_terms: Sequence[Term],
    category_ids: Set[int],
) -> dict[int, float]:
    """What each matched product adds to its text score: its name starts with the first
    word typed (``head_terms``, the alternatives of that word), its rayon is one named by
    a word typed (``category_ids``)."""
    bonuses: dict[int, float] = {}
    for match in matches:
        head = first_stems.get(match.product_id, "")
        bonus = 0.0
        if head and any(
            head.startswith(term.text) if term.prefix else head == term.text for term in head_terms
        ):
            bonus += HEAD_WORD_BONUS
        if match.category_id is not None and match.category_id in category_ids:
            bonus += CATEGORY_WORD_BONUS
        if bonus:
            bonuses[match.product_id] = bonus
    return bonuses


def window(matches: Sequence[Match], budget: float, minimum: int) -> list[Match]:
    """The best matches whose offers add up to ``budget`` (at least ``minimum`` of them)."""
    taken: list[Match] = []
    total = 0
    for match in matches:
        if len(taken) >= minimum and total + match.offer_count > budget:
            break
        taken.append(match)
        total += match.offer_count
    return taken


def near_tiers(distances: dict[int, float]) -> list[list[int]]:
    tiers: list[list[int]] = [[] for _ in NEAR_TIERS_KM]
    for sid, km in distances.items():
        for tier, limit in enumerate(NEAR_TIERS_KM):
            if km <= limit:
                tiers[tier].append(sid)
                break
    return tiers


class Scorer:
    """Scores of buckets and offers for one search."""

    def __init__(
        self,
        scope: OfferScope,
        main: dict[int, float],
        named: dict[int, float] | None,
        distances: dict[int, float],
    ) -> None:
        self.scope = scope
        self.main = main
        self.named = named
        self.distances = distances
        self._named_shops = set(scope.named_shops or ())
        self._open_shops = set(scope.open_shops or ())

    def bucket(self, bucket: Bucket) -> float:
        text = self.main.get(bucket.product_id, -1.0)
        if bucket.named and self.named is not None:
            text = max(text, self.named.get(bucket.product_id, 1.0) + NAMED_SHOP_BOOST)
        return (
            text
            + STOCK_BONUS[bucket.stock_level]
            + OPEN_BONUS * bucket.is_open
            + NEAR_BONUS[bucket.near_tier]
        )

    def _near_tier(self, shop_id: int) -> int:
        km = self.distances.get(shop_id)
        if not self.scope.near_tiers or km is None:
            return 0
        return next(
            (len(NEAR_TIERS_KM) - t for t, limit in enumerate(NEAR_TIERS_KM) if km <= limit), 0
        )

    def _is_open(self, shop_id: int) -> int:
        return int(self.scope.open_shops is not None and shop_id in self._open_shops)

    def shop_bonus(self, shop_id: int) -> float:
        """What a shop adds to each of its offers: open now, and near."""
        return OPEN_BONUS * self._is_open(shop_id) + NEAR_BONUS[self._near_tier(shop_id)]

    def signals(self, row: OfferRow) -> tuple[int, int, int, int, int]:
        """The bucket of one offer: (product, named, stock level, open, near tier), as
        offers._signals computes them in SQL."""
        scope = self.scope
        if scope.named_shops is None:
            is_named = 0
        elif scope.products:
            is_named = int(row.shop_id in self._named_shops)
        else:
            is_named = 1
        stock_level = 1 if row.stock is None else 2 if row.stock > 0 else 0
        shop = row.shop_id
        return row.product_id, is_named, stock_level, self._is_open(shop), self._near_tier(shop)

    def offer(self, row: OfferRow) -> float:
        return self.bucket(Bucket(*self.signals(row), 1, row.price_cents))


def page_rows(
    scorer: Scorer, buckets: list[Bucket], sort: Sort, limit: int, offset: int
) -> tuple[list[tuple[OfferRow, float]], dict[int, ProductRef] | None]:
    """The page's offers with their scores, and their products when read along (by
    relevance: the offers and products of the page in one query; else None)."""
    scope = scorer.scope
    products = None
    if sort == "price":
        rows = offers_by_price(scope, limit=limit, offset=offset)
    elif sort == "distance" and scorer.distances:
        rows = nearest_rows(scope, scorer.distances, limit + offset)[offset : offset + limit]
    else:
        ranked = sorted(buckets, key=lambda b: (-scorer.bucket(b), b.min_price_cents, b.product_id))
        slices: list[tuple[Bucket, int, int]] = []
        position = 0
        for bucket in ranked:
            end = position + bucket.size
            if end > offset:
                skip = max(0, offset - position)
                take = min(bucket.size - skip, offset + limit - position - skip)
                slices.append((bucket, skip, take))
            position = end
            if position >= offset + limit:
                break
        rows, products = _bucket_rows(scorer, slices)
    return [(row, scorer.offer(row)) for row in rows], products


def _bucket_rows(
    scorer: Scorer, slices: list[tuple[Bucket, int, int]]
) -> tuple[list[OfferRow], dict[int, ProductRef]]:
    """The offers of each (bucket, skip, take), cheapest first within a bucket, and their
    products: one query for the offers of the page's products (and those products),
    sorted into their buckets here."""
    product_ids = sorted({bucket.product_id for bucket, _skip, _take in slices})
    by_bucket: dict[tuple[int, int, int, int, int], list[OfferRow]] = defaultdict(list)
    offers, products = offers_of_products(scorer.scope, product_ids)
    for row in offers:
        by_bucket[scorer.signals(row)].append(row)
    rows: list[OfferRow] = []
    for bucket, skip, take in slices:
        members = sorted(by_bucket[bucket[:5]], key=lambda r: (r.price_cents, r.offer_id))
        rows.extend(members[skip : skip + take])
    return rows, {row[0]: ProductRef(*row) for row in products}


def nearest_rows(scope: OfferScope, distances: dict[int, float], needed: int) -> list[OfferRow]:
    """Offers nearest first: the shops are read in growing batches, nearest first, until
    the page is full."""
    allowed = set(scope.allowed_shops) if scope.allowed_shops is not None else None
    ordered = sorted(
        (sid for sid in distances if allowed is None or sid in allowed),
        key=lambda sid: (distances[sid], sid),
    )
    rows: list[OfferRow] = []
    start, size = 0, 16
    while start < len(ordered) and len(rows) < needed:
        rows.extend(offers_at_shops(scope, ordered[start : start + size]))
        start += size
        size *= 2
    rows.sort(key=lambda r: (distances.get(r.shop_id, math.inf), r.price_cents, r.offer_id))
    return rows


def product_refs(ids: Iterable[int]) -> dict[int, ProductRef]:
    return {row[0]: ProductRef(*row) for row in product_rows(list(ids))}


def offer_hits(
    rows: list[tuple[OfferRow, float]],
    *,
    currency: str,
    snapshot: ShopSnapshot,
    distances: dict[int, float],
    products: dict[int, ProductRef] | None = None,
) -> list[OfferHit]:
    """The hits of a page; ``products``: their products when already read."""
    if products is None:
        products = product_refs(row.product_id for row, _score in rows)
    return [
        OfferHit(
            offer_id=row.offer_id,
            sku=row.sku,
            price_cents=row.price_cents,
            currency=currency,
            stock=row.stock,
            product=products[row.product_id],
            shop=snapshot.shops[row.shop_id],
            distance_km=distances.get(row.shop_id),
            open_now=row.shop_id in snapshot.open_ids,
            score=round(score, 4),
        )
        for row, score in rows
    ]


def category_facets(
    counts: Iterable[tuple[int | None, int]], tree: CategoryTree
) -> list[CategoryFacet]:
    totals: dict[int, int] = defaultdict(int)
    for category_id, count in counts:
        if category_id is not None and category_id in tree.by_id:
            totals[category_id] += count
    facets = [
        CategoryFacet(tree.by_id[cid].slug, tree.by_id[cid].name, n) for cid, n in totals.items()
    ]
    return sorted(facets, key=lambda f: (-f.count, f.name))


class ProductSummary(NamedTuple):
    product_id: int
    offer_count: int
    min_price_cents: int
    in_stock_count: int
    open_count: int
    score: float  # the score of its best offer
    near_tier: int  # the tier of its nearest shop


def product_summaries(scorer: Scorer, buckets: list[Bucket], sort: Sort) -> list[ProductSummary]:
    """Every product of the buckets with its offers summed up, in the order asked for."""
    by_product: dict[int, list[Bucket]] = defaultdict(list)
    for bucket in buckets:
        by_product[bucket.product_id].append(bucket)
    summaries = [
        ProductSummary(
            pid,
            sum(b.size for b in items),
            min(b.min_price_cents for b in items),
            sum(b.size for b in items if b.stock_level == 2),
            sum(b.size for b in items if b.is_open),
            max(scorer.bucket(b) for b in items),
            max(b.near_tier for b in items),
        )
        for pid, items in by_product.items()
    ]
    if sort == "price":
        summaries.sort(key=lambda s: (s.min_price_cents, -s.score, s.product_id))
    elif sort == "distance":
        summaries.sort(key=lambda s: (-s.near_tier, -s.score, s.product_id))
    else:
        summaries.sort(key=lambda s: (-s.score, s.min_price_cents, s.product_id))
    return summaries


def product_hits(summaries: Sequence[ProductSummary], currency: str) -> list[ProductHit]:
    products = product_refs(s.product_id for s in summaries)
    return [
        ProductHit(
            product=products[s.product_id],
            offer_count=s.offer_count,
            min_price_cents=s.min_price_cents,
            currency=currency,
            in_stock_count=s.in_stock_count,
            open_count=s.open_count,
            score=round(s.score, 4),
        )
        for s in summaries
    ]
