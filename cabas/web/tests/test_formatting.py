"""The words of the storefront: opening states, clock times, distances, stock, colours."""

import datetime as dt

import pytest
from django.utils import translation

from cabas.shops.hours import OpenState
from cabas.web import formatting

MONDAY = dt.datetime(2025, 1, 6, 10, 0)


def state(name: str, change: dt.datetime | None, comment: str = "") -> OpenState:
    return OpenState(name, change, comment)


@pytest.mark.parametrize(
    ("open_state", "french", "english"),
    [
        (state("open", MONDAY.replace(hour=19)), "Ouvert · ferme à 19 h", "Open · closes at 7 pm"),
        (
            state("open", MONDAY.replace(hour=12, minute=30)),
            "Ouvert · ferme à 12 h 30",
            "Open · closes at 12:30 pm",
        ),
        (
            state("open", dt.datetime(2025, 1, 7)),
            "Ouvert · ferme à minuit",
            "Open · closes at midnight",
        ),
        (
            state("open", dt.datetime(2025, 1, 7, 2)),
            "Ouvert · ferme demain à 2 h",
            "Open · closes tomorrow at 2 am",
        ),
        (state("open", None), "Ouvert", "Open"),
        (
            state("closed", MONDAY.replace(hour=14)),
            "Fermé · ouvre à 14 h",
            "Closed · opens at 2 pm",
        ),
        (
            state("closed", dt.datetime(2025, 1, 7, 9)),
            "Fermé · ouvre demain à 9 h",
            "Closed · opens tomorrow at 9 am",
        ),
        (
            state("closed", dt.datetime(2025, 1, 9, 9)),
            "Fermé · ouvre jeudi à 9 h",
            "Closed · opens Thursday at 9 am",
        ),
        (
            state("closed", dt.datetime(2025, 2, 1, 9)),
            "Fermé · ouvre le 1 février à 9 h",
            "Closed · opens on 1 February at 9 am",
        ),
        (
            state("closed", dt.datetime(2025, 1, 7, 9), "fermeture exceptionnelle"),
            "Fermé exceptionnellement · ouvre demain à 9 h",
            "Exceptionally closed · opens tomorrow at 9 am",
        ),
        (state("closed", None), "Fermé", "Closed"),
        (state("unknown", None), "Horaires non renseignés", "Opening hours not given"),
    ],
)
def test_open_state_label_in_french_and_english(open_state, french, english):
    with translation.override("fr"):
        assert formatting.open_state_label(open_state, MONDAY) == french
    with translation.override("en"):
        assert formatting.open_state_label(open_state, MONDAY) == english


@pytest.mark.parametrize(
    ("km", "french", "english"),
    [
        (0.001, "10 m", "10 m"),
        (0.349, "350 m", "350 m"),
        (0.998, "1 km", "1 km"),
        (1.24, "1,2 km", "1.2 km"),
        (12.6, "13 km", "13 km"),
    ],
)
def test_distance(km, french, english):
    with translation.override("fr"):
        assert formatting.distance(km) == french
    with translation.override("en"):
        assert formatting.distance(km) == english


def test_numbers_use_the_locale_separators():
    with translation.override("fr"):
        assert formatting.number(2440) == "2\u202f440"
    with translation.override("en"):
        assert formatting.number(2440) == "2,440"


@pytest.mark.parametrize(
    ("stock", "french", "english"),
    [
        (None, "Sur demande", "On request"),
        (0, "Rupture", "Out of stock"),
        (1, "Plus que 1", "Only 1 left"),
        (3, "Plus que 3", "Only 3 left"),
        (4, "En stock", "In stock"),
    ],
)
def test_stock_label(stock, french, english):
    with translation.override("fr"):
        assert formatting.stock_label(stock) == french
    with translation.override("en"):
        assert formatting.stock_label(stock) == english


@pytest.mark.parametrize("colour", ["#ffffff", "#ffee00", "#7fd3ff", "#1d5e3a", "oops", ""])
def test_accessible_brand_reaches_aa_contrast_with_white(colour):
    assert formatting.contrast_with_white(formatting.accessible_brand(colour)) >= 4.5


def test_accessible_brand_keeps_a_colour_that_is_already_dark_enough():
    assert formatting.accessible_brand("#1D5E3A") == "#1d5e3a"


def test_week_table_marks_today_and_closures():
    class Closure:
        start_date = end_date = dt.date(2025, 1, 7)
        reason = "Inventaire"

    with translation.override("fr"):
        rows = formatting.week_table("Mo-Sa 09:00-19:00", dt.date(2025, 1, 6), [Closure()])

    assert [row.is_today for row in rows] == [True] + [False] * 6
    assert rows[0].hours == ["9 h – 19 h"]
    assert rows[1].hours == ["Fermeture exceptionnelle"] and rows[1].closure_reason == "Inventaire"
    assert rows[6].hours == ["Fermé"] and not rows[6].is_open


def test_week_table_is_none_for_unknown_hours():
    assert formatting.week_table("n'importe quoi", dt.date(2025, 1, 6), []) is None


def test_open_all_day_reads_as_24_hours():
    with translation.override("fr"):
        rows = formatting.week_table("24/7", dt.date(2025, 1, 6), [])
    assert rows[0].hours == ["24 h sur 24"]
