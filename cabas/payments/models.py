"""Online payments: one ``Payment`` per checkout or online purchase, its transfers to
shops, the provider's webhook events, and each shop's connected account.

Money is integer cents. A payment's status moves only through ``transitions.py``.
The provider reference is unique, and each webhook event id is stored once, so a
replayed event or a second confirmation can never pay twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("en attente")
    PAID = "paid", _("payé")
    FAILED = "failed", _("échoué")
    REFUNDED = "refunded", _("remboursé")


class PurchaseKind(models.TextChoices):
    GIFT_CARD = "gift_card", _("carte cadeau")
    VOUCHER = "voucher", _("chèque")


class OnlinePurchase(models.Model):
    """A gift card or voucher bought online; the card is issued once its payment is confirmed."""

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("nature"), max_length=16, choices=PurchaseKind.choices)
    amount_cents = models.PositiveIntegerField(_("montant (centimes)"))
    currency = models.CharField(max_length=3, default="EUR")
    buyer_email = models.EmailField(_("e-mail de l'acheteur"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    shop = models.ForeignKey(
        "shops.Shop", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    programme = models.ForeignKey(
        "vouchers.VoucherProgramme",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recipient_email = models.EmailField(_("e-mail du bénéficiaire"), blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)
    gift_card = models.OneToOneField(
        "vouchers.GiftCard", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    voucher = models.OneToOneField(
        "vouchers.Voucher", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The buyer's link to the confirmation page (no account needed for a gift card).
    access_token = models.CharField(max_length=64, unique=True)
    # Why a paid purchase could not be issued (the payment is then refunded).
    issue_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("achat en ligne")
        verbose_name_plural = _("achats en ligne")
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_cents__gt=0), name="online_purchase_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(kind="gift_card", programme__isnull=True, voucher__isnull=True)
                | Q(kind="voucher", programme__isnull=False, gift_card__isnull=True),
                name="online_purchase_kind_fits",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class Payment(models.Model):
    """What the provider is asked to collect for one checkout or one online purchase."""

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.PROTECT, related_name="+"
    )
    checkout = models.OneToOneField(
        "orders.Checkout", null=True, blank=True, on_delete=models.PROTECT, related_name="payment"
    )
    purchase = models.OneToOneField(
        OnlinePurchase, null=True, blank=True, on_delete=models.PROTECT, related_name="payment"
    )
    provider = models.CharField(_("prestataire"), max_length=32)
    # The provider's session id; set once the session is opened (after commit).
    provider_reference = models.CharField(max_length=255, null=True, blank=True, unique=True)
    # The provider's payment (PaymentIntent) and charge, known once paid.
    provider_payment_id = models.CharField(max_length=255, blank=True)
    provider_charge_id = models.CharField(max_length=255, blank=True)
    redirect_url = models.URLField(max_length=2000, blank=True)
    amount_cents = models.PositiveIntegerField(_("montant (centimes)"))
    currency = models.CharField(max_length=3, default="EUR")
    status = models.CharField(
        _("statut"), max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    # Set when the money arrived after the payment had expired: it is refunded.
    paid_late = models.BooleanField(default=False)
    access_token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("paiement")
        verbose_name_plural = _("paiements")
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(checkout__isnull=False, purchase__isnull=True)
                | Q(checkout__isnull=True, purchase__isnull=False),
                name="payment_pays_one_thing",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"Paiement {self.pk}"


class PaymentEvent(models.Model):
    """One move of a payment's status, and what caused it."""

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.PROTECT, related_name="+"
    )
    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    source = models.CharField(max_length=32)  # checkout | return | webhook | expiry | refund
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.payment_id}: {self.from_status or '∅'} → {self.to_status}"


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("à verser")
    # Claimed by the worker, the provider is being called (a retry calls it again, same key).
    SENDING = "sending", _("en cours de versement")
    SENT = "sent", _("versé")
    FAILED = "failed", _("échoué")
    # The order was refused or cancelled before the transfer left: never sent.
    CANCELLED = "cancelled", _("annulé")
    # Sent, then taken back from the shop's account (Stripe transfer reversal).
    REVERSED = "reversed", _("repris")
    # The card share was all commission: nothing to send.
    NOTHING_DUE = "nothing_due", _("rien à verser")


class PaymentTransfer(models.Model):
    """The shop's share of a card payment for one order: total − commission (the fee)."""

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.PROTECT, related_name="+"
    )
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="transfers")
    order = models.OneToOneField(
        "orders.Order", on_delete=models.PROTECT, related_name="payment_transfer"
    )
    shop = models.ForeignKey("shops.Shop", on_delete=models.PROTECT, related_name="+")
    connected_account_id = models.CharField(max_length=255, blank=True)
    amount_cents = models.PositiveIntegerField(_("montant versé (centimes)"))
    application_fee_cents = models.PositiveIntegerField(_("commission (centimes)"))
    provider_transfer_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    provider_reversal_id = models.CharField(max_length=255, blank=True)
    status = models.CharField(
        max_length=16, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    sent_at = models.DateTimeField(_("versé le"), null=True, blank=True)
    reversed_at = models.DateTimeField(_("repris le"), null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("versement")
        verbose_name_plural = _("versements")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Versement {self.pk}"


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("remboursement en cours")
    SUCCEEDED = "succeeded", _("remboursé")


class CardRefund(models.Model):
    """The card share of one refused or cancelled order, given back to the shopper.

    One per order (unique): the refusal opens it, the worker refunds exactly
    ``amount_cents`` at the provider (idempotency key per order), after taking back the
    shop's transfer if it had left, and books it once, whichever of the task and the
    ``charge.refunded`` webhook comes first.
    """

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.PROTECT, related_name="+"
    )
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    order = models.OneToOneField(
        "orders.Order", on_delete=models.PROTECT, related_name="card_refund"
    )
    transfer = models.OneToOneField(
        PaymentTransfer, on_delete=models.PROTECT, related_name="refund"
    )
    amount_cents = models.PositiveIntegerField(_("remboursé sur la carte (centimes)"))
    status = models.CharField(
        _("statut"), max_length=16, choices=RefundStatus.choices, default=RefundStatus.PENDING
    )
    provider_refund_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    ledger_transaction = models.ForeignKey(
        "ledger.LedgerTransaction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    refunded_at = models.DateTimeField(_("remboursé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("remboursement par carte")
        verbose_name_plural = _("remboursements par carte")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_cents__gt=0), name="card_refund_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"Remboursement {self.pk} (commande {self.order_id})"


class WebhookEvent(models.Model):
    """A provider event, stored once by its id: a replay is acknowledged and changes nothing."""

    provider = models.CharField(max_length=32)
    event_id = models.CharField(max_length=255)
    event_type = models.CharField(max_length=100)
    territory = models.ForeignKey(
        "territories.Territory", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.SET_NULL, related_name="webhook_events"
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "event_id"], name="payment_webhook_event_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_id}"


class ShopPaymentAccount(models.Model):
    """The shop's connected account at the provider (Stripe Connect ``acct_…``)."""

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.PROTECT, related_name="+"
    )
    shop = models.OneToOneField(
        "shops.Shop", on_delete=models.CASCADE, related_name="payment_account"
    )
    stripe_account_id = models.CharField(_("compte Stripe Connect"), max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("compte de paiement du commerce")
        verbose_name_plural = _("comptes de paiement des commerces")
        constraints = [
            models.CheckConstraint(
                condition=Q(stripe_account_id="")
                | Q(stripe_account_id__regex=r"^acct_[A-Za-z0-9]+$"),
                name="shop_payment_account_id_shape",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shop_id}: {self.stripe_account_id or '-'}"
