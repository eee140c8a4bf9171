"""Typical opening hours of each rayon, for shops whose source gives none.

Each rayon has a few usual patterns in OpenStreetMap syntax; a shop gets one of them,
with its opening and closing moved by up to half an hour, chosen from a seed so the
same shop always gets the same hours. The storefront marks them "horaires indicatifs".
"""

from __future__ import annotations

import random

from cabas.catalog.taxonomy import OTHER
from cabas.shops import hours

TYPICAL_HOURS: dict[str, tuple[str, ...]] = {
    "boulangerie-patisserie": (
        "Tu-Sa 07:00-20:00; Su 07:00-13:30",
        "Mo-Fr 07:00-20:00; Sa 07:30-19:30",
        "We-Su 07:00-19:30",
    ),
    "boucherie-charcuterie": (
        "Tu-Sa 08:30-13:00,16:00-19:30; Su 08:30-13:00",
        "Tu-Sa 08:00-19:30; Su 09:00-13:00",
    ),
    "fromagerie-cremerie": (
        "Tu-Sa 09:00-13:00,15:30-19:30; Su 09:00-13:00",
        "Tu-Sa 09:30-19:30",
    ),
    "fruits-legumes": ("Mo-Sa 08:00-20:30; Su 08:30-13:30", "Tu-Su 08:00-20:00"),
    "poissonnerie": (
        "Tu-Sa 08:00-13:00,16:00-19:30; Su 08:00-13:00",
        "Tu-Sa 08:30-19:30",
    ),
    "epicerie-fine": ("Tu-Sa 10:00-19:30", "Mo-Sa 10:00-20:00; Su 10:00-13:00"),
    "epicerie": ("Mo-Sa 08:00-22:00; Su 09:00-13:00", "Mo-Su 08:30-23:00"),
    "cave": ("Tu-Sa 10:00-13:00,15:30-20:00", "Tu-Sa 11:00-20:30; Su 10:30-13:30"),
    "chocolaterie-confiserie": ("Tu-Sa 10:00-19:30", "Mo-Sa 10:00-19:00; Su 10:00-13:00"),
    "traiteur-restaurant": (
        "Tu-Sa 12:00-14:30,19:00-22:30",
        "Mo-Fr 11:30-14:30,18:30-22:00; Sa 18:30-23:00",
    ),
    "librairie": ("Mo-Sa 10:00-19:30", "Tu-Sa 10:00-19:00; Su 11:00-13:00"),
    "disquaire": ("Tu-Sa 11:00-19:30", "Mo-Sa 12:00-20:00"),
    "jeux-jouets": ("Mo-Sa 10:00-19:00", "Tu-Sa 10:00-19:30"),
    "presse-papeterie": (
        "Mo-Sa 07:00-19:30; Su 08:00-13:00",
        "Mo-Fr 07:30-19:00; Sa 08:00-18:00",
    ),
    "artisanat-art": ("Tu-Sa 11:00-19:00", "We-Su 11:00-19:00"),
    "fleuriste": ("Tu-Sa 09:30-19:30; Su 09:30-13:30", "Mo-Sa 09:00-20:00"),
    "bricolage-quincaillerie": (
        "Mo-Sa 09:00-12:30,14:00-19:00",
        "Mo-Fr 08:00-18:30; Sa 09:00-18:00",
    ),
    "maison-cuisine": ("Tu-Sa 10:30-19:00", "Mo-Sa 10:00-19:30"),
    "beaute-cosmetique": ("Mo-Sa 10:00-19:30", "Tu-Sa 10:00-19:00"),
    "pharmacie-parapharmacie": ("Mo-Sa 08:30-20:00", "Mo-Fr 08:30-19:30; Sa 09:00-19:00"),
    "sante-orthopedie": ("Mo-Fr 09:00-12:30,14:00-18:30; Sa 09:00-12:30",),
    "optique": ("Tu-Sa 10:00-19:00", "Mo-Sa 10:00-13:00,14:00-19:00"),
    "coiffure-beaute": ("Tu-Sa 09:30-19:00", "Tu-Fr 10:00-20:00; Sa 09:00-18:00"),
    "pressing-laverie": (
        "Mo-Sa 08:00-19:30",
        "Mo-Fr 08:30-13:00,14:30-19:30; Sa 09:00-17:00",
    ),
    "retouche-cordonnerie": ("Mo-Sa 09:00-19:00", "Tu-Sa 09:30-13:00,14:00-19:00"),
    "reprographie": ("Mo-Fr 09:00-18:30", "Mo-Fr 08:30-19:00; Sa 10:00-17:00"),
    "mode-seconde-main": ("Mo-Sa 10:30-19:30", "Tu-Sa 11:00-19:30"),
    "informatique-telephonie": ("Mo-Sa 10:00-19:00", "Mo-Sa 09:30-12:30,14:00-19:00"),
    "auto-velo": (
        "Tu-Sa 09:00-12:30,14:00-19:00",
        "Mo-Fr 08:00-12:00,14:00-18:30; Sa 09:00-12:00",
    ),
    OTHER: ("Mo-Sa 10:00-19:00", "Tu-Sa 10:30-19:00"),
}

OPENING_SHIFTS = (-30, 0, 0, 0, 15, 30)
CLOSING_SHIFTS = (-30, 0, 0, 0, 30)


def _minutes(text: str) -> int:
    hour, minute = text.split(":")
    return int(hour) * 60 + int(minute)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _shift_rule(rule: str, opening: int, closing: int) -> str:
    """Move a rule's first opening and last closing (the midday break stays put)."""
    days, times = rule.split(" ", 1)
    spans = [span.split("-") for span in times.split(",")]
    spans[0][0] = _clock(_minutes(spans[0][0]) + opening)
    spans[-1][1] = _clock(min(_minutes(spans[-1][1]) + closing, 23 * 60 + 59))
    return f"{days} " + ",".join(f"{start}-{end}" for start, end in spans)


def demo_opening_hours(rayon: str, seed: str) -> str:
    """Typical hours of ``rayon`` for the shop known by ``seed``; always valid OSM syntax."""
    rng = random.Random(f"hours:{seed}")
    pattern = rng.choice(TYPICAL_HOURS.get(rayon, TYPICAL_HOURS[OTHER]))
    opening, closing = rng.choice(OPENING_SHIFTS), rng.choice(CLOSING_SHIFTS)
    result = "; ".join(_shift_rule(rule, opening, closing) for rule in pattern.split("; "))
    if not hours.is_valid(result):
        raise ValueError(f"generated opening hours are not valid OSM syntax: {result!r}")
    return result
