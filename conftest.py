import pytest


@pytest.fixture
def territory(db):
    from cabas.factories import TerritoryFactory

    return TerritoryFactory(slug="ville", name="Ville-sur-Test")


@pytest.fixture(autouse=True)
def _french_after_each_test():
    """A request to an /en/ page leaves English active in the thread; reset to French."""
    yield
    from django.utils import translation

    translation.activate("fr")


@pytest.fixture(autouse=True)
def _empty_cache_after_each_test():
    """Throttling counters and cached lookups never leak from one test into the next."""
    yield
    from django.core.cache import cache

    cache.clear()
