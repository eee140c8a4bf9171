"""Fixtures shared by the console, territories, pages, courier, reports and audit tests:
two territories, each with an operator and one object of every kind the console edits."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from dataclasses import dataclass

import pytest
from django.utils import timezone, translation

from cabas.audit.models import AuditEntry
from cabas.backoffice.models import JoinRequest
from cabas.courier.models import CourierZone
from cabas.factories import (
    ShopFactory,
    ShopMembershipFactory,
    TerritoryFactory,
    TerritoryMembershipFactory,
    UserFactory,
)
from cabas.fulfilment.models import CollectionPoint
from cabas.orders.models import Checkout, Order, OrderStatus
from cabas.pages.models import Announcement, Page, PageKind
from cabas.shops.models import Shop, ShopStatus
from cabas.territories.models import Territory

_codes = itertools.count(1)


@dataclass
class World:
    """One territory and its objects, as an operator of it sees them."""

    territory: Territory
    operator: object
    merchant: object
    shop: Shop
    pending_shop: Shop
    application: JoinRequest
    point: CollectionPoint
    zone: CourierZone
    page: Page
    announcement: Announcement
    audit_entry: AuditEntry


def build_world(slug: str, postcode_base: int) -> World:
    territory = TerritoryFactory(slug=slug, name=slug.capitalize())
    operator = TerritoryMembershipFactory(
        territory=territory, user=UserFactory(email=f"operateur@{slug}.example")
    ).user
    shop = ShopFactory(territory=territory, name=f"Épicerie de {slug}", slug=f"epicerie-{slug}")
    merchant = ShopMembershipFactory(
        shop=shop, user=UserFactory(email=f"gerant@{slug}.example")
    ).user
    pending_shop = ShopFactory(
        territory=territory,
        name=f"Nouvelle boutique de {slug}",
        slug=f"nouvelle-{slug}",
        status=ShopStatus.PENDING,
    )
    applicant = UserFactory(email=f"candidat@{slug}.example")
    ShopMembershipFactory(shop=pending_shop, user=applicant)
    application = JoinRequest.objects.create(
        territory=territory,
        shop=pending_shop,
        user=applicant,
        kind=JoinRequest.Kind.CREATE,
        message="Bonjour, nous ouvrons en mars.",
    )
    point = CollectionPoint.objects.create(
        territory=territory,
        slug=f"mairie-{slug}",
        name=f"Mairie de {slug}",
        address="Place de la Mairie",
        lat=48.85,
        lon=2.35,
        opening_hours="Mo-Fr 09:00-18:00",
    )
    zone = CourierZone.objects.create(
        territory=territory,
        name=f"Centre de {slug}",
        postcodes=f"{postcode_base} {postcode_base + 1}",
        fee_cents=350,
    )
    page = Page.objects.create(
        territory=territory, kind=PageKind.ABOUT, title=f"À propos de {slug}", body="Bonjour."
    )
    announcement = Announcement.objects.create(
        territory=territory,
        message=f"Marché de Noël à {slug}",
        starts_at=timezone.now() - dt.timedelta(days=1),
    )
    audit_entry = AuditEntry.objects.create(
        territory=territory, actor=operator, actor_label=operator.email, action="page.update"
    )
    return World(
        territory=territory,
        operator=operator,
        merchant=merchant,
        shop=shop,
        pending_shop=pending_shop,
        application=application,
        point=point,
        zone=zone,
        page=page,
        announcement=announcement,
        audit_entry=audit_entry,
    )


@pytest.fixture
def world_a(db) -> World:
    return build_world("aval", 35000)


@pytest.fixture
def world_b(db) -> World:
    return build_world("bourg", 22000)


@pytest.fixture
def operator_client(client, world_a):
    client.force_login(world_a.operator)
    return client


def make_order(
    *,
    shop: Shop,
    created_at: dt.datetime,
    subtotal_cents: int,
    status: str = OrderStatus.COLLECTED,
    method: str = "pickup",
    delivery_fee_cents: int = 0,
    commission_bp: int = 500,
) -> Order:
    """An order as checkout leaves it, dated ``created_at`` (reports read only these rows)."""
    code = next(_codes)
    total = subtotal_cents + delivery_fee_cents
    checkout = Checkout.objects.create(
        territory_id=shop.territory_id,
        idempotency_key=uuid.uuid4().hex,
        fingerprint="0" * 64,
        email=f"client{code}@example.org",
        phone="0600000000",
        payment_method="on_pickup",
        payment_status="pending",
        total_cents=total,
        access_token=uuid.uuid4().hex,
    )
    order = Order.objects.create(
        territory_id=shop.territory_id,
        checkout=checkout,
        shop=shop,
        status=status,
        fulfilment_method=method,
        slot_target=f"shop:{shop.pk}:pickup",
        slot_start=created_at + dt.timedelta(hours=2),
        slot_end=created_at + dt.timedelta(hours=3),
        subtotal_cents=subtotal_cents,
        delivery_fee_cents=delivery_fee_cents,
        total_cents=total,
        commission_bp=commission_bp,
        commission_cents=subtotal_cents * commission_bp // 10_000,
        payment_method="on_pickup",
        pickup_code=f"{code:06d}",
    )
    # created_at is set on insert; the reports read it, so the test chooses it.
    Order.objects.filter(pk=order.pk).update(created_at=created_at)
    order.created_at = created_at
    return order


@pytest.fixture(autouse=True)
def isolated_defaults(settings):
    # Argon2 is deliberately slow; these tests create a dozen accounts each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A request to an /en/ page leaves English active in the thread, and reverse()
    # would then build /en/ URLs: every test starts in French, the default.
    with translation.override(settings.LANGUAGE_CODE):
        yield
