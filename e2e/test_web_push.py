"""Web push in a real browser: the alerts page shows the notification switch only where
the browser has PushManager and the server has keys, and the service worker turns a push
message into a notification that opens the product.

A real subscription cannot be made here: Chromium subscribes through its vendor's push
service (FCM), out of reach of this machine, so ``pushManager.subscribe`` fails and the
page must say so clearly. The push message is delivered straight to the service worker
through the DevTools protocol (``ServiceWorker.deliverPushMessage``), the way the push
service would hand it over once decrypted.
"""

import json
import re

import pytest
from playwright.sync_api import expect

from cabas.factories import ShopFactory, TerritoryFactory, UserFactory
from cabas.habits.models import PushSubscription
from cabas.habits.vapid import vapid_keys_generate

PASSWORD = "motdepasse-solide-42"  # noqa: S105 (test account)


def sign_in(page, base_url: str, email: str) -> None:
    page.goto(base_url + "/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("connecter", re.I)).click()


@pytest.fixture
def push_keys(settings):
    private_key, public_key = vapid_keys_generate()
    settings.WEBPUSH_VAPID_PRIVATE_KEY = private_key
    settings.WEBPUSH_VAPID_PUBLIC_KEY = public_key
    settings.WEBPUSH_CONTACT = "mailto:exploitation@cabas.example.org"
    return settings


def worker_registration_id(page, cdp, scope: str) -> str:
    """The service worker registration id Chromium gives the site's root scope (sent as
    events once the ServiceWorker domain is enabled)."""
    registrations: list[dict] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(event["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    for _attempt in range(100):
        for registration in registrations:
            if registration["scopeURL"] == scope and not registration.get("isDeleted"):
                return registration["registrationId"]
        page.wait_for_timeout(100)
    raise AssertionError(f"no service worker registration for {scope}: {registrations}")


def notifications(page, seconds: float = 30) -> list[dict]:
    """The notifications the service worker shows, once it has shown at least one."""
    script = """navigator.serviceWorker.ready.then(r => r.getNotifications()).then(list =>
        list.map(n => ({title: n.title, body: n.body, tag: n.tag, lang: n.lang,
                        icon: n.icon, url: n.data && n.data.url})))"""
    for _attempt in range(int(seconds * 10)):
        shown = page.evaluate(script)
        if shown:
            return shown
        page.wait_for_timeout(100)
    return []


CLICK_WITH_SPIES = """async () => {
    // Record instead of acting: a synthetic click has no user activation to open windows.
    self.__opened = [];
    self.clients.openWindow = (url) => { self.__opened.push(url); return Promise.resolve(null); };
    const [notification] = await self.registration.getNotifications();
    try {
        self.dispatchEvent(new NotificationEvent("notificationclick", { notification }));
    } catch (error) { /* waitUntil refuses untrusted events; the handler already ran */ }
    for (let i = 0; i < 50 && !self.__opened.length; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const left = await self.registration.getNotifications();
    return { opened: self.__opened, left: left.length };
}"""


def deliver(cdp, origin: str, registration_id: str, payload: dict) -> None:
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": origin,
            "registrationId": registration_id,
            "data": json.dumps(payload, ensure_ascii=False),
        },
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_push_switch_and_the_service_worker_showing_and_opening_an_alert(
    live_server, page, push_keys
):
    territory = TerritoryFactory(slug="ville", name="Ville-sur-Test")
    ShopFactory(territory=territory, slug="fromagerie", opening_hours="24/7")
    shopper = UserFactory(email="claire@example.org", password=PASSWORD)
    origin = live_server.url
    page.context.grant_permissions(["notifications"], origin=origin)

    # The switch appears: the server has keys and the browser has PushManager.
    sign_in(page, origin, shopper.email)
    page.goto(f"{origin}/ville/alertes/")
    assert page.evaluate("navigator.serviceWorker.ready.then(() => 'PushManager' in window)")
    switch = page.get_by_role("switch", name=re.compile("notification", re.I))
    expect(switch).to_be_visible()
    expect(switch).not_to_be_checked()

    # Turning it on: Chromium's push service is out of reach here, so the subscription
    # fails and the page says so, switch back off, nothing recorded.
    switch.click()
    status = page.locator("[data-push-status]")
    expect(status).not_to_be_empty()
    if PushSubscription.objects.exists():  # a browser that reached its push service
        expect(switch).to_be_checked()
        expect(status).to_have_text("Notifications activées sur cet appareil.")
        assert PushSubscription.objects.get().endpoint.startswith("https://")
    else:
        expect(status).to_have_text(
            "Ce navigateur n’a pas pu s’abonner aux notifications. Réessayez plus tard."
        )
        expect(switch).not_to_be_checked()

    # A push message reaches the worker: it shows the alert.
    cdp = page.context.new_cdp_session(page)
    registration_id = worker_registration_id(page, cdp, origin + "/")
    deliver(
        cdp,
        origin,
        registration_id,
        {
            "title": "Disponible près de chez vous : Comté",
            "body": "Fromagerie du Marché — 24,90 €",
            "url": "/ville/commerces/fromagerie/",
            "icon": "/ville/icones/any-192.png",
            "tag": "cabas-alertes-ville",
            "lang": "fr",
        },
    )
    assert notifications(page) == [
        {
            "title": "Disponible près de chez vous : Comté",
            "body": "Fromagerie du Marché — 24,90 €",
            "tag": "cabas-alertes-ville",
            "lang": "fr",
            "icon": f"{origin}/ville/icones/any-192.png",
            "url": f"{origin}/ville/commerces/fromagerie/",
        }
    ]

    # A click closes it and opens the product page.
    workers = page.context.service_workers
    worker = workers[0] if workers else page.context.wait_for_event("serviceworker")
    clicked = worker.evaluate(CLICK_WITH_SPIES)
    assert clicked == {"opened": [f"{origin}/ville/commerces/fromagerie/"], "left": 0}

    # A payload pointing elsewhere never sends the shopper off the site.
    deliver(cdp, origin, registration_id, {"title": "Piège", "url": "https://evil.example/x"})
    [shown] = notifications(page)
    assert shown["title"] == "Piège" and shown["url"] == f"{origin}/"
    # A message that is not JSON still shows a notification (required for push).
    worker.evaluate("self.registration.getNotifications().then(l => l.forEach(n => n.close()))")
    # Seen once in CI on a loaded machine: the message delivered right after the close
    # never reached the worker; the same message delivered again did. Up to three times.
    for _attempt in range(3):
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {"origin": origin, "registrationId": registration_id, "data": "pas du JSON"},
        )
        if shown_now := notifications(page, seconds=10):
            break
    [shown] = shown_now
    assert (shown["title"], shown["body"]) == ("Cabas", "pas du JSON")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_switch_where_the_browser_has_no_push(live_server, page, push_keys):
    TerritoryFactory(slug="ville", name="Ville-sur-Test")
    shopper = UserFactory(email="claire@example.org", password=PASSWORD)
    page.add_init_script("delete window.PushManager")
    sign_in(page, live_server.url, shopper.email)
    page.goto(f"{live_server.url}/ville/alertes/")
    expect(page.get_by_role("heading", name="Mes alertes")).to_be_visible()
    assert page.locator("[data-push]").count() == 1
    expect(page.locator("[data-push]")).to_be_hidden()
