"""The SIRET number of a French establishment: 14 digits, Luhn checksum.

La Poste's establishments (SIREN 356 000 000) are the one documented exception:
their SIRET may instead have digits adding up to a multiple of 5.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

LA_POSTE_SIREN = "356000000"


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def siret_normalise(text: object) -> str:
    """What a person typed (spaces, dots, dashes allowed between groups) → 14 digits or ``""``."""
    if not isinstance(text, str):
        return ""
    return "".join(ch for ch in text if ch not in " .-\u00a0\u202f\t")


def siret_is_valid(siret: str) -> bool:
    if len(siret) != 14 or not siret.isascii() or not siret.isdigit():
        return False
    if luhn_valid(siret):
        return True
    return siret.startswith(LA_POSTE_SIREN) and sum(int(ch) for ch in siret) % 5 == 0


def validate_siret(value: str) -> None:
    """Model and form validator: 14 digits whose checksum is right."""
    if len(value) != 14 or not value.isascii() or not value.isdigit():
        raise ValidationError(
            _("Un numéro SIRET compte exactement 14 chiffres."), code="siret_length"
        )
    if not siret_is_valid(value):
        raise ValidationError(
            _("Ce numéro SIRET n'existe pas : un chiffre est sans doute mal recopié."),
            code="siret_checksum",
        )
