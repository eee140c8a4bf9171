"""Money is integer cents plus a currency code; never a float. Formatting goes through Babel."""

from __future__ import annotations

import re
from decimal import Decimal

from babel.numbers import format_currency

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
