"""Households: the declared address that the per-household voucher cap counts by.

A household key is a digest of the postcode and of the address normalised the way
people write it differently ("12, Bd Victor-Hugo" = "12 boulevard victor hugo"). It
is what ``voucher_purchase`` locks (``ProgrammeHousehold``) to keep the cap.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from django.utils.translation import gettext as _

from cabas.accounts.models import User
from cabas.territories.models import Territory

from .errors import VoucherError
from .models import Household

POSTCODE_RE = re.compile(r"^\d{5}$")
ABBREVIATIONS = {
    "bd": "boulevard",
    "bld": "boulevard",
    "boul": "boulevard",
    "av": "avenue",
    "ave": "avenue",
    "pl": "place",
    "r": "rue",
    "ch": "chemin",
    "che": "chemin",
    "imp": "impasse",
    "all": "allee",
    "fg": "faubourg",
    "fbg": "faubourg",
    "qu": "quai",
    "rte": "route",
    "sq": "square",
    "st": "saint",
    "ste": "sainte",
    "bis": "b",
    "ter": "t",
}


def address_normalise(address: str) -> str:
    """Lower case, no accents or punctuation, abbreviations expanded, single spaces."""
    text = unicodedata.normalize("NFKD", address or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    # "12bis" → "12 b": a number glued to its suffix.
    text = re.sub(r"(\d+)\s*(bis|ter)\b", r"\1 \2", text)
    words = [ABBREVIATIONS.get(word, word) for word in text.split()]
    return " ".join(words)


def household_key(*, address: str, postcode: str) -> str:
    normalised = address_normalise(address)
    return hashlib.sha256(f"{postcode.strip()}|{normalised}".encode()).hexdigest()


def household_declare(
    *, territory: Territory, user: User, address: str, postcode: str
) -> Household:
    """Record (or change) where ``user`` lives in ``territory``; returns the household.

    Moving is allowed: what the old household already received stays counted there,
    the new household's cap applies from now on.
    """
    address = (address or "").strip()
    postcode = (postcode or "").strip().replace(" ", "")
    if not POSTCODE_RE.match(postcode):
        raise VoucherError(
            "household_invalid",
            _("Le code postal compte cinq chiffres."),
            details={"field": "postcode"},
        )
    if not address or len(address) > 255 or not address_normalise(address):
        raise VoucherError(
            "household_invalid",
            _("Indiquez votre adresse (numéro et rue), 255 caractères au plus."),
            details={"field": "address"},
        )
    household, _created = Household.objects.update_or_create(
        territory=territory,
        user=user,
        defaults={
            "address": address,
            "postcode": postcode,
            "key": household_key(address=address, postcode=postcode),
        },
    )
    return household
