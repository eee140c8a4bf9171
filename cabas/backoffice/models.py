from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JoinRequest(models.Model):
    """A merchant asking to run a shop: an existing one (claim) or a new one (creation).

    A claim gives no access until the territory approves it; a created shop is the
    merchant's at once but stays ``pending`` (invisible to shoppers) until approved.
    """

    class Kind(models.TextChoices):
        CLAIM = "claim", _("reprise d'un commerce existant")
        CREATE = "create", _("création d'un commerce")

    class Status(models.TextChoices):
        PENDING = "pending", _("en attente")
        APPROVED = "approved", _("acceptée")
        REJECTED = "rejected", _("refusée")

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="+"
    )
    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests"
    )
    kind = models.CharField(_("type"), max_length=8, choices=Kind.choices)
    status = models.CharField(
        _("statut"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    message = models.TextField(_("message au territoire"), blank=True)
    created_at = models.DateTimeField(_("demandée le"), auto_now_add=True)
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("demande d'adhésion")
        verbose_name_plural = _("demandes d'adhésion")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "user"],
                condition=models.Q(status="pending"),
                name="join_request_pending_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.shop} ({self.get_kind_display()})"


class TeamInvitation(models.Model):
    """An invitation by email to join a shop's team; the link carries a one-time token."""

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="+"
    )
    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("adresse e-mail"))
    role = models.CharField(_("rôle"), max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation dans l'équipe")
        verbose_name_plural = _("invitations dans l'équipe")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.email} → {self.shop}"


class ImportJob(models.Model):
    """One spreadsheet import of a shop's catalogue, from upload to online.

    The file is kept in the row (a few MB at most) so that the worker applying it
    needs no shared disk; it is dropped once the import is done.
    """

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("à vérifier")
        QUEUED = "queued", _("en file d'attente")
        VALIDATING = "validating", _("vérification")
        WRITING = "writing", _("enregistrement")
        DONE = "done", _("terminé")
        FAILED = "failed", _("refusé")

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="+"
    )
    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(_("fichier"), max_length=255)
    file_format = models.CharField(_("format"), max_length=4)
    encoding = models.CharField(max_length=16, blank=True)
    delimiter = models.CharField(max_length=1, blank=True)
    size = models.PositiveIntegerField(_("taille (octets)"))
    content = models.BinaryField(editable=False)
    header_line = models.PositiveIntegerField(default=1)
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)
    row_count = models.PositiveIntegerField(default=0)
    deactivate_missing = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPLOADED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)
    error_count = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    deactivated_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import de catalogue")
        verbose_name_plural = _("imports de catalogue")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["shop", "created_at"])]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.VALIDATING, self.Status.WRITING)


class StockSyncRequest(models.Model):
    """A merchant API write replayed by its ``Idempotency-Key``: same key, same answer."""

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="+"
    )
    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("requête de synchronisation de stock")
        verbose_name_plural = _("requêtes de synchronisation de stock")
        constraints = [
            models.UniqueConstraint(fields=["shop", "key"], name="stock_sync_key_once_per_shop")
        ]

    def __str__(self) -> str:
        return f"{self.shop_id}:{self.key}"


class StockFeed(models.Model):
    """A CSV (or XLSX/ODS) file a shop's stock system publishes at a URL, pulled on a schedule.

    ``run_marker`` names the one scheduled pull that is current: saving the feed or
    asking for a pull now starts a new chain and the older queued pull finds itself
    stale and stops, so a feed never has two chains running.
    """

    class Status(models.TextChoices):
        NEVER = "never", _("jamais synchronisé")
        OK = "ok", _("à jour")
        FAILED = "failed", _("en erreur")

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="+"
    )
    shop = models.OneToOneField("shops.Shop", on_delete=models.CASCADE, related_name="stock_feed")
    url = models.URLField(_("adresse du fichier"), max_length=500)
    interval_minutes = models.PositiveIntegerField(_("fréquence (minutes)"), default=60)
    is_active = models.BooleanField(_("active"), default=True)
    run_marker = models.CharField(max_length=32, blank=True)
    next_run_at = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(_("dernière synchronisation"), null=True, blank=True)
    last_status = models.CharField(
        _("état"), max_length=8, choices=Status.choices, default=Status.NEVER
    )
    last_message = models.TextField(_("message"), blank=True)
    last_errors = models.JSONField(default=list)
    last_counts = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("flux de stock")
        verbose_name_plural = _("flux de stock")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(interval_minutes__gte=15), name="stock_feed_interval_min"
            )
        ]

    def __str__(self) -> str:
        return f"{self.shop_id}: {self.url}"
