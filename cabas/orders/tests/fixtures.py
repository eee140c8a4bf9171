"""Fixtures shared by the commerce tests (cart, orders, fulfilment, notifications)."""

from __future__ import annotations

import uuid

import pytest

from cabas.factories import OfferFactory, ShopFactory, ShopMembershipFactory, TerritoryFactory


@pytest.fixture
def shop_factory(territory):
    def make(**kwargs):
        kwargs.setdefault("territory", territory)
        kwargs.setdefault("opening_hours", "24/7")
        return ShopFactory(**kwargs)

    return make


@pytest.fixture
def offer_factory(shop_factory):
    def make(shop=None, **kwargs):
        return OfferFactory(shop=shop or shop_factory(), **kwargs)

    return make


@pytest.fixture
def baker(shop_factory):
    shop = shop_factory(slug="boulangerie-du-coin", name="Boulangerie du Coin")
    ShopMembershipFactory(shop=shop, user__email="boulanger@example.org")
    return shop


@pytest.fixture
def bookshop(shop_factory):
    shop = shop_factory(slug="librairie-des-halles", name="Librairie des Halles")
    ShopMembershipFactory(shop=shop, user__email="libraire@example.org")
    return shop


@pytest.fixture
def bread(offer_factory, baker):
    return OfferFactory(shop=baker, product__name="Pain de campagne", price_cents=320, stock=20)


@pytest.fixture
def novel(offer_factory, bookshop):
    return OfferFactory(shop=bookshop, product__name="Le Petit Prince", price_cents=890, stock=3)


@pytest.fixture
def elsewhere_offer(db):
    other = TerritoryFactory(slug="ailleurs", name="Ailleurs")
    return OfferFactory(shop=ShopFactory(territory=other, opening_hours="24/7"), stock=5)


def new_key() -> str:
    return uuid.uuid4().hex


GUEST = {"email": "claire@example.org", "phone": "06 12 34 56 78", "name": "Claire"}
