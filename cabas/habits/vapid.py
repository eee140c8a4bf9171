"""The server's VAPID identity for web push (RFC 8292), read from the settings.

Keys are base64url: the private key as its raw 32-byte scalar, the public key as the
65-byte uncompressed P-256 point browsers take as ``applicationServerKey``. Push is
offered only when the three settings are present and agree (the public key is the
private key's); otherwise ``vapid_config`` answers None and the option stays hidden.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings

CONTACT = re.compile(r"^(mailto:[^@\s]+@[^@\s]+\.[^@\s]+|https://[^\s/]+\.[^\s]+)$")


@dataclass(frozen=True)
class VapidConfig:
    private_key: str
    public_key: str
    contact: str


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(value: str) -> bytes:
    """Decode base64url with or without padding; raises ValueError when malformed."""
    stripped = value.rstrip("=")
    if not re.fullmatch(r"[A-Za-z0-9_-]*", stripped) or len(stripped) % 4 == 1:
        raise ValueError("not base64url")
    try:
        return base64.urlsafe_b64decode(stripped + "=" * (-len(stripped) % 4))
    except binascii.Error as error:
        raise ValueError("not base64url") from error


def public_key_of(private_key: ec.EllipticCurvePrivateKey) -> str:
    point = private_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url_encode(point)


def vapid_keys_generate() -> tuple[str, str]:
    """A fresh (private, public) key pair, both base64url, for the environment file."""
    key = ec.generate_private_key(ec.SECP256R1())
    scalar = key.private_numbers().private_value.to_bytes(32, "big")
    return b64url_encode(scalar), public_key_of(key)


def private_key_load(value: str) -> ec.EllipticCurvePrivateKey:
    """The P-256 key of a base64url raw scalar; raises ValueError when it is not one."""
    raw = b64url_decode(value.strip())
    if len(raw) != 32:
        raise ValueError("a VAPID private key is 32 bytes")
    return ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())


def vapid_problem(*, private_key: str, public_key: str, contact: str) -> str | None:
    """What is wrong with these settings (English, for the system check), or None."""
    if not (private_key and public_key and contact):
        return (
            "WEBPUSH_VAPID_PRIVATE_KEY, WEBPUSH_VAPID_PUBLIC_KEY and WEBPUSH_CONTACT are all needed"
        )
    try:
        key = private_key_load(private_key)
    except ValueError:
        return "WEBPUSH_VAPID_PRIVATE_KEY is not a base64url P-256 private key (32 bytes)"
    if public_key_of(key) != public_key.strip().rstrip("="):
        return "WEBPUSH_VAPID_PUBLIC_KEY is not the public key of WEBPUSH_VAPID_PRIVATE_KEY"
    if not CONTACT.match(contact):
        return "WEBPUSH_CONTACT must be a mailto: address or an https: URL"
    return None


@lru_cache(maxsize=4)
def _config(private_key: str, public_key: str, contact: str) -> VapidConfig | None:
    if vapid_problem(private_key=private_key, public_key=public_key, contact=contact):
        return None
    return VapidConfig(
        private_key=private_key.strip(),
        public_key=public_key.strip().rstrip("="),
        contact=contact.strip(),
    )


def vapid_config() -> VapidConfig | None:
    """The server's push identity, or None when push is not (correctly) configured."""
    return _config(
        getattr(settings, "WEBPUSH_VAPID_PRIVATE_KEY", "") or "",
        getattr(settings, "WEBPUSH_VAPID_PUBLIC_KEY", "") or "",
        getattr(settings, "WEBPUSH_CONTACT", "") or "",
    )
