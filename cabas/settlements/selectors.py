"""Settlement statements: what the platform owes one shop for a period, from orders and ledger.

The definitions and the arithmetic are in ``statement.py``; here are the reads. Every
function answers in a fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import BigIntegerField, Count, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from cabas.ledger.models import Account, AccountKind, Entry
from cabas.orders.models import Order, OrderEvent, OrderStatus
from cabas.orders.transitions import FINAL
from cabas.payments.models import CardRefund, PaymentTransfer, RefundStatus, TransferStatus
from cabas.reports.selectors import Period
from cabas.shops.models import Shop
from cabas.territories.models import Territory
from cabas.vouchers.models import GiftCard, Voucher

from .models import Payout
from .statement import (
    CHANNEL_BANK,
    CHANNEL_IN_STORE,
    CHANNEL_ONLINE,
    SOURCE_CARD_PAYMENT,
    SOURCE_CARD_REFUND,
    SOURCE_CARD_REVERSAL,
    SOURCE_CARD_TRANSFER,
    SOURCE_GIFT_CARD,
    SOURCE_LOYALTY,
    SOURCE_OTHER,
    SOURCE_PAYOUT,
    SOURCE_VOUCHER,
    CardRefundRow,
    CardTransfer,
    PayoutRow,
    Sale,
    SaleLine,
    Statement,
    Tender,
)

HANDED_OVER = (OrderStatus.COLLECTED, OrderStatus.DELIVERED)
ONLINE_REFERENCE_PREFIX = "order:"
# Ledger kinds that name their own source (the counterpart does not matter).
KIND_SOURCES = {
    "card_payment": SOURCE_CARD_PAYMENT,
    "card_transfer": SOURCE_CARD_TRANSFER,
    "card_transfer_reversal": SOURCE_CARD_REVERSAL,
    "card_refund": SOURCE_CARD_REFUND,
    "merchant_payout": SOURCE_PAYOUT,
}


def month_period(territory: Territory, year: int, month: int) -> Period:
    """The whole calendar month, in the territory's timezone."""
    start = dt.date(year, month, 1)
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return Period(start=start, end=following - dt.timedelta(days=1), tz=territory.timezone)


def current_month(territory: Territory, *, now: dt.datetime | None = None) -> Period:
    today = timezone.localtime(now or timezone.now(), ZoneInfo(territory.timezone)).date()
    return month_period(territory, today.year, today.month)


def _handed_at() -> Subquery:
    return Subquery(
        OrderEvent.objects.filter(order_id=OuterRef("pk"), to_status__in=HANDED_OVER)
        .order_by("-created_at", "-pk")
        .values("created_at")[:1]
    )


def handed_over_orders(shop: Shop, period: Period) -> QuerySet[Order]:
    """The shop's orders collected or delivered in the period, with ``handed_over_at``.

    The time is that of the order's last move to collected/delivered (its event);
    ``updated_at`` stands in for orders that reached it without an event (imports).
    """
    return (
        Order.objects.filter(territory_id=shop.territory_id, shop=shop, status__in=HANDED_OVER)
        .annotate(handed_over_at=Coalesce(_handed_at(), F("updated_at")))
        .filter(handed_over_at__gte=period.starts_at, handed_over_at__lt=period.ends_before)
        .order_by("handed_over_at", "pk")
    )


def _sales(shop: Shop, period: Period) -> list[Sale]:
    orders = (
        handed_over_orders(shop, period)
        .select_related("payment_transfer")
        .prefetch_related("lines")
    )
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
            tendered_cents=order.tendered_cents,
            card_fee_cents=_withheld(order),
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


def _withheld(order: Order) -> int:
    transfer = getattr(order, "payment_transfer", None)
    return transfer.application_fee_cents if transfer is not None else 0


def commission_due_cents(orders: Iterable[Order]) -> int:
    """The commission of ``orders`` not withheld from their card transfers (owed by the shop)."""
    by_id = {order.pk: order.commission_cents for order in orders}
    withheld = PaymentTransfer.objects.filter(order_id__in=list(by_id)).aggregate(
        total=Coalesce(Sum("application_fee_cents"), Value(0), output_field=BigIntegerField())
    )["total"]
    return sum(by_id.values()) - int(withheld)


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


def _channel(kind: str, reference: str) -> str:
    if kind == "merchant_payout":
        return CHANNEL_BANK
    if kind in KIND_SOURCES or reference.startswith(ONLINE_REFERENCE_PREFIX):
        return CHANNEL_ONLINE
    return CHANNEL_IN_STORE


def receivable_tenders(shop: Shop, period: Period) -> list[Tender]:
    """Every movement of the shop's receivable in the period, named by its source.

    Card and payout postings name themselves by their kind. Any other receivable line is
    attributed to the opposite-signed lines of its transaction, in proportion to their
    amounts (one counterpart, the usual case, takes it all), so the movements always add
    up to the receivable's.
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
        Entry.objects.filter(
            transaction_id__in={
                e.transaction_id for e in own if e.transaction.kind not in KIND_SOURCES
            }
        )
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
        channel = _channel(posting.kind, posting.reference)
        if posting.kind in KIND_SOURCES:
            parts: list[tuple[str, CardInfo | None, int]] = [
                (KIND_SOURCES[posting.kind], None, entry.amount_cents)
            ]
        else:
            parts = _attributed(entry, others[posting.pk], cards)
        for source, info, share in parts:
            if share == 0:
                continue
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
                    cashier=posting.actor_label,
                )
            )
    return tenders


def _attributed(
    entry: Entry, legs: list[Entry], cards: dict[int, CardInfo]
) -> list[tuple[str, CardInfo | None, int]]:
    opposite = [leg for leg in legs if (leg.amount_cents > 0) != (entry.amount_cents > 0)]
    if not opposite:
        return [(SOURCE_OTHER, None, entry.amount_cents)]
    weight = sum(abs(leg.amount_cents) for leg in opposite)
    parts = []
    given = 0
    for position, leg in enumerate(opposite):
        if position == len(opposite) - 1:
            share = entry.amount_cents - given
        else:
            share = entry.amount_cents * abs(leg.amount_cents) // weight
        given += share
        parts.append((_source(leg.account, cards), cards.get(leg.account_id), share))
    return parts


def _card_transfers(shop: Shop, period: Period) -> list[CardTransfer]:
    rows = PaymentTransfer.objects.filter(
        territory_id=shop.territory_id,
        shop=shop,
        sent_at__gte=period.starts_at,
        sent_at__lt=period.ends_before,
    ).order_by("sent_at", "pk")
    return [
        CardTransfer(
            order_id=row.order_id,
            provider_transfer_id=row.provider_transfer_id or "",
            status=row.status,
            sent_at=row.sent_at,  # type: ignore[arg-type]
            amount_cents=row.amount_cents,
            fee_cents=row.application_fee_cents,
            reversed_at=row.reversed_at,
        )
        for row in rows
    ]


def _card_refunds(shop: Shop, period: Period) -> list[CardRefundRow]:
    rows = CardRefund.objects.filter(
        territory_id=shop.territory_id,
        transfer__shop=shop,
        status=RefundStatus.SUCCEEDED,
        refunded_at__gte=period.starts_at,
        refunded_at__lt=period.ends_before,
    ).order_by("refunded_at", "pk")
    return [
        CardRefundRow(
            order_id=row.order_id,
            refunded_at=row.refunded_at,  # type: ignore[arg-type]
            amount_cents=row.amount_cents,
            provider_refund_id=row.provider_refund_id or "",
        )
        for row in rows
    ]


def _payouts(shop: Shop, period: Period) -> list[PayoutRow]:
    rows = (
        Payout.objects.filter(
            territory_id=shop.territory_id,
            shop=shop,
            ledger_transaction__created_at__gte=period.starts_at,
            ledger_transaction__created_at__lt=period.ends_before,
        )
        .select_related("ledger_transaction")
        .order_by("ledger_transaction__created_at", "pk")
    )
    return [
        PayoutRow(
            payout_id=row.pk,
            transaction_id=row.ledger_transaction_id,
            paid_on=row.paid_on,
            recorded_at=row.ledger_transaction.created_at,
            amount_cents=row.amount_cents,
            reference=row.reference,
            recorded_by=row.ledger_transaction.actor_label,
        )
        for row in rows
    ]


def balance_before(shop: Shop, moment: dt.datetime) -> int:
    """What the platform owed the shop just before ``moment`` (negative: the shop owed).

    The receivable's balance then, less the commission due on the orders handed over
    before then (the part not withheld from card transfers). Two queries.
    """
    held = Entry.objects.filter(
        territory_id=shop.territory_id,
        account__kind=AccountKind.MERCHANT_RECEIVABLE,
        account__owner_ref=f"shop:{shop.pk}",
        transaction__created_at__lt=moment,
    ).aggregate(total=Coalesce(Sum("amount_cents"), Value(0), output_field=BigIntegerField()))
    due = (
        Order.objects.filter(territory_id=shop.territory_id, shop=shop, status__in=HANDED_OVER)
        .annotate(handed_over_at=Coalesce(_handed_at(), F("updated_at")))
        .filter(handed_over_at__lt=moment)
        .aggregate(
            commission=Coalesce(Sum("commission_cents"), Value(0), output_field=BigIntegerField()),
            withheld=Coalesce(
                Sum("payment_transfer__application_fee_cents"),
                Value(0),
                output_field=BigIntegerField(),
            ),
        )
    )
    return int(held["total"]) - int(due["commission"]) + int(due["withheld"])


def receivable_reserved_cents(shop: Shop) -> int:
    """Money the shop's receivable must keep for refunds that may still come (three queries).

    The tenders and the unsent card shares of its orders not yet handed over or closed,
    and the card refunds opened but not booked whose transfer did not leave (or came back).
    """
    open_orders = Order.objects.filter(territory_id=shop.territory_id, shop=shop).exclude(
        status__in=FINAL
    )
    tenders = open_orders.aggregate(
        total=Coalesce(Sum("tendered_cents"), Value(0), output_field=BigIntegerField())
    )["total"]
    unsent = PaymentTransfer.objects.filter(
        order__in=open_orders,
        status__in=[TransferStatus.PENDING, TransferStatus.SENDING, TransferStatus.FAILED],
    ).aggregate(total=Coalesce(Sum("amount_cents"), Value(0), output_field=BigIntegerField()))[
        "total"
    ]
    refunding = CardRefund.objects.filter(
        territory_id=shop.territory_id,
        transfer__shop=shop,
        status=RefundStatus.PENDING,
    ).exclude(transfer__status=TransferStatus.SENT)
    pending = refunding.aggregate(
        total=Coalesce(Sum("transfer__amount_cents"), Value(0), output_field=BigIntegerField())
    )["total"]
    return int(tenders) + int(unsent) + int(pending)


def shop_statement(shop: Shop, period: Period) -> Statement:
    """The shop's settlement statement for the period (sales, movements, balances)."""
    return Statement(
        shop=shop,
        period=period,
        currency=shop.territory.currency,
        sales=_sales(shop, period),
        tenders=receivable_tenders(shop, period),
        transfers=_card_transfers(shop, period),
        card_refunds=_card_refunds(shop, period),
        payouts=_payouts(shop, period),
        opening_balance_cents=balance_before(shop, period.starts_at),
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
    received_cents: int  # the movements of the shop's receivable in the period, payouts aside
    withheld_cents: int = 0  # commission withheld from card transfers
    payouts_cents: int = 0  # payouts recorded in the period

    @property
    def net_cents(self) -> int:
        """The period's net, as on the shop's statement."""
        return self.received_cents - (self.commission_cents - self.withheld_cents)


def territory_summary(territory: Territory, period: Period) -> list[ShopSummary]:
    """Every shop with sales or receivable movements in the period (three queries)."""
    sales = {
        row["shop_id"]: row
        for row in Order.objects.filter(territory=territory, status__in=HANDED_OVER)
        .annotate(handed_over_at=Coalesce(_handed_at(), F("updated_at")))
        .filter(handed_over_at__gte=period.starts_at, handed_over_at__lt=period.ends_before)
        .values("shop_id")
        .annotate(
            orders=Count("id"),
            sales_cents=Sum("total_cents"),
            commission_cents=Sum("commission_cents"),
            withheld_cents=Sum("payment_transfer__application_fee_cents"),
        )
    }
    received: dict[int, int] = defaultdict(int)
    paid: dict[int, int] = defaultdict(int)
    for row in (
        Entry.objects.filter(
            territory=territory,
            account__kind=AccountKind.MERCHANT_RECEIVABLE,
            account__owner_ref__startswith="shop:",
            transaction__created_at__gte=period.starts_at,
            transaction__created_at__lt=period.ends_before,
        )
        .values("account__owner_ref")
        .annotate(
            total=Sum("amount_cents", filter=~Q(transaction__kind="merchant_payout")),
            payouts=Sum("amount_cents", filter=Q(transaction__kind="merchant_payout")),
        )
    ):
        owner = row["account__owner_ref"][5:]
        if owner.isdigit():
            received[int(owner)] = int(row["total"] or 0)
            paid[int(owner)] = -int(row["payouts"] or 0)
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
            withheld_cents=int(sales.get(shop.pk, {}).get("withheld_cents") or 0),
            payouts_cents=paid.get(shop.pk, 0),
        )
        for shop in shops.only("name", "siret")
    ]
