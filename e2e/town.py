"""A small demo-like town for the browser quality gates (axe-core and Lighthouse).

Two territories (so the platform home lists them rather than redirecting), rayons,
shops open now with click & collect and delivery, shared products sold by several
shops, a shopper with an order, a merchant and an operator. Everything is built
through the factories and the public services, as the demo loader does.
"""

from __future__ import annotations

from dataclasses import dataclass

from cabas.accounts.models import User
from cabas.catalog.models import Product
from cabas.factories import (
    CategoryFactory,
    OfferFactory,
    ProductFactory,
    ShopFactory,
    ShopMembershipFactory,
    TerritoryFactory,
    TerritoryMembershipFactory,
    UserFactory,
)
from cabas.orders.models import Order
from cabas.search.services import search_index_rebuild
from cabas.shops.models import Shop
from cabas.territories.models import Territory
from cabas.testing.fixtures import login, place_order

PASSWORD = "motdepasse-solide-42"  # noqa: S105 (test account)

SHOPS = (
    # slug, name, rayon, lat, lon, delivery
    ("boulangerie-du-coin", "Boulangerie du Coin", "boulangerie", 45.1885, 5.7245, False),
    ("fromagerie-des-halles", "Fromagerie des Halles", "fromagerie", 45.1902, 5.7291, True),
    ("epicerie-berthelot", "Épicerie Berthelot", "epicerie", 45.1851, 5.7312, True),
    ("librairie-du-square", "Librairie du Square", "librairie", 45.1923, 5.7198, False),
    ("cave-saint-bruno", "Cave Saint-Bruno", "caviste", 45.1869, 5.7102, False),
    ("primeur-mistral", "Primeur Mistral", "primeur", 45.1834, 5.7228, True),
)
PRODUCTS = (
    # name, brand, shop slugs, price in cents
    ("Pain de campagne", "", ("boulangerie-du-coin", "epicerie-berthelot"), 320),
    ("Baguette tradition", "", ("boulangerie-du-coin",), 130),
    ("Comté 18 mois", "Marcel Petite", ("fromagerie-des-halles", "epicerie-berthelot"), 1250),
    ("Bleu du Vercors-Sassenage", "Vercors Lait", ("fromagerie-des-halles",), 890),
    ("Miel de sapin", "Rucher des Alpes", ("epicerie-berthelot", "primeur-mistral"), 990),
    ("Noix de Grenoble AOP", "", ("primeur-mistral", "epicerie-berthelot"), 650),
    ("Le Petit Prince", "Gallimard", ("librairie-du-square",), 890),
    ("Chartreuse verte", "Chartreuse", ("cave-saint-bruno",), 3590),
    ("Pommes golden", "", ("primeur-mistral",), 290),
    ("Confiture d'abricot", "Les Vergers", ("epicerie-berthelot", "primeur-mistral"), 460),
)


@dataclass
class Town:
    territory: Territory
    shop: Shop
    product: Product
    shopper: User
    merchant: User
    operator: User
    order: Order


def build_town(*, photo_url: str = "") -> Town:
    """The town; ``photo_url`` (a 320×320 picture) is given to the first product."""
    territory = TerritoryFactory(
        slug="grenoble",
        name="Grenoble",
        centre_lat=45.1885,
        centre_lon=5.7245,
        primary_colour="#1d5e3a",
    )
    TerritoryFactory(slug="paris", name="Paris")
    food = CategoryFactory(slug="alimentation", name="Alimentation", name_en="Food", position=1)
    culture = CategoryFactory(
        slug="culture-loisirs", name="Culture et loisirs", name_en="Culture", position=2
    )
    rayons = {
        slug: CategoryFactory(slug=slug, name=slug.capitalize(), parent=food)
        for slug in ("boulangerie", "fromagerie", "epicerie", "caviste", "primeur")
    }
    rayons["librairie"] = CategoryFactory(slug="librairie", name="Librairie", parent=culture)
    shops = {
        slug: ShopFactory(
            territory=territory,
            slug=slug,
            name=name,
            category=rayons[rayon],
            address="12 avenue Marcelin Berthelot",
            postcode="38000",
            city="Grenoble",
            lat=lat,
            lon=lon,
            opening_hours="24/7",
            offers_click_collect=True,
            offers_delivery=delivery,
        )
        for slug, name, rayon, lat, lon, delivery in SHOPS
    }
    first_product = None
    for index, (name, brand, sellers, price) in enumerate(PRODUCTS):
        product = ProductFactory(
            territory=territory,
            name=name,
            brand=brand,
            category=shops[sellers[0]].category,
            image_url=photo_url if index == 0 else "",
        )
        first_product = first_product or product
        for rank, slug in enumerate(sellers):
            OfferFactory(shop=shops[slug], product=product, price_cents=price + 10 * rank, stock=8)
    search_index_rebuild(territory=territory)

    shop = shops["boulangerie-du-coin"]
    merchant = UserFactory(email="boulanger@example.org", password=PASSWORD)
    ShopMembershipFactory(shop=shop, user=merchant)
    operator = UserFactory(email="operatrice@example.org", password=PASSWORD)
    TerritoryMembershipFactory(territory=territory, user=operator)
    shopper = UserFactory(email="claire@example.org", password=PASSWORD)
    offer = first_product.offers.get(shop=shop)
    order = place_order(offer, 2, user=shopper, name="Claire Martin")
    return Town(
        territory=territory,
        shop=shop,
        product=first_product,
        shopper=shopper,
        merchant=merchant,
        operator=operator,
        order=order,
    )


def session_cookie(user: User, base_url: str) -> dict[str, str]:
    """A signed-in session for ``user``, as a cookie for a browser context."""
    cookie = login(user).cookies["sessionid"]
    return {"name": "sessionid", "value": cookie.value, "url": base_url}
