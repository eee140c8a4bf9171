"""Request and response shapes of the public API (the OpenAPI document is built from them).

Field names are part of the outside contract (DESIGN.md, "The outside contract"):
they may be added to, never renamed or removed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema
from pydantic import field_validator

from cabas.shops.selectors import SEARCH_TEXT_MAX_LENGTH, clean_search_text

from .errors import field_error

Service = Literal["click_collect", "delivery", "vouchers"]
OpenStateName = Literal["open", "closed", "unknown"]

SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
POSTCODE_PATTERN = r"^[0-9A-Za-z][0-9A-Za-z -]{1,9}$"
MAX_RADIUS_KM = 100


# --- errors ---------------------------------------------------------------------------


class ErrorBody(Schema):
    code: str = Field(..., examples=["validation_error"])
    message: str = Field(..., examples=["Paramètres invalides."])
    details: Any = Field(
        None,
        examples=[[{"loc": ["query", "lat"], "msg": "lat et lon vont ensemble.", "type": "pair"}]],
    )


class ErrorOut(Schema):
    error: ErrorBody


# --- territories ----------------------------------------------------------------------


class PointOut(Schema):
    lat: float = Field(..., examples=[45.1885])
    lon: float = Field(..., examples=[5.7245])


class TerritoryOut(Schema):
    slug: str = Field(..., examples=["grenoble"])
    name: str = Field(..., examples=["Grenoble"])
    tagline: str = Field(..., examples=["Les commerces de la cuvette, livrés ou à retirer"])
    timezone: str = Field(..., examples=["Europe/Paris"])
    currency: str = Field(..., examples=["EUR"])
    country: str = Field(..., examples=["FR"])
    centre: PointOut
    radius_km: float = Field(..., examples=[8.0])
    shop_count: int = Field(..., description="Commerces visibles / public shops.", examples=[412])
    data_attribution: str = Field(..., examples=["© les contributeurs d'OpenStreetMap (ODbL)"])
    url: str = Field(
        ...,
        description="Vitrine du territoire / storefront.",
        examples=["https://cabas.example/grenoble/"],
    )


# --- shops ----------------------------------------------------------------------------


class ShopOut(Schema):
    slug: str = Field(..., examples=["fromagerie-des-alpes"])
    name: str = Field(..., examples=["Fromagerie des Alpes"])
    category: str | None = Field(
        ..., description="Slug du rayon / category slug.", examples=["fromagerie"]
    )
    category_name: str | None = Field(..., examples=["Fromagerie"])
    address: str = Field(..., examples=["12 rue Saint-Laurent"])
    postcode: str = Field(..., examples=["38000"])
    city: str = Field(..., examples=["Grenoble"])
    lat: float = Field(..., examples=[45.1931])
    lon: float = Field(..., examples=[5.7302])
    opening_hours: str = Field(
        ...,
        description="Horaires, syntaxe OpenStreetMap / OSM opening_hours syntax.",
        examples=["Tu-Sa 09:00-12:30,15:00-19:00; Su 09:00-12:30"],
    )
    open_now: bool = Field(..., examples=[True])
    open_state: OpenStateName = Field(..., examples=["open"])
    next_change: dt.datetime | None = Field(
        ...,
        description=(
            "Prochaine ouverture ou fermeture, heure du territoire / next opening or closing, "
            "territory time (ISO 8601 with offset)."
        ),
        examples=["2025-03-14T19:00:00+01:00"],
    )
    services: list[Service] = Field(..., examples=[["click_collect", "vouchers"]])
    distance_km: float | None = Field(
        ...,
        description="Distance au point demandé / distance to the requested point.",
        examples=[0.42],
    )
    url: str = Field(
        ..., examples=["https://cabas.example/grenoble/commerces/fromagerie-des-alpes/"]
    )


class IntervalOut(Schema):
    opens: dt.datetime = Field(..., examples=["2025-03-14T09:00:00+01:00"])
    closes: dt.datetime = Field(..., examples=["2025-03-14T12:30:00+01:00"])


class DayOut(Schema):
    date: dt.date = Field(..., examples=["2025-03-14"])
    intervals: list[IntervalOut]
    closed_exceptionally: bool = Field(
        ..., description="Fermeture exceptionnelle / exceptional closure.", examples=[False]
    )


class ClosureOut(Schema):
    start_date: dt.date = Field(..., examples=["2025-08-04"])
    end_date: dt.date = Field(..., examples=["2025-08-24"])
    reason: str = Field(..., examples=["Congés d'été"])


class ShopDetailOut(ShopOut):
    description: str = Field(..., examples=["Affinage maison, tommes et bleus du Vercors."])
    phone: str = Field(..., examples=["04 76 00 00 00"])
    website: str = Field(..., examples=["https://fromagerie.example"])
    hours_source: str = Field(..., description="merchant, osm, demo ou/or none.", examples=["osm"])
    made_locally: bool = Field(..., examples=[False])
    week: list[DayOut] | None = Field(
        ...,
        description=(
            "Créneaux d'ouverture des 7 prochains jours, null si horaires inconnus / "
            "open intervals of the next 7 days, null when hours are unknown."
        ),
    )
    closures: list[ClosureOut] = Field(
        ..., description="Fermetures en cours et à venir / current and upcoming closures."
    )
    offer_count: int = Field(..., description="Offres en vente / active offers.", examples=[37])


class ShopListQuery(Schema):
    """Filters of the shop list; an empty parameter (``?lat=``) means "not given"."""

    q: str = Field(
        "",
        description=(
            f"Texte libre (nom, rayon, adresse, code postal), tronqué à "
            f"{SEARCH_TEXT_MAX_LENGTH} caractères / free text, truncated."
        ),
        json_schema_extra={"example": "fromage"},
    )
    category: str | None = Field(
        None,
        pattern=SLUG_PATTERN,
        max_length=60,
        description=(
            "Slug d'une famille (inclut ses rayons) ou d'un rayon ; inconnu → 422 "
            "unknown_category / family (includes its rayons) or rayon slug."
        ),
        json_schema_extra={"example": "alimentation"},
    )
    service: Service | None = Field(None, json_schema_extra={"example": "delivery"})
    open_now: bool = Field(False, description="Ouverts maintenant / open now.")
    lat: float | None = Field(
        None, ge=-90, le=90, allow_inf_nan=False, json_schema_extra={"example": 45.1885}
    )
    lon: float | None = Field(
        None, ge=-180, le=180, allow_inf_nan=False, json_schema_extra={"example": 5.7245}
    )
    radius_km: float | None = Field(
        None,
        gt=0,
        le=MAX_RADIUS_KM,
        allow_inf_nan=False,
        description=(
            "Rayon autour du point ou du code postal / radius around the point or postcode."
        ),
        json_schema_extra={"example": 2},
    )
    postcode: str | None = Field(
        None,
        pattern=POSTCODE_PATTERN,
        description=(
            "Centre de recherche : code postal (au lieu de lat/lon) ; inconnu → 422 "
            "unknown_postcode / search centre as a postcode instead of lat/lon."
        ),
        json_schema_extra={"example": "38000"},
    )

    @field_validator("q", mode="before")
    @classmethod
    def _clean_text(cls, value: Any) -> Any:
        return clean_search_text(value) if isinstance(value, str) else value

    @field_validator("category", "service", "lat", "lon", "radius_km", "postcode", mode="before")
    @classmethod
    def _blank_is_missing(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value

    @field_validator("open_now", mode="before")
    @classmethod
    def _blank_is_false(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return False
        return value

    def cross_field_errors(self) -> list[dict[str, Any]]:
        """Rules across parameters, as 422 details (the per-field rules are above)."""
        return centre_errors(
            lat=self.lat, lon=self.lon, postcode=self.postcode, radius_km=self.radius_km
        )


def has_centre(*, lat: float | None, lon: float | None, postcode: str | None) -> bool:
    return postcode is not None or (lat is not None and lon is not None)


def centre_errors(
    *, lat: float | None, lon: float | None, postcode: str | None, radius_km: float | None
) -> list[dict[str, Any]]:
    """422 details for a search centre: a point (lat and lon together) or a postcode, not
    both; a radius needs one of them."""
    problems = []
    if (lat is None) != (lon is None):
        missing = "lon" if lon is None else "lat"
        problems.append(
            field_error(("query", missing), _("lat et lon vont ensemble."), "missing_pair")
        )
    if postcode is not None and (lat is not None or lon is not None):
        problems.append(
            field_error(
                ("query", "postcode"),
                _("Donnez soit un point (lat, lon), soit un code postal, pas les deux."),
                "conflict",
            )
        )
    if radius_km is not None and not has_centre(lat=lat, lon=lon, postcode=postcode):
        problems.append(
            field_error(
                ("query", "radius_km"),
                _("Un rayon demande un point (lat, lon) ou un code postal."),
                "missing_centre",
            )
        )
    return problems


# --- categories -----------------------------------------------------------------------


class RayonOut(Schema):
    slug: str = Field(..., examples=["fromagerie"])
    name: str = Field(..., examples=["Fromagerie"])
    shop_count: int = Field(..., examples=[12])


class CategoryOut(Schema):
    slug: str = Field(..., examples=["alimentation"])
    name: str = Field(..., examples=["Alimentation"])
    shop_count: int = Field(
        ..., description="Commerces de la famille et de ses rayons / incl. rayons.", examples=[85]
    )
    children: list[RayonOut]


class CategoryListQuery(Schema):
    include_empty: bool = Field(
        False,
        description=("Inclure les rayons sans commerce / include categories without shops."),
    )

    @field_validator("include_empty", mode="before")
    @classmethod
    def _blank_is_false(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return False
        return value


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """``response={200: ThingOut, **errors(404, 409)}``: the domain errors an operation
    documents (the shared ones — 401, 422, 429… — are added by :mod:`cabas.api.openapi`)."""
    return dict.fromkeys(statuses, ErrorOut)
