"""What a checkout submission asks for, parsed and validated before any write.

The fingerprint is a digest of the request as the client sent it plus who sent
it: the same ``Idempotency-Key`` with the same fingerprint is a replay, with
another fingerprint a conflict.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _

from .errors import CheckoutError

IDEMPOTENCY_KEY_RE = re.compile(r"^[A-Za-z0-9._:\-]{8,255}$")
PHONE_RE = re.compile(r"^(?:\+|00)?[0-9]{8,15}$")


@dataclass(frozen=True)
class LineRequest:
    offer_id: int
    quantity: int
    expected_price_cents: int | None = None


@dataclass(frozen=True)
class ShopChoiceRequest:
    shop: str  # slug
    option: str | None = None  # pickup | delivery | point:<slug>; None = the earliest
    slot_start: dt.datetime | None = None  # None = the earliest free slot


@dataclass(frozen=True)
class TenderRequest:
    """A voucher or gift card code to pay with; ``amount_cents`` None = as much as useful."""

    code: str
    amount_cents: int | None = None


@dataclass(frozen=True)
class CheckoutRequest:
    idempotency_key: str
    user_id: int | None
    email: str = ""
    phone: str = ""
    name: str = ""
    lines: tuple[LineRequest, ...] | None = None  # None: the shopper's cart
    choices: tuple[ShopChoiceRequest, ...] = ()
    delivery_address: str = ""
    delivery_postcode: str = ""
    payment_method: str = ""
    cart_version: str = ""
    tenders: tuple[TenderRequest, ...] = ()
    loyalty_points: int = 0

    def fingerprint(self) -> str:
        body = asdict(self)
        body.pop("idempotency_key")
        text = json.dumps(body, sort_keys=True, default=_json_default, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


AMOUNT_RE = re.compile(r"^(\d{1,9})(?:[.,](\d{1,2}))?$")
MAX_TENDERS = 5


def parse_tender_amount(value: object) -> int | None:
    """An amount in euros as typed or sent (``"12,50"``, ``12.5``, ``12``) → cents.

    Empty means "as much as useful" (None). Zero, negative, more than two decimals
    or anything unreadable raises a specific ``CheckoutError``.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise CheckoutError("tender_amount_invalid", _("Le montant indiqué est illisible."))
    text = str(value).strip().replace("\u00a0", "").replace(" ", "").removesuffix("€")
    if text.startswith("-"):
        raise CheckoutError("tender_amount_invalid", _("Le montant à utiliser doit être positif."))
    match = AMOUNT_RE.match(text)
    if match is None:
        if re.match(r"^\d+[.,]\d{3,}$", text):
            raise CheckoutError(
                "tender_amount_invalid",
                _("Le montant à utiliser a au plus deux décimales (centimes)."),
            )
        raise CheckoutError("tender_amount_invalid", _("Le montant indiqué est illisible."))
    cents = int(match.group(1)) * 100 + int((match.group(2) or "0").ljust(2, "0"))
    if cents == 0:
        raise CheckoutError(
            "tender_amount_invalid", _("Le montant à utiliser doit être supérieur à zéro.")
        )
    return cents


def parse_tender_amount_cents(value: object) -> int | None:
    """An amount already in cents (API ``amount_cents``): a positive integer, or None."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise CheckoutError(
            "tender_amount_invalid", _("Le montant doit être un nombre entier de centimes.")
        )
    if value <= 0:
        raise CheckoutError(
            "tender_amount_invalid", _("Le montant à utiliser doit être supérieur à zéro.")
        )
    return value


def parse_loyalty_points(value: object) -> int:
    """Points to spend: empty is none; otherwise a whole, non-negative number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise CheckoutError(
            "loyalty_points_invalid", _("Le nombre de points doit être un entier positif.")
        )
    if value > 10**9:
        raise CheckoutError("loyalty_points_invalid", _("Ce nombre de points est trop grand."))
    return value


def _json_default(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    raise TypeError(type(value).__name__)


def check_idempotency_key(key: str | None) -> str:
    if not key:
        raise CheckoutError(
            "idempotency_key_missing",
            _("L'en-tête Idempotency-Key est obligatoire pour valider une commande."),
            status=400,
        )
    if not IDEMPOTENCY_KEY_RE.match(key):
        raise CheckoutError(
            "idempotency_key_invalid",
            _("La clé Idempotency-Key doit compter 8 à 255 lettres, chiffres ou « ._:- »."),
            status=400,
        )
    return key


def normalise_email(value: str) -> str:
    email = (value or "").strip()
    if not email:
        raise CheckoutError("email_required", _("Indiquez votre adresse e-mail."))
    try:
        EmailValidator()(email)
    except ValidationError:
        raise CheckoutError(
            "email_invalid",
            _("L'adresse e-mail « %(email)s » n'est pas valide.") % {"email": email[:80]},
        ) from None
    local, _sep, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


def normalise_phone(value: str, *, required: bool) -> str:
    phone = re.sub(r"[\s.\-()]", "", value or "")
    if not phone:
        if required:
            raise CheckoutError(
                "phone_required",
                _("Indiquez un numéro de téléphone pour que le commerce vous joigne."),
            )
        return ""
    if not PHONE_RE.match(phone):
        raise CheckoutError(
            "phone_invalid",
            _("Le numéro de téléphone « %(phone)s » n'est pas valide.") % {"phone": value[:40]},
        )
    return phone
