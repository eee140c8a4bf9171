"""Payment tasks run by the queue worker; a provider error raises and is retried."""

from __future__ import annotations

import io
import logging

import segno
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from cabas.money import format_money
from cabas.tasks.registry import task
from cabas.vouchers.codes import code_display, code_qr_payload

from .models import OnlinePurchase
from .refunds import CARD_REFUND_TASK, card_refund_send
from .services import (
    EXPIRE_TASK,
    PURCHASE_EMAIL_TASK,
    REFUND_TASK,
    TRANSFER_TASK,
    payment_expire,
    payment_refund,
    transfer_send,
)

logger = logging.getLogger("cabas.payments")


@task(EXPIRE_TASK, max_attempts=12)
def expire(*, payment_id: int) -> None:
    payment_expire(payment_id=payment_id)


@task(TRANSFER_TASK, max_attempts=12)
def transfer(*, transfer_id: int) -> None:
    transfer_send(transfer_id=transfer_id)


@task(REFUND_TASK, max_attempts=12)
def refund(*, payment_id: int) -> None:
    payment_refund(payment_id=payment_id)


@task(CARD_REFUND_TASK, max_attempts=12)
def card_refund(*, refund_id: int) -> None:
    card_refund_send(refund_id=refund_id)


@task(PURCHASE_EMAIL_TASK, max_attempts=10)
def purchase_email(*, purchase_id: int) -> None:
    """The code and its QR code, to the buyer (and the recipient of a gift card)."""
    purchase = OnlinePurchase.objects.select_related(
        "territory", "shop", "programme", "gift_card", "voucher"
    ).get(pk=purchase_id)
    card = purchase.gift_card or purchase.voucher
    if card is None:
        logger.info("Purchase %s: nothing issued, no email.", purchase_id)
        return
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    path = reverse("payments:purchase", args=[purchase.territory.slug, purchase.access_token])
    with translation.override("fr"):
        context = {
            "purchase": purchase,
            "territory": purchase.territory,
            "code": code_display(card.code),
            "amount": format_money(
                purchase.amount_cents + (purchase.voucher.matched_cents if purchase.voucher else 0),
                purchase.currency,
            ),
            "expires_at": card.expires_at,
            "url": f"{base}{path}" if base else "",
        }
        subject = render_to_string("payments/email/purchase_subject.txt", context).strip()
        body = render_to_string("payments/email/purchase.txt", context)
        recipients = [purchase.buyer_email]
        if purchase.recipient_email and purchase.recipient_email != purchase.buyer_email:
            recipients.append(purchase.recipient_email)
        email = EmailMultiAlternatives(
            subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=recipients
        )
        qr = segno.make(code_qr_payload(card.code), error="m")
        out = io.BytesIO()
        qr.save(out, kind="png", scale=6)
        email.attach("code.png", out.getvalue(), "image/png")
        email.send(fail_silently=False)
