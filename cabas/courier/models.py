from django.db import models
from django.utils.translation import gettext_lazy as _


class CourierZone(models.Model):
    """An area the territory's courier delivers to (La Poste postcodes), with its fee.

    The zones of one territory never share a postcode: one address, one fee.
    Each zone is applied to the shops the courier serves as a
    ``fulfilment.DeliveryZone`` (see ``CourierZoneLink``), which checkout reads.
    """

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="courier_zones"
    )
    name = models.CharField(_("nom"), max_length=80)
    postcodes = models.CharField(
        _("codes postaux"), max_length=500, help_text=_("Séparés par des espaces.")
    )
    fee_cents = models.PositiveIntegerField(_("frais de livraison (centimes)"), default=0)
    minimum_order_cents = models.PositiveIntegerField(_("commande minimum (centimes)"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("zone du coursier")
        verbose_name_plural = _("zones du coursier")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "name"], name="courier_zone_name_once"),
            models.CheckConstraint(
                condition=~models.Q(postcodes=""), name="courier_zone_has_postcodes"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def postcode_list(self) -> list[str]:
        return sorted({code for code in self.postcodes.split() if code})


class CourierShop(models.Model):
    """A shop whose home deliveries the territory's courier makes."""

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="+"
    )
    shop = models.OneToOneField("shops.Shop", on_delete=models.CASCADE, related_name="courier")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("commerce livré par le coursier")
        verbose_name_plural = _("commerces livrés par le coursier")

    def __str__(self) -> str:
        return str(self.shop)


class CourierZoneLink(models.Model):
    """The delivery zone a courier zone gives one served shop (kept in step by services)."""

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="+"
    )
    zone = models.ForeignKey(CourierZone, on_delete=models.CASCADE, related_name="links")
    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="+")
    delivery_zone = models.OneToOneField(
        "fulfilment.DeliveryZone", on_delete=models.CASCADE, related_name="courier_link"
    )

    class Meta:
        verbose_name = _("zone du coursier appliquée à un commerce")
        verbose_name_plural = _("zones du coursier appliquées aux commerces")
        constraints = [
            models.UniqueConstraint(fields=["zone", "shop"], name="courier_zone_link_once")
        ]

    def __str__(self) -> str:
        return f"{self.zone} → {self.shop}"
