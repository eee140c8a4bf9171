"""Two complete territories for the security tests (schema fuzzing, authorization matrix).

Each holds what the console isolation tests use (:func:`cabas.console.tests.fixtures.build_world`)
plus a shop owner and a staff member, an offer, a shopper with an order and a saved list,
and API tokens (one for the shop, one for the territory). Built once per test module
inside a transaction that is rolled back when the module ends: every test still runs in
its own savepoint (``db``), so what one test writes never reaches the next.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.middleware.csrf import _get_new_csrf_string

from cabas.apitokens.services import api_token_create
from cabas.backoffice.imports.services import import_upload
from cabas.backoffice.models import TeamInvitation
from cabas.catalog.models import Offer
from cabas.console.tests.fixtures import World, build_world
from cabas.factories import (
    OfferFactory,
    ProductFactory,
    ShopClosureFactory,
    ShopMembershipFactory,
    UserFactory,
)
from cabas.fulfilment.models import DeliveryZone
from cabas.habits.models import AvailabilityAlert
from cabas.habits.services import news_post
from cabas.orders.models import Order
from cabas.planner.models import SavedList
from cabas.shops.models import ShopMembership
from cabas.testing.fixtures import login, place_order
from cabas.vouchers.models import ProgrammeStatus
from cabas.vouchers.services import gift_card_issue, voucher_programme_create, voucher_redeem

PASSWORD = "motdepasse-solide-42"


@dataclass
class Tenant:
    """One territory with a person in every role and an object of every kind."""

    console: World
    owner: object
    staff: object
    shopper: object
    offer: Offer
    order: Order
    shop_token: str
    territory_token: str
    saved_list: SavedList
    alert: AvailabilityAlert
    # Ids of the shop's objects that back-office URLs name (closure, zone, import…).
    extra_ids: dict[str, int] = field(default_factory=dict)

    @property
    def territory(self):
        return self.console.territory

    @property
    def shop(self):
        return self.console.shop

    @property
    def operator(self):
        return self.console.operator


def build_tenant(slug: str, postcode_base: int) -> Tenant:
    console = build_world(slug, postcode_base)
    shop = console.shop
    shop.opening_hours = "24/7"
    shop.save(update_fields=["opening_hours"])
    owner = console.merchant  # build_world makes them the shop's owner
    staff = UserFactory(email=f"equipier@{slug}.example")
    ShopMembershipFactory(shop=shop, user=staff, role=ShopMembership.Role.STAFF)
    shopper = UserFactory(email=f"client@{slug}.example")
    offer = OfferFactory(
        shop=shop,
        sku=f"CAFE-{slug.upper()}",
        product=ProductFactory(
            territory=console.territory, name=f"Café de {slug}", brand="Brûlerie"
        ),
        price_cents=450,
        stock=500,
    )
    order = place_order(offer, user=shopper)
    shop_token, shop_raw = api_token_create(territory=console.territory, shop=shop, name="Caisse")
    _token, territory_raw = api_token_create(
        territory=console.territory, shop=None, name="Opérateur"
    )
    card = gift_card_issue(territory=console.territory, amount_cents=5000, buyer_email="a@b.fr")
    redemption = voucher_redeem(
        code=card.code, shop=shop, amount_cents=100, reference="t", idempotency_key=f"t-{slug}"
    )
    extra_ids = {
        "closure_id": ShopClosureFactory(
            shop=shop, start_date=dt.date.today() + dt.timedelta(days=3)
        ).pk,
        "zone_id": DeliveryZone.objects.create(
            territory=console.territory, shop=shop, name="Centre", kind="radius", radius_km=2
        ).pk,
        "job_id": import_upload(
            shop=shop, user=owner, filename="a.csv", content=b"nom;prix\nPain;1,20\n"
        ).pk,
        "transaction_id": redemption.pk,
        "news_id": news_post(shop=shop, author_id=None, text="Fermé lundi").pk,
        "invitation_id": TeamInvitation.objects.create(
            territory=console.territory,
            shop=shop,
            email=f"invite@{slug}.example",
            role="staff",
            digest=slug[0] * 64,
            invited_by=owner,
            expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=1),
        ).pk,
        "membership_id": ShopMembership.objects.get(shop=shop, user=staff).pk,
        "token_id": shop_token.pk,
    }
    # What the console's voucher routes name: a draft programme and a gift card.
    voucher_programme_create(
        territory=console.territory,
        name=f"Programme de {slug}",
        match_rate_bp=5000,
        cap_per_person_cents=3000,
        budget_cents=100_000,
        valid_from=dt.datetime(2031, 1, 1, tzinfo=dt.UTC),
        valid_until=dt.datetime(2031, 6, 1, tzinfo=dt.UTC),
        eligible_shops=[shop],
        status=ProgrammeStatus.DRAFT,
    )
    saved_list = SavedList.objects.create(
        territory=console.territory, user=shopper, name="Samedi", text="pain\ncafé"
    )
    alert = AvailabilityAlert.objects.create(
        territory=console.territory, user=shopper, kind="search", query="café"
    )
    return Tenant(
        console=console,
        owner=owner,
        staff=staff,
        shopper=shopper,
        offer=offer,
        order=order,
        shop_token=shop_raw,
        territory_token=territory_raw,
        saved_list=saved_list,
        alert=alert,
        extra_ids=extra_ids,
    )


@dataclass
class Worlds:
    a: Tenant
    b: Tenant
    admin: object


def build_worlds() -> Worlds:
    admin = get_user_model().objects.create_superuser("admin@cabas.example", PASSWORD)
    return Worlds(a=build_tenant("aval", 35000), b=build_tenant("bourg", 22000), admin=admin)


def session_cookies(user) -> dict[str, str]:
    """Cookies of a browser signed in as ``user``, with a CSRF secret to echo in a header."""
    session = login(user).cookies["sessionid"].value
    return {"sessionid": session, "csrftoken": _get_new_csrf_string()}


def worlds_fixture_body(django_db_blocker):
    """Body of a module-scoped fixture: the worlds, rolled back when the module ends."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_worlds()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
