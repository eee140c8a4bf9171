"""WCAG 2.1 AA on the key pages of every role, checked by axe-core in Debian's chromium.

axe-core comes from npm (a devDependency: read from node_modules by this test, never
served to users) and is evaluated through the DevTools protocol, which the page's
Content-Security-Policy does not govern: the pages are audited with their real CSP.
Each test visits the pages of one role, in French, and expects zero violations; a
failure lists every rule broken, page by page, with the elements at fault.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .conftest import EXTERNAL
from .town import build_town, session_cookie

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_AXE = """tags => axe.run(document, {runOnly: {type: "tag", values: tags},
                                       resultTypes: ["violations"]})
  .then(result => result.violations.map(v => ({
    rule: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " — " + n.failureSummary)})))"""


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{AXE} is missing: run `npm ci` (axe-core is a devDependency).")
        pytest.skip("axe-core is not installed (npm ci)")
    return AXE.read_text()


@pytest.fixture
def town(transactional_db, settings):
    # Map tiles come from an outside host; without a tile layer the map still draws
    # its markers and nothing waits on the network.
    settings.MAP_TILE_URL = ""
    return build_town()


@pytest.fixture
def tab(browser, live_server):
    """A phone-sized French tab; ``tab.sign_in(user)`` gives it that user's session."""
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 390, "height": 844}, device_scale_factor=1
    )
    context.route(EXTERNAL, lambda route: route.abort())
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.sign_in = lambda user: context.add_cookies([session_cookie(user, live_server.url)])
    yield page
    context.close()


class Audit:
    """Runs axe on pages and keeps what it finds, keyed by page."""

    def __init__(self, page, base_url: str, source: str):
        self.page, self.base_url, self.source = page, base_url, source
        self.found: dict[str, list[dict]] = {}
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def visit(self, path: str) -> None:
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
        self.check(path)

    def check(self, label: str) -> None:
        """Audit the page as it is now (after a visit or an interaction)."""
        self.page.wait_for_load_state("load")
        if not self.page.evaluate("typeof window.axe === 'object'"):
            self.page.evaluate(self.source)
        violations = self.page.evaluate(RUN_AXE, WCAG_21_AA)
        if violations:
            self.found[label] = violations

    def assert_clean(self) -> None:
        assert self.found == {}, "axe-core (WCAG 2.1 AA) violations:\n" + json.dumps(
            self.found, indent=1, ensure_ascii=False
        )
        assert self.errors == []


def assert_errors_tied_to_fields(page) -> None:
    """Every field marked invalid names its error message through aria-describedby."""
    untied = page.evaluate(
        """() => [...document.querySelectorAll("[aria-invalid=true]")].filter(field =>
              !(field.getAttribute("aria-describedby") || "").split(/\\s+/).some(id => {
                const message = id && document.getElementById(id);
                return message && message.classList.contains("field-error")
                  && message.textContent.trim();
              })).map(field => field.name)"""
    )
    assert page.locator("[aria-invalid=true]").count() > 0
    assert untied == []


@pytest.mark.browser
def test_shopper_pages_have_no_wcag_violations(live_server, tab, town, axe_source):
    audit = Audit(tab, live_server.url, axe_source)
    slug = town.territory.slug
    shop_list = reverse("web:shop_list", args=[slug])
    search = reverse("search:results", args=[slug])

    # The platform home, the territory home, the lists and the search with its facets
    audit.visit("/")
    audit.visit(reverse("web:territory_home", args=[slug]))
    audit.visit(shop_list)
    audit.visit(f"{shop_list}?category=alimentation&service=delivery")
    audit.visit(f"{search}?q=pain")
    audit.visit(f"{search}?q=miel&produits=on&open=on")
    audit.visit(f"{search}?q=comte&carte=1")
    tab.locator(".map").scroll_into_view_if_needed()  # Leaflet loads as the map nears
    expect(tab.locator(".map.leaflet-container")).to_be_attached()
    audit.check(f"{search}?q=comte&carte=1 (map drawn)")
    audit.visit(f"{search}?q=zzzzqqq")

    # The shop (map drawn) and the product, then the cart filled from the product page
    audit.visit(reverse("web:shop_detail", args=[slug, town.shop.slug]))
    tab.locator(".map").scroll_into_view_if_needed()
    expect(tab.locator(".map.leaflet-container")).to_be_attached()
    audit.check("shop page (map drawn)")
    product = reverse("web:product_detail", args=[slug, town.product.pk])
    audit.visit(product)
    tab.get_by_role("button", name=re.compile("^Ajouter au panier")).first.click()
    expect(tab.get_by_role("status").filter(has_text=town.product.name)).to_be_visible()
    audit.check(f"{product} (added to the cart)")
    audit.visit(reverse("cart:detail"))
    audit.visit(reverse("orders:checkout"))
    tab.get_by_role("button", name="Confirmer la commande").click()
    audit.check("checkout with errors")
    assert_errors_tied_to_fields(tab)

    # The shopping-list planner, the impact page, log-in and sign-up, with their errors
    audit.visit(reverse("planner:plan", args=[slug]))
    audit.visit(reverse("reports:impact", args=[slug]))
    audit.visit(reverse("accounts:login"))
    tab.get_by_label("Adresse e-mail").fill(town.shopper.email)
    tab.get_by_label("Mot de passe").fill("pas-le-bon-mot-de-passe")
    tab.get_by_role("button", name=re.compile("connecter", re.I)).click()
    audit.check("log-in with a wrong password")
    audit.visit(reverse("accounts:signup"))
    tab.get_by_role("button", name=re.compile("compte", re.I)).click()
    audit.check("sign-up with errors")
    assert_errors_tied_to_fields(tab)
    audit.assert_clean()


@pytest.mark.browser
def test_shopper_account_pages_have_no_wcag_violations(live_server, tab, town, axe_source):
    audit = Audit(tab, live_server.url, axe_source)
    tab.sign_in(town.shopper)
    audit.visit(reverse("orders:list"))
    audit.visit(reverse("orders:detail", args=[town.order.pk]))
    audit.visit(reverse("accounts:cards"))
    audit.visit(reverse("accounts:points"))
    audit.visit(reverse("habits:my_shops", args=[town.territory.slug]))
    audit.assert_clean()


@pytest.mark.browser
def test_merchant_pages_have_no_wcag_violations(live_server, tab, town, axe_source):
    audit = Audit(tab, live_server.url, axe_source)
    tab.sign_in(town.merchant)
    shop = {"territory": town.territory.slug, "shop": town.shop.slug}
    audit.visit(reverse("backoffice:dashboard"))
    for name in ("shop_home", "vitrine", "opening_hours", "catalogue", "orders", "redeem"):
        audit.visit(reverse(f"backoffice:{name}", kwargs=shop))
    for name in ("import_upload", "statement", "fulfilment", "team"):
        audit.visit(reverse(f"backoffice:{name}", kwargs=shop))
    audit.assert_clean()


@pytest.mark.browser
def test_operator_pages_have_no_wcag_violations(live_server, tab, town, axe_source):
    audit = Audit(tab, live_server.url, axe_source)
    tab.sign_in(town.operator)
    slug = {"territory": town.territory.slug}
    for name in ("dashboard", "reports", "settlements", "applications", "shops", "settings"):
        audit.visit(reverse(f"console:{name}", kwargs=slug))
    audit.assert_clean()


@pytest.mark.browser
def test_keyboard_reaches_the_header_and_searches_with_a_visible_focus(live_server, tab, town):
    # Given the shop list, whose header holds the search box
    tab.goto(live_server.url + reverse("web:shop_list", args=[town.territory.slug]))
    box = tab.get_by_label("Rechercher un produit, un rayon ou un commerce")

    # When a keyboard user tabs from the top of the page
    tab.keyboard.press("Tab")
    skip = tab.get_by_role("link", name="Aller au contenu")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    reached = []
    for _ in range(30):
        if box.evaluate("el => el === document.activeElement"):
            break
        tab.keyboard.press("Tab")
        reached.append(
            tab.evaluate(
                """() => { const el = document.activeElement, s = getComputedStyle(el);
                return {name: el.tagName + ' ' + (el.textContent || el.name || '').trim(),
                        outlined: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
                                  || s.boxShadow !== 'none'}; }"""
            )
        )

    # Then every stop on the way shows where the focus is, and the search box is reached
    expect(box).to_be_focused()
    assert [stop["name"] for stop in reached if not stop["outlined"]] == []
    assert len(reached) < 15, [stop["name"] for stop in reached]

    # And typing a query and Enter opens the results
    tab.keyboard.type("comté")
    tab.keyboard.press("Enter")
    expect(tab).to_have_url(re.compile(r"/grenoble/recherche/\?q=comt"))
    expect(tab.locator("#resultats")).to_contain_text("Comté 18 mois")
