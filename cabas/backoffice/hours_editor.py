"""The weekly opening-hours editor: per-day rows of up to two intervals ⇄ OSM syntax.

``week_to_osm`` writes what the rows say (days with the same intervals grouped:
``Mo-Fr 09:00-12:30,14:00-19:00; Sa 09:00-18:00``); ``osm_to_week`` fills the rows
back from an expression when it is that simple, else returns None and the editor
shows the expert field only, so that nothing the rows cannot say is lost.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

OSM_DAYS = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
Interval = tuple[str, str]  # ("09:00", "12:30"); "24:00" is midnight at the end of the day
Week = list[list[Interval]]  # seven days, Monday first

_TIME_RE = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")
_RULE_RE = re.compile(
    r"^(?P<days>(?:Mo|Tu|We|Th|Fr|Sa|Su)(?:-(?:Mo|Tu|We|Th|Fr|Sa|Su))?"
    r"(?:,(?:Mo|Tu|We|Th|Fr|Sa|Su)(?:-(?:Mo|Tu|We|Th|Fr|Sa|Su))?)*)"
    r"\s+(?P<times>off|closed|\d\d:\d\d-\d\d:\d\d(?:,\d\d:\d\d-\d\d:\d\d)*)$"
)


def minutes(value: str) -> int:
    hours, mins = value.split(":")
    return int(hours) * 60 + int(mins)


def valid_time(value: str) -> bool:
    match = _TIME_RE.match(value)
    return bool(match) and (match.group(1) != "24" or match.group(2) == "00")


def day_errors(intervals: list[Interval]) -> list[str]:
    """French messages for a day whose intervals do not make sense (empty when fine)."""
    errors = []
    previous_end = -1
    for index, (start, end) in enumerate(intervals, start=1):
        if not valid_time(start) or not valid_time(end):
            errors.append(f"Plage {index} : heures au format HH:MM (par exemple 09:30).")
            continue
        if minutes(end) <= minutes(start):
            errors.append(
                f"Plage {index} : la fermeture ({end}) doit suivre l'ouverture ({start})."
            )
        elif minutes(start) <= previous_end:
            errors.append(
                _("Plage %(index)s : elle doit commencer après la fin de la plage 1.")
                % {"index": index}
            )
        previous_end = minutes(end)
    return errors


def _day_ranges(days: list[int]) -> str:
    parts: list[str] = []
    start = prev = days[0]
    for day in [*days[1:], None]:
        if day is not None and day == prev + 1:
            prev = day
            continue
        if prev == start:
            parts.append(OSM_DAYS[start])
        elif prev == start + 1:
            parts.append(f"{OSM_DAYS[start]},{OSM_DAYS[prev]}")
        else:
            parts.append(f"{OSM_DAYS[start]}-{OSM_DAYS[prev]}")
        if day is not None:
            start = prev = day
    return ",".join(parts)


def week_to_osm(week: Week) -> str:
    """The OSM expression of a week; days without intervals are closed (left out)."""
    groups: dict[tuple[Interval, ...], list[int]] = {}
    for day, intervals in enumerate(week):
        if intervals:
            groups.setdefault(tuple(intervals), []).append(day)
    rules = sorted(groups.items(), key=lambda item: item[1][0])
    return "; ".join(
        f"{_day_ranges(days)} {','.join(f'{a}-{b}' for a, b in intervals)}"
        for intervals, days in rules
    )


def _expand_days(spec: str) -> list[int]:
    days: list[int] = []
    for part in spec.split(","):
        if "-" in part:
            first, last = (OSM_DAYS.index(name) for name in part.split("-"))
            if last < first:
                days.extend([*range(first, 7), *range(0, last + 1)])
            else:
                days.extend(range(first, last + 1))
        else:
            days.append(OSM_DAYS.index(part))
    return days


def osm_to_week(expression: str) -> Week | None:
    """The rows for a simple expression (day rules of at most two intervals), else None."""
    week: Week = [[] for _day in OSM_DAYS]
    text = expression.strip()
    if not text:
        return week
    if text == "24/7":
        return [[("00:00", "24:00")] for _day in OSM_DAYS]
    for rule in (part.strip() for part in text.split(";")):
        if not rule:
            continue
        match = _RULE_RE.match(rule)
        if not match:
            return None
        times = match.group("times")
        intervals: list[Interval] = []
        if times not in ("off", "closed"):
            for chunk in times.split(","):
                start, end = chunk.split("-")
                intervals.append((start, end))
        if len(intervals) > 2 or day_errors(intervals):
            return None
        for day in _expand_days(match.group("days")):
            week[day] = intervals  # a later rule overrides an earlier one, as in OSM
    return week


def parse_time_field(value: str) -> str:
    """``9h30``, ``9:30``, ``0930`` → ``09:30``; anything else is returned as typed."""
    text = value.strip().lower().replace("h", ":").replace(".", ":")
    if text.endswith(":"):
        text += "00"
    if re.fullmatch(r"\d{3,4}", text):
        text = f"{text[:-2]}:{text[-2:]}"
    if re.fullmatch(r"\d{1,2}", text):
        text = f"{text}:00"
    if re.fullmatch(r"\d:\d\d", text):
        text = "0" + text
    return text
