import datetime as dt

import pytest

from cabas.orders.tests.concurrency import use_file_sqlite_for_tests


def pytest_configure(config):
    use_file_sqlite_for_tests()


@pytest.fixture
def shop_factory(territory):
    from cabas.factories import ShopFactory

    def make(**kwargs):
        kwargs.setdefault("territory", territory)
        kwargs.setdefault("opening_hours", "24/7")
        return ShopFactory(**kwargs)

    return make


@pytest.fixture
def offer_factory(shop_factory):
    from cabas.factories import OfferFactory

    def make(shop=None, **kwargs):
        return OfferFactory(shop=shop or shop_factory(), **kwargs)

    return make


@pytest.fixture
def wednesday_morning():
    # Wednesday 11 June 2031, 08:00 in Paris (06:00 UTC).
    return dt.datetime(2031, 6, 11, 6, 0, tzinfo=dt.UTC)
