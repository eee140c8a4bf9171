"""Platform admins' changes in the Django admin, written to the same audit log.

Every model admin of the site gets :class:`AuditedAdminMixin` (``audit_admin_site``,
called once the admin modules are loaded), so no admin class can be forgotten: an
addition, a change, a deletion and a bulk action each leave an entry, in the admin's
own transaction, under the territory of the object when it has one — the operators
of that territory read it in their console's journal.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest

from cabas.territories.models import Territory

from . import actions
from .services import audit_record


def territory_of(obj: models.Model) -> Territory | None:
    """The territory an object belongs to: itself, its ``territory``, or its shop's."""
    if isinstance(obj, Territory):
        return obj
    territory_id = getattr(obj, "territory_id", None)
    if territory_id is None:
        shop = getattr(obj, "shop", None)
        territory_id = getattr(shop, "territory_id", None)
    if territory_id is None:
        return None
    return Territory.objects.filter(pk=territory_id).first()


def _actor(request: HttpRequest) -> Any:
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _model_label(obj: models.Model) -> str:
    return obj._meta.label_lower


class AuditedAdminMixin:
    """Records the admin's additions, changes, deletions and actions in the audit log."""

    def log_addition(self, request: HttpRequest, obj: models.Model, message: Any) -> Any:
        logged = super().log_addition(request, obj, message)  # type: ignore[misc]
        audit_record(
            actor=_actor(request),
            territory=territory_of(obj),
            action=actions.ADMIN_ADD,
            target=obj,
            details={"model": _model_label(obj), "changes": message},
        )
        return logged

    def log_change(self, request: HttpRequest, obj: models.Model, message: Any) -> Any:
        logged = super().log_change(request, obj, message)  # type: ignore[misc]
        audit_record(
            actor=_actor(request),
            territory=territory_of(obj),
            action=actions.ADMIN_CHANGE,
            target=obj,
            details={"model": _model_label(obj), "changes": message},
        )
        return logged

    def log_deletions(self, request: HttpRequest, queryset: Iterable[models.Model]) -> Any:
        objects = list(queryset)
        for obj in objects:
            # A deleted territory takes its own log with it: record it platform-wide.
            territory = None if isinstance(obj, Territory) else territory_of(obj)
            audit_record(
                actor=_actor(request),
                territory=territory,
                action=actions.ADMIN_DELETE,
                target=obj,
                details={"model": _model_label(obj)},
            )
        return super().log_deletions(request, objects)  # type: ignore[misc]

    def get_actions(self, request: HttpRequest) -> dict[str, tuple[Callable, str, str]]:
        found = super().get_actions(request)  # type: ignore[misc]
        return {
            # Deleting goes through ``log_deletions`` above, once per object.
            name: (func if name == "delete_selected" else _audited(func, name), name, text)
            for name, (func, _name, text) in found.items()
        }


def _audited(func: Callable, name: str) -> Callable:
    """The action, run in one transaction with one entry per territory it touched."""

    def action(model_admin: Any, request: HttpRequest, queryset: Any) -> Any:
        with transaction.atomic():
            objects = list(queryset)
            response = func(model_admin, request, queryset)
            by_territory: dict[int | None, list[models.Model]] = defaultdict(list)
            places: dict[int | None, Territory | None] = {None: None}
            for obj in objects:
                place = territory_of(obj)
                key = place.pk if place is not None else None
                places[key] = place
                by_territory[key].append(obj)
            for key, touched in by_territory.items():
                audit_record(
                    actor=_actor(request),
                    territory=places[key],
                    action=actions.ADMIN_ACTION,
                    target=touched[0] if len(touched) == 1 else None,
                    details={
                        "model": _model_label(touched[0]),
                        "action": name,
                        "objects": [str(obj.pk) for obj in touched],
                    },
                )
        return response

    action.__name__ = getattr(func, "__name__", name)
    for attribute in ("short_description", "allowed_permissions", "description"):
        if hasattr(func, attribute):
            setattr(action, attribute, getattr(func, attribute))
    return action


def audit_admin_site(site: admin.AdminSite) -> None:
    """Give every registered model admin the mixin (idempotent)."""
    for model, model_admin in list(site._registry.items()):
        cls = type(model_admin)
        if issubclass(cls, AuditedAdminMixin):
            continue
        audited = type(f"Audited{cls.__name__}", (AuditedAdminMixin, cls), {})
        audited.__module__ = cls.__module__
        site.unregister(model)
        site.register(model, audited)
