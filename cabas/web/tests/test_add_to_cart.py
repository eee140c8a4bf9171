"""Adding to the cart from the storefront: forms where offers are shown, with and without
JavaScript, the header's cart link and the messages under the header."""

import json
import re

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.template.loader import render_to_string
from django.test import RequestFactory

from cabas.cart.models import CartLine
from cabas.cart.selectors import cart_item_count
from cabas.cart.services import SESSION_CART_KEY, cart_get_or_create, cart_lines_update
from cabas.factories import OfferFactory, ProductFactory, ShopFactory, UserFactory

from .conftest import MONDAY_10AM

pytestmark = pytest.mark.django_db

ADD_URL = "/panier/ajouter/"


def add_forms(html: str) -> dict[str, str]:
    """``{offer_id: form html}`` of the add-to-cart forms of a page."""
    forms = re.findall(r'<form class="add-to-cart".*?</form>', html, re.S)
    return {re.search(r'name="offer_id" value="(\d+)"', form).group(1): form for form in forms}


def cart_link(html: str) -> str:
    return re.search(r'<a id="lien-panier".*?</a>', html, re.S).group(0)


@pytest.fixture
def shop(paris, freeze):
    freeze(MONDAY_10AM)
    return ShopFactory(territory=paris, slug="fromagerie", name="Fromagerie Lepic")


def test_shop_page_offers_an_add_form_for_each_offer_on_sale(client, shop):
    # Given an offer in stock, one on request and one sold out
    comte = OfferFactory(shop=shop, product__name="Comté", stock=4)
    brie = OfferFactory(shop=shop, product__name="Brie", stock=None)
    tomme = OfferFactory(shop=shop, product__name="Tomme", stock=0)

    # When the shopper opens the shop page
    html = client.get("/paris/commerces/fromagerie/?page=1").content.decode()

    # Then in-stock and on-request offers can be added, the sold-out one cannot
    forms = add_forms(html)
    assert set(forms) == {str(comte.pk), str(brie.pk)}
    assert str(tomme.pk) not in forms
    comte_form = forms[str(comte.pk)]
    assert f'<label for="quantite-{comte.pk}">Quantité' in comte_form
    assert f'id="quantite-{comte.pk}" name="quantity" type="number"' in comte_form
    assert 'max="4"' in comte_form and 'max="99"' in forms[str(brie.pk)]
    assert '<input type="hidden" name="next" value="/paris/commerces/fromagerie/?page=1">' in (
        comte_form
    )
    assert 'hx-post="/panier/ajouter/"' in comte_form and "csrfmiddlewaretoken" in comte_form
    assert "Ajouter au panier" in comte_form
    assert "vendor/htmx/htmx.min.js" in html


def test_shop_without_online_orders_shows_no_add_form(client, paris, freeze):
    freeze(MONDAY_10AM)
    vitrine = ShopFactory(territory=paris, slug="vitrine", offers_click_collect=False)
    OfferFactory(shop=vitrine, stock=5)

    html = client.get("/paris/commerces/vitrine/").content.decode()

    assert add_forms(html) == {}
    assert "ne prend pas de commande en ligne pour le moment" in html


def test_product_page_offers_each_sellers_offer(client, paris, shop):
    # Given a product sold by a click & collect shop and by a shop without online orders
    product = ProductFactory(territory=paris, name="Comté 18 mois")
    sold_here = OfferFactory(shop=shop, product=product, stock=2)
    vitrine = ShopFactory(territory=paris, name="Crèmerie Vitrine", offers_click_collect=False)
    sold_there = OfferFactory(shop=vitrine, product=product, stock=8)

    html = client.get(f"/paris/produits/{product.pk}/").content.decode()

    # Then only the shop that hands over orders has a form, named for the product
    forms = add_forms(html)
    assert set(forms) == {str(sold_here.pk)}
    assert str(sold_there.pk) not in forms
    assert (
        'Ajouter au panier<span class="visually-hidden"> (Comté 18 mois)</span>'
        in (forms[str(sold_here.pk)])
    )
    assert "Pas de commande en ligne chez ce commerce pour le moment." in html


@pytest.mark.parametrize(
    ("values", "shown"),
    [
        ({"stock": 3}, True),
        ({"stock": None}, True),  # "sur demande"
        ({"stock": 0}, False),
        ({"stock": -1}, False),
        ({"stock": 3, "active": False}, False),
        ({"stock": 3, "active": True}, True),
        ({"stock": 3, "orderable": False}, False),
        ({"stock": True}, False),
        ({"stock": 3, "offer_id": None}, False),
    ],
)
def test_add_to_cart_include_respects_availability(values, shown):
    # The include other pages (search results) use with offer_id, stock, name, …
    request = RequestFactory().get("/paris/recherche/?q=comt%C3%A9")
    html = render_to_string(
        "web/_add_to_cart.html", {"offer_id": 7, "name": "Comté", **values}, request=request
    )
    assert ('class="add-to-cart"' in html) is shown
    if shown:
        assert 'value="/paris/recherche/?q=comt%C3%A9"' in html


def test_without_javascript_adding_returns_to_the_page_with_a_message(client, shop):
    offer = OfferFactory(shop=shop, product__name="Comté", stock=4)

    # When the form is posted without htmx
    response = client.post(
        ADD_URL, {"offer_id": offer.pk, "quantity": "2", "next": "/paris/commerces/fromagerie/"}
    )

    # Then the browser goes back to the shop page, which says so and counts the cart
    assert response.status_code == 302
    assert response["Location"] == "/paris/commerces/fromagerie/"
    html = client.get(response["Location"]).content.decode()
    assert (
        '<p class="notice notice-success" role="status">« Comté » est dans votre panier '
        '(quantité : 2). <a href="/panier/">Voir le panier</a></p>'
    ) in html
    assert '<span class="cart-count">2</span>' in cart_link(html)
    # and the message is shown once only
    assert client.get("/paris/commerces/fromagerie/").content.decode().count("notice-success") == 0


def test_with_htmx_adding_answers_the_message_and_the_new_count(client, shop):
    offer = OfferFactory(shop=shop, product__name="Comté", stock=4)
    client.post(ADD_URL, {"offer_id": offer.pk, "quantity": "1"}, headers={"HX-Request": "true"})

    response = client.post(
        ADD_URL,
        {"offer_id": offer.pk, "quantity": "2", "next": "/paris/commerces/fromagerie/"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "« Comté » est dans votre panier (quantité : 3)." in html
    link = cart_link(html)
    assert 'hx-swap-oob="true"' in link and '<span class="cart-count">3</span>' in link
    assert json.loads(response["HX-Trigger"]) == {"cartChanged": {"count": 3}}
    assert CartLine.objects.get().quantity == 3


def test_with_htmx_a_refusal_is_an_alert_and_the_cart_is_unchanged(client, shop):
    offer = OfferFactory(shop=shop, product__name="Comté", stock=2)

    response = client.post(
        ADD_URL, {"offer_id": offer.pk, "quantity": "5"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert '<p class="notice notice-error" role="alert">Il ne reste que 2 « Comté ».</p>' in html
    assert json.loads(response["HX-Trigger"]) == {"cartChanged": {"count": 0}}
    assert not CartLine.objects.exists()


@pytest.mark.parametrize("quantity", ["0", "-1", "abc", "100", ""])
def test_bad_quantities_are_refused_with_a_french_message(client, shop, quantity):
    offer = OfferFactory(shop=shop, stock=None)
    response = client.post(
        ADD_URL, {"offer_id": offer.pk, "quantity": quantity}, headers={"HX-Request": "true"}
    )
    assert 'role="alert">La quantité' in response.content.decode()
    assert not CartLine.objects.exists()


def test_a_foreign_next_address_is_not_followed(client, shop):
    offer = OfferFactory(shop=shop)
    response = client.post(
        ADD_URL, {"offer_id": offer.pk, "quantity": "1", "next": "https://ailleurs.example/"}
    )
    assert response["Location"] == "/panier/"


def test_header_links_to_the_cart_with_its_count(client, shop):
    offer = OfferFactory(shop=shop, stock=None)

    empty = cart_link(client.get("/paris/").content.decode())
    assert 'href="/panier/"' in empty and "cart-count" not in empty and "(vide)" in empty

    client.post(ADD_URL, {"offer_id": offer.pk, "quantity": "4"})
    full = cart_link(client.get("/paris/").content.decode())
    assert '<span class="cart-count">4</span><span class="visually-hidden"> articles' in full
    on_cart_page = cart_link(client.get("/panier/").content.decode())
    assert 'aria-current="page"' in on_cart_page


def test_cart_count_costs_no_query_without_a_cart_and_one_with(shop, django_assert_num_queries):
    offer = OfferFactory(shop=shop, stock=None)
    session = SessionStore()
    with django_assert_num_queries(0):
        assert cart_item_count(session=session, user=None) == 0

    cart = cart_get_or_create(session=session, user=None)
    cart_lines_update(cart=cart, lines=[{"offer_id": offer.pk, "quantity": 3}], replace=False)
    assert session[SESSION_CART_KEY] == cart.pk
    with django_assert_num_queries(1):
        assert cart_item_count(session=session, user=None) == 3

    user = UserFactory()
    mine = cart_get_or_create(session=SessionStore(), user=user)
    cart_lines_update(cart=mine, lines=[{"offer_id": offer.pk, "quantity": 2}], replace=False)
    with django_assert_num_queries(1):
        assert cart_item_count(session=SessionStore(), user=user) == 2


def test_signed_in_shopper_sees_the_cart_count_and_a_link_to_orders(client, shop):
    user = UserFactory()
    offer = OfferFactory(shop=shop, stock=None)
    client.force_login(user)
    client.post(ADD_URL, {"offer_id": offer.pk, "quantity": "2"})

    html = client.get("/paris/commerces/").content.decode()

    assert '<span class="cart-count">2</span>' in cart_link(html)
    assert '<a href="/commandes/">Mes commandes</a>' in html


def test_english_pages_say_basket(client, shop):
    offer = OfferFactory(shop=shop, product__name="Comté", stock=3)
    client.post(ADD_URL, {"offer_id": offer.pk, "quantity": "1"})

    html = client.get("/en/paris/commerces/fromagerie/").content.decode()

    assert 'href="/en/panier/"' in cart_link(html) and "Basket" in cart_link(html)
    assert '1</span><span class="visually-hidden"> item</span>' in cart_link(html)
    assert "Add to basket" in add_forms(html)[str(offer.pk)]
    assert "Ready today from 11:00" in html
