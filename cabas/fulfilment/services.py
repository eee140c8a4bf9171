"""Booking slot capacity. Invariant: a slot never holds more orders than its capacity.

Each booking is one statement: the counter row is inserted holding the places taken,
or, when it exists, incremented under the guard ``booked + n <= capacity``
(``INSERT … ON CONFLICT DO UPDATE … WHERE``). PostgreSQL takes the existing row's
lock and evaluates the guard on its latest version after waiting for a concurrent
writer; on SQLite the transaction holds the write lock. Either way two buyers of the
last place cannot both get it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
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


def slots_book(*, bookings: Iterable[SlotBooking]) -> None:
    """Take one place per booking (several bookings of one slot add up) or raise."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Slot bookings must run inside transaction.atomic().")
    counts = Counter(bookings)
    qn = connection.ops.quote_name
    table = qn(SlotLoad._meta.db_table)
    territory, target, starts_at, booked = (
        qn(SlotLoad._meta.get_field(name).column)  # type: ignore[union-attr,arg-type]
        for name in ("territory", "target", "starts_at", "booked")
    )
    # Only quoted table and column names go into the SQL; values are parameters.
    sql = (
        f"INSERT INTO {table} ({territory}, {target}, {starts_at}, {booked}) "  # noqa: S608
        f"VALUES (%s, %s, %s, %s) ON CONFLICT ({target}, {starts_at}) "
        f"DO UPDATE SET {booked} = {table}.{booked} + EXCLUDED.{booked} "
        f"WHERE {table}.{booked} + EXCLUDED.{booked} <= %s "
        f"RETURNING {qn(SlotLoad._meta.pk.column)}"
    )
    # A fixed order keeps two checkouts booking the same slots from deadlocking.
    with connection.cursor() as cursor:
        for booking in sorted(counts, key=lambda b: (b.target, b.starts_at)):
            wanted = counts[booking]
            taken = wanted <= booking.capacity
            if taken:
                cursor.execute(
                    sql,
                    (
                        booking.territory_id,
                        booking.target,
                        connection.ops.adapt_datetimefield_value(booking.starts_at),
                        wanted,
                        booking.capacity,
                    ),
                )
                taken = cursor.fetchone() is not None
            if not taken:
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
