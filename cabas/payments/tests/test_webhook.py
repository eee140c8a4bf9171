"""The Stripe webhook: signature checked, each event applied once, racing the browser return."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from cabas.ledger.models import LedgerTransaction
from cabas.orders.models import Order, OrderStatus
from cabas.payments.models import Payment, PaymentStatus, PaymentTransfer, WebhookEvent
from cabas.tasks.models import Task
from cabas.testing.concurrency import run_in_threads

from .helpers import WEBHOOK_URL, card_checkout, post_webhook, session_id_from


def _paid_session(client, fake, *offers):
    response = card_checkout(client, *offers)
    session_id = session_id_from(response["Location"], fake)
    fake.complete(session_id)
    return session_id, Payment.objects.get()


@pytest.mark.django_db
def test_signed_completed_event_confirms_the_payment(client, stripe_on, bread):
    session_id, payment = _paid_session(client, stripe_on, bread)
    response = post_webhook(stripe_on.event("checkout.session.completed", session_id))
    assert response.status_code == 200
    assert response.json() == {"received": True, "result": "processed"}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert payment.provider_payment_id.startswith("pi_")
    assert Order.objects.get().status == OrderStatus.PLACED
    assert LedgerTransaction.objects.filter(kind="card_payment").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("header", "code"),
    [
        (None, "signature_missing"),
        ("v1=abc", "signature_malformed"),
        ("t=notanumber,v1=abc", "signature_malformed"),
        ("wrong-secret", "signature_invalid"),
        ("old", "signature_expired"),
        ("tampered", "signature_invalid"),
    ],
)
def test_bad_signatures_get_a_specific_error_and_write_nothing(
    client, stripe_on, bread, header, code
):
    session_id, _payment = _paid_session(client, stripe_on, bread)
    event = stripe_on.event("checkout.session.completed", session_id)
    if header == "wrong-secret":
        response = post_webhook(event, secret="whsec_forged")
    elif header == "old":
        # A genuine event captured and replayed ten minutes later
        response = post_webhook(event, timestamp=int(time.time()) - 600)
    else:
        payload, signed = stripe_on.signed(event, "whsec_test_cabas")
        if header == "tampered":
            payload = payload.replace(b'"paid"', b'"PAID"', 1)
        extra = (
            {}
            if header is None
            else {"HTTP_STRIPE_SIGNATURE": signed if header == "tampered" else header}
        )
        response = Client().post(
            WEBHOOK_URL, data=payload, content_type="application/json", **extra
        )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]
    assert not WebhookEvent.objects.exists()
    assert not LedgerTransaction.objects.exists()
    assert Payment.objects.get().status == PaymentStatus.PENDING
    assert Order.objects.get().status == OrderStatus.AWAITING_PAYMENT


@pytest.mark.django_db
def test_replayed_event_is_acknowledged_and_changes_nothing(client, stripe_on, bread):
    session_id, _payment = _paid_session(client, stripe_on, bread)
    event = stripe_on.event("checkout.session.completed", session_id)
    first = post_webhook(event)
    again = post_webhook(event)  # same event id, freshly signed: a provider retry
    assert first.json()["result"] == "processed"
    assert again.status_code == 200 and again.json()["result"] == "replayed"
    assert WebhookEvent.objects.count() == 1
    assert LedgerTransaction.objects.filter(kind="card_payment").count() == 1
    assert PaymentTransfer.objects.count() == 1
    assert Task.objects.filter(name="notifications.order_email").count() == 2


@pytest.mark.django_db
def test_expired_event_cancels_the_orders(client, stripe_on, bread):
    response = card_checkout(client, bread)
    session_id = session_id_from(response["Location"], stripe_on)
    stripe_on.sessions[session_id]["status"] = "expired"
    result = post_webhook(stripe_on.event("checkout.session.expired", session_id))
    assert result.json()["result"] == "processed"
    assert Payment.objects.get().status == PaymentStatus.FAILED
    assert Order.objects.get().status == OrderStatus.PAYMENT_EXPIRED


@pytest.mark.django_db
def test_event_for_an_unknown_session_is_acknowledged_and_ignored(client, stripe_on):
    event = {
        "id": "evt_unknown",
        "type": "checkout.session.completed",
        "data": {"object": {"id": "cs_test_nobody", "object": "checkout.session"}},
    }
    assert post_webhook(event).json()["result"] == "ignored"
    assert not LedgerTransaction.objects.exists()


@pytest.mark.django_db
def test_webhook_without_configured_provider_is_refused(client, settings):
    settings.PAYMENT_PROVIDER = ""
    response = Client().post(WEBHOOK_URL, data=b"{}", content_type="application/json")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "online_payment_unavailable"


@pytest.mark.django_db(transaction=True)
def test_webhook_racing_the_browser_return_makes_one_payment(stripe_on, bread, territory):
    # Given a paid session, its shopper coming back and the provider's webhooks at once
    client = Client()
    session_id, payment = _paid_session(client, stripe_on, bread)
    return_url = f"/{territory.slug}/paiement/{payment.access_token}/retour/"
    events = [stripe_on.event("checkout.session.completed", session_id) for _i in range(2)]

    def work(i: int):
        if i % 2 == 0:
            return Client().get(return_url).status_code
        return post_webhook(events[i // 2]).json()["result"]

    # When two returns and two webhooks (different event ids) race
    results = run_in_threads(4, work)
    # Then exactly one payment confirmation, one posting, one set of transfers
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert results[0] == results[2] == 302
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert payment.events.filter(to_status="paid").count() == 1
    assert LedgerTransaction.objects.filter(kind="card_payment").count() == 1
    assert PaymentTransfer.objects.count() == 1
    assert Order.objects.get().status == OrderStatus.PLACED
    assert Order.objects.get().events.filter(to_status="placed").count() == 1
    assert Task.objects.filter(name="notifications.order_email").count() == 2
    assert WebhookEvent.objects.count() == 2
