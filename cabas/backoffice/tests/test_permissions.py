"""A merchant reaches only its own shops: every back-office URL and every merchant API
endpoint is walked with another shop's objects and must answer 403 or 404."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cabas.apitokens.services import api_token_create
from cabas.backoffice import urls as backoffice_urls
from cabas.backoffice.imports.services import import_upload
from cabas.backoffice.models import TeamInvitation
from cabas.catalog.models import Offer
from cabas.factories import OfferFactory, ShopClosureFactory, ShopFactory, TerritoryFactory
from cabas.fulfilment.models import DeliveryZone
from cabas.habits.services import news_post
from cabas.shops.models import ShopMembership
from cabas.vouchers.services import gift_card_issue, voucher_redeem

from .conftest import bearer, login, place_order, shop_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def foreign(other_shop, other_owner):
    """One object of every kind, all belonging to the other shop."""
    offer = OfferFactory(shop=other_shop, sku="AUTRE-1", stock=5)
    closure = ShopClosureFactory(shop=other_shop, start_date=dt.date.today() + dt.timedelta(days=3))
    job = import_upload(
        shop=other_shop, user=other_owner, filename="a.csv", content=b"nom;prix\nPain;1,20\n"
    )
    order = place_order(offer)
    invitation = TeamInvitation.objects.create(
        territory=other_shop.territory,
        shop=other_shop,
        email="x@example.org",
        role="staff",
        digest="d" * 64,
        invited_by=other_owner,
        expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=1),
    )
    token, _raw = api_token_create(territory=other_shop.territory, shop=other_shop, name="t")
    membership = ShopMembership.objects.get(shop=other_shop, user=other_owner)
    zone = DeliveryZone.objects.create(
        territory=other_shop.territory, shop=other_shop, name="Centre", kind="radius", radius_km=2
    )
    card = gift_card_issue(territory=other_shop.territory, amount_cents=1000, buyer_email="a@b.fr")
    redemption = voucher_redeem(
        code=card.code, shop=other_shop, amount_cents=100, reference="t", idempotency_key="t"
    )
    news = news_post(shop=other_shop, author_id=None, text="Fermé lundi")
    return {
        "news_id": news.pk,
        "transaction_id": redemption.pk,
        "zone_id": zone.pk,
        "offer_id": offer.pk,
        "closure_id": closure.pk,
        "job_id": job.pk,
        "order_id": order.pk,
        "invitation_id": invitation.pk,
        "token_id": token.pk,
        "membership_id": membership.pk,
    }


def shop_patterns() -> list[URLPattern]:
    return list(backoffice_urls.shop_patterns)


def _url(pattern: URLPattern, shop, ids: dict) -> str:
    kwargs = {name: ids[name] for name in pattern.pattern.regex.groupindex}
    return shop_url(pattern.name, shop, **kwargs)


def test_every_shop_page_is_covered_by_the_walk():
    # A new URL with an object id must come with its foreign object above.
    names = {name for p in shop_patterns() for name in p.pattern.regex.groupindex}
    assert names <= {
        "offer_id",
        "closure_id",
        "job_id",
        "order_id",
        "invitation_id",
        "token_id",
        "membership_id",
        "zone_id",
        "transaction_id",
        "news_id",
    }
    resolver = get_resolver()
    mounted = [p for p in resolver.url_patterns if isinstance(p, URLResolver)]
    assert any(
        getattr(p, "namespace", None) == "backoffice"
        or any(
            getattr(sub, "namespace", None) == "backoffice"
            for sub in getattr(p, "url_patterns", [])
        )
        for p in mounted
    )


def test_own_shop_urls_with_another_shops_objects_answer_404(shop, owner, foreign, other_shop):
    client = login(owner)
    before = (Offer.objects.get(pk=foreign["offer_id"]).price_cents, other_shop.closures.count())
    checked = 0
    for pattern in shop_patterns():
        if not pattern.pattern.regex.groupindex:
            continue
        url = _url(pattern, shop, foreign)
        for method in ("get", "post"):
            response = getattr(client, method)(url, {"price": "1", "to": "accepted", "reason": "x"})
            assert response.status_code in (404, 405), (method, url, response.status_code)
            checked += 1
    assert checked >= 20
    assert (
        Offer.objects.get(pk=foreign["offer_id"]).price_cents,
        other_shop.closures.count(),
    ) == before


def test_another_shops_pages_answer_404_to_a_merchant_of_this_shop(
    shop, owner, foreign, other_shop
):
    client = login(owner)
    for pattern in shop_patterns():
        url = _url(pattern, other_shop, foreign)
        for method in ("get", "post"):
            response = getattr(client, method)(url, {"price": "1"})
            assert response.status_code in (404, 405), (method, url, response.status_code)


def test_anonymous_visitors_are_sent_to_the_login_page(shop, foreign):
    client = Client()
    for pattern in shop_patterns():
        response = client.get(_url(pattern, shop, foreign))
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]
    welcome = Client().get(reverse("backoffice:dashboard"))
    assert welcome.status_code == 200 and shop.name not in welcome.content.decode()
    assert (
        "/compte/inscription/?next=%2Fespace-commercant%2Frejoindre%2F" in welcome.content.decode()
    )


def test_staff_cannot_reach_owner_pages(shop, staff, owner):
    client = login(staff)
    owner_only = {
        "team_invite",
        "api_tokens",
        "api_token_delete",
        "invitation_revoke",
        "team_remove",
        "fulfilment",
        "zone_add",
        "zone_delete",
    }
    ids = {"token_id": 1, "invitation_id": 1, "membership_id": 1, "zone_id": 1}
    for pattern in shop_patterns():
        if pattern.name in owner_only:
            response = client.post(
                _url(pattern, shop, ids), {"email": "a@example.org", "name": "x"}
            )
            assert response.status_code == 403, pattern.name
    assert client.get(shop_url("catalogue", shop)).status_code == 200


def test_shop_in_another_territory_with_the_same_slug_stays_out_of_reach(shop, owner):
    elsewhere = TerritoryFactory(slug="ailleurs")
    twin = ShopFactory(territory=elsewhere, slug=shop.slug)
    client = login(owner)
    assert client.get(shop_url("catalogue", twin)).status_code == 404
    assert client.get(shop_url("catalogue", shop)).status_code == 200


# -- merchant API ---------------------------------------------------------------------------

MERCHANT_ENDPOINTS = [
    ("get", "/api/v1/merchant/offers/{sku}"),
    ("put", "/api/v1/merchant/offers/{sku}"),
    ("post", "/api/v1/merchant/stock"),
    ("get", "/api/v1/merchant/orders"),
    ("post", "/api/v1/merchant/orders/{order_id}/transition"),
    ("post", "/api/v1/merchant/redemptions"),
]


def test_the_walk_covers_every_merchant_endpoint(client):
    schema = client.get("/api/v1/openapi.json").json()
    documented = {
        (method, "/" + path.lstrip("/"))
        for path, operations in schema["paths"].items()
        if "/merchant/" in path
        for method in operations
    }
    assert documented == set(MERCHANT_ENDPOINTS)


def call(client, method, url, shop_slug, headers):
    if method == "get":
        return client.get(url, {"shop": shop_slug}, **headers)
    return getattr(client, method)(
        f"{url}?shop={shop_slug}", {"to": "accepted"}, content_type="application/json", **headers
    )


def test_merchant_api_with_another_shops_objects_answers_404(
    client, shop, shop_token, foreign, other_shop
):
    other_offer = Offer.objects.get(pk=foreign["offer_id"])
    headers = bearer(shop_token)
    assert client.get(f"/api/v1/merchant/offers/{other_offer.sku}", **headers).status_code == 404
    response = client.put(
        f"/api/v1/merchant/offers/{other_offer.sku}",
        {"price_cents": 1},
        content_type="application/json",
        **headers,
    )
    # Not found in this shop: a PUT creates this shop's own offer, never touches the other's.
    assert response.status_code in (201, 422)
    assert Offer.objects.get(pk=other_offer.pk).price_cents == other_offer.price_cents
    response = client.post(
        "/api/v1/merchant/stock",
        [{"sku": other_offer.sku, "quantity": 0}],
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["code"] == "unknown_sku"
    assert client.get("/api/v1/merchant/orders", **headers).json()["count"] == 0
    response = client.post(
        f"/api/v1/merchant/orders/{foreign['order_id']}/transition",
        {"to": "accepted"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 404
    for method, path in MERCHANT_ENDPOINTS:
        url = path.format(sku=other_offer.sku, order_id=foreign["order_id"])
        response = call(client, method, url, other_shop.slug, headers)
        assert response.status_code == 403, (method, url)
    assert Offer.objects.get(pk=other_offer.pk).stock == 4  # 5 minus the order placed


def test_merchant_api_refuses_missing_revoked_and_foreign_territory_tokens(client, shop, offer):
    foreign_territory = TerritoryFactory(slug="autre-territoire")
    _t, operator_elsewhere = api_token_create(territory=foreign_territory, shop=None, name="op")
    token, raw = api_token_create(territory=shop.territory, shop=shop, name="t")
    token.revoked_at = dt.datetime.now(dt.UTC)
    token.save()
    for method, path in MERCHANT_ENDPOINTS:
        url = path.format(sku=offer.sku, order_id=1)
        assert getattr(client, method)(url, content_type="application/json").status_code == 401
        response = getattr(client, method)(url, content_type="application/json", **bearer(raw))
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthorized"
        response = call(client, method, url, shop.slug, bearer(operator_elsewhere))
        assert response.status_code == 404, (method, url)
