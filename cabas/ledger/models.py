"""Double-entry ledger: accounts, transactions and their entries (integer cents).

Invariants (DESIGN 3, 4, 6), each backed by the database where it can be:
- every transaction's entries sum to zero (``ledger_post`` checks; ``ledger_check`` audits);
- an account's ``balance_cents`` is the sum of its entries, kept by ``ledger_post``, and
  never below zero unless the account is ``external`` (``ledger_account_non_negative``);
- entries are never zero and never change: there is no update or delete service.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    FUNDER_BUDGET = "funder_budget", _("Budget du financeur")
    SHOPPER_WALLET = "shopper_wallet", _("Porte-monnaie client")
    GIFT_CARD = "gift_card", _("Carte cadeau")
    MERCHANT_RECEIVABLE = "merchant_receivable", _("Créance commerçant")
    PLATFORM_COMMISSION = "platform_commission", _("Commission de la plateforme")
    LOYALTY = "loyalty", _("Fidélité")
    # Money entering or leaving the ledger (cash in, card payments, payouts): may go negative.
    EXTERNAL = "external", _("Extérieur")


class Account(models.Model):
    """One balance of the territory, owned by ``(kind, owner_ref)``.

    ``owner_ref`` is a typed reference such as ``"user:12"``, ``"shop:3"``,
    ``"giftcard:7"`` or ``""`` for the territory's single account of that kind; it
    stays generic so later domains (vouchers, gift cards) own accounts without the
    ledger depending on them.
    """

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.PROTECT, related_name="ledger_accounts"
    )
    kind = models.CharField(_("nature"), max_length=32, choices=AccountKind.choices)
    owner_ref = models.CharField(_("titulaire"), max_length=64, blank=True, default="")
    currency = models.CharField(_("devise"), max_length=3, default="EUR")
    allow_negative = models.BooleanField(_("peut être négatif"), default=False)
    balance_cents = models.BigIntegerField(_("solde (centimes)"), default=0)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("compte")
        verbose_name_plural = _("comptes")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "kind", "owner_ref", "currency"],
                name="ledger_account_unique_owner",
            ),
            models.CheckConstraint(
                condition=Q(balance_cents__gte=0) | Q(allow_negative=True),
                name="ledger_account_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(allow_negative=False) | Q(kind=AccountKind.EXTERNAL),
                name="ledger_account_only_external_negative",
            ),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"), name="ledger_account_currency_iso"
            ),
        ]

    def __str__(self) -> str:
        owner = f" {self.owner_ref}" if self.owner_ref else ""
        return f"{self.get_kind_display()}{owner} ({self.currency})"


class LedgerTransaction(models.Model):
    """One business event (purchase, redemption, payout…) as balanced entries."""

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.PROTECT, related_name="ledger_transactions"
    )
    kind = models.CharField(_("nature"), max_length=40)
    reference = models.CharField(_("référence"), max_length=200)
    idempotency_key = models.CharField(
        _("clé d'idempotence"), max_length=200, null=True, blank=True
    )
    memo = models.TextField(_("mémo"), blank=True, default="")
    # Who made it, when a person or a till did (a cashier, an API token, an operator).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("auteur"),
    )
    # The author's name as it was then (a user's name, or "API · <token name>").
    actor_label = models.CharField(_("nom de l'auteur"), max_length=120, blank=True, default="")
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("écriture comptable")
        verbose_name_plural = _("écritures comptables")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="ledger_transaction_idempotency_unique",
            ),
            models.CheckConstraint(condition=~Q(kind=""), name="ledger_transaction_kind_set"),
        ]
        indexes = [models.Index(fields=["territory", "reference"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.reference}"


class Entry(models.Model):
    """One signed line of a transaction: positive credits the account, negative debits it."""

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.PROTECT, related_name="ledger_entries"
    )
    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="entries"
    )
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    amount_cents = models.BigIntegerField(_("montant (centimes)"))

    class Meta:
        verbose_name = _("ligne d'écriture")
        verbose_name_plural = _("lignes d'écriture")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount_cents=0), name="ledger_entry_non_zero"),
        ]
        indexes = [models.Index(fields=["account", "id"])]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.amount_cents}"
