"""Habits tasks run by the queue worker: alert matching, alert emails, the digest sweep."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from cabas.catalog.services import OFFER_AVAILABLE_TASK
from cabas.shops.models import ShopStatus
from cabas.tasks.registry import task
from cabas.tasks.services import tasks_enqueue_many
from cabas.territories.models import Territory

from .emails import ALERT_EMAIL_GAP, DIGEST_HOUR, alert_email_send, digest_send
from .matching import ALERT_EMAIL_TASK, ALERT_PUSH_TASK, alerts_match
from .models import AlertMatch, PushSubscription, ShopperPreferences
from .push import PUSH_DELIVER_TASK, PUSH_STALE_AFTER, alert_push_claim, push_deliver
from .selectors import now_local
from .vapid import vapid_config

DIGEST_EMAIL_TASK = "habits.digest_email"
SWEEP_TASK = "habits.sweep"


@task(OFFER_AVAILABLE_TASK, max_attempts=5)
def offers_available(*, territory_id: int, events: list[list[object]]) -> None:
    """Queued by ``catalog`` in the transaction of the stock change; runs after commit."""
    alerts_match(territory_id=territory_id, events=events)


@task(ALERT_EMAIL_TASK, max_attempts=10)
def alert_email(*, user_id: int, territory_id: int) -> None:
    alert_email_send(user_id=user_id, territory_id=territory_id)


@task(ALERT_PUSH_TASK, max_attempts=5)
def alert_push(*, user_id: int, territory_id: int) -> None:
    alert_push_claim(user_id=user_id, territory_id=territory_id)


@task(PUSH_DELIVER_TASK, max_attempts=8)
def push_deliver_task(*, subscription_id: int, payload: dict[str, object]) -> None:
    """Retried with the queue's backoff while the push service answers 429/5xx."""
    push_deliver(subscription_id=subscription_id, payload=payload)


@task(DIGEST_EMAIL_TASK, max_attempts=10)
def digest_email(*, user_id: int, territory_id: int) -> None:
    digest_send(user_id=user_id, territory_id=territory_id)


@task(SWEEP_TASK, max_attempts=1, every=dt.timedelta(minutes=15))
def sweep() -> None:
    """Queue the digests due now (shopper's weekday, in the territory's timezone) and the
    alert emails held back by the daily limit that may go now."""
    habits_sweep()


def habits_sweep(*, now: dt.datetime | None = None) -> int:
    moment = now or timezone.now()
    calls: list[tuple[str, dict[str, int], int | None]] = []
    for territory in Territory.objects.filter(is_active=True).order_by("pk"):
        local = now_local(territory, moment)
        if local.hour < DIGEST_HOUR:
            continue
        due = (
            ShopperPreferences.objects.filter(
                territory=territory,
                digest_enabled=True,
                digest_weekday=local.weekday(),
                user__is_active=True,
            )
            .filter(Q(last_digest_on__isnull=True) | ~Q(last_digest_on=local.date()))
            .values_list("user_id", flat=True)
        )
        calls.extend(
            (DIGEST_EMAIL_TASK, {"user_id": user_id, "territory_id": territory.pk}, territory.pk)
            for user_id in due
        )
    # Only matches an email would carry: alert still on, offer still available.
    waiting = (
        AlertMatch.objects.filter(
            notified_at__isnull=True,
            alert__is_active=True,
            offer__is_active=True,
            offer__shop__status=ShopStatus.APPROVED,
        )
        .filter(Q(offer__stock__isnull=True) | Q(offer__stock__gt=0))
        .values_list("user_id", "territory_id")
        .distinct()
    )
    refused = {
        (row.user_id, row.territory_id)
        for row in ShopperPreferences.objects.filter(alert_emails=False)
    }
    recent = {
        (row.user_id, row.territory_id)
        for row in ShopperPreferences.objects.filter(
            alert_every_match=False, last_alert_email_at__gt=moment - ALERT_EMAIL_GAP
        )
    }
    calls.extend(
        (ALERT_EMAIL_TASK, {"user_id": user_id, "territory_id": territory_id}, territory_id)
        for user_id, territory_id in sorted(set(waiting))
        if (user_id, territory_id) not in refused and (user_id, territory_id) not in recent
    )
    calls.extend(_held_back_pushes(moment))
    if calls:
        tasks_enqueue_many(calls=calls)
    return len(calls)


def _held_back_pushes(moment: dt.datetime) -> list[tuple[str, dict[str, int], int | None]]:
    """Notifications held back by the daily limit that may go now."""
    if vapid_config() is None:
        return []
    waiting = (
        AlertMatch.objects.filter(
            pushed_at__isnull=True,
            created_at__gte=moment - PUSH_STALE_AFTER,
            alert__is_active=True,
            offer__is_active=True,
            offer__shop__status=ShopStatus.APPROVED,
        )
        .filter(Q(offer__stock__isnull=True) | Q(offer__stock__gt=0))
        .values_list("user_id", "territory_id")
        .distinct()
    )
    waiting_pairs = set(waiting)
    devices = set(
        PushSubscription.objects.filter(user_id__in={user_id for user_id, _t in waiting_pairs})
        .values_list("user_id", "territory_id")
        .distinct()
    )
    recent = {
        (row.user_id, row.territory_id)
        for row in ShopperPreferences.objects.filter(
            alert_every_match=False, last_alert_push_at__gt=moment - ALERT_EMAIL_GAP
        )
    }
    return [
        (ALERT_PUSH_TASK, {"user_id": user_id, "territory_id": territory_id}, territory_id)
        for user_id, territory_id in sorted(waiting_pairs)
        if (user_id, territory_id) in devices and (user_id, territory_id) not in recent
    ]
