from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskStatus(models.TextChoices):
    QUEUED = "queued", _("en attente")
    RUNNING = "running", _("en cours")
    DONE = "done", _("terminée")
    FAILED = "failed", _("échouée")


class Task(models.Model):
    """One unit of deferred work (an email, a webhook) in the durable queue.

    The row is written in the same transaction as the change that causes it, so
    the work exists exactly when that change committed; the worker runs it later.
    """

    name = models.CharField(max_length=120)
    kwargs = models.JSONField(default=dict)
    status = models.CharField(max_length=8, choices=TaskStatus.choices, default=TaskStatus.QUEUED)
    run_after = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=8)
    last_error = models.TextField(blank=True)
    locked_by = models.CharField(max_length=120, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)
    territory = models.ForeignKey(
        "territories.Territory", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("tâche")
        verbose_name_plural = _("tâches")
        indexes = [models.Index(fields=["status", "run_after"], name="task_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_attempts__gte=1), name="task_max_attempts_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk} ({self.status})"
