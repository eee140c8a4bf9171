"""Words the storefront shows for times, distances, stock and opening states.

Everything here follows the active language (French first, English second) so that
templates stay free of formatting logic.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from babel.numbers import format_decimal
from django.utils import dateformat
from django.utils.translation import get_language, gettext, ngettext, pgettext

from cabas.catalog.models import Category
from cabas.shops import hours

# The closure comment set by ``hours.state_at`` when an exceptional closure applies.
CLOSURE_COMMENT = "fermeture exceptionnelle"

_BABEL_LOCALES = {"fr": "fr_FR", "en": "en_GB"}
_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_BRAND = "#1d5e3a"


def babel_locale() -> str:
    return _BABEL_LOCALES.get((get_language() or "fr")[:2], "fr_FR")


def is_english() -> bool:
    return (get_language() or "fr").startswith("en")


def number(value: float | int, decimals: int = 0) -> str:
    """A number with the locale's separators: ``2 440`` in French, ``2,440`` in English."""
    return _number(value, decimals, babel_locale())


@lru_cache(maxsize=4096)
def _number(value: float | int, decimals: int, locale: str) -> str:
    # Babel takes about 40 µs a number; the counts of a page repeat from one to the next.
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=locale)


def clock(moment: dt.time) -> str:
    """``19 h``/``9 h 30`` in French, ``7 pm``/``9:30 am`` in English; midnight spelt out."""
    if moment.hour == 0 and moment.minute == 0:
        return pgettext("clock", "minuit")
    if is_english():
        if moment.hour == 12 and moment.minute == 0:
            return "noon"
        hour12 = moment.hour % 12 or 12
        suffix = "am" if moment.hour < 12 else "pm"
        minutes = f":{moment.minute:02d}" if moment.minute else ""
        return f"{hour12}{minutes} {suffix}"
    if moment.minute:
        return f"{moment.hour} h {moment.minute:02d}"
    return f"{moment.hour} h"


def interval(start: dt.time, end: dt.time) -> str:
    if start == end == dt.time(0, 0):
        return gettext("24 h sur 24")
    return f"{clock(start)} – {clock(end)}"


def day_name(day: dt.date) -> str:
    """Localised day of the week: ``lundi`` in French, ``Monday`` in English."""
    return dateformat.format(day, "l")


def day_month(day: dt.date) -> str:
    """``24 décembre`` in French, ``24 December`` in English."""
    return dateformat.format(day, "j F")


def _when(change: dt.datetime, now: dt.datetime) -> tuple[str, str]:
    """How far the next change is ("today", "tomorrow", a weekday, a date) and at what time.

    A change at midnight belongs to the evening before ("ferme à minuit", not
    "ferme demain à minuit").
    """
    day = change.date()
    if change.time() == dt.time(0, 0):
        day -= dt.timedelta(days=1)
    delta = (day - now.date()).days
    at = clock(change.time())
    if delta <= 0:
        return "today", at
    if delta == 1:
        return "tomorrow", at
    if delta < 7:
        return day_name(day), at
    return "date:" + day_month(day), at


def open_state_label(state: hours.OpenState, now: dt.datetime) -> str:
    """The badge text: "Ouvert · ferme à 19 h", "Fermé · ouvre demain à 9 h"…

    ``now`` is the territory's wall-clock time (naive), like ``state.next_change``.
    """
    if state.state == hours.STATE_UNKNOWN:
        return gettext("Horaires non renseignés")
    if state.is_open:
        if state.next_change is None:
            return gettext("Ouvert")
        when, at = _when(state.next_change, now)
        if when == "today":
            return gettext("Ouvert · ferme à %(time)s") % {"time": at}
        if when == "tomorrow":
            return gettext("Ouvert · ferme demain à %(time)s") % {"time": at}
        if when.startswith("date:"):
            return gettext("Ouvert · ferme le %(date)s à %(time)s") % {
                "date": when[5:],
                "time": at,
            }
        return gettext("Ouvert · ferme %(day)s à %(time)s") % {"day": when, "time": at}
    closed = (
        gettext("Fermé exceptionnellement")
        if state.comment == CLOSURE_COMMENT
        else gettext("Fermé")
    )
    if state.next_change is None:
        return closed
    when, at = _when(state.next_change, now)
    if when == "today":
        opens = gettext("ouvre à %(time)s") % {"time": at}
    elif when == "tomorrow":
        opens = gettext("ouvre demain à %(time)s") % {"time": at}
    elif when.startswith("date:"):
        opens = gettext("ouvre le %(date)s à %(time)s") % {"date": when[5:], "time": at}
    else:
        opens = gettext("ouvre %(day)s à %(time)s") % {"day": when, "time": at}
    return f"{closed} · {opens}"


def distance(km: float | None) -> str:
    """``350 m`` under a kilometre, ``1,2 km`` above (``1.2 km`` in English)."""
    if km is None:
        return ""
    metres = max(10, int(round(km * 1000, -1)))
    if metres < 1000:
        return f"{metres} m"
    decimals = 1 if km < 10 and round(km, 1) != round(km) else 0
    return f"{number(km, decimals)} km"


def stock_label(stock: int | None) -> str:
    """ "En stock", "Plus que 2", "Rupture" or "Sur demande" (stock not tracked)."""
    if stock is None:
        return gettext("Sur demande")
    if stock <= 0:
        return gettext("Rupture")
    if stock <= 3:
        return ngettext("Plus que %(count)d", "Plus que %(count)d", stock) % {"count": stock}
    return gettext("En stock")


def service_labels() -> dict[str, str]:
    """The services' names in the active language, by code."""
    return {
        "click_collect": gettext("Retrait en boutique"),
        "delivery": gettext("Livraison"),
        "vouchers": gettext("Chèques-cadeaux acceptés"),
    }


def service_label(code: str) -> str:
    return service_labels().get(code, code)


def category_name(category: Category | None) -> str:
    """A category's name in the active language (French when no English name is known)."""
    if category is None:
        return ""
    if is_english() and category.name_en:
        return category.name_en
    return category.name


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_with_white(hex_colour: str) -> float:
    return 1.05 / (_luminance(hex_colour) + 0.05)


# Above AA's 4.5:1 so that brand-coloured links stay readable on the light brand tint too.
BRAND_MIN_CONTRAST = 5.2


def accessible_brand(colour: str) -> str:
    """The territory colour, darkened until white text on it passes WCAG AA with a margin.

    Operators pick any colour; the storefront keeps it readable rather than refuse it.
    """
    value = colour if _HEX_COLOUR.match(colour or "") else DEFAULT_BRAND
    value = value.lower()
    for _ in range(40):
        if contrast_with_white(value) >= BRAND_MIN_CONTRAST:
            return value
        r, g, b = (int(value[i : i + 2], 16) for i in (1, 3, 5))
        value = "#{:02x}{:02x}{:02x}".format(*(int(c * 0.9) for c in (r, g, b)))
    return value


@dataclass(frozen=True)
class DayRow:
    date: dt.date
    label: str  # "lundi 6 janvier"
    is_today: bool
    hours: list[str]  # ["9 h – 12 h 30", "14 h – 19 h"], ["Fermé"] or ["Fermeture exceptionnelle"]
    is_open: bool
    closure_reason: str = ""


def week_table(expression: str, today: dt.date, closures: list) -> list[DayRow] | None:
    """Seven rows from ``today`` for the hours table; None when hours are unknown.

    ``closures`` are objects with ``start_date``, ``end_date`` and ``reason``: on those
    days the shop is closed whatever its usual hours say.
    """
    days = hours.week_schedule(expression, today)
    if days is None:
        return None
    rows = []
    for day in days:
        closure = next((c for c in closures if c.start_date <= day.date <= c.end_date), None)
        label = f"{day_name(day.date)} {day_month(day.date)}"
        if closure is not None:
            rows.append(
                DayRow(
                    day.date,
                    label,
                    day.date == today,
                    [gettext("Fermeture exceptionnelle")],
                    False,
                    closure.reason,
                )
            )
            continue
        texts = [interval(start, end) for start, end in day.intervals]
        rows.append(
            DayRow(day.date, label, day.date == today, texts or [gettext("Fermé")], bool(texts))
        )
    return rows
