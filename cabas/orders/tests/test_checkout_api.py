"""Checkout through the public API: one order per shop, idempotent, nothing half-written."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cabas.catalog.models import Offer, StockMovement
from cabas.factories import OfferFactory
from cabas.fulfilment.models import ShopFulfilment, SlotLoad
from cabas.orders.models import Checkout, Order, OrderEvent, OrderStatus
from cabas.orders.tests.fixtures import GUEST, new_key
from cabas.tasks.models import Task

pytestmark = pytest.mark.django_db


def post_checkout(client, body, key=None, **headers):
    extra = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    extra.update(headers)
    return client.post("/api/v1/checkout", body, content_type="application/json", **extra)


def test_guest_checkout_of_the_cart_creates_one_order_per_shop(client, bread, novel):
    # Given a cart with bread from the baker and a novel from the bookshop
    client.post(
        "/api/v1/cart",
        {"lines": [{"offer_id": bread.pk, "quantity": 2}, {"offer_id": novel.pk, "quantity": 1}]},
        content_type="application/json",
    )
    # When the guest checks out
    response = post_checkout(client, GUEST, key=new_key())
    # Then one checkout, two orders, stock taken, emails queued, cart emptied
    assert response.status_code == 201, response.content
    body = response.json()
    assert {o["shop"]["slug"] for o in body["orders"]} == {bread.shop.slug, novel.shop.slug}
    assert all(o["status"] == "placed" for o in body["orders"])
    totals = {o["shop"]["slug"]: o["total_cents"] for o in body["orders"]}
    assert totals == {bread.shop.slug: 640, novel.shop.slug: 890}
    checkout = Checkout.objects.get(pk=body["checkout_id"])
    assert checkout.total_cents == 1530 and checkout.email == GUEST["email"]
    assert checkout.phone == "0612345678"
    bread.refresh_from_db()
    novel.refresh_from_db()
    assert (bread.stock, novel.stock) == (18, 2)
    assert StockMovement.objects.filter(reason="sale").count() == 2
    assert Task.objects.filter(name="notifications.order_email").count() == 4
    assert client.get("/api/v1/cart").json()["lines"] == []
    first = body["orders"][0]
    assert dt.datetime.fromisoformat(first["slot"]["start"]) > timezone.now()
    order = Order.objects.get(pk=first["id"])
    assert order.lines.get().product_name in {"Pain de campagne", "Le Petit Prince"}
    assert len(order.pickup_code) == 6
    assert OrderEvent.objects.filter(order=order, to_status="placed").count() == 1


def test_commission_is_taken_from_the_territory_rate(client, bread):
    bread.territory.commission_bp = 250
    bread.territory.save()
    body = {**GUEST, "lines": [{"offer_id": bread.pk, "quantity": 3}]}
    response = post_checkout(client, body, key=new_key())
    order = Order.objects.get(pk=response.json()["orders"][0]["id"])
    assert (order.subtotal_cents, order.commission_bp, order.commission_cents) == (960, 250, 24)


def test_same_key_same_body_answers_the_same_checkout(client, bread):
    key = new_key()
    body = {**GUEST, "lines": [{"offer_id": bread.pk, "quantity": 1}]}
    first = post_checkout(client, body, key=key)
    again = post_checkout(client, body, key=key)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Checkout.objects.count() == 1
    bread.refresh_from_db()
    assert bread.stock == 19


def test_same_key_with_another_body_is_a_conflict(client, bread):
    key = new_key()
    post_checkout(client, {**GUEST, "lines": [{"offer_id": bread.pk, "quantity": 1}]}, key=key)
    response = post_checkout(
        client, {**GUEST, "lines": [{"offer_id": bread.pk, "quantity": 2}]}, key=key
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_conflict"
    assert Checkout.objects.count() == 1


def test_out_of_stock_is_409_and_changes_nothing(client, bread, novel):
    response = post_checkout(
        client,
        {
            **GUEST,
            "lines": [
                {"offer_id": bread.pk, "quantity": 1},
                {"offer_id": novel.pk, "quantity": 4},
            ],
        },
        key=new_key(),
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "out_of_stock"
    assert error["details"][0]["offer_id"] == novel.pk
    assert error["details"][0]["available"] == 3
    assert "Il ne reste que 3" in error["message"]
    assert_nothing_written(bread, novel)


def assert_nothing_written(*offers):
    assert Order.objects.count() == 0
    assert Checkout.objects.count() == 0
    assert StockMovement.objects.count() == 0
    assert SlotLoad.objects.filter(booked__gt=0).count() == 0
    assert Task.objects.count() == 0
    for offer in offers:
        before = offer.stock
        offer.refresh_from_db()
        assert offer.stock == before


@pytest.mark.parametrize(
    ("quantity", "code"),
    [
        (0, "quantity_not_positive"),
        (-2, "quantity_not_positive"),
        (100, "quantity_too_large"),
        (10**30, "quantity_too_large"),
        ("deux", "quantity_not_a_number"),
        (1.5, "quantity_not_a_number"),
        (None, "quantity_not_a_number"),
        (True, "quantity_not_a_number"),
    ],
)
def test_bad_quantities_are_refused_with_a_specific_error(client, bread, quantity, code):
    response = post_checkout(
        client, {**GUEST, "lines": [{"offer_id": bread.pk, "quantity": quantity}]}, key=new_key()
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == code
    assert "quantité" in error["message"].lower()
    assert_nothing_written(bread)


def test_offer_of_another_territory_is_refused(client, bread, elsewhere_offer):
    response = post_checkout(
        client,
        {
            **GUEST,
            "lines": [
                {"offer_id": bread.pk, "quantity": 1},
                {"offer_id": elsewhere_offer.pk, "quantity": 1},
            ],
        },
        key=new_key(),
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "other_territory"
    assert "autre territoire" in response.json()["error"]["message"]
    assert_nothing_written(bread, elsewhere_offer)


def test_unknown_and_withdrawn_offers_are_refused(client, bread, offer_factory):
    withdrawn = offer_factory(is_active=False)
    response = post_checkout(
        client, {**GUEST, "lines": [{"offer_id": 999999, "quantity": 1}]}, key=new_key()
    )
    assert (response.status_code, response.json()["error"]["code"]) == (404, "offer_not_found")
    response = post_checkout(
        client, {**GUEST, "lines": [{"offer_id": withdrawn.pk, "quantity": 1}]}, key=new_key()
    )
    assert response.json()["error"]["code"] == "offer_unavailable"
    assert_nothing_written(bread, withdrawn)


def test_forged_price_is_refused(client, bread):
    response = post_checkout(
        client,
        {**GUEST, "lines": [{"offer_id": bread.pk, "quantity": 1, "price_cents": 1}]},
        key=new_key(),
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "price_changed"
    assert error["details"][0]["price_cents"] == 320
    assert "3,20" in error["message"]
    assert_nothing_written(bread)


def test_stale_cart_is_refused(client, bread, novel):
    client.post(
        "/api/v1/cart",
        {"lines": [{"offer_id": bread.pk, "quantity": 1}]},
        content_type="application/json",
    )
    seen = client.get("/api/v1/cart").json()["cart_version"]
    # Another tab adds a novel after the page was shown
    client.post(
        "/api/v1/cart",
        {"lines": [{"offer_id": novel.pk, "quantity": 1}], "mode": "add"},
        content_type="application/json",
    )
    response = post_checkout(client, {**GUEST, "cart_version": seen}, key=new_key())
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "cart_stale"
    assert_nothing_written(bread, novel)


def test_price_changed_since_added_to_cart_is_refused_until_seen(client, bread):
    client.post(
        "/api/v1/cart",
        {"lines": [{"offer_id": bread.pk, "quantity": 1}]},
        content_type="application/json",
    )
    Offer.objects.filter(pk=bread.pk).update(price_cents=350)
    response = post_checkout(client, GUEST, key=new_key())
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "price_changed"
    assert Order.objects.count() == 0
    # Showing the cart announces the change; then the checkout goes through
    changes = client.get("/api/v1/cart").json()["changes"]
    assert changes[0]["code"] == "price_changed"
    assert "3,20" in changes[0]["message"] and "3,50" in changes[0]["message"]
    assert post_checkout(client, GUEST, key=new_key()).status_code == 201


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"email": "", "phone": "0612345678"}, "email_required"),
        ({"email": "pas-une-adresse", "phone": "0612345678"}, "email_invalid"),
        ({"email": "a@example.org", "phone": ""}, "phone_required"),
        ({"email": "a@example.org", "phone": "appelez-moi"}, "phone_invalid"),
        ({**GUEST, "payment_method": "bitcoin"}, "payment_method_invalid"),
        ({**GUEST, "payment_method": "on_delivery"}, "payment_method_invalid"),
    ],
)
def test_bad_contact_or_payment_is_refused(client, bread, body, code):
    response = post_checkout(
        client, {**body, "lines": [{"offer_id": bread.pk, "quantity": 1}]}, key=new_key()
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == code
    assert_nothing_written(bread)


def test_missing_or_malformed_idempotency_key_is_refused(client, bread):
    body = {**GUEST, "lines": [{"offer_id": bread.pk, "quantity": 1}]}
    assert post_checkout(client, body).json()["error"]["code"] == "idempotency_key_missing"
    response = post_checkout(client, body, key="court")
    assert (response.status_code, response.json()["error"]["code"]) == (
        400,
        "idempotency_key_invalid",
    )
    assert_nothing_written(bread)


def test_empty_cart_is_refused(client):
    response = post_checkout(client, GUEST, key=new_key())
    assert response.json()["error"]["code"] == "cart_empty"


def test_slot_in_the_past_is_refused(client, bread):
    past = (timezone.now() - dt.timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)
    response = post_checkout(
        client,
        {
            **GUEST,
            "lines": [{"offer_id": bread.pk, "quantity": 1}],
            "fulfilment": [{"shop": bread.shop.slug, "slot": past.isoformat()}],
        },
        key=new_key(),
    )
    assert response.json()["error"]["code"] == "slot_in_past"
    assert_nothing_written(bread)


def test_slot_when_the_shop_is_closed_is_refused(client, shop_factory):
    shop = shop_factory(opening_hours="Mo-Su 09:00-12:00")
    offer = OfferFactory(shop=shop, stock=4)
    tomorrow = timezone.localtime() + dt.timedelta(days=1)
    night = tomorrow.replace(hour=3, minute=0, second=0, microsecond=0)
    response = post_checkout(
        client,
        {
            **GUEST,
            "lines": [{"offer_id": offer.pk, "quantity": 1}],
            "fulfilment": [{"shop": shop.slug, "slot": night.isoformat()}],
        },
        key=new_key(),
    )
    assert response.json()["error"]["code"] == "slot_closed"
    assert_nothing_written(offer)


def test_full_slot_is_refused(client, bread):
    ShopFulfilment.objects.create(territory=bread.territory, shop=bread.shop, capacity_per_slot=1)
    first = post_checkout(
        client, {**GUEST, "lines": [{"offer_id": bread.pk, "quantity": 1}]}, key=new_key()
    ).json()
    slot = first["orders"][0]["slot"]["start"]
    response = post_checkout(
        client,
        {
            **GUEST,
            "lines": [{"offer_id": bread.pk, "quantity": 1}],
            "fulfilment": [{"shop": bread.shop.slug, "slot": slot}],
        },
        key=new_key(),
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "slot_full"
    assert Order.objects.count() == 1
    # Without a slot the next free one is taken
    third = post_checkout(
        client, {**GUEST, "lines": [{"offer_id": bread.pk, "quantity": 1}]}, key=new_key()
    ).json()
    assert third["orders"][0]["slot"]["start"] > slot


def test_unreadable_slot_is_refused(client, bread):
    for slot, code in (("demain midi", "slot_invalid"), ("2031-06-12T10:00:00", "slot_invalid")):
        response = post_checkout(
            client,
            {
                **GUEST,
                "lines": [{"offer_id": bread.pk, "quantity": 1}],
                "fulfilment": [{"shop": bread.shop.slug, "slot": slot}],
            },
            key=new_key(),
        )
        assert response.json()["error"]["code"] == code
    assert_nothing_written(bread)


def test_checkout_query_count_does_not_grow_with_lines(client, baker, bookshop):
    def checkout_queries(lines_per_shop: int) -> int:
        lines = []
        for shop in (baker, bookshop):
            for _i in range(lines_per_shop):
                lines.append({"offer_id": OfferFactory(shop=shop, stock=50).pk, "quantity": 2})
        with CaptureQueriesContext(connection) as queries:
            response = post_checkout(client, {**GUEST, "lines": lines}, key=new_key())
        assert response.status_code == 201, response.content
        return len(queries)

    # Shops with a booked slot read their slots' counters too: book one in each first.
    checkout_queries(1)
    one = checkout_queries(1)
    ten = checkout_queries(5)
    assert one == ten
    # In one transaction: the offers, locked, with their shops' fulfilment facts and
    # slot counters, then the writes: checkout, stock, movements, one guarded upsert
    # per slot counter, orders, lines, events, emails.
    assert one <= 12


def test_shopper_sees_own_orders_and_cancels_before_acceptance(client, bread, django_user_model):
    # A browser: its cart lives in its session, which then shows its orders
    client.post(
        "/api/v1/cart",
        {"lines": [{"offer_id": bread.pk, "quantity": 2}]},
        content_type="application/json",
    )
    placed = post_checkout(client, GUEST, key=new_key()).json()
    order_id = placed["orders"][0]["id"]
    listing = client.get("/api/v1/orders").json()
    assert listing["count"] == 1
    assert listing["results"][0]["pickup_code"]
    # Another browser sees nothing, unless it holds the checkout's token
    from django.test import Client

    stranger = Client()
    assert stranger.get(f"/api/v1/orders/{order_id}").status_code == 404
    with_token = stranger.get(
        f"/api/v1/orders/{order_id}", HTTP_X_CHECKOUT_TOKEN=placed["access_token"]
    )
    assert with_token.status_code == 200
    # The shopper cancels: stock back, recorded as a cancel movement
    cancelled = client.post(f"/api/v1/orders/{order_id}/cancel")
    assert cancelled.json()["status"] == OrderStatus.CANCELLED_BY_SHOPPER
    bread.refresh_from_db()
    assert bread.stock == 20
    assert StockMovement.objects.filter(reason="cancel", delta=2).count() == 1
    again = client.post(f"/api/v1/orders/{order_id}/cancel")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "illegal_transition")


def test_signed_in_shopper_checks_out_without_giving_contact(client, bread, django_user_model):
    user = django_user_model.objects.create_user(email="marc@example.org", password="x" * 12)
    client.force_login(user)
    response = post_checkout(
        client, {"lines": [{"offer_id": bread.pk, "quantity": 1}]}, key=new_key()
    )
    assert response.status_code == 201, response.content
    checkout = Checkout.objects.get()
    assert (checkout.user, checkout.email, checkout.phone) == (user, "marc@example.org", "")
    assert client.get("/api/v1/orders").json()["count"] == 1


def test_signed_in_browser_must_send_its_csrf_token(bread, django_user_model):
    from django.test import Client

    user = django_user_model.objects.create_user(email="zoe@example.org", password="x" * 12)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    response = post_checkout(
        browser, {"lines": [{"offer_id": bread.pk, "quantity": 1}]}, key=new_key()
    )
    assert (response.status_code, response.json()["error"]["code"]) == (403, "csrf_failed")
    assert Order.objects.count() == 0
