"""The shopper's pages: cart, checkout form (double submit = one checkout), orders, reorder."""

import re

import pytest

from cabas.catalog.models import Offer
from cabas.orders.models import Checkout, Order, OrderStatus
from cabas.orders.tests.fixtures import GUEST

pytestmark = pytest.mark.django_db


def fill_cart(client, *offers):
    for offer in offers:
        client.post("/panier/ajouter/", {"offer_id": offer.pk, "quantity": 2})


def checkout_form(client):
    page = client.get("/commandes/valider/")
    assert page.status_code == 200
    html = page.content.decode()
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    fields.pop("csrfmiddlewaretoken", None)
    return html, fields


def test_cart_page_lists_each_shop_with_its_ready_time(client, bread, novel):
    fill_cart(client, bread, novel)
    html = client.get("/panier/").content.decode()
    assert "Boulangerie du Coin" in html and "Librairie des Halles" in html
    assert "prêt " in html
    assert "Valider mon panier" in html


def test_double_submitted_checkout_form_makes_one_checkout(client, bread, novel):
    fill_cart(client, bread, novel)
    _html, fields = checkout_form(client)
    form = {**fields, **GUEST, "payment_method": "on_fulfilment"}
    first = client.post("/commandes/valider/", form)
    second = client.post("/commandes/valider/", form)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Checkout.objects.count() == 1
    assert Order.objects.count() == 2
    confirmation = client.get(first["Location"]).content.decode()
    assert "Merci, votre commande est envoyée" in confirmation
    assert "<svg" in confirmation  # the pickup QR code
    for order in Order.objects.all():
        assert order.pickup_code in confirmation


def test_forged_price_in_the_form_is_refused(client, bread):
    fill_cart(client, bread)
    _html, fields = checkout_form(client)
    fields[f"price-{bread.pk}"] = "1"
    response = client.post(
        "/commandes/valider/", {**fields, **GUEST, "payment_method": "on_fulfilment"}
    )
    assert response.status_code == 302 and response["Location"] == "/panier/"
    assert Order.objects.count() == 0
    assert Offer.objects.get(pk=bread.pk).stock == 20
    page = client.get("/panier/").content.decode()
    assert "Le prix de « Pain de campagne » est de 3,20" in page


def test_guest_must_give_email_and_phone(client, bread):
    fill_cart(client, bread)
    _html, fields = checkout_form(client)
    response = client.post("/commandes/valider/", {**fields, "payment_method": "on_fulfilment"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"email", "phone"}
    assert Order.objects.count() == 0


def test_orders_page_detail_cancel_and_reorder(client, bread):
    fill_cart(client, bread)
    _html, fields = checkout_form(client)
    client.post("/commandes/valider/", {**fields, **GUEST, "payment_method": "on_fulfilment"})
    order = Order.objects.get()
    listing = client.get("/commandes/").content.decode()
    assert f"Commande n° {order.pk}" in listing
    detail = client.get(f"/commandes/{order.pk}/").content.decode()
    assert order.pickup_code in detail and "Annuler la commande" in detail
    client.post(f"/commandes/{order.pk}/annuler/")
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED_BY_SHOPPER
    client.post(f"/commandes/{order.pk}/recommander/")
    assert "Pain de campagne" in client.get("/panier/").content.decode()


def test_another_browser_cannot_see_the_order(client, bread):
    from django.test import Client

    fill_cart(client, bread)
    _html, fields = checkout_form(client)
    client.post("/commandes/valider/", {**fields, **GUEST, "payment_method": "on_fulfilment"})
    order = Order.objects.get()
    assert Client().get(f"/commandes/{order.pk}/").status_code == 404
