import datetime as dt

import pytest
from django.utils import timezone

from cabas.factories import CategoryFactory, TerritoryFactory

# Monday 6 January 2025, 10:00 in Paris (09:00 UTC): most shops are open.
MONDAY_10AM = dt.datetime(2025, 1, 6, 9, 0, tzinfo=dt.UTC)
# Monday 6 January 2025, 20:00 in Paris: a Mo-Sa 09:00-19:00 shop is closed.
MONDAY_8PM = dt.datetime(2025, 1, 6, 19, 0, tzinfo=dt.UTC)


@pytest.fixture
def freeze(monkeypatch):
    """``freeze(moment)`` makes ``timezone.now()`` answer ``moment`` for the rest of the test."""

    def _freeze(moment: dt.datetime) -> dt.datetime:
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return _freeze


@pytest.fixture
def paris(db):
    return TerritoryFactory(
        slug="paris",
        name="Paris",
        centre_lat=48.8566,
        centre_lon=2.3522,
        data_attribution="Commerces : Ville de Paris (ODbL)",
    )


@pytest.fixture
def taxonomy(db):
    """Two families with their rayons, like the real taxonomy."""
    food = CategoryFactory(slug="alimentation", name="Alimentation", name_en="Food", position=1)
    culture = CategoryFactory(
        slug="culture-loisirs", name="Culture et loisirs", name_en="Culture and leisure", position=2
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
