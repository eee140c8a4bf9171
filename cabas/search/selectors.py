"""Search reads: offers of every shop of a territory for a French query, and autocomplete.

Two stages. The text stage matches the query against the territory's product documents
(FTS5 or tsvector; :mod:`cabas.search.query` turns the typed words into stems, typo
corrections and prefixes). The offer stage (:mod:`cabas.search.offers`) reads the offers
of the best-matching products with the filters, and :mod:`cabas.search.ranking` blends
the text score with stock, open-now and distance.

The offer stage reads a bounded *window* of the best-matching products (about
``WINDOW_OFFERS`` offers once filters are applied), so the cost of a search does not grow
with the number of offers of the territory. ``count`` and the facets describe that
window: a query matching more asks the shopper to refine it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import replace

from cabas.geo.distance import Point, bounding_box
from cabas.territories.models import Territory

from .cache import text_cache
from .categories import CategoryTree
from .engines import Group, Match, get_engine
from .models import SearchDocument
from .offers import (
    OfferScope,
    browse_counts,
    browse_page,
    document_categories,
    document_first_stems,
    offer_buckets,
    offers_by_price,
)
from .query import QueryPlan, WordPlan, plan_query
from .ranking import (
    PARTIAL_MATCH_FACTOR,
    STOCK_BONUS,
    Scorer,
    category_facets,
    near_tiers,
    nearest_rows,
    offer_hits,
    page_rows,
    product_bonuses,
    product_hits,
    product_refs,
    product_summaries,
    text_relevance,
    window,
)
from .results import (
    CategoryFacet,
    OfferHit,
    ProductHit,
    ProductRef,
    SearchFilters,
    SearchResult,
    Sort,
    Suggestion,
)
from .shop_snapshot import ShopSnapshot, search_context
from .text import fold, words

__all__ = [
    "CategoryFacet",
    "OfferHit",
    "ProductHit",
    "ProductRef",
    "SearchFilters",
    "SearchResult",
    "Sort",
    "Suggestion",
    "autocomplete",
    "search_offers",
]

# Products read from the text index: when a few shops are searched, as many as their
# offers can be probed for cheaply (any product may be theirs); else enough for the window.
MAX_MATCHED_PRODUCTS = 1000
MAX_WINDOW_PRODUCTS = 300
SHOP_PRODUCT_PROBES = 6000
# Offers counted and ranked per search: about WINDOW_OFFERS once filters are applied, and
# never more than MAX_SCANNED_OFFERS read to get there.
WINDOW_OFFERS = 1500
MAX_SCANNED_OFFERS = 6000
MIN_WINDOW_PRODUCTS = 10
# With this few shops allowed (one shop, a small radius), search reads their offers
# through the shop index instead of a window of products.
FEW_SHOPS = 25
MAX_NAMED_SHOPS = 25
# When some product holds every word typed, a shop counts as named only if the query covers
# this share of the words of its name ("boulangerie dupont", the exact name): "chocolat"
# names no shop by being one word of "L'Atelier du Chocolat Basque".
NAMED_SHOP_COVERAGE = 2 / 3
MIN_ALL_WORDS_RESULTS = 3
# Autocomplete: product suggestions from the third letter typed.
MIN_PRODUCT_PREFIX = 3
MAX_SHOP_SUGGESTIONS = 3


class _Shops:
    """The shops a search may show, their distances from the centre and their codes for
    the offer stage. Read-only once built: one is shared by the searches of a snapshot
    with the same shop filters (:func:`_shops_for`)."""

    def __init__(self, snapshot: ShopSnapshot, filters: SearchFilters) -> None:
        self.snapshot = snapshot
        self.with_centre = filters.centre is not None
        ids: set[int] | None = None
        if filters.shop:
            shop_id = snapshot.by_slug.get(filters.shop)
            ids = {shop_id} if shop_id is not None else set()
        if filters.open_now:
            ids = set(snapshot.open_ids) if ids is None else ids & snapshot.open_ids
        self.distances: dict[int, float] = {}
        if filters.centre is not None:
            ids = self._measure(snapshot, filters.centre, filters.radius_km, ids)
        self.allowed: list[int] | None = sorted(ids) if ids is not None else None
        self.all_ids = set(snapshot.shops) if ids is None else ids
        self.share = len(self.all_ids) / max(1, len(snapshot.shops))
        self.tiers = near_tiers(self.distances) if self.with_centre else None
        self._codes: dict[tuple[bool, bool], bytes] = {}

    def codes(self, *, open_signal: bool, near: bool) -> bytes:
        """:meth:`ShopSnapshot.shop_codes` of these shops (``near``: with the distance
        tiers, when the search has a centre)."""
        key = (open_signal, near)
        found = self._codes.get(key)
        if found is None:
            found = self._codes[key] = self.snapshot.shop_codes(
                allowed=self.allowed,
                open_signal=open_signal,
                near_tiers=self.tiers if near else None,
            )
        return found

    def _measure(
        self, snapshot: ShopSnapshot, centre: Point, radius_km: float | None, ids: set[int] | None
    ) -> set[int] | None:
        candidates: Iterable[int] | None = ids
        if radius_km:
            min_lat, max_lat, min_lon, max_lon = bounding_box(centre, radius_km)
            candidates = [
                sid
                for sid in (snapshot.shops if ids is None else ids)
                if min_lat <= snapshot.shops[sid].lat <= max_lat
                and min_lon <= snapshot.shops[sid].lon <= max_lon
            ]
        self.distances = snapshot.distances_km(centre, candidates)
        if radius_km:
            return {sid for sid, km in self.distances.items() if km <= radius_km}
        return ids


# _Shops kept per snapshot (about 100 kB each with 1,000 shops and a centre): a planned
# list searches its fifteen lines around one start.
SHOPS_PER_SNAPSHOT = 32


def _shops_for(snapshot: ShopSnapshot, filters: SearchFilters) -> _Shops:
    """The :class:`_Shops` of these filters, built once per snapshot (which is replaced
    when shops or their open state change): distances to 1,000 shops and their codes cost
    about 1.5 ms, the same for every search around one point."""
    key = (filters.shop, filters.open_now, filters.centre, filters.radius_km)
    derived = snapshot.derived
    found = derived.get(key)
    if not isinstance(found, _Shops):
        if len(derived) >= SHOPS_PER_SNAPSHOT:
            derived.clear()
        found = derived[key] = _Shops(snapshot, filters)
    return found


def _named_shops(plan: QueryPlan, allowed: set[int]) -> tuple[list[int], list[WordPlan]]:
    """The shops the query names ("boulangerie dupont"), and the words left for products.

    Words matching shop names are taken rarest first while some shop holds them all.
    """
    naming = sorted(
        (word for word in plan.words if word.shop_ids & allowed),
        key=lambda word: len(word.shop_ids),
    )
    shops: set[int] | None = None
    used: list[WordPlan] = []
    for word in naming:
        together = (word.shop_ids & allowed) if shops is None else shops & word.shop_ids
        if together:
            shops = set(together)
            used.append(word)
    if not shops or len(shops) > MAX_NAMED_SHOPS:
        return [], []
    return sorted(shops), [word for word in plan.words if word not in used]


def _covered(shop_stems: frozenset[str], used: list[WordPlan]) -> float:
    """The share of a shop name's stems that the query words ``used`` match."""
    if not shop_stems:
        return 0.0
    terms = [term for word in used for term in word.terms]
    covered = sum(
        1
        for name_stem in shop_stems
        if any(
            name_stem.startswith(term.text) if term.prefix else name_stem == term.text
            for term in terms
        )
    )
    return covered / len(shop_stems)


def _named_almost_entirely(
    shop_ids: list[int], plan: QueryPlan, rest: list[WordPlan], snapshot: ShopSnapshot
) -> list[int]:
    """The shops whose names the query covers almost entirely."""
    used = [word for word in plan.words if word not in rest]
    return [
        sid
        for sid in shop_ids
        if _covered(snapshot.name_stems.get(sid, frozenset()), used) >= NAMED_SHOP_COVERAGE
    ]


def _named_categories(plan: QueryPlan, tree: CategoryTree) -> set[int]:
    """The rayons a word typed names ("fromagerie", "librairies"), with a family's rayons:
    the word itself, not its stem ("fromagère" names no rayon)."""
    typed = {form for word in plan.words for form in (word.shown, word.shown.removesuffix("s"))}
    found: set[int] = set()
    for category in tree.by_id.values():
        if typed & set(category.words):
            found.update(tree.ids_for(category.slug))
    return found


def _with_bonuses(
    matches: list[Match], plan: QueryPlan, named_categories: frozenset[int]
) -> tuple[list[Match], dict[int, float]]:
    """The text relevance of products holding every word, with what their names and rayons
    add; the matches re-ordered by it, so the window reads the best."""
    relevance = text_relevance(matches)
    if not matches:
        return matches, relevance
    bonuses = product_bonuses(
        matches,
        document_first_stems([m.product_id for m in matches]),
        plan.words[0].terms,
        named_categories,
    )
    for pid, bonus in bonuses.items():
        relevance[pid] += bonus
    ordered = sorted(matches, key=lambda m: (-relevance[m.product_id], m.product_id))
    return ordered, relevance


def _popular(territory_id: int, category_ids: list[int] | None, limit: int) -> list[Match]:
    docs = SearchDocument.objects.filter(territory_id=territory_id)
    if category_ids is not None:
        docs = docs.filter(category_id__in=category_ids)
    return [
        Match(pid, 1.0, n, cid)
        for pid, n, cid in docs.order_by("-offer_count", "product_id").values_list(
            "product_id", "offer_count", "category_id"
        )[:limit]
    ]


class _TextStage:
    """The text stage of one search or autocomplete: plans and matches, cached under the
    territory's index generation (:mod:`cabas.search.cache`). Callers get fresh lists
    and dicts, never the cached ones."""

    def __init__(self, territory_id: int, generation: int, snapshot: ShopSnapshot) -> None:
        self.territory_id = territory_id
        self.generation = generation
        self.snapshot = snapshot
        self.engine = get_engine()

    def _key(self, *parts: object) -> tuple[object, ...]:
        return (self.engine.vendor, self.territory_id, self.generation, *parts)

    def plan(self, text: str, *, complete_last: bool) -> QueryPlan:
        snapshot = self.snapshot
        return text_cache.get_or_compute(
            self._key("plan", snapshot.fingerprint, text, complete_last),
            lambda: plan_query(
                territory_id=self.territory_id,
                text=text,
                snapshot=snapshot,
                complete_last=complete_last,
            ),
        )

    def match(
        self,
        groups: list[Group],
        *,
        require_all: bool,
        category_ids: list[int] | None,
        limit: int,
    ) -> list[Match]:
        categories = None if category_ids is None else tuple(category_ids)
        found = text_cache.get_or_compute(
            self._key("match", tuple(groups), require_all, categories, limit),
            lambda: tuple(
                self.engine.match(
                    territory_id=self.territory_id,
                    groups=groups,
                    require_all=require_all,
                    category_ids=category_ids,
                    limit=limit,
                )
            ),
        )
        return list(found)

    def popular(self, category_ids: list[int] | None, limit: int) -> list[Match]:
        categories = None if category_ids is None else tuple(category_ids)
        found = text_cache.get_or_compute(
            self._key("popular", categories, limit),
            lambda: tuple(_popular(self.territory_id, category_ids, limit)),
        )
        return list(found)

    def browse_counts(self, scope: OfferScope) -> tuple[int, list[tuple[int | None, int]]]:
        """:func:`browse_counts`, cached when it depends on the index alone: which offers
        are active in which shop moves every product's ``offer_count``, so an index
        writer replaces the generation; stock and prices do not, so a count filtered by
        them is never cached."""
        if scope.in_stock or scope.price_min is not None or scope.price_max is not None:
            return browse_counts(scope)

        def frozen(values: Sequence[int] | None) -> tuple[int, ...] | None:
            return None if values is None else tuple(values)

        count, rows = text_cache.get_or_compute(
            self._key(
                "browse",
                frozen(scope.products),
                frozen(scope.named_shops),
                frozen(scope.named_products),
                frozen(scope.allowed_shops),
                frozen(scope.hidden_shops),
                frozen(scope.category_ids),
            ),
            lambda: _frozen_counts(browse_counts(scope)),
        )
        return count, list(rows)

    def ranked(
        self, plan: QueryPlan, tree: CategoryTree, category_ids: list[int] | None, limit: int
    ) -> tuple[list[Match], dict[int, float]]:
        """The products holding every word, best first, with their text relevance
        (:func:`_with_bonuses`)."""
        named = frozenset(_named_categories(plan, tree))
        categories = None if category_ids is None else tuple(category_ids)

        def compute() -> tuple[tuple[Match, ...], tuple[tuple[int, float], ...]]:
            matches = self.engine.match(  # not cached apart: the ranked list stands for it
                territory_id=self.territory_id,
                groups=plan.groups,
                require_all=True,
                category_ids=category_ids,
                limit=limit,
            )
            ordered, relevance = _with_bonuses(matches, plan, named)
            return tuple(ordered), tuple(relevance.items())

        ordered, relevance = text_cache.get_or_compute(
            self._key("ranked", tuple(plan.groups), categories, limit, named), compute
        )
        return list(ordered), dict(relevance)


def _frozen_counts(
    counts: tuple[int, list[tuple[int | None, int]]],
) -> tuple[int, tuple[tuple[int | None, int], ...]]:
    return counts[0], tuple(counts[1])


def search_offers(
    *,
    territory: Territory,
    query: str,
    filters: SearchFilters,
    sort: Sort = "relevance",
    limit: int = 20,
    offset: int = 0,
    group_by_product: bool = False,
    at: dt.datetime | None = None,
) -> SearchResult:
    """Offers of the territory's approved shops matching ``query`` and ``filters``.

    Never raises for what a shopper can type: the text is reduced to ``[a-z0-9]`` words
    before it reaches the database. ``at`` pins "now" for open-now (tests, planning).
    An empty query lists offers by the other filters, or nothing without filters.
    """
    empty = SearchResult(count=0, grouped=group_by_product)
    snapshot, generation, tree = search_context(territory, at)
    category_ids = tree.ids_for(filters.category) if filters.category else None
    shops = _shops_for(snapshot, filters)
    if category_ids == [] or shops.allowed == []:
        return empty
    text = _TextStage(territory.id, generation, snapshot)
    plan = text.plan(query, complete_last=False)
    if plan.is_empty and not filters.any:
        return empty
    few_shops = shops.allowed is not None and len(shops.allowed) <= FEW_SHOPS
    matched_limit = MAX_WINDOW_PRODUCTS
    if few_shops:
        probes = SHOP_PRODUCT_PROBES // max(1, len(shops.allowed or ()))
        matched_limit = max(MAX_WINDOW_PRODUCTS, min(MAX_MATCHED_PRODUCTS, probes))

    main_matches: list[Match] = []
    main: dict[int, float] = {}
    named_shops: list[int] | None = None
    named: dict[int, float] | None = None
    named_products: list[int] | None = None
    if plan.is_empty:
        if few_shops:
            named_shops = list(shops.allowed or [])  # browse these shops' offers
        else:
            main_matches = text.popular(category_ids, matched_limit)
        main = text_relevance(main_matches)
    else:
        main_matches, main = text.ranked(plan, tree, category_ids, matched_limit)
        shop_names, rest = _named_shops(plan, shops.all_ids)
        if shop_names and main_matches:
            # Products hold every word: a shop name holding them too is a weak signal,
            # kept only for shops the query names almost entirely.
            shop_names = _named_almost_entirely(shop_names, plan, rest, snapshot)
        if shop_names:
            named_shops = shop_names
            named = {}
            if rest:
                named = text_relevance(
                    text.match(
                        [word.terms for word in rest],
                        require_all=True,
                        category_ids=category_ids,
                        limit=MAX_MATCHED_PRODUCTS,  # whatever the named shops sell
                    )
                )
                named_products = list(named)
    if (
        not plan.is_empty
        and len(main_matches) < MIN_ALL_WORDS_RESULTS
        and len(plan.words) > 1
        and named_shops is None
    ):
        # Too few products hold every word: add the best partial matches after them.
        partial = text.match(
            plan.groups, require_all=False, category_ids=category_ids, limit=matched_limit
        )
        partial_relevance = text_relevance(partial, PARTIAL_MATCH_FACTOR)
        for match in partial:
            if match.product_id not in main:
                main_matches.append(match)
                main[match.product_id] = partial_relevance[match.product_id]

    if few_shops:
        products = main_matches
    else:
        kept = shops.share
        if filters.in_stock:
            kept *= 0.7
        if filters.price_min_cents is not None or filters.price_max_cents is not None:
            kept *= 0.5
        wanted = max(WINDOW_OFFERS, 2 * (offset + limit))
        budget = max(wanted, min(MAX_SCANNED_OFFERS, wanted / max(kept, 0.01)))
        products = window(main_matches, budget, MIN_WINDOW_PRODUCTS)
    open_shops = None if filters.open_now else snapshot.open_sorted
    scope = OfferScope(
        products=[m.product_id for m in products],
        named_shops=named_shops,
        named_products=named_products,
        allowed_shops=shops.allowed,
        hidden_shops=sorted(snapshot.hidden_ids),
        category_ids=category_ids,
        in_stock=filters.in_stock,
        price_min=filters.price_min_cents,
        price_max=filters.price_max_cents,
        open_shops=open_shops,
        near_tiers=shops.tiers,
        shop_codes=shops.codes(open_signal=open_shops is not None, near=True),
        shop_first=snapshot.shop_span[0],
    )
    if not scope.products and scope.named_shops is not None and not group_by_product:
        # Browsing a few shops (a shop filter, or a query naming shops and nothing else):
        # every product of theirs may show, so count and rank in SQL, not by bucket.
        return _browse(
            text, scope, snapshot, shops, tree, territory, plan.did_you_mean, sort, limit, offset
        )
    if group_by_product or sort == "relevance":
        buckets = offer_buckets(scope)
    else:
        # Sorted by price or distance, buckets only count: no ranking signals to compute.
        buckets = offer_buckets(
            replace(
                scope,
                open_shops=None,
                near_tiers=None,
                shop_codes=shops.codes(open_signal=False, near=False),
            )
        )
    scorer = Scorer(scope, main, named, shops.distances)
    categories_of = {m.product_id: m.category_id for m in main_matches}
    if named_shops is not None and named_products is None:
        missing = {b.product_id for b in buckets} - categories_of.keys()
        categories_of.update(document_categories(sorted(missing)))
    result = SearchResult(count=0, did_you_mean=plan.did_you_mean, grouped=group_by_product)
    if group_by_product:
        summaries = product_summaries(scorer, buckets, sort)
        result.count = len(summaries)
        result.facets = category_facets(
            ((categories_of.get(s.product_id), 1) for s in summaries), tree
        )
        result.products = product_hits(summaries[offset : offset + limit], territory.currency)
    else:
        result.count = sum(b.size for b in buckets)
        result.facets = category_facets(
            ((categories_of.get(b.product_id), b.size) for b in buckets), tree
        )
        rows, page_products = page_rows(scorer, buckets, sort, limit, offset)
        result.offers = offer_hits(
            rows,
            currency=territory.currency,
            snapshot=snapshot,
            distances=shops.distances,
            products=page_products,
        )
    return result


def _browse(
    text: _TextStage,
    scope: OfferScope,
    snapshot: ShopSnapshot,
    shops: _Shops,
    tree: CategoryTree,
    territory: Territory,
    did_you_mean: str | None,
    sort: Sort,
    limit: int,
    offset: int,
) -> SearchResult:
    scorer = Scorer(scope, {}, {}, shops.distances)
    count, by_category = text.browse_counts(scope)
    if sort == "price":
        rows = offers_by_price(scope, limit=limit, offset=offset)
    elif sort == "distance" and shops.distances:
        rows = nearest_rows(scope, shops.distances, limit + offset)[offset : offset + limit]
    else:
        shop_bonus = {sid: scorer.shop_bonus(sid) for sid in scope.named_shops or ()}
        rows = browse_page(scope, shop_bonus, STOCK_BONUS, limit=limit, offset=offset)
    return SearchResult(
        count=count,
        offers=offer_hits(
            [(row, scorer.offer(row)) for row in rows],
            currency=territory.currency,
            snapshot=snapshot,
            distances=shops.distances,
        ),
        facets=category_facets(by_category, tree),
        did_you_mean=did_you_mean,
    )


def _with_shops(
    suggestions: list[Suggestion], shop_ids: set[int], snapshot: ShopSnapshot
) -> list[Suggestion]:
    shown: set[str] = set()
    for sid in sorted(shop_ids, key=lambda s: (snapshot.shops[s].name, s)):
        info = snapshot.shops[sid]
        if len(shown) == MAX_SHOP_SUGGESTIONS:
            break
        if info.name not in shown:  # two shops of one name: the first stands for both
            shown.add(info.name)
            suggestions.append(Suggestion("shop", info.name, slug=info.slug))
    return suggestions


def autocomplete(*, territory: Territory, prefix: str, limit: int = 8) -> list[Suggestion]:
    """Suggestions while typing: categories and shops whose names hold the words typed
    (the last one as a prefix), then products (typos corrected)."""
    typed = words(prefix)
    if not typed or limit <= 0:
        return []
    snapshot, generation, tree = search_context(territory)
    text = _TextStage(territory.id, generation, snapshot)
    suggestions: list[Suggestion] = []
    for category in tree.by_id.values():
        if all(any(name.startswith(word) for name in category.words) for word in typed):
            suggestions.append(Suggestion("category", category.name, slug=category.slug))
    suggestions = suggestions[:2]
    plan = text.plan(prefix, complete_last=True)
    if not plan.words:
        return suggestions[:limit]
    shop_ids = set.intersection(*(set(word.shop_ids) for word in plan.words))
    if len(plan.words) == 1 and len(plan.words[0].typed) < MIN_PRODUCT_PREFIX:
        # Two letters match thousands of products: rayons and shops say more.
        return _with_shops(suggestions, shop_ids, snapshot)[:limit]
    suggestions = _with_shops(suggestions, shop_ids, snapshot)
    matches = text.match(plan.groups, require_all=True, category_ids=None, limit=limit * 4)
    # Among equally good names, the product more shops sell comes first.
    ranked = sorted(
        matches, key=lambda m: (-(m.score * (1 + 0.1 * math.log1p(m.offer_count))), m.product_id)
    )
    refs = product_refs(m.product_id for m in ranked)
    seen: set[str] = set()
    for match in ranked:
        if len(suggestions) >= limit:
            break
        ref = refs.get(match.product_id)
        if ref is None or fold(ref.name) in seen:
            continue
        seen.add(fold(ref.name))
        suggestions.append(Suggestion("product", ref.name, product_id=ref.id))
    return suggestions[:limit]
