"""The shape of a settlement statement and the arithmetic on it (no query here).

Definitions, printed on every statement (``labels.formula_text``):
- *sales* are the shop's orders handed over in the period (collected or delivered),
  split by what paid them: in the shop (the merchant already holds the money), by card
  online (the provider transferred it, less the commission), by vouchers, gift cards and
  loyalty points (owed by their funders). ``sales = in shop + card + tenders``, always;
- *commission* is on each order's total; on a card order it was withheld from the card
  transfer up to the card share (``withheld``), the rest is *due* by the merchant;
- *movements* are the movements of the shop's merchant receivable in the period: tenders
  redeemed (and refunded), card money received, transferred, reversed and refunded,
  payouts, anything else;
- *net for the period* = tenders + card money kept + other movements − commission due;
- *balance* = what the platform still owes the shop (negative: the shop owes):
  ``closing = opening + net − payouts``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from cabas.orders.models import PaymentMethod
from cabas.reports.selectors import Period
from cabas.shops.models import Shop

# Where a receivable movement came from.
SOURCE_VOUCHER = "voucher"
SOURCE_GIFT_CARD = "gift_card"
SOURCE_LOYALTY = "loyalty"
SOURCE_CARD_PAYMENT = "card_payment"  # the shop's card share (less the fee) received
SOURCE_CARD_TRANSFER = "card_transfer"  # sent to the shop's account by the provider
SOURCE_CARD_REVERSAL = "card_reversal"  # a transfer taken back (refused order)
SOURCE_CARD_REFUND = "card_refund"  # a card share given back to the shopper
SOURCE_PAYOUT = "payout"  # a payout made by the operator
SOURCE_OTHER = "other"
TENDER_SOURCES = (SOURCE_VOUCHER, SOURCE_GIFT_CARD, SOURCE_LOYALTY)
CARD_SOURCES = (
    SOURCE_CARD_PAYMENT,
    SOURCE_CARD_TRANSFER,
    SOURCE_CARD_REVERSAL,
    SOURCE_CARD_REFUND,
)
SOURCE_ORDER = (*TENDER_SOURCES, *CARD_SOURCES, SOURCE_PAYOUT, SOURCE_OTHER)

CHANNEL_IN_STORE = "in_store"
CHANNEL_ONLINE = "online"
CHANNEL_BANK = "bank"


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
    tendered_cents: int = 0  # paid by vouchers, gift cards, points
    card_fee_cents: int = 0  # commission withheld from the card transfer

    @property
    def by_card(self) -> bool:
        return self.payment_method == PaymentMethod.CARD

    @property
    def due_cents(self) -> int:
        """What the card paid (card orders) or the shopper paid in the shop (others)."""
        return self.total_cents - self.tendered_cents

    @property
    def commission_due_cents(self) -> int:
        return self.commission_cents - self.card_fee_cents


@dataclass(frozen=True)
class Tender:
    """One movement of the shop's receivable (the name is historical: most are tenders)."""

    transaction_id: int
    created_at: dt.datetime
    kind: str  # the ledger transaction's kind
    reference: str
    source: str  # one of SOURCE_*
    channel: str  # CHANNEL_*
    programme: str  # the voucher programme's name, "" otherwise
    code_last4: str
    amount_cents: int  # signed: positive credits the shop's receivable
    cashier: str = ""  # who took it at the till (a name, or "API · <token>")


@dataclass(frozen=True)
class TenderGroup:
    source: str
    programme: str
    channel: str
    count: int
    amount_cents: int


@dataclass(frozen=True)
class CardTransfer:
    order_id: int
    provider_transfer_id: str
    status: str
    sent_at: dt.datetime
    amount_cents: int  # what reached the shop's account
    fee_cents: int  # the commission withheld
    reversed_at: dt.datetime | None


@dataclass(frozen=True)
class CardRefundRow:
    order_id: int
    refunded_at: dt.datetime
    amount_cents: int  # given back to the shopper's card
    provider_refund_id: str


@dataclass(frozen=True)
class PayoutRow:
    payout_id: int
    transaction_id: int
    paid_on: dt.date
    recorded_at: dt.datetime
    amount_cents: int
    reference: str
    recorded_by: str


@dataclass
class Statement:
    shop: Shop
    period: Period
    currency: str
    sales: list[Sale] = field(default_factory=list)
    tenders: list[Tender] = field(default_factory=list)
    transfers: list[CardTransfer] = field(default_factory=list)
    card_refunds: list[CardRefundRow] = field(default_factory=list)
    payouts: list[PayoutRow] = field(default_factory=list)
    opening_balance_cents: int = 0

    # -- sales ---------------------------------------------------------------------------
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
    def paid_in_shop_cents(self) -> int:
        return sum(sale.due_cents for sale in self.sales if not sale.by_card)

    @property
    def paid_by_card_cents(self) -> int:
        return sum(sale.due_cents for sale in self.sales if sale.by_card)

    @property
    def paid_by_tenders_cents(self) -> int:
        return sum(sale.tendered_cents for sale in self.sales)

    # -- commission ------------------------------------------------------------------------
    @property
    def commission_cents(self) -> int:
        return sum(sale.commission_cents for sale in self.sales)

    @property
    def commission_withheld_cents(self) -> int:
        return sum(sale.card_fee_cents for sale in self.sales)

    @property
    def commission_due_cents(self) -> int:
        return self.commission_cents - self.commission_withheld_cents

    # -- receivable movements --------------------------------------------------------------
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
    def redeemed_cents(self) -> int:
        """Vouchers, gift cards and loyalty spent at the shop, net of refunds: owed by funders."""
        return self.vouchers_cents + self.gift_cards_cents + self.loyalty_cents

    @property
    def card_payments_cents(self) -> int:
        """Card shares (less the fee) received for the shop."""
        return self.source_cents(SOURCE_CARD_PAYMENT)

    @property
    def card_transferred_cents(self) -> int:
        """Sent to the shop's account by the provider, net of reversals (positive)."""
        return -(self.source_cents(SOURCE_CARD_TRANSFER) + self.source_cents(SOURCE_CARD_REVERSAL))

    @property
    def card_refunded_cents(self) -> int:
        """The shop's part of card shares given back to shoppers (positive)."""
        return -self.source_cents(SOURCE_CARD_REFUND)

    @property
    def card_held_cents(self) -> int:
        """Card money of the period the platform still holds for the shop (a transfer that
        could not leave, one not sent yet)."""
        return sum(self.source_cents(source) for source in CARD_SOURCES)

    @property
    def other_movements_cents(self) -> int:
        return self.source_cents(SOURCE_OTHER)

    @property
    def payouts_cents(self) -> int:
        return -self.source_cents(SOURCE_PAYOUT)

    @property
    def net_payout_cents(self) -> int:
        """What the period adds to what the platform owes the shop (negative: the shop owes)."""
        return (
            self.redeemed_cents
            + self.card_held_cents
            + self.other_movements_cents
            - self.commission_due_cents
        )

    @property
    def closing_balance_cents(self) -> int:
        return self.opening_balance_cents + self.net_payout_cents - self.payouts_cents

    @property
    def groups(self) -> list[TenderGroup]:
        """Movements summed by source, programme and channel, in a stable order."""
        sums: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
        for tender in self.tenders:
            key = (tender.source, tender.programme, tender.channel)
            sums[key][0] += 1
            sums[key][1] += tender.amount_cents
        rank = {source: i for i, source in enumerate(SOURCE_ORDER)}
        return [
            TenderGroup(source, programme, channel, count, amount)
            for (source, programme, channel), (count, amount) in sorted(
                sums.items(), key=lambda item: (rank[item[0][0]], item[0][1], item[0][2])
            )
        ]
