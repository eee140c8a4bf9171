import datetime as dt

import pytest

from cabas.factories import ShopFactory, TerritoryFactory, UserFactory
from cabas.ledger.models import Account, Entry, LedgerTransaction
from cabas.vouchers.services import voucher_programme_create

NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)


def ledger_snapshot() -> tuple:
    """Everything a refused operation must leave untouched."""
    return (
        LedgerTransaction.objects.count(),
        Entry.objects.count(),
        sorted(Account.objects.values_list("pk", "balance_cents")),
    )


def make_programme(territory, **overrides):
    params = {
        "territory": territory,
        "name": "+50 % offerts par la ville",
        "match_rate_bp": 5000,
        "cap_per_person_cents": 5000,
        "budget_cents": 100_000,
        "valid_from": NOW - dt.timedelta(days=1),
        "valid_until": NOW + dt.timedelta(days=30),
    }
    params.update(overrides)
    return voucher_programme_create(**params)


@pytest.fixture
def shop(territory):
    return ShopFactory(territory=territory)


@pytest.fixture
def shopper(db):
    return UserFactory()


@pytest.fixture
def other_territory(db):
    return TerritoryFactory(slug="ailleurs", name="Ailleurs")
