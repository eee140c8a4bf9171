from django.db import models
from django.utils.translation import gettext_lazy as _


class FulfilmentMethod(models.TextChoices):
    PICKUP = "pickup", _("retrait en boutique")
    COLLECTION_POINT = "collection_point", _("point de retrait")
    DELIVERY = "delivery", _("livraison à domicile")


class ShopFulfilment(models.Model):
    """How a shop hands over its orders: pickup slots and home delivery settings.

    A shop without this row starts from its territory's defaults (slot length,
    preparation time, capacity, horizon), pickup following its "click & collect"
    service flag and delivery its "delivery" flag (``selectors.default_settings``).
    """

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="+"
    )
    shop = models.OneToOneField("shops.Shop", on_delete=models.CASCADE, related_name="fulfilment")
    pickup_enabled = models.BooleanField(_("retrait en boutique"), default=True)
    slot_minutes = models.PositiveSmallIntegerField(_("durée d'un créneau (min)"), default=30)
    lead_minutes = models.PositiveIntegerField(_("délai de préparation (min)"), default=60)
    capacity_per_slot = models.PositiveSmallIntegerField(_("commandes par créneau"), default=4)
    horizon_days = models.PositiveSmallIntegerField(_("créneaux proposés (jours)"), default=7)
    delivery_enabled = models.BooleanField(_("livraison à domicile"), default=False)
    delivery_slot_minutes = models.PositiveSmallIntegerField(
        _("durée d'un créneau de livraison (min)"), default=120
    )
    delivery_capacity_per_slot = models.PositiveSmallIntegerField(
        _("livraisons par créneau"), default=4
    )

    class Meta:
        verbose_name = _("réglages de retrait et livraison")
        verbose_name_plural = _("réglages de retrait et livraison")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(slot_minutes__gte=5, slot_minutes__lte=480),
                name="shop_fulfilment_slot_length",
            ),
            models.CheckConstraint(
                condition=models.Q(delivery_slot_minutes__gte=15, delivery_slot_minutes__lte=720),
                name="shop_fulfilment_delivery_slot_length",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity_per_slot__gte=1, delivery_capacity_per_slot__gte=1),
                name="shop_fulfilment_capacity_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(horizon_days__gte=1, horizon_days__lte=14),
                name="shop_fulfilment_horizon",
            ),
            models.CheckConstraint(
                condition=models.Q(lead_minutes__lte=14 * 24 * 60),
                name="shop_fulfilment_lead_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shop}"


class DeliveryZone(models.Model):
    """An area a shop delivers to: a radius around the shop or a list of postcodes."""

    class Kind(models.TextChoices):
        RADIUS = "radius", _("rayon autour du commerce")
        POSTCODES = "postcodes", _("codes postaux")

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="+"
    )
    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="delivery_zones")
    name = models.CharField(_("nom"), max_length=80)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    radius_km = models.FloatField(_("rayon (km)"), null=True, blank=True)
    postcodes = models.CharField(
        _("codes postaux"), max_length=500, blank=True, help_text=_("Séparés par des espaces.")
    )
    fee_cents = models.PositiveIntegerField(_("frais de livraison (centimes)"), default=0)
    minimum_order_cents = models.PositiveIntegerField(_("commande minimum (centimes)"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("zone de livraison")
        verbose_name_plural = _("zones de livraison")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="radius", radius_km__gt=0)
                    | (models.Q(kind="postcodes") & ~models.Q(postcodes=""))
                ),
                name="delivery_zone_has_area",
            )
        ]

    def __str__(self) -> str:
        return f"{self.shop} — {self.name}"

    @property
    def postcode_list(self) -> set[str]:
        return {code for code in self.postcodes.replace(",", " ").split() if code}


class CollectionPoint(models.Model):
    """A territory pickup point (town hall, market hall, locker) gathering shops' orders."""

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="collection_points"
    )
    slug = models.SlugField(max_length=80)
    name = models.CharField(_("nom"), max_length=160)
    address = models.CharField(_("adresse"), max_length=255)
    postcode = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("ville"), max_length=120, blank=True)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    opening_hours = models.CharField(_("horaires (syntaxe OpenStreetMap)"), max_length=500)
    slot_minutes = models.PositiveSmallIntegerField(_("durée d'un créneau (min)"), default=60)
    lead_minutes = models.PositiveIntegerField(_("délai d'acheminement (min)"), default=120)
    capacity_per_slot = models.PositiveSmallIntegerField(_("commandes par créneau"), default=20)
    horizon_days = models.PositiveSmallIntegerField(_("créneaux proposés (jours)"), default=7)
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("point de retrait")
        verbose_name_plural = _("points de retrait")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "slug"], name="collection_point_slug_per_territory"
            ),
            models.CheckConstraint(
                condition=models.Q(slot_minutes__gte=5, slot_minutes__lte=480),
                name="collection_point_slot_length",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity_per_slot__gte=1), name="collection_point_capacity"
            ),
            models.CheckConstraint(
                condition=models.Q(horizon_days__gte=1, horizon_days__lte=14),
                name="collection_point_horizon",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CollectionPointShop(models.Model):
    """A shop that brings its orders to a collection point."""

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="+"
    )
    collection_point = models.ForeignKey(
        CollectionPoint, on_delete=models.CASCADE, related_name="memberships"
    )
    shop = models.ForeignKey(
        "shops.Shop", on_delete=models.CASCADE, related_name="collection_point_memberships"
    )

    class Meta:
        verbose_name = _("commerce desservant un point de retrait")
        verbose_name_plural = _("commerces desservant un point de retrait")
        constraints = [
            models.UniqueConstraint(
                fields=["collection_point", "shop"], name="collection_point_shop_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.shop} → {self.collection_point}"


class SlotLoad(models.Model):
    """How many orders a slot holds: the counter booked against its capacity.

    ``target`` names the slot's calendar: ``shop:<id>:pickup``, ``shop:<id>:delivery``
    or ``point:<id>`` (a collection point counts every shop's orders together).
    """

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="+"
    )
    target = models.CharField(max_length=40)
    starts_at = models.DateTimeField()
    booked = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("occupation d'un créneau")
        verbose_name_plural = _("occupation des créneaux")
        constraints = [
            models.UniqueConstraint(fields=["target", "starts_at"], name="slot_load_once"),
        ]

    def __str__(self) -> str:
        return f"{self.target} @ {self.starts_at:%Y-%m-%d %H:%M}: {self.booked}"
