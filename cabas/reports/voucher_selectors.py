"""Voucher figures of a territory, read from the double-entry ledger (not from counters).

Definitions (the same in the console, its CSV, the impact page and the open data):
- a voucher is *issued* by one ``voucher_purchase`` transaction: what the shopper
  *paid* is the debit of the external payments account, what the funder *matched*
  the debit of the programme's budget account;
- a voucher is *redeemed* by a ``voucher_redemption`` transaction debiting a voucher's
  account (``owner_ref`` ``voucher:<id>``; gift cards are not vouchers); the shop is
  the one whose receivable is credited;
- a transaction belongs to the week and month of its creation in the territory's
  timezone (DESIGN 7).

Every function answers in a fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone

from cabas.ledger.models import AccountKind, Entry
from cabas.shops.models import Shop
from cabas.territories.models import Territory

from .selectors import MIN_SHOPS_FOR_DISCLOSURE, Period, rounded_division

PURCHASE = "voucher_purchase"
REDEMPTION = "voucher_redemption"
VOUCHER_OWNER_PREFIX = "voucher:"
SHOP_OWNER_PREFIX = "shop:"


@dataclass(frozen=True)
class VoucherFigures:
    issued: int = 0
    paid_cents: int = 0
    matched_cents: int = 0
    redemptions: int = 0
    redeemed_cents: int = 0
    shops_redeeming: int = 0

    @property
    def issued_value_cents(self) -> int:
        """What the issued vouchers are worth in shops: paid plus matched."""
        return self.paid_cents + self.matched_cents

    @property
    def redeemed_disclosed(self) -> bool:
        """Territory-wide redemptions are published only when enough shops share them."""
        return self.shops_redeeming >= MIN_SHOPS_FOR_DISCLOSURE

    @property
    def multiplier_tenths(self) -> int | None:
        """Spent in shops with vouchers per euro of public match, in tenths (``31`` = 3,1)."""
        if self.matched_cents <= 0:
            return None
        return rounded_division(10 * self.redeemed_cents, self.matched_cents)


def _entries(territory: Territory, kind: str, period: Period | None) -> QuerySet[Entry]:
    entries = Entry.objects.filter(territory=territory, transaction__kind=kind)
    if period is not None:
        entries = entries.filter(
            transaction__created_at__gte=period.starts_at,
            transaction__created_at__lt=period.ends_before,
        )
    return entries


def _purchase_legs(territory: Territory, period: Period | None) -> QuerySet[Entry]:
    """The shopper's and the funder's legs of every purchase (one each per voucher)."""
    return _entries(territory, PURCHASE, period).filter(
        account__kind__in=[AccountKind.EXTERNAL, AccountKind.FUNDER_BUDGET]
    )


def _redemption_legs(territory: Territory, period: Period | None) -> QuerySet[Entry]:
    """The debit of the voucher's account in every voucher redemption."""
    return _entries(territory, REDEMPTION, period).filter(
        account__kind=AccountKind.GIFT_CARD, account__owner_ref__startswith=VOUCHER_OWNER_PREFIX
    )


def _receivable_legs(territory: Territory, period: Period | None) -> QuerySet[Entry]:
    """The shop's credit in every redemption of a voucher (not of a gift card)."""
    return _entries(territory, REDEMPTION, period).filter(
        account__kind=AccountKind.MERCHANT_RECEIVABLE,
        transaction__entries__account__owner_ref__startswith=VOUCHER_OWNER_PREFIX,
    )


def _shop_id(owner_ref: str) -> int | None:
    if not owner_ref.startswith(SHOP_OWNER_PREFIX):
        return None
    try:
        return int(owner_ref[len(SHOP_OWNER_PREFIX) :])
    except ValueError:
        return None


def _series(territory: Territory, period: Period | None, trunc: Any) -> dict[Any, dict]:
    """Figures grouped by ``trunc`` (a local week or month, or ``None`` for all time)."""
    buckets: dict[Any, dict] = {}

    def bucket(key: Any) -> dict:
        return buckets.setdefault(
            key,
            {"issued": 0, "paid": 0, "matched": 0, "redemptions": 0, "redeemed": 0, "shops": 0},
        )

    def grouped(entries: QuerySet[Entry], *fields: str) -> QuerySet:
        if trunc is None:
            return entries.values(*fields)
        return entries.annotate(bucket=trunc).values("bucket", *fields)

    def key_of(row: dict) -> Any:
        if trunc is None:
            return None
        assert period is not None
        return timezone.localtime(row["bucket"], period.zone).date()

    purchases = grouped(_purchase_legs(territory, period), "account__kind").annotate(
        total=Sum("amount_cents"), n=Count("transaction_id", distinct=True)
    )
    for row in purchases.order_by():
        figures = bucket(key_of(row))
        if row["account__kind"] == AccountKind.EXTERNAL:
            figures["paid"] += -row["total"]
            figures["issued"] += row["n"]
        else:
            figures["matched"] += -row["total"]
    redemptions = grouped(_redemption_legs(territory, period)).annotate(
        total=Sum("amount_cents"), n=Count("transaction_id", distinct=True)
    )
    for row in redemptions.order_by():
        figures = bucket(key_of(row))
        figures["redeemed"] += -row["total"]
        figures["redemptions"] += row["n"]
    shops = grouped(_receivable_legs(territory, period)).annotate(
        n=Count("account_id", distinct=True)
    )
    for row in shops.order_by():
        bucket(key_of(row))["shops"] += row["n"]
    return buckets


def _figures(row: dict | None) -> VoucherFigures:
    if row is None:
        return VoucherFigures()
    return VoucherFigures(
        issued=row["issued"],
        paid_cents=row["paid"],
        matched_cents=row["matched"],
        redemptions=row["redemptions"],
        redeemed_cents=row["redeemed"],
        shops_redeeming=row["shops"],
    )


def voucher_totals(territory: Territory, period: Period | None = None) -> VoucherFigures:
    """Vouchers issued and redeemed over the period (all time when ``None``)."""
    return _figures(_series(territory, period, None).get(None))


@dataclass(frozen=True)
class VoucherWeekRow:
    week_start: dt.date
    figures: VoucherFigures

    @property
    def week_end(self) -> dt.date:
        return self.week_start + dt.timedelta(days=6)

    @property
    def iso_week(self) -> str:
        year, week, _day = self.week_start.isocalendar()
        return f"{year}-W{week:02d}"


def vouchers_by_week(territory: Territory, period: Period) -> list[VoucherWeekRow]:
    """One row per week of the period (Monday first, local time), empty weeks included."""
    series = _series(territory, period, TruncWeek("transaction__created_at", tzinfo=period.zone))
    return [
        VoucherWeekRow(week_start=monday, figures=_figures(series.get(monday)))
        for monday in period.week_starts()
    ]


def vouchers_by_month(territory: Territory, period: Period) -> dict[dt.date, VoucherFigures]:
    """Figures by first day of the local month (months without vouchers are absent)."""
    series = _series(territory, period, TruncMonth("transaction__created_at", tzinfo=period.zone))
    return {month: _figures(row) for month, row in series.items()}


@dataclass(frozen=True)
class VoucherShopRow:
    shop_id: int
    name: str
    redemptions: int
    redeemed_cents: int


def voucher_redemptions_by_shop(territory: Territory, period: Period) -> list[VoucherShopRow]:
    """Voucher money spent in each shop over the period, largest first."""
    rows = (
        _receivable_legs(territory, period)
        .values("account__owner_ref")
        .annotate(total=Sum("amount_cents"), n=Count("transaction_id", distinct=True))
        .order_by()
    )
    totals = {
        shop_id: (row["n"], row["total"])
        for row in rows
        if (shop_id := _shop_id(row["account__owner_ref"])) is not None
    }
    names = dict(Shop.objects.filter(territory=territory, pk__in=totals).values_list("pk", "name"))
    result = [
        VoucherShopRow(
            shop_id=shop_id, name=names.get(shop_id, ""), redemptions=n, redeemed_cents=total
        )
        for shop_id, (n, total) in totals.items()
    ]
    return sorted(result, key=lambda row: (-row.redeemed_cents, row.name, row.shop_id))


def first_voucher_day(territory: Territory) -> dt.date | None:
    """The local day of the territory's first voucher purchase (open data starts there)."""
    moment = (
        _entries(territory, PURCHASE, None)
        .order_by("transaction__created_at")
        .values_list("transaction__created_at", flat=True)
        .first()
    )
    if moment is None:
        return None
    return timezone.localtime(moment, ZoneInfo(territory.timezone)).date()
