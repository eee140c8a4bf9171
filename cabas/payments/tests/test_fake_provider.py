"""``PAYMENT_PROVIDER=fake``: the demo's local simulator, end to end without a webhook."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import pytest

from cabas.orders.models import Order, OrderStatus
from cabas.payments.models import Payment, PaymentStatus

from .helpers import card_checkout

pytestmark = pytest.mark.django_db


def test_fake_provider_pays_through_its_page_and_sends_the_browser_back(client, settings, bread):
    settings.PAYMENT_PROVIDER = "fake"
    response = card_checkout(client, bread)
    target = urlsplit(response["Location"])
    assert target.hostname == "127.0.0.1" and target.path.startswith("/pay/cs_test_")
    connection = http.client.HTTPConnection(target.hostname, target.port)
    connection.request("GET", target.path)
    page = connection.getresponse().read().decode()
    assert "Payer 6.40 EUR" in page
    connection.request("POST", target.path, body=b"", headers={"Content-Length": "0"})
    back = connection.getresponse()
    back.read()
    assert back.status == 303
    location = urlsplit(back.getheader("Location"))
    assert client.get(f"{location.path}?{location.query}").status_code == 302
    assert Payment.objects.get().status == PaymentStatus.PAID
    assert Order.objects.get().status == OrderStatus.PLACED
