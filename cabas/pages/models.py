from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PageKind(models.TextChoices):
    """The content pages every territory has; the value is the page's URL segment."""

    ABOUT = "a-propos", _("À propos")
    TERMS = "cgu", _("Conditions générales d'utilisation")
    SALES = "cgv", _("Conditions générales de vente")
    LEGAL = "mentions-legales", _("Mentions légales")
    ACCESSIBILITY = "accessibilite", _("Accessibilité")
    PRIVACY = "confidentialite", _("Données personnelles")


class Page(models.Model):
    """A territory's content page (about, terms, legal notice…), written by its operator."""

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="pages"
    )
    kind = models.CharField(_("page"), max_length=20, choices=PageKind.choices)
    title = models.CharField(_("titre"), max_length=160)
    body = models.TextField(
        _("texte"),
        help_text=_(
            "Paragraphes séparés par une ligne vide ; « ## » en début de ligne pour un "
            "intertitre, « - » pour une liste. Les adresses web deviennent des liens."
        ),
    )
    updated_at = models.DateTimeField(_("mise à jour"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        ordering = ["territory", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "kind"], name="page_kind_per_territory")
        ]

    def __str__(self) -> str:
        return self.title


class Announcement(models.Model):
    """A short message on the territory's home page, shown between two dates."""

    class Level(models.TextChoices):
        INFO = "info", _("information")
        IMPORTANT = "important", _("important")

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="announcements"
    )
    message = models.CharField(_("message"), max_length=280)
    link_url = models.URLField(_("lien (facultatif)"), max_length=300, blank=True)
    link_text = models.CharField(_("texte du lien"), max_length=80, blank=True)
    level = models.CharField(_("niveau"), max_length=10, choices=Level.choices, default=Level.INFO)
    starts_at = models.DateTimeField(_("à partir du"))
    ends_at = models.DateTimeField(_("jusqu'au"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("annonce")
        verbose_name_plural = _("annonces")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True)
                | models.Q(ends_at__gt=models.F("starts_at")),
                name="announcement_dates_ordered",
            )
        ]
        indexes = [models.Index(fields=["territory", "starts_at"])]

    def __str__(self) -> str:
        return self.message
