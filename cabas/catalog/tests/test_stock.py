"""Stock changes: recorded as movements, never below zero, untracked stock untouched."""

import pytest
from django.db import transaction

from cabas.catalog.locks import lock_offers
from cabas.catalog.models import Offer, StockMovement
from cabas.catalog.stock import (
    InsufficientStockError,
    stock_adjust,
    stock_restore,
    stock_sell,
    stock_set,
)
from cabas.factories import OfferFactory

pytestmark = pytest.mark.django_db


def sell(quantities, offers=None):
    with transaction.atomic():
        locked = offers if offers is not None else list(lock_offers(quantities))
        stock_sell(offers=locked, quantities=quantities, reference="test")


def test_sale_takes_stock_and_records_each_movement():
    a, b = OfferFactory(stock=5), OfferFactory(stock=2)
    sell({a.pk: 3, b.pk: 2})
    assert Offer.objects.get(pk=a.pk).stock == 2
    assert Offer.objects.get(pk=b.pk).stock == 0
    movements = {
        m.offer_id: (m.delta, m.stock_after, m.reason) for m in StockMovement.objects.all()
    }
    assert movements == {a.pk: (-3, 2, "sale"), b.pk: (-2, 0, "sale")}


def test_untracked_stock_is_never_decremented():
    untracked = OfferFactory(stock=None)
    sell({untracked.pk: 40})
    assert Offer.objects.get(pk=untracked.pk).stock is None
    assert StockMovement.objects.count() == 0


def test_shortage_raises_and_changes_nothing():
    a, b = OfferFactory(stock=5), OfferFactory(stock=1)
    with pytest.raises(InsufficientStockError) as error:
        sell({a.pk: 1, b.pk: 2})
    assert [(s.offer_id, s.requested, s.available) for s in error.value.shortages] == [(b.pk, 2, 1)]
    assert Offer.objects.get(pk=a.pk).stock == 5
    assert StockMovement.objects.count() == 0


def test_conditional_update_refuses_a_stale_read_even_without_the_lock():
    offer = OfferFactory(stock=3)
    stale = Offer.objects.get(pk=offer.pk)
    Offer.objects.filter(pk=offer.pk).update(stock=1)  # sold elsewhere meanwhile
    with pytest.raises(InsufficientStockError):
        sell({offer.pk: 2}, offers=[stale])
    assert Offer.objects.get(pk=offer.pk).stock == 1


@pytest.mark.django_db(transaction=True)
def test_stock_changes_require_a_transaction():
    offer = OfferFactory(stock=3)
    with pytest.raises(RuntimeError):
        stock_sell(offers=[offer], quantities={offer.pk: 1}, reference="x")


def test_restore_puts_units_back_except_on_untracked_offers():
    tracked, untracked = OfferFactory(stock=0), OfferFactory(stock=None)
    with transaction.atomic():
        stock_restore(quantities={tracked.pk: 2, untracked.pk: 1}, reference="order:1")
    assert Offer.objects.get(pk=tracked.pk).stock == 2
    assert Offer.objects.get(pk=untracked.pk).stock is None
    movement = StockMovement.objects.get()
    assert (movement.offer_id, movement.delta, movement.reason) == (tracked.pk, 2, "cancel")


def test_set_records_the_difference_and_adjust_refuses_negative_stock():
    offer = OfferFactory(stock=4)
    stock_set(offer_id=offer.pk, quantity=10, reason="import", reference="fichier.csv")
    stock_adjust(offer_id=offer.pk, delta=-3, reason="manual")
    with pytest.raises(InsufficientStockError):
        stock_adjust(offer_id=offer.pk, delta=-8, reason="manual")
    assert Offer.objects.get(pk=offer.pk).stock == 7
    deltas = list(StockMovement.objects.order_by("pk").values_list("delta", "reason"))
    assert deltas == [(6, "import"), (-3, "manual")]
    stock_set(offer_id=offer.pk, quantity=None, reason="sync")
    assert Offer.objects.get(pk=offer.pk).stock is None
    with pytest.raises(ValueError, match="negative"):
        stock_set(offer_id=offer.pk, quantity=-1, reason="manual")


def test_tracking_an_untracked_offer_from_zero_writes_no_movement():
    # Given an offer sold "sur demande" (stock not tracked)
    offer = OfferFactory(stock=None)
    # When the merchant starts counting at zero, then receives 5 units
    stock_set(offer_id=offer.pk, quantity=0, reason="manual")
    assert Offer.objects.get(pk=offer.pk).stock == 0
    assert not StockMovement.objects.filter(offer=offer).exists()
    stock_set(offer_id=offer.pk, quantity=5, reason="import")
    # Then only the real change is a movement
    assert list(StockMovement.objects.filter(offer=offer).values_list("delta", "stock_after")) == [
        (5, 5)
    ]
