"""Tenancy of the console and the operator API (DESIGN 4), walked from the URL configuration.

Every console URL and every operator API endpoint has an entry below; a new one
without an entry fails ``test_every_console_url_is_in_the_matrix``. For each, an
operator of territory A:
- reaching A's console with B's objects (in the URL or the form) gets 404;
- reaching B's console gets 403;
- and, as a control that the 404s mean something, reaching A's own objects works.
After all the attempts, nothing of B has changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, reverse

from cabas.api.api import api
from cabas.apitokens.services import api_token_create
from cabas.audit.models import AuditEntry
from cabas.console import urls as console_urls
from cabas.courier.models import CourierShop, CourierZone
from cabas.fulfilment.models import CollectionPoint, CollectionPointShop
from cabas.ledger.models import LedgerTransaction
from cabas.pages.models import Announcement, Page
from cabas.settlements.models import Payout
from cabas.shops.models import Shop
from cabas.vouchers.models import GiftCard, ProgrammeStatus, VoucherProgramme
from cabas.vouchers.services import gift_card_issue, voucher_programme_create, voucher_redeem

from .fixtures import World

pytestmark = pytest.mark.django_db

Builder = Callable[[World], dict]


def _none(_world: World) -> dict:
    return {}


@dataclass(frozen=True)
class Route:
    kwargs: Builder = _none  # URL arguments besides the territory
    get: bool = True
    post: Builder | None = None  # a valid form for the world's own objects
    # True when the route names objects (in the URL or the form): B's give 404 in A.
    scoped_objects: bool = False
    admin_only: bool = False  # platform admins only: an operator gets 403 even at home


def _point_form(world: World) -> dict:
    return {
        "name": f"Halle de {world.territory.slug}",
        "address": "Place du Marché",
        "postcode": "35000",
        "city": "Ville",
        "lat": "48.1",
        "lon": "-1.6",
        "opening_hours": "Mo-Sa 08:00-13:00",
        "slot_minutes": "60",
        "lead_minutes": "120",
        "capacity_per_slot": "20",
        "horizon_days": "7",
        "is_active": "on",
    }


def _zone_form(world: World, postcode: str) -> dict:
    return {"name": f"Zone {postcode}", "postcodes": postcode, "fee": "4,50", "minimum": "15"}


def _announcement_form(world: World) -> dict:
    return {"message": "Fermeture exceptionnelle", "level": "info", "starts_at": "2030-01-01T09:00"}


def _settings_form(world: World) -> dict:
    return {
        "name": world.territory.name,
        "tagline": "",
        "primary_colour": "#224466",
        "accent_colour": "#ffaa00",
        "languages": ["fr", "en"],
        "commission": "2",
        "operator_name": "",
        "contact_email": "",
        "default_slot_minutes": "30",
        "default_lead_minutes": "60",
        "default_capacity_per_slot": "4",
        "default_horizon_days": "7",
    }


def _programme(world: World) -> VoucherProgramme:
    return VoucherProgramme.objects.filter(territory=world.territory).order_by("pk").first()


def _programme_form(world: World) -> dict:
    return {
        "name": f"Chèques de {world.territory.slug}",
        "match_rate": "50",
        "cap_per_person": "30",
        "budget": "5000",
        "valid_from": "2031-01-01T08:00",
        "valid_until": "2031-06-30T20:00",
        "eligible_shops": [str(world.shop.pk)],
    }


TERRITORY_ROUTES: dict[str, Route] = {
    "dashboard": Route(),
    "applications": Route(),
    "application": Route(
        kwargs=lambda w: {"request_id": w.application.pk},
        post=lambda w: {"decision": "approve", "message": ""},
        scoped_objects=True,
    ),
    "shops": Route(),
    "shop": Route(kwargs=lambda w: {"shop_id": w.shop.pk}, scoped_objects=True),
    "shop_status": Route(
        kwargs=lambda w: {"shop_id": w.shop.pk},
        get=False,
        post=lambda w: {"status": "suspended", "message": "Hygiène à revoir."},
        scoped_objects=True,
    ),
    "shop_category": Route(
        kwargs=lambda w: {"shop_id": w.shop.pk},
        get=False,
        post=lambda w: {"category": ""},
        scoped_objects=True,
    ),
    "categories": Route(),
    "points": Route(),
    "point_new": Route(post=_point_form),
    "point": Route(
        kwargs=lambda w: {"point_id": w.point.pk}, post=_point_form, scoped_objects=True
    ),
    "point_shop": Route(
        kwargs=lambda w: {"point_id": w.point.pk},
        get=False,
        post=lambda w: {"shop": w.shop.pk, "served": "1"},
        scoped_objects=True,
    ),
    "courier": Route(),
    "courier_shop": Route(
        get=False, post=lambda w: {"shop": w.shop.pk, "served": "1"}, scoped_objects=True
    ),
    "courier_zone_new": Route(post=lambda w: _zone_form(w, "99001")),
    "courier_zone": Route(
        kwargs=lambda w: {"zone_id": w.zone.pk},
        post=lambda w: _zone_form(w, w.zone.postcodes),
        scoped_objects=True,
    ),
    "courier_zone_delete": Route(
        kwargs=lambda w: {"zone_id": w.zone.pk}, get=False, post=_none, scoped_objects=True
    ),
    "pages": Route(),
    "page": Route(
        kwargs=lambda w: {"kind": w.page.kind},
        post=lambda w: {"title": "À propos", "body": "Texte."},
    ),
    "announcements": Route(post=_announcement_form),
    "announcement": Route(
        kwargs=lambda w: {"announcement_id": w.announcement.pk},
        post=_announcement_form,
        scoped_objects=True,
    ),
    "announcement_delete": Route(
        kwargs=lambda w: {"announcement_id": w.announcement.pk},
        get=False,
        post=_none,
        scoped_objects=True,
    ),
    "settings": Route(post=_settings_form),
    "loyalty": Route(post=lambda w: {"points_per_euro": "2", "point_value_cents": "1"}),
    "logo": Route(get=False, post=lambda w: {"remove": "1"}),
    "domain": Route(get=False, post=lambda w: {"domain": ""}, admin_only=True),
    "reports": Route(),
    "reports_csv": Route(kwargs=lambda w: {"table": "semaines"}),
    "settlements": Route(),
    "voucher_flows_csv": Route(),
    "settlement": Route(kwargs=lambda w: {"shop_id": w.shop.pk}, scoped_objects=True),
    "settlement_csv": Route(kwargs=lambda w: {"shop_id": w.shop.pk}, scoped_objects=True),
    "settlement_pdf": Route(kwargs=lambda w: {"shop_id": w.shop.pk}, scoped_objects=True),
    "settlement_payout": Route(
        kwargs=lambda w: {"shop_id": w.shop.pk},
        get=False,
        post=lambda w: {
            "amount": "1,00",
            "paid_on": "2026-01-05",
            "reference": "VIR-ISOLATION",
            "key": f"isolation-{w.territory.slug}",
        },
        scoped_objects=True,
    ),
    "audit": Route(),
    "programmes": Route(),
    "programme_new": Route(post=_programme_form),
    "programme_shop_search": Route(),
    "programme": Route(kwargs=lambda w: {"programme_id": _programme(w).pk}, scoped_objects=True),
    "programme_edit": Route(
        kwargs=lambda w: {"programme_id": _programme(w).pk},
        post=_programme_form,
        scoped_objects=True,
    ),
    "programme_status": Route(
        kwargs=lambda w: {"programme_id": _programme(w).pk},
        get=False,
        post=lambda w: {"status": "active"},
        scoped_objects=True,
    ),
    "programme_top_up": Route(
        kwargs=lambda w: {"programme_id": _programme(w).pk},
        get=False,
        post=lambda w: {"amount": "100", "key": f"isolation-{w.territory.slug}"},
        scoped_objects=True,
    ),
    "gift_cards": Route(),
}
TOP_LEVEL_ROUTES = {"index", "territory_new"}

API_ROUTES = {
    "operator_report_summary",
    "operator_report_weeks",
    "operator_report_shops",
    "operator_report_categories",
    "operator_audit",
}


def _names(patterns: list) -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            names |= _names(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(pattern.name)
    return names


def test_every_console_url_is_in_the_matrix():
    territory_names = _names(console_urls.territory_patterns)
    assert territory_names == set(TERRITORY_ROUTES)
    assert _names(console_urls.urlpatterns) == territory_names | TOP_LEVEL_ROUTES


def test_every_operator_api_endpoint_is_in_the_matrix():
    patterns, _app, _namespace = api.urls
    operator = {
        pattern.name
        for pattern in patterns
        if isinstance(pattern, URLPattern) and "operator/" in str(pattern.pattern)
    }
    assert operator == API_ROUTES


def _url(name: str, world: World, objects: World) -> str:
    return reverse(
        f"console:{name}",
        kwargs={"territory": world.territory.slug, **TERRITORY_ROUTES[name].kwargs(objects)},
    )


def _snapshot(world: World) -> dict:
    territory = world.territory
    territory.refresh_from_db()
    return {
        "territory": (
            territory.name,
            territory.primary_colour,
            territory.commission_bp,
            territory.logo.name,
            territory.domain,
        ),
        "shops": sorted(
            Shop.objects.filter(territory=territory).values_list("pk", "status", "category_id")
        ),
        "application": type(world.application)
        .objects.filter(pk=world.application.pk)
        .values_list("status", flat=True)
        .first(),
        "points": sorted(
            CollectionPoint.objects.filter(territory=territory).values_list(
                "pk", "name", "opening_hours"
            )
        ),
        "point_shops": CollectionPointShop.objects.filter(territory=territory).count(),
        "zones": sorted(
            CourierZone.objects.filter(territory=territory).values_list("pk", "name", "postcodes")
        ),
        "courier_shops": CourierShop.objects.filter(territory=territory).count(),
        "pages": sorted(Page.objects.filter(territory=territory).values_list("kind", "title")),
        "announcements": sorted(
            Announcement.objects.filter(territory=territory).values_list("pk", "message")
        ),
        "audit": AuditEntry.objects.filter(territory=territory).count(),
        "programmes": sorted(
            VoucherProgramme.objects.filter(territory=territory).values_list(
                "pk", "name", "status", "budget_cents", "valid_from", "valid_until"
            )
        ),
        "programme_shops": sorted(
            VoucherProgramme.eligible_shops.through.objects.filter(
                voucherprogramme__territory=territory
            ).values_list("voucherprogramme_id", "shop_id")
        ),
        "ledger": LedgerTransaction.objects.filter(territory=territory).count(),
        "gift_cards": GiftCard.objects.filter(territory=territory).count(),
        "payouts": Payout.objects.filter(territory=territory).count(),
    }


@pytest.fixture
def vouchers(world_a, world_b) -> None:
    """A draft programme and a gift card in each territory, for the voucher routes."""
    for world in (world_a, world_b):
        voucher_programme_create(
            territory=world.territory,
            name=f"Programme de {world.territory.slug}",
            match_rate_bp=5000,
            cap_per_person_cents=3000,
            budget_cents=100_000,
            valid_from=dt.datetime(2031, 1, 1, tzinfo=dt.UTC),
            valid_until=dt.datetime(2031, 6, 1, tzinfo=dt.UTC),
            eligible_shops=[world.shop],
            status=ProgrammeStatus.DRAFT,
        )
        card = gift_card_issue(territory=world.territory, amount_cents=2500, buyer_email="a@b.fr")
        # Something the platform owes the shop, for the payout route.
        voucher_redeem(
            code=card.code,
            shop=world.shop,
            amount_cents=500,
            reference="instore:isolation",
            idempotency_key=f"isolation-{world.shop.pk}",
        )


def test_an_operator_reaches_no_other_territory_in_the_console(
    client, world_a, world_b, vouchers, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world_a.operator)
    before = _snapshot(world_b)
    refused: list[tuple[str, str, str, int]] = []

    for name, route in TERRITORY_ROUTES.items():
        data = route.post(world_b) if route.post else None
        # B's console, with B's objects: the territory is not theirs.
        url = _url(name, world_b, world_b)
        if route.get:
            refused.append((name, "GET B", url, client.get(url).status_code))
        if data is not None:
            refused.append((name, "POST B", url, client.post(url, data).status_code))
        # A's console, with B's objects in the URL and the form: they do not exist here.
        if route.scoped_objects:
            url = _url(name, world_a, world_b)
            if route.get:
                refused.append((name, "GET A/objB", url, client.get(url).status_code))
            if data is not None:
                refused.append((name, "POST A/objB", url, client.post(url, data).status_code))

    wrong = [entry for entry in refused if entry[3] != (403 if entry[1].endswith(" B") else 404)]
    assert not wrong, wrong
    assert _snapshot(world_b) == before


def test_an_operator_reaches_their_own_territory_in_the_console(
    client, world_a, world_b, vouchers, settings, tmp_path
):
    """The control: the same routes answer at home, so the refusals above mean something."""
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world_a.operator)
    answers = []
    for name, route in TERRITORY_ROUTES.items():
        url = _url(name, world_a, world_a)
        expected_get, expected_post = (403, 403) if route.admin_only else (200, 302)
        if route.get:
            answers.append((name, "GET", client.get(url).status_code, expected_get))
        if route.post is not None:
            answers.append(
                (name, "POST", client.post(url, route.post(world_a)).status_code, expected_post)
            )
    assert [a for a in answers if a[2] != a[3]] == []


def test_only_operators_and_platform_admins_open_a_console(client, world_a, django_user_model):
    url = reverse("console:dashboard", kwargs={"territory": world_a.territory.slug})

    assert client.get(url).status_code == 302  # anonymous: to the log-in page
    client.force_login(world_a.merchant)
    assert client.get(url).status_code == 403
    admin = django_user_model.objects.create_superuser("admin@cabas.example", "x" * 12)
    client.force_login(admin)
    assert client.get(url).status_code == 200


def test_the_console_index_lists_only_the_operators_territories(client, world_a, world_b):
    client.force_login(world_a.operator)

    response = client.get(reverse("console:index"))

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "console:dashboard", kwargs={"territory": world_a.territory.slug}
    )
    assert client.get(reverse("console:territory_new")).status_code == 403


def test_an_upload_to_another_territory_is_refused(client, world_a, world_b, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world_a.operator)
    url = reverse("console:logo", kwargs={"territory": world_b.territory.slug})

    response = client.post(url, {"logo": SimpleUploadedFile("logo.png", b"\x89PNG")})

    assert response.status_code == 403
    world_b.territory.refresh_from_db()
    assert not world_b.territory.logo


@dataclass
class Tokens:
    a: str
    b: str
    b_shop: str
    calls: list = field(default_factory=list)


@pytest.fixture
def tokens(world_a, world_b) -> Tokens:
    return Tokens(
        a=api_token_create(territory=world_a.territory, shop=None, name="A")[1],
        b=api_token_create(territory=world_b.territory, shop=None, name="B")[1],
        b_shop=api_token_create(territory=world_b.territory, shop=world_b.shop, name="Shop")[1],
    )


def _api_url(name: str, slug: str) -> str:
    return reverse(f"api:{name}", kwargs={"slug": slug})


@pytest.mark.parametrize("name", sorted(API_ROUTES))
def test_an_operator_token_reads_no_other_territory(client, world_a, world_b, tokens, name):
    def get(slug: str, token: str | None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return client.get(_api_url(name, slug), headers=headers)

    other = get(world_b.territory.slug, tokens.a)
    assert other.status_code == 404
    assert other.json()["error"]["code"] == "not_found"
    assert get(world_a.territory.slug, tokens.a).status_code == 200
    shop_token = get(world_b.territory.slug, tokens.b_shop)
    assert shop_token.status_code == 403
    assert shop_token.json()["error"]["code"] == "operator_token_required"
    assert get(world_b.territory.slug, None).status_code == 401
    assert get(world_b.territory.slug, tokens.b).status_code == 200
