"""The only place habits rows are locked: a shopper's preferences for one territory.

Locking that row serialises the alert emails and digests of one shopper, so "at most
one alert email a day" and "one digest a week" hold even with several workers.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from .models import ShopperPreferences


def lock_preferences(*, user_id: int, territory_id: int) -> ShopperPreferences:
    """The locked preferences row, created with the defaults when missing."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_preferences runs inside transaction.atomic().")
    row = (
        ShopperPreferences.objects.select_for_update()
        .filter(user_id=user_id, territory_id=territory_id)
        .first()
    )
    if row is not None:
        return row
    try:
        with transaction.atomic():
            ShopperPreferences.objects.create(user_id=user_id, territory_id=territory_id)
    except IntegrityError:
        pass  # created by a concurrent transaction: lock theirs
    return ShopperPreferences.objects.select_for_update().get(
        user_id=user_id, territory_id=territory_id
    )
