"""Reads of the back office. Every query is scoped by territory and by shop.

A merchant reaches a shop only through a :class:`ShopMembership`; each selector
that takes a ``shop`` filters on both ``territory_id`` and ``shop`` (DESIGN 4).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from cabas.accounts.models import User
from cabas.catalog.models import Offer, Product
from cabas.orders.models import Order, OrderLine, OrderStatus
from cabas.orders.transitions import UNPAID
from cabas.shops.models import Shop, ShopClosure, ShopMembership
from cabas.shops.selectors import clean_search_text
from cabas.territories.models import Territory

from .models import ImportJob, JoinRequest, TeamInvitation


def shops_for_user(user: User) -> QuerySet[Shop]:
    """The shops ``user`` is a team member of, whatever their status."""
    if not user.is_authenticated:
        return Shop.objects.none()
    return (
        Shop.objects.filter(memberships__user=user, territory__is_active=True)
        .select_related("territory")
        .order_by("name", "pk")
    )


@dataclass(frozen=True)
class MemberShop:
    shop: Shop
    role: str

    @property
    def is_owner(self) -> bool:
        return self.role == ShopMembership.Role.OWNER


def shop_for_member(user: User, territory_slug: str, shop_slug: str) -> MemberShop | None:
    """The shop and ``user``'s role in it, or None when ``user`` is not in its team."""
    if not user.is_authenticated:
        return None
    membership = (
        ShopMembership.objects.select_related("shop__territory", "shop__category")
        .filter(
            user=user,
            shop__slug=shop_slug,
            shop__territory__slug=territory_slug,
            shop__territory__is_active=True,
        )
        .first()
    )
    if membership is None or membership.territory_id != membership.shop.territory_id:
        return None
    return MemberShop(membership.shop, membership.role)


def pending_join_requests(user: User) -> QuerySet[JoinRequest]:
    return JoinRequest.objects.filter(
        user=user, kind=JoinRequest.Kind.CLAIM, status=JoinRequest.Status.PENDING
    ).select_related("shop", "territory")


def claimable_shops(territory: Territory, query: str, limit: int = 20) -> list[Shop]:
    """Shops of the territory a merchant may claim: found by name, address or postcode."""
    text = clean_search_text(query, 80)
    if len(text) < 2:
        return []
    shops = Shop.objects.filter(territory=territory).filter(
        Q(name__icontains=text) | Q(address__icontains=text) | Q(postcode__startswith=text)
    )
    return list(shops.select_related("category").order_by("name", "pk")[:limit])


# -- catalogue ------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferFilters:
    q: str = ""
    status: str = ""  # "" | active | inactive
    stock: str = ""  # "" | out | low | untracked


def shop_offers(shop: Shop, filters: OfferFilters | None = None) -> QuerySet[Offer]:
    """The shop's offers for the catalogue table (one query per page, with the product)."""
    offers = Offer.objects.filter(territory_id=shop.territory_id, shop=shop).select_related(
        "product"
    )
    filters = filters or OfferFilters()
    text = clean_search_text(filters.q, 100)
    if text:
        offers = offers.filter(
            Q(product__name__icontains=text)
            | Q(product__brand__icontains=text)
            | Q(sku__icontains=text)
            | Q(product__gtin=text)
        )
    if filters.status == "active":
        offers = offers.filter(is_active=True)
    elif filters.status == "inactive":
        offers = offers.filter(is_active=False)
    if filters.stock == "out":
        offers = offers.filter(stock__lte=0)
    elif filters.stock == "low":
        offers = offers.filter(stock__gt=0, stock__lte=3)
    elif filters.stock == "untracked":
        offers = offers.filter(stock__isnull=True)
    return offers.order_by("product__name", "pk")


def shop_offer(shop: Shop, offer_id: int) -> Offer | None:
    return (
        Offer.objects.filter(territory_id=shop.territory_id, shop=shop, pk=offer_id)
        .select_related("product")
        .first()
    )


def shop_offer_by_sku(shop: Shop, sku: str) -> Offer | None:
    return (
        Offer.objects.filter(territory_id=shop.territory_id, shop=shop, sku=sku)
        .select_related("product")
        .first()
    )


def shop_offer_counts(shop: Shop) -> dict[str, int]:
    return Offer.objects.filter(territory_id=shop.territory_id, shop=shop).aggregate(
        total=Count("pk"),
        active=Count("pk", filter=Q(is_active=True)),
        out=Count("pk", filter=Q(is_active=True, stock__lte=0)),
    )


def territory_product_by_gtin(territory_id: int, gtin: str) -> Product | None:
    return Product.objects.filter(territory_id=territory_id, gtin=gtin).first()


def shop_closures(shop: Shop, today: dt.date | None = None) -> QuerySet[ShopClosure]:
    """Closures that are not over yet, soonest first."""
    day = today or timezone.localdate()
    return ShopClosure.objects.filter(
        territory_id=shop.territory_id, shop=shop, end_date__gte=day
    ).order_by("start_date", "pk")


def shop_import_jobs(shop: Shop) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(territory_id=shop.territory_id, shop=shop).defer("content")


def shop_import_job(shop: Shop, job_id: int) -> ImportJob | None:
    return ImportJob.objects.filter(territory_id=shop.territory_id, shop=shop, pk=job_id).first()


# -- team -------------------------------------------------------------------------------


def shop_team(shop: Shop) -> QuerySet[ShopMembership]:
    return (
        ShopMembership.objects.filter(territory_id=shop.territory_id, shop=shop)
        .select_related("user")
        .order_by("role", "user__email")
    )


def shop_open_invitations(shop: Shop, now: dt.datetime | None = None) -> QuerySet[TeamInvitation]:
    return TeamInvitation.objects.filter(
        territory_id=shop.territory_id,
        shop=shop,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=now or timezone.now(),
    )


# -- orders -----------------------------------------------------------------------------

BOARD_STATUSES = (OrderStatus.PLACED, OrderStatus.ACCEPTED, OrderStatus.READY)
OUT_FOR_DELIVERY = OrderStatus.OUT_FOR_DELIVERY


def shop_orders(shop: Shop, statuses: list[str] | None = None) -> QuerySet[Order]:
    # Orders paid online are the shop's only once paid.
    orders = Order.objects.filter(territory_id=shop.territory_id, shop=shop).exclude(
        status__in=UNPAID
    )
    if statuses:
        orders = orders.filter(status__in=statuses)
    return orders.select_related("checkout", "collection_point").order_by("slot_start", "pk")


def shop_order(shop: Shop, order_id: int) -> Order | None:
    return (
        Order.objects.filter(territory_id=shop.territory_id, shop=shop, pk=order_id)
        .exclude(status__in=UNPAID)
        .select_related("checkout")
        .first()
    )


def shop_board_orders(shop: Shop) -> list[Order]:
    """Orders waiting for the shop: to accept, to prepare, to hand over (two queries)."""
    return list(shop_orders(shop, [*BOARD_STATUSES, OUT_FOR_DELIVERY]).prefetch_related("lines"))


def shop_order_by_pickup_code(shop: Shop, code: str) -> Order | None:
    return (
        Order.objects.filter(
            territory_id=shop.territory_id,
            shop=shop,
            pickup_code=code,
            status=OrderStatus.READY,
        )
        .select_related("checkout")
        .first()
    )


@dataclass(frozen=True)
class PickingLine:
    sku: str
    name: str
    quantity: int
    orders: list[int]


def shop_picking_list(shop: Shop) -> list[PickingLine]:
    """Everything to take off the shelves for accepted orders, summed by article."""
    lines: dict[tuple[str, str], PickingLine] = {}
    rows = (
        OrderLine.objects.filter(
            territory_id=shop.territory_id,
            order__shop=shop,
            order__status=OrderStatus.ACCEPTED,
        )
        .order_by("product_name", "order_id")
        .values_list("sku", "product_name", "quantity", "order_id")
    )
    for sku, name, quantity, order_id in rows:
        key = (sku, name)
        line = lines.get(key)
        if line is None:
            lines[key] = PickingLine(sku, name, quantity, [order_id])
        else:
            lines[key] = PickingLine(sku, name, line.quantity + quantity, [*line.orders, order_id])
    return list(lines.values())
