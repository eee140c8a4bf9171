"""A per-process cache of what search derives from the search index.

The text stage of a search (the query plan with its typo corrections, then the ranked
product matches) reads only the territory's search documents and vocabulary, the shop
names of the snapshot and the category tree. Shoppers type the same few hundred queries
over and over, so each worker keeps these answers in a bounded LRU map, keyed by:

- the territory's index *generation* (:class:`~cabas.search.models.SearchIndexState`),
  replaced by every index writer in its own transaction and read with the shop
  fingerprint in the one query each search already makes: once a writer commits, no
  reader uses an answer of the old index;
- for plans, the shop snapshot's fingerprint (shop names name shops);
- everything the computation takes (the words, the category ids, the limit).

Browsing named shops also keeps its offer counts by category here when no stock or price
filter applies: which offers are active in which shop changes only through the index
services, which replace the generation. Everything else of the offer stage is read fresh
on every search: prices, stock, opening hours, distances, the page itself.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.conf import settings

T = TypeVar("T")

# Entries per process (``SEARCH_TEXT_CACHE_ENTRIES``): a ranked match list holds up to
# 1,000 products, about 100 kB at most and a few kB for most queries.
DEFAULT_ENTRIES = 1024


class TextCache:
    """A thread-safe LRU map; ``max_entries`` 0 turns it off."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        if self.max_entries <= 0:
            return compute()
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                self.hits += 1
                return self._entries[key]  # type: ignore[return-value]
        value = compute()  # outside the lock: two threads may compute it, both right
        with self._lock:
            self.misses += 1
            self._entries[key] = value
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)


text_cache = TextCache(getattr(settings, "SEARCH_TEXT_CACHE_ENTRIES", DEFAULT_ENTRIES))
