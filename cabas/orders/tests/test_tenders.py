"""Vouchers, gift cards and points paying part of a multi-shop checkout; refunds."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cabas.catalog.models import Offer
from cabas.factories import OfferFactory, ShopFactory, TerritoryFactory, UserFactory
from cabas.ledger.models import Account, AccountKind
from cabas.ledger.selectors import ledger_reconcile
from cabas.orders.models import Checkout, Order, OrderStatus, Tender
from cabas.orders.services import order_transition
from cabas.orders.tenders import tenders_refund
from cabas.orders.tests.fixtures import new_key
from cabas.orders.tests.tenders_helpers import (
    balance,
    gift_card,
    ledger_snapshot,
    pay,
    programme,
)
from cabas.orders.transitions import Role
from cabas.vouchers.services import voucher_purchase, voucher_redeem

pytestmark = pytest.mark.django_db


@pytest.fixture
def taking_baker(baker):
    baker.accepts_vouchers = True
    baker.save(update_fields=["accepts_vouchers"])
    return baker


def receivable(shop) -> int:
    account = Account.objects.filter(
        kind=AccountKind.MERCHANT_RECEIVABLE, owner_ref=f"shop:{shop.pk}"
    ).first()
    return account.balance_cents if account else 0


def test_gift_card_pays_only_the_shop_that_takes_it_and_the_rest_is_due(
    client, taking_baker, bread, novel
):
    # Given a 10 € card, a baker taking vouchers (6,40 €) and a bookshop that does not (8,90 €)
    card = gift_card(taking_baker.territory, 1000)
    # When the shopper checks out both shops with the code
    response = pay(client, [(bread, 2), (novel, 1)], [{"code": card.code}])
    # Then the baker's order is paid by the card, the bookshop's is due in full
    assert response.status_code == 201, response.content
    body = response.json()
    by_shop = {o["shop"]["slug"]: o for o in body["orders"]}
    assert by_shop[bread.shop.slug]["tendered_cents"] == 640
    assert by_shop[bread.shop.slug]["due_cents"] == 0
    assert by_shop[novel.shop.slug]["tendered_cents"] == 0
    assert by_shop[novel.shop.slug]["due_cents"] == 890
    assert (body["tendered_cents"], body["due_cents"]) == (640, 890)
    assert body["payment_status"] == "due_on_fulfilment"
    assert balance(card) == 360
    assert receivable(taking_baker) == 640
    tender = Tender.objects.get()
    assert (tender.kind, tender.amount_cents, tender.code_last4) == (
        "gift_card",
        640,
        card.code[-4:],
    )
    assert ledger_reconcile().ok
    # And the order page shows it
    order_json = client.get(
        f"/api/v1/orders/{by_shop[bread.shop.slug]['id']}",
        HTTP_X_CHECKOUT_TOKEN=body["access_token"],
    ).json()
    assert order_json["tenders"] == [
        {
            "kind": "gift_card",
            "amount_cents": 640,
            "points": 0,
            "code_end": card.code[-4:],
            "refunded": False,
        }
    ]


def test_fully_covered_checkout_is_paid_and_asks_nothing_of_the_provider(
    client, taking_baker, bread
):
    card = gift_card(taking_baker.territory, 5000)
    response = pay(client, [(bread, 1)], [{"code": card.code}])
    assert response.status_code == 201, response.content
    assert response.json()["payment_status"] == "paid"
    assert Checkout.objects.get().payment_status == "paid"
    assert Order.objects.get().due_cents == 0


def test_amount_per_code_and_two_codes_combine(client, taking_baker, bread):
    first, second = gift_card(taking_baker.territory, 1000), gift_card(taking_baker.territory, 1000)
    response = pay(
        client,
        [(bread, 5)],  # 16,00 €
        [{"code": first.code, "amount_cents": 300}, {"code": second.code}],
    )
    assert response.status_code == 201, response.content
    assert (balance(first), balance(second)) == (700, 0)
    order = Order.objects.get()
    assert (order.tendered_cents, order.due_cents) == (1300, 300)


def test_replayed_checkout_debits_the_card_once(client, taking_baker, bread):
    card = gift_card(taking_baker.territory, 1000)
    key = new_key()
    first = pay(client, [(bread, 1)], [{"code": card.code}], key=key)
    again = pay(client, [(bread, 1)], [{"code": card.code}], key=key)
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert first.json()["checkout_id"] == again.json()["checkout_id"]
    assert balance(card) == 680
    assert Tender.objects.count() == 1


def test_voucher_of_a_programme_limited_to_one_shop_pays_only_there(
    client, taking_baker, bread, bookshop, novel
):
    bookshop.accepts_vouchers = True
    bookshop.save(update_fields=["accepts_vouchers"])
    plan = programme(taking_baker.territory, eligible_shops=[bookshop])
    shopper = UserFactory()
    voucher = voucher_purchase(
        programme=plan, user=shopper, amount_cents=2000, now=timezone.now()
    )  # 20 € + 10 € match
    response = pay(client, [(bread, 1), (novel, 1)], [{"code": voucher.code}])
    assert response.status_code == 201, response.content
    by_shop = {o["shop"]["slug"]: o for o in response.json()["orders"]}
    assert by_shop[bookshop.slug]["tendered_cents"] == 890
    assert by_shop[taking_baker.slug]["tendered_cents"] == 0
    assert balance(voucher) == 3000 - 890


@pytest.mark.parametrize(
    ("tender", "code"),
    [
        ({"code": "ZZZZ-ZZZZ-ZZZZ"}, "unknown_code"),
        ({"code": "pas un code"}, "unknown_code"),
        ({"code": 12}, "unknown_code"),
        ("expired", "expired"),
        ("foreign", "foreign_territory"),
        ("exhausted", "exhausted"),
        ("shop_card", "not_eligible"),
        ({"amount_cents": 0}, "tender_amount_invalid"),
        ({"amount_cents": -100}, "tender_amount_invalid"),
        ({"amount_cents": 12.345}, "tender_amount_invalid"),
        ({"amount_cents": "12"}, "tender_amount_invalid"),
        ({"amount_cents": 1001}, "insufficient_balance"),
        ({"amount_cents": 700}, "tender_amount_too_high"),
    ],
)
def test_bad_codes_and_amounts_are_refused_and_nothing_is_written(
    client, taking_baker, bread, tender, code
):
    territory = taking_baker.territory
    card = gift_card(territory, 1000)
    if tender == "expired":
        old = gift_card(territory, 1000, now=timezone.now() - dt.timedelta(days=400))
        tender = {"code": old.code}
    elif tender == "foreign":
        elsewhere = TerritoryFactory(slug="ailleurs", name="Ailleurs")
        tender = {"code": gift_card(elsewhere, 1000).code}
    elif tender == "exhausted":
        till = ShopFactory(territory=territory)
        voucher_redeem(
            code=card.code, shop=till, amount_cents=1000, reference="till:1", idempotency_key="t-1"
        )
        tender = {"code": card.code}
    elif tender == "shop_card":
        tender = {"code": gift_card(territory, 1000, shop=ShopFactory(territory=territory)).code}
    elif "code" not in tender:
        tender = {"code": card.code, **tender}
    before = ledger_snapshot()
    response = pay(client, [(bread, 2)], [tender])  # 6,40 € due
    assert 400 <= response.status_code < 500, response.content
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert ledger_snapshot() == before
    assert Offer.objects.get(pk=bread.pk).stock == 20


def test_shop_refusing_vouchers_takes_no_code(client, baker, bread):
    card = gift_card(baker.territory, 1000)
    before = ledger_snapshot()
    response = pay(client, [(bread, 1)], [{"code": card.code}])
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "not_eligible"
    assert ledger_snapshot() == before


def test_same_code_twice_and_too_many_codes_are_refused(client, taking_baker, bread):
    card = gift_card(taking_baker.territory, 1000)
    twice = pay(client, [(bread, 1)], [{"code": card.code}, {"code": card.code.lower()}])
    assert twice.json()["error"]["code"] == "duplicate_code"
    many = pay(client, [(bread, 1)], [{"code": f"code-{i}"} for i in range(6)])
    assert many.json()["error"]["code"] == "too_many_tenders"


def test_cancelled_order_gives_the_card_back_exactly_once(client, taking_baker, bread):
    card = gift_card(taking_baker.territory, 1000)
    placed = pay(client, [(bread, 2)], [{"code": card.code}]).json()
    order_id = placed["orders"][0]["id"]
    assert balance(card) == 360
    cancelled = client.post(
        f"/api/v1/orders/{order_id}/cancel", HTTP_X_CHECKOUT_TOKEN=placed["access_token"]
    )
    assert cancelled.json()["status"] == OrderStatus.CANCELLED_BY_SHOPPER
    assert cancelled.json()["tenders"][0]["refunded"] is True
    assert balance(card) == 1000
    assert receivable(taking_baker) == 0
    # Refunding again (a retried task, a second call) moves nothing
    assert tenders_refund(order=Order.objects.get(pk=order_id)) == []
    assert balance(card) == 1000
    assert ledger_reconcile().ok


def test_refused_order_refunds_an_expired_card_on_the_card_with_a_note(taking_baker, bread):
    card = gift_card(taking_baker.territory, 1000)
    order_id = pay(None, [(bread, 2)], [{"code": card.code}]).json()["orders"][0]["id"]
    # The card expires before the shop answers
    card.expires_at = timezone.now() - dt.timedelta(minutes=1)
    card.save(update_fields=["expires_at"])
    order_transition(
        order_id=order_id, to_status=OrderStatus.REFUSED, role=Role.SHOP, shop_id=taking_baker.pk
    )
    assert balance(card) == 1000
    tender = Tender.objects.get()
    assert tender.refunded_at is not None
    assert "expirée" in tender.refund_note


def test_checkout_query_count_with_a_code_does_not_grow_with_lines(client, taking_baker, bookshop):
    bookshop.accepts_vouchers = True
    bookshop.save(update_fields=["accepts_vouchers"])

    def queries(lines_per_shop: int) -> int:
        card = gift_card(taking_baker.territory, 100_000)
        lines = [
            (OfferFactory(shop=shop, stock=50), 1)
            for shop in (taking_baker, bookshop)
            for _i in range(lines_per_shop)
        ]
        with CaptureQueriesContext(connection) as captured:
            response = pay(client, lines, [{"code": card.code}])
        assert response.status_code == 201, response.content
        return len(captured)

    queries(1)  # the first checkout opens the shops' receivable accounts
    assert queries(1) == queries(6)
