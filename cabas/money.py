"""Money is integer cents plus a currency code; never a float. Formatting goes through Babel;
what people type is read by :func:`parse_price_to_cents` (forms: :class:`EurosField`)."""

from __future__ import annotations

import re
from decimal import Decimal

from babel.numbers import format_currency
from django import forms
from django.utils.translation import gettext_lazy as _

_PRICE_RE = re.compile(r"^\s*(\d{1,9})(?:[.,](\d{1,2}))?\s*(?:€|eur|euros?)?\s*$", re.IGNORECASE)


def format_money(cents: int, currency: str = "EUR", locale: str = "fr") -> str:
    """``250`` → ``2,50 €`` in French, ``€2.50`` in English."""
    amount = Decimal(int(cents)).scaleb(-2)
    babel_locale = {"fr": "fr_FR", "en": "en_GB"}.get(locale[:2], locale.replace("-", "_"))
    return format_currency(amount, currency, locale=babel_locale)


def parse_price_to_cents(text: str) -> int | None:
    """Parse a French or English price as typed by a person ("2,50", "2.5 €") into cents."""
    match = _PRICE_RE.match(text.replace("\u00a0", " ").replace(" ", "") if text else "")
    if not match:
        return None
    units, decimals = match.group(1), (match.group(2) or "0").ljust(2, "0")
    return int(units) * 100 + int(decimals)


# "12,345" or "3.999 €": a decimal amount finer than the cent.
_MORE_THAN_CENTS = re.compile(r"^\s*\d[\d\s\u00a0]*[.,]\d{3,}\s*€?\s*$")


class EurosField(forms.CharField):
    """An amount typed as a person does (``2,50``, ``2.5 €``) → integer cents."""

    default_error_messages = {
        "invalid": _("Indiquez un montant en euros, par exemple 3,50."),
        "negative": _("Le montant ne peut pas être négatif."),
        "precision": _("Un montant en euros a au plus deux décimales (centimes)."),
    }

    def to_python(self, value: object) -> int:  # type: ignore[override]
        text = super().to_python(value)
        if text is None or text in self.empty_values:
            return 0
        if text.strip().startswith("-"):
            raise forms.ValidationError(self.error_messages["negative"], code="negative")
        cents = parse_price_to_cents(text)
        if cents is None:
            if _MORE_THAN_CENTS.search(text):
                raise forms.ValidationError(self.error_messages["precision"], code="precision")
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return cents
