"""A small territory with shops, products and offers covering what search must tell apart."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from cabas.catalog.models import Category, Offer, Product
from cabas.factories import (
    CategoryFactory,
    OfferFactory,
    ProductFactory,
    ShopFactory,
    TerritoryFactory,
)
from cabas.search.services import search_index_rebuild
from cabas.search.shop_snapshot import forget_shop_snapshots
from cabas.shops.models import Shop, ShopStatus
from cabas.territories.models import Territory

# Wednesday 12 March 2025, 10:00 in Paris (UTC+1).
WEDNESDAY_10AM = dt.datetime(2025, 3, 12, 9, 0, tzinfo=dt.UTC)
CENTRE = (48.8566, 2.3522)


@pytest.fixture(autouse=True)
def _fresh_shop_snapshots():
    # Snapshots are per process; a test must not see another test's shops.
    forget_shop_snapshots()
    yield
    forget_shop_snapshots()


@dataclass
class Catalogue:
    territory: Territory
    categories: dict[str, Category]
    shops: dict[str, Shop]
    products: dict[str, Product]
    offers: dict[tuple[str, str], Offer]

    def offer(self, shop: str, product: str) -> Offer:
        return self.offers[(shop, product)]


def _km_north(km: float) -> tuple[float, float]:
    return CENTRE[0] + km / 111.2, CENTRE[1]


@pytest.fixture
def catalogue(territory) -> Catalogue:
    food = CategoryFactory(slug="alimentation", name="Alimentation", position=1)
    categories = {
        "alimentation": food,
        "epicerie": CategoryFactory(slug="epicerie", name="Épicerie", parent=food, position=2),
        "chocolaterie": CategoryFactory(
            slug="chocolaterie", name="Chocolaterie", parent=food, position=3
        ),
        "boulangerie": CategoryFactory(
            slug="boulangerie", name="Boulangerie-pâtisserie", parent=food, position=4
        ),
    }
    shops = {
        # Open every day, at the centre.
        "marche": ShopFactory(
            territory=territory,
            slug="epicerie-du-marche",
            name="Épicerie du Marché",
            lat=CENTRE[0],
            lon=CENTRE[1],
            postcode="75004",
            opening_hours="Mo-Su 08:00-20:00",
        ),
        # Open on Wednesday morning, 1.1 km north.
        "dupont": ShopFactory(
            territory=territory,
            slug="boulangerie-dupont",
            name="Boulangerie Dupont",
            lat=_km_north(1.1)[0],
            lon=CENTRE[1],
            opening_hours="Mo-Sa 07:00-20:00",
        ),
        # Closed on Wednesday, 4 km north.
        "cave": ShopFactory(
            territory=territory,
            slug="cave-des-lilas",
            name="Cave des Lilas",
            lat=_km_north(4)[0],
            lon=CENTRE[1],
            opening_hours="Th-Sa 10:00-19:00",
        ),
        # Suspended: its offers never show.
        "suspendu": ShopFactory(
            territory=territory,
            slug="commerce-suspendu",
            name="Chocolaterie Suspendue",
            status=ShopStatus.SUSPENDED,
        ),
    }

    def product(key, name, category, brand="", gtin=None):
        return key, ProductFactory(
            territory=territory,
            name=name,
            brand=brand,
            gtin=gtin,
            category=categories[category],
        )

    products = dict(
        [
            product("pates", "Pâtes complètes", "epicerie", brand="Panzani", gtin="3000000000014"),
            product("tomates", "Tomates cerises", "epicerie"),
            product("chocolat", "Chocolat noir 70 %", "chocolaterie", brand="Bonnat"),
            product("chocolat_lait", "Chocolat au lait", "chocolaterie"),
            product("quiche", "Quiche lorraine", "boulangerie"),
            product("baguette", "Baguette tradition", "boulangerie"),
            product("confiture", "Confiture de fraises", "epicerie", brand="Bonne Maman"),
            product("oeufs", "Œufs de poules élevées en plein air", "epicerie"),
            product("invendu", "Caviar d'aubergine", "epicerie"),
        ]
    )
    offers: dict[tuple[str, str], Offer] = {}

    def offer(shop, key, price, stock=10, active=True):
        offers[(shop, key)] = OfferFactory(
            shop=shops[shop],
            territory=territory,
            product=products[key],
            price_cents=price,
            stock=stock,
            is_active=active,
        )

    offer("marche", "pates", 189)
    offer("marche", "tomates", 320, stock=0)
    offer("marche", "chocolat", 450)
    offer("marche", "confiture", 390, stock=None)
    offer("marche", "oeufs", 310)
    offer("dupont", "quiche", 550)
    offer("dupont", "baguette", 130)
    offer("dupont", "chocolat", 420, stock=2)
    offer("dupont", "pates", 210)
    offer("cave", "chocolat", 399)
    offer("cave", "chocolat_lait", 350)
    offer("suspendu", "chocolat", 100)
    offer("marche", "invendu", 500, active=False)
    search_index_rebuild(territory=territory)
    return Catalogue(territory, categories, shops, products, offers)


@pytest.fixture
def other_catalogue(db) -> Territory:
    """Another territory selling chocolate: never visible from the first one."""
    other = TerritoryFactory(slug="autre-ville", name="Autre-Ville")
    shop = ShopFactory(territory=other, slug="chocolaterie-ailleurs", name="Chocolaterie Ailleurs")
    OfferFactory(
        shop=shop,
        territory=other,
        product=ProductFactory(territory=other, name="Chocolat noir d'ailleurs"),
    )
    search_index_rebuild(territory=other)
    return other
