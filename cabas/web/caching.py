"""Storefront values kept in the Django cache, keyed by the territory's data generation.

The cache is Redis in production (``REDIS_URL``: shared by every instance) and local
memory otherwise. What is kept here is derived from the territory's public shops and
catalogue only — the map markers, the shop counts by category, which shops are open this
minute — never from a visitor, a cart, prices or stock.

The key carries the *data generation* (:func:`cabas.search.shop_snapshot.data_generation`,
the token search already keys its own caches on): the fingerprint of the shops and their
closures (a shop saved, added or removed, a closure added or removed) and the search
index generation, which every index writer replaces in its own transaction (offers
activated or withdrawn, products changed, shops approved, suspended or renamed). A
write therefore invalidates by changing the key: the next read misses and computes the
new value, and entries of old generations expire. Reading the generation is one small
indexed query per request.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

from cabas.search.shop_snapshot import data_generation
from cabas.territories.models import Territory

T = TypeVar("T")

PREFIX = "storefront"
# Entries of a generation no longer current are simply left to expire.
GENERATION_TIMEOUT = 15 * 60
# Open states are recomputed at least once a minute.
MINUTE_TIMEOUT = 90


def generation_of(territory: Territory) -> str:
    """A short token that changes whenever the territory's shop or catalogue data changes."""
    return generation_of_id(territory.pk)


def generation_of_id(territory_id: int) -> str:
    raw = repr(data_generation(territory_id)).encode()
    return hashlib.blake2b(raw, digest_size=8).hexdigest()


def cached(
    territory: Territory,
    name: str,
    generation: str,
    compute: Callable[[], T],
    *,
    minute: str = "",
) -> T:
    """``compute()`` once per territory, generation (and ``minute``, for what depends on
    the time), shared by every process through the cache."""
    key = f"{PREFIX}:{name}:{territory.pk}:{generation}:{minute}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, MINUTE_TIMEOUT if minute else GENERATION_TIMEOUT)
    return value
