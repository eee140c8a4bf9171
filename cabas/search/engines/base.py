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

    @abstractmethod
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
        or any group, best first. ``category_ids`` (None: any) filters before the limit."""

    @abstractmethod
    def index_size_bytes(self) -> int:
        """Bytes on disk of the full-text index (documents and vocabulary excluded)."""

    @abstractmethod
    def optimize(self) -> None:
        """Compact the index after a bulk rebuild."""
