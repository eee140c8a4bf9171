"""Domain objects turned into the API's JSON shapes (see schemas.py for the contract)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation

from cabas.catalog.models import Category
from cabas.shops import hours
from cabas.shops.models import Shop, ShopClosure
from cabas.shops.selectors import ShopRow
from cabas.territories.models import Territory


def storefront_url(request: HttpRequest, name: str, **kwargs: Any) -> str:
    """Absolute link to a storefront page, in its canonical (unprefixed, French) form."""
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse(name, kwargs=kwargs)
    return request.build_absolute_uri(path)


def localized_name(category: Category) -> str:
    language = translation.get_language() or settings.LANGUAGE_CODE
    if language.startswith("en") and category.name_en:
        return category.name_en
    return category.name


def territory_time(moment: dt.datetime | None, tz: str) -> dt.datetime | None:
    """A naive territory wall-clock time (what hours.py returns) made explicit."""
    if moment is None:
        return None
    return moment.replace(tzinfo=ZoneInfo(tz))


def territory_out(request: HttpRequest, territory: Territory) -> dict[str, Any]:
    """``territory`` carries a ``shop_count`` annotation."""
    return {
        "slug": territory.slug,
        "name": territory.name,
        "tagline": territory.tagline,
        "timezone": territory.timezone,
        "currency": territory.currency,
        "country": territory.country,
        "centre": {"lat": territory.centre_lat, "lon": territory.centre_lon},
        "radius_km": territory.radius_km,
        "shop_count": territory.shop_count,  # type: ignore[attr-defined]
        "data_attribution": territory.data_attribution,
        "url": storefront_url(request, "web:territory_home", territory=territory.slug),
    }


def _shop_fields(
    request: HttpRequest,
    territory: Territory,
    shop: Shop,
    state: hours.OpenState,
    distance_km: float | None,
) -> dict[str, Any]:
    category = shop.category
    return {
        "slug": shop.slug,
        "name": shop.name,
        "category": category.slug if category else None,
        "category_name": localized_name(category) if category else None,
        "address": shop.address,
        "postcode": shop.postcode,
        "city": shop.city,
        "lat": shop.lat,
        "lon": shop.lon,
        "opening_hours": shop.opening_hours,
        "open_now": state.is_open,
        "open_state": state.state,
        "next_change": territory_time(state.next_change, territory.timezone),
        "services": shop.services,
        "distance_km": round(distance_km, 2) if distance_km is not None else None,
        "url": storefront_url(request, "web:shop_detail", territory=territory.slug, shop=shop.slug),
    }


def shop_out(request: HttpRequest, territory: Territory, row: ShopRow) -> dict[str, Any]:
    return _shop_fields(request, territory, row.shop, row.open_state, row.distance_km)


def week_out(
    expression: str, tz: str, start: dt.date, closures: Iterable[ShopClosure]
) -> list[dict[str, Any]] | None:
    """The seven days from ``start``: open intervals, none on a day of exceptional closure."""
    days = hours.week_schedule(expression, start)
    if days is None:
        return None
    zone = ZoneInfo(tz)
    spans = [(closure.start_date, closure.end_date) for closure in closures]
    result = []
    for day in days:
        closed = any(first <= day.date <= last for first, last in spans)
        intervals = []
        if not closed:
            for opens, closes in day.intervals:
                # An interval ending at 00:00 runs to midnight, the start of the next day.
                end_day = day.date + dt.timedelta(days=1) if closes == dt.time() else day.date
                intervals.append(
                    {
                        "opens": dt.datetime.combine(day.date, opens, tzinfo=zone),
                        "closes": dt.datetime.combine(end_day, closes, tzinfo=zone),
                    }
                )
        result.append({"date": day.date, "intervals": intervals, "closed_exceptionally": closed})
    return result


def shop_detail_out(
    request: HttpRequest,
    territory: Territory,
    shop: Shop,
    *,
    state: hours.OpenState,
    local_today: dt.date,
    closures: list[ShopClosure],
    offer_count: int,
) -> dict[str, Any]:
    payload = _shop_fields(request, territory, shop, state, None)
    payload.update(
        {
            "description": shop.description,
            "phone": shop.phone,
            "website": shop.website,
            "hours_source": shop.hours_source,
            "made_locally": shop.made_locally,
            "week": week_out(shop.opening_hours, territory.timezone, local_today, closures),
            "closures": [
                {"start_date": c.start_date, "end_date": c.end_date, "reason": c.reason}
                for c in closures
            ],
            "offer_count": offer_count,
        }
    )
    return payload


def category_tree(
    counts: dict[int, int], categories: Iterable[Category], *, include_empty: bool
) -> list[dict[str, Any]]:
    """Families with their rayons, each with its number of public shops.

    ``counts`` already adds a family's rayons to the family (see
    ``shops.selectors.category_counts``); ``categories`` come in display order.
    """
    families: list[Category] = []
    rayons: dict[int, list[Category]] = defaultdict(list)
    for category in categories:
        if not include_empty and not counts.get(category.id):
            continue
        if category.parent_id is None:
            families.append(category)
        else:
            rayons[category.parent_id].append(category)
    return [
        {
            "slug": family.slug,
            "name": localized_name(family),
            "shop_count": counts.get(family.id, 0),
            "children": [
                {
                    "slug": rayon.slug,
                    "name": localized_name(rayon),
                    "shop_count": counts.get(rayon.id, 0),
                }
                for rayon in rayons.get(family.id, [])
            ],
        }
        for family in families
    ]
