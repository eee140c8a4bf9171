"""Request and response shapes of the search API (part of the outside contract).

Responses are plain pydantic models: django-ninja's ``Schema`` reads Django objects
through a getter on every field, which the search results (plain dicts) do not need.
"""

from __future__ import annotations

from typing import Any, Literal

from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema
from pydantic import BaseModel, field_validator

from cabas.api.errors import field_error
from cabas.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET
from cabas.api.schemas import (
    MAX_RADIUS_KM,
    POSTCODE_PATTERN,
    SLUG_PATTERN,
    centre_errors,
    has_centre,
)

MAX_PRICE_CENTS = 100_000_000
# Longer text is cut: search reads only the first words anyway.
MAX_QUERY_CHARS = 10_000


class SearchQuery(Schema):
    """Filters of the search; an empty parameter (``?lat=``) means "not given"."""

    q: str = Field(
        "",
        description=(
            "Texte libre : nom, marque, rayon, commerce ou GTIN. Accents, pluriels et une faute "
            "de frappe par mot sont tolérés / free text: name, brand, category, shop or GTIN; "
            "accents, plurals and one typo per word are forgiven."
        ),
        examples=["chocolat noir"],
    )
    category: str | None = Field(
        None,
        pattern=SLUG_PATTERN,
        max_length=60,
        description=(
            "Rayon, ou famille avec ses rayons ; inconnu → 422 unknown_category / rayon, or "
            "family with its rayons."
        ),
        examples=["epicerie"],
    )
    shop: str | None = Field(
        None,
        pattern=SLUG_PATTERN,
        max_length=120,
        description="Slug d'un commerce ; inconnu → 422 unknown_shop / a shop's slug.",
    )
    in_stock: bool = Field(False, description="En stock seulement / in stock only.")
    open_now: bool = Field(False, description="Commerces ouverts maintenant / open now.")
    lat: float | None = Field(None, ge=-90, le=90, allow_inf_nan=False, examples=[48.8566])
    lon: float | None = Field(None, ge=-180, le=180, allow_inf_nan=False, examples=[2.3522])
    radius_km: float | None = Field(
        None,
        gt=0,
        le=MAX_RADIUS_KM,
        allow_inf_nan=False,
        description="Rayon autour du point ou du code postal / radius around the point.",
        examples=[2],
    )
    postcode: str | None = Field(
        None,
        pattern=POSTCODE_PATTERN,
        description="Centre de recherche : code postal ; inconnu → 422 unknown_postcode.",
        examples=["75011"],
    )
    price_min: int | None = Field(
        None, ge=0, le=MAX_PRICE_CENTS, description="Prix minimum en centimes / in cents."
    )
    price_max: int | None = Field(
        None, ge=0, le=MAX_PRICE_CENTS, description="Prix maximum en centimes / in cents."
    )
    sort: Literal["relevance", "price", "distance"] = Field(
        "relevance",
        description=(
            "relevance : texte, stock, ouvert maintenant et distance ; distance demande un point"
            " / relevance blends text, stock, open now and distance; distance needs a point."
        ),
    )
    group: Literal["product"] | None = Field(
        None,
        description=(
            "product : un résultat par produit (nombre de commerces, prix le plus bas) / one "
            "result per product (number of shops, lowest price)."
        ),
    )
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)

    @field_validator("q", mode="before")
    @classmethod
    def _cut_text(cls, value: Any) -> Any:
        return value[:MAX_QUERY_CHARS] if isinstance(value, str) else value

    @field_validator(
        "category",
        "shop",
        "lat",
        "lon",
        "radius_km",
        "postcode",
        "price_min",
        "price_max",
        "group",
        mode="before",
    )
    @classmethod
    def _blank_is_missing(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value

    @field_validator("in_stock", "open_now", mode="before")
    @classmethod
    def _blank_is_false(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return False
        return value

    @field_validator("sort", mode="before")
    @classmethod
    def _blank_is_relevance(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return "relevance"
        return value

    def cross_field_errors(self) -> list[dict[str, Any]]:
        problems = centre_errors(
            lat=self.lat, lon=self.lon, postcode=self.postcode, radius_km=self.radius_km
        )
        located = has_centre(lat=self.lat, lon=self.lon, postcode=self.postcode)
        if self.sort == "distance" and not located:
            problems.append(
                field_error(
                    ("query", "sort"),
                    _("Le tri par distance demande un point (lat, lon) ou un code postal."),
                    "missing_centre",
                )
            )
        if (
            self.price_min is not None
            and self.price_max is not None
            and self.price_min > self.price_max
        ):
            problems.append(
                field_error(
                    ("query", "price_max"),
                    _("Le prix maximum est inférieur au prix minimum."),
                    "price_range",
                )
            )
        return problems


class ProductOut(BaseModel):
    id: int = Field(..., examples=[4821])
    name: str = Field(..., examples=["Chocolat noir 70 %"])
    gtin: str | None = Field(..., examples=["3000000000014"])
    brand: str = Field(..., examples=["Bonnat"])
    url: str


class OfferShopOut(BaseModel):
    slug: str = Field(..., examples=["epicerie-du-marche"])
    name: str = Field(..., examples=["Épicerie du Marché"])
    lat: float
    lon: float
    url: str


class OfferOut(BaseModel):
    offer_id: int
    sku: str
    price_cents: int = Field(..., examples=[349])
    currency: str = Field(..., examples=["EUR"])
    stock_status: Literal["in_stock", "low_stock", "out_of_stock", "on_request"]
    product: ProductOut
    shop: OfferShopOut
    distance_km: float | None = Field(
        ..., description="Distance au point demandé / distance to the requested point."
    )
    open_now: bool


class ProductGroupOut(BaseModel):
    """One product and its offers: "chez 4 commerçants, dès 2,10 €"."""

    product: ProductOut
    offer_count: int = Field(..., description="Offres (une par commerce) / offers, one per shop.")
    min_price_cents: int
    currency: str
    in_stock_count: int
    open_count: int = Field(..., description="Offres de commerces ouverts / at open shops.")


class CategoryFacetOut(BaseModel):
    slug: str
    name: str
    count: int


class FacetsOut(BaseModel):
    category: list[CategoryFacetOut]


class SearchOut(BaseModel):
    count: int = Field(
        ...,
        description=(
            "Offres trouvées (produits avec group=product) parmi les produits les plus "
            "pertinents / offers found (products with group=product) among the best-matching "
            "products."
        ),
    )
    results: list[OfferOut] | list[ProductGroupOut]
    facets: FacetsOut
    did_you_mean: str | None = Field(
        None, description="Requête corrigée / corrected query.", examples=["chocolat"]
    )


class AutocompleteQuery(Schema):
    q: str = Field("", examples=["choc"])
    limit: int = Field(8, ge=1, le=20)

    @field_validator("q", mode="before")
    @classmethod
    def _cut_text(cls, value: Any) -> Any:
        return value[:MAX_QUERY_CHARS] if isinstance(value, str) else value


class SuggestionOut(BaseModel):
    type: Literal["product", "category", "shop"]
    label: str = Field(..., examples=["Chocolat noir 70 %"])
    slug: str | None = Field(None, description="Rayon ou commerce / category or shop.")
    product_id: int | None = None
    url: str


class AutocompleteOut(BaseModel):
    results: list[SuggestionOut]
