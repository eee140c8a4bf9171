import datetime as dt

import pytest

from cabas.catalog.taxonomy import RAYON_SLUGS
from cabas.demo.opening import TYPICAL_HOURS, demo_opening_hours
from cabas.shops import hours


def test_every_rayon_has_typical_hours():
    assert set(TYPICAL_HOURS) == RAYON_SLUGS


@pytest.mark.parametrize("rayon", sorted(TYPICAL_HOURS))
def test_generated_hours_are_valid_osm_syntax_for_every_rayon(rayon):
    generated = {demo_opening_hours(rayon, f"shop-{n}") for n in range(40)}

    assert all(hours.is_valid(text) for text in generated)
    assert len(generated) > 1  # shops of one rayon do not all share the same hours


def test_generated_hours_depend_only_on_the_seed():
    assert demo_opening_hours("librairie", "paris-0042") == demo_opening_hours(
        "librairie", "paris-0042"
    )


def test_bakery_hours_open_in_the_morning_and_keep_the_pattern():
    text = demo_opening_hours("boulangerie-patisserie", "paris-0001")

    week = hours.week_schedule(text, dt.date(2026, 3, 2))
    assert week is not None
    opening_times = [day.intervals[0][0].hour for day in week if day.intervals]
    assert opening_times and all(6 <= hour <= 8 for hour in opening_times)
