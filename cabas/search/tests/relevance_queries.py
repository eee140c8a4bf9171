"""Writes ``relevance_queries.csv``: French queries built from real product names, each with
the product it must find. Run it again only when the query set should change::

    .venv/bin/python cabas/search/tests/relevance_queries.py [path/to/products_off_fr_5000.csv]

Queries come from the products of :func:`relevance_subset` (the test loads the same
subset), in six kinds: the exact name, the name without accents, a plural flipped, one
typo or swap of neighbouring letters in a word of 5+ letters (any word), a prefix (the
name with its last word still being typed) and the GTIN.
"""

from __future__ import annotations

import csv
import random
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUERIES_FILE = HERE / "relevance_queries.csv"
SUBSET_SIZE = 1500
PER_KIND = {"exact": 35, "no_accents": 35, "plural": 35, "typo": 45, "prefix": 35, "gtin": 10}


def read_products(path: Path) -> list[tuple[str, str]]:
    """(gtin, name) of every row, in file order."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            (row["barcode"], " ".join(row["product_name"].split()))
            for row in csv.DictReader(handle)
        ]


def relevance_subset(products: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A deterministic, evenly spread subset: 3 products in every 10."""
    return [row for index, row in enumerate(products) if index % 10 in (0, 3, 6)][:SUBSET_SIZE]


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _words(name: str) -> list[str]:
    return name.split()


def _plural_flip(name: str, rng: random.Random) -> str | None:
    words = _words(name)
    candidates = [i for i, w in enumerate(words) if w.isalpha() and len(w) >= 4]
    if not candidates:
        return None
    i = rng.choice(candidates)
    word = words[i]
    words[i] = word[:-1] if word.lower().endswith("s") else word + "s"
    return " ".join(words)


def _typo(name: str, rng: random.Random) -> str | None:
    words = _words(name)
    candidates = [i for i, w in enumerate(words) if w.isalpha() and len(w) >= 5]
    if not candidates:
        return None
    i = rng.choice(candidates)
    word = words[i]
    kind = rng.choice(["swap", "swap", "substitute", "delete", "insert"])
    pos = rng.randrange(1, len(word) - 1)
    if kind == "swap":
        typo = word[:pos] + word[pos + 1] + word[pos] + word[pos + 2 :]
    elif kind == "substitute":
        letter = rng.choice([c for c in "aeioulnrst" if c != word[pos].lower()])
        typo = word[:pos] + letter + word[pos + 1 :]
    elif kind == "delete":
        typo = word[:pos] + word[pos + 1 :]
    else:
        typo = word[:pos] + rng.choice("aeioulnrst") + word[pos:]
    if typo.lower() == word.lower():
        return None
    words[i] = typo
    return " ".join(words)


def _prefix(name: str, rng: random.Random) -> str | None:
    words = _words(name)
    last = words[-1]
    if len(words) < 2 or not last.isalpha() or len(last) < 5:
        return None
    keep = rng.randrange(3, len(last))
    return " ".join([*words[:-1], last[:keep]])


def build_queries(products: list[tuple[str, str]], seed: int = 3) -> list[tuple[str, str, str]]:
    rng = random.Random(seed)
    subset = relevance_subset(products)
    queries: list[tuple[str, str, str]] = []
    makers = {
        "exact": lambda name: name,
        "no_accents": lambda name: _strip_accents(name) if _strip_accents(name) != name else None,
        "plural": lambda name: _plural_flip(name, rng),
        "typo": lambda name: _typo(name, rng),
        "prefix": lambda name: _prefix(name, rng),
    }
    for kind, count in PER_KIND.items():
        pool = subset[:]
        rng.shuffle(pool)
        made = 0
        for gtin, name in pool:
            if made == count:
                break
            query = gtin if kind == "gtin" else makers[kind](name)
            if query:
                queries.append((kind, query, gtin))
                made += 1
    return queries


def main() -> None:
    source = (
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else HERE.parents[2] / "data" / ("products_off_fr_5000.csv")
    )
    queries = build_queries(read_products(source))
    with QUERIES_FILE.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["kind", "query", "gtin"])
        writer.writerows(queries)
    print(f"{len(queries)} requêtes écrites dans {QUERIES_FILE}")


if __name__ == "__main__":
    main()
