"""Match availability events against shoppers' alerts, once.

An event is an offer that became available (back in stock, new, put back on sale),
named by a key (``stock:<movement id>``, ``offer:<id>``, ``active:<id>:<time>``). It
meets an active alert of the same territory when the offer is on sale at an approved
shop, has units (or is sold on request), its product is the alert's product or has
every word of the alert's search, and the shop lies within the alert's radius.

Exactly once: ``AlertMatch`` is unique per (alert, event), so a replayed task writes
nothing new; and while an alert already has an unsent match for the same offer, a
second event (sold out and restocked within the day) adds nothing the email would not
already say.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import Q

from cabas.catalog.models import Offer
from cabas.geo.distance import Point, haversine_km
from cabas.shops.models import ShopStatus
from cabas.tasks.services import tasks_enqueue_many

from .models import AlertKind, AlertMatch, AvailabilityAlert, PushSubscription
from .vapid import vapid_config

ALERT_EMAIL_TASK = "habits.alert_email"
ALERT_PUSH_TASK = "habits.alert_push"


def fold(text: str) -> str:
    """Lower case without accents, for word matching ("Comté" meets "comte")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def search_words(query: str) -> list[str]:
    return [word for word in fold(query).split() if word]


def offer_is_available(offer: Offer) -> bool:
    return (
        offer.is_active
        and offer.shop.status == ShopStatus.APPROVED
        and (offer.stock is None or offer.stock > 0)
    )


def _near(alert: AvailabilityAlert, offer: Offer) -> bool:
    if alert.lat is None or alert.lon is None or alert.radius_km is None:
        return True
    distance = haversine_km(Point(alert.lat, alert.lon), Point(offer.shop.lat, offer.shop.lon))
    return distance <= alert.radius_km


def _meets(alert: AvailabilityAlert, offer: Offer, words_of: dict[int, str]) -> bool:
    if alert.kind == AlertKind.PRODUCT:
        return alert.product_id == offer.product_id
    text = words_of[offer.pk]
    return all(word in text for word in search_words(alert.query))


def alerts_match(*, territory_id: int, events: Sequence[Sequence[object]]) -> list[AlertMatch]:
    """Write the matches of ``events`` (``[offer_id, event_key]``) and queue the emails
    (and the web push of shoppers who turned it on).

    Returns the matches written. Runs in one transaction: the email and push tasks exist
    exactly when the matches do.
    """
    keys_by_offer: dict[int, list[str]] = {}
    for offer_id, event_key in events:
        keys_by_offer.setdefault(int(str(offer_id)), []).append(str(event_key)[:64])
    offers = [
        offer
        for offer in Offer.objects.filter(
            pk__in=list(keys_by_offer), territory_id=territory_id
        ).select_related("shop", "product")
        if offer_is_available(offer)
    ]
    if not offers:
        return []
    words_of = {offer.pk: fold(f"{offer.product.name} {offer.product.brand}") for offer in offers}
    with transaction.atomic():
        alerts = list(
            AvailabilityAlert.objects.filter(
                territory_id=territory_id,
                is_active=True,
                user__is_active=True,
            ).filter(_product_or_search({offer.product_id for offer in offers}))
        )
        if not alerts:
            return []
        pending = set(
            AlertMatch.objects.filter(
                alert__in=alerts,
                offer_id__in=[offer.pk for offer in offers],
                notified_at__isnull=True,
            ).values_list("alert_id", "offer_id")
        )
        done = set(
            AlertMatch.objects.filter(
                alert__in=alerts, event_key__in=_all_keys(keys_by_offer.values())
            ).values_list("alert_id", "event_key")
        )
        rows: list[AlertMatch] = []
        for offer in sorted(offers, key=lambda o: o.pk):
            for event_key in keys_by_offer[offer.pk]:
                for alert in alerts:
                    if (alert.pk, offer.pk) in pending or (alert.pk, event_key) in done:
                        continue
                    if not (_meets(alert, offer, words_of) and _near(alert, offer)):
                        continue
                    rows.append(
                        AlertMatch(
                            territory_id=territory_id,
                            alert=alert,
                            user_id=alert.user_id,
                            offer=offer,
                            event_key=event_key,
                        )
                    )
                    pending.add((alert.pk, offer.pk))
                    done.add((alert.pk, event_key))
        if not rows:
            return []
        AlertMatch.objects.bulk_create(rows, ignore_conflicts=True)
        users = sorted({row.user_id for row in rows})
        calls = [
            (ALERT_EMAIL_TASK, {"user_id": user_id, "territory_id": territory_id}, territory_id)
            for user_id in users
        ]
        if vapid_config() is not None:
            # Besides the email, one notification per shopper who turned push on here.
            pushed = PushSubscription.objects.filter(territory_id=territory_id, user_id__in=users)
            calls += [
                (ALERT_PUSH_TASK, {"user_id": user_id, "territory_id": territory_id}, territory_id)
                for user_id in sorted(set(pushed.values_list("user_id", flat=True)))
            ]
        tasks_enqueue_many(calls=calls)
    return rows


def _all_keys(groups: Iterable[list[str]]) -> list[str]:
    return sorted({key for group in groups for key in group})


def _product_or_search(product_ids: set[int]) -> Q:
    return Q(kind=AlertKind.PRODUCT, product_id__in=sorted(product_ids)) | Q(kind=AlertKind.SEARCH)
