"""A small town: four shops around a start point, open round the clock, and their offers."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from cabas.catalog.models import Offer, Product
from cabas.factories import OfferFactory, ProductFactory, ShopFactory
from cabas.search.services import search_index_rebuild
from cabas.search.shop_snapshot import forget_shop_snapshots
from cabas.shops.models import Shop
from cabas.territories.models import Territory

START = (48.8566, 2.3522)


@pytest.fixture(autouse=True)
def _fresh_shop_snapshots():
    forget_shop_snapshots()
    yield
    forget_shop_snapshots()


@dataclass
class Town:
    territory: Territory
    shops: dict[str, Shop]
    products: dict[str, Product]
    offers: dict[tuple[str, str], Offer]


def _north(metres: float) -> tuple[float, float]:
    return START[0] + metres / 111_195, START[1]


def _east(metres: float) -> tuple[float, float]:
    return START[0], START[1] + metres / 73_000


@pytest.fixture
def town(territory) -> Town:
    places = {
        # The bakery and the cheese shop are close; the supérette far holds bread and cheese.
        "boulangerie": _north(200),
        "fromagerie": _east(250),
        "superette": _north(1100),
        "fleuriste": _east(-300),
        "librairie": _north(-400),
    }
    shops = {
        name: ShopFactory(
            territory=territory,
            slug=name,
            name=name.capitalize(),
            lat=lat,
            lon=lon,
            opening_hours="24/7",
        )
        for name, (lat, lon) in places.items()
    }
    products = {
        name: ProductFactory(territory=territory, name=label)
        for name, label in {
            "pain": "Pain de campagne",
            "oeufs": "Œufs de poules élevées en plein air",
            "comte": "Comté AOP 18 mois",
            "bouquet": "Bouquet de tulipes",
            "album": "Album jeunesse illustré",
        }.items()
    }
    stock = {
        ("boulangerie", "pain"): (180, 20),
        ("boulangerie", "oeufs"): (320, 12),
        ("fromagerie", "comte"): (590, 8),
        ("fromagerie", "oeufs"): (350, 6),
        ("superette", "pain"): (150, 30),
        ("superette", "comte"): (520, 5),
        ("superette", "oeufs"): (290, 40),
        ("fleuriste", "bouquet"): (1500, 4),
        ("librairie", "album"): (1450, 2),
    }
    offers = {
        (shop, product): OfferFactory(
            territory=territory,
            shop=shops[shop],
            product=products[product],
            price_cents=price,
            stock=units,
        )
        for (shop, product), (price, units) in stock.items()
    }
    search_index_rebuild(territory=territory)
    return Town(territory=territory, shops=shops, products=products, offers=offers)
