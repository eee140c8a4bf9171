"""Every HTML page carries a Content-Security-Policy without 'unsafe-inline' or
'unsafe-eval', and our templates give it nothing inline to refuse."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import loader
from django.test import Client
from django.urls import reverse

from cabas.factories import (
    OfferFactory,
    ShopFactory,
    ShopMembershipFactory,
    TerritoryFactory,
    TerritoryMembershipFactory,
    UserFactory,
)
from cabas.territories.models import Territory
from cabas.web.csp import content_security_policy, url_origin
from cabas.web.theme import cards_theme_path, theme_path

from .xss_dom import live_code

ROOT = Path(settings.BASE_DIR) / "cabas"


def _directives(header: str) -> dict[str, list[str]]:
    policy: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            policy[words[0]] = words[1:]
    return policy


@pytest.fixture
def world(db):
    territory = TerritoryFactory(slug="ville", name="Ville", primary_colour="#7a1f5c")
    TerritoryFactory(slug="bourg", name="Bourg")  # two territories: the home lists them
    shop = ShopFactory(territory=territory, slug="boulangerie", name="Boulangerie")
    offer = OfferFactory(shop=shop, product__name="Pain de campagne")
    merchant = UserFactory(email="boulanger@example.org")
    ShopMembershipFactory(shop=shop, user=merchant)
    operator = UserFactory(email="operatrice@example.org")
    TerritoryMembershipFactory(territory=territory, user=operator)
    return territory, shop, offer, merchant, operator


def _pages(world) -> list[tuple[str | None, str]]:
    territory, shop, offer, _merchant, _operator = world
    t, s = territory.slug, shop.slug
    return [
        (None, "/"),
        (None, reverse("web:territory_home", args=[t])),
        (None, reverse("web:shop_list", args=[t])),
        (None, reverse("web:shop_detail", args=[t, s])),
        (None, reverse("web:product_detail", args=[t, offer.product_id])),
        (None, reverse("search:results", args=[t]) + "?q=pain&carte=1"),
        (None, reverse("planner:plan", args=[t])),
        (None, reverse("cart:detail")),
        (None, reverse("accounts:login")),
        (None, reverse("accounts:signup")),
        (None, reverse("reports:impact", args=[t])),
        (None, "/en/" + t + "/"),
        (None, "/page-qui-n-existe-pas/"),
        ("merchant", reverse("backoffice:dashboard")),
        ("merchant", reverse("backoffice:shop_home", args=[t, s])),
        ("merchant", reverse("backoffice:orders", args=[t, s])),
        ("merchant", reverse("backoffice:picking_list", args=[t, s])),
        ("merchant", reverse("backoffice:redeem", args=[t, s])),
        ("merchant", reverse("backoffice:catalogue", args=[t, s])),
        ("operator", reverse("console:dashboard", args=[t])),
        ("operator", reverse("console:reports", args=[t])),
        ("operator", reverse("console:settings", args=[t])),
    ]


def test_every_html_page_has_a_strict_policy_and_nothing_inline(world):
    merchant, operator = world[3], world[4]
    clients = {None: Client(), "merchant": Client(), "operator": Client()}
    clients["merchant"].force_login(merchant)
    clients["operator"].force_login(operator)
    checked = 0
    for role, path in _pages(world):
        response = clients[role].get(path)
        assert response.status_code in (200, 404), (path, response.status_code)
        header = response.headers.get("Content-Security-Policy", "")
        policy = _directives(header)
        assert "'unsafe-inline'" not in header and "'unsafe-eval'" not in header, path
        assert policy["default-src"] == ["'self'"], path
        assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"], path
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"] and policy["form-action"][0] == "'self'"
        assert policy["worker-src"] == ["'self'"] and policy["manifest-src"] == ["'self'"]
        assert policy["connect-src"] == ["'self'"]
        # And the page gives the policy nothing to refuse
        assert live_code(response.content.decode()) == [], path
        checked += 1
    assert checked == len(_pages(world))


def test_map_tiles_and_product_photos_are_the_only_outside_images(client, db):
    policy = _directives(client.get("/").headers["Content-Security-Policy"])

    assert policy["img-src"][:2] == ["'self'", "data:"]
    assert url_origin(settings.MAP_TILE_URL) in policy["img-src"]
    assert "https://static.openfoodfacts.org" in policy["img-src"]
    assert "*" not in policy["img-src"] and "https:" not in policy["img-src"]


@pytest.mark.parametrize(
    ("template", "origin"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        (
            "https://{s}.tile.openstreetmap.fr/osmfr/{z}/{x}/{y}.png",
            "https://*.tile.openstreetmap.fr",
        ),
        ("http://tiles.example:8080/{z}/{x}/{y}.png?key=abc", "http://tiles.example:8080"),
        ("https://user:secret@tiles.example/{z}/{x}/{y}.png", "https://tiles.example"),
        ("/tiles/{z}/{x}/{y}.png", ""),
        ("javascript:alert(1)", ""),
        ("https://{z}.example/", ""),
        ("", ""),
    ],
)
def test_tile_host_origin_is_derived_from_the_tile_template(template, origin):
    assert url_origin(template) == origin


def test_form_action_admits_the_card_payment_page_only_when_card_payment_is_on():
    def form_action(provider: str) -> list[str]:
        return content_security_policy(
            tile_url="",
            image_hosts=[],
            media_url="/media/",
            static_url="/static/",
            payment_provider=provider,
        )["form-action"]

    assert form_action("") == ["'self'"]
    assert form_action("stripe") == ["'self'", "https://checkout.stripe.com"]
    assert form_action("fake") == ["'self'", "http://127.0.0.1:*", "http://localhost:*"]


def test_assets_on_another_host_are_allowed_by_their_origin():
    policy = content_security_policy(
        tile_url="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        image_hosts=["https://images.example.org", "not a url"],
        media_url="https://media.example.org/uploads/",
        static_url="https://static.example.org/assets/",
        payment_provider="",
    )
    assert policy["script-src"] == ["'self'", "https://static.example.org"]
    assert policy["style-src"] == ["'self'", "https://static.example.org"]
    assert "https://media.example.org" in policy["img-src"]
    assert "https://images.example.org" in policy["img-src"]
    assert not [source for source in policy["img-src"] if " " in source or not source]


# -- the territory stylesheets that replace inline style attributes -------------------------


def test_territory_pages_link_their_colours_as_a_cached_stylesheet(
    client, world, django_assert_num_queries
):
    territory = world[0]
    html = client.get(reverse("web:territory_home", args=[territory.slug])).content.decode()
    href = re.search(r'<link rel="stylesheet" href="(/theme/[0-9a-f]{6}-[0-9a-f]{6}\.css)">', html)[
        1
    ]
    assert href == theme_path(territory.primary_colour, territory.accent_colour)

    # The stylesheet needs no database, is cached for a year and revalidates by ETag
    with django_assert_num_queries(0):
        response = client.get(href)
    assert response["Content-Type"] == "text/css; charset=utf-8"
    assert response.content.decode() == ":root{--brand:#7a1f5c;--accent:#f4b942}\n"
    assert (
        "immutable" in response["Cache-Control"] and "max-age=31536000" in response["Cache-Control"]
    )
    again = client.get(href, headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304 and again["ETag"] == response["ETag"]


def test_a_colour_change_gives_the_stylesheet_a_new_address(client, world):
    territory = world[0]
    before = theme_path(territory.primary_colour, territory.accent_colour)
    territory.primary_colour = "#0055a4"
    territory.save(update_fields=["primary_colour"])

    html = client.get(reverse("web:territory_home", args=[territory.slug])).content.decode()

    after = theme_path("#0055a4", territory.accent_colour)
    assert after != before and f'href="{after}"' in html and before not in html


def test_the_platform_home_colours_each_territory_card(client, world):
    Territory.objects.filter(slug="bourg").update(primary_colour="#0055A4")
    html = client.get("/").content.decode()

    assert 'data-brand="7a1f5c"' in html and 'data-brand="0055a4"' in html
    href = cards_theme_path(["#7a1f5c", "#0055A4"])
    assert f'href="{href}"' in html
    css = client.get(href).content.decode()
    assert '.territory-card[data-brand="0055a4"]{--brand:#0055a4}' in css
    assert '.territory-card[data-brand="7a1f5c"]{--brand:#7a1f5c}' in css


@pytest.mark.parametrize(
    "path",
    [
        "/theme/zzzzzz-f4b942.css",
        "/theme/1d5e3a-f4b942;}body{x.css",
        "/theme/1D5E3A-F4B942.css",
        "/theme/1d5e3a.css",
        "/theme/cartes/.css",
        "/theme/cartes/1d5e3a-<x>.css",
    ],
)
def test_a_stylesheet_address_admits_only_hex_colours(client, db, path):
    assert client.get(path).status_code == 404


# -- templates: nothing inline for the policy to refuse -------------------------------------

INLINE = re.compile(
    r"""\sstyle\s*=|\son[a-z]+\s*=|<style[\s>]|<script(?![^>]*\bsrc=)(?![^>]*type="application/(?:ld\+)?json")""",
    re.IGNORECASE,
)


def _served_templates() -> list[Path]:
    """Every page template; emails are not served (inline style is right for mail clients)."""
    return [
        path
        for path in ROOT.glob("*/templates/**/*.html")
        if "email" not in path.parts and "emails" not in path.parts
    ]


def test_no_served_template_has_an_inline_style_script_or_handler():
    templates = _served_templates()
    assert len(templates) > 100  # the glob really found the project's templates
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0).strip()}"
        for path in templates
        for match in INLINE.finditer(path.read_text())
    ]
    assert offenders == []


def test_the_500_page_is_self_contained_with_a_static_stylesheet():
    html = loader.get_template("500.html").render({})

    assert "<style" not in html
    assert '<link rel="stylesheet" href="/static/web/error.css">' in html
    assert (ROOT / "web" / "static" / "web" / "error.css").exists()
    assert live_code(html) == []
