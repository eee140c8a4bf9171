"""An amount to take from a code, as a cashier types it in French: ``12,50`` → 1250 cents."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from cabas.ledger.services import MAX_AMOUNT_CENTS

_NUMBER_RE = re.compile(r"^([+-]?)(\d+)(?:[.,](\d*))?$")
_CURRENCY_RE = re.compile(r"(€|eur|euros?)$", re.IGNORECASE)


class AmountError(ValueError):
    """A refused amount; ``code`` is stable, the message is French and says what to fix."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(message)


def parse_amount_cents(text: object) -> int:
    """``12,50``, ``12.5``, ``12 €``, ``1 234,00`` → cents.

    Refuses 0, negatives and fractions of a cent, each with its own message.
    """
    if not isinstance(text, str) or not text.strip():
        raise AmountError("amount_missing", _("Indiquez le montant à encaisser."))
    bare = "".join(ch for ch in text if ch not in " \u00a0\u202f\t")
    bare = _CURRENCY_RE.sub("", bare)
    match = _NUMBER_RE.match(bare)
    if not match:
        raise AmountError(
            "amount_unreadable",
            _("Montant illisible : écrivez par exemple 12,50."),
        )
    sign, units, decimals = match.group(1), match.group(2), match.group(3) or ""
    if sign == "-" and (int(units) or decimals.strip("0")):
        raise AmountError("amount_negative", _("Le montant ne peut pas être négatif."))
    if len(decimals) > 2:
        raise AmountError(
            "amount_precision",
            _("Au plus deux chiffres après la virgule : un montant se compte en centimes."),
        )
    cents = int(units) * 100 + int(decimals.ljust(2, "0"))
    if cents == 0:
        raise AmountError("amount_zero", _("Le montant doit être supérieur à 0 €."))
    if cents > MAX_AMOUNT_CENTS:
        raise AmountError("amount_too_large", _("Ce montant dépasse la limite autorisée."))
    return cents
