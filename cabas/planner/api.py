"""``POST /territories/{slug}/plan``: the shopping-list planner as JSON."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from pydantic import ConfigDict

from cabas.api.errors import ApiError
from cabas.api.projections import storefront_url
from cabas.api.schemas import ErrorOut
from cabas.api.territories import territory_or_404
from cabas.search.results import OfferHit

from .errors import PlanError
from .selectors import Plan, plan_list, plan_request
from .walking import DETOUR_FACTOR, WALK_KMH

router = Router(tags=["planner"])

PLAN_DESCRIPTION = """
Une liste de courses (une ligne par article : « pain », « 6 œufs », « comté ») devient
les commerces à visiter : ouverts au moment choisi (`at`, maintenant par défaut), à moins
de `max_km` km (1,5 par défaut, 10 au plus) du point de départ, avec l'article en stock ;
le moins d'arrêts possible, puis la marche la plus courte (boucle depuis le départ). Les
lignes qu'aucun commerce ne couvre sont dans `uncovered`. Marche : distance à vol
d'oiseau × 1,3, à 4,5 km/h.

A shopping list (one item per line) becomes the shops to visit: open at `at` (default
now), within `max_km` km (default 1.5, at most 10) of the start, with the item in stock;
the fewest stops, then the shortest walk (a loop from the start). Lines no shop covers
are listed in `uncovered`. Walking: great-circle distance × 1.3, at 4.5 km/h.
"""


class PlanIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "lines": ["pain", "6 œufs", "comté"],
                    "lat": 45.1885,
                    "lon": 5.7245,
                    "at": "2025-03-14T10:00:00+01:00",
                    "max_km": 1.5,
                }
            ]
        }
    )

    lines: Any = Field(..., description="Lignes de la liste / list lines", examples=[["pain"]])
    lat: Any = Field(..., description="Latitude du départ / start latitude")
    lon: Any = Field(..., description="Longitude du départ / start longitude")
    at: Any = Field(None, description="ISO 8601 ; vide = maintenant / empty = now")
    max_km: Any = Field(None, description="Distance maximale (km) / maximum distance")


class PlanOut(Schema):
    stops: list[dict[str, Any]]
    uncovered: list[str]
    walk_m: int
    walk_minutes: int
    total_cents: int
    currency: str
    exact: bool
    at: str
    walking_model: dict[str, Any]


def _parse_at(value: Any) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            pass
    raise ApiError(
        "at_invalid",
        _("Le moment choisi doit être une date ISO 8601 (2025-03-12T10:00+01:00)."),
        422,
        {"field": "at"},
    )


def _alternative(hit: OfferHit) -> dict[str, Any]:
    return {
        "offer_id": hit.offer_id,
        "product": hit.product.name,
        "price_cents": hit.price_cents,
        "shop": hit.shop.slug,
    }


def plan_out(request: HttpRequest, plan: Plan) -> dict[str, Any]:
    territory = plan.request.territory
    zone = ZoneInfo(territory.timezone)
    shop_prefix = storefront_url(
        request, "web:shop_detail", territory=territory.slug, shop="x"
    ).removesuffix("x/")
    stops = []
    for position, stop in enumerate(plan.stops, start=1):
        stops.append(
            {
                "position": position,
                "shop": {
                    "slug": stop.shop.slug,
                    "name": stop.shop.name,
                    "lat": stop.shop.lat,
                    "lon": stop.shop.lon,
                    "url": f"{shop_prefix}{stop.shop.slug}/",
                },
                "leg_m": round(stop.leg_m),
                "arrival": plan.arrival(stop).astimezone(zone).isoformat(),
                "lines": [
                    {
                        "line": choice.line.text,
                        "quantity": choice.line.quantity,
                        "offer_id": choice.offer.offer_id,
                        "product": choice.offer.product.name,
                        "price_cents": choice.offer.price_cents,
                        "alternatives": [_alternative(h) for h in choice.alternatives],
                    }
                    for choice in stop.choices
                    if choice.offer is not None
                ],
            }
        )
    return {
        "stops": stops,
        "uncovered": [choice.line.text for choice in plan.uncovered],
        "walk_m": round(plan.walk_m),
        "walk_minutes": plan.walk_minutes,
        "total_cents": plan.total_cents,
        "currency": territory.currency,
        "exact": plan.exact,
        "at": plan.request.at.astimezone(zone).isoformat(),
        "walking_model": {
            "distance": "haversine",
            "detour_factor": DETOUR_FACTOR,
            "speed_kmh": WALK_KMH,
            "route": "loop",
        },
    }


@router.post(
    "/territories/{slug:slug}/plan",
    response={200: PlanOut, 404: ErrorOut, 422: ErrorOut},
    summary="Planifier une liste de courses / plan a shopping list",
    description=PLAN_DESCRIPTION,
)
def plan(request: HttpRequest, slug: str, payload: PlanIn) -> dict[str, Any]:
    territory = territory_or_404(slug)
    try:
        checked = plan_request(
            territory=territory,
            raw_lines=payload.lines,
            lat=payload.lat,
            lon=payload.lon,
            at=_parse_at(payload.at),
            max_km=payload.max_km,
        )
    except PlanError as error:
        raise ApiError(error.code, error.message, error.status, error.details) from error
    return plan_out(request, plan_list(checked))
