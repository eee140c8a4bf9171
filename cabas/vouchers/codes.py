"""Card codes: generated, normalised, shown grouped, and encoded as a QR code."""

from __future__ import annotations

import io
import secrets

import segno

# No 0/O, 1/I/L, U/V: a code read aloud or typed from paper is not misread.
ALPHABET = "ABCDEFGHJKMNPQRSTWXYZ23456789"
CODE_LENGTH = 12
GROUP = 4
QR_PREFIX = "CABAS:"


def code_generate() -> str:
    """A random code of ``CODE_LENGTH`` characters (about 58 bits)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def code_normalise(text: object) -> str:
    """What a person typed or a scanner read, as the stored form (``""`` if unreadable)."""
    if not isinstance(text, str):
        return ""
    text = text.strip().upper()
    if text.startswith(QR_PREFIX):
        text = text[len(QR_PREFIX) :]
    cleaned = "".join(ch for ch in text if ch.isalnum())
    if len(cleaned) != CODE_LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return ""
    return cleaned


def code_display(code: str) -> str:
    """``ABCDEFGHJKMN`` → ``ABCD-EFGH-JKMN``."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def code_qr_payload(code: str) -> str:
    """The text a QR code carries: a prefix a scanner can recognise, then the code."""
    return f"{QR_PREFIX}{code}"


def gift_card_qr_svg(code: str) -> str:
    """The card's QR code as an inline SVG document (``segno``, error correction M)."""
    qr = segno.make(code_qr_payload(code_normalise(code) or code), error="m", micro=False)
    out = io.BytesIO()
    qr.save(out, kind="svg", scale=4, border=2, xmldecl=False, svgns=True)
    return out.getvalue().decode("utf-8")
