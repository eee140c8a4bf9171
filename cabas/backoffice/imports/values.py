"""Cell values as people type them in French spreadsheets, turned into typed values.

Each parser returns the value or raises :class:`CellError` whose ``reason`` is a
French sentence that completes "line N, column C, value V: …".
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\t": " "})
_CURRENCY_RE = re.compile(r"(€|eur(?:os?)?\b|euros?\b)", re.IGNORECASE)
_NUMBER_RE = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
_SCIENTIFIC_RE = re.compile(r"^\d+([.,]\d+)?[eE][+-]?\d+$")
_TRUE = {"1", "oui", "o", "vrai", "x", "yes", "y", "true", "actif", "active", "en vente", "on"}
_FALSE = {"0", "non", "n", "faux", "no", "false", "inactif", "inactive", "hors vente", "off", ""}
# Characters a spreadsheet reads as the start of a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class CellError(ValueError):
    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def is_formula_text(text: str) -> bool:
    """A formula written as text (CSV) or left uncomputed: ``=B2*1.2``, ``=cmd|…``."""
    return text.startswith("=") and len(text) > 1


def _formula_error(_text: str) -> CellError:
    return CellError(
        _(
            "c'est une formule, pas une valeur : enregistrez le fichier avec les "
            "valeurs calculées (ou copiez puis collez « valeurs seulement »)"
        )
    )


def _decimal_text(text: str) -> str:
    """``1 234,50`` / ``1.234,50`` / ``1,234.50`` / ``2,5`` → ``1234.50`` / ``2.5``."""
    text = text.replace(" ", "").replace("'", "")
    if "," in text and "." in text:
        # The last separator is the decimal one; the other groups thousands.
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    elif text.count(".") > 1 or text.count(",") > 1:
        text = text.replace(",", "").replace(".", "", text.count(".") - 1)
    return text


def parse_price_cents(value: object, *, allow_zero: bool = False) -> int:
    """``2,50 €``, ``2.5``, ``€ 2,50``, ``1 234,00``, a numeric cell → cents (> 0, or ≥ 0
    with ``allow_zero`` for fees)."""
    if isinstance(value, bool) or value is None:
        raise CellError(_("prix manquant"))
    if isinstance(value, dt.date | dt.datetime | dt.time):
        raise CellError(_("c'est une date, pas un prix : vérifiez la colonne choisie"))
    if isinstance(value, float):
        # A computed cell (2.5 * 1.2) carries binary noise: 3.0000000000000004.
        amount = Decimal(repr(round(value, 6)))
    elif isinstance(value, int | Decimal):
        amount = Decimal(value)
    else:
        text = str(value).translate(_SPACES).strip()
        if not text:
            raise CellError(_("prix manquant"))
        if is_formula_text(text):
            raise _formula_error(text)
        bare = _CURRENCY_RE.sub("", text).strip()
        bare = _decimal_text(bare)
        if not _NUMBER_RE.match(bare):
            raise CellError(_("ce n'est pas un prix (exemples acceptés : 2,50 — 2.50 — 2,50 €)"))
        try:
            amount = Decimal(bare)
        except InvalidOperation:
            raise CellError(_("ce n'est pas un prix")) from None
    if amount < 0:
        raise CellError(_("un prix ne peut pas être négatif"))
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise CellError(_("un prix a au plus deux chiffres après la virgule"))
    cents_int = int(cents)
    if cents_int == 0 and not allow_zero:
        raise CellError(_("le prix doit être supérieur à 0"))
    if cents_int > 10_000_000:
        raise CellError(_("prix supérieur à 100 000 € : faute de frappe ?"))
    return cents_int


def parse_stock(value: object) -> int | None:
    """A whole, non-negative quantity; an empty cell means "stock not tracked"."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, dt.date | dt.datetime | dt.time):
        raise CellError(_("c'est une date, pas une quantité"))
    if isinstance(value, float):
        number = Decimal(repr(round(value, 6)))
    elif isinstance(value, int | Decimal):
        number = Decimal(value)
    else:
        text = str(value).translate(_SPACES).strip()
        if not text:
            return None
        if is_formula_text(text):
            raise _formula_error(text)
        bare = _decimal_text(text)
        if not _NUMBER_RE.match(bare):
            raise CellError(_("ce n'est pas une quantité (un nombre entier, par exemple 12)"))
        number = Decimal(bare)
    if number < 0:
        raise CellError(_("le stock ne peut pas être négatif (mettez 0 si l'article est épuisé)"))
    if number != number.to_integral_value():
        raise CellError(_("le stock doit être un nombre entier"))
    if number > 1_000_000:
        raise CellError(_("stock supérieur à un million : faute de frappe ?"))
    return int(number)


def parse_flag(value: object) -> bool:
    """``oui``/``non``, ``1``/``0``, ``x``, ``vrai``/``faux``; an empty cell means yes."""
    if value is None:
        return True
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if value in (0, 1):
            return bool(value)
        raise CellError(_("attendu : oui ou non"))
    text = " ".join(str(value).lower().split())
    if text == "":
        return True
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(_("attendu : oui ou non"))


def parse_text(value: object, limit: int, *, required: bool = False) -> str:
    """Text with control characters removed and spaces collapsed; formulas refused."""
    if value is None:
        text = ""
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value)
    text = "".join(" " if ord(char) < 32 or 0x7F <= ord(char) < 0xA0 else char for char in text)
    text = " ".join(text.split())
    if text.startswith("'") and text[1:2] in FORMULA_PREFIXES:
        text = text[1:]  # our own export's escaping, read back
    if required and not text:
        raise CellError(_("valeur manquante"))
    if is_formula_text(text):
        raise CellError(
            _("une formule ou une commande (« = » au début) n'est pas acceptée dans un texte")
        )
    if len(text) > limit:
        raise CellError(
            _("trop long (%(text)s caractères, %(limit)s au plus)")
            % {"text": len(text), "limit": limit}
        )
    return text


def gtin_text(value: object) -> str:
    """A barcode cell as digits: numeric cells lose ``.0``; Excel's ``3,01E+12`` is refused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise CellError(_("ce n'est pas un code-barres"))
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError(_("ce n'est pas un code-barres"))
        return str(int(value))
    if isinstance(value, int | Decimal):
        return str(int(value))
    text = str(value).translate(_SPACES).strip()
    if is_formula_text(text):
        raise _formula_error(text)
    if _SCIENTIFIC_RE.match(text):
        raise CellError(
            _(
                "code-barres abîmé par le tableur (notation scientifique) : mettez la "
                "colonne au format Texte puis ressaisissez les codes"
            )
        )
    return text.replace(" ", "")
