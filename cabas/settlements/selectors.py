"""Settlement statements: what the platform owes one shop for a period, from orders and ledger.

Definitions (printed on every statement):
- *sales* are the shop's orders handed over in the period (collected or delivered; the
  time of that step, in the territory's timezone), goods (``subtotal_cents``) plus
  delivery fees;
- *commission* is the sum of those orders' ``commission_cents``;
- *tenders* are the movements of the shop's merchant receivable account in the period,
  named after the account on the other side: a voucher of a programme, a gift card, a
  loyalty account, an online card payment. A reference ``order:<id>`` is an online
  payment, anything else was taken in the shop;
- *net payout* = vouchers + gift cards + loyalty + online card payments − commission: what
  the platform owes the shop for the period (negative: what the shop owes the platform).

Every function answers in a fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Count, F, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from cabas.ledger.models import Account, AccountKind, Entry
from cabas.orders.models import Order, OrderEvent, OrderStatus
from cabas.reports.selectors import Period
from cabas.shops.models import Shop
from cabas.territories.models import Territory
from cabas.vouchers.models import GiftCard, Voucher

HANDED_OVER = (OrderStatus.COLLECTED, OrderStatus.DELIVERED)
ONLINE_REFERENCE_PREFIX = "order:"

# Where a receivable movement came from, by the account on the other side.
SOURCE_VOUCHER = "voucher"
SOURCE_GIFT_CARD = "gift_card"
SOURCE_LOYALTY = "loyalty"
SOURCE_CARD_PAYMENT = "card_payment"
SOURCE_OTHER = "other"
# What the net payout adds up; ``other`` movements (payouts made, corrections) are listed
# on the statement but are not part of what the period earned.
PAYOUT_SOURCES = (SOURCE_VOUCHER, SOURCE_GIFT_CARD, SOURCE_LOYALTY, SOURCE_CARD_PAYMENT)

CHANNEL_IN_STORE = "in_store"
CHANNEL_ONLINE = "online"


def month_period(territory: Territory, year: int, month: int) -> Period:
    """The whole calendar month, in the territory's timezone."""
    start = dt.date(year, month, 1)
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return Period(start=start, end=following - dt.timedelta(days=1), tz=territory.timezone)


def current_month(territory: Territory, *, now: dt.datetime | None = None) -> Period:
    today = timezone.localtime(now or timezone.now(), ZoneInfo(territory.timezone)).date()
    return month_period(territory, today.year, today.month)


@dataclass(frozen=True)
class SaleLine:
    name: str
    sku: str
    quantity: int
    unit_price_cents: int
    line_total_cents: int


@dataclass(frozen=True)
class Sale:
    order_id: int
    handed_over_at: dt.datetime
    status: str
    fulfilment_method: str
    payment_method: str
    subtotal_cents: int
    delivery_fee_cents: int
    total_cents: int
    commission_cents: int
    lines: tuple[SaleLine, ...]


@dataclass(frozen=True)
class Tender:
    transaction_id: int
    created_at: dt.datetime
    kind: str  # the ledger transaction's kind
    reference: str
    source: str  # one of SOURCE_*
    channel: str  # CHANNEL_IN_STORE or CHANNEL_ONLINE
    programme: str  # the voucher programme's name, "" otherwise
    code_last4: str
    amount_cents: int  # signed: positive credits the shop's receivable


@dataclass(frozen=True)
class TenderGroup:
    source: str
    programme: str
    channel: str
    count: int
    amount_cents: int


@dataclass
class Statement:
    shop: Shop
    period: Period
    currency: str
    sales: list[Sale] = field(default_factory=list)
    tenders: list[Tender] = field(default_factory=list)

    @property
    def orders_count(self) -> int:
        return len(self.sales)

    @property
    def goods_cents(self) -> int:
        return sum(sale.subtotal_cents for sale in self.sales)

    @property
    def delivery_fees_cents(self) -> int:
        return sum(sale.delivery_fee_cents for sale in self.sales)

    @property
    def sales_cents(self) -> int:
        return sum(sale.total_cents for sale in self.sales)

    @property
    def commission_cents(self) -> int:
        return sum(sale.commission_cents for sale in self.sales)

    def source_cents(self, source: str) -> int:
        return sum(t.amount_cents for t in self.tenders if t.source == source)

    @property
    def vouchers_cents(self) -> int:
        return self.source_cents(SOURCE_VOUCHER)

    @property
    def gift_cards_cents(self) -> int:
        return self.source_cents(SOURCE_GIFT_CARD)

    @property
    def loyalty_cents(self) -> int:
        return self.source_cents(SOURCE_LOYALTY)

    @property
    def card_payments_cents(self) -> int:
        return self.source_cents(SOURCE_CARD_PAYMENT)

    @property
    def other_movements_cents(self) -> int:
        return self.source_cents(SOURCE_OTHER)

    @property
    def redeemed_cents(self) -> int:
        """Vouchers, gift cards and loyalty spent at the shop: owed by the funders."""
        return self.vouchers_cents + self.gift_cards_cents + self.loyalty_cents

    @property
    def net_payout_cents(self) -> int:
        return self.redeemed_cents + self.card_payments_cents - self.commission_cents

    @property
    def groups(self) -> list[TenderGroup]:
        """Tenders summed by source, programme and channel, in a stable order."""
        sums: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
        for tender in self.tenders:
            key = (tender.source, tender.programme, tender.channel)
            sums[key][0] += 1
            sums[key][1] += tender.amount_cents
        order = {source: i for i, source in enumerate((*PAYOUT_SOURCES, SOURCE_OTHER))}
        return [
            TenderGroup(source, programme, channel, count, amount)
            for (source, programme, channel), (count, amount) in sorted(
                sums.items(), key=lambda item: (order[item[0][0]], item[0][1], item[0][2])
            )
        ]


def handed_over_orders(shop: Shop, period: Period) -> QuerySet[Order]:
    """The shop's orders collected or delivered in the period, with ``handed_over_at``.

    The time is that of the order's last move to collected/delivered (its event);
    ``updated_at`` stands in for orders that reached it without an event (imports).
    """
    handed = (
        OrderEvent.objects.filter(order_id=OuterRef("pk"), to_status__in=HANDED_OVER)
        .order_by("-created_at", "-pk")
        .values("created_at")[:1]
    )
    return (
        Order.objects.filter(territory_id=shop.territory_id, shop=shop, status__in=HANDED_OVER)
        .annotate(handed_over_at=Coalesce(Subquery(handed), F("updated_at")))
        .filter(handed_over_at__gte=period.starts_at, handed_over_at__lt=period.ends_before)
        .order_by("handed_over_at", "pk")
    )


def _sales(shop: Shop, period: Period) -> list[Sale]:
    orders = handed_over_orders(shop, period).prefetch_related("lines")
    return [
        Sale(
            order_id=order.pk,
            handed_over_at=order.handed_over_at,  # type: ignore[attr-defined]
            status=order.status,
            fulfilment_method=order.fulfilment_method,
            payment_method=order.payment_method,
            subtotal_cents=order.subtotal_cents,
            delivery_fee_cents=order.delivery_fee_cents,
            total_cents=order.total_cents,
            commission_cents=order.commission_cents,
            lines=tuple(
                SaleLine(
                    name=line.product_name,
                    sku=line.sku,
                    quantity=line.quantity,
                    unit_price_cents=line.unit_price_cents,
                    line_total_cents=line.line_total_cents,
                )
                for line in order.lines.all()
            ),
        )
        for order in orders
    ]


@dataclass(frozen=True)
class CardInfo:
    source: str  # SOURCE_VOUCHER or SOURCE_GIFT_CARD
    programme: str
    code_last4: str


def cards_by_account(account_ids: set[int]) -> dict[int, CardInfo]:
    """The voucher or gift card behind each ledger account (two queries)."""
    found: dict[int, CardInfo] = {}
    if not account_ids:
        return found
    vouchers = Voucher.objects.filter(account_id__in=account_ids).select_related("programme")
    for voucher in vouchers.only("account_id", "code", "programme__name"):
        assert voucher.account_id is not None
        found[voucher.account_id] = CardInfo(
            SOURCE_VOUCHER, voucher.programme.name, voucher.code[-4:]
        )
    for card in GiftCard.objects.filter(account_id__in=account_ids).only("account_id", "code"):
        assert card.account_id is not None
        found[card.account_id] = CardInfo(SOURCE_GIFT_CARD, "", card.code[-4:])
    return found


def merchant_receivable(shop: Shop) -> Account | None:
    return Account.objects.filter(
        territory_id=shop.territory_id,
        kind=AccountKind.MERCHANT_RECEIVABLE,
        owner_ref=f"shop:{shop.pk}",
    ).first()


def _source(account: Account, cards: dict[int, CardInfo]) -> str:
    if account.pk in cards:
        return cards[account.pk].source
    if account.kind == AccountKind.GIFT_CARD:
        return SOURCE_VOUCHER if account.owner_ref.startswith("voucher:") else SOURCE_GIFT_CARD
    if account.kind == AccountKind.LOYALTY:
        return SOURCE_LOYALTY
    return SOURCE_OTHER


def receivable_tenders(shop: Shop, period: Period) -> list[Tender]:
    """Every movement of the shop's receivable in the period, named by its counterpart.

    A receivable line is attributed to the opposite-signed lines of its transaction, in
    proportion to their amounts (one counterpart, the usual case, takes it all), so the
    tenders always add up to the receivable's movements.
    """
    receivable = merchant_receivable(shop)
    if receivable is None:
        return []
    own = list(
        Entry.objects.filter(
            territory_id=shop.territory_id,
            account=receivable,
            transaction__created_at__gte=period.starts_at,
            transaction__created_at__lt=period.ends_before,
        )
        .select_related("transaction")
        .order_by("transaction__created_at", "pk")
    )
    others: dict[int, list[Entry]] = defaultdict(list)
    for entry in (
        Entry.objects.filter(transaction_id__in={e.transaction_id for e in own})
        .exclude(account=receivable)
        .select_related("account")
        .order_by("pk")
    ):
        others[entry.transaction_id].append(entry)
    cards = cards_by_account(
        {e.account_id for legs in others.values() for e in legs if e.account.kind == "gift_card"}
    )
    tenders: list[Tender] = []
    for entry in own:
        posting = entry.transaction
        channel = (
            CHANNEL_ONLINE
            if posting.reference.startswith(ONLINE_REFERENCE_PREFIX)
            else CHANNEL_IN_STORE
        )
        opposite = [
            leg for leg in others[posting.pk] if (leg.amount_cents > 0) != (entry.amount_cents > 0)
        ]
        if not opposite:
            opposite_shares: list[tuple[Entry | None, int]] = [(None, entry.amount_cents)]
        else:
            weight = sum(abs(leg.amount_cents) for leg in opposite)
            opposite_shares = []
            given = 0
            for position, leg in enumerate(opposite):
                if position == len(opposite) - 1:
                    share = entry.amount_cents - given
                else:
                    share = entry.amount_cents * abs(leg.amount_cents) // weight
                given += share
                opposite_shares.append((leg, share))
        for counterpart, share in opposite_shares:
            if share == 0:
                continue
            source = SOURCE_OTHER
            info = None
            if counterpart is not None:
                source = _source(counterpart.account, cards)
                info = cards.get(counterpart.account_id)
                if (
                    source == SOURCE_OTHER
                    and counterpart.account.kind == AccountKind.EXTERNAL
                    and channel == CHANNEL_ONLINE
                    and share > 0
                ):
                    source = SOURCE_CARD_PAYMENT
            tenders.append(
                Tender(
                    transaction_id=posting.pk,
                    created_at=posting.created_at,
                    kind=posting.kind,
                    reference=posting.reference,
                    source=source,
                    channel=channel,
                    programme=info.programme if info else "",
                    code_last4=info.code_last4 if info else "",
                    amount_cents=share,
                )
            )
    return tenders


def shop_statement(shop: Shop, period: Period) -> Statement:
    """The shop's settlement statement for the period (sales, tenders, totals)."""
    return Statement(
        shop=shop,
        period=period,
        currency=shop.territory.currency,
        sales=_sales(shop, period),
        tenders=receivable_tenders(shop, period),
    )


def territory_shop(territory: Territory, shop_id: int) -> Shop | None:
    """A shop of the territory by id (another territory's id answers ``None``)."""
    return Shop.objects.select_related("territory").filter(territory=territory, pk=shop_id).first()


def territory_shops(territory: Territory) -> QuerySet[Shop]:
    return Shop.objects.filter(territory=territory).order_by("name", "pk")


@dataclass(frozen=True)
class ShopSummary:
    shop_id: int
    name: str
    siret: str
    orders: int
    sales_cents: int
    commission_cents: int
    received_cents: int  # the movements of the shop's receivable in the period


def territory_summary(territory: Territory, period: Period) -> list[ShopSummary]:
    """Every shop with sales or receivable movements in the period (three queries)."""
    handed = (
        OrderEvent.objects.filter(order_id=OuterRef("pk"), to_status__in=HANDED_OVER)
        .order_by("-created_at", "-pk")
        .values("created_at")[:1]
    )
    sales = {
        row["shop_id"]: row
        for row in Order.objects.filter(territory=territory, status__in=HANDED_OVER)
        .annotate(handed_over_at=Coalesce(Subquery(handed), F("updated_at")))
        .filter(handed_over_at__gte=period.starts_at, handed_over_at__lt=period.ends_before)
        .values("shop_id")
        .annotate(
            orders=Count("id"),
            sales_cents=Sum("total_cents"),
            commission_cents=Sum("commission_cents"),
        )
    }
    received: dict[int, int] = {}
    for row in (
        Entry.objects.filter(
            territory=territory,
            account__kind=AccountKind.MERCHANT_RECEIVABLE,
            account__owner_ref__startswith="shop:",
            transaction__created_at__gte=period.starts_at,
            transaction__created_at__lt=period.ends_before,
        )
        .values("account__owner_ref")
        .annotate(total=Sum("amount_cents"))
    ):
        owner = row["account__owner_ref"][5:]
        if owner.isdigit():
            received[int(owner)] = int(row["total"] or 0)
    shops = Shop.objects.filter(territory=territory, pk__in={*sales, *received}).order_by(
        "name", "pk"
    )
    return [
        ShopSummary(
            shop_id=shop.pk,
            name=shop.name,
            siret=shop.siret or "",
            orders=int(sales.get(shop.pk, {}).get("orders") or 0),
            sales_cents=int(sales.get(shop.pk, {}).get("sales_cents") or 0),
            commission_cents=int(sales.get(shop.pk, {}).get("commission_cents") or 0),
            received_cents=received.get(shop.pk, 0),
        )
        for shop in shops.only("name", "siret")
    ]
