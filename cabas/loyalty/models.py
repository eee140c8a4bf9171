"""The territory's shared loyalty scheme: its settings. Points live on the ledger.

How points are kept (decided for issue #6, documented in ``services``): points are
their own currency ``PTS`` on the ledger, so an earning or a redemption of points is
a balanced transaction like any other. A shopper's points are the ``loyalty`` account
``user:<id>`` in ``PTS``; points come from, and go back to, the external ``PTS``
account ``loyalty_points``. The money a redeemed point is worth is paid to the shop
by the operator: a separate EUR transaction from the external account
``loyalty_operator`` (the operator's loyalty spending, settled outside the ledger)
to the shop's merchant receivable.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

POINTS_CURRENCY = "PTS"


class LoyaltySettings(models.Model):
    """One row per territory; no row means the scheme is off."""

    territory = models.OneToOneField(
        "territories.Territory", on_delete=models.PROTECT, related_name="loyalty_settings"
    )
    enabled = models.BooleanField(_("fidélité active"), default=False)
    points_per_euro = models.PositiveIntegerField(_("points gagnés par euro dépensé"), default=1)
    point_value_cents = models.PositiveIntegerField(_("valeur d'un point (centimes)"), default=1)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("réglage de fidélité")
        verbose_name_plural = _("réglages de fidélité")
        constraints = [
            models.CheckConstraint(
                condition=Q(points_per_euro__lte=1000), name="loyalty_points_per_euro_range"
            ),
            models.CheckConstraint(
                condition=Q(point_value_cents__gte=1, point_value_cents__lte=10_000),
                name="loyalty_point_value_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.territory_id}: {self.points_per_euro} pt/€"
