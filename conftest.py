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


@pytest.fixture(autouse=True, scope="session")
def _page_cache_off():
    """Tests render every page: a test that counts queries or changes stock between two
    views must see the rendering, not the page cache. ``cabas/web/tests/test_page_cache.py``
    turns it on; the smoke test of the real stack (``deploy/smoke.py``) runs with it, as
    production does."""
    from django.conf import settings

    before = settings.STOREFRONT_PAGE_SECONDS
    settings.STOREFRONT_PAGE_SECONDS = 0
    yield
    settings.STOREFRONT_PAGE_SECONDS = before
