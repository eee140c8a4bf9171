from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_SAVED_LISTS = 20


class SavedList(models.Model):
    """A shopping list a signed-in shopper keeps to plan again ("courses du samedi")."""

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_lists"
    )
    name = models.CharField(_("nom"), max_length=80)
    text = models.TextField(_("articles"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("liste de courses")
        verbose_name_plural = _("listes de courses")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "user", "name"], name="saved_list_name_once"
            )
        ]
        indexes = [models.Index(fields=["territory", "user", "updated_at"])]

    def __str__(self) -> str:
        return self.name

    @property
    def lines(self) -> list[str]:
        return [row.strip() for row in self.text.splitlines() if row.strip()]
