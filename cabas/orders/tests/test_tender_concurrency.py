"""Races on a real database (SQLite file in WAL, or PostgreSQL): one code, many spenders."""

import pytest

from cabas.factories import OfferFactory
from cabas.fulfilment.models import ShopFulfilment
from cabas.ledger.selectors import ledger_reconcile
from cabas.orders.models import Order, Tender
from cabas.orders.tests.tenders_helpers import balance, gift_card, pay
from cabas.testing.concurrency import run_in_threads
from cabas.vouchers.errors import VoucherError
from cabas.vouchers.services import voucher_redeem

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def counter(shop_factory):
    shop = shop_factory(accepts_vouchers=True)
    ShopFulfilment.objects.create(territory=shop.territory, shop=shop, capacity_per_slot=100)
    return shop


def test_one_code_spent_by_six_concurrent_checkouts_never_goes_below_zero(counter):
    # Given a 20 € card and six checkouts each wanting 6,40 € of it at the same moment
    card = gift_card(counter.territory, 2000)
    offer = OfferFactory(shop=counter, price_cents=640, stock=None)
    responses = run_in_threads(
        6, lambda i: pay(None, [(offer, 1)], [{"code": card.code, "amount_cents": 640}])
    )
    # Then exactly three are paid by the card, the others refused with a specific code
    assert not [r for r in responses if isinstance(r, BaseException)], responses
    codes = sorted(r.status_code for r in responses)
    assert codes.count(201) == 3, [r.content for r in responses]
    refused = {r.json()["error"]["code"] for r in responses if r.status_code != 201}
    assert refused <= {"insufficient_balance", "tender_balance_changed"}
    assert balance(card) == 2000 - 3 * 640
    assert Order.objects.count() == 3
    assert sum(Tender.objects.values_list("amount_cents", flat=True)) == 3 * 640
    assert ledger_reconcile().ok


def test_checkout_and_till_racing_for_one_code_spend_it_at_most_once(counter):
    # Given a 10 € card wanted by two web checkouts and two tills, 6,40 € each
    card = gift_card(counter.territory, 1000)
    offer = OfferFactory(shop=counter, price_cents=640, stock=None)

    def spend(i):
        if i % 2 == 0:
            response = pay(None, [(offer, 1)], [{"code": card.code, "amount_cents": 640}])
            return "ok" if response.status_code == 201 else response.json()["error"]["code"]
        try:
            voucher_redeem(
                code=card.code,
                shop=counter,
                amount_cents=640,
                reference=f"till:{i}",
                idempotency_key=f"till-{i}",
            )
        except VoucherError as error:
            return error.code
        return "ok"

    results = run_in_threads(4, spend)
    # Then exactly one spender got it, whoever it was, and the card is never negative
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert results.count("ok") == 1, results
    assert balance(card) == 360
    assert ledger_reconcile().ok
