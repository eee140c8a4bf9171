"""Open Food Facts products: reading the CSV, their rayon and a plausible demo price."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from cabas.catalog.taxonomy import rayon_for_product_name

from .sources import read_csv

OFF_FILE = "products_off_fr_5000.csv"
OFF_COLUMNS = ("barcode", "product_name", "ingredients_text", "image_url")

# Usual shelf prices of a packaged product in each food rayon, in cents.
OFF_PRICE_RANGES: dict[str, tuple[int, int]] = {
    "boulangerie-patisserie": (120, 650),
    "boucherie-charcuterie": (250, 1390),
    "fromagerie-cremerie": (150, 890),
    "fruits-legumes": (120, 550),
    "poissonnerie": (290, 1390),
    "epicerie-fine": (190, 1290),
    "epicerie": (90, 750),
    "cave": (290, 1990),
    "chocolaterie-confiserie": (180, 950),
}

_QUANTITY = re.compile(r"(\d+(?:[.,]\d+)?)\s?(kg|g|mg|cl|ml|l)\b", re.IGNORECASE)
_url = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class OffProduct:
    gtin: str
    name: str
    rayon: str
    quantity: str
    description: str
    image_url: str


def quantity_in_name(name: str) -> str:
    """The net quantity written in a product name ("Tarte aux poireaux 400g" → "400 g")."""
    match = _QUANTITY.search(name)
    if match is None:
        return ""
    unit = match.group(2).lower()
    return f"{match.group(1).replace('.', ',')} {'L' if unit == 'l' else unit}"


def is_web_url(value: str) -> bool:
    try:
        _url(value)
    except ValidationError:
        return False
    return True


def read_off_products(path: Path) -> list[OffProduct]:
    """Every row of the Open Food Facts sample, checked; a bad line raises DemoDataError.

    Both territories and the generator read the same file: it is parsed once per version
    of the file (path, size, modification time).
    """
    if not path.is_file():
        return _read_off_products(path)
    stat = path.stat()
    return list(_read_off_products_cached(str(path), stat.st_size, stat.st_mtime_ns))


@lru_cache(maxsize=4)
def _read_off_products_cached(path: str, size: int, mtime_ns: int) -> tuple[OffProduct, ...]:
    return tuple(_read_off_products(Path(path)))


def _read_off_products(path: Path) -> list[OffProduct]:
    products: list[OffProduct] = []
    seen: dict[str, int] = {}
    for record in read_csv(path, OFF_COLUMNS):
        gtin = record.text("barcode")
        if not (gtin.isdigit() and 8 <= len(gtin) <= 14):
            raise record.error(f"code-barres invalide « {gtin} »")
        if gtin in seen:
            raise record.error(f"code-barres « {gtin} » déjà présent ligne {seen[gtin]}")
        seen[gtin] = record.line
        name = " ".join(record.text("product_name").split())
        if not name:
            raise record.error("nom de produit vide")
        image_url = record.text("image_url")
        if image_url and (len(image_url) > 500 or not is_web_url(image_url)):
            raise record.error(f"adresse d'image invalide « {image_url[:80]} »")
        ingredients = " ".join(record.text("ingredients_text").split())
        products.append(
            OffProduct(
                gtin=gtin,
                name=name[:200],
                rayon=rayon_for_product_name(name),
                quantity=quantity_in_name(name),
                description=f"Ingrédients : {ingredients}" if ingredients else "",
                image_url=image_url,
            )
        )
    return products


def retail_cents(value: float) -> int:
    """A shelf-looking price: to the ten cents, often ending in 9 (2,49 €, 3,90 €)."""
    tens = max(1, round(value / 10))
    cents = tens * 10
    return cents - 1 if tens % 3 != 0 and cents > 10 else cents


@lru_cache(maxsize=65536)
def reference_cents(key: str, low: int, high: int) -> int:
    """A product's reference price, the same for every shop: seeded by the product key."""
    if low == high:
        return low
    return round(random.Random(f"price:{key}").uniform(low, high))
