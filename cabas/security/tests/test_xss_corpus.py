"""An XSS payload corpus stored in every user-writable text field renders escaped everywhere.

The fields come from the models: every ``CharField``/``TextField`` of the project's
models is either filled with a payload below (``COVERED``) or listed in ``EXCLUDED``
with the reason no person writes it; a new field fails
``test_every_text_field_is_covered_or_excluded`` until it is put in one of the two.
Payloads are written straight to the database, past every form's validation: what a
page shows must be safe even if a validation rule slips.

Then every page that shows them is fetched as the shopper, the merchant and the
operator would, and each HTML response is read the way a browser tokenises it
(``xss_dom.live_code``): no payload may become a script, a handler, a ``javascript:``
URL, a style or a frame, and JSON-LD and ``json_script`` blocks must stay valid JSON.
Emails are read the same way (inline styles are allowed there), the JSON API must
answer JSON, and CSV exports must not start a cell with a spreadsheet formula.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid
from itertools import cycle

import pytest
from django.apps import apps
from django.core import mail
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from cabas.accounts.models import User
from cabas.apitokens.models import ApiToken
from cabas.audit.models import AuditEntry
from cabas.backoffice.models import ImportJob, JoinRequest, StockFeed
from cabas.catalog.models import Category
from cabas.courier.models import CourierZone
from cabas.factories import (
    OfferFactory,
    ProductFactory,
    ShopClosureFactory,
    ShopFactory,
    ShopMembershipFactory,
    TerritoryFactory,
    TerritoryMembershipFactory,
    UserFactory,
)
from cabas.fulfilment.models import CollectionPoint, DeliveryZone
from cabas.habits.models import AvailabilityAlert, ShopNews
from cabas.ledger.models import LedgerTransaction
from cabas.orders.models import Checkout, OrderEvent, OrderLine
from cabas.pages.models import Announcement, Page
from cabas.planner.models import SavedList
from cabas.search.services import search_index_rebuild
from cabas.settlements.models import Payout
from cabas.tasks.services import tasks_drain
from cabas.testing.fixtures import place_order
from cabas.vouchers.models import Household
from cabas.vouchers.services import voucher_programme_create

from .xss_dom import live_code

PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "</script><script>alert(1)</script>",
    '</script><script type="text/javascript">alert(1)</script>',
    "<img src=x onerror=alert(1)//",
    '" onmouseover="alert(1)" x="',
    "' onfocus='alert(1)' autofocus '",
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "<a href=javascript:alert(1)>x</a>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<object data=javascript:alert(1)></object>",
    "<base href=//evil.example/>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:alert(1))">',
    "{{7*7}}{% debug %}${7*7}",
    "\u003cscript\u003ealert(1)\u003c/script\u003e \\u003cscript\\u003e",
    "<!--<script>alert(1)//-->",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '=HYPERLINK("http://evil.example","x")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
)
SCRIPT_URL = "javascript:alert(1)"

# Every text field a person writes, and how the world below fills it with a payload.
COVERED = {
    "accounts.User.first_name",
    "accounts.User.last_name",
    "accounts.User.phone",
    "territories.Territory.name",
    "territories.Territory.tagline",
    "territories.Territory.operator_name",
    "territories.Territory.data_attribution",
    "shops.Shop.name",
    "shops.Shop.source_category",
    "shops.Shop.description",
    "shops.Shop.address",
    "shops.Shop.postcode",
    "shops.Shop.city",
    "shops.Shop.phone",
    "shops.Shop.website",
    "shops.Shop.opening_hours",
    "shops.ShopClosure.reason",
    "catalog.Category.name",
    "catalog.Category.name_en",
    "catalog.Product.gtin",
    "catalog.Product.name",
    "catalog.Product.brand",
    "catalog.Product.quantity",
    "catalog.Product.description",
    "catalog.Product.image_url",
    "catalog.Offer.sku",
    "fulfilment.DeliveryZone.name",
    "fulfilment.DeliveryZone.postcodes",
    "fulfilment.CollectionPoint.name",
    "fulfilment.CollectionPoint.address",
    "fulfilment.CollectionPoint.postcode",
    "fulfilment.CollectionPoint.city",
    "fulfilment.CollectionPoint.opening_hours",
    "orders.Checkout.name",
    "orders.Checkout.phone",
    "orders.Order.delivery_address",
    "orders.Order.delivery_postcode",
    "orders.OrderLine.product_name",
    "orders.OrderLine.sku",
    "orders.OrderEvent.note",
    "vouchers.VoucherProgramme.name",
    "vouchers.Household.address",
    "vouchers.Household.postcode",
    "apitokens.ApiToken.name",
    "backoffice.JoinRequest.message",
    "backoffice.ImportJob.filename",
    "backoffice.StockFeed.url",
    "backoffice.StockFeed.last_message",
    "audit.AuditEntry.actor_label",
    "audit.AuditEntry.object_repr",
    "pages.Page.title",
    "pages.Page.body",
    "pages.Announcement.message",
    "pages.Announcement.link_url",
    "pages.Announcement.link_text",
    "courier.CourierZone.name",
    "courier.CourierZone.postcodes",
    "habits.ShopNews.text",
    "habits.AvailabilityAlert.query",
    "planner.SavedList.name",
    "planner.SavedList.text",
    "settlements.Payout.reference",
}

# Text fields no person types, each with the reason.
EXCLUDED = {
    "accounts.User.password": "a password hash",
    "accounts.User.email": "EmailField, validated; shown as typed by its owner only",
    "geo.PostalCode.code": "La Poste open data, loaded by a command",
    "geo.PostalCode.insee_code": "La Poste open data",
    "geo.PostalCode.commune": "La Poste open data",
    "geo.PostalCode.locality": "La Poste open data",
    "territories.Territory.timezone": "validated against the tz database",
    "territories.Territory.currency": "ISO code, validated",
    "territories.Territory.country": "ISO code, validated",
    "territories.Territory.primary_colour": "#rrggbb, validated; served as CSS from a hex-only URL",
    "territories.Territory.accent_colour": "#rrggbb, validated; served as CSS from a hex-only URL",
    "territories.Territory.languages": "a list of language codes from a fixed choice",
    "territories.Territory.domain": "a host name, validated, set by a platform admin",
    "territories.Territory.contact_email": "EmailField, validated",
    "shops.Shop.source": "import source name set by code",
    "shops.Shop.siret": "14 digits (a database constraint)",
    "shops.Shop.source_ref": "an open-data identifier set by the loader",
    "catalog.Product.source": "set by code (reference catalogue or shop)",
    "catalog.StockMovement.reference": "set by code (order or import reference)",
    "tasks.Task.name": "a task name from code",
    "tasks.Task.last_error": "an exception text, never shown on a page",
    "tasks.Task.locked_by": "a worker id",
    "fulfilment.SlotLoad.target": "an internal slot key",
    "cart.Cart.delivery_address": "copied to Order.delivery_address (covered) at checkout",
    "cart.Cart.delivery_postcode": "copied to Order.delivery_postcode (covered) at checkout",
    "cart.CartShopChoice.option": "a fulfilment option key, validated",
    "orders.Checkout.idempotency_key": "a client key, validated, never shown",
    "orders.Checkout.fingerprint": "a hash",
    "orders.Checkout.email": "EmailField, validated",
    "orders.Checkout.payment_method": "a choice from code",
    "orders.Checkout.payment_status": "a status from code",
    "orders.Checkout.currency": "ISO code",
    "orders.Checkout.access_token": "a random token",
    "orders.Order.slot_target": "an internal slot key",
    "orders.Order.currency": "ISO code",
    "orders.Order.pickup_code": "a generated code",
    "orders.OrderEvent.from_status": "a status from the transition table",
    "orders.OrderEvent.to_status": "a status from the transition table",
    "orders.OrderEvent.actor_role": "a role from code",
    "orders.Tender.code_last4": "the last digits of a generated code",
    "orders.Tender.refund_note": "written by code on refunds",
    "ledger.Account.owner_ref": "an internal reference",
    "ledger.Account.currency": "ISO code",
    "ledger.LedgerTransaction.kind": "a kind from code",
    "ledger.LedgerTransaction.reference": "an internal reference",
    "ledger.LedgerTransaction.idempotency_key": "a client key, never shown",
    "ledger.LedgerTransaction.memo": "written by services from code",
    "ledger.LedgerTransaction.actor_label": "a user's e-mail address, validated",
    "vouchers.Household.key": "a hash of the address",
    "vouchers.ProgrammeHousehold.household_key": "a hash of the address",
    "vouchers.Voucher.code": "a generated code",
    "vouchers.GiftCard.code": "a generated code",
    "vouchers.GiftCard.buyer_email": "EmailField, validated",
    "payments.OnlinePurchase.currency": "ISO code",
    "payments.OnlinePurchase.buyer_email": "EmailField, validated",
    "payments.OnlinePurchase.recipient_email": "EmailField, validated",
    "payments.OnlinePurchase.message": "gift message, shown only in a plain-text e-mail",
    "payments.OnlinePurchase.access_token": "a random token",
    "payments.OnlinePurchase.issue_error": "an error code from code",
    "payments.Payment.provider": "a provider name from settings",
    "payments.Payment.provider_reference": "the provider's id",
    "payments.Payment.provider_payment_id": "the provider's id",
    "payments.Payment.provider_charge_id": "the provider's id",
    "payments.Payment.redirect_url": "the provider's URL",
    "payments.Payment.currency": "ISO code",
    "payments.Payment.access_token": "a random token",
    "payments.PaymentEvent.from_status": "a status from code",
    "payments.PaymentEvent.to_status": "a status from code",
    "payments.PaymentEvent.source": "a source from code",
    "payments.PaymentTransfer.connected_account_id": "the provider's id, validated",
    "payments.PaymentTransfer.provider_transfer_id": "the provider's id",
    "payments.PaymentTransfer.provider_reversal_id": "the provider's id",
    "payments.PaymentTransfer.last_error": "a provider error, operator only",
    "payments.CardRefund.provider_refund_id": "the provider's id",
    "payments.CardRefund.last_error": "a provider error",
    "payments.WebhookEvent.provider": "a provider name",
    "payments.WebhookEvent.event_id": "the provider's id",
    "payments.WebhookEvent.event_type": "the provider's event type",
    "payments.ShopPaymentAccount.stripe_account_id": "acct_… validated",
    "search.SearchDocument.name_text": "derived from covered product fields",
    "search.SearchDocument.brand_text": "derived from covered product fields",
    "search.SearchDocument.category_text": "derived from covered category fields",
    "search.SearchDocument.gtin": "derived from a covered product field",
    "search.SearchDocument.words": "derived from covered fields",
    "search.SearchTerm.term": "derived from covered fields (the typo dictionary)",
    "search.SearchTerm.stem": "derived from covered fields",
    "search.SearchTermKey.key": "derived from covered fields",
    "search.SearchStemRank.stem": "derived from covered fields (a word's precomputed rank list)",
    "demo.DemoDataset.fingerprint": "a hash",
    "apitokens.ApiToken.prefix": "generated",
    "apitokens.ApiToken.digest": "a hash",
    "backoffice.TeamInvitation.email": "EmailField, validated",
    "backoffice.TeamInvitation.role": "a role from a fixed choice",
    "backoffice.TeamInvitation.digest": "a hash",
    "backoffice.ImportJob.file_format": "detected by code",
    "backoffice.ImportJob.encoding": "detected by code",
    "backoffice.ImportJob.delimiter": "detected by code",
    "backoffice.StockSyncRequest.key": "a client key, never shown",
    "backoffice.StockSyncRequest.fingerprint": "a hash",
    "backoffice.StockFeed.run_marker": "internal",
    "audit.AuditEntry.action": "an action name from code",
    "audit.AuditEntry.object_type": "a model name from code",
    "audit.AuditEntry.object_id": "a primary key",
    "habits.ShopNews.photo": "a storage path generated by the upload service",
    "habits.AlertMatch.event_key": "internal",
    "habits.PushSubscription.endpoint": "a push service URL, never shown",
    "habits.PushSubscription.p256dh": "a key, never shown",
    "habits.PushSubscription.auth": "a key, never shown",
    "habits.PushSubscription.user_agent": "shown to its owner only, as text",
    "settlements.Payout.currency": "ISO code",
}


def _text_fields() -> set[str]:
    found = set()
    for model in apps.get_models():
        if not model.__module__.startswith("cabas."):
            continue
        for field in model._meta.get_fields():
            if (
                isinstance(field, models.CharField | models.TextField)
                and not field.choices
                and not isinstance(field, models.SlugField)
            ):
                found.add(f"{model._meta.label}.{field.name}")
    return found


def test_every_text_field_is_covered_or_excluded():
    fields = _text_fields()

    assert sorted(fields - COVERED - set(EXCLUDED)) == [], "new text fields: cover or exclude"
    assert sorted((COVERED | set(EXCLUDED)) - fields) == [], "fields that no longer exist"
    assert COVERED.isdisjoint(EXCLUDED)


# -- the hostile world ------------------------------------------------------------------------


class Payloads:
    """Hands out the corpus in turn, cut to each field's length."""

    def __init__(self) -> None:
        self._next = cycle(PAYLOADS)
        self.used: dict[str, str] = {}

    def __call__(self, label: str, max_length: int | None = None) -> str:
        value = next(self._next)
        if label.endswith(("website", "image_url", "link_url", "StockFeed.url")):
            value = SCRIPT_URL
        value = value[:max_length] if max_length else value
        self.used[label] = value
        return value

    def fill(self, instance: models.Model, *names: str) -> None:
        for name in names:
            field = instance._meta.get_field(name)
            label = f"{instance._meta.label}.{name}"
            setattr(instance, name, self(label, getattr(field, "max_length", None)))
        instance.save(update_fields=list(names))


@pytest.fixture
def hostile(transactional_db, settings):
    settings.PAYMENT_PROVIDER = ""
    fill = Payloads()
    territory = TerritoryFactory(slug="ville", name="Ville")
    TerritoryFactory(slug="bourg", name="Bourg")
    fill.fill(territory, "name", "tagline", "operator_name", "data_attribution")
    category = Category.objects.create(slug="rayon", name="x", name_en="x")
    fill.fill(category, "name", "name_en")
    shop = ShopFactory(territory=territory, slug="boutique", category=category)
    other = ShopFactory(territory=territory, slug="voisine", category=category)
    product = ProductFactory(territory=territory, category=category)
    offer = OfferFactory(shop=shop, product=product, stock=5)
    OfferFactory(shop=other, product=product, stock=5)
    merchant = UserFactory(email="commercant@example.org")
    ShopMembershipFactory(shop=shop, user=merchant)
    operator = UserFactory(email="operateur@example.org")
    TerritoryMembershipFactory(territory=territory, user=operator)
    shopper = UserFactory(email="client@example.org")
    for user in (merchant, operator, shopper):
        fill.fill(user, "first_name", "last_name", "phone")

    # An order placed while the names were clean, then its snapshots made hostile
    order = place_order(offer, user=shopper)
    checkout = order.checkout
    fill.fill(Checkout.objects.get(pk=checkout.pk), "name", "phone")
    fill.fill(order, "delivery_address", "delivery_postcode")
    for line in OrderLine.objects.filter(order=order):
        fill.fill(line, "product_name", "sku")
    OrderEvent.objects.filter(order=order).update(note="")
    for event in OrderEvent.objects.filter(order=order):
        fill.fill(event, "note")

    fill.fill(shop, *_SHOP_FIELDS)
    fill.fill(other, "name", "description")
    fill.fill(product, "gtin", "name", "brand", "quantity", "description", "image_url")
    fill.fill(offer, "sku")
    fill.fill(ShopClosureFactory(shop=shop, start_date=timezone.localdate()), "reason")
    fill.fill(
        DeliveryZone.objects.create(
            territory=territory, shop=shop, name="z", kind="radius", radius_km=2
        ),
        "name",
        "postcodes",
    )
    point = CollectionPoint.objects.create(
        territory=territory,
        slug="point",
        name="p",
        address="a",
        lat=48.85,
        lon=2.35,
        opening_hours="Mo-Su 08:00-20:00",
    )
    fill.fill(point, "name", "address", "postcode", "city", "opening_hours")
    fill.fill(
        CourierZone.objects.create(territory=territory, name="c", postcodes="75001"),
        "name",
        "postcodes",
    )
    now = timezone.now()
    programme = voucher_programme_create(
        territory=territory,
        name="p",
        match_rate_bp=5000,
        cap_per_person_cents=5000,
        budget_cents=100_000,
        valid_from=now - dt.timedelta(days=1),
        valid_until=now + dt.timedelta(days=30),
    )
    fill.fill(programme, "name")
    fill.fill(
        Household.objects.create(territory=territory, user=shopper, address="a", key="k"),
        "address",
        "postcode",
    )
    fill.fill(
        ApiToken.objects.create(shop=shop, territory=territory, name="t", prefix="p", digest="d"),
        "name",
    )
    fill.fill(
        JoinRequest.objects.create(territory=territory, shop=other, user=merchant, kind="claim"),
        "message",
    )
    fill.fill(
        ImportJob.objects.create(
            territory=territory,
            shop=shop,
            filename="f.csv",
            file_format="csv",
            size=1,
            content=b"x",
        ),
        "filename",
    )
    fill.fill(
        StockFeed.objects.create(territory=territory, shop=shop, url="https://x.example/"),
        "url",
        "last_message",
    )
    fill.fill(
        AuditEntry.objects.create(
            territory=territory, action="shop.update", object_type="shop", object_id=str(shop.pk)
        ),
        "actor_label",
        "object_repr",
    )
    fill.fill(
        Page.objects.update_or_create(
            territory=territory, kind="a-propos", defaults={"title": "t", "body": "b"}
        )[0],
        "title",
        "body",
    )
    fill.fill(
        Announcement.objects.create(
            territory=territory, message="m", starts_at=now - dt.timedelta(hours=1)
        ),
        "message",
        "link_url",
        "link_text",
    )
    fill.fill(
        ShopNews.objects.create(territory=territory, shop=shop, author=merchant, text="n"), "text"
    )
    fill.fill(
        AvailabilityAlert.objects.create(
            territory=territory, user=shopper, kind="search", query="q"
        ),
        "query",
    )
    fill.fill(
        SavedList.objects.create(territory=territory, user=shopper, name="l", text="pain"),
        "name",
        "text",
    )
    # A transfer to the shop, with the bank reference the operator typed
    transfer = LedgerTransaction.objects.create(
        territory=territory, kind="payout", reference="r", idempotency_key=uuid.uuid4().hex
    )
    payout = Payout.objects.create(
        territory=territory,
        shop=shop,
        amount_cents=100,
        paid_on=timezone.localdate(),
        reference="r",
        ledger_transaction=transfer,
    )
    fill.fill(payout, "reference")
    search_index_rebuild(territory=territory)
    return {
        "fill": fill,
        "territory": territory,
        "shop": shop,
        "product": product,
        "offer": offer,
        "order": order,
        "checkout": checkout,
        "programme": programme,
        "point": point,
        "merchant": merchant,
        "operator": operator,
        "shopper": shopper,
    }


_SHOP_FIELDS = (
    "name",
    "source_category",
    "description",
    "address",
    "postcode",
    "city",
    "phone",
    "website",
    "opening_hours",
)


def _client(user: User | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _assert_safe_html(path: str, response, used: dict[str, str], *, email: bool = False) -> None:
    if isinstance(response, str):
        html = response
    else:
        assert response.status_code == 200, (path, response.status_code)
        html = response.content.decode()
    found = live_code(html)
    if email:  # inline styles are how e-mails are styled
        found = [item for item in found if "style" not in item]
    assert found == [], f"{path}: {found}"
    # At least one stored payload is on the page, escaped (else the page proves nothing)
    assert any(escape(value) in html for value in used.values() if len(value) >= 8), (
        f"{path} shows none of the payloads"
    )


def _pages(world) -> dict[str | None, list[str]]:
    t = world["territory"].slug
    s = world["shop"].slug
    shopper_pages = [
        "/",
        reverse("web:territory_home", args=[t]),
        reverse("web:shop_list", args=[t]),
        reverse("web:shop_detail", args=[t, s]),
        reverse("web:product_detail", args=[t, world["product"].pk]),
        reverse("search:results", args=[t]) + "?q=pain&carte=1",
        reverse("pages:page", args=[t, "a-propos"]),
        reverse("reports:impact", args=[t]),
        reverse("orders:list"),
        reverse("orders:detail", args=[world["order"].pk]),
        reverse("orders:guest_checkout", args=[world["checkout"].access_token]),
        reverse("planner:plan", args=[t]),
        reverse("habits:alerts", args=[t]),
    ]
    shop_pages = [
        reverse(f"backoffice:{name}", args=[t, s])
        for name in (
            "shop_home",
            "vitrine",
            "opening_hours",
            "fulfilment",
            "catalogue",
            "orders",
            "picking_list",
            "news",
            "team",
            "api_tokens",
        )
    ]
    shop_pages += [
        reverse("backoffice:dashboard"),
        reverse("backoffice:offer_edit", args=[t, s, world["offer"].pk]),
    ]
    console = [
        reverse(f"console:{name}", args=[t])
        for name in (
            "dashboard",
            "applications",
            "shops",
            "categories",
            "points",
            "courier",
            "pages",
            "announcements",
            "reports",
            "settlements",
            "audit",
            "programmes",
            "settings",
        )
    ]
    console += [
        reverse("console:shop", args=[t, world["shop"].pk]),
        reverse("console:point", args=[t, world["point"].pk]),
        reverse("console:programme", args=[t, world["programme"].pk]),
        reverse("console:page", args=[t, "a-propos"]),
        reverse("console:settlement", args=[t, world["shop"].pk]),
    ]
    return {"shopper": shopper_pages, "merchant": shop_pages, "operator": console}


def test_stored_payloads_render_escaped_on_every_page(hostile):
    checked = 0
    for role, paths in _pages(hostile).items():
        client = _client(hostile[role])
        for path in paths:
            _assert_safe_html(path, client.get(path), hostile["fill"].used)
            checked += 1
    assert checked >= 40


def test_search_queries_and_form_errors_echo_the_input_escaped(hostile):
    t = hostile["territory"].slug
    client = _client(hostile["shopper"])
    for payload in PAYLOADS:
        for path in (
            reverse("search:results", args=[t]),
            reverse("web:shop_list", args=[t]),
            reverse("search:suggestions", args=[t]),
        ):
            response = client.get(path, {"q": payload, "category": payload, "sort": payload})
            assert response.status_code in (200, 400), (path, payload)
            assert live_code(response.content.decode()) == [], (path, payload)
        plan = client.get(
            reverse("planner:plan", args=[t]), {"liste": payload, "postcode": payload}
        )
        assert live_code(plan.content.decode()) == [], payload
        login = Client().post(reverse("accounts:login"), {"username": payload, "password": payload})
        assert live_code(login.content.decode()) == [], payload
        signup = Client().post(
            reverse("accounts:signup"), {"email": payload, "password1": payload, "password2": "x"}
        )
        assert live_code(signup.content.decode()) == [], payload


def test_json_ld_and_json_script_blocks_stay_json(hostile):
    t = hostile["territory"].slug
    client = _client()
    for path in (
        reverse("web:shop_detail", args=[t, hostile["shop"].slug]),
        reverse("web:product_detail", args=[t, hostile["product"].pk]),
    ):
        html = client.get(path).content.decode()
        assert 'type="application/ld+json"' in html or 'type="application/json"' in html, path
        assert live_code(html) == [], path
        assert "</script><script>" not in html, path


def test_the_api_answers_json_never_html(hostile):
    t = hostile["territory"].slug
    client = _client()
    for path in (
        f"/api/v1/territories/{t}/shops",
        f"/api/v1/territories/{t}/search?q=pain",
        f"/api/v1/territories/{t}/autocomplete?q=pa",
        "/api/v1/territories",
        reverse("web:territory_markers", args=[t]),
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Content-Type"].startswith("application/json"), path
        assert response["X-Content-Type-Options"] == "nosniff"
        json.loads(response.content)


def test_emails_show_the_payloads_escaped(hostile, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    tasks_drain()
    assert mail.outbox, "the order's e-mails were sent"
    for message in mail.outbox:
        for body, kind in getattr(message, "alternatives", []):
            if kind == "text/html":
                _assert_safe_html(message.subject, body, hostile["fill"].used, email=True)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cells(content: bytes) -> list[str]:
    text = content.decode("utf-8-sig")
    dialect = ";" if text.count(";") >= text.count(",") else ","
    return [cell for row in csv.reader(io.StringIO(text), delimiter=dialect) for cell in row]


def test_csv_exports_neutralise_spreadsheet_formulas(hostile):
    t, s, shop_id = hostile["territory"].slug, hostile["shop"].slug, hostile["shop"].pk
    exports = {
        "merchant": [
            reverse("backoffice:catalogue_export", args=[t, s]),
            reverse("backoffice:orders_export", args=[t, s]),
            reverse("backoffice:statement_csv", args=[t, s]),
        ],
        "operator": [
            *(
                reverse("console:reports_csv", args=[t, table])
                for table in (
                    "semaines",
                    "commerces",
                    "categories",
                    "modes",
                    "cheques",
                    "cheques-commerces",
                )
            ),
            reverse("console:settlement_csv", args=[t, shop_id]),
            reverse("console:voucher_flows_csv", args=[t]),
        ],
        "shopper": [reverse("reports:open_data_csv", args=[t])],
    }
    formulas_seen = 0
    for role, paths in exports.items():
        client = _client(hostile[role])
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            content = (
                b"".join(response.streaming_content) if response.streaming else response.content
            )
            for cell in _csv_cells(content):
                if cell.lstrip("'").startswith(("=HYPERLINK", "+cmd", "@SUM")):
                    formulas_seen += 1
                number = cell.replace(",", "").replace(".", "").replace(" ", "").lstrip("-")
                assert not cell.startswith(FORMULA_START) or number.isdigit(), (path, cell)
    assert formulas_seen > 0, "the formula payloads reached at least one export"
