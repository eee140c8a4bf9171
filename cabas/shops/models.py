from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .siret import validate_siret


class ShopStatus(models.TextChoices):
    DRAFT = "draft", _("brouillon")
    PENDING = "pending", _("en attente de validation")
    APPROVED = "approved", _("validé")
    SUSPENDED = "suspended", _("suspendu")


class HoursSource(models.TextChoices):
    MERCHANT = "merchant", _("renseignés par le commerçant")
    OSM = "osm", _("OpenStreetMap")
    DEMO = "demo", _("indicatifs (démonstration)")
    NONE = "none", _("non renseignés")


class Shop(models.Model):
    """An independent shop of one territory; a vitrine first, a catalogue when it wants."""

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="shops"
    )
    slug = models.SlugField(max_length=120)
    name = models.CharField(_("nom"), max_length=160)
    category = models.ForeignKey(
        "catalog.Category", null=True, blank=True, on_delete=models.SET_NULL, related_name="shops"
    )
    source_category = models.CharField(_("catégorie d'origine"), max_length=120, blank=True)
    description = models.TextField(_("présentation"), blank=True)
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    postcode = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("ville"), max_length=120, blank=True)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    phone = models.CharField(_("téléphone"), max_length=40, blank=True)
    website = models.URLField(_("site web"), max_length=300, blank=True)
    opening_hours = models.CharField(
        _("horaires (syntaxe OpenStreetMap)"), max_length=500, blank=True
    )
    hours_source = models.CharField(
        _("origine des horaires"),
        max_length=10,
        choices=HoursSource.choices,
        default=HoursSource.NONE,
    )
    offers_click_collect = models.BooleanField(_("retrait en boutique"), default=False)
    offers_delivery = models.BooleanField(_("livraison"), default=False)
    accepts_vouchers = models.BooleanField(_("accepte les chèques-cadeaux"), default=False)
    made_locally = models.BooleanField(_("fabrication locale"), default=False)
    # The establishment's SIRET, shown on settlement statements and the accountant's export.
    siret = models.CharField(
        _("SIRET"), max_length=14, null=True, blank=True, validators=[validate_siret]
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=ShopStatus.choices, default=ShopStatus.DRAFT
    )
    source = models.CharField(_("source"), max_length=20, blank=True)
    source_ref = models.CharField(_("référence source"), max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("commerce")
        verbose_name_plural = _("commerces")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "slug"], name="shop_slug_per_territory"),
            models.UniqueConstraint(
                fields=["territory", "source", "source_ref"],
                condition=~models.Q(source_ref=""),
                name="shop_source_ref_once",
            ),
            models.CheckConstraint(
                condition=models.Q(lat__gte=-90, lat__lte=90, lon__gte=-180, lon__lte=180),
                name="shop_coordinates_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(siret__isnull=True) | models.Q(siret__regex=r"^[0-9]{14}$"),
                name="shop_siret_14_digits",
            ),
        ]
        indexes = [
            models.Index(fields=["territory", "status", "name"]),
            models.Index(fields=["territory", "lat", "lon"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def services(self) -> list[str]:
        return [
            name
            for name, on in (
                ("click_collect", self.offers_click_collect),
                ("delivery", self.offers_delivery),
                ("vouchers", self.accepts_vouchers),
            )
            if on
        ]


class ShopClosure(models.Model):
    """An exceptional closure (holidays, works): the shop is closed on these whole days."""

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="+"
    )
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="closures")
    start_date = models.DateField(_("du"))
    end_date = models.DateField(_("au (inclus)"))
    reason = models.CharField(_("motif"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("fermeture exceptionnelle")
        verbose_name_plural = _("fermetures exceptionnelles")
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="closure_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.shop} {self.start_date}–{self.end_date}"


class ShopMembership(models.Model):
    """A merchant's place in a shop's team."""

    class Role(models.TextChoices):
        OWNER = "owner", _("gérant")
        STAFF = "staff", _("équipier")

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="+"
    )
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shop_memberships"
    )
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.STAFF)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membre de l'équipe")
        verbose_name_plural = _("équipe")
        constraints = [models.UniqueConstraint(fields=["shop", "user"], name="shop_member_once")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.shop}"
