"""The Content-Security-Policy (no 'unsafe-inline', no 'unsafe-eval') breaks no page.

Each key page of every role is opened in Debian's chromium with the policy the server
sends; the browser reports every refused script, style, handler, image or form target
both as a ``securitypolicyviolation`` event and as a console error. The test expects
none, and checks that what the policy must leave working still works: htmx swaps, the
Leaflet maps (tiles are requested from the tile host, which is cut off here: the tile
<img> elements are created, not loaded), the planner's route, the charts.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cabas.factories import UserFactory

from .conftest import EXTERNAL
from .town import PASSWORD, build_town, session_cookie

# Recorded in every document before its own scripts run; the binding outlives navigations.
LISTEN = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolation({
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile + ":" + event.lineNumber,
    sample: event.sample,
    page: document.location.pathname,
  });
});
"""
TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


@pytest.fixture
def town(transactional_db, settings):
    settings.MAP_TILE_URL = TILE_URL
    return build_town()


class Watch:
    """A tab that records CSP violations, console errors and page errors."""

    def __init__(self, browser, base_url: str):
        self.base_url = base_url
        self.context = browser.new_context(
            locale="fr-FR", viewport={"width": 1024, "height": 900}, device_scale_factor=1
        )
        self.context.route(EXTERNAL, lambda route: route.abort())
        self.context.set_default_timeout(10_000)
        self.violations: list[dict] = []
        self.console: list[str] = []
        self.context.expose_binding(
            "__cspViolation", lambda _source, report: self.violations.append(report)
        )
        self.context.add_init_script(LISTEN)
        self.page = self.context.new_page()
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.console.append(f"pageerror: {error}"))
        self.headers: dict[str, str] = {}

    def _on_console(self, message) -> None:
        # Aborted tile and photo requests log network errors: those are expected here.
        if message.type == "error" and "net::ERR_FAILED" not in message.text:
            self.console.append(f"{self.page.url}: {message.text}")

    def sign_in(self, user) -> None:
        self.context.add_cookies([session_cookie(user, self.base_url)])

    def visit(self, path: str) -> None:
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
        policy = response.headers.get("content-security-policy", "")
        assert policy, f"{path}: no Content-Security-Policy header"
        self.headers[path] = policy
        self.page.wait_for_load_state("load")

    def assert_clean(self) -> None:
        # Give late reports (lazy images, deferred scripts) their turn before reading.
        self.page.wait_for_timeout(200)
        assert self.violations == [], "CSP violations:\n" + json.dumps(
            self.violations, indent=1, ensure_ascii=False
        )
        assert self.console == [], "console errors:\n" + "\n".join(self.console)
        for path, policy in self.headers.items():
            assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, path

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def watch(browser, live_server):
    tab = Watch(browser, live_server.url)
    yield tab
    tab.close()


def _tiles_requested(page) -> None:
    """The map is drawn and asks the tile host for tiles (which never arrive here)."""
    page.locator(".map").first.scroll_into_view_if_needed()  # Leaflet loads as it nears
    expect(page.locator(".map.leaflet-container").first).to_be_attached()
    tiles = page.locator(".leaflet-tile-pane img.leaflet-tile")
    expect(tiles.first).to_be_attached()
    assert tiles.first.get_attribute("src").startswith("https://tile.openstreetmap.org/")


@pytest.mark.browser
def test_shopper_pages_raise_no_csp_violation(watch, town):
    page = watch.page
    slug = town.territory.slug
    search = reverse("search:results", args=[slug])

    # The platform home (territory cards coloured by their stylesheet), the territory home
    watch.visit("/")
    card = page.locator(".territory-card").first
    assert card.evaluate("el => getComputedStyle(el).borderTopColor") == "rgb(29, 94, 58)"
    watch.visit(reverse("web:territory_home", args=[slug]))
    header = page.eval_on_selector(".site-header", "el => getComputedStyle(el).backgroundColor")
    assert header == "rgb(29, 94, 58)"  # the territory colour, from /theme/…css
    _tiles_requested(page)

    # The shop list filtered by htmx, the search with its map, the autocomplete
    watch.visit(reverse("web:shop_list", args=[slug]))
    page.get_by_text("Catégorie, services, distance").click()
    page.get_by_label("Service", exact=True).select_option("delivery")
    expect(page).to_have_url(re.compile(r"service=delivery"))
    watch.visit(f"{search}?q=comte&carte=1")
    _tiles_requested(page)
    page.get_by_role("combobox").first.fill("mie")
    expect(page.locator("#recherche-suggestions")).to_contain_text("Miel", ignore_case=True)

    # The shop and the product pages (JSON-LD data blocks), then the cart and checkout
    watch.visit(reverse("web:shop_detail", args=[slug, town.shop.slug]))
    assert page.locator('script[type="application/ld+json"]').count() >= 1
    page.locator(".map").first.scroll_into_view_if_needed()
    _tiles_requested(page)
    watch.visit(reverse("web:product_detail", args=[slug, town.product.pk]))
    page.get_by_role("button", name=re.compile("^Ajouter au panier")).first.click()
    expect(page.get_by_role("status").filter(has_text=town.product.name)).to_be_visible()
    watch.visit(reverse("cart:detail"))
    watch.visit(reverse("orders:checkout"))
    page.get_by_role("button", name="Confirmer la commande").click()
    page.wait_for_load_state("load")

    # The planner draws the walk on its map
    query = urlencode({"liste": "Comté\nMiel de sapin", "lat": "45.1885", "lon": "5.7245"})
    watch.visit(reverse("planner:plan", args=[slug]) + "?" + query)
    expect(page.locator(".route-stop").first).to_be_attached()
    _tiles_requested(page)

    # Content pages, the impact page with its charts, log-in with an error
    watch.visit(reverse("reports:impact", args=[slug]))
    watch.visit(reverse("accounts:login"))
    page.get_by_label("Adresse e-mail").fill(town.shopper.email)
    page.get_by_label("Mot de passe").fill("pas-le-bon-mot-de-passe")
    page.get_by_role("button", name=re.compile("connecter", re.I)).click()
    expect(page.get_by_role("alert").first).to_be_visible()

    # A signed-in shopper's orders (QR codes as inline SVG)
    watch.sign_in(town.shopper)
    watch.visit(reverse("orders:list"))
    watch.visit(reverse("orders:detail", args=[town.order.pk]))
    watch.assert_clean()


@pytest.mark.browser
def test_merchant_and_operator_pages_raise_no_csp_violation(watch, town):
    page = watch.page
    slug, shop = town.territory.slug, town.shop.slug

    # The merchant: dashboard, shop home, order board (htmx polling), picking list (print
    # button bound by print.js), catalogue (htmx filters), the redemption page (scanner)
    watch.sign_in(town.merchant)
    watch.visit(reverse("backoffice:dashboard"))
    watch.visit(reverse("backoffice:shop_home", args=[slug, shop]))
    watch.visit(reverse("backoffice:orders", args=[slug, shop]))
    watch.visit(reverse("backoffice:picking_list", args=[slug, shop]))
    expect(page.get_by_role("button", name="Imprimer")).to_be_visible()
    watch.visit(reverse("backoffice:catalogue", args=[slug, shop]))
    page.get_by_role("searchbox").first.fill("pain")
    expect(page).to_have_url(re.compile(r"q=pain"))
    watch.visit(reverse("backoffice:redeem", args=[slug, shop]))
    watch.visit(reverse("backoffice:vitrine", args=[slug, shop]))
    watch.visit(reverse("backoffice:opening_hours", args=[slug, shop]))

    # The operator: console dashboard, reports with their charts, settings
    watch.sign_in(town.operator)
    watch.visit(reverse("console:dashboard", args=[slug]))
    watch.visit(reverse("console:reports", args=[slug]))
    expect(page.locator("svg").first).to_be_attached()
    watch.visit(reverse("console:settings", args=[slug]))
    watch.assert_clean()


@pytest.mark.browser
def test_admin_and_api_docs_raise_no_csp_violation(watch, town):
    # The platform admin runs under the same policy as every page: no exception for /admin/
    admin = UserFactory(email="admin@example.org", password=PASSWORD, is_staff=True)
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    watch.visit(reverse("admin:login"))
    watch.sign_in(admin)
    watch.visit(reverse("admin:index"))
    watch.visit(reverse("admin:territories_territory_changelist"))
    watch.visit(reverse("admin:territories_territory_change", args=[town.territory.pk]))
    watch.visit(reverse("admin:shops_shop_changelist"))
    # The API's Swagger UI, served from our static files
    watch.visit("/api/v1/docs")
    expect(watch.page.locator(".swagger-ui").first).to_be_attached()
    watch.assert_clean()
