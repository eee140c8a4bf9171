"""« Mes données » export: everything of the shopper, nothing of anyone else, bounded queries."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cabas.apitokens.services import api_token_create
from cabas.privacy.registry import USER_LINKS
from cabas.privacy.selectors import EXPORT_FORMAT, user_export

from .conftest import give_points, hand_over, logged_in, place_order

pytestmark = pytest.mark.django_db


def test_export_download_holds_the_shoppers_data(shopper, other, territory):
    give_points(territory, shopper, shopper.orders.get().pk)

    response = logged_in(shopper).get("/compte/mes-donnees/export.json")

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["format"] == EXPORT_FORMAT
    assert data["account"]["email"] == "claire@example.org"
    assert data["account"]["phone"] == "06 12 34 56 78"
    assert data["households"][0]["address"] == "3 rue des Lilas"
    order = data["orders"][0]
    assert order["lines"][0]["product_name"] == "Confiture"
    assert order["total_cents"] == 450 and isinstance(order["total_cents"], int)
    assert order["pickup_code"] and order["created_at"].endswith("Z")
    assert data["checkouts"][0]["name"] == "Claire Dupont"
    assert data["follows"][0]["shop"] == "epicerie"
    assert data["alerts"][0]["query"] == "miel"
    assert data["saved_lists"][0]["lines"] == ["pain", "lait"]
    assert data["preferences"][0]["digest_enabled"] is True
    assert data["loyalty"][0]["points"] == 10
    # Only the shopper's: Bob's order and address appear nowhere.
    text = response.content.decode()
    assert "bob@example.org" not in text and "Bob Martin" not in text


def test_every_registry_section_is_in_the_export(shopper):
    data = user_export(shopper)
    for link in USER_LINKS:
        assert link.section in data, link


def test_api_tokens_are_exported_without_secret(shopper, shop):
    token, raw = api_token_create(
        territory=shop.territory, shop=shop, name="Caisse", created_by_id=shopper.pk
    )

    data = user_export(shopper)

    assert data["api_tokens"][0]["name"] == "Caisse"
    assert data["api_tokens"][0]["scope"] == "shop:epicerie"
    assert raw not in json.dumps(data) and token.digest not in json.dumps(data)


def test_export_query_count_does_not_grow_with_orders(shopper, offer):
    with CaptureQueriesContext(connection) as few:
        user_export(shopper)
    for _ in range(6):
        hand_over(place_order(offer, shopper))
    with CaptureQueriesContext(connection) as many:
        data = user_export(shopper)
    assert len(data["orders"]) == 7
    assert len(many.captured_queries) == len(few.captured_queries)


def test_api_export_answers_the_session_user_only(shopper, other):
    response = logged_in(other).get("/api/v1/me/export")

    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["account"]["email"] == "bob@example.org"
    assert "claire@example.org" not in response.content.decode()


def test_export_needs_a_signed_in_user(client):
    api = client.get("/api/v1/me/export")
    assert api.status_code == 401
    assert api.json()["error"]["code"] == "unauthorized"
    page = client.get("/compte/mes-donnees/export.json")
    assert page.status_code == 302 and "/compte/connexion/" in page["Location"]


def test_my_data_page_offers_export_and_erasure(shopper):
    response = logged_in(shopper).get("/compte/mes-donnees/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "/compte/mes-donnees/export.json" in body
    assert "Supprimer définitivement mon compte" in body
