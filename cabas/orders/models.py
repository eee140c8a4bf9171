from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cabas.fulfilment.models import FulfilmentMethod


class OrderStatus(models.TextChoices):
    # Paid online: hidden from the shop until the payment is confirmed.
    AWAITING_PAYMENT = "awaiting_payment", _("en attente de paiement")
    PLACED = "placed", _("passée")
    ACCEPTED = "accepted", _("acceptée")
    READY = "ready", _("prête")
    COLLECTED = "collected", _("retirée")
    OUT_FOR_DELIVERY = "out_for_delivery", _("en livraison")
    DELIVERED = "delivered", _("livrée")
    REFUSED = "refused", _("refusée par le commerce")
    CANCELLED_BY_SHOPPER = "cancelled_by_shopper", _("annulée par le client")
    CANCELLED_BY_SHOP = "cancelled_by_shop", _("annulée par le commerce")
    NO_SHOW = "no_show", _("non retirée")
    PAYMENT_EXPIRED = "payment_expired", _("non payée (expirée)")


class PaymentMethod(models.TextChoices):
    ON_PICKUP = "on_pickup", _("payer au retrait")
    ON_DELIVERY = "on_delivery", _("payer à la livraison")
    CARD = "card", _("payée en ligne par carte")


class Checkout(models.Model):
    """One submission of a cart: one idempotency key, one payment, one order per shop."""

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.PROTECT, related_name="+"
    )
    idempotency_key = models.CharField(max_length=255, unique=True)
    # Digest of the request: the same key with another request is refused.
    fingerprint = models.CharField(max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="checkouts",
    )
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("téléphone"), max_length=32)
    name = models.CharField(_("nom"), max_length=120, blank=True)
    payment_method = models.CharField(_("paiement"), max_length=32)
    payment_status = models.CharField(_("état du paiement"), max_length=32)
    total_cents = models.PositiveIntegerField(_("total (centimes)"))
    currency = models.CharField(max_length=3, default="EUR")
    # Lets a guest read their orders without an account (link in the emails).
    access_token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("validation de panier")
        verbose_name_plural = _("validations de panier")
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"Checkout {self.pk}"


class Order(models.Model):
    """One shop's part of a checkout; its status moves only through the transition table."""

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.PROTECT, related_name="+"
    )
    checkout = models.ForeignKey(Checkout, on_delete=models.PROTECT, related_name="orders")
    shop = models.ForeignKey("shops.Shop", on_delete=models.PROTECT, related_name="orders")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
    )
    status = models.CharField(
        _("statut"), max_length=24, choices=OrderStatus.choices, default=OrderStatus.PLACED
    )
    fulfilment_method = models.CharField(
        _("mode de retrait"), max_length=20, choices=FulfilmentMethod.choices
    )
    collection_point = models.ForeignKey(
        "fulfilment.CollectionPoint",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    slot_target = models.CharField(max_length=40)
    slot_start = models.DateTimeField(_("début du créneau"))
    slot_end = models.DateTimeField(_("fin du créneau"))
    delivery_address = models.CharField(_("adresse de livraison"), max_length=255, blank=True)
    delivery_postcode = models.CharField(_("code postal"), max_length=10, blank=True)
    subtotal_cents = models.PositiveIntegerField(_("sous-total (centimes)"))
    delivery_fee_cents = models.PositiveIntegerField(_("frais de livraison (centimes)"), default=0)
    total_cents = models.PositiveIntegerField(_("total (centimes)"))
    commission_bp = models.PositiveIntegerField(_("commission (points de base)"))
    commission_cents = models.PositiveIntegerField(_("commission (centimes)"))
    currency = models.CharField(max_length=3, default="EUR")
    payment_method = models.CharField(_("paiement"), max_length=16, choices=PaymentMethod.choices)
    # Paid at checkout by vouchers, gift cards and loyalty points (sum of ``tenders``).
    tendered_cents = models.PositiveIntegerField(_("réglé par chèques et points"), default=0)
    pickup_code = models.CharField(_("code de retrait"), max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("commande")
        verbose_name_plural = _("commandes")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["checkout", "shop"], name="order_one_per_shop"),
            models.CheckConstraint(
                condition=models.Q(
                    total_cents=models.F("subtotal_cents") + models.F("delivery_fee_cents")
                ),
                name="order_total_adds_up",
            ),
            models.CheckConstraint(
                condition=models.Q(commission_cents__lte=models.F("subtotal_cents")),
                name="order_commission_within_subtotal",
            ),
            models.CheckConstraint(
                condition=models.Q(slot_end__gt=models.F("slot_start")),
                name="order_slot_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(tendered_cents__lte=models.F("total_cents")),
                name="order_tendered_within_total",
            ),
        ]
        indexes = [
            models.Index(fields=["shop", "status", "slot_start"]),
            models.Index(fields=["user", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"Commande {self.pk}"

    @property
    def due_cents(self) -> int:
        """What the shopper still pays by the chosen method (the rest after tenders)."""
        return self.total_cents - self.tendered_cents


class OrderLine(models.Model):
    """What was bought, frozen: name, SKU and price as they were at checkout."""

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.PROTECT, related_name="+"
    )
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    offer = models.ForeignKey(
        "catalog.Offer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    product_name = models.CharField(_("article"), max_length=200)
    sku = models.CharField(_("référence"), max_length=64)
    unit_price_cents = models.PositiveIntegerField(_("prix unitaire (centimes)"))
    quantity = models.PositiveSmallIntegerField(_("quantité"))
    line_total_cents = models.PositiveIntegerField(_("total (centimes)"))

    class Meta:
        verbose_name = _("ligne de commande")
        verbose_name_plural = _("lignes de commande")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="order_line_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    line_total_cents=models.F("unit_price_cents") * models.F("quantity")
                ),
                name="order_line_total_adds_up",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_name}"


class OrderEvent(models.Model):
    """One move of an order's status: when, who, from, to and why."""

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.PROTECT, related_name="+"
    )
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_role = models.CharField(max_length=16)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("étape de commande")
        verbose_name_plural = _("étapes de commande")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status or '∅'} → {self.to_status}"


class TenderKind(models.TextChoices):
    VOUCHER = "voucher", _("chèque")
    GIFT_CARD = "gift_card", _("carte cadeau")
    LOYALTY = "loyalty", _("points de fidélité")


class Tender(models.Model):
    """Part of an order paid at checkout by a voucher, a gift card or loyalty points.

    ``ledger_transaction`` is the debit of the card (or of the points) into the shop's
    receivable; ``refund_transaction`` its reversal when the order is refused or
    cancelled. The rest of the order (``Order.due_cents``) is paid by the chosen method.
    """

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.PROTECT, related_name="+"
    )
    checkout = models.ForeignKey(Checkout, on_delete=models.PROTECT, related_name="tenders")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="tenders")
    kind = models.CharField(_("moyen"), max_length=16, choices=TenderKind.choices)
    amount_cents = models.PositiveIntegerField(_("montant (centimes)"))
    points = models.PositiveIntegerField(_("points utilisés"), default=0)
    code_last4 = models.CharField(_("fin du code"), max_length=4, blank=True)
    # The card's (or the shopper's points) ledger account: where a refund goes back.
    source_account = models.ForeignKey("ledger.Account", on_delete=models.PROTECT, related_name="+")
    ledger_transaction = models.ForeignKey(
        "ledger.LedgerTransaction", on_delete=models.PROTECT, related_name="+"
    )
    # Loyalty only: the points leaving the shopper's account (the money is ``ledger_transaction``).
    points_transaction = models.ForeignKey(
        "ledger.LedgerTransaction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    refund_transaction = models.ForeignKey(
        "ledger.LedgerTransaction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    refunded_at = models.DateTimeField(_("remboursé le"), null=True, blank=True)
    refund_note = models.CharField(_("note de remboursement"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("règlement par chèque, carte ou points")
        verbose_name_plural = _("règlements par chèques, cartes ou points")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_cents__gt=0), name="tender_amount_positive"
            ),
            models.UniqueConstraint(
                fields=["order", "source_account"], name="tender_one_per_source_per_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount_cents} ({self.order_id})"
