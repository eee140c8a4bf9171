"""The one transition table: every legal move recorded, every illegal one refused."""

import pytest

from cabas.catalog.models import StockMovement
from cabas.fulfilment.models import DeliveryZone, ShopFulfilment, SlotLoad
from cabas.orders.errors import TransitionError
from cabas.orders.models import OrderEvent, OrderStatus
from cabas.orders.requests import CheckoutRequest, LineRequest, ShopChoiceRequest
from cabas.orders.services import checkout_place, order_transition
from cabas.orders.tests.fixtures import GUEST, new_key
from cabas.orders.transitions import TRANSITIONS, Role, allowed_moves
from cabas.tasks.models import Task

pytestmark = pytest.mark.django_db
S = OrderStatus


def place(offer, quantity=1, **extra):
    checkout = checkout_place(
        request=CheckoutRequest(
            idempotency_key=new_key(),
            user_id=None,
            email=GUEST["email"],
            phone=GUEST["phone"],
            lines=(LineRequest(offer.pk, quantity),),
            **extra,
        ),
        cart=None,
    ).checkout
    return checkout.orders.get()


def move(order, to, role=Role.SHOP):
    return order_transition(order_id=order.pk, to_status=to, role=role, shop_id=order.shop_id)


def test_pickup_order_goes_from_placed_to_collected_with_each_move_recorded(bread):
    order = place(bread)
    for status in (S.ACCEPTED, S.READY, S.COLLECTED):
        order = move(order, status)
    assert order.status == S.COLLECTED
    moves = list(OrderEvent.objects.filter(order=order).values_list("from_status", "to_status"))
    assert moves == [
        ("", "placed"),
        ("placed", "accepted"),
        ("accepted", "ready"),
        ("ready", "collected"),
    ]
    assert OrderEvent.objects.filter(order=order, actor_role="shop").count() == 3


def test_delivery_order_goes_out_for_delivery_then_delivered(bread):
    ShopFulfilment.objects.create(
        territory=bread.territory, shop=bread.shop, pickup_enabled=False, delivery_enabled=True
    )
    DeliveryZone.objects.create(
        territory=bread.territory,
        shop=bread.shop,
        name="Centre",
        kind="postcodes",
        postcodes="75002 75003",
        fee_cents=450,
        minimum_order_cents=500,
    )
    order = place(
        bread,
        2,
        delivery_address="3 rue du Nil",
        delivery_postcode="75002",
        choices=(ShopChoiceRequest(shop=bread.shop.slug, option="delivery"),),
    )
    assert (order.fulfilment_method, order.delivery_fee_cents, order.total_cents) == (
        "delivery",
        450,
        1090,
    )
    assert order.payment_method == "on_delivery"
    with pytest.raises(TransitionError) as error:
        move(order, S.COLLECTED)
    assert error.value.code == "illegal_transition"
    for status in (S.ACCEPTED, S.OUT_FOR_DELIVERY, S.DELIVERED):
        order = move(order, status)
    assert order.status == S.DELIVERED


@pytest.mark.parametrize(
    ("path", "to"),
    [
        ((), S.READY),
        ((), S.COLLECTED),
        ((S.ACCEPTED,), S.REFUSED),
        ((S.ACCEPTED, S.READY, S.COLLECTED), S.CANCELLED_BY_SHOP),
        ((S.REFUSED,), S.ACCEPTED),
        ((S.ACCEPTED,), S.NO_SHOW),
        ((), S.OUT_FOR_DELIVERY),
    ],
)
def test_illegal_moves_raise_and_change_nothing(bread, path, to):
    order = place(bread)
    for status in path:
        order = move(order, status)
    events = OrderEvent.objects.count()
    with pytest.raises(TransitionError) as error:
        move(order, to)
    assert error.value.code == "illegal_transition"
    order.refresh_from_db()
    assert order.status == (path[-1] if path else S.PLACED)
    assert OrderEvent.objects.count() == events


def test_shopper_may_cancel_only_until_accepted(bread):
    order = place(bread)
    move(order, S.ACCEPTED)
    with pytest.raises(TransitionError) as error:
        move(order, S.CANCELLED_BY_SHOPPER, role=Role.SHOPPER)
    assert error.value.code == "illegal_transition"
    with pytest.raises(TransitionError) as error:
        move(place(bread), S.ACCEPTED, role=Role.SHOPPER)
    assert error.value.code == "transition_not_permitted"


def test_a_shop_cannot_move_another_shops_order(bread, novel):
    order = place(bread)
    with pytest.raises(TransitionError) as error:
        order_transition(
            order_id=order.pk, to_status=S.ACCEPTED, role=Role.SHOP, shop_id=novel.shop_id
        )
    assert error.value.code == "order_not_found"


def test_refusal_puts_stock_back_and_frees_the_slot(bread):
    order = place(bread, 3)
    bread.refresh_from_db()
    assert bread.stock == 17
    load = SlotLoad.objects.get(target=order.slot_target, starts_at=order.slot_start)
    assert load.booked == 1
    move(order, S.REFUSED)
    bread.refresh_from_db()
    load.refresh_from_db()
    assert bread.stock == 20
    assert load.booked == 0
    movement = StockMovement.objects.get(reason="cancel")
    assert (movement.delta, movement.stock_after, movement.reference) == (
        3,
        20,
        f"order:{order.pk}",
    )


def test_cancellation_by_the_shop_after_acceptance_puts_stock_back(bread):
    order = place(bread, 2)
    move(order, S.ACCEPTED)
    move(order, S.CANCELLED_BY_SHOP)
    bread.refresh_from_db()
    assert bread.stock == 20


def test_each_move_queues_its_emails(bread):
    order = place(bread)
    Task.objects.all().delete()
    move(order, S.ACCEPTED)
    assert list(Task.objects.values_list("kwargs", flat=True)) == [
        {"order_id": order.pk, "event": "accepted", "recipient": "shopper"}
    ]


def test_table_and_allowed_moves_agree():
    assert allowed_moves(S.PLACED, "pickup", Role.SHOP) == [
        S.ACCEPTED,
        S.REFUSED,
        S.CANCELLED_BY_SHOP,
    ]
    assert allowed_moves(S.READY, "delivery", Role.SHOP) == [
        S.OUT_FOR_DELIVERY,
        S.CANCELLED_BY_SHOP,
    ]
    assert allowed_moves(S.PLACED, "pickup", Role.SHOPPER) == [S.CANCELLED_BY_SHOPPER]
    # Nothing goes back to "placed": only an order waiting for its online payment gets there.
    assert {src for src, to in TRANSITIONS if to == S.PLACED} == {S.AWAITING_PAYMENT}
    assert TRANSITIONS[(S.AWAITING_PAYMENT, S.PLACED)] == {Role.SYSTEM}
