"""Web push subscriptions: offered only when configured, checked before any write,
posted with the CSRF token by the alerts page's script."""

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from cabas.factories import TerritoryFactory
from cabas.habits.apps import webpush_settings_check
from cabas.habits.errors import HabitError
from cabas.habits.models import PushSubscription
from cabas.habits.services import PUSH_DEVICES_MAX, push_subscribe, push_unsubscribe
from cabas.habits.vapid import vapid_config, vapid_keys_generate, vapid_problem

from .fake_push import Device, b64url

ENDPOINT = "https://fcm.googleapis.com/fcm/send/abc123"


def subscription_json(device, endpoint=ENDPOINT):
    return {"endpoint": endpoint, "keys": {"p256dh": device.p256dh, "auth": device.auth}}


def post_json(client, url, data, **headers):
    return client.post(url, json.dumps(data), content_type="application/json", **headers)


@pytest.mark.django_db
def test_without_keys_the_option_is_hidden_and_subscribing_is_refused(client, territory, shopper):
    client.force_login(shopper)
    page = client.get(reverse("habits:alerts", args=[territory.slug])).content.decode()
    assert "data-push" not in page and "habits/push.js" not in page
    response = post_json(
        client,
        reverse("habits:push_subscribe", args=[territory.slug]),
        subscription_json(Device.new()),
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "push_unavailable"
    assert PushSubscription.objects.count() == 0


@pytest.mark.django_db
def test_with_keys_the_page_carries_the_public_key_and_the_script(
    vapid, client, territory, shopper
):
    client.force_login(shopper)
    page = client.get(reverse("habits:alerts", args=[territory.slug])).content.decode()
    assert f'data-key="{vapid.WEBPUSH_VAPID_PUBLIC_KEY}"' in page
    assert 'src="/static/habits/push.js"' in page
    # Hidden until the script finds PushManager: never a dead switch without JavaScript.
    assert 'class="push-settings" data-push hidden' in page
    assert 'role="switch"' in page


@pytest.mark.django_db
def test_subscribe_needs_the_csrf_token_and_a_signed_in_shopper(vapid, territory, shopper):
    url = reverse("habits:push_subscribe", args=[territory.slug])
    device = Device.new()
    browser = Client(enforce_csrf_checks=True)
    anonymous = post_json(browser, url, subscription_json(device))
    assert anonymous.status_code in (401, 403)
    browser.force_login(shopper)
    assert post_json(browser, url, subscription_json(device)).status_code == 403
    assert PushSubscription.objects.count() == 0

    page = browser.get(reverse("habits:alerts", args=[territory.slug]))
    token = page.cookies["csrftoken"].value
    response = post_json(
        browser, url, subscription_json(device), HTTP_X_CSRFTOKEN=token, HTTP_USER_AGENT="Firefox"
    )
    assert response.status_code == 201
    assert response.json()["message"] == "Notifications activées sur cet appareil."
    row = PushSubscription.objects.get()
    assert (row.user, row.territory, row.endpoint) == (shopper, territory, ENDPOINT)
    assert (row.p256dh, row.auth, row.user_agent) == (device.p256dh, device.auth, "Firefox")

    anonymous_client = Client()
    refused = post_json(anonymous_client, url, subscription_json(device))
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "not_authenticated"


BAD_SUBSCRIPTIONS = [
    ({"endpoint": "http://push.example.com/x"}, "push_endpoint_insecure", "HTTPS"),
    ({"endpoint": "javascript:alert(1)"}, "push_endpoint_invalid", "n'est pas valide"),
    ({"endpoint": "https://10.0.0.7/push/x"}, "push_endpoint_invalid", "n'est pas valide"),
    ({"endpoint": "https://169.254.169.254/latest"}, "push_endpoint_invalid", "n'est pas valide"),
    ({"endpoint": "https://localhost/push"}, "push_endpoint_invalid", "n'est pas valide"),
    ({"endpoint": "https://intranet/push"}, "push_endpoint_invalid", "n'est pas valide"),
    ({"endpoint": "https://push.example.com:8443/x"}, "push_endpoint_invalid", "n'est pas valide"),
    ({"endpoint": "https://user:pw@push.example.com/x"}, "push_endpoint_invalid", "n'est pas"),
    ({"endpoint": "https://push.example.com/" + "a" * 1000}, "push_endpoint_invalid", "n'est"),
    ({"endpoint": ""}, "push_endpoint_invalid", "n'est pas valide"),
    ({"p256dh": b64url(b"\x04" + b"\x01" * 63)}, "push_keys_invalid", "clés de chiffrement"),
    ({"p256dh": b64url(b"\x04" + b"\x00" * 64)}, "push_keys_invalid", "clés de chiffrement"),
    ({"p256dh": "pas du base64 !"}, "push_keys_invalid", "clés de chiffrement"),
    ({"auth": b64url(b"\x01" * 15)}, "push_keys_invalid", "clés de chiffrement"),
    ({"auth": ""}, "push_keys_invalid", "clés de chiffrement"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("change", "code", "message"), BAD_SUBSCRIPTIONS)
def test_bad_subscriptions_get_a_clear_json_error_and_write_nothing(
    vapid, client, territory, shopper, change, code, message, settings
):
    settings.WEBPUSH_ALLOW_HTTP_LOOPBACK = False
    device = Device.new()
    data = {"endpoint": ENDPOINT, "p256dh": device.p256dh, "auth": device.auth, **change}
    client.force_login(shopper)
    response = post_json(
        client,
        reverse("habits:push_subscribe", args=[territory.slug]),
        {"endpoint": data["endpoint"], "keys": {"p256dh": data["p256dh"], "auth": data["auth"]}},
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code
    assert message in error["message"]
    assert PushSubscription.objects.count() == 0


@pytest.mark.django_db
def test_malformed_bodies_are_refused_in_json(vapid, client, territory, shopper):
    client.force_login(shopper)
    url = reverse("habits:push_subscribe", args=[territory.slug])
    for body in ["{", "[1, 2]", json.dumps({"endpoint": 7, "keys": "x"}), "x" * 5000]:
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 400, body
        assert response.json()["error"]["code"] in {"push_body_invalid", "push_endpoint_invalid"}
    assert PushSubscription.objects.count() == 0


@pytest.mark.django_db
def test_loopback_http_endpoints_only_with_the_test_setting(vapid, territory, shopper, settings):
    device = Device.new()
    fields = {"p256dh": device.p256dh, "auth": device.auth}
    push_subscribe(user=shopper, territory=territory, endpoint="http://127.0.0.1:9/p", **fields)
    settings.WEBPUSH_ALLOW_HTTP_LOOPBACK = False
    with pytest.raises(HabitError) as refused:
        push_subscribe(user=shopper, territory=territory, endpoint="http://127.0.0.1:9/q", **fields)
    assert refused.value.code == "push_endpoint_insecure"


@pytest.mark.django_db
def test_a_browser_subscribed_again_or_by_someone_else_is_one_device(
    vapid, territory, shopper, other_shopper
):
    first, second = Device.new(), Device.new()
    push_subscribe(
        user=shopper, territory=territory, endpoint=ENDPOINT, p256dh=first.p256dh, auth=first.auth
    )
    push_subscribe(
        user=shopper, territory=territory, endpoint=ENDPOINT, p256dh=second.p256dh, auth=second.auth
    )
    row = PushSubscription.objects.get()
    assert row.p256dh == second.p256dh
    # The same browser in another territory of the site: one row per territory.
    elsewhere = TerritoryFactory(slug="ailleurs")
    push_subscribe(
        user=shopper, territory=elsewhere, endpoint=ENDPOINT, p256dh=second.p256dh, auth=second.auth
    )
    assert PushSubscription.objects.count() == 2
    # Another shopper signs in on that browser: the previous shopper's alerts stop there.
    push_subscribe(
        user=other_shopper,
        territory=territory,
        endpoint=ENDPOINT,
        p256dh=second.p256dh,
        auth=second.auth,
    )
    assert list(PushSubscription.objects.values_list("user_id", flat=True)) == [other_shopper.pk]


@pytest.mark.django_db
def test_a_shopper_keeps_at_most_ten_devices_per_territory(vapid, territory, shopper):
    device = Device.new()
    for number in range(PUSH_DEVICES_MAX + 3):
        push_subscribe(
            user=shopper,
            territory=territory,
            endpoint=f"{ENDPOINT}-{number}",
            p256dh=device.p256dh,
            auth=device.auth,
        )
    kept = set(PushSubscription.objects.values_list("endpoint", flat=True))
    assert len(kept) == PUSH_DEVICES_MAX
    assert f"{ENDPOINT}-0" not in kept and f"{ENDPOINT}-{PUSH_DEVICES_MAX + 2}" in kept


@pytest.mark.django_db
def test_unsubscribe_removes_only_this_browser_here_and_says_what_remains(
    vapid, client, territory, shopper, other_shopper
):
    device = Device.new()
    elsewhere = TerritoryFactory(slug="ailleurs")
    for place in (territory, elsewhere):
        push_subscribe(
            user=shopper, territory=place, endpoint=ENDPOINT, p256dh=device.p256dh, auth=device.auth
        )
    push_subscribe(
        user=other_shopper,
        territory=territory,
        endpoint=ENDPOINT + "-paul",
        p256dh=device.p256dh,
        auth=device.auth,
    )
    client.force_login(shopper)
    url = reverse("habits:push_unsubscribe", args=[territory.slug])
    response = post_json(client, url, {"endpoint": ENDPOINT})
    assert response.status_code == 200
    assert response.json() == {
        "subscribed": False,
        "elsewhere": 1,
        "message": "Notifications désactivées sur cet appareil.",
    }
    # Someone else's endpoint: nothing happens to it.
    assert post_json(client, url, {"endpoint": ENDPOINT + "-paul"}).json()["elsewhere"] == 0
    assert PushSubscription.objects.filter(user=other_shopper).count() == 1
    assert push_unsubscribe(user=shopper, territory=elsewhere, endpoint=ENDPOINT) == 0
    assert not PushSubscription.objects.filter(user=shopper).exists()


def test_webpush_keys_prints_a_pair_that_configures_push(settings):
    out = io.StringIO()
    call_command("webpush_keys", "--contact", "mailto:ops@cabas.example.org", stdout=out)
    lines = dict(line.split("=", 1) for line in out.getvalue().splitlines())
    assert set(lines) == {
        "WEBPUSH_VAPID_PRIVATE_KEY",
        "WEBPUSH_VAPID_PUBLIC_KEY",
        "WEBPUSH_CONTACT",
    }
    settings.WEBPUSH_VAPID_PRIVATE_KEY = lines["WEBPUSH_VAPID_PRIVATE_KEY"]
    settings.WEBPUSH_VAPID_PUBLIC_KEY = lines["WEBPUSH_VAPID_PUBLIC_KEY"]
    settings.WEBPUSH_CONTACT = lines["WEBPUSH_CONTACT"]
    config = vapid_config()
    assert config is not None and config.public_key == lines["WEBPUSH_VAPID_PUBLIC_KEY"]
    assert webpush_settings_check(None) == []


def test_mismatched_or_incomplete_keys_turn_push_off_with_a_system_warning(settings):
    private_key, _public = vapid_keys_generate()
    _other_private, other_public = vapid_keys_generate()
    settings.WEBPUSH_VAPID_PRIVATE_KEY = private_key
    settings.WEBPUSH_VAPID_PUBLIC_KEY = other_public
    settings.WEBPUSH_CONTACT = "mailto:ops@cabas.example.org"
    assert vapid_config() is None
    [warning] = webpush_settings_check(None)
    assert warning.id == "habits.W001" and "not the public key" in warning.msg
    settings.WEBPUSH_VAPID_PUBLIC_KEY = ""
    assert vapid_config() is None
    assert vapid_problem(private_key="court", public_key=other_public, contact="mailto:a@b.fr")
    assert vapid_problem(private_key=private_key, public_key=_public, contact="ops@example.org")
    settings.WEBPUSH_VAPID_PRIVATE_KEY = ""
    settings.WEBPUSH_CONTACT = ""
    assert webpush_settings_check(None) == []
    with pytest.raises(Exception, match="contact"):
        call_command("webpush_keys", "--contact", "pas-une-adresse", stdout=io.StringIO())


@pytest.mark.django_db
def test_an_unknown_territory_is_a_404(vapid, client, shopper):
    client.force_login(shopper)
    assert post_json(client, "/inconnu/alertes/notifications/", {}).status_code == 404
    territory = TerritoryFactory(slug="ville")
    assert client.get(f"/{territory.slug}/alertes/notifications/").status_code == 405
