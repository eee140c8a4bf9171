"""A small text extractor for the PDFs fpdf2 writes with TrueType fonts (tests only).

fpdf2 writes text as 2-byte glyph ids in ``(...)`` strings of ``BT … ET`` blocks, after
a ``/F<n> <size> Tf`` choosing the font, and embeds for each font a ToUnicode CMap
mapping its glyph ids back to characters: reading both gives the page's text.
"""

from __future__ import annotations

import re
import zlib

_OBJECT = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_BFCHAR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_BFRANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_BLOCK = re.compile(rb"BT(.*?)ET", re.S)
_LENGTH = re.compile(rb"/Length\s+(\d+)\b(?!\s+\d+\s+R)")
_TOKEN = re.compile(rb"/(F\d+)\s+[\d.]+\s+Tf|\(((?:\\.|[^\\)])*)\)", re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _body(raw: bytes) -> bytes:
    match = _STREAM.search(raw)
    if match is None:
        return raw
    data = match.group(1)
    # The stream is exactly /Length bytes: compressed data may itself end with the "\r"
    # that the pattern takes for the end-of-line before "endstream" (1 stream in 256).
    length = _LENGTH.search(raw)
    if length is not None:
        data = raw[match.start(1) : match.start(1) + int(length.group(1))]
    try:
        return zlib.decompress(data)
    except zlib.error:
        return data


def _unescape(raw: bytes) -> bytes:
    out = bytearray()
    i = 0
    while i < len(raw):
        char = raw[i : i + 1]
        if char == b"\\":
            octal = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4])
            if octal:
                out.append(int(octal.group(0), 8))
                i += 1 + len(octal.group(0))
                continue
            following = raw[i + 1 : i + 2]
            out += _ESCAPES.get(following, following)
            i += 2
            continue
        out += char
        i += 1
    return bytes(out)


def _cmap(stream: bytes) -> dict[int, str]:
    glyphs: dict[int, str] = {}
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
        for low, high, start in _BFRANGE.findall(block):
            for offset in range(int(high, 16) - int(low, 16) + 1):
                glyphs[int(low, 16) + offset] = chr(int(start, 16) + offset)
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
        for gid, uni in _BFCHAR.findall(block):
            glyphs[int(gid, 16)] = bytes.fromhex(uni.decode()).decode("utf-16-be")
    return glyphs


def pdf_text(data: bytes) -> str:
    """Every text line of the document, each glyph decoded through its font's map."""
    objects = {int(number): raw for number, raw in _OBJECT.findall(data)}
    fonts: dict[bytes, dict[int, str]] = {}
    for raw in objects.values():
        for block in re.findall(rb"/Font\s*<<(.*?)>>", raw, re.S):
            for name, number in re.findall(rb"/(F\d+)\s+(\d+) 0 R", block):
                font = objects.get(int(number), b"")
                unicode_ref = re.search(rb"/ToUnicode\s+(\d+) 0 R", font)
                if unicode_ref:
                    fonts[name] = _cmap(_body(objects[int(unicode_ref.group(1))]))
    lines = []
    for raw in objects.values():
        if b"stream" not in raw:
            continue
        content = _body(raw)
        if b"begincmap" in content:
            continue
        current: dict[int, str] = {}  # the text state outlives BT … ET
        for block in _BLOCK.findall(content):
            line = ""
            for font, string in _TOKEN.findall(block):
                if font:
                    current = fonts.get(font, {})
                    continue
                text = _unescape(string)
                line += "".join(
                    current.get(int.from_bytes(text[i : i + 2], "big"), "\ufffd")
                    for i in range(0, len(text) - 1, 2)
                )
            if line:
                lines.append(line)
    return "\n".join(lines)
