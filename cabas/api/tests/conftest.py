import datetime as dt

import pytest
from django.utils import timezone

from cabas.factories import CategoryFactory, TerritoryFactory

# Wednesday 12 March 2025, 10:00 in Paris (UTC+1).
WEDNESDAY_10AM = dt.datetime(2025, 3, 12, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def frozen_now(monkeypatch):
    """``timezone.now()`` answers Wednesday 10:00 Paris time for the whole test."""
    monkeypatch.setattr(timezone, "now", lambda: WEDNESDAY_10AM)
    return WEDNESDAY_10AM


@pytest.fixture
def other_territory(db):
    return TerritoryFactory(
        slug="autre-ville", name="Autre-Ville", centre_lat=45.19, centre_lon=5.72
    )


@pytest.fixture
def taxonomy(db):
    """Two families with rayons, like the real taxonomy."""
    food = CategoryFactory(slug="alimentation", name="Alimentation", name_en="Food", position=1)
    culture = CategoryFactory(
        slug="culture-loisirs", name="Culture et loisirs", name_en="Culture", position=2
    )
    return {
        "alimentation": food,
        "fromagerie": CategoryFactory(
            slug="fromagerie", name="Fromagerie", name_en="Cheese shop", parent=food
        ),
        "boulangerie": CategoryFactory(
            slug="boulangerie", name="Boulangerie", name_en="Bakery", parent=food
        ),
        "culture-loisirs": culture,
        "librairie": CategoryFactory(
            slug="librairie", name="Librairie", name_en="Bookshop", parent=culture
        ),
    }
