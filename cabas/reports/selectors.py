"""The territory's figures, computed from its orders in the database.

Definitions (the same everywhere: console, API, public impact page, open data):
- an order *counts* unless it was refused, cancelled or not collected (no-show): only
  goods that changed hands are sales;
- *sales* are the goods' value (``subtotal_cents``), delivery fees apart;
- an order belongs to the day, week and month of its creation in the territory's
  timezone (DESIGN 7);
- the *average basket* is sales divided by orders, rounded half up to the cent.

Every function answers in a fixed number of queries, whatever the number of orders.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Count, F, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from cabas.catalog.models import Category, Offer
from cabas.fulfilment.models import FulfilmentMethod
from cabas.orders.models import Order, OrderStatus
from cabas.shops.models import Shop, ShopStatus
from cabas.territories.models import Territory

COUNTED_STATUSES = (
    OrderStatus.PLACED,
    OrderStatus.ACCEPTED,
    OrderStatus.READY,
    OrderStatus.COLLECTED,
    OrderStatus.OUT_FOR_DELIVERY,
    OrderStatus.DELIVERED,
)
MAX_PERIOD_DAYS = 2 * 366
# Below this many shops with orders, a territory-wide sales figure would disclose one
# trader's takings (a sole trader's turnover is personal data): it is not published.
MIN_SHOPS_FOR_DISCLOSURE = 3


def rounded_division(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half up, in integers (money is never a float)."""
    if denominator <= 0:
        return 0
    return (2 * numerator + denominator) // (2 * denominator)


@dataclass(frozen=True)
class Period:
    """Whole local days, ``start`` to ``end`` inclusive, in the territory's timezone."""

    start: dt.date
    end: dt.date
    tz: str

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    @property
    def starts_at(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time(), tzinfo=self.zone)

    @property
    def ends_before(self) -> dt.datetime:
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), tzinfo=self.zone)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def week_starts(self) -> list[dt.date]:
        first = self.start - dt.timedelta(days=self.start.weekday())
        weeks = []
        while first <= self.end:
            weeks.append(first)
            first += dt.timedelta(days=7)
        return weeks


def default_period(
    territory: Territory, *, weeks: int = 12, now: dt.datetime | None = None
) -> Period:
    """The last ``weeks`` whole weeks up to today, Monday to today."""
    today = timezone.localtime(now or timezone.now(), ZoneInfo(territory.timezone)).date()
    monday = today - dt.timedelta(days=today.weekday())
    return Period(start=monday - dt.timedelta(weeks=weeks - 1), end=today, tz=territory.timezone)


@dataclass(frozen=True)
class Figures:
    orders: int = 0
    sales_cents: int = 0
    delivery_fees_cents: int = 0
    commission_cents: int = 0

    @property
    def average_basket_cents(self) -> int:
        return rounded_division(self.sales_cents, self.orders)


_FIGURES = {
    "orders": Count("id"),
    "sales_cents": Coalesce(Sum("subtotal_cents"), 0),
    "delivery_fees_cents": Coalesce(Sum("delivery_fee_cents"), 0),
    "commission_cents": Coalesce(Sum("commission_cents"), 0),
}


def _figures(row: dict) -> Figures:
    return Figures(
        orders=row["orders"],
        sales_cents=row["sales_cents"],
        delivery_fees_cents=row["delivery_fees_cents"],
        commission_cents=row["commission_cents"],
    )


def counted_orders(territory: Territory, period: Period | None = None) -> QuerySet[Order]:
    orders = Order.objects.filter(territory=territory, status__in=COUNTED_STATUSES)
    if period is not None:
        orders = orders.filter(created_at__gte=period.starts_at, created_at__lt=period.ends_before)
    return orders


def report_totals(territory: Territory, period: Period | None = None) -> Figures:
    return _figures(counted_orders(territory, period).aggregate(**_FIGURES))


@dataclass(frozen=True)
class WeekRow:
    week_start: dt.date
    figures: Figures
    shops_with_orders: int

    @property
    def week_end(self) -> dt.date:
        return self.week_start + dt.timedelta(days=6)

    @property
    def iso_week(self) -> str:
        year, week, _day = self.week_start.isocalendar()
        return f"{year}-W{week:02d}"


def report_by_week(territory: Territory, period: Period) -> list[WeekRow]:
    """One row per week of the period (Monday first, local time), empty weeks included."""
    zone = period.zone
    rows = (
        counted_orders(territory, period)
        .annotate(week=TruncWeek("created_at", tzinfo=zone))
        .values("week")
        .annotate(**_FIGURES, shops=Count("shop_id", distinct=True))
        .order_by("week")
    )
    by_week = {timezone.localtime(row["week"], zone).date(): row for row in rows}
    result = []
    for monday in period.week_starts():
        row = by_week.get(monday)
        result.append(
            WeekRow(
                week_start=monday,
                figures=_figures(row) if row else Figures(),
                shops_with_orders=row["shops"] if row else 0,
            )
        )
    return result


@dataclass(frozen=True)
class ShopReportRow:
    shop_id: int
    name: str
    slug: str
    status: str
    figures: Figures


def report_by_shop(territory: Territory, period: Period) -> list[ShopReportRow]:
    """Shops that had orders in the period, largest sales first."""
    rows = (
        counted_orders(territory, period)
        .values("shop_id", "shop__name", "shop__slug", "shop__status")
        .annotate(**_FIGURES)
        .order_by("-sales_cents", "shop__name", "shop_id")
    )
    return [
        ShopReportRow(
            shop_id=row["shop_id"],
            name=row["shop__name"],
            slug=row["shop__slug"],
            status=row["shop__status"],
            figures=_figures(row),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class CategoryReportRow:
    category_id: int | None
    name: str
    figures: Figures
    shops: int


def report_by_category(territory: Territory, period: Period) -> list[CategoryReportRow]:
    """Orders by the family (top-level category) of the shop that took them."""
    rows = list(
        counted_orders(territory, period)
        .annotate(family=Coalesce(F("shop__category__parent_id"), F("shop__category_id")))
        .values("family")
        .annotate(**_FIGURES, shops=Count("shop_id", distinct=True))
        .order_by("-sales_cents", "family")
    )
    names = dict(
        Category.objects.filter(pk__in=[r["family"] for r in rows if r["family"]]).values_list(
            "pk", "name"
        )
    )
    return [
        CategoryReportRow(
            category_id=row["family"],
            name=names.get(row["family"], "") if row["family"] else _("Sans catégorie"),
            figures=_figures(row),
            shops=row["shops"],
        )
        for row in rows
    ]


@dataclass(frozen=True)
class MethodReportRow:
    method: str
    label: str
    figures: Figures


def report_by_method(territory: Territory, period: Period | None) -> list[MethodReportRow]:
    """Pickup at the shop, at a collection point, and delivery: every method, even empty."""
    rows = {
        row["fulfilment_method"]: row
        for row in counted_orders(territory, period)
        .values("fulfilment_method")
        .annotate(**_FIGURES)
        .order_by("fulfilment_method")
    }
    return [
        MethodReportRow(
            method=method,
            label=str(label),
            figures=_figures(rows[method]) if method in rows else Figures(),
        )
        for method, label in FulfilmentMethod.choices
    ]


@dataclass(frozen=True)
class ShopCounts:
    approved: int = 0
    pending: int = 0
    suspended: int = 0
    draft: int = 0
    with_catalogue: int = 0
    with_orders: int = 0
    by_status: dict[str, int] = field(default_factory=dict)


def report_shop_counts(territory: Territory, period: Period | None = None) -> ShopCounts:
    """Shops by status; approved shops with an active offer; shops with orders in the period."""
    by_status = dict(
        Shop.objects.filter(territory=territory)
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    with_catalogue = (
        Offer.objects.filter(territory=territory, is_active=True, shop__status=ShopStatus.APPROVED)
        .values("shop_id")
        .distinct()
        .count()
    )
    with_orders = counted_orders(territory, period).values("shop_id").distinct().count()
    return ShopCounts(
        approved=by_status.get(ShopStatus.APPROVED, 0),
        pending=by_status.get(ShopStatus.PENDING, 0),
        suspended=by_status.get(ShopStatus.SUSPENDED, 0),
        draft=by_status.get(ShopStatus.DRAFT, 0),
        with_catalogue=with_catalogue,
        with_orders=with_orders,
        by_status=by_status,
    )


@dataclass(frozen=True)
class MonthRow:
    month: dt.date  # first day of the month
    figures: Figures
    shops_with_orders: int
    orders_by_method: dict[str, int]

    @property
    def label(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def disclosed(self) -> bool:
        return self.shops_with_orders >= MIN_SHOPS_FOR_DISCLOSURE


def _month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    months = []
    current = first.replace(day=1)
    while current <= last:
        months.append(current)
        current = (current + dt.timedelta(days=32)).replace(day=1)
    return months


def report_by_month(territory: Territory, period: Period) -> list[MonthRow]:
    """One row per calendar month touching the period (local time), empty months included."""
    zone = period.zone
    base = counted_orders(territory, period).annotate(month=TruncMonth("created_at", tzinfo=zone))
    totals = {
        timezone.localtime(row["month"], zone).date(): row
        for row in base.values("month")
        .annotate(**_FIGURES, shops=Count("shop_id", distinct=True))
        .order_by("month")
    }
    methods: dict[dt.date, dict[str, int]] = {}
    for entry in (
        base.values("month", "fulfilment_method").annotate(n=Count("id")).order_by("month")
    ):
        month = timezone.localtime(entry["month"], zone).date()
        methods.setdefault(month, {})[entry["fulfilment_method"]] = entry["n"]
    result = []
    for month in _month_starts(period.start, period.end):
        row = totals.get(month)
        result.append(
            MonthRow(
                month=month,
                figures=_figures(row) if row else Figures(),
                shops_with_orders=row["shops"] if row else 0,
                orders_by_method={
                    method: methods.get(month, {}).get(method, 0)
                    for method in FulfilmentMethod.values
                },
            )
        )
    return result


def first_order_day(territory: Territory) -> dt.date | None:
    first = counted_orders(territory).order_by("created_at").values_list("created_at", flat=True)
    moment = first.first()
    if moment is None:
        return None
    return timezone.localtime(moment, ZoneInfo(territory.timezone)).date()


def shops_with_orders_ever(territory: Territory) -> int:
    return counted_orders(territory).values("shop_id").distinct().count()


def sum_figures(rows: Iterable[Figures]) -> Figures:
    total = Figures()
    for row in rows:
        total = Figures(
            orders=total.orders + row.orders,
            sales_cents=total.sales_cents + row.sales_cents,
            delivery_fees_cents=total.delivery_fees_cents + row.delivery_fees_cents,
            commission_cents=total.commission_cents + row.commission_cents,
        )
    return total
