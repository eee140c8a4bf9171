"""Shared loyalty: points earned on handed-over orders, spent as a discount, given back."""

import pytest

from cabas.factories import UserFactory
from cabas.ledger.models import Account, AccountKind
from cabas.ledger.selectors import ledger_reconcile
from cabas.loyalty.selectors import points_balance
from cabas.loyalty.services import loyalty_settings_update
from cabas.orders.errors import CheckoutError
from cabas.orders.models import OrderStatus, Tender
from cabas.orders.requests import CheckoutRequest, LineRequest
from cabas.orders.services import checkout_place, order_transition
from cabas.orders.tests.fixtures import new_key
from cabas.orders.tests.tenders_helpers import ledger_snapshot
from cabas.orders.transitions import Role

pytestmark = pytest.mark.django_db


def place(user, offer, quantity, points=0):
    return checkout_place(
        request=CheckoutRequest(
            idempotency_key=new_key(),
            user_id=user.pk if user else None,
            email="" if user else "invite@example.org",
            phone="0612345678",
            lines=(LineRequest(offer.pk, quantity),),
            loyalty_points=points,
        ),
        cart=None,
    )


def hand_over(order, shop):
    for status in (OrderStatus.ACCEPTED, OrderStatus.READY, OrderStatus.COLLECTED):
        order_transition(order_id=order.pk, to_status=status, role=Role.SHOP, shop_id=shop.pk)


@pytest.fixture
def scheme(territory):
    return loyalty_settings_update(
        territory=territory, enabled=True, points_per_euro=10, point_value_cents=1
    )


def test_points_are_earned_once_spent_as_a_discount_and_given_back(
    client, scheme, territory, baker, bread
):
    shopper = UserFactory()
    # Given a collected order of 16 € (10 points per euro)
    first = place(shopper, bread, 5).orders[0]
    hand_over(first, baker)
    assert points_balance(territory, shopper.pk) == 160
    # When the shopper spends 100 points on the next order at any shop
    second = place(shopper, bread, 1, points=100).orders[0]
    # Then a 1 € discount, the shop owed it by the operator, 60 points left
    assert (second.tendered_cents, second.due_cents) == (100, 220)
    assert points_balance(territory, shopper.pk) == 60
    operator = Account.objects.get(kind=AccountKind.EXTERNAL, owner_ref="loyalty_operator")
    assert operator.balance_cents == -100
    tender = Tender.objects.get(order=second)
    assert (tender.kind, tender.points, tender.amount_cents) == ("loyalty", 100, 100)
    # And cancelling gives the points back and reverses the shop's claim
    order_transition(
        order_id=second.pk,
        to_status=OrderStatus.CANCELLED_BY_SHOPPER,
        role=Role.SHOPPER,
        actor_id=shopper.pk,
    )
    assert points_balance(territory, shopper.pk) == 160
    operator.refresh_from_db()
    assert operator.balance_cents == 0
    assert ledger_reconcile().ok
    # The history page lists every movement
    client.force_login(shopper)
    page = client.get("/compte/points/").content.decode()
    assert "160 points" in page
    assert page.count("<tr>") == 1 + 3  # header + earned, spent, given back


def test_points_paid_with_points_earn_nothing(scheme, territory, baker, bread):
    shopper = UserFactory()
    hand_over(place(shopper, bread, 5).orders[0], baker)  # 160 points
    discounted = place(shopper, bread, 1, points=120).orders[0]  # 3,20 € − 1,20 €
    hand_over(discounted, baker)
    assert points_balance(territory, shopper.pk) == 160 - 120 + 20


@pytest.mark.parametrize(
    ("who", "points", "code"),
    [
        ("guest", 10, "loyalty_login_required"),
        ("shopper", 500, "loyalty_insufficient_points"),
        ("rich", 400, "loyalty_too_many_points"),
        ("off", 10, "loyalty_disabled"),
    ],
)
def test_bad_point_requests_are_refused_and_nothing_is_written(
    scheme, territory, baker, bread, who, points, code
):
    shopper = UserFactory()
    hand_over(place(shopper, bread, 5).orders[0], baker)  # 160 points
    if who == "rich":
        hand_over(place(shopper, bread, 10).orders[0], baker)  # +320 points
    if who == "off":
        loyalty_settings_update(
            territory=territory, enabled=False, points_per_euro=10, point_value_cents=1
        )
    before = ledger_snapshot()
    with pytest.raises(CheckoutError) as refused:
        place(None if who == "guest" else shopper, bread, 1, points=points)  # 3,20 €
    assert refused.value.code == code
    assert ledger_snapshot() == before


def test_disabled_scheme_earns_nothing(territory, baker, bread):
    shopper = UserFactory()
    hand_over(place(shopper, bread, 5).orders[0], baker)
    assert points_balance(territory, shopper.pk) == 0
