"""Product references a merchant can start from when typing a barcode.

First the territory's own catalogue (a product another shop already sells), then the
Open Food Facts extracts shipped in ``data/`` (ODbL, see data/README.md). The bundled
files are read once per process into a dictionary keyed by EAN-13.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from cabas.catalog.models import Product

from .gtin import GtinError, normalise_gtin

OFF_FILES = (
    # (file, barcode column, name, brand, quantity)
    ("products_off_1000_with_brands.csv", "code", "product_name", "brands", "quantity"),
    ("products_off_fr_5000.csv", "barcode", "product_name", "", ""),
)


@dataclass(frozen=True)
class ProductReference:
    gtin: str
    name: str
    brand: str
    quantity: str
    image_url: str
    product_id: int | None  # set when the product is already in the territory's catalogue
    source: str  # "territory" | "openfoodfacts"


def _clean(text: str, limit: int) -> str:
    return " ".join((text or "").split())[:limit]


@lru_cache(maxsize=1)
def _bundled(data_dir: str) -> dict[str, ProductReference]:
    index: dict[str, ProductReference] = {}
    for filename, code, name, brand, quantity in OFF_FILES:
        path = Path(data_dir) / filename
        if not path.exists():
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                try:
                    gtin = normalise_gtin(row.get(code) or "")
                except GtinError:
                    continue
                title = _clean(row.get(name) or "", 200)
                image = (row.get("image_url") or "").strip()
                if not title or gtin in index:
                    continue
                index[gtin] = ProductReference(
                    gtin=gtin,
                    name=title,
                    brand=_clean(row.get(brand) or "", 120) if brand else "",
                    quantity=_clean(row.get(quantity) or "", 60) if quantity else "",
                    image_url=image if image.startswith("https://") else "",
                    product_id=None,
                    source="openfoodfacts",
                )
    return index


def bundled_reference(gtin: str) -> ProductReference | None:
    return _bundled(str(settings.DATA_DIR)).get(gtin)


def bundled_references(gtins: list[str]) -> dict[str, ProductReference]:
    index = _bundled(str(settings.DATA_DIR))
    return {gtin: index[gtin] for gtin in gtins if gtin in index}


def product_reference(territory_id: int, gtin: str) -> ProductReference | None:
    """What is known of ``gtin`` (already normalised): the territory's product, else OFF."""
    product = Product.objects.filter(territory_id=territory_id, gtin=gtin).first()
    if product is not None:
        return ProductReference(
            gtin=gtin,
            name=product.name,
            brand=product.brand,
            quantity=product.quantity,
            image_url=product.image_url,
            product_id=product.pk,
            source="territory",
        )
    return bundled_reference(gtin)
