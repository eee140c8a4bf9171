"""The installable app in a real browser: Chromium finds the manifest installable, the
service worker takes control, and with the network cut the shopper still sees the next
pickup and its code."""

import re

import pytest
from playwright.sync_api import expect

from cabas.factories import OfferFactory, ShopFactory, TerritoryFactory, UserFactory
from cabas.orders.requests import CheckoutRequest, LineRequest
from cabas.orders.services import checkout_place
from cabas.orders.tests.fixtures import new_key

from .conftest import CHROMIUM, CHROMIUM_ARGS, EXTERNAL

PASSWORD = "motdepasse-solide-42"  # noqa: S105 (test account)


def sign_in(page, base_url: str, email: str) -> None:
    page.goto(base_url + "/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("connecter", re.I)).click()


@pytest.fixture
def profile_page(browser, tmp_path):
    """A tab in a browser profile on disk: Chromium never offers to install an app from
    an incognito context, which is what a plain Playwright context is."""
    context = browser.browser_type.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        locale="fr-FR",
        viewport={"width": 390, "height": 844},
    )
    context.route(EXTERNAL, lambda route: route.abort())
    context.set_default_timeout(10_000)
    yield context.pages[0] if context.pages else context.new_page()
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_app_is_installable_and_shows_pickups_offline(live_server, profile_page):
    page = profile_page
    territory = TerritoryFactory(slug="ville", name="Ville-sur-Test", primary_colour="#7a2e8c")
    shop = ShopFactory(
        territory=territory, slug="fromagerie", name="Fromagerie du Marché", opening_hours="24/7"
    )
    offer = OfferFactory(shop=shop, product__name="Comté", stock=5)
    shopper = UserFactory(email="claire@example.org", password=PASSWORD)
    order = checkout_place(
        request=CheckoutRequest(
            idempotency_key=new_key(),
            user_id=shopper.pk,
            email=shopper.email,
            phone="06 12 34 56 78",
            name="Claire",
            lines=(LineRequest(offer.pk, 1),),
        ),
        cart=None,
    ).checkout.orders.get()

    sign_in(page, live_server.url, shopper.email)
    page.goto(f"{live_server.url}/ville/")
    # The worker is registered from a file, controls the page and caches the offline page.
    assert page.evaluate("navigator.serviceWorker.ready.then(r => r.active.scriptURL)").endswith(
        "/sw.js"
    )
    page.wait_for_function(
        "caches.open('cabas-offline').then(c => c.match('/ville/hors-ligne/')).then(r => !!r)"
    )

    cdp = page.context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == []
    assert manifest["url"].endswith("/ville/manifest.webmanifest")
    installability = cdp.send("Page.getInstallabilityErrors")
    assert installability["installabilityErrors"] == []

    page.reload()  # now under the worker's control
    assert page.evaluate("!!navigator.serviceWorker.controller")
    page.context.set_offline(True)
    page.goto(f"{live_server.url}/ville/commerces/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes prochains retraits")
    expect(page.locator(".pickup-code")).to_contain_text(order.pickup_code)
    expect(page.locator(".pickup")).to_contain_text("Fromagerie du Marché")
    # The app shell still comes from the cache: the page keeps its styles.
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.site-header')).display")
        != "inline"
    )
    page.context.set_offline(False)
