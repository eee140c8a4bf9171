import pytest

from cabas.orders.tests.concurrency import use_file_sqlite_for_tests
from cabas.orders.tests.fixtures import (  # noqa: F401
    baker,
    bookshop,
    bread,
    elsewhere_offer,
    novel,
    offer_factory,
    shop_factory,
)


def pytest_configure(config):
    use_file_sqlite_for_tests()


@pytest.fixture(autouse=True)
def commerce_urls(settings):
    settings.ROOT_URLCONF = "cabas.orders.tests.urls"
