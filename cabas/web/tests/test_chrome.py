"""The page chrome kept per process (``web/templatetags/chrome.py``) writes the same page as
``base.html`` did when every part was rendered on each request.

The former ``base.html`` is kept in ``former_templates/web/`` with the tags and context
processor it used (``former_tags.py``); each case renders a page extending it and one
extending the current ``base.html`` for the same request and context, and compares the
HTML byte for byte: both languages, with and without a territory, signed in or not, every
link of the navigation as the current page, a cart, values that need escaping, and the
territory edited between two pages.
"""

from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import constants
from django.contrib.messages.storage.fallback import FallbackStorage
from django.template import engines
from django.template.backends.django import DjangoTemplates
from django.test import RequestFactory
from django.urls import resolve
from django.utils import translation

from cabas.cart.models import Cart, CartLine
from cabas.cart.services import SESSION_CART_KEY
from cabas.factories import OfferFactory, TerritoryFactory, UserFactory

from .test_fragments import FORMER_DIR

pytestmark = pytest.mark.django_db

PROCESSORS = [
    "cabas.web.tests.former_tags.site" if name == "cabas.web.context_processors.site" else name
    for name in settings.TEMPLATES[0]["OPTIONS"]["context_processors"]
]
FORMER = DjangoTemplates(
    {
        "NAME": "former",
        "DIRS": [str(FORMER_DIR)],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": PROCESSORS,
            "libraries": {
                "cart": "cabas.web.tests.former_tags",
                "discovery": "cabas.web.tests.former_tags",
            },
        },
    }
)
PAGE = '{% extends "web/base.html" %}{% block content %}<p>Contenu</p>{% endblock %}'
NASTY = 'Chez "Lulu" & <Co>'
QUERY = {"q": 'pain "<b>" & co', "page": "2"}


def request_for(path: str, *, user=None, query=None, cart=None):
    request = RequestFactory().get(path, query or {})
    request.user = user or AnonymousUser()
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    if cart is not None:
        request.session[SESSION_CART_KEY] = cart.pk
    request._messages = FallbackStorage(request)
    request.resolver_match = resolve(request.path_info)
    return request


def both(request, context: dict) -> tuple[str, str]:
    """The page from the former base.html and from the current one, for one request (a
    CSRF token of the context's: the request's own is masked anew on each page)."""
    context = {"csrf_token": "jeton<&>", **context}
    old = FORMER.from_string(PAGE).render(context, request)
    new = engines["django"].from_string(PAGE).render(context, request)
    return old, new


@pytest.fixture
def nasty(db):
    return TerritoryFactory(
        slug="lulu",
        name=NASTY,
        languages="fr",
        primary_colour="#ffcc00",
        accent_colour="#000000",
        logo="territoires/lulu.png",
        data_attribution=f"Commerces : {NASTY}",
    )


PATHS = [
    "/{slug}/",
    "/{slug}/commerces/",
    "/{slug}/commerces/boulangerie/",
    "/{slug}/ma-liste/",
    "/{slug}/mes-commercants/",
    "/{slug}/recherche/",
    "/commandes/",
    "/panier/",
    "/",
]


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize("path", PATHS)
def test_pages_are_the_former_base(paris, nasty, language, signed_in, path):
    user = UserFactory(email='lulu+"<b>"@example.org') if signed_in else None
    for territory in (paris, nasty, None):
        with translation.override(language):
            prefix = "/en" if language == "en" else ""
            request = request_for(
                prefix + path.format(slug=territory.slug if territory else "paris"),
                user=user,
                query=QUERY,
            )
            old, new = both(request, {"territory": territory})
        assert old == new and "jeton&lt;&amp;&gt;" in new
        assert ("Se déconnecter" in new or "Log out" in new) == signed_in


def test_current_links_are_marked(paris):
    """The cases above do mark each link (so they compare something)."""
    user = UserFactory()
    expected = {
        "/paris/commerces/": 'href="/paris/commerces/" aria-current="page"',
        "/paris/ma-liste/": 'href="/paris/ma-liste/" aria-current="page"',
        "/paris/mes-commercants/": 'href="/paris/mes-commercants/" aria-current="page"',
        "/commandes/": 'href="/commandes/" aria-current="page"',
        "/panier/": 'href="/panier/" aria-current="page"',
    }
    for path, marked in expected.items():
        old, new = both(request_for(path, user=user), {"territory": paris})
        assert old == new and marked in new


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_cart_and_messages_are_the_former_base(paris, language):
    offer = OfferFactory(shop__territory=paris)
    cart = Cart.objects.create(territory=paris)
    CartLine.objects.create(
        territory=paris, cart=cart, offer=offer, quantity=3, unit_price_cents=100
    )
    with translation.override(language):
        request = request_for("/en/paris/" if language == "en" else "/paris/", cart=cart)
        request._messages.add(constants.SUCCESS, NASTY, extra_tags="cart")
        old, new = both(request, {"territory": paris})
    assert old == new
    assert '<span class="cart-count">3</span>' in new and "&lt;Co&gt;" in new


@pytest.mark.parametrize("csrf_token", ["", "NOTPROVIDED"])
def test_pages_without_a_csrf_token_are_the_former_base(paris, csrf_token):
    old, new = both(
        request_for("/paris/commerces/"), {"territory": paris, "csrf_token": csrf_token}
    )
    assert old == new and "csrfmiddlewaretoken" not in new


def test_a_page_outside_any_view_is_the_former_base(paris):
    """Error pages resolve to no view (no head links, no current link)."""
    request = request_for("/paris/")
    request.resolver_match = None
    old, new = both(request, {"territory": paris})
    assert old == new and 'rel="canonical"' not in new


def test_an_edited_territory_shows_at_once(paris):
    """The kept parts are keyed on what they show of the territory: the next page after
    an edit shows the new values (the territory need not even be saved)."""
    request = request_for("/paris/commerces/")
    old, new = both(request, {"territory": paris})
    assert old == new
    paris.name = NASTY
    paris.primary_colour = "#ffcc00"
    paris.accent_colour = "#000000"
    paris.logo = "territoires/paris.png"
    paris.languages = "fr"
    paris.data_attribution = "Autre source"
    paris.slug = "paname"
    request = request_for("/paris/commerces/")
    old, new = both(request, {"territory": paris})
    assert old == new
    assert "&lt;Co&gt;" in new and "Autre source" in new and "/paname/" in new
    assert 'value="en" lang="en"' not in new


def test_in_development_the_parts_are_rendered_each_time(paris, settings):
    """With DEBUG templates change under a running server: nothing is kept, same page."""
    settings.DEBUG = True
    for path in ("/paris/commerces/", "/panier/"):
        old, new = both(request_for(path, query=QUERY), {"territory": paris})
        assert old == new
