"""What the privacy domain must remember: the inactivity warnings sent before a purge.

A user is not territory-owned (one account serves every territory), so neither is the
warning sent to them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class InactivityWarning(models.Model):
    """The email telling an inactive shopper their account will be erased.

    ``last_activity_at`` is the activity the warning was about: any later activity
    (a log-in, an order) makes the warning stale, and the account is not erased.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inactivity_warning"
    )
    last_activity_at = models.DateTimeField(_("dernière activité constatée"))
    warned_at = models.DateTimeField(_("prévenu le"))

    class Meta:
        verbose_name = _("avertissement d'inactivité")
        verbose_name_plural = _("avertissements d'inactivité")
        indexes = [models.Index(fields=["warned_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.warned_at:%Y-%m-%d}"
