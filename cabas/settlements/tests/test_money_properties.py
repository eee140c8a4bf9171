"""Property: for any sequence of sales paid in shop, by card and by gift card, handed over,
refused or cancelled after the transfer left, and of payouts, every ledger transaction sums
to zero, no balance goes below zero, and the statement's totals are the orders' totals."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cabas.factories import OfferFactory, ShopFactory
from cabas.ledger.models import Account, AccountKind
from cabas.ledger.selectors import ledger_reconcile
from cabas.orders.models import Order, OrderStatus
from cabas.orders.requests import CheckoutRequest, LineRequest, TenderRequest
from cabas.orders.services import checkout_place, order_transition
from cabas.orders.transitions import Role
from cabas.payments.models import (
    CardRefund,
    Payment,
    PaymentTransfer,
    ShopPaymentAccount,
    TransferStatus,
)
from cabas.payments.refunds import card_refund_send
from cabas.payments.services import payment_confirm, transfer_send
from cabas.settlements.errors import SettlementError
from cabas.settlements.selectors import (
    commission_due_cents,
    receivable_reserved_cents,
    shop_statement,
)
from cabas.settlements.services import payout_record
from cabas.vouchers.services import gift_card_issue

from .conftest import around_today

pytestmark = pytest.mark.django_db


@dataclass
class StubGateway:
    """The provider, in process: records what it was asked, answers Stripe-like ids."""

    name: str = "stripe"
    counter: itertools.count = field(default_factory=itertools.count)
    refunds: dict[str, int] = field(default_factory=dict)
    reversals: dict[str, int] = field(default_factory=dict)

    def _id(self, prefix: str) -> str:
        return f"{prefix}_{next(self.counter)}"

    def charge_of(self, payment_id: str) -> str:
        return f"ch_{payment_id}"

    def transfer(self, **kwargs) -> str:
        return self._id("tr")

    def reverse_transfer(self, *, idempotency_key: str, amount_cents: int, **kwargs) -> str:
        self.reversals.setdefault(idempotency_key, amount_cents)
        return f"trr_{idempotency_key}"

    def refund(self, *, idempotency_key: str, amount_cents: int | None = None, **kwargs) -> str:
        self.refunds.setdefault(idempotency_key, amount_cents or 0)
        return f"re_{idempotency_key}"


@pytest.fixture
def stub_gateway(settings, monkeypatch):
    stub = StubGateway()
    settings.PAYMENT_PROVIDER = "stripe"
    for module in ("registry", "services", "refunds"):
        monkeypatch.setattr(f"cabas.payments.{module}.gateway", lambda: stub)
    return stub


sale = st.fixed_dictionaries(
    {
        "card": st.booleans(),
        "quantity": st.integers(1, 4),
        "gift_cents": st.sampled_from([0, 0, 150, 500, 5000]),
        "fate": st.sampled_from(["handed", "handed", "refused", "cancelled_after_transfer"]),
        "payout_cents": st.sampled_from([0, 0, 100, 700, 10_000]),
    }
)


def _place(offer, *, card: bool, quantity: int, gift_code: str | None, gift_cents: int):
    tenders = (TenderRequest(gift_code, gift_cents),) if gift_code and gift_cents else ()
    checkout = checkout_place(
        request=CheckoutRequest(
            idempotency_key=uuid.uuid4().hex,
            user_id=None,
            email="client@example.org",
            phone="06 12 34 56 78",
            lines=(LineRequest(offer.pk, quantity),),
            payment_method="card" if card else "",
            tenders=tenders,
        ),
        cart=None,
    ).checkout
    payment = Payment.objects.filter(checkout=checkout).first()
    if payment is not None:
        payment_confirm(
            payment_id=payment.pk, provider_payment_id=f"pi_{payment.pk}", source="webhook"
        )
    return checkout.orders.get()


def _step(order, to_status):
    order_transition(order_id=order.pk, to_status=to_status, role=Role.SHOP, shop_id=order.shop_id)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sales=st.lists(sale, min_size=1, max_size=6), rate=st.integers(0, 3000))
def test_statement_totals_equal_order_totals_and_the_ledger_balances(
    territory, stub_gateway, sales, rate
):
    # The fixture lives across the examples; the provider's record must not.
    stub_gateway.refunds.clear()
    stub_gateway.reversals.clear()
    with transaction.atomic():
        territory.commission_bp = rate
        territory.save(update_fields=["commission_bp"])
        shop = ShopFactory(territory=territory, opening_hours="24/7", accepts_vouchers=True)
        ShopPaymentAccount.objects.create(
            territory=territory, shop=shop, stripe_account_id="acct_p1"
        )
        offer = OfferFactory(shop=shop, price_cents=430, stock=None)
        handed: list[Order] = []
        refused_card_shares = 0
        for spec in sales:
            gift = None
            if spec["gift_cents"]:
                gift = gift_card_issue(
                    territory=territory, amount_cents=spec["gift_cents"], buyer_email="g@b.fr"
                )
            wanted = min(spec["gift_cents"], 430 * spec["quantity"])
            order = _place(
                offer,
                card=spec["card"],
                quantity=spec["quantity"],
                gift_code=gift.code if gift else None,
                gift_cents=wanted,
            )
            transfer = PaymentTransfer.objects.filter(order=order).first()
            if spec["fate"] == "cancelled_after_transfer" and transfer is not None:
                transfer_send(transfer_id=transfer.pk)
            if spec["fate"] == "handed":
                for status in (OrderStatus.ACCEPTED, OrderStatus.READY, OrderStatus.COLLECTED):
                    _step(order, status)
                handed.append(Order.objects.get(pk=order.pk))
            else:
                status = (
                    OrderStatus.REFUSED
                    if spec["fate"] == "refused"
                    else OrderStatus.CANCELLED_BY_SHOP
                )
                _step(order, status)
                refund = CardRefund.objects.filter(order=order).first()
                if refund is not None:
                    card_refund_send(refund_id=refund.pk)
                    card_refund_send(refund_id=refund.pk)  # a replayed task
                    refused_card_shares += refund.amount_cents
            for row in PaymentTransfer.objects.filter(status=TransferStatus.PENDING):
                transfer_send(transfer_id=row.pk)
            if spec["payout_cents"]:
                try:
                    payout_record(
                        shop=shop,
                        amount_cents=spec["payout_cents"],
                        paid_on=around_today(territory).start,
                        reference=f"VIR-{uuid.uuid4().hex[:8]}",
                        idempotency_key=uuid.uuid4().hex,
                    )
                except SettlementError as error:
                    assert error.code == "payout_above_balance"

        # Every transaction sums to zero, every balance is its entries, none below zero
        report = ledger_reconcile(territory)
        assert report.ok, report.discrepancies
        assert not Account.objects.filter(allow_negative=False, balance_cents__lt=0).exists()

        statement = shop_statement(shop, around_today(territory))
        # Settlement totals are order totals, split by what paid them
        assert statement.sales_cents == sum(o.total_cents for o in handed)
        assert statement.sales_cents == (
            statement.paid_in_shop_cents
            + statement.paid_by_card_cents
            + statement.paid_by_tenders_cents
        )
        card_orders = [o for o in handed if o.payment_method == "card"]
        transfers = PaymentTransfer.objects.filter(order__in=card_orders)
        assert statement.paid_by_card_cents == sum(
            t.amount_cents + t.application_fee_cents for t in transfers
        )
        assert statement.commission_cents == sum(o.commission_cents for o in handed)
        assert statement.commission_due_cents == commission_due_cents(handed)
        # Card orders were paid out by the provider: nothing of them stays with the platform
        assert statement.card_held_cents == 0
        assert statement.card_transferred_cents == sum(t.amount_cents for t in transfers)
        assert statement.card_refunded_cents == sum(
            t.amount_cents for t in PaymentTransfer.objects.filter(refund__isnull=False)
        )
        assert sum(stub_gateway.refunds.values()) == refused_card_shares
        assert sum(stub_gateway.reversals.values()) == sum(
            t.amount_cents for t in PaymentTransfer.objects.filter(status=TransferStatus.REVERSED)
        )
        # The running balance is the receivable less the commission still due
        receivable = Account.objects.filter(
            kind=AccountKind.MERCHANT_RECEIVABLE, owner_ref=f"shop:{shop.pk}"
        ).first()
        held = receivable.balance_cents if receivable else 0
        assert statement.opening_balance_cents == 0
        assert statement.closing_balance_cents == held - statement.commission_due_cents
        assert statement.closing_balance_cents == (
            statement.net_payout_cents - statement.payouts_cents
        )
        assert statement.net_payout_cents == (
            statement.redeemed_cents - statement.commission_due_cents
        )
        assert receivable_reserved_cents(shop) == 0  # every order is closed
        transaction.set_rollback(True)


def test_a_card_order_is_on_the_statement_as_already_paid_out(territory, stub_gateway):
    # Given a card order of 8,60 € at 10 % commission, transferred, then collected
    territory.commission_bp = 1000
    territory.save(update_fields=["commission_bp"])
    shop = ShopFactory(territory=territory, opening_hours="24/7")
    ShopPaymentAccount.objects.create(territory=territory, shop=shop, stripe_account_id="acct_c1")
    offer = OfferFactory(shop=shop, price_cents=430, stock=None)
    order = _place(offer, card=True, quantity=2, gift_code=None, gift_cents=0)
    transfer = PaymentTransfer.objects.get(order=order)
    transfer_send(transfer_id=transfer.pk)
    for status in (OrderStatus.ACCEPTED, OrderStatus.READY, OrderStatus.COLLECTED):
        _step(order, status)
    # Then the statement splits it as paid by card, lists the transfer, and owes nothing
    statement = shop_statement(shop, around_today(territory))
    assert (statement.sales_cents, statement.paid_by_card_cents) == (860, 860)
    assert statement.paid_in_shop_cents == statement.paid_by_tenders_cents == 0
    assert (statement.commission_cents, statement.commission_withheld_cents) == (86, 86)
    assert statement.commission_due_cents == 0
    assert statement.card_payments_cents == statement.card_transferred_cents == 774
    transfer.refresh_from_db()
    assert [
        (t.order_id, t.provider_transfer_id, t.amount_cents, t.fee_cents)
        for t in statement.transfers
    ] == [(order.pk, transfer.provider_transfer_id, 774, 86)]
    assert statement.net_payout_cents == statement.closing_balance_cents == 0
