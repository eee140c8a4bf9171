"""Shared set-up: a shopper with a life on the platform, orders placed through the service."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from cabas.factories import OfferFactory, ShopFactory, UserFactory
from cabas.habits.models import AvailabilityAlert, ShopFollow, ShopperPreferences
from cabas.loyalty.services import loyalty_earn, loyalty_settings_update
from cabas.orders.models import OrderStatus
from cabas.orders.requests import CheckoutRequest, LineRequest
from cabas.orders.services import checkout_place, order_transition
from cabas.orders.transitions import Role
from cabas.planner.models import SavedList
from cabas.vouchers.models import Household

PASSWORD = "motdepasse-solide-42"


def place_order(offer, user, *, name="Claire Dupont", delivery_address=""):
    checkout = checkout_place(
        request=CheckoutRequest(
            idempotency_key=uuid.uuid4().hex,
            user_id=user.pk if user else None,
            email=user.email if user else "invite@example.org",
            phone="06 12 34 56 78",
            name=name,
            lines=(LineRequest(offer.pk, 1),),
        ),
        cart=None,
    ).checkout
    return checkout.orders.get()


def hand_over(order):
    for status in (OrderStatus.ACCEPTED, OrderStatus.READY, OrderStatus.COLLECTED):
        order_transition(order_id=order.pk, to_status=status, role=Role.SHOP, shop_id=order.shop_id)
    order.refresh_from_db()
    return order


@pytest.fixture
def shop(territory):
    return ShopFactory(territory=territory, slug="epicerie", name="Épicerie", opening_hours="24/7")


@pytest.fixture
def offer(shop):
    return OfferFactory(shop=shop, product__name="Confiture", price_cents=450, stock=100)


@pytest.fixture
def shopper(territory, shop, offer):
    """A shopper with a collected order, a follow, an alert, a list, a household, prefs."""
    user = UserFactory(email="claire@example.org", first_name="Claire", last_name="Dupont")
    user.phone = "06 12 34 56 78"
    user.save()
    hand_over(place_order(offer, user))
    ShopFollow.objects.create(territory=territory, shop=shop, user=user)
    AvailabilityAlert.objects.create(territory=territory, user=user, kind="search", query="miel")
    SavedList.objects.create(territory=territory, user=user, name="Samedi", text="pain\nlait")
    ShopperPreferences.objects.create(territory=territory, user=user, digest_enabled=True)
    Household.objects.create(
        territory=territory, user=user, address="3 rue des Lilas", postcode="75011", key="k" * 64
    )
    return user


@pytest.fixture
def other(territory, offer):
    user = UserFactory(email="bob@example.org", first_name="Bob")
    hand_over(place_order(offer, user, name="Bob Martin"))
    return user


def give_points(territory, user, order_id, cents=1000):
    loyalty_settings_update(
        territory=territory, enabled=True, points_per_euro=1, point_value_cents=1
    )
    loyalty_earn(territory=territory, user_id=user.pk, order_id=order_id, amount_cents=cents)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
