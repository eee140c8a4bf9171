"""French text normalisation shared by indexing and querying, and the edit distance.

Both search engines index and query the output of :func:`stems`, so SQLite (which has no
French stemmer) and PostgreSQL match the same words: lower case, accents and ligatures
folded, punctuation split, numbers apart from letters, Snowball French stems.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

import snowballstemmer

# Longest text read from a query or a field: enough for any product name, and a hostile
# 10,000-character query costs no more than a long one.
MAX_TEXT_CHARS = 400
MAX_WORD_CHARS = 40

# Letters NFKD does not decompose into a base letter plus accents.
_FOLDED_LETTERS = str.maketrans(
    {
        "œ": "oe",
        "Œ": "oe",
        "æ": "ae",
        "Æ": "ae",
        "ß": "ss",
        "ẞ": "ss",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ł": "l",
        "Ł": "l",
        "ı": "i",
        "þ": "th",
        "ð": "d",
    }
)
_WORD_RE = re.compile(r"[a-z]+|[0-9]+")

# Words that carry no meaning in a product name or a query ("pâte à tartiner", "jus d'orange").
# One-letter words (l', d', à, g, x) are dropped too.
STOP_WORDS = frozenset(
    [
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "cet",
        "cette",
        "dans",
        "de",
        "des",
        "du",
        "en",
        "et",
        "il",
        "la",
        "le",
        "les",
        "leur",
        "ma",
        "mes",
        "mon",
        "ou",
        "par",
        "pour",
        "sa",
        "se",
        "ses",
        "son",
        "sur",
        "ta",
        "tes",
        "ton",
        "un",
        "une",
        "vos",
        "votre",
        "nos",
        "notre",
        "qu",
        "que",
        "qui",
        "est",
    ]
)

_local = threading.local()


def fold(text: str) -> str:
    """Lower case ASCII: accents and ligatures folded, anything else (emoji, CJK) dropped."""
    decomposed = unicodedata.normalize("NFKD", text[:MAX_TEXT_CHARS].translate(_FOLDED_LETTERS))
    return decomposed.encode("ascii", "ignore").decode("ascii").lower()


def words(text: str) -> list[str]:
    """The meaningful folded words of ``text``, in order (duplicates kept)."""
    return [
        word[:MAX_WORD_CHARS]
        for word in _WORD_RE.findall(fold(text))
        if word not in STOP_WORDS and (len(word) > 1 or word.isdigit())
    ]


def _stemmer() -> snowballstemmer.stemmer:
    # Snowball stemmers keep state while they work: one per thread.
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("french")
    return stemmer


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball French stem of a folded word; numbers are kept whole."""
    if word.isdigit():
        return word
    return str(_stemmer().stemWord(word)) or word


def stems(text: str) -> list[str]:
    return [stem(word) for word in words(text)]


def stem_text(text: str) -> str:
    """The indexed form of a field: its stems, space-separated."""
    return " ".join(stems(text))


def within_one_edit(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance ≤ 1: one insertion, deletion, substitution or swap of
    two neighbouring letters ("chocolta" → "chocolat")."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la > lb:
        a, b, la, lb = b, a, lb, la
    i = 0
    while i < la and a[i] == b[i]:
        i += 1
    if la < lb:
        return a[i:] == b[i + 1 :]
    if a[i + 1 :] == b[i + 1 :]:
        return True
    return i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]


def deletion_keys(word: str) -> set[str]:
    """SymSpell keys: the word and every word made by deleting one letter. Two words within
    one edit (a swap included) always share a key, so a lookup of the keys of a typed word
    finds every vocabulary candidate without scanning the vocabulary."""
    return {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}


def is_correctable(word: str) -> bool:
    """Words long enough for a typo to be told apart from another real word."""
    return len(word) >= 5 and word.isalpha()
