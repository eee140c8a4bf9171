"""Order emails: French, HTML and text, with the pickup slot as .ics; retried when SMTP fails."""

import datetime as dt
import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.utils import timezone

from cabas.orders.models import OrderStatus
from cabas.orders.requests import CheckoutRequest, LineRequest
from cabas.orders.services import checkout_place, order_transition
from cabas.orders.tests.fixtures import GUEST, new_key
from cabas.orders.transitions import Role
from cabas.tasks.models import Task, TaskStatus
from cabas.tasks.services import tasks_drain, tasks_run_due


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            (envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=policy.default))
        )
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    return settings


def place(offer, quantity=1):
    return checkout_place(
        request=CheckoutRequest(
            idempotency_key=new_key(),
            user_id=None,
            email=GUEST["email"],
            phone=GUEST["phone"],
            name="Claire",
            lines=(LineRequest(offer.pk, quantity),),
        ),
        cart=None,
    ).checkout.orders.get()


@pytest.mark.django_db
def test_emails_go_through_a_real_smtp_server_with_the_pickup_slot(smtp_settings, bread):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_settings.EMAIL_PORT)
    controller.start()
    try:
        order = place(bread, 2)
        assert inbox.messages == []  # nothing sent before the worker runs
        assert tasks_drain() == 2
    finally:
        controller.stop()
    by_rcpt = {tuple(rcpt): message for rcpt, message in inbox.messages}
    shopper = by_rcpt[(GUEST["email"],)]
    shop = by_rcpt[("boulanger@example.org",)]
    assert shopper["Subject"].strip() == f"Commande n° {order.pk} envoyée à Boulangerie du Coin"
    assert shop["Subject"].strip() == f"Nouvelle commande n° {order.pk}"
    text = shopper.get_body(("plain",)).get_content()
    html = shopper.get_body(("html",)).get_content()
    assert "Bonjour Claire," in text and order.pickup_code in text
    assert "2 × Pain de campagne" in text and "6,40" in text
    assert '<html lang="fr">' in html and order.pickup_code in html
    [ics] = [part for part in shopper.iter_attachments() if part.get_filename() == "retrait.ics"]
    calendar = ics.get_content()
    calendar = calendar.decode() if isinstance(calendar, bytes) else calendar
    assert "BEGIN:VEVENT" in calendar
    assert f"DTSTART:{order.slot_start.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}" in calendar
    assert f"Code de retrait : {order.pickup_code}" in calendar.replace("\r\n ", "")
    assert "06 12 34 56 78".replace(" ", "") in shop.get_body(("plain",)).get_content()


@pytest.mark.django_db
def test_email_is_retried_when_smtp_is_down(smtp_settings, bread):
    order = place(bread)
    Task.objects.exclude(kwargs__recipient="shopper").delete()
    # No server listens on the port: the send fails and is rescheduled
    assert tasks_run_due(worker_id="w") == 1
    task = Task.objects.get()
    assert (task.status, task.attempts) == (TaskStatus.QUEUED, 1)
    assert "Connection refused" in task.last_error or "ConnectionRefused" in task.last_error
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_settings.EMAIL_PORT)
    controller.start()
    try:
        assert tasks_run_due(worker_id="w", now=task.run_after + dt.timedelta(seconds=1)) == 1
    finally:
        controller.stop()
    assert Task.objects.get().status == TaskStatus.DONE
    assert [rcpt for rcpt, _message in inbox.messages] == [[GUEST["email"]]]
    assert str(order.pk) in inbox.messages[0][1]["Subject"]


@pytest.mark.django_db
def test_every_step_tells_the_shopper(bread, mailoutbox):
    order = place(bread)
    for status in (OrderStatus.ACCEPTED, OrderStatus.READY, OrderStatus.COLLECTED):
        order_transition(order_id=order.pk, to_status=status, role=Role.SHOP, shop_id=order.shop_id)
    tasks_drain(now=timezone.now() + dt.timedelta(seconds=1))
    subjects = [message.subject for message in mail.outbox]
    assert subjects == [
        f"Commande n° {order.pk} envoyée à Boulangerie du Coin",
        f"Nouvelle commande n° {order.pk}",
        f"Boulangerie du Coin a accepté votre commande n° {order.pk}",
        f"Votre commande n° {order.pk} est prête",
        "Merci pour votre achat chez Boulangerie du Coin",
    ]
    ready = mail.outbox[3]
    assert [a[0] for a in ready.attachments] == ["retrait.ics"]
    assert ready.alternatives[0][1] == "text/html"


@pytest.mark.django_db
def test_shopper_cancellation_tells_the_shop(bread, mailoutbox):
    order = place(bread)
    tasks_drain()
    mail.outbox.clear()
    order_transition(
        order_id=order.pk, to_status=OrderStatus.CANCELLED_BY_SHOPPER, role=Role.SHOPPER
    )
    tasks_drain()
    assert sorted(m.to[0] for m in mail.outbox) == ["boulanger@example.org", GUEST["email"]]
