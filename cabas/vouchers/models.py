"""Town-funded voucher programmes, the vouchers bought under them, and gift cards.

Money never lives here: every balance is a ledger account (``cabas.ledger``), owned
by ``"programme:<id>"`` (the funder's budget), ``"voucher:<id>"`` or ``"giftcard:<id>"``.
These rows hold the rules (match rate, caps, validity, eligible shops) and the codes.
Datetimes are stored in UTC (``USE_TZ``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    ACTIVE = "active", _("Ouvert")
    CLOSED = "closed", _("Clos")


class VoucherProgramme(models.Model):
    """The funder adds ``match_rate_bp`` / 10 000 of what the shopper pays, within caps."""

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.PROTECT, related_name="voucher_programmes"
    )
    name = models.CharField(_("nom"), max_length=160)
    funder_account = models.OneToOneField(
        "ledger.Account",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="voucher_programme",
        verbose_name=_("budget du financeur"),
    )
    match_rate_bp = models.PositiveIntegerField(
        _("abondement (points de base)"),
        # xgettext:no-python-format
        help_text=_("5000 = +50 % offerts."),
    )
    cap_per_person_cents = models.BigIntegerField(_("abondement maximal par personne (centimes)"))
    # None: no household cap. A household is a declared address (see ``Household``).
    cap_per_household_cents = models.BigIntegerField(
        _("abondement maximal par foyer (centimes)"), null=True, blank=True
    )
    budget_cents = models.BigIntegerField(_("budget total (centimes)"))
    valid_from = models.DateTimeField(_("valable du"))
    valid_until = models.DateTimeField(_("valable jusqu'au"))
    eligible_shops = models.ManyToManyField(
        "shops.Shop",
        blank=True,
        related_name="voucher_programmes",
        verbose_name=_("commerces éligibles"),
    )
    eligible_categories = models.ManyToManyField(
        "catalog.Category",
        blank=True,
        related_name="voucher_programmes",
        verbose_name=_("catégories éligibles"),
    )
    status = models.CharField(
        _("statut"), max_length=16, choices=ProgrammeStatus.choices, default=ProgrammeStatus.ACTIVE
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("programme de chèques")
        verbose_name_plural = _("programmes de chèques")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(match_rate_bp__lte=100_000), name="voucher_programme_rate_range"
            ),
            models.CheckConstraint(
                condition=Q(cap_per_person_cents__gte=0), name="voucher_programme_cap_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(budget_cents__gt=0), name="voucher_programme_budget_positive"
            ),
            models.CheckConstraint(
                condition=Q(cap_per_household_cents__isnull=True)
                | Q(cap_per_household_cents__gte=0),
                name="voucher_programme_household_cap_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gt=F("valid_from")), name="voucher_programme_dates_order"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProgrammeParticipant(models.Model):
    """What one person received from one programme: the row locked to keep the cap."""

    programme = models.ForeignKey(
        VoucherProgramme, on_delete=models.PROTECT, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="voucher_participations"
    )
    paid_cents = models.BigIntegerField(_("payé (centimes)"), default=0)
    matched_cents = models.BigIntegerField(_("abondement reçu (centimes)"), default=0)

    class Meta:
        verbose_name = _("bénéficiaire")
        verbose_name_plural = _("bénéficiaires")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "user"], name="voucher_participant_unique"
            ),
            models.CheckConstraint(
                condition=Q(paid_cents__gte=0, matched_cents__gte=0),
                name="voucher_participant_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id}/{self.user_id}"


class Household(models.Model):
    """Where a shopper declares they live, in one territory: the unit of the household cap.

    Decision (issue #6): a household is a normalised postal address. ``key`` is a
    digest of the postcode and the address lower-cased, without accents, punctuation
    or repeated spaces, with the usual abbreviations expanded (``bd`` → ``boulevard``),
    so two people of one home typing it differently share one key. The digest keeps
    addresses out of the locked rows and the cap's bookkeeping.
    """

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.PROTECT, related_name="households"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="households"
    )
    address = models.CharField(_("adresse"), max_length=255)
    postcode = models.CharField(_("code postal"), max_length=10)
    key = models.CharField(_("clé du foyer"), max_length=64)
    declared_at = models.DateTimeField(_("déclaré le"), auto_now=True)

    class Meta:
        verbose_name = _("foyer")
        verbose_name_plural = _("foyers")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "user"], name="household_one_per_user"),
        ]
        indexes = [models.Index(fields=["territory", "key"])]

    def __str__(self) -> str:
        return f"{self.postcode} {self.address}"


class ProgrammeHousehold(models.Model):
    """What one household received from one programme: the row locked to keep its cap."""

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.PROTECT, related_name="+"
    )
    programme = models.ForeignKey(
        VoucherProgramme, on_delete=models.PROTECT, related_name="households"
    )
    household_key = models.CharField(_("clé du foyer"), max_length=64)
    matched_cents = models.BigIntegerField(_("abondement reçu (centimes)"), default=0)

    class Meta:
        verbose_name = _("foyer bénéficiaire")
        verbose_name_plural = _("foyers bénéficiaires")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "household_key"], name="voucher_household_unique"
            ),
            models.CheckConstraint(
                condition=Q(matched_cents__gte=0), name="voucher_household_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id}/{self.household_key[:8]}"


class Voucher(models.Model):
    """One purchase under a programme: the shopper's payment plus the match, one code."""

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.PROTECT, related_name="vouchers"
    )
    programme = models.ForeignKey(
        VoucherProgramme, on_delete=models.PROTECT, related_name="vouchers"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="vouchers"
    )
    code = models.CharField(_("code"), max_length=32, unique=True)
    account = models.OneToOneField(
        "ledger.Account", on_delete=models.PROTECT, null=True, blank=True, related_name="voucher"
    )
    paid_cents = models.BigIntegerField(_("payé (centimes)"))
    matched_cents = models.BigIntegerField(_("abondement (centimes)"))
    expires_at = models.DateTimeField(_("expire le"))
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("chèque")
        verbose_name_plural = _("chèques")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(paid_cents__gt=0, matched_cents__gte=0),
                name="voucher_amounts_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} #{self.pk}"


class GiftCard(models.Model):
    """A card valid in every shop of the territory, or in ``shop`` only."""

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.PROTECT, related_name="gift_cards"
    )
    code = models.CharField(_("code"), max_length=32, unique=True)
    shop = models.ForeignKey(
        "shops.Shop",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="gift_cards",
        verbose_name=_("commerce (si réservée à un seul)"),
    )
    account = models.OneToOneField(
        "ledger.Account", on_delete=models.PROTECT, null=True, blank=True, related_name="gift_card"
    )
    amount_cents = models.BigIntegerField(_("montant initial (centimes)"))
    buyer_email = models.EmailField(_("e-mail de l'acheteur"))
    expires_at = models.DateTimeField(_("expire le"))
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("carte cadeau")
        verbose_name_plural = _("cartes cadeaux")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_cents__gt=0), name="gift_card_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"
