import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from cabas.cart.models import Cart, CartLine
from cabas.factories import OfferFactory, UserFactory
from cabas.ops.tasks import ABANDONED_CART_AGE, housekeeping
from cabas.tasks.registry import periodic_tasks

pytestmark = pytest.mark.django_db


def _cart(*, user=None, age: dt.timedelta) -> Cart:
    offer = OfferFactory()
    cart = Cart.objects.create(user=user, territory=offer.territory)
    CartLine.objects.create(
        territory=offer.territory, cart=cart, offer=offer, quantity=1, unit_price_cents=250
    )
    Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now() - age)
    return cart


def test_abandoned_anonymous_carts_go_signed_in_and_recent_ones_stay():
    old_anonymous = _cart(age=ABANDONED_CART_AGE + dt.timedelta(hours=1))
    recent_anonymous = _cart(age=ABANDONED_CART_AGE - dt.timedelta(hours=1))
    old_signed_in = _cart(user=UserFactory(), age=ABANDONED_CART_AGE * 3)
    Session.objects.create(
        session_key="x" * 32, session_data="", expire_date=timezone.now() - dt.timedelta(days=1)
    )
    Session.objects.create(
        session_key="y" * 32, session_data="", expire_date=timezone.now() + dt.timedelta(days=1)
    )

    assert housekeeping() == {"carts": 1}

    remaining = set(Cart.objects.values_list("pk", flat=True))
    assert remaining == {recent_anonymous.pk, old_signed_in.pk}
    assert not CartLine.objects.filter(cart_id=old_anonymous.pk).exists()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["y" * 32]


def test_housekeeping_is_scheduled_daily():
    assert periodic_tasks()["ops.housekeeping"] == dt.timedelta(days=1)
