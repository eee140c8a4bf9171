"""GTIN / EAN barcodes: normalise what a person or a till typed, check the key digit."""

from __future__ import annotations

from django.utils.translation import gettext as _

GTIN_LENGTHS = (8, 12, 13, 14)


def gtin_check_digit_ok(digits: str) -> bool:
    """The GS1 key: weights 3 and 1 alternating from the right, excluding the key itself."""
    body = digits[:-1][::-1]
    total = sum(int(char) * (3 if index % 2 == 0 else 1) for index, char in enumerate(body))
    return (10 - total % 10) % 10 == int(digits[-1])


class GtinError(ValueError):
    """``reason`` is a French sentence fit for the user."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def normalise_gtin(value: str) -> str:
    """The barcode as stored: digits only, EAN-13 form for every GTIN of up to 13 digits.

    UPC-A (12 digits) and GTIN-14 starting with 0 are the same item as the EAN-13
    with a leading zero added or removed; EAN-8 stays 8 digits. Raises GtinError.
    """
    digits = "".join(value.split()).replace("-", "")
    if not digits:
        raise GtinError(_("code-barres vide"))
    if not digits.isdigit():
        raise GtinError(_("un code-barres ne contient que des chiffres"))
    if len(digits) not in GTIN_LENGTHS:
        raise GtinError(
            _("un code-barres a 8, 12, 13 ou 14 chiffres (celui-ci en a %(count)d)")
            % {"count": len(digits)}
        )
    if not gtin_check_digit_ok(digits):
        raise GtinError(_("la clé de contrôle (dernier chiffre) est fausse : faute de frappe ?"))
    if len(digits) == 12:
        return "0" + digits
    if len(digits) == 14 and digits.startswith("0"):
        return digits[1:]
    return digits
