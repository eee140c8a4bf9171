"""Every storefront page answers, shows its key content, and fails as a styled 404."""

import json
import re

import pytest
from django.test import Client, override_settings

from cabas.factories import (
    OfferFactory,
    ProductFactory,
    ShopFactory,
    TerritoryFactory,
)
from cabas.shops.models import ShopStatus

from .conftest import MONDAY_10AM

pytestmark = pytest.mark.django_db


def test_index_lists_active_territories_with_their_shop_counts(client, paris):
    # Given two active territories and an inactive one
    grenoble = TerritoryFactory(slug="grenoble", name="Grenoble")
    TerritoryFactory(slug="ferme", name="Ville fermée", is_active=False)
    ShopFactory.create_batch(3, territory=paris)
    ShopFactory(territory=paris, status=ShopStatus.DRAFT)
    ShopFactory(territory=grenoble)

    # When a visitor opens the site
    response = client.get("/")

    # Then each active territory has a card with its approved shops counted
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/paris/"' in html and 'href="/grenoble/"' in html
    assert "3 commerces" in html and "1 commerce<" in html
    assert "Ville fermée" not in html


def test_index_redirects_to_the_only_active_territory(client, paris):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/paris/"


def test_territory_home_has_search_categories_open_shops_and_a_compact_map(
    client, paris, taxonomy, freeze
):
    # Given shops in two rayons, one closed at 10:00 on a Monday
    freeze(MONDAY_10AM)
    cheese = ShopFactory(territory=paris, name="Fromagerie Lepic", category=taxonomy["fromagerie"])
    ShopFactory(territory=paris, name="Le Pain d'Antan", category=taxonomy["boulangerie"])
    ShopFactory(
        territory=paris,
        name="Librairie du Soir",
        category=taxonomy["librairie"],
        opening_hours="Mo-Sa 14:00-20:00",
    )

    # When the territory's home page is shown
    response = client.get("/paris/")

    # Then it has a search form sending q to the product search
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'<form[^>]*action="/paris/recherche/"[^>]*method="get"', html)
    assert 'name="q"' in html
    # family tiles with counts linking to the filtered list
    assert 'href="/paris/commerces/?category=alimentation"' in html
    assert "2 commerces" in html
    # open shops only under "Ouverts maintenant"
    open_section = html.split('id="ouverts-titre"')[1].split('id="carte-titre"')[0]
    assert "Fromagerie Lepic" in open_section and "Librairie du Soir" not in open_section
    assert "Ouvert · ferme à 19 h" in open_section
    # the map fetches compact [lat, lon, name, url] markers for every shop from one JSON file
    assert 'data-markers-url="/paris/commerces/carte.json"' in html
    assert "carte-data" not in html
    data = json.loads(client.get("/paris/commerces/carte.json").content)
    assert len(data) == 3
    assert all(len(marker) == 4 for marker in data)
    assert [cheese.lat, cheese.lon, "Fromagerie Lepic", f"{cheese.slug}/"] in data
    assert 'data-base-url="/paris/commerces/"' in html
    assert 'data-tile-url="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in html
    assert "vendor/leaflet/leaflet.js" in html


def test_territory_home_without_open_shops_shows_those_opening_first(client, paris, freeze):
    # Given it is 20:00 on a Monday
    freeze(MONDAY_10AM.replace(hour=19))
    ShopFactory(territory=paris, name="Tôt le matin", opening_hours="Mo-Su 07:00-12:00")
    ShopFactory(territory=paris, name="Tard le matin", opening_hours="Mo-Su 10:00-12:00")

    response = client.get("/paris/")

    html = response.content.decode()
    assert "Aucun commerce n’est ouvert en ce moment" in html
    assert html.index("Tôt le matin") < html.index("Tard le matin")
    assert "Fermé · ouvre demain à 7 h" in html


def test_base_template_has_landmarks_language_switch_and_attribution(client, paris):
    response = client.get("/paris/")

    html = response.content.decode()
    assert '<html lang="fr"' in html
    assert 'name="viewport"' in html and 'name="description"' in html
    assert '<a class="skip-link" href="#contenu">' in html
    assert '<main id="contenu"' in html
    assert "<header" in html and "<footer" in html and "<nav" in html
    assert 'action="/i18n/setlang/"' in html and 'name="language" value="en"' in html
    assert "Commerces : Ville de Paris (ODbL)" in html
    assert (
        "Données : Ville de Paris, © OpenStreetMap contributors, Open Food Facts, La Poste"
        " — licence ODbL" in html
    )
    assert "AGPL-3.0-or-later" in html
    assert _theme_css(client, html).startswith(":root{--brand:#1d5e3a;")


def _theme_css(client, html: str) -> str:
    """The territory stylesheet the page links to (colours are never inline)."""
    return client.get(re.search(r'href="(/theme/[^"]+\.css)"', html)[1]).content.decode()


def test_a_pale_territory_colour_is_darkened_for_contrast(client):
    TerritoryFactory(slug="citron", name="Citron", primary_colour="#ffee00")

    html = client.get("/citron/").content.decode()

    colour = re.search(r"--brand:(#[0-9a-f]{6})", _theme_css(client, html))[1]
    assert colour != "#ffee00"
    from cabas.web.formatting import contrast_with_white

    assert contrast_with_white(colour) >= 4.5


def test_shop_page_shows_identity_hours_services_contact_and_offers(
    client, paris, taxonomy, freeze
):
    # Given an approved shop with a catalogue
    freeze(MONDAY_10AM)
    shop = ShopFactory(
        territory=paris,
        slug="fromagerie-lepic",
        name="Fromagerie Lepic",
        category=taxonomy["fromagerie"],
        address="12 rue Lepic",
        postcode="75018",
        phone="01 23 45 67 89",
        website="https://fromagerie.example.fr",
        description="Fromages affinés sur place.",
        offers_delivery=True,
    )
    product = ProductFactory(territory=paris, name="Comté 18 mois", brand="Marcel Petite")
    OfferFactory(shop=shop, product=product, price_cents=1250, stock=2, is_demo=True)

    # When its page is shown
    response = client.get("/paris/commerces/fromagerie-lepic/")

    # Then everything a shopper needs is there
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Fromagerie Lepic</h1>" in html
    assert "Fromagerie · Alimentation" in html
    assert "12 rue Lepic" in html and "75018" in html
    assert "Ouvert · ferme à 19 h" in html
    assert "Retrait en boutique" in html and "Livraison" in html
    assert "01 23 45 67 89" in html
    assert 'href="https://fromagerie.example.fr" rel="nofollow noopener"' in html
    assert "Fromages affinés sur place." in html
    assert "Comté 18 mois" in html and "Marcel Petite" in html
    assert "12,50\u00a0€" in html
    assert "Plus que 2" in html
    assert "prix de démonstration" in html
    assert f'href="/paris/produits/{product.pk}/"' in html
    assert '<script id="carte-commerce-data"' in html


def test_shop_page_never_links_a_website_that_is_not_http(client, paris):
    ShopFactory(territory=paris, slug="bizarre", website="javascript:alert(1)")

    html = client.get("/paris/commerces/bizarre/").content.decode()

    assert "javascript:" not in html


def test_product_page_shows_product_and_shops_in_stock_first_then_cheapest(
    client, paris, taxonomy, freeze
):
    # Given a product sold by three shops, one sold out, and by a draft shop
    freeze(MONDAY_10AM)
    product = ProductFactory(
        territory=paris,
        name="Baguette tradition",
        brand="Maison Kayser",
        gtin="3000000000014",
        category=taxonomy["boulangerie"],
        image_url="https://images.openfoodfacts.org/images/products/300/000/000/0014/front_fr.4.400.jpg",
    )
    OfferFactory(
        shop__territory=paris, shop__name="Sold out", product=product, price_cents=90, stock=0
    )
    OfferFactory(shop__territory=paris, shop__name="Expensive", product=product, price_cents=150)
    OfferFactory(shop__territory=paris, shop__name="Cheap", product=product, price_cents=120)
    OfferFactory(
        shop__territory=paris,
        shop__name="Draft shop",
        shop__status=ShopStatus.DRAFT,
        product=product,
    )

    # When the product page is shown
    response = client.get(f"/paris/produits/{product.pk}/")

    # Then the product and the approved shops are listed in the right order
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Baguette tradition</h1>" in html
    assert "Maison Kayser" in html and "3000000000014" in html and "Boulangerie" in html
    assert re.search(r'<img class="product-image"[^>]*loading="lazy"', html)
    assert re.search(r'<img[^>]*width="320" height="320"', html)
    assert 'alt="Photo du produit : Baguette tradition (Maison Kayser)"' in html
    assert html.index("Cheap") < html.index("Expensive") < html.index("Sold out")
    assert "Draft shop" not in html
    assert "Rupture" in html and "En stock" in html
    assert "Ouvert · ferme à 19 h" in html


def test_product_page_gives_distances_from_a_postcode(client, paris, freeze):
    from cabas.factories import PostalCodeFactory

    freeze(MONDAY_10AM)
    PostalCodeFactory(code="75018", lat=48.8925, lon=2.3444)
    product = ProductFactory(territory=paris)
    OfferFactory(shop__territory=paris, shop__lat=48.8925, shop__lon=2.3544, product=product)

    html = client.get(f"/paris/produits/{product.pk}/?postcode=75018").content.decode()

    assert "à 730 m" in html


@pytest.mark.parametrize(
    "path",
    [
        "/inconnu/",
        "/inconnu/commerces/",
        "/paris/commerces/inconnu/",
        "/paris/produits/999999/",
        "/paris/pas/de/page/",
    ],
)
def test_unknown_pages_get_the_styled_french_404(client, paris, path):
    response = client.get(path)

    assert response.status_code == 404
    html = response.content.decode()
    assert "Page introuvable" in html
    assert "cabas.css" in html
    assert '<main id="contenu"' in html


def test_404_inside_a_territory_links_back_to_its_shops(client, paris):
    html = client.get("/paris/commerces/inconnu/").content.decode()

    assert 'href="/paris/commerces/"' in html


def test_a_draft_shop_or_another_territorys_shop_is_not_found(client, paris):
    ShopFactory(territory=paris, slug="brouillon", status=ShopStatus.DRAFT)
    ShopFactory(territory=TerritoryFactory(slug="lyon"), slug="bouchon")
    product = ProductFactory(territory=TerritoryFactory(slug="lille"))

    assert client.get("/paris/commerces/brouillon/").status_code == 404
    assert client.get("/paris/commerces/bouchon/").status_code == 404
    assert client.get(f"/paris/produits/{product.pk}/").status_code == 404


def test_an_inactive_territory_is_not_found(client):
    TerritoryFactory(slug="ancienne", is_active=False)

    assert client.get("/ancienne/").status_code == 404


@pytest.mark.parametrize("path", ["/api/", "/api/inconnu", "/api/v2/territories"])
def test_404_under_api_is_json(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["error"]["code"] == "not_found"
    assert body["error"]["message"]


def test_server_error_page_is_styled_and_api_errors_are_json(paris):
    # Given a view that crashes
    from django.test import RequestFactory

    from cabas.web import errors

    request = RequestFactory().get("/paris/")

    # When the 500 handler renders
    response = errors.server_error(request)
    api_response = errors.server_error(RequestFactory().get("/api/v1/territories"))

    # Then people get a French page and the API its JSON shape
    assert response.status_code == 500
    assert "Erreur du serveur" in response.content.decode()
    assert api_response.status_code == 500
    assert json.loads(api_response.content)["error"]["code"] == "server_error"


@override_settings(DEBUG=False)
def test_an_exception_in_a_view_renders_the_500_page(paris, monkeypatch):
    # Given the shop search breaks
    from cabas.shops import selectors

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "shop_search_hits", broken)
    client = Client(raise_request_exception=False)

    # When a page using it is asked for
    response = client.get("/paris/commerces/")

    # Then the visitor sees the 500 page
    assert response.status_code == 500
    assert "Erreur du serveur" in response.content.decode()
