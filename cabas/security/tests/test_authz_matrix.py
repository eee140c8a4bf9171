"""Authorization matrix of the whole site, walked from the URL configuration.

Every named URL — HTML pages and API operations alike — has an entry in ``MATRIX``
saying which roles may use it and whether it names objects of a tenant (a territory,
a shop, a shopper). A URL without an entry fails ``test_every_url_has_an_entry``.

For each entry:
- every role that is not allowed is refused: sent to a log-in page, 403 or 404 (401
  or 403 on the API), for GET and for POST;
- an allowed role of territory A (its operator, its shop's team, its shopper) asking
  for territory B's objects is refused with 403 or 404, and nothing of B changes;
- as a control, each allowed role reaches its own objects (no refusal).
The console's own matrix (:mod:`cabas.console.tests.test_isolation`) is reused for
its routes, not copied. State-changing HTML posts also need a CSRF token.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.admin import site as admin_site
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cabas.apitokens.models import ApiToken
from cabas.catalog.models import Offer
from cabas.console.tests.test_isolation import (
    TERRITORY_ROUTES,
)
from cabas.console.tests.test_isolation import _snapshot as console_snapshot
from cabas.habits.models import AvailabilityAlert, ShopFollow
from cabas.orders.models import Order
from cabas.planner.models import SavedList
from cabas.shops.models import Shop, ShopMembership

from .world import Tenant, Worlds, worlds_fixture_body

# -- roles ------------------------------------------------------------------------------

ANON, SHOPPER, STAFF, OWNER, OPERATOR, ADMIN = (
    "anonymous",
    "shopper",
    "staff",
    "owner",
    "operator",
    "admin",
)
# API clients: a session (anonymous or signed in), a shop's token, a territory's token.
SHOP_TOKEN, TERRITORY_TOKEN = "shop_token", "territory_token"

HTML_ROLES = (ANON, SHOPPER, STAFF, OWNER, OPERATOR, ADMIN)
API_ROLES = (ANON, SHOPPER, SHOP_TOKEN, TERRITORY_TOKEN)

EVERYONE = frozenset(HTML_ROLES) | frozenset(API_ROLES)
SIGNED_IN = frozenset(HTML_ROLES) - {ANON}
TEAM = frozenset({STAFF, OWNER})
CONSOLE = frozenset({OPERATOR, ADMIN})
TOKENS = frozenset({SHOP_TOKEN, TERRITORY_TOKEN})

Kwargs = Callable[[Tenant], dict[str, Any]]


def _none(_tenant: Tenant) -> dict[str, Any]:
    return {}


def _territory(tenant: Tenant) -> dict[str, Any]:
    return {"territory": tenant.territory.slug}


def _shop(tenant: Tenant) -> dict[str, Any]:
    return {"territory": tenant.territory.slug, "shop": tenant.shop.slug}


@dataclass(frozen=True)
class Entry:
    allowed: frozenset[str]
    # "territory", "shop" or "shopper": the URL (or its form) names that tenant's objects.
    scope: str | None = None
    kwargs: Kwargs = _none
    get: bool = True
    post: Callable[[Tenant], dict[str, Any]] | None = None
    api: bool = False
    # False for URLs whose argument is a secret (a reset link, a purchase token): the
    # made-up one used here is rightly refused, so there is no 200 control.
    control: bool = True
    # A refusal may be a redirect with an error message (checked by the fingerprints).
    redirect_refuses: bool = False


def public(kwargs: Kwargs = _none, *, get: bool = True, control: bool = True) -> Entry:
    return Entry(allowed=EVERYONE, kwargs=kwargs, get=get, control=control)


def shop_page(
    extra: Callable[[Tenant], dict[str, Any]] | None = None,
    *,
    owner_only: bool = False,
    get: bool = True,
) -> Entry:
    def kwargs(tenant: Tenant) -> dict[str, Any]:
        return {**_shop(tenant), **(extra(tenant) if extra else {})}

    return Entry(
        allowed=frozenset({OWNER}) if owner_only else TEAM,
        scope="shop",
        kwargs=kwargs,
        get=get,
        post=_empty_form,
    )


def _empty_form(_tenant: Tenant) -> dict[str, Any]:
    return {"to": "accepted", "price": "1", "email": "x@example.org", "name": "x"}


# -- the matrix -------------------------------------------------------------------------


def _console_entry(name: str) -> Entry:
    route = TERRITORY_ROUTES[name]
    return Entry(
        allowed=frozenset({ADMIN}) if route.admin_only else CONSOLE,
        scope="territory",
        kwargs=lambda t: {**_territory(t), **route.kwargs(t.console)},
        get=route.get,
        post=(lambda t: route.post(t.console)) if route.post else None,
    )


# Console routes the console's own matrix does not list (yet): their entries live here.
CONSOLE_ROUTES_NOT_IN_ITS_MATRIX = {
    name: entry
    for name, entry in {
        "settlement_payout": Entry(
            allowed=CONSOLE,
            scope="territory",
            kwargs=lambda t: {**_territory(t), "shop_id": t.shop.pk},
            get=False,
            post=_none,
        ),
    }.items()
    if name not in TERRITORY_ROUTES
}

MATRIX: dict[str, Entry] = {
    "healthz": public(),
    "theme_css": public(lambda t: {"brand": "224466", "accent": "ffaa00"}),
    "theme_cards_css": public(lambda t: {"colours": "224466-ffaa00"}),
    "web:territory_markers": public(_territory),
    "set_language": public(get=False),
    # -- discovery, installable app, content -------------------------------------------
    "discovery:robots": public(),
    "discovery:sitemap_index": public(),
    "discovery:sitemap_page": public(lambda t: {**_territory(t), "page": 1}),
    "discovery:local_inventory": public(_territory),
    "habits_root:service_worker": public(),
    "habits_root:manifest": public(_territory),
    "habits_root:icon": public(lambda t: {**_territory(t), "purpose": "any", "size": 192}),
    "pages:page": public(lambda t: {**_territory(t), "kind": t.console.page.kind}),
    "reports:impact": public(_territory),
    "reports:open_data_csv": public(_territory),
    "reports:open_data_json": public(_territory),
    "web:index": public(),
    "web:territory_home": public(_territory),
    "web:shop_list": public(_territory),
    "web:shop_detail": public(_shop),
    "web:product_detail": public(lambda t: {**_territory(t), "product_id": t.offer.product_id}),
    "search:results": public(_territory),
    "search:suggestions": public(_territory),
    "vouchers:gift_card_balance": public(_territory),
    "payments:gift_cards": public(_territory),
    "payments:vouchers": public(_territory),
    # A purchase's token is its capability: a made-up one is a 404 (tested in payments).
    "payments:purchase": public(lambda t: {**_territory(t), "token": "x" * 32}, control=False),
    "payments:pay": public(lambda t: {**_territory(t), "token": "x" * 32}, control=False),
    "payments:return": public(lambda t: {**_territory(t), "token": "x" * 32}, control=False),
    "payments:console_accounts": Entry(allowed=CONSOLE, scope="territory", kwargs=_territory),
    # -- accounts -----------------------------------------------------------------------
    "accounts:signup": public(),
    "accounts:login": public(),
    "accounts:logout": public(get=False),
    "accounts:password_reset": public(),
    "accounts:password_reset_sent": public(),
    "accounts:password_reset_confirm": public(
        lambda t: {"uidb64": "MQ", "token": "x-y"}, control=False
    ),
    "accounts:password_reset_done": public(),
    "accounts:cards": Entry(allowed=SIGNED_IN),
    "accounts:points": Entry(allowed=SIGNED_IN),
    "privacy:notice": public(),
    "privacy:my_data": Entry(allowed=SIGNED_IN),
    "privacy:export": Entry(allowed=SIGNED_IN),
    "privacy:erase": Entry(allowed=SIGNED_IN, get=False),
    # The emailed link's signed token is the credential (a made-up one: 400).
    "privacy:erase_confirm": public(lambda t: {"uidb64": "MQ", "token": "x-y"}, control=False),
    "privacy:erased": public(),
    # -- cart, orders, lists, alerts: a shopper's own things ----------------------------
    "cart:detail": public(),
    "cart:add": public(get=False),
    "cart:line": public(lambda t: {"offer_id": t.offer.pk}, get=False),
    "cart:fulfilment": public(lambda t: {"shop_id": t.shop.pk}, get=False),
    "orders:checkout": public(),
    "orders:guest_checkout": public(lambda t: {"token": "x" * 32}, control=False),
    "orders:list": public(),
    "orders:detail": Entry(
        allowed=frozenset({SHOPPER}), scope="shopper", kwargs=lambda t: {"order_id": t.order.pk}
    ),
    "orders:cancel": Entry(
        allowed=frozenset({SHOPPER}),
        scope="shopper",
        kwargs=lambda t: {"order_id": t.order.pk},
        get=False,
        post=_none,
    ),
    "orders:reorder": Entry(
        allowed=frozenset({SHOPPER}),
        scope="shopper",
        kwargs=lambda t: {"order_id": t.order.pk},
        get=False,
        post=_none,
    ),
    "planner:plan": public(_territory),
    "planner:to_cart": public(_territory, get=False),
    "planner:save": Entry(allowed=SIGNED_IN, kwargs=_territory, get=False),
    "planner:delete": Entry(
        allowed=frozenset({SHOPPER}),
        scope="shopper",
        kwargs=lambda t: {**_territory(t), "pk": t.saved_list.pk},
        get=False,
        post=_none,
    ),
    "habits:offline": public(_territory),
    "habits:my_shops": Entry(allowed=SIGNED_IN, kwargs=_territory),
    "habits:follow": Entry(allowed=SIGNED_IN, kwargs=_shop, get=False),
    "habits:alerts": Entry(allowed=SIGNED_IN, kwargs=_territory),
    "habits:preferences": Entry(allowed=SIGNED_IN, kwargs=_territory, get=False),
    # Someone else's alert is answered on one's own alerts page ("unknown alert"):
    # a redirect, and the fingerprint proves nothing changed.
    "habits:alert_stop": Entry(
        allowed=frozenset({SHOPPER}),
        scope="shopper",
        kwargs=lambda t: {**_territory(t), "alert_id": t.alert.pk},
        get=False,
        post=_none,
        redirect_refuses=True,
    ),
    "habits:push_subscribe": Entry(allowed=SIGNED_IN, kwargs=_territory, get=False),
    "habits:push_unsubscribe": Entry(allowed=SIGNED_IN, kwargs=_territory, get=False),
    "habits:unsubscribe": public(
        lambda t: {**_territory(t), "purpose": "digest", "token": "x" * 20}, control=False
    ),
    # -- merchant space -----------------------------------------------------------------
    "backoffice:dashboard": public(),
    "backoffice:join": Entry(allowed=SIGNED_IN),
    "backoffice:join_territory": Entry(allowed=SIGNED_IN, kwargs=_territory),
    "backoffice:join_create": Entry(allowed=SIGNED_IN, kwargs=_territory),
    "backoffice:join_claim": Entry(allowed=SIGNED_IN, kwargs=_shop),
    "backoffice:invitation_accept": public(lambda t: {"token": "x" * 32}, control=False),
    "backoffice:shop_home": shop_page(),
    "backoffice:vitrine": shop_page(),
    "backoffice:opening_hours": shop_page(),
    "backoffice:closure_add": shop_page(get=False),
    "backoffice:closure_delete": shop_page(
        lambda t: {"closure_id": t.extra_ids["closure_id"]}, get=False
    ),
    "backoffice:fulfilment": shop_page(owner_only=True),
    "backoffice:zone_add": shop_page(owner_only=True, get=False),
    "backoffice:zone_delete": shop_page(
        lambda t: {"zone_id": t.extra_ids["zone_id"]}, owner_only=True, get=False
    ),
    "backoffice:catalogue": shop_page(),
    "backoffice:offer_new": shop_page(),
    "backoffice:catalogue_export": shop_page(),
    "backoffice:offer_edit": shop_page(lambda t: {"offer_id": t.offer.pk}),
    "backoffice:offer_photo": shop_page(lambda t: {"offer_id": t.offer.pk}, get=False),
    "backoffice:import_upload": shop_page(),
    "backoffice:import_job": shop_page(lambda t: {"job_id": t.extra_ids["job_id"]}),
    "backoffice:import_start": shop_page(lambda t: {"job_id": t.extra_ids["job_id"]}, get=False),
    "backoffice:import_progress": shop_page(lambda t: {"job_id": t.extra_ids["job_id"]}),
    "backoffice:orders": shop_page(),
    "backoffice:orders_export": shop_page(),
    "backoffice:order_pickup": shop_page(get=False),
    "backoffice:picking_list": shop_page(),
    "backoffice:order_move": shop_page(lambda t: {"order_id": t.order.pk}, get=False),
    "backoffice:redeem": shop_page(),
    "backoffice:redeem_receipt": shop_page(
        lambda t: {"transaction_id": t.extra_ids["transaction_id"]}
    ),
    "backoffice:statement": shop_page(owner_only=True),
    "backoffice:statement_csv": shop_page(owner_only=True),
    "backoffice:statement_pdf": shop_page(owner_only=True),
    "backoffice:news": shop_page(),
    "backoffice:news_delete": shop_page(lambda t: {"news_id": t.extra_ids["news_id"]}, get=False),
    "backoffice:team": shop_page(),
    "backoffice:team_invite": shop_page(owner_only=True, get=False),
    "backoffice:invitation_revoke": shop_page(
        lambda t: {"invitation_id": t.extra_ids["invitation_id"]}, owner_only=True, get=False
    ),
    "backoffice:team_remove": shop_page(
        lambda t: {"membership_id": t.extra_ids["membership_id"]}, owner_only=True, get=False
    ),
    "backoffice:api_tokens": shop_page(owner_only=True),
    "backoffice:api_token_delete": shop_page(
        lambda t: {"token_id": t.extra_ids["token_id"]}, owner_only=True, get=False
    ),
    "backoffice:feed_save": shop_page(owner_only=True, get=False),
    "backoffice:feed_pull_now": shop_page(owner_only=True, get=False),
    # -- territory console (entries from the console's own matrix) ------------------------
    **{f"console:{name}": _console_entry(name) for name in TERRITORY_ROUTES},
    **{f"console:{name}": entry for name, entry in CONSOLE_ROUTES_NOT_IN_ITS_MATRIX.items()},
    # Lists the territories one operates: empty for anyone else (an operator of one
    # territory is sent straight to it).
    "console:index": Entry(allowed=SIGNED_IN),
    "console:territory_new": Entry(allowed=frozenset({ADMIN})),
    # -- JSON API -----------------------------------------------------------------------
    "api:api-root": public(),
    "api:openapi-json": public(),
    "api:openapi-view": public(),
    "api:territory_list": public(),
    "api:territory_get": public(lambda t: {"slug": t.territory.slug}),
    "api:shop_list": public(lambda t: {"slug": t.territory.slug}),
    "api:shop_get": public(lambda t: {"slug": t.territory.slug, "shop_slug": t.shop.slug}),
    "api:category_list": public(lambda t: {"slug": t.territory.slug}),
    "api:search": public(lambda t: {"slug": t.territory.slug}),
    "api:suggest": public(lambda t: {"slug": t.territory.slug}),
    "api:plan": public(lambda t: {"slug": t.territory.slug}, get=False),
    "api:cart": public(),
    "api:cart_post_view": public(get=False),
    "api:checkout": public(get=False),
    "api:my_orders": public(),
    "api:order_view": Entry(
        allowed=frozenset({SHOPPER}),
        scope="shopper",
        kwargs=lambda t: {"order_id": t.order.pk},
        api=True,
    ),
    "api:order_cancel_view": Entry(
        allowed=frozenset({SHOPPER}),
        scope="shopper",
        kwargs=lambda t: {"order_id": t.order.pk},
        get=False,
        post=_none,
        api=True,
    ),
    "api:stripe_webhook": public(get=False),
    "api:me_export": Entry(allowed=frozenset({SHOPPER}), api=True),
    "api:me": Entry(allowed=frozenset({SHOPPER}), api=True, get=False),
    "api:merchant_offer": Entry(
        allowed=TOKENS, scope="shop", kwargs=lambda t: {"sku": t.offer.sku}, api=True
    ),
    "api:offer_put": Entry(
        allowed=TOKENS, scope="shop", kwargs=lambda t: {"sku": t.offer.sku}, api=True, get=False
    ),
    "api:stock_post": Entry(allowed=TOKENS, scope="shop", api=True, get=False),
    "api:merchant_orders": Entry(allowed=TOKENS, scope="shop", api=True),
    "api:order_transition_view": Entry(
        allowed=TOKENS,
        scope="shop",
        kwargs=lambda t: {"order_id": t.order.pk},
        api=True,
        get=False,
        post=lambda t: {"to": "accepted"},
    ),
    "api:redemption_post": Entry(allowed=TOKENS, scope="shop", api=True, get=False),
    **{
        f"api:{name}": Entry(
            allowed=frozenset({TERRITORY_TOKEN}),
            scope="territory",
            kwargs=lambda t: {"slug": t.territory.slug},
            api=True,
        )
        for name in (
            "operator_report_summary",
            "operator_report_weeks",
            "operator_report_shops",
            "operator_report_categories",
            "operator_audit",
        )
    },
}
# Operations that share a URL with another entry (same path, other method).
SAME_URL_AS = {"api:cart_post_view": "api:cart", "api:offer_put": "api:merchant_offer"}
API_METHODS = {
    "api:offer_put": "put",
    "api:me": "delete",
}


# -- walking the URL configuration -------------------------------------------------------


def _named_urls(patterns, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _named_urls(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def site_urls() -> set[str]:
    """Every named URL of the site but Django's admin (walked apart, below)."""
    return {
        name for name in _named_urls(get_resolver().url_patterns) if not name.startswith("admin:")
    }


def test_every_url_has_an_entry():
    missing = sorted(site_urls() - set(MATRIX))
    stale = sorted(set(MATRIX) - site_urls())

    assert not missing, f"URLs without an authorization entry in MATRIX: {missing}"
    assert not stale, f"MATRIX entries for URLs that no longer exist: {stale}"


# -- calling a URL as a role --------------------------------------------------------------


@pytest.fixture(scope="module")
def worlds(django_db_setup, django_db_blocker):
    yield from worlds_fixture_body(django_db_blocker)


@pytest.fixture(autouse=True)
def _fast_and_unthrottled(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for name in ("ANONYMOUS", "ANONYMOUS_WRITES", "TOKEN", "TOKEN_WRITES"):
        setattr(settings, f"API_RATE_LIMIT_{name}", 10**9)


def _is_api(name: str) -> bool:
    return name.startswith("api:")


def _user(role: str, tenant: Tenant, worlds: Worlds):
    return {
        SHOPPER: tenant.shopper,
        STAFF: tenant.staff,
        OWNER: tenant.owner,
        OPERATOR: tenant.operator,
        ADMIN: worlds.admin,
    }.get(role)


class Caller:
    """Calls matrix URLs as one role of one tenant."""

    def __init__(self, role: str, tenant: Tenant, worlds: Worlds, *, csrf: bool = False):
        self.role = role
        self.tenant = tenant
        self.client = Client(enforce_csrf_checks=csrf)
        self.headers: dict[str, str] = {}
        user = _user(role, tenant, worlds)
        if user is not None:
            self.client.force_login(user)
        if role == SHOP_TOKEN:
            self.headers["Authorization"] = f"Bearer {tenant.shop_token}"
        if role == TERRITORY_TOKEN:
            self.headers["Authorization"] = f"Bearer {tenant.territory_token}"

    def call(self, name: str, method: str, objects: Tenant, *, shop: Tenant | None = None):
        """``method`` on ``name`` with ``objects``' URL arguments and form."""
        entry = MATRIX[SAME_URL_AS.get(name, name)]
        url = reverse(SAME_URL_AS.get(name, name), kwargs=entry.kwargs(objects))
        data = MATRIX[name].post(objects) if MATRIX[name].post else {}
        if _is_api(name):
            if self.role == TERRITORY_TOKEN and MATRIX[name].scope == "shop":
                url += f"?shop={(shop or self.tenant).shop.slug}"
            elif self.role == SHOP_TOKEN and shop is not None:
                url += f"?shop={shop.shop.slug}"
            if method == "get":
                return self.client.get(url, headers=self.headers)
            return getattr(self.client, method)(
                url, data, content_type="application/json", headers=self.headers
            )
        return getattr(self.client, method)(url, data) if method == "post" else self.client.get(url)


def _methods(name: str) -> list[str]:
    entry = MATRIX[name]
    if _is_api(name):
        return ["get"] if entry.get else [API_METHODS.get(name, "post")]
    return (["get"] if entry.get else []) + ["post"]


def _refused(name: str, response) -> bool:
    if _is_api(name):
        return response.status_code in (401, 403, 404)
    # 401: the JSON endpoints of the pages (push subscriptions) answer it.
    if response.status_code in (401, 403, 404, 405):
        return True
    if MATRIX[name].redirect_refuses and response.status_code == 302:
        return True
    location = response.get("Location", "") if response.status_code == 302 else ""
    return any(login in location for login in (reverse("accounts:login"), "/admin/login/"))


def _roles(name: str) -> tuple[str, ...]:
    return API_ROLES if _is_api(name) else HTML_ROLES


def fingerprint(tenant: Tenant) -> dict[str, Any]:
    """What a refused request must leave as it was."""
    shop = Shop.objects.get(pk=tenant.shop.pk)
    return {
        "console": console_snapshot(tenant.console),
        "shop": (shop.name, shop.description, shop.opening_hours, shop.status, shop.phone),
        "offers": sorted(
            Offer.objects.filter(shop=shop).values_list("pk", "price_cents", "stock", "is_active")
        ),
        "orders": sorted(
            Order.objects.filter(territory=tenant.territory).values_list("pk", "status")
        ),
        "team": sorted(ShopMembership.objects.filter(shop=shop).values_list("user_id", "role")),
        "tokens": ApiToken.objects.filter(shop=shop, revoked_at__isnull=True).count(),
        "closures": shop.closures.count(),
        "zones": shop.delivery_zones.count() if hasattr(shop, "delivery_zones") else None,
        "news": shop.news.count(),
        "lists": sorted(SavedList.objects.filter(user=tenant.shopper).values_list("pk", "text")),
        "alerts": sorted(
            AvailabilityAlert.objects.filter(user=tenant.shopper).values_list("pk", "is_active")
        ),
        "follows": ShopFollow.objects.filter(territory=tenant.territory).count(),
    }


# -- the walks -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(set(HTML_ROLES) | set(API_ROLES)))
def test_roles_not_allowed_are_refused(role, worlds):
    a = worlds.a
    before = fingerprint(a)
    caller = Caller(role, a, worlds)
    wrong = []
    for name, entry in MATRIX.items():
        if role not in _roles(name) or role in entry.allowed:
            continue
        for method in _methods(name):
            response = caller.call(name, method, a)
            if not _refused(name, response):
                wrong.append((name, method, response.status_code))

    assert wrong == [], f"{role} reached URLs it is not allowed to: {wrong}"
    assert fingerprint(a) == before


@pytest.mark.django_db
def test_no_role_reaches_another_tenants_objects(worlds):
    a, b = worlds.a, worlds.b
    before = fingerprint(b)
    wrong = []
    checked = 0
    for name, entry in MATRIX.items():
        if entry.scope is None:
            continue
        for role in entry.allowed - {ADMIN}:
            if role not in _roles(name):
                continue
            caller = Caller(role, a, worlds)
            for method in _methods(name):
                response = caller.call(name, method, b, shop=b)
                checked += 1
                if not _refused(name, response):
                    wrong.append((name, role, method, response.status_code))

    assert wrong == [], f"territory A reached territory B's objects: {wrong}"
    assert checked > 100
    assert fingerprint(b) == before


@pytest.mark.django_db
def test_allowed_roles_reach_their_own_pages(worlds):
    """The control: the refusals above mean something only if the owner gets in."""
    a = worlds.a
    wrong = []
    for name, entry in MATRIX.items():
        if not (entry.get and entry.control):
            continue
        roles = [ANON] if entry.allowed == EVERYONE else entry.allowed & set(_roles(name))
        for role in sorted(roles):
            response = Caller(role, a, worlds).call(name, "get", a)
            if response.status_code >= 400 or _refused(name, response):
                wrong.append((name, role, response.status_code))

    assert wrong == [], f"allowed roles refused on their own objects: {wrong}"


@pytest.mark.django_db
def test_state_changing_html_posts_need_a_csrf_token(worlds):
    a = worlds.a
    before = fingerprint(a)
    wrong = []
    for name, entry in MATRIX.items():
        if _is_api(name) or (entry.post is None and entry.get):
            continue
        role = OWNER if OWNER in entry.allowed else min(entry.allowed & set(HTML_ROLES))
        response = Caller(role, a, worlds, csrf=True).call(name, "post", a)
        if response.status_code != 403:
            wrong.append((name, role, response.status_code))

    assert wrong == [], f"POSTs accepted without a CSRF token: {wrong}"
    assert fingerprint(a) == before


@pytest.mark.django_db
def test_the_admin_is_for_platform_admins_only(worlds):
    urls = [reverse("admin:index")] + [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin_site._registry
    ]
    wrong = []
    for role in HTML_ROLES:
        caller = Caller(role, worlds.a, worlds)
        for url in urls:
            status = caller.client.get(url).status_code
            if (role == ADMIN) != (status == 200):
                wrong.append((role, url, status))

    assert wrong == []
