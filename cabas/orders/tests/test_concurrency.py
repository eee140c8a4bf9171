"""Races on a real database (SQLite file in WAL, or PostgreSQL) with real threads."""

import pytest
from django.test import Client

from cabas.catalog.models import Offer, StockMovement
from cabas.factories import OfferFactory
from cabas.fulfilment.models import ShopFulfilment, SlotLoad
from cabas.orders.models import Checkout, Order
from cabas.orders.tests.fixtures import GUEST, new_key
from cabas.testing.concurrency import run_in_threads

pytestmark = pytest.mark.django_db(transaction=True)


def buy(offer_id: int, quantity: int = 1, key: str | None = None, **extra):
    body = {**GUEST, "lines": [{"offer_id": offer_id, "quantity": quantity}], **extra}
    return Client().post(
        "/api/v1/checkout",
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key or new_key(),
    )


def test_fifty_buyers_of_the_last_five_units_make_exactly_five_orders(shop_factory):
    # Given the last 5 units of an offer, and a shop that can take everyone
    shop = shop_factory()
    ShopFulfilment.objects.create(territory=shop.territory, shop=shop, capacity_per_slot=100)
    offer = OfferFactory(shop=shop, stock=5)
    # When 50 buyers check out at the same moment
    responses = run_in_threads(50, lambda i: buy(offer.pk))
    # Then exactly 5 orders, stock 0, the others told "out_of_stock"
    assert not [r for r in responses if isinstance(r, BaseException)], responses
    codes = sorted(r.status_code for r in responses)
    assert codes.count(201) == 5
    assert codes.count(409) == 45
    assert all(
        r.json()["error"]["code"] == "out_of_stock" for r in responses if r.status_code == 409
    )
    assert Order.objects.count() == 5
    assert Offer.objects.get(pk=offer.pk).stock == 0
    assert StockMovement.objects.filter(offer=offer).count() == 5
    assert sum(StockMovement.objects.filter(offer=offer).values_list("delta", flat=True)) == -5


def test_same_key_replayed_concurrently_gives_one_checkout(offer_factory):
    offer = offer_factory(stock=10)
    key = new_key()
    responses = run_in_threads(8, lambda i: buy(offer.pk, 2, key=key))
    assert not [r for r in responses if isinstance(r, BaseException)], responses
    assert {r.status_code for r in responses} == {201}
    assert len({r.content for r in responses}) == 1
    assert Checkout.objects.count() == 1
    assert Order.objects.count() == 1
    assert Offer.objects.get(pk=offer.pk).stock == 8


def test_slot_capacity_holds_under_concurrency(shop_factory):
    # Given a slot that takes 3 orders and 12 buyers who all want it
    shop = shop_factory()
    ShopFulfilment.objects.create(territory=shop.territory, shop=shop, capacity_per_slot=3)
    offer = OfferFactory(shop=shop, stock=None)
    slot = buy(offer.pk).json()["orders"][0]["slot"]["start"]
    wanted = [{"shop": shop.slug, "option": "pickup", "slot": slot}]
    responses = run_in_threads(12, lambda i: buy(offer.pk, fulfilment=wanted))
    # Then 2 more orders fit (one was already there) and the rest are told it is full
    assert not [r for r in responses if isinstance(r, BaseException)], responses
    statuses = [r.status_code for r in responses]
    assert statuses.count(201) == 2
    assert {r.json()["error"]["code"] for r in responses if r.status_code != 201} == {"slot_full"}
    assert Order.objects.filter(slot_start=slot).count() == 3
    assert SlotLoad.objects.get(target=f"shop:{shop.pk}:pickup").booked == 3
