"""Operator-written page text to HTML, safely: everything is escaped first.

The syntax is what a person types without knowing any: blank lines separate
paragraphs, ``## `` starts a heading, ``- `` a list item; web addresses become
links. No raw HTML ever reaches the page.
"""

from __future__ import annotations

from django.utils.html import escape, urlize
from django.utils.safestring import SafeString, mark_safe


def _inline(text: str) -> str:
    # urlize escapes its input (autoescape=True) and only links http(s) and www. addresses.
    return urlize(text, nofollow=True, autoescape=True)


def render_page_body(text: str, *, heading_level: int = 2) -> SafeString:
    blocks: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(f"<p>{'<br>'.join(_inline(line) for line in paragraph)}</p>")
            paragraph.clear()
        if items:
            blocks.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + "</ul>")
            items.clear()

    for raw in (text or "").replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("## "):
            flush()
            blocks.append(f"<h{heading_level}>{escape(line[3:].strip())}</h{heading_level}>")
        elif line.startswith("- "):
            if paragraph:
                flush()
            items.append(line[2:].strip())
        else:
            if items:
                flush()
            paragraph.append(line)
    flush()
    return mark_safe("\n".join(blocks))  # noqa: S308 (every piece is escaped above)
