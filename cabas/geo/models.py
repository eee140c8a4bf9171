from django.db import models
from django.utils.translation import gettext_lazy as _


class PostalCode(models.Model):
    """La Poste's official postal code base: a reference table shared by all territories."""

    code = models.CharField(_("code postal"), max_length=5, db_index=True)
    insee_code = models.CharField(_("code INSEE"), max_length=5)
    commune = models.CharField(_("commune"), max_length=80)
    locality = models.CharField(_("lieu-dit"), max_length=80, blank=True)
    lat = models.FloatField()
    lon = models.FloatField()

    class Meta:
        verbose_name = _("code postal")
        verbose_name_plural = _("codes postaux")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "insee_code", "locality"], name="postalcode_unique_row"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.commune}"
