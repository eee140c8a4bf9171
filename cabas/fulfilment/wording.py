"""How slots and ready times read to a person ("prêt aujourd'hui dès 17 h")."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from django.utils.translation import get_language
from django.utils.translation import gettext as _


def _locale() -> str:
    return {"fr": "fr_FR", "en": "en_GB"}.get((get_language() or "fr")[:2], "fr_FR")


def format_hour(moment: dt.time) -> str:
    """French typography: ``17 h``, ``9 h 30``; other languages their short time."""
    if _locale().startswith("fr"):
        if moment.minute:
            return f"{moment.hour}\u00a0h\u00a0{moment.minute:02d}"
        return f"{moment.hour}\u00a0h"
    return format_time(moment, "short", locale=_locale())


def _day_word(day: dt.date, today: dt.date) -> str | None:
    if day == today:
        return "today"
    if day == today + dt.timedelta(days=1):
        return "tomorrow"
    return None


def ready_text(start: dt.datetime, tz: str, now: dt.datetime, *, delivery: bool = False) -> str:
    """``prêt aujourd'hui dès 17 h``, ``prêt demain dès 9 h 30``, ``prêt jeudi dès 10 h``."""
    zone = ZoneInfo(tz)
    local = start.astimezone(zone)
    today = now.astimezone(zone).date()
    time = format_hour(local.time())
    word = _day_word(local.date(), today)
    if delivery:
        if word == "today":
            return _("livrable aujourd'hui dès %(time)s") % {"time": time}
        if word == "tomorrow":
            return _("livrable demain dès %(time)s") % {"time": time}
        return _("livrable %(day)s dès %(time)s") % {"day": _weekday(local.date()), "time": time}
    if word == "today":
        return _("prêt aujourd'hui dès %(time)s") % {"time": time}
    if word == "tomorrow":
        return _("prêt demain dès %(time)s") % {"time": time}
    return _("prêt %(day)s dès %(time)s") % {"day": _weekday(local.date()), "time": time}


def _weekday(day: dt.date) -> str:
    return format_date(day, "EEEE d MMMM", locale=_locale())


def slot_label(start: dt.datetime, end: dt.datetime, tz: str, now: dt.datetime) -> str:
    """``aujourd'hui, 17 h – 17 h 30`` / ``samedi 14 juin, 9 h – 9 h 30``."""
    zone = ZoneInfo(tz)
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    today = now.astimezone(zone).date()
    word = _day_word(local_start.date(), today)
    if word == "today":
        day = _("aujourd'hui")
    elif word == "tomorrow":
        day = _("demain")
    else:
        day = _weekday(local_start.date())
    return _("%(day)s, %(start)s – %(end)s") % {
        "day": day,
        "start": format_hour(local_start.time()),
        "end": format_hour(local_end.time()),
    }
