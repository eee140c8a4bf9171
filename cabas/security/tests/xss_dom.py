"""What a page would run, read from its HTML the way a browser tokenises it.

``live_code(html)`` lists everything in a document that executes or restyles without
coming from our static files: inline scripts, event-handler attributes, ``javascript:``
URLs, ``style`` attributes and ``<style>`` elements, scripts from elsewhere, plugin and
frame elements, ``<base>`` and refresh ``<meta>``. Data blocks (``application/json``,
``application/ld+json``) are data, but must parse as JSON: a payload that closed the
element early leaves broken JSON behind. Used by the CSP tests (our own pages carry
none of these) and by the XSS corpus (a payload that turned into one is a hole).
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

DATA_TYPES = {"application/json", "application/ld+json"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}
FORBIDDEN_ELEMENTS = {"iframe", "frame", "object", "embed", "applet", "base"}
# Browsers drop these characters before reading a URL's scheme.
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._script: dict[str, str] | None = None
        self._script_text: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}> event handler")
            if name == "style":
                self.found.append(f"<{tag} style={value!r}> inline style")
            if name in URL_ATTRIBUTES and _URL_NOISE.sub("", value or "").lower().startswith(
                ("javascript:", "vbscript:", "data:text/html")
            ):
                self.found.append(f"<{tag} {name}={value!r}> script URL")
        if tag in FORBIDDEN_ELEMENTS:
            self.found.append(f"<{tag}> element")
        # Our only refresh is the import progress page without JavaScript (the same page).
        refresh = tag == "meta" and values.get("http-equiv", "").lower() == "refresh"
        if refresh and "url=" in values.get("content", "").lower():
            self.found.append(f"<meta refresh {values.get('content')!r}>")
        if tag == "style":
            self._in_style = True
            self.found.append("<style> element")
        if tag == "script":
            self._script = values
            self._script_text = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False
        if tag != "script" or self._script is None:
            return
        attrs, text = self._script, "".join(self._script_text)
        self._script = None
        kind = attrs.get("type", "").strip().lower()
        if kind in DATA_TYPES:
            try:
                json.loads(text)
            except ValueError:
                self.found.append(f"<script type={kind}> that is not JSON: {text[:120]!r}")
            return
        source = attrs.get("src", "")
        if not source:
            self.found.append(f"inline <script>: {text[:120]!r}")
        elif not source.startswith("/static/") and not source.startswith("/admin/jsi18n/"):
            self.found.append(f"<script src={source!r}> from elsewhere")


def live_code(html: str) -> list[str]:
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner.found
