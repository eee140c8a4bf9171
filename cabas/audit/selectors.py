"""Reads of the audit log: one territory's entries, newest first."""

from __future__ import annotations

from django.db.models import QuerySet

from cabas.territories.models import Territory

from .models import AuditEntry


def territory_audit_entries(territory: Territory, *, action: str = "") -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.filter(territory=territory)
    if action:
        entries = entries.filter(action__startswith=action)
    return entries.order_by("-created_at", "-pk")
