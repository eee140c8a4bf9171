"""Opening hours: OSM syntax evaluated in the territory's timezone, never crashing."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cabas.shops import hours

PARIS = "Europe/Paris"


def paris(y, m, d, hh, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=ZoneInfo(PARIS))


def test_open_during_morning_and_afternoon_closed_at_lunch():
    expr = "Mo-Fr 09:00-12:00,14:00-19:00"
    # 2026-11-27 is a Friday.
    assert hours.state_at(expr, PARIS, paris(2026, 11, 27, 10)).state == "open"
    assert hours.state_at(expr, PARIS, paris(2026, 11, 27, 13)).state == "closed"
    assert hours.state_at(expr, PARIS, paris(2026, 11, 27, 18, 59)).state == "open"
    assert hours.state_at(expr, PARIS, paris(2026, 11, 27, 19)).state == "closed"


def test_next_change_is_reopening_time_after_lunch():
    state = hours.state_at("Mo-Fr 09:00-12:00,14:00-19:00", PARIS, paris(2026, 11, 27, 13))
    assert state.next_change == dt.datetime(2026, 11, 27, 14, 0)


def test_hours_past_midnight_stay_open_into_next_day():
    expr = "Sa 22:00-02:00"
    # Saturday 28 at 23:30 and Sunday 29 at 01:30 are both open.
    assert hours.state_at(expr, PARIS, paris(2026, 11, 28, 23, 30)).is_open
    assert hours.state_at(expr, PARIS, paris(2026, 11, 29, 1, 30)).is_open
    assert not hours.state_at(expr, PARIS, paris(2026, 11, 29, 2, 30)).is_open


def test_utc_instant_is_read_in_territory_time():
    # 08:30 UTC in winter is 09:30 in Paris: open; the same instant in UTC wall time is not.
    instant = dt.datetime(2026, 11, 27, 8, 30, tzinfo=dt.UTC)
    assert hours.state_at("Mo-Fr 09:00-19:00", PARIS, instant).is_open
    assert not hours.state_at("Mo-Fr 09:00-19:00", "UTC", instant).is_open


def test_summer_time_shift_is_respected():
    # 2026-07-03 (Friday) 07:30 UTC is 09:30 in Paris (UTC+2).
    instant = dt.datetime(2026, 7, 3, 7, 30, tzinfo=dt.UTC)
    assert hours.state_at("Mo-Fr 09:00-19:00", PARIS, instant).is_open


def test_exceptional_closure_overrides_hours_and_gives_reopening():
    closures = [(dt.date(2026, 11, 27), dt.date(2026, 11, 28))]
    state = hours.state_at("Mo-Su 09:00-19:00", PARIS, paris(2026, 11, 27, 10), closures)
    assert state.state == "closed"
    assert state.next_change == dt.datetime(2026, 11, 29, 9, 0)


def test_closure_on_another_day_changes_nothing():
    closures = [(dt.date(2026, 12, 24), dt.date(2026, 12, 26))]
    assert hours.state_at("Mo-Su 09:00-19:00", PARIS, paris(2026, 11, 27, 10), closures).is_open


def test_public_holiday_off_uses_french_holidays():
    # 2026-12-25 is a Friday and a French public holiday.
    expr = "Mo-Fr 09:00-19:00; PH off"
    assert not hours.state_at(expr, PARIS, paris(2026, 12, 25, 10)).is_open
    assert hours.state_at(expr, PARIS, paris(2026, 12, 24, 10)).is_open


@pytest.mark.parametrize(
    "expr",
    [
        "",
        "   ",
        "Sur Rendez-vous Uniquement",
        '"Sur Rendez-vous Uniquement"',
        "Mo-Fr 25:00-26:00",
        "Lu-Ve 9h-18h",
        "\x00",
        "Mo-Fr 09:00-",
        "🙂",
    ],
)
def test_invalid_hours_read_as_unknown_never_raise(expr):
    assert hours.parse(expr) is None
    state = hours.state_at(expr, PARIS, paris(2026, 11, 27, 10))
    assert state.state == "unknown"
    assert state.next_change is None
    assert hours.week_schedule(expr, dt.date(2026, 11, 23)) is None
    assert hours.is_open_at(expr, PARIS, paris(2026, 11, 27, 10)) is False


def test_always_open_has_no_next_change():
    state = hours.state_at("24/7", PARIS, paris(2026, 11, 27, 3))
    assert state.is_open
    assert state.next_change is None


def test_week_schedule_splits_intervals_at_midnight():
    days = hours.week_schedule(
        "Mo-Fr 09:00-12:00,14:00-19:00; Sa 22:00-02:00", dt.date(2026, 11, 23)
    )
    assert days is not None and len(days) == 7
    monday, saturday, sunday = days[0], days[5], days[6]
    assert monday.intervals == [(dt.time(9), dt.time(12)), (dt.time(14), dt.time(19))]
    assert saturday.intervals == [(dt.time(22), dt.time(0))]
    assert sunday.intervals == [(dt.time(0), dt.time(2))]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_any_string_never_crashes(expr):
    state = hours.state_at(expr, PARIS, paris(2026, 11, 27, 10))
    assert state.state in {"open", "closed", "unknown"}
