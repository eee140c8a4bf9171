"""Writing the audit log. Invariant: an entry is written in the transaction of the
change it records, so a rolled-back change leaves no entry and a committed one
always has its entry."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from cabas.accounts.models import User
from cabas.territories.models import Territory

from .models import AuditEntry

COMMAND_ACTOR = "commande"


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_safe(item) for item in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def audit_record(
    *,
    actor: User | None,
    territory: Territory | None,
    action: str,
    target: models.Model | None = None,
    details: dict[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEntry:
    """Record ``action`` by ``actor`` on ``target``; call it inside the change's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change.")
    label = actor_label or (actor.email if actor is not None else COMMAND_ACTOR)
    return AuditEntry.objects.create(
        territory=territory,
        actor=actor,
        actor_label=label[:254],
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None and target.pk is not None else "",
        object_repr=str(target)[:200] if target is not None else "",
        details=_json_safe(details or {}),
    )
