"""Online payments: record, open at the provider, confirm once, settle shops, expire.

Invariants kept here:
- one payment is confirmed once: the browser return and the webhook both go through
  ``payment_confirm`` on the locked payment row; whichever comes second finds it paid
  and changes nothing (one ledger posting, one set of transfers, one card issued);
- a webhook event id is stored once (unique): a replay is acknowledged, changes nothing;
- no network call runs inside a database transaction: sessions, transfers and refunds
  are called before or after the short locked writes (transfers and refunds from tasks);
- the card money is booked balanced: external payments → each shop's receivable (the
  order's share less the commission) + the platform's commission; a transfer sent then
  moves the shop's receivable out (paid out);
- orders of an unpaid checkout stay ``awaiting_payment`` (hidden from shops, no email)
  and expire after ``PAYMENT_TIMEOUT``, giving back the stock and the slots.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cabas.accounts.models import User
from cabas.ledger.models import Account, AccountKind
from cabas.ledger.services import account_open, ledger_post
from cabas.orders.models import Checkout, Order, OrderStatus
from cabas.orders.services import order_transition
from cabas.orders.transitions import Role
from cabas.shops.models import Shop, ShopStatus
from cabas.tasks.services import task_enqueue
from cabas.territories.models import Territory
from cabas.vouchers.errors import VoucherError
from cabas.vouchers.models import ProgrammeParticipant, ProgrammeStatus, VoucherProgramme
from cabas.vouchers.selectors import programme_budget_remaining
from cabas.vouchers.services import EXTERNAL_PAYMENTS, gift_card_issue, voucher_purchase

from .errors import PaymentError, WebhookError
from .locks import lock_payment, lock_transfer
from .models import (
    CardRefund,
    OnlinePurchase,
    Payment,
    PaymentEvent,
    PaymentStatus,
    PaymentTransfer,
    PurchaseKind,
    ShopPaymentAccount,
    TransferStatus,
    WebhookEvent,
)
from .refunds import EXTERNAL_PAYOUTS, payment_for_refund_event, refund_event_apply
from .registry import gateway
from .transitions import can_move

PAYMENT_TIMEOUT = dt.timedelta(minutes=30)
EXPIRE_TASK = "payments.expire"
TRANSFER_TASK = "payments.transfer"
REFUND_TASK = "payments.refund"
PURCHASE_EMAIL_TASK = "payments.purchase_email"
GIFT_CARD_MIN_CENTS = 1_000
GIFT_CARD_MAX_CENTS = 50_000
VOUCHER_MIN_CENTS = 1_000
VOUCHER_MAX_CENTS = 50_000
PAID_EVENTS = {"checkout.session.completed", "checkout.session.async_payment_succeeded"}
FAILED_EVENTS = {"checkout.session.expired", "checkout.session.async_payment_failed"}
REFUND_EVENTS = {"charge.refunded", "refund.created", "refund.updated"}


# -- recording a payment (inside the caller's transaction) --------------------------------
def _payment_create(
    *,
    territory_id: int,
    provider: str,
    amount_cents: int,
    currency: str,
    checkout: Checkout | None = None,
    purchase: OnlinePurchase | None = None,
) -> Payment:
    payment = Payment.objects.create(
        territory_id=territory_id,
        checkout=checkout,
        purchase=purchase,
        provider=provider,
        amount_cents=amount_cents,
        currency=currency,
        access_token=secrets.token_urlsafe(32),
    )
    PaymentEvent.objects.create(
        territory_id=territory_id, payment=payment, to_status=payment.status, source="start"
    )
    # Unpaid after the timeout: the orders are cancelled and the goods go back.
    task_enqueue(
        name=EXPIRE_TASK,
        kwargs={"payment_id": payment.pk},
        territory_id=territory_id,
        delay=PAYMENT_TIMEOUT,
    )
    return payment


def payment_create_for_checkout(*, checkout: Checkout, provider: str, amount_cents: int) -> Payment:
    """The checkout's pending card payment; called in the checkout's transaction."""
    return _payment_create(
        territory_id=checkout.territory_id,
        provider=provider,
        amount_cents=amount_cents,
        currency=checkout.currency,
        checkout=checkout,
    )


def _provider_or_refuse() -> str:
    found = gateway()
    if found is None:
        raise PaymentError(
            "online_payment_unavailable",
            _("Le paiement en ligne n'est pas disponible sur ce territoire."),
            status=409,
        )
    return found.name


def _amount(value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise PaymentError(
            "invalid_amount",
            _("Le montant doit être compris entre %(low)s et %(high)s euros.")
            % {"low": low // 100, "high": high // 100},
            {"min_cents": low, "max_cents": high},
        )
    return value


def _email(value: object, *, field: str, required: bool) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text and not required:
        return ""
    if not text or "@" not in text or len(text) > 254 or any(c.isspace() for c in text):
        raise PaymentError(
            "invalid_email",
            _("L'adresse e-mail « %(field)s » est invalide.") % {"field": field},
            {"field": field},
        )
    return text


def purchase_gift_card_start(
    *,
    territory: Territory,
    amount_cents: int,
    buyer_email: str,
    shop: Shop | None = None,
    recipient_email: str = "",
    message: str = "",
    user: User | None = None,
) -> Payment:
    """Record a gift card purchase and its pending payment; the card is issued once paid."""
    provider = _provider_or_refuse()
    amount = _amount(amount_cents, GIFT_CARD_MIN_CENTS, GIFT_CARD_MAX_CENTS)
    buyer = _email(buyer_email, field=_("votre e-mail"), required=True)
    recipient = _email(recipient_email, field=_("e-mail du bénéficiaire"), required=False)
    if shop is not None and (
        shop.territory_id != territory.pk or shop.status != ShopStatus.APPROVED
    ):
        raise PaymentError("shop_unavailable", _("Ce commerce ne propose pas de carte cadeau ici."))
    if not isinstance(message, str) or len(message) > 500:
        raise PaymentError("message_too_long", _("Le message est limité à 500 caractères."))
    with transaction.atomic():
        purchase = OnlinePurchase.objects.create(
            territory=territory,
            kind=PurchaseKind.GIFT_CARD,
            amount_cents=amount,
            currency=territory.currency,
            buyer_email=buyer,
            user=user,
            shop=shop,
            recipient_email=recipient,
            message=message.strip(),
            access_token=secrets.token_urlsafe(32),
        )
        return _payment_create(
            territory_id=territory.pk,
            provider=provider,
            amount_cents=amount,
            currency=territory.currency,
            purchase=purchase,
        )


@dataclass(frozen=True)
class VoucherQuote:
    amount_cents: int
    match_cents: int
    remaining_cap_cents: int


def voucher_quote(
    *, programme: VoucherProgramme, user: User | None, amount_cents: int
) -> VoucherQuote:
    """What the funder would add to ``amount_cents`` for this person now (cap applied)."""
    received = 0
    if user is not None:
        received = (
            ProgrammeParticipant.objects.filter(programme=programme, user=user)
            .values_list("matched_cents", flat=True)
            .first()
            or 0
        )
    remaining = max(programme.cap_per_person_cents - received, 0)
    match = min(amount_cents * programme.match_rate_bp // 10_000, remaining)
    return VoucherQuote(amount_cents, match, remaining)


def purchase_voucher_start(
    *, programme: VoucherProgramme, user: User, amount_cents: int, now: dt.datetime
) -> Payment:
    """Record a voucher purchase and its pending payment; the voucher is issued once paid.

    The programme, the cap and the budget are checked now so the shopper is not sent
    to pay for a match that cannot be given; they are checked again, on locked rows,
    when the payment is confirmed (``voucher_purchase``), and a refusal then refunds.
    """
    provider = _provider_or_refuse()
    amount = _amount(amount_cents, VOUCHER_MIN_CENTS, VOUCHER_MAX_CENTS)
    if programme.status != ProgrammeStatus.ACTIVE or not (
        programme.valid_from <= now < programme.valid_until
    ):
        raise PaymentError("programme_closed", _("Ce programme n'est pas ouvert à l'achat."))
    quote = voucher_quote(programme=programme, user=user, amount_cents=amount)
    if quote.match_cents > programme_budget_remaining(programme):
        raise PaymentError(
            "budget_exhausted", _("Le budget de ce programme ne permet plus cet abondement.")
        )
    with transaction.atomic():
        purchase = OnlinePurchase.objects.create(
            territory_id=programme.territory_id,
            kind=PurchaseKind.VOUCHER,
            amount_cents=amount,
            currency=programme.territory.currency,
            buyer_email=user.email,
            user=user,
            programme=programme,
            access_token=secrets.token_urlsafe(32),
        )
        return _payment_create(
            territory_id=programme.territory_id,
            provider=provider,
            amount_cents=amount,
            currency=programme.territory.currency,
            purchase=purchase,
        )


# -- at the provider (network; never inside a transaction) -------------------------------
def payment_redirect_url(
    *, payment: Payment, success_url: str, cancel_url: str, description: str
) -> str:
    """The provider's payment page for ``payment``, opening the session the first time.

    The session is created with an idempotency key per payment, so a double click or a
    retry after a lost answer gets the same session back.
    """
    if payment.status != PaymentStatus.PENDING:
        raise PaymentError(
            "payment_not_pending", _("Ce paiement n'est plus en attente."), status=409
        )
    if payment.redirect_url:
        return payment.redirect_url
    found = gateway()
    if found is None:
        raise PaymentError(
            "online_payment_unavailable",
            _("Le paiement en ligne n'est pas disponible sur ce territoire."),
            status=409,
        )
    email = payment.checkout.email if payment.checkout_id else payment.purchase.buyer_email  # type: ignore[union-attr]
    opened = found.open_session(
        payment_id=payment.pk,
        amount_cents=payment.amount_cents,
        currency=payment.currency,
        description=description,
        customer_email=email,
        success_url=success_url,
        cancel_url=cancel_url,
        transfer_group=_transfer_group(payment),
        idempotency_key=f"cabas-payment-{payment.pk}",
    )
    Payment.objects.filter(pk=payment.pk, provider_reference__isnull=True).update(
        provider_reference=opened.reference, redirect_url=opened.url, updated_at=timezone.now()
    )
    payment.provider_reference, payment.redirect_url = opened.reference, opened.url
    return opened.url


def _transfer_group(payment: Payment) -> str:
    if payment.checkout_id:
        return f"checkout:{payment.checkout_id}"
    return f"purchase:{payment.purchase_id}"


def payment_refresh(*, payment: Payment, source: str) -> Payment:
    """Ask the provider where the session stands and confirm the payment if it is paid."""
    found = gateway()
    if payment.status != PaymentStatus.PENDING or not payment.provider_reference or found is None:
        return payment
    state = found.fetch_session(payment.provider_reference)
    if state.paid:
        return payment_confirm(
            payment_id=payment.pk, provider_payment_id=state.payment_id, source=source
        )
    return payment


# -- confirming once -----------------------------------------------------------------------
def _move(payment: Payment, to_status: str, source: str) -> None:
    if not can_move(payment.status, to_status):
        raise PaymentError(
            "illegal_transition",
            _("Un paiement ne passe pas de « %(from)s » à « %(to)s ».")
            % {
                "from": PaymentStatus(payment.status).label,
                "to": PaymentStatus(to_status).label,
            },
            status=409,
        )
    PaymentEvent.objects.create(
        territory_id=payment.territory_id,
        payment=payment,
        from_status=payment.status,
        to_status=to_status,
        source=source,
    )
    payment.status = to_status


def payment_confirm(*, payment_id: int, provider_payment_id: str, source: str) -> Payment:
    """Mark the payment paid and settle what it paid for, exactly once.

    On the locked row: a paid payment is left alone (the second of a return and a
    webhook); a payment that had expired is marked ``paid_late`` and refunded.
    """
    with transaction.atomic():
        payment = lock_payment(payment_id)
        if payment.status in {PaymentStatus.PAID, PaymentStatus.REFUNDED} or payment.paid_late:
            return payment
        payment.provider_payment_id = provider_payment_id[:255]
        if payment.status == PaymentStatus.FAILED:
            payment.paid_late = True
            payment.save(update_fields=["paid_late", "provider_payment_id", "updated_at"])
            task_enqueue(
                name=REFUND_TASK,
                kwargs={"payment_id": payment.pk},
                territory_id=payment.territory_id,
            )
            return payment
        _move(payment, PaymentStatus.PAID, source)
        payment.save(update_fields=["status", "provider_payment_id", "updated_at"])
        if payment.checkout_id:
            _settle_checkout(payment)
        else:
            _issue_purchase(payment)
    return payment


def _shares(amount: int, orders: list[Order]) -> list[int]:
    """``amount`` split over the orders: each order's part left after vouchers and points
    (``due_cents``), or in proportion to it should they differ (largest remainder)."""
    dues = [order.due_cents for order in orders]
    total = sum(dues)
    if amount == total or total == 0:
        return dues if amount == total else [0] * len(orders)
    raw = [(amount * due, i) for i, due in enumerate(dues)]
    shares = [value // total for value, _i in raw]
    leftover = amount - sum(shares)
    for _value, i in sorted(raw, key=lambda item: (-(item[0] % total), item[1]))[:leftover]:
        shares[i] += 1
    return shares


def card_fee(*, commission_cents: int, card_share_cents: int) -> int:
    """The commission taken from an order's card share as the application fee.

    Rule (docs/payments.md): the commission is on the order's total, whatever paid it;
    it is withheld from the card transfer, up to the card share. What the card share
    cannot cover (a voucher paid most of the order) stays owed by the merchant and is
    netted on the settlement statement.
    """
    return max(0, min(commission_cents, card_share_cents))


def _settle_checkout(payment: Payment) -> None:
    assert payment.checkout_id is not None
    checkout = Checkout.objects.select_related("territory").get(pk=payment.checkout_id)
    orders = list(checkout.orders.select_related("shop").order_by("pk"))
    for order in orders:
        # Shops see and hear of their orders from here on.
        order_transition(order_id=order.pk, to_status=OrderStatus.PLACED, role=Role.SYSTEM)
    Checkout.objects.filter(pk=checkout.pk).update(payment_status=PaymentStatus.PAID)
    territory = checkout.territory
    accounts = {
        row.shop_id: row.stripe_account_id
        for row in ShopPaymentAccount.objects.filter(
            territory=territory, shop_id__in=[order.shop_id for order in orders]
        )
    }
    external = account_open(
        territory=territory, kind=AccountKind.EXTERNAL, owner_ref=EXTERNAL_PAYMENTS
    )
    entries: list[tuple[Account, int]] = [(external, -payment.amount_cents)]
    fees = 0
    transfers = []
    for order, share in zip(orders, _shares(payment.amount_cents, orders), strict=True):
        if share <= 0:
            continue
        fee = card_fee(commission_cents=order.commission_cents, card_share_cents=share)
        fees += fee
        if share - fee > 0:
            receivable = account_open(
                territory=territory,
                kind=AccountKind.MERCHANT_RECEIVABLE,
                owner_ref=f"shop:{order.shop_id}",
            )
            entries.append((receivable, share - fee))
        # One row per order paid by card, even when all of it is commission: it is the
        # record of the fee withheld (statements) and of what a refusal gives back.
        transfers.append(
            PaymentTransfer(
                territory=territory,
                payment=payment,
                order=order,
                shop_id=order.shop_id,
                connected_account_id=accounts.get(order.shop_id, ""),
                amount_cents=share - fee,
                application_fee_cents=fee,
                status=TransferStatus.PENDING if share - fee > 0 else TransferStatus.NOTHING_DUE,
            )
        )
    if fees:
        entries.append(
            (account_open(territory=territory, kind=AccountKind.PLATFORM_COMMISSION), fees)
        )
    ledger_post(
        territory=territory,
        kind="card_payment",
        entries=entries,
        reference=f"payment:{payment.pk}",
        idempotency_key=f"payment:{payment.pk}:paid",
    )
    for transfer in PaymentTransfer.objects.bulk_create(transfers):
        if transfer.status == TransferStatus.PENDING:
            task_enqueue(
                name=TRANSFER_TASK, kwargs={"transfer_id": transfer.pk}, territory_id=territory.pk
            )


def _issue_purchase(payment: Payment) -> None:
    assert payment.purchase_id is not None
    purchase = OnlinePurchase.objects.select_related("territory", "programme", "user", "shop").get(
        pk=payment.purchase_id
    )
    try:
        with transaction.atomic():
            if purchase.kind == PurchaseKind.GIFT_CARD:
                purchase.gift_card = gift_card_issue(
                    territory=purchase.territory,
                    amount_cents=purchase.amount_cents,
                    shop=purchase.shop,
                    buyer_email=purchase.buyer_email,
                )
            else:
                assert purchase.programme is not None and purchase.user is not None
                purchase.voucher = voucher_purchase(
                    programme=purchase.programme,
                    user=purchase.user,
                    amount_cents=purchase.amount_cents,
                    now=timezone.now(),
                )
            purchase.save(update_fields=["gift_card", "voucher"])
    except VoucherError as error:
        # Paid, but the programme closed or its budget ran out meanwhile: give it back.
        OnlinePurchase.objects.filter(pk=purchase.pk).update(issue_error=error.code[:200])
        task_enqueue(
            name=REFUND_TASK, kwargs={"payment_id": payment.pk}, territory_id=payment.territory_id
        )
        return
    task_enqueue(
        name=PURCHASE_EMAIL_TASK,
        kwargs={"purchase_id": purchase.pk},
        territory_id=purchase.territory_id,
    )


def payment_fail(*, payment_id: int, source: str) -> Payment:
    """Give up on a pending payment: its orders expire (stock and slots come back)."""
    with transaction.atomic():
        payment = lock_payment(payment_id)
        if payment.status != PaymentStatus.PENDING:
            return payment
        _move(payment, PaymentStatus.FAILED, source)
        payment.save(update_fields=["status", "updated_at"])
        if payment.checkout_id:
            order_ids = Order.objects.filter(
                checkout_id=payment.checkout_id, status=OrderStatus.AWAITING_PAYMENT
            ).values_list("pk", flat=True)
            for order_id in sorted(order_ids):
                order_transition(
                    order_id=order_id, to_status=OrderStatus.PAYMENT_EXPIRED, role=Role.SYSTEM
                )
            Checkout.objects.filter(pk=payment.checkout_id).update(
                payment_status=PaymentStatus.FAILED
            )
    return payment


def payment_expire(*, payment_id: int) -> Payment | None:
    """The timeout of a pending payment: closed at the provider, then failed here.

    If the shopper paid in the last moment, the provider says so and it is confirmed.
    """
    payment = Payment.objects.filter(pk=payment_id).first()
    if payment is None or payment.status != PaymentStatus.PENDING:
        return payment
    found = gateway()
    if found is not None and payment.provider_reference:
        state = found.expire_session(payment.provider_reference)
        if state.paid:
            return payment_confirm(
                payment_id=payment.pk, provider_payment_id=state.payment_id, source="expiry"
            )
    return payment_fail(payment_id=payment.pk, source="expiry")


# -- after the payment: transfers and refunds (from tasks) --------------------------------
def _transfer_claim(transfer_id: int) -> PaymentTransfer | None:
    """On the locked row: the transfer to send now (marked ``sending``), or None.

    A refund opened for the order cancels a transfer that has not left; a transfer
    already ``sending`` (a retried task) is sent again under the same idempotency key.
    """
    with transaction.atomic():
        transfer = lock_transfer(transfer_id)
        if transfer.status not in {TransferStatus.PENDING, TransferStatus.SENDING}:
            return None
        pending = transfer.status == TransferStatus.PENDING
        if pending and CardRefund.objects.filter(order_id=transfer.order_id).exists():
            transfer.status = TransferStatus.CANCELLED
            transfer.save(update_fields=["status", "updated_at"])
            return None
        destination = transfer.connected_account_id or (
            ShopPaymentAccount.objects.filter(shop_id=transfer.shop_id)
            .values_list("stripe_account_id", flat=True)
            .first()
            or ""
        )
        if not destination:
            # Stays owed in the shop's receivable; the operator pays it out by other means.
            transfer.status = TransferStatus.FAILED
            transfer.last_error = "no_connected_account"
            transfer.save(update_fields=["status", "last_error", "updated_at"])
            return None
        transfer.status = TransferStatus.SENDING
        transfer.connected_account_id = destination
        transfer.save(update_fields=["status", "connected_account_id", "updated_at"])
        return transfer


def transfer_send(*, transfer_id: int) -> PaymentTransfer:
    """Pay the shop its share through the provider, once (idempotency key per transfer).

    Claimed on the locked row first (``sending``), so a refusal arriving meanwhile waits
    for the transfer to be recorded, then reverses it; never a transfer sent and lost.
    """
    transfer = _transfer_claim(transfer_id)
    if transfer is None:
        return PaymentTransfer.objects.get(pk=transfer_id)
    found = gateway()
    if found is None:
        raise PaymentError("online_payment_unavailable", "No payment provider is configured.")
    payment = Payment.objects.get(pk=transfer.payment_id)
    if not payment.provider_charge_id and payment.provider_payment_id:
        charge = found.charge_of(payment.provider_payment_id)
        Payment.objects.filter(pk=payment.pk).update(provider_charge_id=charge)
        payment.provider_charge_id = charge
    provider_id = found.transfer(
        amount_cents=transfer.amount_cents,
        currency=payment.currency,
        destination=transfer.connected_account_id,
        transfer_group=_transfer_group(payment),
        source_transaction=payment.provider_charge_id,
        idempotency_key=f"cabas-transfer-{transfer.pk}",
        metadata={"order_id": str(transfer.order_id), "payment_id": str(payment.pk)},
    )
    with transaction.atomic():
        transfer = lock_transfer(transfer_id)
        if transfer.status == TransferStatus.SENDING:
            transfer.status = TransferStatus.SENT
            transfer.provider_transfer_id = provider_id
            transfer.sent_at = timezone.now()
            transfer.last_error = ""
            transfer.save(
                update_fields=[
                    "status",
                    "provider_transfer_id",
                    "sent_at",
                    "last_error",
                    "updated_at",
                ]
            )
            territory = Territory.objects.get(pk=transfer.territory_id)
            ledger_post(
                territory=territory,
                kind="card_transfer",
                entries=[
                    (
                        account_open(
                            territory=territory,
                            kind=AccountKind.MERCHANT_RECEIVABLE,
                            owner_ref=f"shop:{transfer.shop_id}",
                        ),
                        -transfer.amount_cents,
                    ),
                    (
                        account_open(
                            territory=territory,
                            kind=AccountKind.EXTERNAL,
                            owner_ref=EXTERNAL_PAYOUTS,
                        ),
                        transfer.amount_cents,
                    ),
                ],
                reference=f"transfer:{transfer.pk}",
                idempotency_key=f"transfer:{transfer.pk}:sent",
            )
    return transfer


def payment_refund(*, payment_id: int) -> Payment:
    """Give back money that bought nothing (paid after expiry, or a card not issued)."""
    payment = Payment.objects.get(pk=payment_id)
    if payment.status == PaymentStatus.REFUNDED:
        return payment
    found = gateway()
    if found is None:
        raise PaymentError("online_payment_unavailable", "No payment provider is configured.")
    found.refund(
        payment_id=payment.provider_payment_id, idempotency_key=f"cabas-refund-{payment.pk}"
    )
    with transaction.atomic():
        payment = lock_payment(payment_id)
        if payment.status != PaymentStatus.REFUNDED:
            _move(payment, PaymentStatus.REFUNDED, "refund")
            payment.save(update_fields=["status", "updated_at"])
    return payment


# -- webhooks -------------------------------------------------------------------------------
def _payment_for(session: dict[str, Any]) -> Payment | None:
    reference = session.get("id")
    if isinstance(reference, str) and reference:
        found = Payment.objects.filter(provider_reference=reference).first()
        if found is not None:
            return found
    metadata = session.get("metadata") or {}
    payment_id = metadata.get("payment_id") if isinstance(metadata, dict) else None
    if isinstance(payment_id, str) and payment_id.isdigit():
        return Payment.objects.filter(pk=int(payment_id)).first()
    return None


def webhook_receive(*, payload: bytes, signature: str, now: float | None = None) -> str:
    """Verify and apply one provider event; answers ``processed``, ``replayed`` or ``ignored``.

    A bad, missing or stale signature raises ``WebhookError`` before anything is read
    or written. The event id is stored in the same transaction as its effect, so a
    replay (even a concurrent one) is acknowledged and changes nothing.
    """
    found = gateway()
    if found is None:
        raise WebhookError(
            "online_payment_unavailable",
            _("Le paiement en ligne n'est pas configuré ici."),
            status=404,
        )
    event = found.parse_webhook(payload=payload, signature=signature, now=now)
    data = event.get("data")
    session = data.get("object") if isinstance(data, dict) else None
    session = session if isinstance(session, dict) else {}
    event_type = str(event.get("type", ""))[:100]
    kind = session.get("object")
    payment = None
    if kind == "checkout.session":
        payment = _payment_for(session)
    elif kind in {"charge", "refund"}:
        payment = payment_for_refund_event(session)
    with transaction.atomic():
        try:
            with transaction.atomic():
                WebhookEvent.objects.create(
                    provider=found.name,
                    event_id=str(event["id"])[:255],
                    event_type=event_type,
                    territory_id=payment.territory_id if payment else None,
                    payment=payment,
                )
        except IntegrityError:
            return "replayed"
        if payment is None:
            return "ignored"
        if event_type in PAID_EVENTS and session.get("payment_status") == "paid":
            intent = session.get("payment_intent")
            payment_confirm(
                payment_id=payment.pk,
                provider_payment_id=intent if isinstance(intent, str) else "",
                source="webhook",
            )
            return "processed"
        if event_type in FAILED_EVENTS:
            payment_fail(payment_id=payment.pk, source="webhook")
            return "processed"
        if event_type in REFUND_EVENTS and refund_event_apply(payment=payment, obj=session):
            return "processed"
    return "ignored"


def shop_payment_account_set(*, shop: Shop, stripe_account_id: str) -> ShopPaymentAccount:
    """The operator records the shop's connected account (``acct_…``, or empty to remove)."""
    value = (stripe_account_id or "").strip()
    if value and not (value.startswith("acct_") and value[5:].isalnum() and 6 <= len(value) <= 255):
        raise PaymentError(
            "invalid_account_id",
            _("L'identifiant de compte Stripe Connect commence par « acct_ » (ex. acct_1A2b3C)."),
        )
    account, _created = ShopPaymentAccount.objects.update_or_create(
        shop=shop, defaults={"territory_id": shop.territory_id, "stripe_account_id": value}
    )
    return account
