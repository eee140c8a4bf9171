"""A shopping list as typed or pasted: one wanted item per line.

"6 œufs" is six of "œufs"; "un bouquet" is one "bouquet"; "500 g de comté" is one
"comté" (a weight is not a count). Bullets, check boxes and articles are dropped so
that each line reaches search as the words that name the item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cabas.cart.models import MAX_LINE_QUANTITY

MAX_LINES = 50
MAX_LINE_LENGTH = 120

_BULLET = re.compile(r"^\s*(?:[-*•·–—>]+|\[\s*[xX]?\s*\]|\d+[.)](?=\s))\s*")
_COUNT_WORDS = {
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "douze": 12,
}
_LEADING_COUNT = re.compile(r"^(\d{1,3})\s*(?:x|×|\*)?\s+(?=\S)", re.IGNORECASE)
_TRAILING_COUNT = re.compile(r"\s+(?:x|×|\*)\s*(\d{1,3})$|\s+(\d{1,3})\s*(?:x|×)$", re.IGNORECASE)
_MEASURE = re.compile(
    r"^\d+(?:[.,]\d+)?\s*(?:g|gr|kg|mg|l|cl|ml|dl|litres?|grammes?|kilos?)\b\.?\s*",
    re.IGNORECASE,
)
_ARTICLE = re.compile(
    r"^(?:de\s+la|de\s+l['’]|des|du|de|d['’]|le|la|les|l['’]|un|une)(?:\s+|(?<=['’])|$)",
    re.IGNORECASE,
)
_SPACES = re.compile(r"\s+")
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class ListLine:
    text: str  # the line as the shopper wrote it (trimmed)
    query: str  # what is searched
    quantity: int


def _strip_articles(text: str) -> str:
    previous = None
    while previous != text:
        previous = text
        text = _ARTICLE.sub("", text, count=1).strip()
    return text


def parse_line(raw: str) -> ListLine | None:
    """One line of the list, or None when nothing is left to search."""
    text = _SPACES.sub(" ", raw).strip()[:MAX_LINE_LENGTH]
    body = _BULLET.sub("", text).strip()
    quantity = 1
    if match := _MEASURE.match(body):
        body = body[match.end() :]
    elif match := _LEADING_COUNT.match(body):
        quantity = int(match.group(1))
        body = body[match.end() :]
    else:
        first, _sep, rest = body.partition(" ")
        count = _COUNT_WORDS.get(first.lower())
        if count is not None and rest:
            quantity = count
            body = rest
    if match := _TRAILING_COUNT.search(body):
        quantity = int(match.group(1) or match.group(2))
        body = body[: match.start()]
    query = _strip_articles(body.strip(" ,;:."))
    if not _LETTER.search(query):  # nothing but digits and signs: nothing to search
        return None
    return ListLine(text=text, query=query, quantity=max(1, min(quantity, MAX_LINE_QUANTITY)))


def parse_list(raw_lines: list[str]) -> list[ListLine]:
    """The lines worth searching, in the shopper's order; the same item twice is one line
    with the quantities added."""
    found: dict[str, ListLine] = {}
    for raw in raw_lines:
        line = parse_line(raw)
        if line is None:
            continue
        key = line.query.lower()
        if key in found:
            kept = found[key]
            found[key] = ListLine(
                text=kept.text,
                query=kept.query,
                quantity=min(kept.quantity + line.quantity, MAX_LINE_QUANTITY),
            )
        else:
            found[key] = line
    return list(found.values())


def split_text(text: str) -> list[str]:
    """The raw lines of a pasted list: newlines, or commas/semicolons on a single line."""
    rows = [row for row in text.splitlines() if row.strip()]
    if len(rows) == 1 and re.search(r"[,;]", rows[0]):
        rows = [part for part in re.split(r"[,;]", rows[0]) if part.strip()]
    return rows
