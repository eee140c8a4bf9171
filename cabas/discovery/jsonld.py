"""schema.org JSON-LD for shop and product pages, so search engines show local shops with
their hours and local products with price and availability.

Types used: ``LocalBusiness`` (with ``PostalAddress``, ``GeoCoordinates`` and
``OpeningHoursSpecification``), ``Product`` (with ``Brand``) and ``AggregateOffer`` of
``Offer``. Prices are decimal strings made from integer cents, never floats.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any

from cabas.catalog.models import Offer, Product
from cabas.shops import hours
from cabas.shops.models import Shop

SCHEMA = "https://schema.org"
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
AVAILABILITY = {
    "in_stock": f"{SCHEMA}/InStock",
    "low_stock": f"{SCHEMA}/LimitedAvailability",
    "on_request": f"{SCHEMA}/LimitedAvailability",
    "out_of_stock": f"{SCHEMA}/OutOfStock",
}


def price_text(cents: int) -> str:
    """``250`` → ``"2.50"`` (schema.org and feeds want a dot and two decimals)."""
    units, rest = divmod(cents, 100)
    return f"{units}.{rest:02d}"


def _time(value: dt.time, closing: bool) -> str:
    # A close at midnight reads as the end of the day, not its start.
    if closing and value == dt.time(0, 0):
        return "23:59"
    return value.strftime("%H:%M")


def opening_hours_specification(expression: str, today: dt.date) -> list[dict[str, Any]]:
    """The weekly hours as ``OpeningHoursSpecification``: days sharing the same interval
    are grouped; evaluated over the week starting on the next Monday."""
    monday = today + dt.timedelta(days=(7 - today.weekday()) % 7)
    week = hours.week_schedule(expression, monday)
    if week is None:
        return []
    grouped: dict[tuple[str, str], list[str]] = {}
    for day in week:
        for start, end in day.intervals:
            key = (_time(start, closing=False), _time(end, closing=True))
            grouped.setdefault(key, []).append(DAY_NAMES[day.weekday])
    return [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": [f"{SCHEMA}/{name}" for name in days],
            "opens": opens,
            "closes": closes,
        }
        for (opens, closes), days in sorted(
            grouped.items(), key=lambda item: (DAY_NAMES.index(item[1][0]), item[0])
        )
    ]


def _address(shop: Shop) -> dict[str, Any]:
    address: dict[str, Any] = {"@type": "PostalAddress", "addressCountry": "FR"}
    if shop.address:
        address["streetAddress"] = shop.address
    if shop.postcode:
        address["postalCode"] = shop.postcode
    if shop.city:
        address["addressLocality"] = shop.city
    return address


def local_business(
    shop: Shop, *, url: str, currency: str, today: dt.date, with_hours: bool = True
) -> dict[str, Any]:
    """A shop as ``LocalBusiness``."""
    data: dict[str, Any] = {
        "@context": SCHEMA,
        "@type": "LocalBusiness",
        "@id": f"{url}#commerce",
        "name": shop.name,
        "url": url,
        "address": _address(shop),
        "geo": {"@type": "GeoCoordinates", "latitude": shop.lat, "longitude": shop.lon},
        "currenciesAccepted": currency,
    }
    if shop.description:
        data["description"] = shop.description[:500]
    if shop.phone:
        data["telephone"] = shop.phone
    if with_hours:
        specification = opening_hours_specification(shop.opening_hours, today)
        if specification:
            data["openingHoursSpecification"] = specification
    return data


def _seller(shop: Shop, url: str) -> dict[str, Any]:
    return {
        "@type": "LocalBusiness",
        "@id": f"{url}#commerce",
        "name": shop.name,
        "url": url,
        "address": _address(shop),
    }


# A product sold by hundreds of shops lists the first ones (the page's order); the
# AggregateOffer's prices and count cover them all.
MAX_LISTED_OFFERS = 20


def product(
    item: Product,
    *,
    url: str,
    offers: Sequence[tuple[Offer, Shop, str]],
    currency: str,
    image: str = "",
) -> dict[str, Any]:
    """A product as ``Product`` with an ``AggregateOffer`` of each shop's ``Offer``.

    ``offers`` are ``(offer, shop, shop_url)``.
    """
    data: dict[str, Any] = {
        "@context": SCHEMA,
        "@type": "Product",
        "@id": f"{url}#produit",
        "name": item.name,
        "url": url,
    }
    if item.gtin:
        data["gtin"] = item.gtin
    if item.brand:
        data["brand"] = {"@type": "Brand", "name": item.brand}
    if item.description:
        data["description"] = item.description[:500]
    if image:
        data["image"] = image
    if item.category_id and item.category is not None:
        data["category"] = item.category.name
    if offers:
        prices = [offer.price_cents for offer, _shop, _url in offers]
        data["offers"] = {
            "@type": "AggregateOffer",
            "priceCurrency": currency,
            "lowPrice": price_text(min(prices)),
            "highPrice": price_text(max(prices)),
            "offerCount": len(offers),
            # The aggregate covers every seller; the page lists the first ones only.
            "offers": [
                {
                    "@type": "Offer",
                    "sku": offer.sku,
                    "price": price_text(offer.price_cents),
                    "priceCurrency": currency,
                    "availability": AVAILABILITY[offer.stock_status],
                    "url": shop_url,
                    "seller": _seller(shop, shop_url),
                }
                for offer, shop, shop_url in offers[:MAX_LISTED_OFFERS]
            ],
        }
    return data


def script_tag(data: dict[str, Any] | Iterable[dict[str, Any]]) -> str:
    """``<script type="application/ld+json">`` whose text cannot close the element: ``<``,
    ``>`` and ``&`` are escaped as JSON unicode escapes."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">{text}</script>'
