"""What several apps' tests set up the same way: a shop's team, an order placed through
the checkout service, a signed-in client.

A conftest offers the fixtures by importing them by name
(``from cabas.testing.fixtures import owner, staff``): pytest then serves them to the
tests of that folder only, never to the whole suite. The ``shop`` and ``other_shop``
they stand on stay each conftest's own, since each app wants its shop its own way.
"""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from cabas.factories import ShopMembershipFactory, UserFactory
from cabas.orders.models import Order, OrderStatus
from cabas.orders.requests import CheckoutRequest, LineRequest
from cabas.orders.services import checkout_place, order_transition
from cabas.orders.transitions import Role
from cabas.shops.models import ShopMembership


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def place_order(offer, quantity: int = 1, *, user=None, name: str = "Claire") -> Order:
    """One order for ``quantity`` of ``offer``, by ``user`` or a guest, through checkout."""
    checkout = checkout_place(
        request=CheckoutRequest(
            idempotency_key=uuid.uuid4().hex,
            user_id=user.pk if user else None,
            email=user.email if user else "client@example.org",
            phone="06 12 34 56 78",
            name=name,
            lines=(LineRequest(offer.pk, quantity),),
        ),
        cart=None,
    ).checkout
    return checkout.orders.get()


def hand_over(order: Order) -> Order:
    """Accepted, ready, then collected: the way the shop moves it."""
    for status in (OrderStatus.ACCEPTED, OrderStatus.READY, OrderStatus.COLLECTED):
        order_transition(order_id=order.pk, to_status=status, role=Role.SHOP, shop_id=order.shop_id)
    order.refresh_from_db()
    return order


def _member(shop, email: str, role: str):
    user = UserFactory(email=email)
    ShopMembershipFactory(shop=shop, user=user, role=role)
    return user


@pytest.fixture
def owner(shop):
    return _member(shop, "gerante@example.org", ShopMembership.Role.OWNER)


@pytest.fixture
def staff(shop):
    return _member(shop, "equipier@example.org", ShopMembership.Role.STAFF)


@pytest.fixture
def other_owner(other_shop):
    return _member(other_shop, "voisin@example.org", ShopMembership.Role.OWNER)
