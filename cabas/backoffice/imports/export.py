"""The catalogue as a CSV that French Excel opens as is, and that imports back.

UTF-8 with a byte-order mark (Excel's cue for UTF-8), semicolons, decimal commas.
Any cell a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR
at the start) is prefixed with an apostrophe: a hostile product name such as
``=cmd|' /C calc'!A0`` is shown as text, never executed (CSV injection).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from cabas.catalog.models import Offer
from cabas.shops.models import Shop

from .values import FORMULA_PREFIXES

EXPORT_HEADERS = [
    "Référence",
    "EAN",
    "Désignation",
    "Marque",
    "Contenance",
    "Prix TTC",
    "Stock",
    "En vente",
]


def escape_cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def _price(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d}"


class _Echo:
    def write(self, value: str) -> str:
        return value


def catalogue_csv(shop: Shop) -> Iterator[str]:
    """The shop's offers, one line each, streamed (constant memory, one query)."""
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff" + writer.writerow(EXPORT_HEADERS)
    offers = (
        Offer.objects.filter(territory_id=shop.territory_id, shop=shop)
        .order_by("product__name", "pk")
        .values_list(
            "sku",
            "product__gtin",
            "product__name",
            "product__brand",
            "product__quantity",
            "price_cents",
            "stock",
            "is_active",
        )
    )
    for sku, gtin, name, brand, quantity, price, stock, active in offers.iterator(chunk_size=2000):
        yield writer.writerow(
            [
                escape_cell(sku),
                gtin or "",
                escape_cell(name),
                escape_cell(brand),
                escape_cell(quantity),
                _price(price),
                "" if stock is None else str(stock),
                "oui" if active else "non",
            ]
        )
