import pytest
from django.test import Client

from cabas.apitokens.services import api_token_create
from cabas.factories import OfferFactory, ProductFactory, ShopFactory

# Shared with the settlements' tests; importing them offers them to this folder only.
from cabas.testing.fixtures import (  # noqa: F401
    login,
    other_owner,
    owner,
    place_order,
    staff,
)

PASSWORD = "motdepasse-solide-42"


@pytest.fixture
def shop(territory):
    return ShopFactory(
        territory=territory, slug="epicerie-du-port", name="Épicerie du Port", opening_hours="24/7"
    )


@pytest.fixture
def other_shop(territory):
    return ShopFactory(
        territory=territory,
        slug="fromagerie-voisine",
        name="Fromagerie voisine",
        opening_hours="24/7",
    )


@pytest.fixture
def merchant(owner) -> Client:  # noqa: F811 (the shared fixture, by name)
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


def shop_url(name: str, shop, **kwargs) -> str:
    from django.urls import reverse

    return reverse(
        f"backoffice:{name}", kwargs={"territory": shop.territory.slug, "shop": shop.slug, **kwargs}
    )
