"""The merchant API: offers by SKU, bulk stock (idempotent, all or nothing), orders."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cabas.apitokens.models import ApiToken
from cabas.apitokens.services import api_token_create, token_digest
from cabas.backoffice.models import StockSyncRequest
from cabas.catalog.models import Offer, StockMovement
from cabas.factories import OfferFactory, ProductFactory
from cabas.orders.models import OrderEvent, OrderStatus

from .conftest import bearer, place_order

pytestmark = pytest.mark.django_db


def put(client, sku, body, token):
    return client.put(
        f"/api/v1/merchant/offers/{sku}", body, content_type="application/json", **bearer(token)
    )


def post_stock(client, body, token, key=None, query=""):
    headers = bearer(token)
    if key:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(
        f"/api/v1/merchant/stock{query}", body, content_type="application/json", **headers
    )


# -- tokens ---------------------------------------------------------------------------------


def test_token_is_stored_as_a_digest_and_shown_once_by_the_command(shop):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", "--shop", shop.slug, stdout=out, stderr=err)
    raw = out.getvalue().strip()
    assert raw.startswith("cabas_") and len(raw) > 40
    token = ApiToken.objects.get()
    assert token.shop == shop and token.digest == token_digest(raw)
    assert raw not in {getattr(token, field.attname) for field in ApiToken._meta.fields}
    assert "shown once" in err.getvalue()


def test_command_makes_territory_tokens_and_refuses_unknown_slugs(territory):
    out = io.StringIO()
    call_command(
        "create_api_token", "--territory", territory.slug, stdout=out, stderr=io.StringIO()
    )
    assert ApiToken.objects.get().shop is None
    with pytest.raises(CommandError):
        call_command("create_api_token", "--shop", "nulle-part", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("create_api_token", stdout=io.StringIO())


def test_last_used_date_is_recorded_and_a_revoked_token_stops_working(
    client, shop, offer, merchant
):
    token, raw = api_token_create(territory=shop.territory, shop=shop, name="Caisse")
    assert token.last_used_at is None
    assert client.get(f"/api/v1/merchant/offers/{offer.sku}", **bearer(raw)).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    # Revoked from the back office by the owner
    response = merchant.post(
        f"/espace-commercant/{shop.territory.slug}/{shop.slug}/api/{token.pk}/revoquer/"
    )
    assert response.status_code == 302
    response = client.get(f"/api/v1/merchant/offers/{offer.sku}", **bearer(raw))
    assert response.status_code == 401
    assert (
        client.get(f"/api/v1/merchant/offers/{offer.sku}", **bearer(raw + "x")).status_code == 401
    )


def test_owner_creates_a_token_in_the_back_office_and_sees_it_once(shop, merchant):
    url = f"/espace-commercant/{shop.territory.slug}/{shop.slug}/api/"
    response = merchant.post(url, {"name": "Caisse du magasin"})
    raw = response.context["created"]
    assert raw in response.content.decode()
    assert ApiToken.objects.get().digest == token_digest(raw)
    assert raw not in merchant.get(url).content.decode()


# -- offers -----------------------------------------------------------------------------------


def test_get_offer_by_sku(client, offer, shop_token):
    response = client.get(f"/api/v1/merchant/offers/{offer.sku}", **bearer(shop_token))
    assert response.status_code == 200
    body = response.json()
    assert body["sku"] == "CAFE-250" and body["price_cents"] == 450 and body["stock"] == 12
    assert body["product"] == {
        "id": offer.product_id,
        "name": "Café moulu",
        "gtin": "3017620422003",
        "brand": "Torréfacteur",
    }
    assert body["currency"] == "EUR" and body["stock_status"] == "in_stock"


def test_put_updates_price_and_stock_with_a_sync_movement(client, offer, shop_token):
    response = put(client, offer.sku, {"price_cents": 490, "stock": 7}, shop_token)
    assert response.status_code == 200
    assert response.json()["price_cents"] == 490 and response.json()["stock"] == 7
    movement = StockMovement.objects.get(offer=offer)
    assert (movement.delta, movement.stock_after, movement.reason) == (-5, 7, "sync")


def test_put_null_stock_stops_tracking_and_absent_stock_keeps_it(client, offer, shop_token):
    assert put(client, offer.sku, {"price_cents": 500}, shop_token).json()["stock"] == 12
    assert put(client, offer.sku, {"stock": None}, shop_token).json()["stock"] is None


def test_put_creates_an_offer_from_a_known_barcode(client, shop, shop_token, territory):
    ProductFactory(territory=territory, name="Lait demi-écrémé", gtin="3428273990014")
    response = put(
        client, "LAIT-1", {"price_cents": 119, "stock": 30, "gtin": "3428273990014"}, shop_token
    )
    assert response.status_code == 201
    body = response.json()
    assert body["product"]["name"] == "Lait demi-écrémé" and body["stock"] == 30
    assert StockMovement.objects.get(offer_id=body["offer_id"]).delta == 30


def test_put_refuses_bad_values_with_the_error_shape(client, offer, shop_token):
    response = put(client, offer.sku, {"price_cents": 0}, shop_token)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "price_invalid"
    response = put(client, offer.sku, {"stock": -3}, shop_token)
    assert response.json()["error"]["code"] == "stock_negative"
    response = put(client, "NOUVEAU", {"stock": 3}, shop_token)
    assert response.json()["error"]["code"] == "price_required"
    offer.refresh_from_db()
    assert (offer.price_cents, offer.stock) == (450, 12)


# -- bulk stock -------------------------------------------------------------------------------


def test_bulk_stock_by_sku_and_gtin_writes_one_movement_each(client, shop, offer, shop_token):
    tea = OfferFactory(shop=shop, sku="THE-1", product__gtin="3760091720016", stock=None)
    response = post_stock(
        client,
        [
            {"sku": "CAFE-250", "quantity": 20, "price_cents": 470},
            {"gtin": "3760091720016", "quantity": 4},
        ],
        shop_token,
    )
    assert response.status_code == 200
    assert response.json() == {
        "count": 2,
        "results": [
            {
                "sku": "CAFE-250",
                "offer_id": offer.pk,
                "stock": 20,
                "price_cents": 470,
                "changed": True,
            },
            {
                "sku": "THE-1",
                "offer_id": tea.pk,
                "stock": 4,
                "price_cents": tea.price_cents,
                "changed": True,
            },
        ],
    }
    assert sorted(StockMovement.objects.values_list("offer_id", "delta", "reason")) == sorted(
        [(offer.pk, 8, "sync"), (tea.pk, 4, "sync")]
    )


def test_bulk_stock_is_all_or_nothing_with_every_bad_row_listed(client, shop, offer, shop_token):
    response = post_stock(
        client,
        [
            {"sku": "CAFE-250", "quantity": 1},
            {"sku": "INCONNU", "quantity": 2},
            {"sku": "CAFE-250", "quantity": 3},
            {"gtin": "1234", "quantity": 1},
            {"sku": "X", "quantity": -1},
            {"quantity": 1},
        ],
        shop_token,
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "stock_rejected"
    assert [(d["index"], d["code"]) for d in error["details"]] == [
        (1, "unknown_sku"),
        (2, "duplicate"),
        (3, "gtin_invalid"),
        (4, "unknown_sku"),
        (5, "sku_or_gtin_required"),
    ]
    offer.refresh_from_db()
    assert offer.stock == 12 and not StockMovement.objects.exists()


def test_bulk_stock_refuses_negative_quantities(client, offer, shop_token):
    response = post_stock(client, [{"sku": offer.sku, "quantity": -4}], shop_token)
    assert response.json()["error"]["details"][0]["code"] == "negative_stock"
    response = post_stock(client, {"items": []}, shop_token)
    assert response.status_code == 422
    response = client.post(
        "/api/v1/merchant/stock",
        "{pas du json",
        content_type="application/json",
        **bearer(shop_token),
    )
    assert response.status_code == 400


def test_idempotency_key_replays_the_first_answer_without_writing_again(client, offer, shop_token):
    body = [{"sku": offer.sku, "quantity": 20}]
    first = post_stock(client, body, shop_token, key="sync-2025-03-12-0001")
    # Meanwhile a sale takes one unit; the replay must not set the stock back to 20.
    Offer.objects.filter(pk=offer.pk).update(stock=19)
    again = post_stock(client, body, shop_token, key="sync-2025-03-12-0001")
    assert again.status_code == 200 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    offer.refresh_from_db()
    assert offer.stock == 19
    assert StockMovement.objects.count() == 1 and StockSyncRequest.objects.count() == 1
    conflict = post_stock(
        client, [{"sku": offer.sku, "quantity": 1}], shop_token, key="sync-2025-03-12-0001"
    )
    assert conflict.status_code == 409
    assert conflict.json()["error"]["code"] == "idempotency_conflict"
    bad = post_stock(client, body, shop_token, key="court")
    assert bad.status_code == 400


def test_territory_token_names_the_shop(client, shop, offer):
    _t, raw = api_token_create(territory=shop.territory, shop=None, name="Opérateur")
    response = post_stock(client, [{"sku": offer.sku, "quantity": 2}], raw)
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["loc"] == ["query", "shop"]
    response = post_stock(
        client, [{"sku": offer.sku, "quantity": 2}], raw, query=f"?shop={shop.slug}"
    )
    assert response.status_code == 200
    offer.refresh_from_db()
    assert offer.stock == 2


# -- orders -----------------------------------------------------------------------------------


def test_orders_are_listed_and_moved_through_the_transition_table(client, offer, shop_token):
    order = place_order(offer, 2)
    response = client.get("/api/v1/merchant/orders?status=placed", **bearer(shop_token))
    body = response.json()
    assert body["count"] == 1
    listed = body["results"][0]
    assert listed["id"] == order.pk and listed["status"] == "placed"
    assert listed["lines"] == [
        {
            "sku": "CAFE-250",
            "name": "Café moulu",
            "quantity": 2,
            "unit_price_cents": 450,
            "line_total_cents": 900,
        }
    ]
    assert listed["customer"]["name"] == "Claire"
    url = f"/api/v1/merchant/orders/{order.pk}/transition"
    response = client.post(
        url, {"to": "accepted"}, content_type="application/json", **bearer(shop_token)
    )
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    response = client.post(
        url, {"to": "collected"}, content_type="application/json", **bearer(shop_token)
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "illegal_transition"
    client.post(url, {"to": "ready"}, content_type="application/json", **bearer(shop_token))
    response = client.post(
        url,
        {"to": "collected", "pickup_code": "WRONG1"},
        content_type="application/json",
        **bearer(shop_token),
    )
    assert response.json()["error"]["code"] == "pickup_code_mismatch"
    response = client.post(
        url,
        {"to": "collected", "pickup_code": order.pickup_code.lower()},
        content_type="application/json",
        **bearer(shop_token),
    )
    assert response.json()["status"] == "collected"
    assert (
        client.get("/api/v1/merchant/orders?status=bogus", **bearer(shop_token)).status_code == 422
    )


def test_refusing_by_api_needs_a_reason_and_puts_the_stock_back(client, offer, shop_token):
    order = place_order(offer, 2)
    url = f"/api/v1/merchant/orders/{order.pk}/transition"
    response = client.post(
        url, {"to": "refused"}, content_type="application/json", **bearer(shop_token)
    )
    assert response.status_code == 422
    response = client.post(
        url,
        {"to": "refused", "note": "Rupture"},
        content_type="application/json",
        **bearer(shop_token),
    )
    assert response.json()["status"] == OrderStatus.REFUSED
    assert OrderEvent.objects.get(order=order, to_status="refused").note == "Rupture"
    offer.refresh_from_db()
    assert offer.stock == 12


def test_bulk_stock_starts_tracking_untracked_offers(client, shop, shop_token):
    untracked = OfferFactory(shop=shop, sku="SUR-DEMANDE", stock=None)
    other = OfferFactory(shop=shop, sku="AUSSI", stock=None)
    response = post_stock(
        client, [{"sku": "SUR-DEMANDE", "quantity": 0}, {"sku": "AUSSI", "quantity": 3}], shop_token
    )
    assert response.status_code == 200
    untracked.refresh_from_db()
    other.refresh_from_db()
    assert (untracked.stock, other.stock) == (0, 3)
    assert list(StockMovement.objects.values_list("offer_id", "delta")) == [(other.pk, 3)]


def test_order_list_queries_do_not_grow_with_the_orders(client, shop, offer, shop_token):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    place_order(offer)
    client.get("/api/v1/merchant/orders", **bearer(shop_token))  # the token's first use is recorded
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/merchant/orders", **bearer(shop_token))
    for _ in range(5):
        place_order(offer)
    with CaptureQueriesContext(connection) as six:
        body = client.get("/api/v1/merchant/orders?limit=3", **bearer(shop_token)).json()
    assert body["count"] == 6 and len(body["results"]) == 3
    assert len(six) == len(one)
