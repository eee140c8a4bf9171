"""From what a shopper typed to what the engine matches: words, their alternatives
(stem, typo corrections, prefix of the last word) and the shops whose names they name."""

from __future__ import annotations

from dataclasses import dataclass

from .engines import Group, Term
from .shop_snapshot import ShopSnapshot
from .text import MAX_TEXT_CHARS, is_correctable, stem, words
from .vocabulary import corrections, known_stems

MAX_QUERY_WORDS = 8
MAX_CORRECTIONS = 3
MIN_PREFIX_CHARS = 2


@dataclass(frozen=True)
class WordPlan:
    typed: str  # the folded word as typed
    terms: Group  # alternatives handed to the engine
    corrected: str | None  # the vocabulary word a typo was corrected to
    shop_ids: frozenset[int]  # approved shops whose name holds this word

    @property
    def shown(self) -> str:
        return self.corrected or self.typed


@dataclass(frozen=True)
class QueryPlan:
    words: tuple[WordPlan, ...]

    @property
    def is_empty(self) -> bool:
        return not self.words

    @property
    def groups(self) -> list[Group]:
        return [word.terms for word in self.words]

    @property
    def did_you_mean(self) -> str | None:
        if not any(word.corrected for word in self.words):
            return None
        return " ".join(word.shown for word in self.words)


def plan_query(
    *, territory_id: int, text: str, snapshot: ShopSnapshot, complete_last: bool
) -> QueryPlan:
    """``complete_last``: the last word is still being typed (autocomplete), so it also
    matches as a prefix even when it is a known word; otherwise only when it is unknown."""
    typed: list[str] = []
    seen: set[str] = set()
    for word in words(text[:MAX_TEXT_CHARS]):
        if stem(word) not in seen:
            seen.add(stem(word))
            typed.append(word)
        if len(typed) == MAX_QUERY_WORDS:
            break
    if not typed:
        return QueryPlan(())
    known = known_stems(territory_id, (stem(w) for w in typed if w.isalpha()))
    unknown = [w for w in typed if w.isalpha() and stem(w) not in known]
    fixes = corrections(territory_id, unknown)
    plans = []
    for position, word in enumerate(typed):
        word_stem = stem(word)
        is_last = position == len(typed) - 1
        is_known = word.isdigit() or word_stem in known or word_stem in snapshot.shops_by_stem
        terms: list[Term] = [Term(word_stem)]
        corrected = None
        if not is_known:
            candidates = [(c.term, c.stem, c.document_count) for c in fixes.get(word, [])]
            candidates += snapshot.corrections(word)
            candidates.sort(key=lambda row: (-row[2], row[0]))
            for _term, term_stem, _count in candidates[:MAX_CORRECTIONS]:
                if Term(term_stem) not in terms:
                    terms.append(Term(term_stem))
            if candidates and is_correctable(word):
                corrected = candidates[0][0]
        completes = complete_last or not is_known
        if is_last and completes and word.isalpha() and len(word) >= MIN_PREFIX_CHARS:
            terms.append(Term(word, prefix=True))
            if word_stem != word:
                terms.append(Term(word_stem, prefix=True))
        shop_ids: set[int] = set()
        for term in terms:
            shop_ids |= snapshot.shops_matching(term.text, term.prefix)
        plans.append(
            WordPlan(
                typed=word,
                terms=tuple(dict.fromkeys(terms)),
                corrected=corrected,
                shop_ids=frozenset(shop_ids),
            )
        )
    return QueryPlan(tuple(plans))
