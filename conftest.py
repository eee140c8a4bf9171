import pytest


@pytest.fixture
def territory(db):
    from cabas.factories import TerritoryFactory

    return TerritoryFactory(slug="ville", name="Ville-sur-Test")
