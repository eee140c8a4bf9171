"""Booking slot capacity. Invariant: a slot never holds more orders than its capacity.

The counter row is created if missing, then incremented with a conditional
``UPDATE … WHERE booked + n <= capacity``. PostgreSQL re-evaluates the condition on
the latest row version after waiting for a concurrent writer; on SQLite the
transaction holds the write lock. Either way two buyers of the last place cannot
both get it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from .errors import SlotFullError
from .models import SlotLoad


@dataclass(frozen=True)
class SlotBooking:
    territory_id: int
    target: str
    starts_at: dt.datetime
    capacity: int


def slots_book(
    *,
    bookings: Iterable[SlotBooking],
    counted: Collection[tuple[str, dt.datetime]] = (),
) -> None:
    """Take one place per booking (several bookings of one slot add up) or raise.

    ``counted``: ``(target, starts_at)`` of slots whose counter row was read (counter
    rows are never deleted): not created again. A row missing all the same makes the
    guarded update refuse, as for a full slot: never a place too many.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Slot bookings must run inside transaction.atomic().")
    counts = Counter(bookings)
    if not counts:
        return
    missing = [b for b in counts if (b.target, b.starts_at) not in counted]
    if missing:
        SlotLoad.objects.bulk_create(
            [
                SlotLoad(territory_id=b.territory_id, target=b.target, starts_at=b.starts_at)
                for b in missing
            ],
            ignore_conflicts=True,
        )
    # A fixed order keeps two checkouts booking the same slots from deadlocking.
    for booking in sorted(counts, key=lambda b: (b.target, b.starts_at)):
        wanted = counts[booking]
        taken = SlotLoad.objects.filter(
            target=booking.target,
            starts_at=booking.starts_at,
            booked__lte=booking.capacity - wanted,
        ).update(booked=F("booked") + wanted)
        if taken != 1:
            raise SlotFullError(
                _("Ce créneau vient d'être complet ; choisissez-en un autre."),
                {"target": booking.target, "slot": booking.starts_at.isoformat()},
            )


def slots_release(*, bookings: Iterable[SlotBooking]) -> None:
    """Give places back (refused or cancelled order)."""
    for booking, count in sorted(
        Counter(bookings).items(), key=lambda item: (item[0].target, item[0].starts_at)
    ):
        SlotLoad.objects.filter(
            target=booking.target, starts_at=booking.starts_at, booked__gte=count
        ).update(booked=F("booked") - count)
