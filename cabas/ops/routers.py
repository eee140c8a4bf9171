"""Catalogue and search reads on a streaming replica; everything else on the primary.

Active when ``DATABASE_REPLICA_URL`` is set (``cabas/settings.py`` adds the ``replica``
alias and this router). The rules, in order:

1. writes, migrations and anything inside a transaction of the primary go to the primary
   (a ``select_for_update`` or a read-then-write inside ``atomic`` must see its own rows);
2. a request that is *pinned* reads everything from the primary: every unsafe request
   (POST, PUT, …) and, through a short-lived cookie set by ``PrimaryPinMiddleware``, the
   requests of the same browser during the next ``REPLICA_PIN_SECONDS`` — the page shown
   after a checkout or a stock edit reads what was just written (read-your-writes),
   whatever the replica's lag;
3. otherwise reads of catalogue and search tables (shops, products, offers, categories,
   the search index, postcodes, territories) go to the replica.

Orders, carts, accounts, money and tasks never read from the replica.
"""

from __future__ import annotations

import contextvars
from typing import Any

from django.db import connections

REPLICA = "replica"
PRIMARY = "default"
REPLICA_APPS = frozenset({"catalog", "shops", "search", "geo", "territories"})

_pinned: contextvars.ContextVar[bool] = contextvars.ContextVar("cabas_primary_pin", default=False)


def pin_to_primary(value: bool = True) -> contextvars.Token:
    return _pinned.set(value)


def unpin(token: contextvars.Token) -> None:
    _pinned.reset(token)


def is_pinned() -> bool:
    return _pinned.get()


class PrimaryReplicaRouter:
    def db_for_read(self, model: type, **hints: Any) -> str:
        if (
            model._meta.app_label in REPLICA_APPS
            and not _pinned.get()
            and not connections[PRIMARY].in_atomic_block
        ):
            return REPLICA
        return PRIMARY

    def db_for_write(self, model: type, **hints: Any) -> str:
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # Same data on both: an object read from the replica may point to one of the primary.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY
