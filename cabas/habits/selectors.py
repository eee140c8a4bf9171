"""Reads of the habits domain, always scoped by territory (and by shop for merchants)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import pairwise
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from cabas.catalog.models import Offer
from cabas.orders.models import Order, OrderLine, OrderStatus
from cabas.shops.models import Shop, ShopStatus
from cabas.territories.models import Territory

from .matching import offer_is_available
from .models import AlertMatch, AvailabilityAlert, ShopFollow, ShopNews, ShopperPreferences

FEED_SIZE = 8
UPCOMING_STATUSES = (OrderStatus.PLACED, OrderStatus.ACCEPTED, OrderStatus.READY)
RETURN_WINDOW = dt.timedelta(days=30)
CONVERSION_WINDOW = dt.timedelta(days=14)
COUNTED_STATUSES = (
    OrderStatus.PLACED,
    OrderStatus.ACCEPTED,
    OrderStatus.READY,
    OrderStatus.COLLECTED,
    OrderStatus.OUT_FOR_DELIVERY,
    OrderStatus.DELIVERED,
)


@dataclass(frozen=True)
class FollowState:
    following: bool
    followers: int


def follow_state(*, user_id: int, shop: Shop) -> FollowState:
    """Whether the shopper follows the shop, and how many do: one query."""
    counts = ShopFollow.objects.filter(territory_id=shop.territory_id, shop=shop).aggregate(
        total=Count("pk"), mine=Count("pk", filter=Q(user_id=user_id))
    )
    return FollowState(following=bool(counts["mine"]), followers=counts["total"])


def followed_shops(*, user_id: int, territory: Territory) -> QuerySet[Shop]:
    return Shop.objects.filter(
        territory=territory,
        status=ShopStatus.APPROVED,
        followers__user_id=user_id,
    ).order_by("name")


def follower_feed(
    *, user_id: int, territory: Territory, since: dt.datetime | None = None, limit: int = FEED_SIZE
) -> list[ShopNews]:
    """The latest news of the approved shops the shopper follows, newest first."""
    news = ShopNews.objects.filter(
        territory=territory,
        shop__status=ShopStatus.APPROVED,
        shop__followers__user_id=user_id,
    )
    if since is not None:
        news = news.filter(created_at__gte=since)
    return list(news.select_related("shop").order_by("-created_at", "-pk")[:limit])


def shop_news(*, shop: Shop, limit: int = 20) -> list[ShopNews]:
    return list(
        ShopNews.objects.filter(territory_id=shop.territory_id, shop=shop).order_by(
            "-created_at", "-pk"
        )[:limit]
    )


def follower_count(*, shop: Shop) -> int:
    return ShopFollow.objects.filter(territory_id=shop.territory_id, shop=shop).count()


def user_alerts(*, user_id: int, territory: Territory) -> list[AvailabilityAlert]:
    return list(
        AvailabilityAlert.objects.filter(territory=territory, user_id=user_id, is_active=True)
        .select_related("product")
        .order_by("-created_at", "-pk")
    )


def product_alert(*, user_id: int | None, territory: Territory, product_id: int) -> bool:
    if user_id is None:
        return False
    return AvailabilityAlert.objects.filter(
        territory=territory, user_id=user_id, product_id=product_id, is_active=True
    ).exists()


def preferences_for(*, user_id: int, territory: Territory) -> ShopperPreferences:
    """The shopper's preferences, or the defaults (unsaved) when never set."""
    found = ShopperPreferences.objects.filter(territory=territory, user_id=user_id).first()
    return found or ShopperPreferences(territory=territory, user_id=user_id)


def pending_matches(*, user_id: int, territory_id: int) -> list[AlertMatch]:
    """Unsent matches whose offer is still available, oldest first."""
    rows = (
        AlertMatch.objects.filter(
            territory_id=territory_id, user_id=user_id, notified_at__isnull=True
        )
        .select_related("alert__product", "offer__shop", "offer__product")
        .order_by("created_at", "pk")
    )
    return [row for row in rows if row.alert.is_active and offer_is_available(row.offer)]


def pending_push_matches(
    *, user_id: int, territory_id: int, since: dt.datetime
) -> list[AlertMatch]:
    """Matches no notification carried yet, made since ``since``, offer still available."""
    rows = (
        AlertMatch.objects.filter(
            territory_id=territory_id,
            user_id=user_id,
            pushed_at__isnull=True,
            created_at__gte=since,
        )
        .select_related("alert__product", "offer__shop", "offer__product")
        .order_by("created_at", "pk")
    )
    return [row for row in rows if row.alert.is_active and offer_is_available(row.offer)]


def upcoming_pickups(*, user_id: int, territory: Territory, now: dt.datetime) -> list[Order]:
    """The shopper's orders still to collect or receive, soonest first."""
    return list(
        Order.objects.filter(
            territory=territory,
            user_id=user_id,
            status__in=UPCOMING_STATUSES,
            slot_end__gte=now,
        )
        .select_related("shop", "collection_point")
        .order_by("slot_start", "pk")
    )


# -- digest ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BasketItem:
    offer: Offer
    times: int


def usual_basket(
    *, user_id: int, territory: Territory, now: dt.datetime, size: int = 6
) -> list[BasketItem]:
    """What the shopper bought most over the last 120 days, still on sale with units."""
    lines = OrderLine.objects.filter(
        territory=territory,
        order__user_id=user_id,
        order__status__in=COUNTED_STATUSES,
        order__created_at__gte=now - dt.timedelta(days=120),
        offer__isnull=False,
    ).values_list("offer_id", flat=True)
    counts = Counter(lines)
    if not counts:
        return []
    offers = {
        offer.pk: offer
        for offer in Offer.objects.filter(pk__in=list(counts), territory=territory).select_related(
            "shop", "product"
        )
    }
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [
        BasketItem(offer=offers[pk], times=times)
        for pk, times in ranked
        if pk in offers and offer_is_available(offers[pk])
    ][:size]


@dataclass(frozen=True)
class ExpiringVoucher:
    code: str
    expires_at: dt.datetime
    balance_cents: int
    currency: str


def expiring_vouchers(
    *, user_id: int, territory: Territory, now: dt.datetime, within_days: int = 30
) -> list[ExpiringVoucher]:
    from cabas.ledger.selectors import account_balance
    from cabas.vouchers.models import Voucher

    rows = Voucher.objects.filter(
        territory=territory,
        owner_id=user_id,
        expires_at__gt=now,
        expires_at__lte=now + dt.timedelta(days=within_days),
        account__isnull=False,
    ).select_related("account")
    found = []
    for voucher in rows.order_by("expires_at", "pk"):
        assert voucher.account is not None
        balance = account_balance(voucher.account)
        if balance > 0:
            found.append(
                ExpiringVoucher(
                    code=voucher.code,
                    expires_at=voucher.expires_at,
                    balance_cents=balance,
                    currency=territory.currency,
                )
            )
    return found


def recent_matches(*, user_id: int, territory: Territory, since: dt.datetime) -> list[AlertMatch]:
    return list(
        AlertMatch.objects.filter(territory=territory, user_id=user_id, created_at__gte=since)
        .select_related("offer__shop", "offer__product")
        .order_by("-created_at", "-pk")[:10]
    )


# -- operator figures ----------------------------------------------------------------------


@dataclass(frozen=True)
class ShopFollowers:
    shop_id: int
    name: str
    followers: int


@dataclass(frozen=True)
class HabitFigures:
    shoppers: int
    returning: int
    returning_share_pct: int
    followers_total: int
    top_followed: list[ShopFollowers]
    alerts_sent: int
    alerts_converted: int
    digest_subscribers: int
    alerts_pushed: int = 0


def habit_figures(
    *, territory: Territory, start: dt.date, end: dt.date, top: int = 10
) -> HabitFigures:
    """Returning shoppers, followers and alerts (emailed, pushed) of the period (local days,
    inclusive).

    A shopper *returns* when, after a counted order placed in the period, they place
    another within 30 days. An alert is *converted* when the shopper orders the matched
    product within 14 days of the email. A fixed number of queries.
    """
    tz = ZoneInfo(territory.timezone)
    since = dt.datetime.combine(start, dt.time(), tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tz)
    orders = Order.objects.filter(
        territory=territory,
        user__isnull=False,
        status__in=COUNTED_STATUSES,
        created_at__gte=since,
        created_at__lt=until + RETURN_WINDOW,
    ).values_list("user_id", "created_at")
    times: dict[int, list[dt.datetime]] = defaultdict(list)
    for user_id, created_at in orders:
        times[user_id].append(created_at)
    shoppers = returning = 0
    for moments in times.values():
        moments.sort()
        in_period = [moment for moment in moments if moment < until]
        if not in_period:
            continue
        shoppers += 1
        if any(
            later - earlier <= RETURN_WINDOW and earlier < until
            for earlier, later in pairwise(moments)
        ):
            returning += 1
    followed = list(
        Shop.objects.filter(territory=territory, followers__isnull=False)
        .annotate(count=Count("followers"))
        .order_by("-count", "name")
        .values_list("pk", "name", "count")[:top]
    )
    followers_total = ShopFollow.objects.filter(territory=territory).count()
    sent = AlertMatch.objects.filter(
        territory=territory, notified_at__gte=since, notified_at__lt=until
    )
    sent_rows = list(sent.values_list("user_id", "offer__product_id", "notified_at"))
    purchases: dict[tuple[int, int], list[dt.datetime]] = defaultdict(list)
    if sent_rows:
        lines = OrderLine.objects.filter(
            territory=territory,
            order__user_id__in=sorted({row[0] for row in sent_rows}),
            order__status__in=COUNTED_STATUSES,
            order__created_at__gte=since,
            offer__product_id__in=sorted({row[1] for row in sent_rows}),
        ).values_list("order__user_id", "offer__product_id", "order__created_at")
        for user_id, product_id, created_at in lines:
            purchases[(user_id, product_id)].append(created_at)
    alerts_converted = 0
    for user_id, product_id, notified_at in sent_rows:
        if notified_at is None:
            continue
        deadline = notified_at + CONVERSION_WINDOW
        if any(notified_at <= moment <= deadline for moment in purchases[(user_id, product_id)]):
            alerts_converted += 1
    return HabitFigures(
        shoppers=shoppers,
        returning=returning,
        returning_share_pct=round(100 * returning / shoppers) if shoppers else 0,
        followers_total=followers_total,
        top_followed=[
            ShopFollowers(shop_id=pk, name=name, followers=n) for pk, name, n in followed
        ],
        alerts_sent=len(sent_rows),
        alerts_converted=alerts_converted,
        digest_subscribers=ShopperPreferences.objects.filter(
            territory=territory, digest_enabled=True
        ).count(),
        alerts_pushed=AlertMatch.objects.filter(
            territory=territory, pushed_at__gte=since, pushed_at__lt=until
        ).count(),
    )


def now_local(territory: Territory, now: dt.datetime | None = None) -> dt.datetime:
    return timezone.localtime(now or timezone.now(), ZoneInfo(territory.timezone))
