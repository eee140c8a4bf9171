"""Web push for availability alerts: one grouped notification per batch, to each device.

Claim, then deliver: ``alert_push_claim`` runs under the preferences lock (the same
"at most one a day unless asked" rule as the alert email, with its own clock), marks
the matches pushed and, in the same transaction, queues one delivery task per device
of the shopper with the payload. Each delivery is independent: a device whose push
service answers 404/410 is forgotten, 429/5xx and network errors are retried by the task
queue with its backoff (or, on a 429/503 with ``Retry-After``, after the delay the push
service names), and a device failing ``PUSH_FAILURES_MAX`` times in a row is
dropped. The payload is encrypted for the device (aes128gcm, RFC 8291) and signed with
the server's VAPID key (RFC 8292) by pywebpush.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from cabas.accounts.models import User
from cabas.money import format_money
from cabas.tasks.services import RetryLater, tasks_enqueue_many
from cabas.territories.models import Territory

from . import selectors
from .emails import ALERT_EMAIL_GAP
from .locks import lock_preferences
from .models import AlertMatch, PushSubscription, ShopperPreferences
from .vapid import private_key_load, vapid_config

logger = logging.getLogger("cabas.habits")

PUSH_DELIVER_TASK = "habits.push_deliver"
# A notification still undelivered after a day (phone off) is no news any more.
PUSH_TTL_SECONDS = 24 * 3600
PUSH_URGENCY = "normal"
PUSH_TIMEOUT_SECONDS = 10
PUSH_FAILURES_MAX = 5
# Matches older than this are not pushed (say, made before the shopper turned push on).
PUSH_STALE_AFTER = dt.timedelta(days=3)
TITLE_MAX_CHARS = 120
BODY_MAX_CHARS = 240


class PushRetry(RetryLater):
    """The push service asked to try later (429, 5xx) or could not be reached; ``delay``
    is its ``Retry-After``, when it said one."""


def retry_after(value: str | None, now: dt.datetime) -> dt.timedelta | None:
    """A ``Retry-After`` header (RFC 9110: seconds or an HTTP date) as a delay from ``now``.

    ``None`` when absent or unreadable (the queue's backoff applies); at most the
    notification's TTL, since a later delivery would be refused as stale anyway.
    """
    text = (value or "").strip()
    if not text:
        return None
    if text.isdigit():
        seconds = float(text)
    else:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
        if moment.tzinfo is None:  # "-0000": UTC by RFC 5322
            moment = moment.replace(tzinfo=dt.UTC)
        seconds = (moment - now).total_seconds()
    return dt.timedelta(seconds=min(max(seconds, 0.0), PUSH_TTL_SECONDS))


def alert_push_due(prefs: ShopperPreferences, now: dt.datetime) -> bool:
    """At most one alert notification a day, unless the shopper asked for every one."""
    if prefs.alert_every_match or prefs.last_alert_push_at is None:
        return True
    return now - prefs.last_alert_push_at >= ALERT_EMAIL_GAP


def alert_push_claim(*, user_id: int, territory_id: int, now: dt.datetime | None = None) -> int:
    """Claim the shopper's pending matches into one notification, queued for each device.

    Returns how many matches the notification carries (0: nothing due, no device, or
    push not configured). The claim and the delivery tasks commit together.
    """
    moment = now or timezone.now()
    if vapid_config() is None:
        return 0
    user = User.objects.filter(pk=user_id, is_active=True).first()
    territory = Territory.objects.filter(pk=territory_id).first()
    if user is None or territory is None:
        return 0
    with transaction.atomic():
        prefs = lock_preferences(user_id=user_id, territory_id=territory_id)
        if not alert_push_due(prefs, moment):
            return 0
        devices = list(
            PushSubscription.objects.filter(territory_id=territory_id, user_id=user_id)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not devices:
            return 0
        matches = selectors.pending_push_matches(
            user_id=user_id, territory_id=territory_id, since=moment - PUSH_STALE_AFTER
        )
        if not matches:
            return 0
        AlertMatch.objects.filter(
            pk__in=[match.pk for match in matches], pushed_at__isnull=True
        ).update(pushed_at=moment)
        ShopperPreferences.objects.filter(pk=prefs.pk).update(
            last_alert_push_at=moment, alert_pushes_sent=F("alert_pushes_sent") + 1
        )
        payload = alert_payload(territory, matches)
        tasks_enqueue_many(
            calls=[
                (PUSH_DELIVER_TASK, {"subscription_id": pk, "payload": payload}, territory_id)
                for pk in devices
            ]
        )
    return len(matches)


def alert_payload(territory: Territory, matches: list[AlertMatch]) -> dict[str, Any]:
    """The small JSON the service worker shows: French title and body, a site path."""
    with translation.override("fr"):
        if len(matches) == 1:
            offer = matches[0].offer
            title = _("Disponible près de chez vous : %(product)s") % {
                "product": offer.product.name
            }
            body = _("%(shop)s — %(price)s") % {
                "shop": offer.shop.name,
                "price": format_money(offer.price_cents, territory.currency),
            }
            url = reverse("web:product_detail", args=[territory.slug, offer.product_id])
        else:
            title = _("%(count)s articles que vous attendiez sont disponibles") % {
                "count": len(matches)
            }
            names = list(dict.fromkeys(match.offer.product.name for match in matches))
            body = ", ".join(names[:4]) + (" …" if len(names) > 4 else "")
            url = reverse("habits:alerts", args=[territory.slug])
        icon = reverse("habits_root:icon", args=[territory.slug, "any", 192])
    return {
        "title": _shorten(title, TITLE_MAX_CHARS),
        "body": _shorten(body, BODY_MAX_CHARS),
        "url": url,
        "icon": icon,
        "tag": f"cabas-alertes-{territory.slug}",
        "lang": "fr",
    }


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def push_deliver(*, subscription_id: int, payload: dict[str, Any]) -> str:
    """Send one notification to one device; returns what happened.

    ``"sent"``, ``"gone"`` (the device unsubscribed: deleted), ``"dropped"`` (too many
    failures: deleted), ``"refused"`` (the push service refused this message: counted,
    not retried) or ``"skipped"`` (no such device, or push no longer configured). Raises
    ``PushRetry`` when the push service asks to try again later.
    """
    config = vapid_config()
    subscription = PushSubscription.objects.filter(pk=subscription_id).first()
    if config is None or subscription is None:
        return "skipped"
    parts = urlsplit(subscription.endpoint)
    status: int | None
    response: requests.Response | None = None
    try:
        response = webpush(
            subscription_info={
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            },
            data=json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
            vapid_private_key=Vapid(private_key_load(config.private_key)),
            vapid_claims={
                "sub": config.contact,
                "aud": f"{parts.scheme}://{parts.netloc}",
                "exp": int(timezone.now().timestamp()) + 12 * 3600,
            },
            ttl=PUSH_TTL_SECONDS,
            headers={"Urgency": PUSH_URGENCY, "Topic": _topic(payload)},
            timeout=PUSH_TIMEOUT_SECONDS,
        )
        status = response.status_code  # type: ignore[union-attr]
    except WebPushException as error:
        response = error.response
        status = response.status_code if response is not None else None
    except requests.RequestException:
        status = None
    if status is not None and 200 <= status < 300:
        PushSubscription.objects.filter(pk=subscription.pk).update(
            failures=0, last_success_at=timezone.now()
        )
        return "sent"
    if status in (404, 410):
        subscription.delete()
        return "gone"
    PushSubscription.objects.filter(pk=subscription.pk).update(failures=F("failures") + 1)
    subscription.refresh_from_db(fields=["failures"])
    if subscription.failures >= PUSH_FAILURES_MAX:
        logger.warning("Push device %s dropped after %s failures", subscription.pk, status)
        subscription.delete()
        return "dropped"
    if status is None or status == 429 or status >= 500:
        delay = None
        if status in (429, 503) and response is not None:
            delay = retry_after(response.headers.get("Retry-After"), timezone.now())
        raise PushRetry(f"push service answered {status or 'nothing'}; will retry", delay=delay)
    logger.warning("Push to device %s refused: %s", subscription.pk, status)
    return "refused"


def _topic(payload: dict[str, Any]) -> str:
    """A newer notification of the same territory replaces an undelivered older one
    (RFC 8030 Topic: at most 32 URL-safe characters)."""
    tag = "".join(char for char in str(payload.get("tag", "")) if char.isalnum() or char in "-_")
    return tag[-32:] or "cabas-alertes"
