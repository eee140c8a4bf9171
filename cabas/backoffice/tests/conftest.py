import uuid

import pytest
from django.test import Client

from cabas.apitokens.services import api_token_create
from cabas.factories import (
    OfferFactory,
    ProductFactory,
    ShopFactory,
    ShopMembershipFactory,
    UserFactory,
)
from cabas.orders.requests import CheckoutRequest, LineRequest
from cabas.orders.services import checkout_place
from cabas.shops.models import ShopMembership

PASSWORD = "motdepasse-solide-42"


@pytest.fixture
def shop(territory):
    return ShopFactory(
        territory=territory, slug="epicerie-du-port", name="Épicerie du Port", opening_hours="24/7"
    )


@pytest.fixture
def owner(shop):
    user = UserFactory(email="gerante@example.org")
    ShopMembershipFactory(shop=shop, user=user, role=ShopMembership.Role.OWNER)
    return user


@pytest.fixture
def staff(shop):
    user = UserFactory(email="equipier@example.org")
    ShopMembershipFactory(shop=shop, user=user, role=ShopMembership.Role.STAFF)
    return user


@pytest.fixture
def other_shop(territory):
    return ShopFactory(
        territory=territory,
        slug="fromagerie-voisine",
        name="Fromagerie voisine",
        opening_hours="24/7",
    )


@pytest.fixture
def other_owner(other_shop):
    user = UserFactory(email="voisin@example.org")
    ShopMembershipFactory(shop=other_shop, user=user, role=ShopMembership.Role.OWNER)
    return user


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def merchant(owner) -> Client:
    return login(owner)


@pytest.fixture
def offer(shop):
    return OfferFactory(
        shop=shop,
        sku="CAFE-250",
        product=ProductFactory(
            territory=shop.territory, name="Café moulu", gtin="3017620422003", brand="Torréfacteur"
        ),
        price_cents=450,
        stock=12,
    )


@pytest.fixture
def shop_token(shop):
    _token, raw = api_token_create(territory=shop.territory, shop=shop, name="Caisse")
    return raw


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def place_order(offer, quantity=1):
    checkout = checkout_place(
        request=CheckoutRequest(
            idempotency_key=uuid.uuid4().hex,
            user_id=None,
            email="client@example.org",
            phone="06 12 34 56 78",
            name="Claire",
            lines=(LineRequest(offer.pk, quantity),),
        ),
        cart=None,
    ).checkout
    return checkout.orders.get()


def shop_url(name: str, shop, **kwargs) -> str:
    from django.urls import reverse

    return reverse(
        f"backoffice:{name}", kwargs={"territory": shop.territory.slug, "shop": shop.slug, **kwargs}
    )
