"""An in-process snapshot of a territory's approved shops, for the offer stage of search.

Search joins offers to shops on every query: their coordinates, whether they are open
now (OpenStreetMap hours, evaluated in Python) and the words of their names. Evaluating
hours for every shop on every query would dominate the cost, so each process keeps one
snapshot per territory and rebuilds it when a minute has passed or when the territory's
shops or closures changed (checked with one small query per search).
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from django.utils import timezone

from cabas.geo.distance import EARTH_RADIUS_KM, Point
from cabas.shops import hours
from cabas.shops.models import Shop, ShopClosure, ShopStatus
from cabas.territories.models import Territory

from .categories import CategoryTree, tree_from_rows, tree_rows_sql
from .models import SearchIndexState
from .offers import HIDDEN_CODE, NEAR_TIERS_KM, OPEN_CODE, ZERO_CODE
from .sql import search_alias, search_connection
from .text import deletion_keys, is_correctable, stem, within_one_edit, words

OPEN_STATE_SECONDS = 60.0
STATE_TABLE = SearchIndexState._meta.db_table
_lock = threading.Lock()
# One snapshot per (territory, database alias): a request pinned to the primary and one
# reading the replica each see the shops of the database they read.
_snapshots: dict[tuple[int, str], ShopSnapshot] = {}


@dataclass(frozen=True)
class ShopInfo:
    id: int
    slug: str
    name: str
    lat: float
    lon: float
    postcode: str
    is_open: bool


@dataclass
class ShopSnapshot:
    territory_id: int
    fingerprint: tuple[object, ...]
    built_at: float
    shops: dict[int, ShopInfo]
    open_ids: frozenset[int]
    open_sorted: tuple[int, ...]
    by_slug: dict[str, int]
    # Shops of the territory that are not approved: their offers never show.
    hidden_ids: frozenset[int]
    # Shop-name vocabulary: stem → shops, sorted stems for prefixes, typo keys.
    shops_by_stem: dict[str, frozenset[int]] = field(default_factory=dict)
    sorted_stems: list[str] = field(default_factory=list)
    word_stem: dict[str, str] = field(default_factory=dict)
    keys: dict[str, set[str]] = field(default_factory=dict)
    radians: dict[int, tuple[float, float]] = field(default_factory=dict)
    # The distinct stems of each shop's name (its words of letters), for how much of a
    # name a query covers.
    name_stems: dict[int, frozenset[str]] = field(default_factory=dict)
    # Lowest and highest id of the territory's shops, approved or not ((0, -1): none).
    shop_span: tuple[int, int] = (0, -1)
    # What searches derive from this snapshot alone (cabas.search.selectors._shops_for).
    derived: dict[object, object] = field(default_factory=dict, compare=False, repr=False)

    def distances_km(self, centre: Point, ids: Iterable[int] | None = None) -> dict[int, float]:
        """Distance from ``centre`` to each shop (all, or ``ids``). Equirectangular: within a
        town it differs from the great circle by far less than a metre per kilometre, and
        it costs a fraction of haversine on every shop of every search with a centre."""
        lat0, lon0 = math.radians(centre.lat), math.radians(centre.lon)
        found = {}
        for sid in self.shops if ids is None else ids:
            lat, lon = self.radians[sid]
            x = (lon - lon0) * math.cos((lat + lat0) / 2)
            found[sid] = EARTH_RADIUS_KM * math.hypot(x, lat - lat0)
        return found

    @cached_property
    def _base_codes(self) -> tuple[bytes, bytes]:
        """The shop codes of every approved shop, without and with the open signal."""
        first, last = self.shop_span
        closed = bytearray([HIDDEN_CODE]) * max(0, last - first + 1)
        for sid in self.shops:
            closed[sid - first] = ZERO_CODE
        with_open = bytearray(closed)
        for sid in self.open_ids:
            with_open[sid - first] += OPEN_CODE
        return bytes(closed), bytes(with_open)

    def shop_codes(
        self,
        *,
        allowed: Iterable[int] | None,
        open_signal: bool,
        near_tiers: Sequence[Sequence[int]] | None,
    ) -> bytes:
        """What the offer stage reads of each shop, one byte per id from ``shop_span[0]``
        (:class:`cabas.search.offers.OfferScope`): ``-`` for a shop whose offers do not
        show (not approved, or not among ``allowed`` shops of this snapshot), else the
        ASCII digit ``OPEN_CODE * open + near tier``."""
        base = self._base_codes[1 if open_signal else 0]
        if allowed is None and not near_tiers:
            return base
        first = self.shop_span[0]
        if allowed is None:
            codes = bytearray(base)
        else:
            codes = bytearray([HIDDEN_CODE]) * len(base)
            for sid in allowed:
                codes[sid - first] = base[sid - first]
        for tier, shops in enumerate(near_tiers or ()):
            step = len(NEAR_TIERS_KM) - tier
            for sid in shops:
                if codes[sid - first] != HIDDEN_CODE:
                    codes[sid - first] += step
        return bytes(codes)

    def shops_matching(self, stem_text: str, prefix: bool) -> set[int]:
        if not prefix:
            return set(self.shops_by_stem.get(stem_text, ()))
        found: set[int] = set()
        start = bisect.bisect_left(self.sorted_stems, stem_text)
        for candidate in self.sorted_stems[start:]:
            if not candidate.startswith(stem_text):
                break
            found.update(self.shops_by_stem[candidate])
        return found

    def corrections(self, word: str) -> list[tuple[str, str, int]]:
        """Shop-name words one edit from ``word``: (word, stem, number of shops)."""
        if not is_correctable(word):
            return []
        found = {
            candidate
            for key in deletion_keys(word)
            for candidate in self.keys.get(key, ())
            if candidate != word and within_one_edit(word, candidate)
        }
        return sorted(
            (
                (
                    candidate,
                    self.word_stem[candidate],
                    len(self.shops_by_stem[self.word_stem[candidate]]),
                )
                for candidate in found
            ),
            key=lambda row: (-row[2], row[0]),
        )


def _fingerprint(
    territory_id: int, alias: str, *, categories: bool = False
) -> tuple[tuple[object, ...], int, str | None]:
    """The shops' fingerprint and the generation of the territory's search index, read
    from the database ``alias`` the rest of the search reads (:func:`search_alias`): a
    replica's lag must not stamp its older shops with the primary's fingerprint.

    One round trip: a shop saved bumps the highest updated_at, a shop added or removed
    changes the count or highest id; a closure added or removed changes its count or
    highest id. The index generation rides along (0 for a territory never indexed), and
    with ``categories`` the rows of the category tree (:func:`tree_rows_sql`; else None).
    Each aggregate is its own subquery: a MAX alone is one index seek, where three
    aggregates over one scan read every shop's row (SQLite: 147 → 33 µs for 1,000 shops)."""
    shop_table = Shop._meta.db_table
    closure_table = ShopClosure._meta.db_table
    connection = search_connection(alias)
    tree = f", {tree_rows_sql(connection)}" if categories else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {shop_table} WHERE territory_id = %s), "  # noqa: S608
            f"(SELECT MAX(id) FROM {shop_table} WHERE territory_id = %s), "
            f"(SELECT MAX(updated_at) FROM {shop_table} WHERE territory_id = %s), "
            f"(SELECT COUNT(*) FROM {closure_table} WHERE territory_id = %s), "
            f"(SELECT MAX(id) FROM {closure_table} WHERE territory_id = %s), "
            f"(SELECT generation FROM {STATE_TABLE} WHERE territory_id = %s){tree}",
            [territory_id] * 6,
        )
        row = cursor.fetchone()
    return tuple(row[:5]), int(row[5] or 0), (row[6] if categories else None)


def data_generation(territory_id: int) -> tuple[object, ...]:
    """What changes whenever the territory's public shop data or its search index changes:
    the shops' fingerprint and the index generation, in one small query. The storefront
    keys its shared caches on it (:mod:`cabas.web.caching`)."""
    fingerprint, generation, _rows = _fingerprint(territory_id, search_alias())
    return (*fingerprint, generation)


class SearchContext(NamedTuple):
    snapshot: ShopSnapshot
    generation: int  # of the territory's search index
    tree: CategoryTree


def search_state(territory: Territory, at: dt.datetime | None = None) -> tuple[ShopSnapshot, int]:
    """The territory's approved shops, and the generation of its search index (what
    :mod:`cabas.search.cache` keys on). ``at`` (tests, planning) evaluates the hours at
    that moment and bypasses the snapshot cache."""
    context = search_context(territory, at)
    return context.snapshot, context.generation


def search_context(territory: Territory, at: dt.datetime | None = None) -> SearchContext:
    """:func:`search_state` and the category tree, read in the same query."""
    alias = search_alias()
    fingerprint, generation, rows = _fingerprint(territory.id, alias, categories=True)
    tree = tree_from_rows(rows, search_connection(alias).vendor)
    if at is not None:
        return SearchContext(_build(territory, fingerprint, at, alias), generation, tree)
    snapshot = _snapshots.get((territory.id, alias))
    if (
        snapshot is not None
        and snapshot.fingerprint == fingerprint
        and time.monotonic() - snapshot.built_at < OPEN_STATE_SECONDS
    ):
        return SearchContext(snapshot, generation, tree)
    snapshot = _build(territory, fingerprint, timezone.now(), alias)
    with _lock:
        _snapshots[(territory.id, alias)] = snapshot
    return SearchContext(snapshot, generation, tree)


def shop_snapshot(territory: Territory, at: dt.datetime | None = None) -> ShopSnapshot:
    """The territory's approved shops. ``at`` (tests, planning) evaluates the hours at
    that moment and bypasses the cache."""
    return search_state(territory, at)[0]


def forget_shop_snapshots() -> None:
    """Drop this process's snapshots, and the search cache derived from them."""
    from .cache import text_cache

    with _lock:
        _snapshots.clear()
    text_cache.clear()


def _build(
    territory: Territory, fingerprint: tuple[object, ...], moment: dt.datetime, alias: str
) -> ShopSnapshot:
    local_day = hours.local_now(territory.timezone, moment).date()
    closures: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for shop_id, start, end in (
        ShopClosure.objects.using(alias)
        .filter(territory_id=territory.id, end_date__gte=local_day, start_date__lte=local_day)
        .values_list("shop_id", "start_date", "end_date")
    ):
        closures[shop_id].append((start, end))
    shops: dict[int, ShopInfo] = {}
    open_ids: set[int] = set()
    stems_to_shops: dict[str, set[int]] = defaultdict(set)
    word_stem: dict[str, str] = {}
    hidden: set[int] = set()
    name_stems: dict[int, frozenset[str]] = {}
    for shop_id, status, slug, name, lat, lon, postcode, expression in (
        Shop.objects.using(alias)
        .filter(territory_id=territory.id)
        .values_list("id", "status", "slug", "name", "lat", "lon", "postcode", "opening_hours")
    ):
        if status != ShopStatus.APPROVED:
            hidden.add(shop_id)
            continue
        state = hours.state_at(expression, territory.timezone, moment, closures.get(shop_id))
        shops[shop_id] = ShopInfo(shop_id, slug, name, lat, lon, postcode, state.is_open)
        if state.is_open:
            open_ids.add(shop_id)
        for word in words(name):
            if word.isalpha():
                word_stem[word] = stem(word)
                stems_to_shops[word_stem[word]].add(shop_id)
        name_stems[shop_id] = frozenset(stem(word) for word in words(name) if word.isalpha())
    keys: dict[str, set[str]] = defaultdict(set)
    for word in word_stem:
        if len(word) >= 4:
            for key in deletion_keys(word):
                keys[key].add(word)
    return ShopSnapshot(
        territory_id=territory.id,
        fingerprint=fingerprint,
        built_at=time.monotonic(),
        shops=shops,
        open_ids=frozenset(open_ids),
        open_sorted=tuple(sorted(open_ids)),
        by_slug={info.slug: info.id for info in shops.values()},
        hidden_ids=frozenset(hidden),
        shops_by_stem={s: frozenset(ids) for s, ids in stems_to_shops.items()},
        sorted_stems=sorted(stems_to_shops),
        word_stem=word_stem,
        keys=dict(keys),
        radians={
            sid: (math.radians(info.lat), math.radians(info.lon)) for sid, info in shops.items()
        },
        name_stems=name_stems,
        shop_span=(min(every), max(every)) if (every := shops.keys() | hidden) else (0, -1),
    )
