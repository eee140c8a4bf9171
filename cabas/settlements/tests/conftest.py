import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from cabas.factories import (
    OfferFactory,
    ShopFactory,
    ShopMembershipFactory,
    TerritoryFactory,
    TerritoryMembershipFactory,
    UserFactory,
)
from cabas.ledger.models import Account, Entry, LedgerTransaction
from cabas.orders.models import OrderStatus
from cabas.orders.requests import CheckoutRequest, LineRequest
from cabas.orders.services import checkout_place, order_transition
from cabas.orders.transitions import Role
from cabas.reports.selectors import Period
from cabas.shops.models import ShopMembership
from cabas.territories.models import TerritoryMembership
from cabas.vouchers.services import voucher_programme_create

SIRET = "73282932000074"  # a real-format SIRET whose Luhn checksum holds


def ledger_snapshot() -> tuple:
    """Everything a refused operation must leave untouched."""
    return (
        LedgerTransaction.objects.count(),
        Entry.objects.count(),
        sorted(Account.objects.values_list("pk", "balance_cents")),
    )


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


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


def place_order(offer, quantity=1):
    checkout = checkout_place(
        request=CheckoutRequest(
            idempotency_key=uuid.uuid4().hex,
            user_id=None,
            email="client@example.org",
            phone="06 12 34 56 78",
            name="Claire",
            lines=(LineRequest(offer.pk, quantity),),
        ),
        cart=None,
    ).checkout
    return checkout.orders.get()


def hand_over(order):
    for status in (OrderStatus.ACCEPTED, OrderStatus.READY, OrderStatus.COLLECTED):
        order_transition(order_id=order.pk, to_status=status, role=Role.SHOP, shop_id=order.shop_id)
    order.refresh_from_db()
    return order


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
def owner(shop):
    user = UserFactory(email="gerante@example.org")
    ShopMembershipFactory(shop=shop, user=user, role=ShopMembership.Role.OWNER)
    return user


@pytest.fixture
def staff(shop):
    user = UserFactory(email="equipier@example.org")
    ShopMembershipFactory(shop=shop, user=user, role=ShopMembership.Role.STAFF)
    return user


@pytest.fixture
def other_owner(other_shop):
    user = UserFactory(email="voisin@example.org")
    ShopMembershipFactory(shop=other_shop, user=user, role=ShopMembership.Role.OWNER)
    return user


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
