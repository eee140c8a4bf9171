"""Alert notifications by web push, against a local fake push service: signed (VAPID),
encrypted for the device (aes128gcm), sent once per batch, gone devices forgotten,
busy push services retried by the task queue."""

import datetime as dt
import time
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from cabas.catalog.models import StockMovement
from cabas.catalog.stock import stock_set
from cabas.factories import OfferFactory, ProductFactory
from cabas.habits.matching import alerts_match
from cabas.habits.models import AlertMatch, PushSubscription, ShopperPreferences
from cabas.habits.push import (
    PUSH_FAILURES_MAX,
    PUSH_TTL_SECONDS,
    PushRetry,
    push_deliver,
    retry_after,
)
from cabas.habits.services import alert_for_product, alert_for_search, push_subscribe
from cabas.habits.tasks import habits_sweep
from cabas.tasks.models import Task, TaskStatus
from cabas.tasks.services import tasks_drain
from cabas.testing.concurrency import run_in_threads

from .fake_push import Device, vapid_claims


def restock(offer, quantity=5):
    stock_set(offer_id=offer.pk, quantity=quantity, reason=StockMovement.Reason.MANUAL)


def subscribe(user, territory, service, name="phone"):
    device = Device.new()
    push_subscribe(
        user=user,
        territory=territory,
        endpoint=service.endpoint(name),
        p256dh=device.p256dh,
        auth=device.auth,
    )
    return device


@pytest.mark.django_db
def test_an_alert_push_is_signed_encrypted_and_readable_by_the_device_only(
    vapid, push_service, territory, shopper, sold_out, mailoutbox
):
    device = subscribe(shopper, territory, push_service)
    alert_for_product(user=shopper, territory=territory, product_id=sold_out.product_id)
    restock(sold_out)
    tasks_drain()

    [request] = push_service.requests
    assert request.path == "/push/phone"
    headers = request.headers
    assert headers["content-encoding"] == "aes128gcm"
    assert headers["ttl"] == str(PUSH_TTL_SECONDS)
    assert headers["urgency"] == "normal"
    assert headers["topic"] == f"cabas-alertes-{territory.slug}"[-32:]
    claims = vapid_claims(headers["authorization"], vapid.WEBPUSH_VAPID_PUBLIC_KEY)
    assert claims["aud"] == push_service.origin
    assert claims["sub"] == "mailto:exploitation@cabas.example.org"
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600
    assert b"Comt" not in request.body  # encrypted on the wire

    payload = device.read(request)
    assert payload == {
        "title": "Disponible près de chez vous : Comté AOP 18 mois",
        "body": payload["body"],
        "url": reverse("web:product_detail", args=[territory.slug, sold_out.product_id]),
        "icon": f"/{territory.slug}/icones/any-192.png",
        "tag": f"cabas-alertes-{territory.slug}",
        "lang": "fr",
    }
    assert payload["body"].startswith("Fromagerie du Marché — 24,90")
    with pytest.raises(Exception):  # noqa: B017 - another device cannot read it
        Device.new().read(request)

    assert len(mailoutbox) == 1  # the email goes too: push is an extra channel
    row = PushSubscription.objects.get()
    assert row.last_success_at is not None and row.failures == 0
    assert AlertMatch.objects.get().pushed_at is not None
    assert ShopperPreferences.objects.get(user=shopper).alert_pushes_sent == 1


@pytest.mark.django_db
def test_an_availability_event_pushes_exactly_once_to_exactly_the_right_shoppers(
    vapid, push_service, territory, shopper, other_shopper, fromagerie, comte, far_shop
):
    from cabas.factories import UserFactory

    subscribe(shopper, territory, push_service, "claire-phone")
    subscribe(shopper, territory, push_service, "claire-laptop")
    subscribe(other_shopper, territory, push_service, "paul")
    near_only = UserFactory(email="near@example.org")
    subscribe(near_only, territory, push_service, "near")
    without_push = UserFactory(email="email-only@example.org")

    alert_for_product(user=shopper, territory=territory, product_id=comte.pk)
    alert_for_search(user=without_push, territory=territory, query="comte")
    from cabas.habits.services import Place

    # 1 km around the centre: the far shop (9 km) does not meet it.
    alert_for_product(
        user=near_only,
        territory=territory,
        product_id=comte.pk,
        place=Place(lat=48.8566, lon=2.3522, radius_km=1),
    )
    offer = OfferFactory(shop=far_shop, product=comte, stock=0)
    restock(offer)
    [event_task] = Task.objects.filter(name="habits.offers_available")
    tasks_drain()

    # Claire: one grouped notification to each of her two devices; Paul has no alert;
    # the near-only shopper is too far; the email-only shopper gets no push.
    assert sorted(request.path for request in push_service.requests) == [
        "/push/claire-laptop",
        "/push/claire-phone",
    ]
    # The same event replayed (a retried task) matches nothing new and pushes nothing.
    assert alerts_match(**event_task.kwargs) == []
    tasks_drain()
    assert len(push_service.requests) == 2
    assert Task.objects.filter(name="habits.alert_push").count() == 1


@pytest.mark.django_db
def test_at_most_one_push_a_day_then_the_sweep_pushes_the_rest_grouped(
    vapid, push_service, territory, shopper, fromagerie, comte
):
    device = subscribe(shopper, territory, push_service)
    alert_for_product(user=shopper, territory=territory, product_id=comte.pk)
    alert_for_search(user=shopper, territory=territory, query="morbier")
    alert_for_search(user=shopper, territory=territory, query="raclette")
    restock(OfferFactory(shop=fromagerie, product=comte, stock=0))
    tasks_drain()
    assert len(push_service.requests) == 1

    for name in ("Morbier fermier", "Raclette au lait cru"):
        restock(
            OfferFactory(
                shop=fromagerie, product=ProductFactory(territory=territory, name=name), stock=0
            )
        )
    tasks_drain()
    assert len(push_service.requests) == 1  # held back: already one today
    assert AlertMatch.objects.filter(pushed_at__isnull=True).count() == 2

    tomorrow = timezone.now() + dt.timedelta(hours=24, minutes=1)
    # The held-back email and the held-back push are both due again.
    assert habits_sweep(now=tomorrow) == 2
    assert Task.objects.filter(name="habits.alert_push", status=TaskStatus.QUEUED).count() == 1
    from cabas.habits.push import alert_push_claim

    assert alert_push_claim(user_id=shopper.pk, territory_id=territory.pk, now=tomorrow) == 2
    tasks_drain()
    assert len(push_service.requests) == 2
    payload = device.read(push_service.requests[1])
    assert payload["title"] == "2 articles que vous attendiez sont disponibles"
    assert payload["body"] == "Morbier fermier, Raclette au lait cru"
    assert payload["url"] == reverse("habits:alerts", args=[territory.slug])
    pushes = Task.objects.filter(name="habits.alert_push").count()
    habits_sweep(now=tomorrow)  # (still queues the held-back email, sent by its own clock)
    assert Task.objects.filter(name="habits.alert_push").count() == pushes


@pytest.mark.django_db
def test_a_shopper_who_asked_for_every_alert_gets_every_push(
    vapid, push_service, territory, shopper, fromagerie
):
    ShopperPreferences.objects.create(territory=territory, user=shopper, alert_every_match=True)
    subscribe(shopper, territory, push_service)
    alert_for_search(user=shopper, territory=territory, query="beaufort")
    for _ in range(2):
        restock(
            OfferFactory(
                shop=fromagerie, product__territory=territory, product__name="Beaufort", stock=0
            )
        )
        tasks_drain()
    assert len(push_service.requests) == 2


@pytest.mark.django_db
def test_a_device_gone_from_its_push_service_is_forgotten(
    vapid, push_service, territory, shopper, sold_out
):
    subscribe(shopper, territory, push_service)
    alert_for_product(user=shopper, territory=territory, product_id=sold_out.product_id)
    push_service.answers.append(410)
    restock(sold_out)
    tasks_drain()
    assert len(push_service.requests) == 1
    assert PushSubscription.objects.count() == 0
    assert Task.objects.get(name="habits.push_deliver").status == TaskStatus.DONE


@pytest.mark.django_db
def test_a_busy_push_service_is_retried_with_backoff_then_delivered(
    vapid, push_service, territory, shopper, sold_out
):
    device = subscribe(shopper, territory, push_service)
    alert_for_product(user=shopper, territory=territory, product_id=sold_out.product_id)
    push_service.answers.extend([429, 503])
    restock(sold_out)
    tasks_drain()
    task = Task.objects.get(name="habits.push_deliver")
    assert (task.status, task.attempts) == (TaskStatus.QUEUED, 1)
    assert task.run_after > timezone.now() + dt.timedelta(seconds=20)
    assert PushSubscription.objects.get().failures == 1

    # Later: 503 (retried once more), then 201.
    tasks_drain(now=timezone.now() + dt.timedelta(hours=2))
    task.refresh_from_db()
    assert (task.status, task.attempts) == (TaskStatus.DONE, 3)
    assert len(push_service.requests) == 3
    # The same payload each time, readable by the device.
    assert {device.read(request)["url"] for request in push_service.requests} == {
        reverse("web:product_detail", args=[territory.slug, sold_out.product_id])
    }
    assert PushSubscription.objects.get().failures == 0


@pytest.mark.django_db
@pytest.mark.parametrize("status", [429, 503])
def test_a_push_service_naming_a_retry_after_in_seconds_is_retried_after_that_delay(
    vapid, push_service, territory, shopper, sold_out, status
):
    subscribe(shopper, territory, push_service)
    alert_for_product(user=shopper, territory=territory, product_id=sold_out.product_id)
    push_service.answers.append((status, {"Retry-After": "5400"}))
    restock(sold_out)
    before = timezone.now()
    tasks_drain()
    task = Task.objects.get(name="habits.push_deliver")
    assert (task.status, task.attempts) == (TaskStatus.QUEUED, 1)
    # 90 minutes as asked, not the queue's 30 s backoff.
    assert before + dt.timedelta(seconds=5400) <= task.run_after
    assert task.run_after <= timezone.now() + dt.timedelta(seconds=5400)

    tasks_drain(now=before + dt.timedelta(hours=1))  # still too early: nothing sent
    assert len(push_service.requests) == 1
    tasks_drain(now=task.run_after)
    task.refresh_from_db()
    assert (task.status, len(push_service.requests)) == (TaskStatus.DONE, 2)


@pytest.mark.django_db
def test_a_retry_after_given_as_an_http_date_reschedules_the_delivery_for_that_date(
    vapid, push_service, territory, shopper
):
    subscribe(shopper, territory, push_service)
    row = PushSubscription.objects.get()
    when = (timezone.now() + dt.timedelta(hours=3)).replace(microsecond=0)
    http_date = when.astimezone(dt.UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
    push_service.answers.append((429, {"Retry-After": http_date}))
    with pytest.raises(PushRetry) as raised:
        push_deliver(subscription_id=row.pk, payload={"title": "x"})
    assert raised.value.delay is not None
    assert abs(timezone.now() + raised.value.delay - when) < dt.timedelta(seconds=5)


@pytest.mark.django_db
def test_a_retry_after_on_another_error_or_unreadable_leaves_the_queue_backoff(
    vapid, push_service, territory, shopper
):
    subscribe(shopper, territory, push_service)
    row = PushSubscription.objects.get()
    push_service.answers.extend([(500, {"Retry-After": "600"}), (429, {"Retry-After": "soon"})])
    for _ in range(2):
        with pytest.raises(PushRetry) as raised:
            push_deliver(subscription_id=row.pk, payload={"title": "x"})
        assert raised.value.delay is None


def test_retry_after_reads_seconds_and_dates_and_stays_within_the_ttl():
    now = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)
    assert retry_after("120", now) == dt.timedelta(seconds=120)
    assert retry_after(" 0 ", now) == dt.timedelta(0)
    assert retry_after("Thu, 03 Dec 2026 09:30:00 GMT", now) == dt.timedelta(minutes=30)
    assert retry_after("Thu, 03 Dec 2026 08:00:00 GMT", now) == dt.timedelta(0)  # past
    assert retry_after("999999", now) == dt.timedelta(seconds=PUSH_TTL_SECONDS)
    assert retry_after(None, now) is None
    assert retry_after("-5", now) is None
    assert retry_after("demain", now) is None


@pytest.mark.django_db
def test_a_device_failing_too_often_is_dropped_and_a_refused_message_not_retried(
    vapid, push_service, territory, shopper
):
    subscribe(shopper, territory, push_service)
    row = PushSubscription.objects.get()
    payload = {"title": "Test", "body": "", "url": "/", "tag": "t"}
    push_service.answers.append(400)
    assert push_deliver(subscription_id=row.pk, payload=payload) == "refused"
    row.refresh_from_db()
    assert row.failures == 1
    PushSubscription.objects.filter(pk=row.pk).update(failures=PUSH_FAILURES_MAX - 1)
    push_service.answers.append(500)
    assert push_deliver(subscription_id=row.pk, payload=payload) == "dropped"
    assert not PushSubscription.objects.exists()
    assert push_deliver(subscription_id=row.pk, payload=payload) == "skipped"


@pytest.mark.django_db
def test_an_unreachable_push_service_is_retried(vapid, push_service, territory, shopper):
    subscribe(shopper, territory, push_service)
    row = PushSubscription.objects.get()
    # Nobody listens there any more: the connection is refused.
    push_service.server.shutdown()
    push_service.server.server_close()
    with pytest.raises(PushRetry):
        push_deliver(subscription_id=row.pk, payload={"title": "x"})
    assert PushSubscription.objects.get().failures == 1


@pytest.mark.django_db
def test_without_keys_no_push_is_queued_and_pending_ones_are_skipped(
    vapid, push_service, territory, shopper, sold_out, settings
):
    subscribe(shopper, territory, push_service)
    alert_for_product(user=shopper, territory=territory, product_id=sold_out.product_id)
    settings.WEBPUSH_VAPID_PRIVATE_KEY = ""
    restock(sold_out)
    tasks_drain()
    assert not Task.objects.filter(name__in=["habits.alert_push", "habits.push_deliver"]).exists()
    assert push_service.requests == []
    assert AlertMatch.objects.get().pushed_at is None
    row = PushSubscription.objects.get()
    assert push_deliver(subscription_id=row.pk, payload={"title": "x"}) == "skipped"


@pytest.mark.django_db
def test_the_aud_claim_is_the_origin_of_each_endpoint(vapid, push_service, territory, shopper):
    subscribe(shopper, territory, push_service)
    row = PushSubscription.objects.get()
    push_deliver(subscription_id=row.pk, payload={"title": "x"})
    [request] = push_service.requests
    parts = urlsplit(row.endpoint)
    claims = vapid_claims(request.headers["authorization"], vapid.WEBPUSH_VAPID_PUBLIC_KEY)
    assert claims["aud"] == f"{parts.scheme}://{parts.netloc}"


@pytest.mark.django_db(transaction=True)
def test_concurrent_push_tasks_for_one_shopper_claim_one_notification(
    vapid, push_service, territory, shopper, sold_out
):
    from cabas.habits.push import alert_push_claim

    subscribe(shopper, territory, push_service)
    alert_for_product(user=shopper, territory=territory, product_id=sold_out.product_id)
    restock(sold_out)
    [event] = Task.objects.filter(name="habits.offers_available")
    alerts_match(**event.kwargs)
    claimed = run_in_threads(
        4, lambda _i: alert_push_claim(user_id=shopper.pk, territory_id=territory.pk)
    )
    assert [c for c in claimed if isinstance(c, BaseException)] == []
    assert sorted(claimed) == [0, 0, 0, 1]
    assert Task.objects.filter(name="habits.push_deliver").count() == 1
