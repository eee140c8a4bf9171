"""The only place ledger rows are locked."""

from __future__ import annotations

from collections.abc import Iterable

from .models import Account


def lock_accounts(account_ids: Iterable[int]) -> list[Account]:
    """Accounts locked ``FOR UPDATE`` in primary-key order (one statement).

    The order is what prevents deadlocks between two postings sharing accounts in
    opposite directions. SQLite has no row locks: there the caller's transaction is
    ``BEGIN IMMEDIATE`` (settings), which already holds the database's write lock.
    Must run inside ``transaction.atomic``.
    """
    return list(Account.objects.select_for_update().filter(pk__in=set(account_ids)).order_by("pk"))
