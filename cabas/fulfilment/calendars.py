"""Slot calendars: when a shop or a collection point can hand over orders.

Slots are cut from the opening hours (OpenStreetMap syntax, territory wall-clock
time) minus exceptional closures, start no earlier than now + preparation time,
and are returned as UTC instants (DESIGN 7). Pure computation, no database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from cabas.shops import hours

from .errors import FulfilmentError


@dataclass(frozen=True)
class SlotCalendar:
    target: str  # SlotLoad.target: shop:<id>:pickup, shop:<id>:delivery, point:<id>
    territory_id: int
    method: str
    tz: str
    opening_hours: str
    slot_minutes: int
    lead_minutes: int
    capacity: int
    horizon_days: int
    closures: tuple[tuple[dt.date, dt.date], ...] = ()
    shop_id: int | None = None
    collection_point_id: int | None = None


@dataclass(frozen=True)
class Slot:
    start: dt.datetime  # aware, UTC
    end: dt.datetime
    remaining: int


def _closed(closures: tuple[tuple[dt.date, dt.date], ...], day: dt.date) -> bool:
    return any(start <= day <= end for start, end in closures)


def _to_utc(local: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    return local.replace(tzinfo=zone).astimezone(dt.UTC)


def iter_slot_windows(
    calendar: SlotCalendar, now: dt.datetime
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """Each (start, end) slot of the horizon that the preparation time allows, in order.

    A generator: the earliest slot costs one day's work, not the whole horizon's.
    """
    zone = ZoneInfo(calendar.tz)
    local_now = hours.local_now(calendar.tz, now)
    earliest = local_now + dt.timedelta(minutes=calendar.lead_minutes)
    length = dt.timedelta(minutes=calendar.slot_minutes)
    first_day = local_now.date()
    for week_offset in range(0, calendar.horizon_days, 7):
        week = hours.week_schedule(
            calendar.opening_hours, first_day + dt.timedelta(days=week_offset)
        )
        if week is None:
            return
        for day in week:
            if (day.date - first_day).days >= calendar.horizon_days:
                return
            if _closed(calendar.closures, day.date):
                continue
            for open_at, close_at in day.intervals:
                begin = dt.datetime.combine(day.date, open_at)
                end = dt.datetime.combine(day.date, close_at)
                if close_at == dt.time(0, 0):
                    end += dt.timedelta(days=1)
                cursor = begin
                if cursor < earliest:
                    # Jump whole slots to the first one the preparation time allows.
                    skipped = -(-(earliest - cursor) // length)
                    cursor += skipped * length
                while cursor + length <= end:
                    yield _to_utc(cursor, zone), _to_utc(cursor + length, zone)
                    cursor += length


def slot_windows(calendar: SlotCalendar, now: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
    return list(iter_slot_windows(calendar, now))


def is_slot_start(calendar: SlotCalendar, start: dt.datetime, now: dt.datetime) -> bool:
    """Whether ``start`` begins one of the calendar's current slots (open, not past)."""
    return any(window_start == start for window_start, _ in slot_windows(calendar, now))


def parse_slot_start(value: object) -> dt.datetime | None:
    """An ISO 8601 instant with its offset, in UTC; empty means "the earliest slot".

    A time without offset is refused: which timezone would it be in?
    """
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        moment = value
    else:
        try:
            moment = dt.datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            raise FulfilmentError(
                "slot_invalid",
                _("Le créneau « %(slot)s » est illisible.") % {"slot": str(value)[:40]},
            ) from None
    if moment.tzinfo is None:
        raise FulfilmentError(
            "slot_invalid",
            _("Le créneau doit préciser son fuseau horaire (ex. 2031-06-14T17:00:00+02:00)."),
        )
    return moment.astimezone(dt.UTC)
