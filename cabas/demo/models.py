from django.db import models
from django.utils.translation import gettext_lazy as _


class DemoDataset(models.Model):
    """What ``load_demo`` last loaded and from which input, so an unchanged rerun skips it.

    ``fingerprint`` hashes the input files and the loader version. A territory's row goes
    with the territory (cascade), so deleting a demo territory makes the next run reload it.
    """

    key = models.SlugField(_("jeu de données"), max_length=60, unique=True)
    territory = models.ForeignKey(
        "territories.Territory",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    fingerprint = models.CharField(_("empreinte"), max_length=64)
    counts = models.JSONField(_("comptes"), default=dict)
    loaded_at = models.DateTimeField(_("chargé le"), auto_now=True)

    class Meta:
        verbose_name = _("jeu de données de démonstration")
        verbose_name_plural = _("jeux de données de démonstration")

    def __str__(self) -> str:
        return self.key
