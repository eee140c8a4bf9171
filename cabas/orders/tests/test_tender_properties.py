"""Random sequences of gift cards sold, checkouts paid with codes, till redemptions,
cancellations (refunds) and expiries: the ledger and the orders always agree."""

import datetime as dt

import pytest
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cabas.factories import OfferFactory, ShopFactory
from cabas.fulfilment.models import ShopFulfilment
from cabas.ledger.models import Account
from cabas.ledger.selectors import ledger_reconcile
from cabas.orders.errors import CheckoutError, OrderError
from cabas.orders.models import Checkout, Order, OrderStatus, Tender
from cabas.orders.requests import CheckoutRequest, LineRequest, TenderRequest
from cabas.orders.services import checkout_place, order_transition
from cabas.orders.tests.fixtures import new_key
from cabas.orders.tests.tenders_helpers import ledger_snapshot
from cabas.orders.transitions import Role
from cabas.vouchers.errors import VoucherError
from cabas.vouchers.models import GiftCard
from cabas.vouchers.selectors import merchant_receivables_total
from cabas.vouchers.services import gift_card_issue, voucher_redeem

pytestmark = pytest.mark.django_db

amount = st.integers(-100, 3000)
step = st.one_of(
    st.tuples(st.just("gift"), amount),
    st.tuples(
        st.just("checkout"),
        st.integers(0, 7),  # which card
        st.one_of(st.none(), amount),  # amount asked (None = as much as useful)
        st.integers(0, 3),  # bread
        st.integers(0, 2),  # novels
        st.booleans(),  # a second code
    ),
    st.tuples(st.just("till"), st.integers(0, 7), amount),
    st.tuples(st.just("cancel"), st.integers(0, 7)),
    st.tuples(st.just("expire"), st.integers(0, 7)),
)


def card_balances(codes) -> dict[str, int]:
    return dict(
        GiftCard.objects.filter(code__in=codes).values_list("code", "account__balance_cents")
    )


def check_invariants(territory, model, till_total):
    report = ledger_reconcile(territory)
    assert report.ok, report.discrepancies
    assert not Account.objects.filter(
        territory=territory, allow_negative=False, balance_cents__lt=0
    ).exists()
    assert card_balances(model) == model
    active = Tender.objects.filter(refund_transaction__isnull=True).aggregate(t=Sum("amount_cents"))
    assert merchant_receivables_total(territory) == till_total + (active["t"] or 0)
    for order in Order.objects.prefetch_related("tenders"):
        paid = sum(t.amount_cents for t in order.tenders.all())
        assert order.tendered_cents == paid <= order.total_cents
        assert order.total_cents == order.tendered_cents + order.due_cents
    for checkout in Checkout.objects.prefetch_related("orders"):
        orders = list(checkout.orders.all())
        assert checkout.total_cents == sum(o.tendered_cents + o.due_cents for o in orders)
        assert (checkout.payment_status == "paid") == all(o.due_cents == 0 for o in orders)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=1, max_size=10))
def test_random_purchases_redemptions_refunds_and_expiries_keep_money_exact(territory, steps):
    with transaction.atomic():
        shops = [ShopFactory(territory=territory, opening_hours="24/7", accepts_vouchers=True)]
        shops.append(ShopFactory(territory=territory, opening_hours="24/7", accepts_vouchers=True))
        for shop in shops:
            ShopFulfilment.objects.create(territory=territory, shop=shop, capacity_per_slot=1000)
        bread = OfferFactory(shop=shops[0], price_cents=320, stock=None)
        novel = OfferFactory(shop=shops[1], price_cents=890, stock=None)
        codes: list[str] = []
        model: dict[str, int] = {}
        owner: dict[int, str] = {}  # card account → code
        till_total = 0
        for n, current in enumerate(steps):
            kind = current[0]
            if kind == "gift":
                try:
                    card = gift_card_issue(
                        territory=territory, amount_cents=current[1], buyer_email="a@b.fr"
                    )
                except VoucherError as error:
                    assert error.code == "invalid_amount" and current[1] <= 0
                else:
                    codes.append(card.code)
                    model[card.code] = current[1]
                    owner[card.account_id] = card.code
            elif kind == "checkout" and codes:
                _kind, which, asked, breads, novels, second = current
                lines = tuple(
                    LineRequest(offer.pk, qty)
                    for offer, qty in ((bread, breads), (novel, novels))
                    if qty
                ) or (LineRequest(bread.pk, 1),)
                tenders = [TenderRequest(codes[which % len(codes)], asked)]
                if second and len(codes) > 1:
                    tenders.append(TenderRequest(codes[(which + 1) % len(codes)]))
                before = ledger_snapshot()
                try:
                    result = checkout_place(
                        request=CheckoutRequest(
                            idempotency_key=new_key(),
                            user_id=None,
                            email="p@example.org",
                            phone="0612345678",
                            lines=lines,
                            tenders=tuple(tenders),
                        ),
                        cart=None,
                    )
                except CheckoutError as error:
                    assert error.code in {
                        "expired",
                        "exhausted",
                        "insufficient_balance",
                        "tender_amount_too_high",
                        "tender_amount_invalid",
                        "tender_not_needed",
                        "duplicate_code",
                    }, error.code
                    assert ledger_snapshot() == before  # nothing written
                else:
                    for tender in Tender.objects.filter(checkout=result.checkout).select_related(
                        "source_account"
                    ):
                        model[owner[tender.source_account_id]] -= tender.amount_cents
            elif kind == "till" and codes:
                code = codes[current[1] % len(codes)]
                try:
                    voucher_redeem(
                        code=code,
                        shop=shops[0],
                        amount_cents=current[2],
                        reference=f"till:{n}",
                        idempotency_key=f"till-{n}",
                    )
                except VoucherError as error:
                    assert error.code in {
                        "invalid_amount",
                        "expired",
                        "exhausted",
                        "insufficient_balance",
                    }
                else:
                    model[code] -= current[2]
                    till_total += current[2]
            elif kind == "cancel":
                placed = list(Order.objects.filter(status=OrderStatus.PLACED).order_by("pk"))
                if placed:
                    order = placed[current[1] % len(placed)]
                    refunds = list(order.tenders.select_related("source_account"))
                    try:
                        order_transition(
                            order_id=order.pk,
                            to_status=OrderStatus.REFUSED,
                            role=Role.SHOP,
                            shop_id=order.shop_id,
                        )
                    except OrderError as error:  # pragma: no cover - the invariants say why
                        raise AssertionError(error.code) from error
                    for tender in refunds:
                        model[owner[tender.source_account_id]] += tender.amount_cents
            elif kind == "expire" and codes:
                GiftCard.objects.filter(code=codes[current[1] % len(codes)]).update(
                    expires_at=timezone.now() - dt.timedelta(seconds=1)
                )
            check_invariants(territory, model, till_total)
        transaction.set_rollback(True)
