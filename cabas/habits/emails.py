"""Alert emails and the weekly digest: claimed under the preferences lock, then sent.

Claim, send, or give back: the claim (matches marked sent, last-sent time set) commits
before the SMTP conversation, so no lock is held while a server answers; if sending
fails the claim is undone and the task retries. Every email carries a one-click
``List-Unsubscribe`` (RFC 8058) link signed for its purpose.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cabas.accounts.models import User
from cabas.money import format_money
from cabas.territories.models import Territory

from . import selectors
from .locks import lock_preferences
from .models import AlertMatch, ShopperPreferences
from .tokens import ALERTS, DIGEST, unsubscribe_token

logger = logging.getLogger("cabas.habits")

ALERT_EMAIL_GAP = dt.timedelta(hours=24)
DIGEST_HOUR = 8  # local time from which the digest of the day goes out
DEFAULT_SITE_URL = "http://127.0.0.1:8000"


def site_url(territory: Territory) -> str:
    if territory.domain:
        return f"https://{territory.domain}"
    return (getattr(settings, "SITE_URL", "") or DEFAULT_SITE_URL).rstrip("/")


def unsubscribe_url(*, territory: Territory, purpose: str, user_id: int) -> str:
    token = unsubscribe_token(purpose=purpose, user_id=user_id, territory_id=territory.pk)
    with translation.override("fr"):
        path = reverse("habits:unsubscribe", args=[territory.slug, purpose, token])
    return site_url(territory) + path


def alert_email_due(prefs: ShopperPreferences, now: dt.datetime) -> bool:
    """At most one alert email a day, unless the shopper asked for every one."""
    if not prefs.alert_emails:
        return False
    if prefs.alert_every_match or prefs.last_alert_email_at is None:
        return True
    return now - prefs.last_alert_email_at >= ALERT_EMAIL_GAP


def _send(
    *,
    territory: Territory,
    to: str,
    subject: str,
    template: str,
    context: dict[str, Any],
    unsubscribe: str,
) -> None:
    context = {**context, "territory": territory, "unsubscribe_url": unsubscribe}
    text = render_to_string(f"habits/email/{template}.txt", context)
    html = render_to_string(f"habits/email/{template}.html", context)
    email = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    email.attach_alternative(html, "text/html")
    email.send(fail_silently=False)


def alert_email_send(*, user_id: int, territory_id: int, now: dt.datetime | None = None) -> int:
    """Send the shopper's pending alert matches in one email when allowed; returns how many."""
    moment = now or timezone.now()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    territory = Territory.objects.filter(pk=territory_id).first()
    if user is None or territory is None:
        return 0
    with transaction.atomic():
        prefs = lock_preferences(user_id=user_id, territory_id=territory_id)
        if not alert_email_due(prefs, moment):
            return 0
        matches = selectors.pending_matches(user_id=user_id, territory_id=territory_id)
        if not matches:
            return 0
        previous = prefs.last_alert_email_at
        ids = [match.pk for match in matches]
        AlertMatch.objects.filter(pk__in=ids, notified_at__isnull=True).update(notified_at=moment)
        ShopperPreferences.objects.filter(pk=prefs.pk).update(
            last_alert_email_at=moment, alert_emails_sent=prefs.alert_emails_sent + 1
        )
    try:
        with translation.override("fr"):
            _send(
                territory=territory,
                to=user.email,
                subject=_alert_subject(matches),
                template="alerts",
                context={"items": [_match_item(territory, match) for match in matches]},
                unsubscribe=unsubscribe_url(territory=territory, purpose=ALERTS, user_id=user_id),
            )
    except Exception:
        # Give the claim back: the matches stay pending and the retry may send them.
        AlertMatch.objects.filter(pk__in=ids, notified_at=moment).update(notified_at=None)
        ShopperPreferences.objects.filter(pk=prefs.pk, last_alert_email_at=moment).update(
            last_alert_email_at=previous, alert_emails_sent=prefs.alert_emails_sent
        )
        raise
    return len(matches)


def _alert_subject(matches: list[AlertMatch]) -> str:
    if len(matches) == 1:
        return _("Disponible près de chez vous : %(product)s") % {
            "product": matches[0].offer.product.name
        }
    return _("%(count)s articles que vous attendiez sont disponibles") % {"count": len(matches)}


def _match_item(territory: Territory, match: AlertMatch) -> dict[str, Any]:
    offer = match.offer
    with translation.override("fr"):
        path = reverse("web:product_detail", args=[territory.slug, offer.product_id])
    return {
        "product": offer.product.name,
        "shop": offer.shop.name,
        "address": f"{offer.shop.address} {offer.shop.postcode} {offer.shop.city}".strip(),
        "price": format_money(offer.price_cents, territory.currency),
        "url": site_url(territory) + path,
        "reason": match.alert.query,
    }


def digest_due(prefs: ShopperPreferences, local_now: dt.datetime) -> bool:
    return (
        prefs.digest_enabled
        and prefs.digest_weekday == local_now.weekday()
        and local_now.hour >= DIGEST_HOUR
        and prefs.last_digest_on != local_now.date()
    )


def digest_send(*, user_id: int, territory_id: int, now: dt.datetime | None = None) -> bool:
    """Send this week's digest if today is the shopper's day and it is not sent yet.

    Returns True when an email went out. A week with nothing to say sends nothing but
    counts as done.
    """
    moment = now or timezone.now()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    territory = Territory.objects.filter(pk=territory_id, is_active=True).first()
    if user is None or territory is None:
        return False
    local = selectors.now_local(territory, moment)
    with transaction.atomic():
        prefs = lock_preferences(user_id=user_id, territory_id=territory_id)
        if not digest_due(prefs, local):
            return False
        previous = prefs.last_digest_on
        ShopperPreferences.objects.filter(pk=prefs.pk).update(last_digest_on=local.date())
    context = _digest_context(user_id=user_id, territory=territory, now=moment)
    if not any(context[key] for key in ("news", "matches", "vouchers", "basket")):
        return False
    try:
        with translation.override("fr"):
            _send(
                territory=territory,
                to=user.email,
                subject=_("Votre semaine chez les commerces de %(territory)s")
                % {"territory": territory.name},
                template="digest",
                context=context,
                unsubscribe=unsubscribe_url(territory=territory, purpose=DIGEST, user_id=user_id),
            )
    except Exception:
        ShopperPreferences.objects.filter(pk=prefs.pk, last_digest_on=local.date()).update(
            last_digest_on=previous
        )
        raise
    return True


def _digest_context(*, user_id: int, territory: Territory, now: dt.datetime) -> dict[str, Any]:
    week_ago = now - dt.timedelta(days=7)
    base = site_url(territory)
    tz = territory.timezone
    with translation.override("fr"):
        home = base + reverse("web:territory_home", args=[territory.slug])
        news = [
            {
                "shop": item.shop.name,
                "text": item.text,
                "date": timezone.localtime(item.created_at, ZoneInfo(tz)),
                "url": base + reverse("web:shop_detail", args=[territory.slug, item.shop.slug]),
            }
            for item in selectors.follower_feed(
                user_id=user_id, territory=territory, since=week_ago, limit=10
            )
        ]
        matches = [
            _match_item(territory, match)
            for match in selectors.recent_matches(
                user_id=user_id, territory=territory, since=week_ago
            )
        ]
        basket = [
            {
                "product": item.offer.product.name,
                "shop": item.offer.shop.name,
                "price": format_money(item.offer.price_cents, territory.currency),
                "times": item.times,
                "url": base
                + reverse("web:product_detail", args=[territory.slug, item.offer.product_id]),
            }
            for item in selectors.usual_basket(user_id=user_id, territory=territory, now=now)
        ]
    vouchers = [
        {
            "code": voucher.code,
            "balance": format_money(voucher.balance_cents, voucher.currency),
            "expires": timezone.localtime(voucher.expires_at, ZoneInfo(tz)),
        }
        for voucher in selectors.expiring_vouchers(user_id=user_id, territory=territory, now=now)
    ]
    return {
        "news": news,
        "matches": matches,
        "basket": basket,
        "vouchers": vouchers,
        "home_url": home,
    }
