"""Random sequences of purchases, gift card sales, redemptions and expiries."""

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cabas.factories import ShopFactory, UserFactory
from cabas.ledger.models import Account
from cabas.ledger.selectors import ledger_reconcile
from cabas.vouchers.errors import VoucherError
from cabas.vouchers.selectors import card_balance, merchant_receivables_total
from cabas.vouchers.services import gift_card_issue, voucher_purchase, voucher_redeem
from cabas.vouchers.tests.conftest import NOW, make_programme

pytestmark = pytest.mark.django_db

amount = st.integers(-100, 4000)
step = st.one_of(
    st.tuples(st.just("purchase"), st.integers(0, 1), amount),
    st.tuples(st.just("gift"), st.just(0), amount),
    st.tuples(st.just("redeem"), st.integers(0, 7), amount),
    st.tuples(st.just("days"), st.integers(1, 40), st.just(0)),  # time passes: expiries
)


def expected_redeem(cents, balance, expired):
    if cents <= 0:
        return "invalid_amount"
    if expired:
        return "expired"
    if balance == 0:
        return "exhausted"
    if cents > balance:
        return "insufficient_balance"
    return "ok"


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=1, max_size=12))
def test_random_money_flows_keep_the_ledger_balanced_and_settlement_exact(territory, steps):
    with transaction.atomic():
        programme = make_programme(territory, budget_cents=2500, cap_per_person_cents=1500)
        users = [UserFactory(), UserFactory()]
        shop = ShopFactory(territory=territory)
        now = NOW
        cards: list = []  # (code, expires_at) in creation order
        model: dict[str, int] = {}
        redeemed = 0
        for n, (kind, who, cents) in enumerate(steps):
            if kind == "days":
                now += dt.timedelta(days=who)
                continue
            try:
                if kind == "purchase":
                    card = voucher_purchase(
                        programme=programme, user=users[who], amount_cents=cents, now=now
                    )
                    model[card.code] = card.paid_cents + card.matched_cents
                    cards.append((card.code, card.expires_at))
                elif kind == "gift":
                    card = gift_card_issue(
                        territory=territory, amount_cents=cents, buyer_email="a@b.fr", now=now
                    )
                    model[card.code] = cents
                    cards.append((card.code, card.expires_at))
                elif cards:
                    code, expires_at = cards[who % len(cards)]
                    expected = expected_redeem(cents, model[code], now >= expires_at)
                    try:
                        voucher_redeem(
                            code=code,
                            shop=shop,
                            amount_cents=cents,
                            reference=f"step:{n}",
                            idempotency_key=f"step-{n}",
                            now=now,
                        )
                        got = "ok"
                    except VoucherError as error:
                        got = error.code
                    assert got == expected, (cents, model[code], now, expires_at)
                    if got == "ok":
                        model[code] -= cents
                        redeemed += cents
            except VoucherError as error:
                assert error.code in {"invalid_amount", "programme_closed", "budget_exhausted"}
            # Invariants after every step
            report = ledger_reconcile(territory)
            assert report.ok, report.discrepancies
            assert not Account.objects.filter(
                territory=territory, allow_negative=False, balance_cents__lt=0
            ).exists()
            assert {code: card_balance(code).balance_cents for code in model} == model
            assert merchant_receivables_total(territory) == redeemed
        transaction.set_rollback(True)
