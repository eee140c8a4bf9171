"""Writes of the habits domain: follows, shop news, availability alerts, preferences.

Invariants kept here: a shopper follows only a shop visitors may see (approved, in the
territory); news is plain text, at most ``NEWS_MAX_CHARS``, its photo checked like a
product photo; an alert targets a product of the territory or a non-empty search, with
a complete place; unsubscribing needs a valid signed token for that purpose.
"""

from __future__ import annotations

import ipaddress
import re
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cabas.accounts.models import User
from cabas.catalog.models import Product
from cabas.shops.models import Shop, ShopStatus
from cabas.territories.models import Territory

from .errors import HabitError
from .locks import lock_preferences
from .models import (
    NEWS_MAX_CHARS,
    PUSH_ENDPOINT_MAX_CHARS,
    PUSH_USER_AGENT_MAX_CHARS,
    QUERY_MAX_CHARS,
    RADIUS_MAX_KM,
    RADIUS_MIN_KM,
    AlertKind,
    AvailabilityAlert,
    PushSubscription,
    ShopFollow,
    ShopNews,
    ShopperPreferences,
)
from .tokens import ALERTS, DIGEST, unsubscribe_read
from .vapid import b64url_decode, b64url_encode, vapid_config

# Anything that looks like a tag (<b>, </p>, <!-- …, <script>): news is plain text.
HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")


# -- follows -----------------------------------------------------------------------------


def shop_follow(*, user: User, shop: Shop) -> ShopFollow:
    """Follow ``shop``; following twice is following once."""
    if shop.status != ShopStatus.APPROVED:
        raise HabitError(
            "shop_unavailable",
            _(
                "Ce commerce n'est pas ouvert sur la plateforme en ce moment : "
                "impossible de le suivre."
            ),
        )
    try:
        with transaction.atomic():
            follow, _created = ShopFollow.objects.get_or_create(
                shop=shop, user=user, defaults={"territory_id": shop.territory_id}
            )
    except IntegrityError:  # a double click raced us: the follow exists
        follow = ShopFollow.objects.get(shop=shop, user=user)
    return follow


def shop_unfollow(*, user: User, shop: Shop) -> bool:
    deleted, _rows = ShopFollow.objects.filter(
        shop=shop, user=user, territory_id=shop.territory_id
    ).delete()
    return bool(deleted)


# -- news --------------------------------------------------------------------------------


def news_clean_text(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.strip().splitlines())
    cleaned = "\n".join(line for line in lines if line)
    if not cleaned:
        raise HabitError("news_empty", _("Écrivez le texte de l'actualité."), field="text")
    if HTML_TAG.search(cleaned):
        raise HabitError(
            "news_html",
            _("Le texte ne peut pas contenir de balises HTML : écrivez du texte simple."),
            field="text",
        )
    if len(cleaned) > NEWS_MAX_CHARS:
        raise HabitError(
            "news_too_long",
            _("%(count)s caractères : une actualité en compte %(max)s au plus.")
            % {"count": len(cleaned), "max": NEWS_MAX_CHARS},
            field="text",
        )
    return cleaned


def news_post(
    *, shop: Shop, author_id: int | None, text: str, photo_jpeg: bytes | None = None
) -> ShopNews:
    """Publish a note for the shop's followers; the text is checked before any write.

    ``photo_jpeg`` is a photo already checked and re-encoded by
    ``cabas.backoffice.photos.photo_process`` (type, size, pixels, EXIF dropped).
    """
    cleaned = news_clean_text(text)
    photo_url = ""
    if photo_jpeg is not None:
        name = default_storage.save(
            f"news/{shop.territory_id}/{shop.pk}/{uuid.uuid4().hex}.jpg", ContentFile(photo_jpeg)
        )
        photo_url = default_storage.url(name)
    return ShopNews.objects.create(
        territory_id=shop.territory_id,
        shop=shop,
        author_id=author_id,
        text=cleaned,
        photo=photo_url,
    )


def news_delete(*, shop: Shop, news_id: int) -> None:
    deleted, _rows = ShopNews.objects.filter(
        pk=news_id, shop=shop, territory_id=shop.territory_id
    ).delete()
    if not deleted:
        raise HabitError("news_not_found", _("Cette actualité n'existe plus."))


# -- alerts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    lat: float
    lon: float
    radius_km: float


def _check_place(place: Place | None) -> None:
    if place is None:
        return
    if not (-90 <= place.lat <= 90 and -180 <= place.lon <= 180):
        raise HabitError("place_invalid", _("Cette position n'existe pas."), field="place")
    if not RADIUS_MIN_KM <= place.radius_km <= RADIUS_MAX_KM:
        raise HabitError(
            "radius_invalid",
            _("Choisissez un rayon entre %(min)s et %(max)s km.")
            % {"min": str(RADIUS_MIN_KM).replace(".", ","), "max": RADIUS_MAX_KM},
            field="radius_km",
        )


def _place_fields(place: Place | None) -> dict[str, float | None]:
    if place is None:
        return {"lat": None, "lon": None, "radius_km": None}
    return {"lat": place.lat, "lon": place.lon, "radius_km": place.radius_km}


def alert_for_product(
    *, user: User, territory: Territory, product_id: int, place: Place | None = None
) -> AvailabilityAlert:
    """Ask to be told when ``product_id`` is available (near ``place``); one alert a product."""
    _check_place(place)
    product = Product.objects.filter(pk=product_id, territory=territory).first()
    if product is None:
        raise HabitError("product_not_found", _("Ce produit n'existe plus sur la plateforme."))
    with transaction.atomic():
        alert = AvailabilityAlert.objects.filter(
            user=user, product=product, kind=AlertKind.PRODUCT, is_active=True
        ).first()
        if alert is not None:
            for name, value in _place_fields(place).items():
                setattr(alert, name, value)
            alert.save(update_fields=["lat", "lon", "radius_km"])
            return alert
        return AvailabilityAlert.objects.create(
            territory=territory,
            user=user,
            kind=AlertKind.PRODUCT,
            product=product,
            **_place_fields(place),
        )


def alert_for_search(
    *, user: User, territory: Territory, query: str, place: Place | None = None
) -> AvailabilityAlert:
    """Save a search: told when a new or restocked offer's product matches every word."""
    _check_place(place)
    cleaned = " ".join(query.split())
    if len(cleaned) < 2:
        raise HabitError("query_too_short", _("Indiquez au moins deux lettres."), field="query")
    if len(cleaned) > QUERY_MAX_CHARS:
        raise HabitError(
            "query_too_long",
            _("Une recherche enregistrée compte %(max)s caractères au plus.")
            % {"max": QUERY_MAX_CHARS},
            field="query",
        )
    with transaction.atomic():
        alert = AvailabilityAlert.objects.filter(
            territory=territory, user=user, kind=AlertKind.SEARCH, query=cleaned, is_active=True
        ).first()
        if alert is not None:
            for name, value in _place_fields(place).items():
                setattr(alert, name, value)
            alert.save(update_fields=["lat", "lon", "radius_km"])
            return alert
        return AvailabilityAlert.objects.create(
            territory=territory,
            user=user,
            kind=AlertKind.SEARCH,
            query=cleaned,
            **_place_fields(place),
        )


def alert_stop(*, user: User, territory: Territory, alert_id: int) -> None:
    """Stop an alert; it stays for the operator's figures (alerts sent, converted)."""
    stopped = AvailabilityAlert.objects.filter(
        pk=alert_id, user=user, territory=territory, is_active=True
    ).update(is_active=False)
    if not stopped:
        raise HabitError("alert_not_found", _("Cette alerte n'existe plus."))


# -- preferences and unsubscribe -----------------------------------------------------------


def preferences_update(
    *,
    user: User,
    territory: Territory,
    alert_emails: bool,
    alert_every_match: bool,
    digest_enabled: bool,
    digest_weekday: int,
) -> ShopperPreferences:
    if not 0 <= digest_weekday <= 6:
        raise HabitError("weekday_invalid", _("Choisissez un jour de la semaine."))
    with transaction.atomic():
        prefs = lock_preferences(user_id=user.pk, territory_id=territory.pk)
        prefs.alert_emails = alert_emails
        prefs.alert_every_match = alert_every_match
        prefs.digest_enabled = digest_enabled
        prefs.digest_weekday = digest_weekday
        prefs.save(
            update_fields=["alert_emails", "alert_every_match", "digest_enabled", "digest_weekday"]
        )
    return prefs


def unsubscribe_apply(*, territory: Territory, purpose: str, token: str) -> ShopperPreferences:
    """Turn off the alert emails or the digest named by a signed token; idempotent."""
    request = unsubscribe_read(purpose=purpose, token=token)
    if request is None or request.territory_id != territory.pk:
        raise HabitError(
            "unsubscribe_invalid",
            _("Ce lien de désabonnement n'est pas valide. Gérez vos e-mails depuis votre compte."),
        )
    if not User.objects.filter(pk=request.user_id).exists():
        raise HabitError("unsubscribe_invalid", _("Ce lien de désabonnement n'est plus valide."))
    with transaction.atomic():
        prefs = lock_preferences(user_id=request.user_id, territory_id=territory.pk)
        if purpose == ALERTS:
            prefs.alert_emails = False
            prefs.save(update_fields=["alert_emails"])
        elif purpose == DIGEST:
            prefs.digest_enabled = False
            prefs.save(update_fields=["digest_enabled"])
    return prefs


# -- web push subscriptions -------------------------------------------------------------

PUSH_P256DH_BYTES = 65  # an uncompressed P-256 point (RFC 8291)
PUSH_AUTH_BYTES = 16
PUSH_DEVICES_MAX = 10  # per shopper and territory; the oldest goes beyond
LOOPBACK_HOSTS = {"127.0.0.1", "::1", "localhost"}


def _push_refused(code: str, message: str, field: str = "endpoint") -> HabitError:
    return HabitError(code, message, field=field)


def push_endpoint_check(endpoint: str) -> str:
    """The endpoint when it is a public https URL of a push service; raises otherwise.

    The server posts to this URL, so it must not reach inside the network: https on the
    default port to a named public host. A local fake push service (http, loopback) is
    accepted only with the ``WEBPUSH_ALLOW_HTTP_LOOPBACK`` setting, for tests.
    """
    invalid = _push_refused(
        "push_endpoint_invalid",
        _("L'adresse d'abonnement fournie par le navigateur n'est pas valide."),
    )
    endpoint = endpoint.strip()
    if (
        not endpoint
        or len(endpoint) > PUSH_ENDPOINT_MAX_CHARS
        or any(c.isspace() for c in endpoint)
    ):
        raise invalid
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        raise invalid from None
    host = (parts.hostname or "").lower()
    if not host or parts.username or parts.password or parts.fragment:
        raise invalid
    if getattr(settings, "WEBPUSH_ALLOW_HTTP_LOOPBACK", False) and host in LOOPBACK_HOSTS:
        if parts.scheme in ("http", "https"):
            return endpoint
        raise invalid
    if parts.scheme != "https":
        raise _push_refused(
            "push_endpoint_insecure",
            _("Le service de notifications doit être joint en HTTPS."),
        )
    if port not in (None, 443) or not _public_host(host):
        raise invalid
    return endpoint


def _public_host(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        labels = host.rstrip(".").split(".")
        return len(labels) >= 2 and labels[-1] not in {"localhost", "local", "internal", "lan"}
    return address.is_global


def _push_key(value: str, *, size: int, field: str) -> str:
    try:
        raw = b64url_decode(value.strip()) if len(value) <= 200 else b""
    except ValueError:
        raw = b""
    if len(raw) != size:
        raise _push_refused(
            "push_keys_invalid",
            _("Les clés de chiffrement fournies par le navigateur ne sont pas valides."),
            field,
        )
    return b64url_encode(raw)


def push_subscribe(
    *,
    user: User,
    territory: Territory,
    endpoint: str,
    p256dh: str,
    auth: str,
    user_agent: str = "",
) -> PushSubscription:
    """Record this browser's subscription for the shopper's alerts in ``territory``.

    Everything is checked before any write: push configured, endpoint, keys (a P-256
    point of 65 bytes, a 16-byte secret). Subscribing again refreshes the keys; a browser
    that changed hands stops receiving the previous shopper's alerts.
    """
    if vapid_config() is None:
        raise _push_refused(
            "push_unavailable",
            _("Les notifications ne sont pas proposées sur cette plateforme."),
            "",
        )
    endpoint = push_endpoint_check(endpoint)
    p256dh = _push_key(p256dh, size=PUSH_P256DH_BYTES, field="p256dh")
    auth = _push_key(auth, size=PUSH_AUTH_BYTES, field="auth")
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(p256dh))
    except ValueError:
        raise _push_refused(
            "push_keys_invalid",
            _("Les clés de chiffrement fournies par le navigateur ne sont pas valides."),
            "p256dh",
        ) from None
    fields = {
        "user": user,
        "p256dh": p256dh,
        "auth": auth,
        "user_agent": " ".join(user_agent.split())[:PUSH_USER_AGENT_MAX_CHARS],
        "failures": 0,
    }
    with transaction.atomic():
        PushSubscription.objects.filter(endpoint=endpoint).exclude(user=user).delete()
        try:
            with transaction.atomic():
                subscription, _created = PushSubscription.objects.update_or_create(
                    territory=territory, endpoint=endpoint, defaults=fields
                )
        except IntegrityError:  # the same browser subscribed twice at once
            subscription = PushSubscription.objects.get(territory=territory, endpoint=endpoint)
        extra = PushSubscription.objects.filter(territory=territory, user=user).order_by(
            "-created_at", "-pk"
        )[PUSH_DEVICES_MAX:]
        PushSubscription.objects.filter(pk__in=list(extra.values_list("pk", flat=True))).delete()
    return subscription


def push_unsubscribe(*, user: User, territory: Territory, endpoint: str) -> int:
    """Stop this browser's notifications for ``territory``; idempotent.

    Returns how many other territories still notify this browser for the shopper, so the
    page knows whether the browser's own subscription may be dropped.
    """
    endpoint = endpoint.strip()[:PUSH_ENDPOINT_MAX_CHARS]
    PushSubscription.objects.filter(territory=territory, user=user, endpoint=endpoint).delete()
    return PushSubscription.objects.filter(user=user, endpoint=endpoint).count()
