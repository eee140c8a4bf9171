from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# Slugs that would shadow a top-level URL of the site.
RESERVED_SLUGS = frozenset(
    {
        "admin",
        "api",
        "static",
        "media",
        "compte",
        "accounts",
        "en",
        "fr",
        "healthz",
        "i18n",
        "espace-commercant",
        "console",
        "panier",
        "commande",
        "commandes",
        "recherche",
        "sitemap.xml",
        "robots.txt",
        "manifest.webmanifest",
        "sw.js",
        "offline",
    }
)

slug_validator = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    _("Lettres minuscules, chiffres et tirets uniquement."),
)


class Territory(models.Model):
    """The tenant: a town, a metropolis or an association running its marketplace."""

    slug = models.SlugField(
        _("identifiant"), max_length=50, unique=True, validators=[slug_validator]
    )
    name = models.CharField(_("nom"), max_length=120)
    tagline = models.CharField(_("accroche"), max_length=200, blank=True)
    timezone = models.CharField(_("fuseau horaire"), max_length=64, default="Europe/Paris")
    currency = models.CharField(_("devise"), max_length=3, default="EUR")
    country = models.CharField(_("pays"), max_length=2, default="FR")
    centre_lat = models.FloatField(_("latitude du centre"))
    centre_lon = models.FloatField(_("longitude du centre"))
    radius_km = models.FloatField(_("rayon (km)"), default=10)
    commission_bp = models.PositiveIntegerField(
        _("commission (points de base)"),
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(10_000)],
        help_text=_("100 points de base = 1 %"),
    )
    primary_colour = models.CharField(_("couleur principale"), max_length=7, default="#1d5e3a")
    data_attribution = models.CharField(
        _("attribution des données"),
        max_length=300,
        blank=True,
        help_text=_("Mention de la source des données affichée dans le pied de page (ODbL)."),
    )
    is_active = models.BooleanField(_("actif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("territoire")
        verbose_name_plural = _("territoires")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(commission_bp__lte=10_000), name="territory_commission_le_100pct"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TerritoryMembership(models.Model):
    """A user who operates a territory (onboards shops, sets rules, reads reports)."""

    class Role(models.TextChoices):
        OPERATOR = "operator", _("opérateur")

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="territory_memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.OPERATOR)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("opérateur du territoire")
        verbose_name_plural = _("opérateurs du territoire")
        constraints = [
            models.UniqueConstraint(fields=["territory", "user"], name="territory_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.territory}"
