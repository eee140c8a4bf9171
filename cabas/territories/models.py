from django.conf import settings
from django.core.exceptions import ValidationError
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
        "theme",
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
        "confidentialite",
    }
)

slug_validator = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    _("Lettres minuscules, chiffres et tirets uniquement."),
)

colour_validator = RegexValidator(
    r"^#[0-9a-fA-F]{6}$",
    _("Indiquez une couleur au format #RRGGBB, par exemple #1d5e3a."),
)


def validate_not_reserved(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(
            _("L'identifiant « %(slug)s » est réservé par le site ; choisissez-en un autre."),
            params={"slug": value},
            code="reserved",
        )


def territory_logo_path(instance: "Territory", filename: str) -> str:
    # The name is chosen by the service (random); the slug keeps files sorted by territory.
    return f"territories/{instance.slug}/{filename}"


class Territory(models.Model):
    """The tenant: a town, a metropolis or an association running its marketplace."""

    slug = models.SlugField(
        _("identifiant"),
        max_length=50,
        unique=True,
        validators=[slug_validator, validate_not_reserved],
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
    primary_colour = models.CharField(
        _("couleur principale"), max_length=7, default="#1d5e3a", validators=[colour_validator]
    )
    accent_colour = models.CharField(
        _("couleur d'accentuation"),
        max_length=7,
        default="#f4b942",
        validators=[colour_validator],
        help_text=_("Soulignement des annonces et des éléments mis en avant."),
    )
    logo = models.FileField(_("logo"), upload_to=territory_logo_path, blank=True, max_length=200)
    languages = models.CharField(
        _("langues proposées"),
        max_length=40,
        default="fr,en",
        help_text=_("Codes de langue séparés par des virgules ; le français est toujours proposé."),
    )
    domain = models.CharField(
        _("nom de domaine propre"),
        max_length=253,
        blank=True,
        default="",
        help_text=_("Facultatif, par exemple commerces.ville.fr (sans https://)."),
    )
    operator_name = models.CharField(
        _("organisme exploitant"),
        max_length=200,
        blank=True,
        help_text=_("La ville, l'association de commerçants ou la CCI qui anime la plateforme."),
    )
    contact_email = models.EmailField(_("e-mail de contact"), blank=True)
    # Fulfilment defaults: a shop approved by the operator starts with these settings.
    default_slot_minutes = models.PositiveSmallIntegerField(
        _("durée d'un créneau de retrait (min)"), default=30
    )
    default_lead_minutes = models.PositiveIntegerField(_("délai de préparation (min)"), default=60)
    default_capacity_per_slot = models.PositiveSmallIntegerField(
        _("commandes par créneau"), default=4
    )
    default_horizon_days = models.PositiveSmallIntegerField(
        _("créneaux proposés (jours)"), default=7
    )
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
            models.UniqueConstraint(
                fields=["domain"], condition=~models.Q(domain=""), name="territory_domain_once"
            ),
            models.CheckConstraint(
                condition=models.Q(default_slot_minutes__gte=5, default_slot_minutes__lte=480),
                name="territory_default_slot_length",
            ),
            models.CheckConstraint(
                condition=models.Q(default_capacity_per_slot__gte=1),
                name="territory_default_capacity_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(default_horizon_days__gte=1, default_horizon_days__lte=14),
                name="territory_default_horizon",
            ),
            models.CheckConstraint(
                condition=models.Q(default_lead_minutes__lte=14 * 24 * 60),
                name="territory_default_lead_time",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def language_codes(self) -> list[str]:
        return [code for code in self.languages.split(",") if code]


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
