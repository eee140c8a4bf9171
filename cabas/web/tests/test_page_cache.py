"""The page cache: whole storefront pages for visitors without a session.

Each test tries to make a visitor see what is not theirs or not current: another
visitor's CSRF token, an anonymous header once they have a cart, a renamed shop, a
closed shop still "open", the French page on the English address, a partial for a page.
"""

import datetime as dt
import re
import time

import pytest
from django.db import connection
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cabas.backoffice.services import shop_set_hours, shop_update_vitrine
from cabas.catalog.stock import stock_set
from cabas.factories import OfferFactory, ShopFactory

from .conftest import MONDAY_10AM

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.STOREFRONT_PAGE_SECONDS = 10


@pytest.fixture
def offer(paris):
    return OfferFactory(
        shop__territory=paris, shop__name="Fromagerie Lepic", product__name="Comté 18 mois", stock=7
    )


def _pages(offer) -> list[str]:
    return [
        "/paris/",
        "/paris/commerces/",
        f"/paris/commerces/{offer.shop.slug}/",
        f"/paris/produits/{offer.product_id}/",
        "/paris/recherche/?q=comte",
    ]


def _tokens(html: str) -> set[str]:
    return set(TOKEN.findall(html))


def test_a_second_visitor_is_served_from_the_cache_with_a_token_of_their_own(paris, offer, freeze):
    freeze(MONDAY_10AM)  # both visits in one minute: a page is kept for its minute only
    for path in _pages(offer):
        first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
        rendered = first.get(path)
        with CaptureQueriesContext(connection) as queries:
            served = second.get(path)

        # The territory and its data generation: nothing of the page is worked out again.
        assert len(queries) == 2, path
        html = served.content.decode()
        assert served.status_code == 200
        # Same page but for the token, which is the visitor's own and valid for them.
        (token,) = _tokens(html)
        (first_token,) = _tokens(rendered.content.decode())
        assert html.replace(token, "T") == rendered.content.decode().replace(first_token, "T")
        # The cookie holds the visitor's secret; the page's token is a mask of it.
        assert _unmask_cipher_token(token) == served.cookies["csrftoken"].value
        assert _unmask_cipher_token(token) != _unmask_cipher_token(first_token)
        assert "Cookie" in served["Vary"]
        assert served["Age"] == "0" and not rendered.has_header("Age")
        switched = second.post("/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": token})
        assert switched.status_code == 302, path


def test_a_visitor_with_a_cart_never_gets_the_anonymous_page(client, paris, offer):
    product = f"/paris/produits/{offer.product_id}/"
    Client().get(product)  # cached for visitors without a session
    added = client.post(
        "/panier/ajouter/", {"offer_id": offer.pk, "quantity": "2", "next": product}
    )
    assert added.status_code == 302

    html = client.get(product).content.decode()

    assert '<span class="cart-count">2</span>' in html


def test_a_renamed_shop_shows_at_once(paris, offer):
    for path in _pages(offer):
        Client().get(path)
    shop_update_vitrine(shop=offer.shop, values={"name": "Crèmerie Lepic"})

    for path in _pages(offer)[1:4]:
        html = Client().get(path).content.decode()
        assert "Crèmerie Lepic" in html and "Fromagerie Lepic" not in html, path


def test_new_hours_show_at_once_and_open_states_never_outlive_their_minute(paris, freeze):
    freeze(MONDAY_10AM)
    shop = ShopFactory(territory=paris, name="Café du Matin")
    assert "Café du Matin" in Client().get("/paris/commerces/?open=on").content.decode()

    freeze(MONDAY_10AM + dt.timedelta(seconds=5))  # the save's timestamp is the clock's
    shop_set_hours(shop=shop, expression="Mo-Sa 18:00-23:00")
    assert "Café du Matin" not in Client().get("/paris/commerces/?open=on").content.decode()

    # Hours changed behind the services' back: the next minute is worked out again.
    from cabas.shops.models import Shop

    Shop.objects.filter(pk=shop.pk).update(opening_hours="Mo-Sa 08:00-19:00")
    assert "Café du Matin" not in Client().get("/paris/commerces/?open=on").content.decode()
    freeze(MONDAY_10AM + dt.timedelta(minutes=1))
    assert "Café du Matin" in Client().get("/paris/commerces/?open=on").content.decode()


def test_stock_is_at_most_the_page_lifetime_old_for_anonymous_visitors(
    paris, offer, client, monkeypatch
):
    product = f"/paris/produits/{offer.product_id}/"
    assert "En stock" in Client().get(product).content.decode()
    stock_set(offer_id=offer.pk, quantity=2, reason="manual")

    # A visitor with a session (here: logged in) sees it at once
    from cabas.factories import UserFactory

    client.force_login(UserFactory())
    assert "Plus que 2" in client.get(product).content.decode()
    # ... an anonymous one once the cached page has expired (10 s)
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 11)
    assert "Plus que 2" in Client().get(product).content.decode()


def test_language_host_and_htmx_are_separate_pages(paris, offer):
    shops = "/paris/commerces/"
    french = Client().get(shops).content.decode()
    english = Client().get(f"/en{shops}").content.decode()
    assert '<html lang="fr">' in french and '<html lang="en">' in english

    partial = Client().get(shops, HTTP_HX_REQUEST="true").content.decode()
    whole = Client().get(shops).content.decode()
    assert "<html" not in partial and "<html" in whole

    # The canonical address is absolute: another host (a territory's own domain) is
    # another page.
    assert 'rel="canonical" href="http://testserver/paris/commerces/"' in whole
    other_host = Client().get(shops, HTTP_HOST="localhost").content.decode()
    assert 'rel="canonical" href="http://localhost/paris/commerces/"' in other_host


def test_what_is_not_a_plain_200_is_never_kept(paris, offer, settings):
    assert Client().get("/paris/commerces/inconnue/").status_code == 404
    assert Client().get("/paris/commerces/inconnue/").status_code == 404
    assert Client().get("/nulle-part/").status_code == 404

    # Off: every answer is rendered.
    settings.STOREFRONT_PAGE_SECONDS = 0
    Client().get("/paris/")
    with CaptureQueriesContext(connection) as queries:
        Client().get("/paris/")
    assert len(queries) > 2


def test_a_page_showing_a_message_is_not_kept(paris, offer, client):
    product = f"/paris/produits/{offer.product_id}/"
    client.post("/panier/ajouter/", {"offer_id": offer.pk, "quantity": "1", "next": product})
    with_message = client.get(product).content.decode()
    assert "est dans votre panier" in with_message

    assert "est dans votre panier" not in Client().get(product).content.decode()


def test_the_search_api_shares_answers_between_anonymous_clients_only(paris, offer, freeze):
    freeze(MONDAY_10AM)  # both answers in one minute
    url = "/api/v1/territories/paris/search?q=comte"
    first = Client().get(url)
    assert first.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        second = Client().get(url)
    assert second.content == first.content and len(queries) == 2
    assert second["Content-Type"] == first["Content-Type"]

    # A client with a token (or a session) is always answered from the live rows.
    with CaptureQueriesContext(connection) as queries:
        Client().get(url, HTTP_AUTHORIZATION="Bearer not-a-token")
    assert len(queries) > 2

    # An error is never kept.
    assert Client().get(url + "&category=nulle").status_code == 422
    assert Client().get(url + "&category=nulle").status_code == 422


def test_an_answer_written_for_one_visitor_is_never_kept(rf):
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore
    from django.http import HttpResponse

    from cabas.web.page_cache import _entry

    def request():
        made = rf.get("/paris/")
        made.session = SessionStore()
        made._messages = FallbackStorage(made)
        return made

    plain = request()
    assert _entry(plain, HttpResponse("page")) is not None

    remembered = request()
    remembered.session["centre"] = "75018"
    assert _entry(remembered, HttpResponse("page")) is None

    told = request()
    told._messages.add(20, "Bienvenue")
    assert _entry(told, HttpResponse("page")) is None

    cookie = HttpResponse("page")
    cookie.set_cookie("preference", "1")
    assert _entry(request(), cookie) is None
