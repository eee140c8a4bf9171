"""French at /paris/, English at /en/paris/, and the header's switch between them."""

import pytest

from cabas.factories import OfferFactory, ShopFactory

from .conftest import MONDAY_10AM

pytestmark = pytest.mark.django_db


def test_english_pages_are_in_english(client, paris, taxonomy, freeze):
    freeze(MONDAY_10AM)
    shop = ShopFactory(territory=paris, slug="fromagerie", category=taxonomy["fromagerie"])
    OfferFactory(shop=shop, stock=2)

    home = client.get("/en/paris/").content.decode()
    shops = client.get("/en/paris/commerces/").content.decode()
    page = client.get("/en/paris/commerces/fromagerie/").content.decode()

    assert '<html lang="en"' in home
    assert "Open now" in home and "Ouverts maintenant" not in home
    assert "What are you looking for?" in home
    assert "Food" in home  # the category's English name
    assert 'href="/en/paris/commerces/?category=alimentation"' in home
    assert "Open · closes at 7 pm" in shops and "Cheese shop" in shops
    assert "Opening hours for the next 7 days" in page
    assert "Monday 6 January" in page
    assert "Only 2 left" in page
    assert "Data: Ville de Paris, © OpenStreetMap contributors" in page


def test_french_is_the_default_without_prefix(client, paris):
    html = client.get("/paris/", headers={"Accept-Language": "en"}).content.decode()

    assert '<html lang="fr"' in html and "Ouverts maintenant" in html


def test_language_switch_goes_to_the_same_page_in_the_other_language(client, paris):
    ShopFactory(territory=paris, slug="boulangerie")

    to_english = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/paris/commerces/boulangerie/"}
    )
    to_french = client.post(
        "/i18n/setlang/", {"language": "fr", "next": "/paris/commerces/?q=pain"}
    )

    assert to_english.status_code == 302
    assert to_english["Location"] == "/en/paris/commerces/boulangerie/"
    assert to_french["Location"] == "/paris/commerces/?q=pain"


def test_the_switch_form_carries_the_current_page_in_the_default_language(client, paris):
    french = client.get("/paris/commerces/?q=pain").content.decode()
    english = client.get("/en/paris/commerces/?q=pain").content.decode()

    expected = '<input type="hidden" name="next" value="/paris/commerces/?q=pain">'
    assert expected in french and expected in english


def test_english_404_page(client, paris):
    response = client.get("/en/paris/commerces/nowhere/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
