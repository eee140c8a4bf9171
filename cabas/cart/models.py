from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_LINE_QUANTITY = 99
MAX_CART_LINES = 100


class Cart(models.Model):
    """One shopper's basket across the shops of one territory.

    A signed-in shopper has one cart; an anonymous one is found through the
    session (``cart_id``), which survives the key change at log-in.
    ``territory`` is set by the first line and cleared when the cart empties.
    """

    territory = models.ForeignKey(
        "territories.Territory", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="carts",
    )
    delivery_address = models.CharField(_("adresse de livraison"), max_length=255, blank=True)
    delivery_postcode = models.CharField(_("code postal de livraison"), max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("panier")
        verbose_name_plural = _("paniers")
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(user__isnull=False), name="cart_one_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"Panier {self.pk}"


class CartLine(models.Model):
    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="+"
    )
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    offer = models.ForeignKey("catalog.Offer", on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveSmallIntegerField(_("quantité"))
    # The price the shopper was last shown: a change is announced before checkout.
    unit_price_cents = models.PositiveIntegerField(_("prix unitaire affiché (centimes)"))
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ligne de panier")
        verbose_name_plural = _("lignes de panier")
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "offer"], name="cart_line_offer_once"),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1, quantity__lte=MAX_LINE_QUANTITY),
                name="cart_line_quantity_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.offer_id}"


class CartShopChoice(models.Model):
    """How the shopper wants one shop's part of the cart: option and slot (None = earliest)."""

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="+"
    )
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="choices")
    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="+")
    option = models.CharField(_("mode de retrait"), max_length=100)
    slot_start = models.DateTimeField(_("créneau"), null=True, blank=True)

    class Meta:
        verbose_name = _("choix de retrait")
        verbose_name_plural = _("choix de retrait")
        constraints = [
            models.UniqueConstraint(fields=["cart", "shop"], name="cart_choice_shop_once")
        ]

    def __str__(self) -> str:
        return f"{self.cart_id}/{self.shop_id}: {self.option}"
