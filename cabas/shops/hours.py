"""Opening hours in OpenStreetMap syntax, evaluated in the territory's timezone.

Parsing is done by the maintained ``opening-hours-py`` library (a binding of the Rust
``opening-hours`` crate); this module adds caching, exceptional closures and the
French wording the storefront shows. An invalid string never raises: it reads as
"horaires non renseignés".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import opening_hours

STATE_OPEN = "open"
STATE_CLOSED = "closed"
STATE_UNKNOWN = "unknown"


_COMMENT_RE = re.compile(r'"[^"]*"')


@lru_cache(maxsize=8192)
def parse(expression: str) -> opening_hours.OpeningHours | None:
    """Parsed hours, or None when the string is empty or not valid OSM syntax.

    A value made only of a comment (``"Sur rendez-vous"``) gives no hours: the library
    would read it as open 24/7 with a comment, which would mislead a shopper.
    """
    text = (expression or "").strip()
    if not text or not _COMMENT_RE.sub("", text).strip(" ;,|"):
        return None
    try:
        return opening_hours.OpeningHours(text, country="FR")
    except Exception:  # the binding raises several error types for bad input
        return None


def is_valid(expression: str) -> bool:
    return parse(expression) is not None


def local_now(tz: str, at: dt.datetime | None = None) -> dt.datetime:
    """Naive wall-clock time in ``tz`` (what OSM hours are written in)."""
    moment = at or dt.datetime.now(dt.UTC)
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(ZoneInfo(tz)).replace(tzinfo=None)


@dataclass(frozen=True)
class OpenState:
    state: str  # open / closed / unknown
    next_change: dt.datetime | None  # naive, territory wall-clock time
    comment: str = ""

    @property
    def is_open(self) -> bool:
        return self.state == STATE_OPEN


def _closed_on(closures: list[tuple[dt.date, dt.date]], day: dt.date) -> dt.date | None:
    """End date of the closure covering ``day``, if any."""
    for start, end in closures:
        if start <= day <= end:
            return end
    return None


def state_at(
    expression: str,
    tz: str,
    at: dt.datetime | None = None,
    closures: list[tuple[dt.date, dt.date]] | None = None,
) -> OpenState:
    now = local_now(tz, at)
    closure_end = _closed_on(closures or [], now.date())
    if closure_end is not None:
        reopening = dt.datetime.combine(closure_end + dt.timedelta(days=1), dt.time())
        hours = parse(expression)
        if hours is not None and not hours.is_open(reopening):
            reopening = _next_change_safe(hours, reopening) or reopening
        return OpenState(STATE_CLOSED, reopening, "fermeture exceptionnelle")
    hours = parse(expression)
    if hours is None:
        return OpenState(STATE_UNKNOWN, None)
    try:
        state, comment = hours.state(now)
    except Exception:
        return OpenState(STATE_UNKNOWN, None)
    name = str(state).rsplit(".", 1)[-1].lower()
    if name not in (STATE_OPEN, STATE_CLOSED):
        name = STATE_UNKNOWN
    return OpenState(name, _next_change_safe(hours, now), comment or "")


def _next_change_safe(hours: opening_hours.OpeningHours, now: dt.datetime) -> dt.datetime | None:
    try:
        change = hours.next_change(now)
    except Exception:
        return None
    if change is None or change.year >= 9999:
        return None
    return change.replace(tzinfo=None) if change.tzinfo else change


def is_open_at(expression: str, tz: str, at: dt.datetime | None = None) -> bool:
    hours = parse(expression)
    if hours is None:
        return False
    try:
        return bool(hours.is_open(local_now(tz, at)))
    except Exception:
        return False


DAY_NAMES_FR = ["Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"]


@dataclass(frozen=True)
class DaySchedule:
    date: dt.date
    intervals: list[tuple[dt.time, dt.time]]  # open intervals; end 00:00 means midnight

    @property
    def weekday(self) -> int:
        return self.date.weekday()


def week_schedule(expression: str, start: dt.date) -> list[DaySchedule] | None:
    """The open intervals of the seven days from ``start``, or None if hours are unknown."""
    hours = parse(expression)
    if hours is None:
        return None
    begin = dt.datetime.combine(start, dt.time())
    end = begin + dt.timedelta(days=7)
    days: list[DaySchedule] = [DaySchedule(start + dt.timedelta(days=i), []) for i in range(7)]
    try:
        for lo, hi, state, _comment in hours.intervals(begin, end):
            if str(state).rsplit(".", 1)[-1].lower() != STATE_OPEN:
                continue
            cursor = lo
            while cursor < hi:
                day_end = dt.datetime.combine(cursor.date() + dt.timedelta(days=1), dt.time())
                piece_end = min(hi, day_end)
                index = (cursor.date() - start).days
                if 0 <= index < 7:
                    days[index].intervals.append((cursor.time(), piece_end.time()))
                cursor = piece_end
    except Exception:
        return None
    return days
