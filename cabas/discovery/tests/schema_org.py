"""A small validator for the schema.org types Cabas emits.

For each type: the properties schema.org defines on it (with those inherited from its
parents, limited to the ones a page may reasonably use), the properties a consumer needs
(Google's required properties for LocalBusiness, Product and Offer rich results, and
schema.org's own expectations for the nested types), and the expected value type of the
properties we use. Unknown properties, missing required ones and values of the wrong
type are reported.
"""

from __future__ import annotations

import re
from typing import Any

SCHEMA = "https://schema.org"
THING = {"@context", "@type", "@id", "name", "url", "description", "image", "identifier", "sameAs"}
PLACE = THING | {
    "address",
    "geo",
    "telephone",
    "openingHoursSpecification",
    "hasMap",
    "latitude",
    "longitude",
}
ORGANIZATION = THING | {"address", "telephone", "email", "logo", "brand", "location"}
LOCAL_BUSINESS = (
    PLACE | ORGANIZATION | {"currenciesAccepted", "openingHours", "paymentAccepted", "priceRange"}
)

TYPES: dict[str, dict[str, Any]] = {
    "LocalBusiness": {
        "allowed": LOCAL_BUSINESS,
        "required": {"name", "address"},
    },
    "PostalAddress": {
        "allowed": {
            "@type",
            "streetAddress",
            "postalCode",
            "addressLocality",
            "addressRegion",
            "addressCountry",
        },
        "required": {"addressCountry"},
    },
    "GeoCoordinates": {
        "allowed": {"@type", "latitude", "longitude", "elevation"},
        "required": {"latitude", "longitude"},
    },
    "OpeningHoursSpecification": {
        "allowed": {"@type", "dayOfWeek", "opens", "closes", "validFrom", "validThrough"},
        "required": {"dayOfWeek", "opens", "closes"},
    },
    "Product": {
        "allowed": THING
        | {
            "gtin",
            "gtin8",
            "gtin12",
            "gtin13",
            "gtin14",
            "sku",
            "brand",
            "category",
            "offers",
            "mpn",
        },
        "required": {"name"},
    },
    "Brand": {"allowed": THING, "required": {"name"}},
    "AggregateOffer": {
        "allowed": THING
        | {"lowPrice", "highPrice", "offerCount", "offers", "priceCurrency", "availability"},
        "required": {"lowPrice", "priceCurrency", "offerCount"},
    },
    "Offer": {
        "allowed": THING
        | {
            "price",
            "priceCurrency",
            "availability",
            "seller",
            "sku",
            "gtin",
            "itemCondition",
            "availableAtOrFrom",
        },
        "required": {"price", "priceCurrency", "availability"},
    },
}

DAYS = {
    f"{SCHEMA}/{d}"
    for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
}
AVAILABILITY = {
    f"{SCHEMA}/{v}"
    for v in (
        "InStock",
        "OutOfStock",
        "LimitedAvailability",
        "InStoreOnly",
        "OnlineOnly",
        "PreOrder",
        "BackOrder",
        "SoldOut",
        "Discontinued",
        "PreSale",
        "MadeToOrder",
    )
}
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
PRICE = re.compile(r"^\d+(\.\d{1,2})?$")
CURRENCY = re.compile(r"^[A-Z]{3}$")
GTIN = re.compile(r"^(\d{8}|\d{12}|\d{13}|\d{14})$")


def _check_value(path: str, key: str, value: Any, errors: list[str]) -> None:
    if key in {"opens", "closes"} and not (isinstance(value, str) and TIME.match(value)):
        errors.append(f"{path}.{key}: not a time hh:mm: {value!r}")
    elif key == "dayOfWeek":
        days = value if isinstance(value, list) else [value]
        if not days or any(day not in DAYS for day in days):
            errors.append(f"{path}.dayOfWeek: not a schema.org DayOfWeek: {value!r}")
    elif key in {"price", "lowPrice", "highPrice"} and not (
        (isinstance(value, str) and PRICE.match(value)) or isinstance(value, int | float)
    ):
        errors.append(f"{path}.{key}: not a number: {value!r}")
    elif key == "priceCurrency" and not (isinstance(value, str) and CURRENCY.match(value)):
        errors.append(f"{path}.priceCurrency: not ISO 4217: {value!r}")
    elif key == "availability" and value not in AVAILABILITY:
        errors.append(f"{path}.availability: not an ItemAvailability: {value!r}")
    elif key in {"latitude", "longitude"} and not isinstance(value, int | float):
        errors.append(f"{path}.{key}: not a number: {value!r}")
    elif key == "offerCount" and not (isinstance(value, int) and value >= 1):
        errors.append(f"{path}.offerCount: not a positive integer: {value!r}")
    elif key == "gtin" and not (isinstance(value, str) and GTIN.match(value)):
        errors.append(f"{path}.gtin: not a GTIN: {value!r}")
    elif key in {"url", "@id", "image"} and not (
        isinstance(value, str) and value.startswith(("http://", "https://"))
    ):
        errors.append(f"{path}.{key}: not an absolute URL: {value!r}")
    elif key in {"name", "description", "sku", "telephone", "category"} and not (
        isinstance(value, str) and value
    ):
        errors.append(f"{path}.{key}: not a non-empty text: {value!r}")


def validate(node: Any, path: str = "$") -> list[str]:
    """Every problem of ``node`` against the types above (empty when valid)."""
    errors: list[str] = []
    if isinstance(node, list):
        for index, item in enumerate(node):
            errors.extend(validate(item, f"{path}[{index}]"))
        return errors
    if not isinstance(node, dict):
        return errors
    kind = node.get("@type")
    spec = TYPES.get(kind) if isinstance(kind, str) else None
    if spec is None:
        return [f"{path}: unknown or missing @type {kind!r}"]
    if path == "$" and node.get("@context") != SCHEMA:
        errors.append("$: @context must be https://schema.org")
    for key in sorted(set(node) - spec["allowed"]):
        errors.append(f"{path}: {key} is not a property of {kind}")
    for key in sorted(spec["required"] - set(node)):
        errors.append(f"{path}: {kind} needs {key}")
    for key, value in node.items():
        if key == "dayOfWeek":
            _check_value(path, key, value, errors)
        elif isinstance(value, dict | list):
            errors.extend(validate(value, f"{path}.{key}"))
        else:
            _check_value(path, key, value, errors)
    return errors
