"""Reads of the operator console. Every query is scoped by the operator's territory."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from cabas.backoffice.models import JoinRequest
from cabas.catalog.models import Category
from cabas.fulfilment.calendars import SlotCalendar, iter_slot_windows
from cabas.fulfilment.models import CollectionPoint, FulfilmentMethod, SlotLoad
from cabas.shops.models import Shop, ShopMembership, ShopStatus
from cabas.shops.selectors import clean_search_text
from cabas.territories.models import Territory

SHOP_PAGE_SIZE = 50


def pending_applications(territory: Territory) -> QuerySet[JoinRequest]:
    return (
        JoinRequest.objects.filter(
            territory=territory, shop__territory=territory, status=JoinRequest.Status.PENDING
        )
        .select_related("shop", "shop__category", "user")
        .order_by("created_at", "pk")
    )


def decided_applications(territory: Territory, limit: int = 30) -> list[JoinRequest]:
    return list(
        JoinRequest.objects.filter(territory=territory, shop__territory=territory)
        .exclude(status=JoinRequest.Status.PENDING)
        .select_related("shop", "user", "decided_by")
        .order_by("-decided_at", "-pk")[:limit]
    )


def territory_application(territory: Territory, request_id: int) -> JoinRequest | None:
    return (
        JoinRequest.objects.filter(territory=territory, shop__territory=territory, pk=request_id)
        .select_related("shop", "shop__category", "user", "decided_by")
        .first()
    )


def pending_shops_without_application(territory: Territory) -> list[Shop]:
    """Shops waiting for validation that no pending request stands for."""
    return list(
        Shop.objects.filter(territory=territory, status=ShopStatus.PENDING)
        .exclude(
            join_requests__status=JoinRequest.Status.PENDING,
        )
        .order_by("created_at", "pk")
    )


def territory_shops(
    territory: Territory, *, status: str = "", q: str = "", category_id: int | None = None
) -> QuerySet[Shop]:
    shops = Shop.objects.filter(territory=territory).select_related("category")
    if status in ShopStatus.values:
        shops = shops.filter(status=status)
    if category_id is not None:
        shops = shops.filter(Q(category_id=category_id) | Q(category__parent_id=category_id))
    term = clean_search_text(q)
    if term:
        shops = shops.filter(
            Q(name__icontains=term) | Q(postcode__startswith=term) | Q(slug__icontains=term)
        )
    return shops.order_by("name", "pk")


def shop_status_counts(territory: Territory) -> dict[str, int]:
    counts = dict(
        Shop.objects.filter(territory=territory)
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in ShopStatus.values}


def territory_shop(territory: Territory, shop_id: int) -> Shop | None:
    return (
        Shop.objects.filter(territory=territory, pk=shop_id)
        .select_related("category", "category__parent")
        .first()
    )


def shop_owners(shop: Shop) -> list[ShopMembership]:
    return list(
        ShopMembership.objects.filter(territory_id=shop.territory_id, shop=shop)
        .select_related("user")
        .order_by("role", "user__email")
    )


@dataclass(frozen=True)
class CategoryRow:
    category: Category
    approved: int
    total: int
    children: list[CategoryRow]


def category_rows(territory: Territory) -> tuple[list[CategoryRow], int]:
    """The taxonomy with the territory's shop counts; and shops without a category."""
    approved: dict[int | None, int] = defaultdict(int)
    total: dict[int | None, int] = defaultdict(int)
    for category_id, status, n in (
        Shop.objects.filter(territory=territory)
        .values("category_id", "status")
        .annotate(n=Count("id"))
        .values_list("category_id", "status", "n")
    ):
        total[category_id] += n
        if status == ShopStatus.APPROVED:
            approved[category_id] += n
    categories = list(Category.objects.order_by("position", "name"))
    children: dict[int, list[Category]] = defaultdict(list)
    for category in categories:
        if category.parent_id is not None:
            children[category.parent_id].append(category)
    rows = []
    for family in categories:
        if family.parent_id is not None:
            continue
        kids = [
            CategoryRow(category=c, approved=approved[c.pk], total=total[c.pk], children=[])
            for c in children[family.pk]
        ]
        rows.append(
            CategoryRow(
                category=family,
                approved=approved[family.pk] + sum(k.approved for k in kids),
                total=total[family.pk] + sum(k.total for k in kids),
                children=kids,
            )
        )
    return rows, total[None]


def category_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Rayons grouped by family, for a select."""
    families: dict[int, tuple[str, list[tuple[int, str]]]] = {}
    loose: list[tuple[int, str]] = []
    categories = list(Category.objects.select_related("parent").order_by("position", "name"))
    for category in categories:
        if category.parent_id is None:
            families[category.pk] = (category.name, [(category.pk, category.name)])
    for category in categories:
        if category.parent_id is not None:
            if category.parent_id in families:
                families[category.parent_id][1].append((category.pk, category.name))
            else:
                loose.append((category.pk, category.name))
    grouped: list = list(families.values())
    return grouped + loose


def collection_points(territory: Territory) -> QuerySet[CollectionPoint]:
    return (
        CollectionPoint.objects.filter(territory=territory)
        .annotate(shop_count=Count("memberships"))
        .order_by("-is_active", "name", "pk")
    )


def territory_collection_point(territory: Territory, point_id: int) -> CollectionPoint | None:
    return CollectionPoint.objects.filter(territory=territory, pk=point_id).first()


def collection_point_shops(point: CollectionPoint) -> list[Shop]:
    return list(
        Shop.objects.filter(
            territory_id=point.territory_id,
            collection_point_memberships__collection_point=point,
        ).order_by("name", "pk")
    )


def approved_shops_matching(
    territory: Territory, q: str, *, exclude: list[int], limit: int = 30
) -> list[Shop]:
    term = clean_search_text(q)
    if not term:
        return []
    return list(
        Shop.objects.filter(territory=territory, status=ShopStatus.APPROVED, name__icontains=term)
        .exclude(pk__in=exclude)
        .order_by("name", "pk")[:limit]
    )


@dataclass(frozen=True)
class PointSlot:
    start: dt.datetime
    end: dt.datetime
    booked: int
    capacity: int


def point_upcoming_slots(
    point: CollectionPoint, *, now: dt.datetime | None = None, limit: int = 12
) -> list[PointSlot]:
    """The point's next slots (its own routing time from now) and the orders each holds."""
    moment = now or timezone.now()
    territory = point.territory
    calendar = SlotCalendar(
        target=f"point:{point.pk}",
        territory_id=point.territory_id,
        method=FulfilmentMethod.COLLECTION_POINT,
        tz=territory.timezone,
        opening_hours=point.opening_hours,
        slot_minutes=point.slot_minutes,
        lead_minutes=point.lead_minutes,
        capacity=point.capacity_per_slot,
        horizon_days=point.horizon_days,
        collection_point_id=point.pk,
    )
    windows = list(itertools.islice(iter_slot_windows(calendar, moment), limit))
    if not windows:
        return []
    booked = dict(
        SlotLoad.objects.filter(
            territory_id=point.territory_id,
            target=calendar.target,
            starts_at__gte=windows[0][0],
            starts_at__lte=windows[-1][0],
        ).values_list("starts_at", "booked")
    )
    return [
        PointSlot(start=start, end=end, booked=booked.get(start, 0), capacity=calendar.capacity)
        for start, end in windows
    ]
