"""Shoppers' habits: the shops they follow, their news, availability alerts, the digest.

Every table carries ``territory_id`` (DESIGN 4); a shopper's preferences are per
territory, since a territory's emails speak for that territory.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

NEWS_MAX_CHARS = 280
QUERY_MAX_CHARS = 120
RADIUS_MIN_KM = 0.2
RADIUS_MAX_KM = 30


class ShopFollow(models.Model):
    """A shopper follows a shop ("mes commerçants"): its news reach their feed."""

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="+"
    )
    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="followers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shop_follows"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("commerce suivi")
        verbose_name_plural = _("commerces suivis")
        constraints = [models.UniqueConstraint(fields=["shop", "user"], name="shop_follow_once")]
        indexes = [models.Index(fields=["territory", "user"])]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.shop_id}"


def news_photo_path(instance: "ShopNews", filename: str) -> str:
    return f"news/{instance.territory_id}/{instance.shop_id}/{filename}"


class ShopNews(models.Model):
    """A short note a merchant posts for followers: an arrival, a closure, a photo."""

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="+"
    )
    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="news")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.CharField(_("texte"), max_length=NEWS_MAX_CHARS)
    photo = models.CharField(_("photo"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("actualité")
        verbose_name_plural = _("actualités")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["shop", "created_at"])]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="shop_news_not_empty")]

    def __str__(self) -> str:
        return self.text[:40]


class AlertKind(models.TextChoices):
    PRODUCT = "product", _("produit")
    SEARCH = "search", _("recherche")


class AvailabilityAlert(models.Model):
    """ "Tell me when it's available near me": a product or a saved search, with a radius.

    The place is optional: without it, anywhere in the territory is near enough.
    """

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability_alerts"
    )
    kind = models.CharField(max_length=8, choices=AlertKind.choices)
    # A deleted product takes its alerts with it: nothing can match them any more.
    product = models.ForeignKey(
        "catalog.Product", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    query = models.CharField(_("recherche"), max_length=QUERY_MAX_CHARS, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    radius_km = models.FloatField(_("rayon (km)"), null=True, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("alerte de disponibilité")
        verbose_name_plural = _("alertes de disponibilité")
        indexes = [
            models.Index(fields=["territory", "product", "is_active"]),
            models.Index(fields=["territory", "kind", "is_active"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="product", product__isnull=False, query=""))
                | (Q(kind="search", product__isnull=True) & ~Q(query="")),
                name="alert_kind_target",
            ),
            models.CheckConstraint(
                condition=Q(lat__isnull=True, lon__isnull=True, radius_km__isnull=True)
                | Q(
                    lat__isnull=False,
                    lon__isnull=False,
                    radius_km__gte=RADIUS_MIN_KM,
                    radius_km__lte=RADIUS_MAX_KM,
                ),
                name="alert_place_complete",
            ),
            models.UniqueConstraint(
                fields=["user", "product"],
                condition=Q(kind="product", is_active=True),
                name="alert_product_once",
            ),
            models.UniqueConstraint(
                fields=["territory", "user", "query"],
                condition=Q(kind="search", is_active=True),
                name="alert_search_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.product_id or self.query}"


class AlertMatch(models.Model):
    """An alert met by one availability event of one offer; written at most once.

    ``event_key`` names the event (``stock:<movement>`` or ``offer:<id>``): a replayed
    matching task inserts nothing new (unique constraint).
    """

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="+"
    )
    alert = models.ForeignKey(AvailabilityAlert, on_delete=models.CASCADE, related_name="matches")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    offer = models.ForeignKey("catalog.Offer", on_delete=models.CASCADE, related_name="+")
    event_key = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the alert email, and apart from it the web push, carried this match.
    notified_at = models.DateTimeField(null=True, blank=True)
    pushed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("alerte déclenchée")
        verbose_name_plural = _("alertes déclenchées")
        constraints = [
            models.UniqueConstraint(fields=["alert", "event_key"], name="alert_match_once")
        ]
        indexes = [
            models.Index(fields=["user", "notified_at"]),
            models.Index(fields=["territory", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.alert_id} @ {self.event_key}"


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("lundi")
    TUESDAY = 1, _("mardi")
    WEDNESDAY = 2, _("mercredi")
    THURSDAY = 3, _("jeudi")
    FRIDAY = 4, _("vendredi")
    SATURDAY = 5, _("samedi")
    SUNDAY = 6, _("dimanche")


class ShopperPreferences(models.Model):
    """What a shopper accepts to receive from one territory, and when it was last sent.

    The row is the lock that keeps "at most one alert email a day" and "one digest a week"
    (``habits.locks``).
    """

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="habit_preferences"
    )
    alert_emails = models.BooleanField(_("recevoir les alertes par e-mail"), default=True)
    alert_every_match = models.BooleanField(
        _("un e-mail à chaque alerte (sinon au plus un par jour)"), default=False
    )
    digest_enabled = models.BooleanField(_("recevoir la lettre de la semaine"), default=False)
    digest_weekday = models.PositiveSmallIntegerField(
        _("jour de la lettre"), choices=Weekday.choices, default=Weekday.SATURDAY
    )
    last_alert_email_at = models.DateTimeField(null=True, blank=True)
    last_alert_push_at = models.DateTimeField(null=True, blank=True)
    last_digest_on = models.DateField(null=True, blank=True)
    alert_emails_sent = models.PositiveIntegerField(default=0)
    alert_pushes_sent = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("préférences du client")
        verbose_name_plural = _("préférences des clients")
        constraints = [
            models.UniqueConstraint(fields=["territory", "user"], name="shopper_preferences_once"),
            models.CheckConstraint(
                condition=Q(digest_weekday__lte=6), name="shopper_preferences_weekday"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.territory_id}"


PUSH_ENDPOINT_MAX_CHARS = 1000
PUSH_USER_AGENT_MAX_CHARS = 300


class PushSubscription(models.Model):
    """One browser's web push subscription, made from a territory's alerts page.

    The endpoint is the push service's URL for that browser; ``p256dh`` and ``auth`` are
    the browser's keys (base64url) the payload is encrypted for (RFC 8291). A browser has
    one endpoint per site, so the same endpoint may be subscribed from several
    territories of one site: it is unique per territory. A push service answering that
    the endpoint is gone (404/410) deletes it; so do too many failures in a row.
    """

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.CharField(max_length=PUSH_ENDPOINT_MAX_CHARS)
    p256dh = models.CharField(max_length=100)
    auth = models.CharField(max_length=30)
    user_agent = models.CharField(max_length=PUSH_USER_AGENT_MAX_CHARS, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("abonnement aux notifications")
        verbose_name_plural = _("abonnements aux notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "endpoint"], name="push_subscription_once"
            ),
            models.CheckConstraint(condition=~Q(endpoint=""), name="push_endpoint_not_empty"),
        ]
        indexes = [
            models.Index(fields=["territory", "user"]),
            models.Index(fields=["endpoint"]),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.territory_id}: {self.endpoint[:40]}"
