"""The territory's vocabulary: every word of its indexed products, with the number of
documents holding it, and SymSpell deletion keys for typo correction."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db.models import F

from .models import SearchTerm, SearchTermKey
from .sql import in_list, search_connection
from .text import deletion_keys, is_correctable, stem, within_one_edit

BATCH = 2000
TERM_TABLE = SearchTerm._meta.db_table
KEY_TABLE = SearchTermKey._meta.db_table


def keyed(term: str) -> bool:
    """Terms that get deletion keys: anything a typed word of 5+ letters can be one edit from."""
    return len(term) >= 4 and term.isalpha()


def vocabulary_apply(*, territory_id: int, delta: Mapping[str, int]) -> None:
    """Add ``delta[term]`` to the document count of each term; terms reaching zero go.

    Counts move with ``F()`` updates, so two writers indexing different products of the
    same territory never lose an increment.
    """
    changes = {term: d for term, d in delta.items() if d}
    if not changes:
        return
    added = [term for term, d in changes.items() if d > 0]
    if added:
        _ensure_terms(territory_id, added)
    by_delta: dict[int, list[str]] = defaultdict(list)
    for term, d in changes.items():
        by_delta[d].append(term)
    for d, terms in by_delta.items():
        for start in range(0, len(terms), BATCH):
            SearchTerm.objects.filter(
                territory_id=territory_id, term__in=terms[start : start + BATCH]
            ).update(document_count=F("document_count") + d)
    removed = [term for term, d in changes.items() if d < 0]
    for start in range(0, len(removed), BATCH):
        SearchTerm.objects.filter(
            territory_id=territory_id,
            term__in=removed[start : start + BATCH],
            document_count__lte=0,
        ).delete()


def _ensure_terms(territory_id: int, terms: list[str]) -> None:
    for start in range(0, len(terms), BATCH):
        chunk = terms[start : start + BATCH]
        existing = set(
            SearchTerm.objects.filter(territory_id=territory_id, term__in=chunk).values_list(
                "term", flat=True
            )
        )
        missing = [term for term in chunk if term not in existing]
        if not missing:
            continue
        SearchTerm.objects.bulk_create(
            [SearchTerm(territory_id=territory_id, term=term, stem=stem(term)) for term in missing],
            ignore_conflicts=True,
        )
        created = SearchTerm.objects.filter(territory_id=territory_id, term__in=missing)
        vocabulary_add_keys(territory_id=territory_id, terms=created.values_list("id", "term"))


def vocabulary_add_keys(*, territory_id: int, terms: Iterable[tuple[int, str]]) -> None:
    rows = [
        SearchTermKey(territory_id=territory_id, key=key, term_id=term_id)
        for term_id, term in terms
        if keyed(term)
        for key in deletion_keys(term)
    ]
    SearchTermKey.objects.bulk_create(rows, batch_size=BATCH)


def vocabulary_build(*, territory_id: int, counts: Counter[str]) -> None:
    """Replace the territory's vocabulary with ``counts`` (a full rebuild)."""
    SearchTerm.objects.filter(territory_id=territory_id).delete()
    SearchTerm.objects.bulk_create(
        [
            SearchTerm(territory_id=territory_id, term=term, stem=stem(term), document_count=n)
            for term, n in counts.items()
            if n > 0
        ],
        batch_size=BATCH,
    )
    vocabulary_add_keys(
        territory_id=territory_id,
        terms=SearchTerm.objects.filter(territory_id=territory_id).values_list("id", "term"),
    )


# --- reads ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Correction:
    term: str
    stem: str
    document_count: int


def known_stems(territory_id: int, candidate_stems: Iterable[str]) -> set[str]:
    wanted = sorted(set(candidate_stems))
    if not wanted:
        return set()
    clause, params = in_list("stem", wanted)
    with search_connection().cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT stem FROM {TERM_TABLE} WHERE territory_id = %s AND {clause}",  # noqa: S608
            [territory_id, *params],
        )
        return {row[0] for row in cursor.fetchall()}


def corrections(territory_id: int, typed: Iterable[str]) -> dict[str, list[Correction]]:
    """For each typed word of 5+ letters, the vocabulary terms one edit away (a swap of two
    neighbouring letters counts as one), most frequent first."""
    words = sorted({word for word in typed if is_correctable(word)})
    if not words:
        return {}
    keys_of = {word: deletion_keys(word) for word in words}
    clause, params = in_list("k.key", sorted(set().union(*keys_of.values())))
    with search_connection().cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT k.key, t.term, t.stem, t.document_count FROM {KEY_TABLE} k "  # noqa: S608
            f"JOIN {TERM_TABLE} t ON t.id = k.term_id "
            f"WHERE k.territory_id = %s AND {clause}",
            [territory_id, *params],
        )
        rows = cursor.fetchall()
    by_key: dict[str, list[Correction]] = defaultdict(list)
    for key, term, term_stem, count in rows:
        by_key[key].append(Correction(term, term_stem, count))
    found: dict[str, list[Correction]] = {}
    for word, keys in keys_of.items():
        candidates = {
            c.term: c
            for key in keys
            for c in by_key.get(key, ())
            if c.term != word and within_one_edit(word, c.term)
        }
        if candidates:
            found[word] = sorted(candidates.values(), key=lambda c: (-c.document_count, c.term))
    return found
