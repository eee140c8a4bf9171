import uuid

import pytest

from cabas.catalog.models import StockMovement
from cabas.orders.models import Order, OrderStatus
from cabas.orders.requests import CheckoutRequest, LineRequest
from cabas.orders.services import checkout_place, order_transition
from cabas.orders.transitions import Role
from cabas.tasks.models import Task
from cabas.tasks.services import tasks_drain


@pytest.mark.django_db
def test_smoke(offer_factory, shop_factory, mailoutbox):
    a = offer_factory(stock=5, price_cents=300)
    b = offer_factory(stock=None, price_cents=150)
    result = checkout_place(
        request=CheckoutRequest(
            idempotency_key=uuid.uuid4().hex,
            user_id=None,
            email="a@example.org",
            phone="06 12 34 56 78",
            lines=(LineRequest(a.pk, 2), LineRequest(b.pk, 3)),
        ),
        cart=None,
    )
    assert result.checkout.orders.count() == 2
    a.refresh_from_db()
    assert a.stock == 3
    order = Order.objects.get(shop=a.shop)
    order_transition(
        order_id=order.pk, to_status=OrderStatus.REFUSED, role=Role.SHOP, shop_id=a.shop_id
    )
    a.refresh_from_db()
    assert a.stock == 5
    assert StockMovement.objects.count() == 2
    assert Task.objects.count() == 5
    tasks_drain()
    assert len(mailoutbox) == 3
