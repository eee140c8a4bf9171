"""The only place catalogue rows are locked."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from .models import Offer


def lock_offers(offer_ids: Iterable[int]) -> QuerySet[Offer]:
    """Offers locked ``FOR UPDATE`` in primary-key order (one statement).

    The order is what prevents deadlocks between two checkouts sharing offers.
    SQLite has no row locks: there the caller's transaction is ``BEGIN IMMEDIATE``
    (settings), which already holds the database's single write lock.
    Must run inside ``transaction.atomic``; evaluate the queryset to take the locks.
    """
    return (
        Offer.objects.select_for_update(of=("self",)).filter(pk__in=set(offer_ids)).order_by("pk")
    )
