"""The pickup slot as an iCalendar (RFC 5545) event, attached to the emails."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar, Event, vText


def pickup_event_ics(
    *,
    uid: str,
    summary: str,
    start: dt.datetime,
    end: dt.datetime,
    location: str,
    description: str,
    stamp: dt.datetime,
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Cabas//Commandes//FR")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp.astimezone(dt.UTC))
    event.add("dtstart", start.astimezone(dt.UTC))
    event.add("dtend", end.astimezone(dt.UTC))
    event.add("summary", summary)
    event["location"] = vText(location)
    event.add("description", description)
    calendar.add_component(event)
    return calendar.to_ical()
