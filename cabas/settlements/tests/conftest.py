import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from cabas.factories import (
    OfferFactory,
    ShopFactory,
    TerritoryFactory,
    TerritoryMembershipFactory,
    UserFactory,
)
from cabas.ledger.models import Account, Entry, LedgerTransaction
from cabas.reports.selectors import Period
from cabas.territories.models import TerritoryMembership

# Shared with the back office's tests; importing them offers them to this folder only.
from cabas.testing.fixtures import (  # noqa: F401
    hand_over,
    login,
    other_owner,
    owner,
    place_order,
    staff,
)
from cabas.vouchers.services import voucher_programme_create

SIRET = "73282932000074"  # a real-format SIRET whose Luhn checksum holds


def ledger_snapshot() -> tuple:
    """Everything a refused operation must leave untouched."""
    return (
        LedgerTransaction.objects.count(),
        Entry.objects.count(),
        sorted(Account.objects.values_list("pk", "balance_cents")),
    )


def around_today(territory) -> Period:
    """Yesterday to tomorrow in the territory's timezone: holds everything made now."""
    today = timezone.localtime(timezone.now(), ZoneInfo(territory.timezone)).date()
    return Period(
        start=today - dt.timedelta(days=1), end=today + dt.timedelta(days=1), tz=territory.timezone
    )


def period_query(period: Period) -> str:
    return f"?start={period.start.isoformat()}&end={period.end.isoformat()}"


def make_programme(territory, **overrides):
    now = timezone.now()
    params = {
        "territory": territory,
        "name": "Chèque Ville +50 %",
        "match_rate_bp": 5000,
        "cap_per_person_cents": 10_000,
        "budget_cents": 100_000,
        "valid_from": now - dt.timedelta(days=1),
        "valid_until": now + dt.timedelta(days=30),
    }
    params.update(overrides)
    return voucher_programme_create(**params)


@pytest.fixture
def shop(territory):
    return ShopFactory(
        territory=territory,
        slug="epicerie-du-port",
        name="Épicerie du Port",
        opening_hours="24/7",
        siret=SIRET,
        accepts_vouchers=True,
    )


@pytest.fixture
def other_shop(territory):
    return ShopFactory(
        territory=territory, slug="fromagerie", name="Fromagerie voisine", opening_hours="24/7"
    )


@pytest.fixture
def operator(territory):
    user = UserFactory(email="operatrice@example.org")
    TerritoryMembershipFactory(
        territory=territory, user=user, role=TerritoryMembership.Role.OPERATOR
    )
    return user


@pytest.fixture
def far_territory(db):
    return TerritoryFactory(slug="lointaine", name="Lointaine")


@pytest.fixture
def far_operator(far_territory):
    user = UserFactory(email="ailleurs@example.org")
    TerritoryMembershipFactory(
        territory=far_territory, user=user, role=TerritoryMembership.Role.OPERATOR
    )
    return user


@pytest.fixture
def offer(shop):
    return OfferFactory(shop=shop, sku="CAFE-250", price_cents=450, stock=100)
