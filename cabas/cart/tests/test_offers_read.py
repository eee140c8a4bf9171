"""The reads of a cart add and a checkout written by hand load what the ORM loads."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cabas.cart.models import Cart, CartLine, CartShopChoice
from cabas.cart.services import SESSION_CART_KEY, _cart_state
from cabas.cart.validation import offers_by_id
from cabas.catalog.models import Offer
from cabas.fulfilment.models import ShopFulfilment, SlotLoad
from cabas.fulfilment.selectors import shop_facts, shop_facts_annotations

pytestmark = pytest.mark.django_db


def fields(instance):
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def test_offers_read_by_hand_equal_the_orm_select_related(bread, novel, django_assert_num_queries):
    # Given a baker with saved fulfilment settings and a booked slot, a bookshop without
    settings = ShopFulfilment.objects.create(
        territory=bread.territory, shop=bread.shop, delivery_enabled=True
    )
    now = timezone.now().replace(microsecond=0)
    start = now + dt.timedelta(hours=3)
    SlotLoad.objects.create(
        territory=bread.territory, target=f"shop:{bread.shop_id}:pickup", starts_at=start, booked=2
    )
    # When both offers are read, locked, with what their shops' fulfilment needs
    with django_assert_num_queries(1), transaction.atomic(savepoint=False):
        offers = offers_by_id([novel.pk, bread.pk, novel.pk], fulfilment_at=now, lock=True)
    expected = {
        offer.pk: offer
        for offer in Offer.objects.select_related(
            "shop__territory", "shop__fulfilment", "product"
        ).annotate(**shop_facts_annotations('"catalog_offer"."shop_id"', now=now))
    }
    # Then every model has the values the ORM loads, and reading them asks nothing more
    assert list(offers) == sorted([bread.pk, novel.pk])
    with CaptureQueriesContext(connection) as extra:
        for pk, offer in offers.items():
            orm = expected[pk]
            assert fields(offer) == fields(orm)
            assert fields(offer.shop) == fields(orm.shop)
            assert fields(offer.shop.territory) == fields(orm.shop.territory)
            assert fields(offer.product) == fields(orm.product)
            assert shop_facts(offer, offer.shop) == shop_facts(orm, orm.shop)
        assert fields(offers[bread.pk].shop.fulfilment) == fields(settings)
        with pytest.raises(ShopFulfilment.DoesNotExist):
            offers[novel.pk].shop.fulfilment  # noqa: B018
    assert not extra.captured_queries
    assert shop_facts(offers[bread.pk], offers[bread.pk].shop).loads == {
        (f"shop:{bread.shop_id}:pickup", start): 2
    }
    assert offers[bread.pk].shop.territory is offers[novel.pk].shop.territory
    assert offers_by_id([]) == {}


def test_the_cart_read_in_one_query_equals_its_rows(bread, novel, django_assert_num_queries):
    # Given a cart with two lines and a fulfilment choice with a slot
    cart = Cart.objects.create(territory=bread.territory, delivery_postcode="75002")
    for offer in (novel, bread):
        CartLine.objects.create(
            territory=bread.territory, cart=cart, offer=offer, quantity=2, unit_price_cents=300
        )
    CartShopChoice.objects.create(
        territory=bread.territory,
        cart=cart,
        shop=bread.shop,
        option="pickup",
        slot_start=timezone.now().replace(microsecond=0) + dt.timedelta(days=1),
    )
    # When it is read with its lines and choices
    with django_assert_num_queries(1):
        found = _cart_state(session={SESSION_CART_KEY: cart.pk}, user=None)
    # Then each is what the ORM reads, in the lines' order
    assert found is not None
    read, lines, choices = found
    assert fields(read) == fields(Cart.objects.get())
    assert [fields(line) for line in lines] == [fields(line) for line in cart.lines.all()]
    assert [fields(c) for c in choices] == [fields(c) for c in cart.choices.all()]
    # And a session without a cart, or naming another, reads none
    assert _cart_state(session={}, user=None) is None
    assert _cart_state(session={SESSION_CART_KEY: cart.pk + 1}, user=None) is None
