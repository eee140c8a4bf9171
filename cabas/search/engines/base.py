"""What a full-text engine does for search: match product documents, ranked.

A query reaches the engine already normalised (:mod:`cabas.search.text`): groups of
alternative terms made only of ``[a-z0-9]``, one group per word typed. The engine never
sees the user's raw text, so no operator, quote or SQL fragment typed in the search box
can reach MATCH or to_tsquery.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

_SAFE_TERM = re.compile(r"^[a-z0-9]{1,40}$")


@dataclass(frozen=True)
class Term:
    """One normalised term; ``prefix`` matches every indexed stem that starts with it."""

    text: str
    prefix: bool = False

    def __post_init__(self) -> None:
        if not _SAFE_TERM.match(self.text):
            raise ValueError(f"not a normalised term: {self.text!r}")


# One group per query word: the word matches when any of its terms does.
Group = tuple[Term, ...]


class Match(NamedTuple):
    product_id: int
    score: float  # higher is better; comparable only within one answer
    offer_count: int
    category_id: int | None


class SearchEngine(ABC):
    vendor: str

    def match(
        self,
        *,
        territory_id: int,
        groups: Sequence[Group],
        require_all: bool,
        category_ids: Sequence[int] | None,
        limit: int,
    ) -> list[Match]:
        """Products of the territory whose document matches every group (``require_all``)
        or any group, best first. ``category_ids`` (None: any) filters before the limit.

        One word whose only term the territory's documents hold is read from its top list
        (:mod:`cabas.search.ranklists`); anything else is scored by the full-text index."""
        if len(groups) == 1:
            found = self.listed(
                territory_id=territory_id, group=groups[0], category_ids=category_ids, limit=limit
            )
            if found is not None:
                return found
        return self.scan(
            territory_id=territory_id,
            groups=groups,
            require_all=require_all,
            category_ids=category_ids,
            limit=limit,
        )

    def listed(
        self,
        *,
        territory_id: int,
        group: Group,
        category_ids: Sequence[int] | None,
        limit: int,
    ) -> list[Match] | None:
        """The matches of one group from the top list of its one live term; None when the
        list cannot answer (a prefix, or several terms of the group held by documents).
        Scores are the list's: proportional, within one answer, to :meth:`scan`'s."""
        if category_ids is not None and not category_ids:
            return []
        if len(group) == 1:
            term = group[0]
        elif any(
            all(t.text.startswith(p.text) for t in group if not t.prefix) for p in group if p.prefix
        ):
            # A prefix of every whole term ("cho" and "cho*" while typing): it is live as
            # soon as any of them is, so the list can never answer. The test would cost a
            # prefix search of the full-text index (2-4 ms for three letters on PostgreSQL)
            # before the scan does it again.
            return None
        else:
            live = [
                t for t, held in zip(group, self.held(territory_id, group), strict=True) if held
            ]
            if not live:
                return []
            if len(live) > 1:
                return None
            term = live[0]
        if term.prefix:
            return None
        return self.read_list(territory_id, term, category_ids, limit)

    @abstractmethod
    def scan(
        self,
        *,
        territory_id: int,
        groups: Sequence[Group],
        require_all: bool,
        category_ids: Sequence[int] | None,
        limit: int,
    ) -> list[Match]:
        """:meth:`match` through the full-text index, every matching document scored."""

    @abstractmethod
    def held(self, territory_id: int, terms: Sequence[Term]) -> list[bool]:
        """Whether some document of the territory holds each term (one query)."""

    @abstractmethod
    def read_list(
        self, territory_id: int, term: Term, category_ids: Sequence[int] | None, limit: int
    ) -> list[Match]:
        """The best ``limit`` documents of ``term``'s top list (of ``category_ids``)."""

    @abstractmethod
    def index_size_bytes(self) -> int:
        """Bytes on disk of the full-text index (documents and vocabulary excluded)."""

    @abstractmethod
    def optimize(self) -> None:
        """Compact the index after a bulk rebuild."""
