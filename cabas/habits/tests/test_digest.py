"""The weekly digest: opt-in, on the shopper's day in the territory's timezone, sent once,
French HTML and text through a real SMTP server on loopback."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from cabas.factories import OfferFactory
from cabas.habits.models import ShopFollow, ShopperPreferences
from cabas.habits.services import news_post
from cabas.habits.tasks import DIGEST_EMAIL_TASK, SWEEP_TASK, habits_sweep
from cabas.tasks.models import Task
from cabas.tasks.services import tasks_drain, tasks_schedule_periodic

from .helpers import order_for

PARIS = ZoneInfo("Europe/Paris")


def local(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), PARIS)


@pytest.fixture
def subscriber(territory, shopper, fromagerie):
    ShopFollow.objects.create(territory=territory, shop=fromagerie, user=shopper)
    news_post(shop=fromagerie, author_id=None, text="Arrivage de Mont d'Or")
    return shopper


@pytest.mark.django_db
def test_preferences_page_turns_the_digest_on_for_a_weekday(client, territory, shopper):
    client.force_login(shopper)
    page = client.get(reverse("habits:alerts", args=[territory.slug]))
    assert "Recevoir la lettre de la semaine" in page.content.decode()
    response = client.post(
        reverse("habits:preferences", args=[territory.slug]),
        {"alert_emails": "on", "digest_enabled": "on", "digest_weekday": "2"},
    )
    assert response.status_code == 302
    prefs = ShopperPreferences.objects.get(user=shopper)
    assert prefs.digest_enabled and prefs.digest_weekday == 2 and not prefs.alert_every_match
    bad = client.post(reverse("habits:preferences", args=[territory.slug]), {"digest_weekday": "9"})
    assert bad.status_code == 400
    prefs.refresh_from_db()
    assert prefs.digest_weekday == 2


@pytest.mark.django_db
def test_digest_goes_out_once_on_the_chosen_day_after_8_local_time(
    inbox, territory, subscriber, fromagerie
):
    offer = OfferFactory(
        shop=fromagerie, product__name="Beurre de baratte", stock=10, price_cents=450
    )
    order_for(subscriber, offer, 2)
    tasks_drain()
    inbox.messages.clear()  # the order emails
    wednesday = dt.date(2026, 12, 2)
    ShopperPreferences.objects.create(
        territory=territory,
        user=subscriber,
        digest_enabled=True,
        digest_weekday=wednesday.weekday(),
    )

    assert habits_sweep(now=local(wednesday, 7)) == 0  # too early in Paris
    assert habits_sweep(now=local(wednesday - dt.timedelta(days=1), 10)) == 0  # not the day
    assert habits_sweep(now=local(wednesday, 9)) == 1
    [task] = Task.objects.filter(name=DIGEST_EMAIL_TASK)
    from cabas.habits.emails import digest_send

    assert digest_send(now=local(wednesday, 9), **task.kwargs)
    assert not digest_send(now=local(wednesday, 10), **task.kwargs)  # once a day
    assert habits_sweep(now=local(wednesday, 11)) == 0

    [(rcpt, message)] = inbox.messages
    assert rcpt == ["claire@example.org"]
    assert message["Subject"].strip() == "Votre semaine chez les commerces de Ville-sur-Test"
    assert message["List-Unsubscribe"].strip().startswith("<http")
    assert "/desabonnement/lettre/" in message["List-Unsubscribe"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for part in (text, html):
        assert "Les nouvelles de vos commerçants" in part
        assert "Fromagerie du Marché" in part
        assert "Votre panier habituel, prêt à recommander" in part
        assert "Beurre de baratte" in part and "4,50" in part
    assert "Arrivage de Mont d'Or" in text and '<html lang="fr">' in html


@pytest.mark.django_db
def test_digest_is_opt_in_and_a_quiet_week_sends_nothing(mailoutbox, territory, shopper):
    wednesday = dt.date(2026, 12, 2)
    prefs = ShopperPreferences.objects.create(territory=territory, user=shopper, digest_weekday=2)
    assert habits_sweep(now=local(wednesday, 9)) == 0
    prefs.digest_enabled = True
    prefs.save()
    assert habits_sweep(now=local(wednesday, 9)) == 1
    from cabas.habits.emails import digest_send

    assert not digest_send(user_id=shopper.pk, territory_id=territory.pk, now=local(wednesday, 9))
    assert mailoutbox == []


@pytest.mark.django_db
def test_the_worker_queues_the_sweep_periodically_without_piling_copies(territory):
    assert SWEEP_TASK in tasks_schedule_periodic()
    assert SWEEP_TASK not in tasks_schedule_periodic()  # still queued
    tasks_drain()
    assert SWEEP_TASK not in tasks_schedule_periodic()  # ran less than 15 minutes ago
    assert Task.objects.filter(name=SWEEP_TASK).count() == 1
