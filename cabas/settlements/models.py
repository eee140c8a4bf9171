"""A payout the operator made to a shop (bank transfer), recorded once with its ledger posting.

The statement computes what is owed; this is what was paid. Each payout moves the
shop's merchant receivable to the external ``bank_payouts`` account, so the receivable
is what the platform still holds for the shop.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Payout(models.Model):
    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.PROTECT, related_name="+"
    )
    shop = models.ForeignKey("shops.Shop", on_delete=models.PROTECT, related_name="payouts")
    amount_cents = models.PositiveIntegerField(_("montant (centimes)"))
    currency = models.CharField(max_length=3, default="EUR")
    paid_on = models.DateField(_("date du virement"))
    reference = models.CharField(_("référence du virement"), max_length=100)
    ledger_transaction = models.OneToOneField(
        "ledger.LedgerTransaction", on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("versement à un commerce")
        verbose_name_plural = _("versements aux commerces")
        ordering = ["-paid_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="payout_amount_positive"),
            models.CheckConstraint(condition=~Q(reference=""), name="payout_reference_set"),
        ]
        indexes = [models.Index(fields=["shop", "paid_on"])]

    def __str__(self) -> str:
        return f"Versement {self.pk} ({self.shop_id})"
