"""The facts the privacy notice states, read from the settings the code runs with.

The notice never hard-codes a period: each number here is the one the code applies,
so changing a setting changes the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from cabas.accounts import throttle
from cabas.ops.tasks import ABANDONED_CART_AGE

# What the law asks a trader to keep (Code de commerce, art. L123-22): orders and
# invoices stay ten years; Cabas keeps them without the shopper's contact details.
ORDER_RETENTION_YEARS = 10
COOKIES = (
    ("sessionid", "session"),
    ("csrftoken", "csrf"),
    ("django_language", "language"),
)


@dataclass(frozen=True)
class NoticeFacts:
    inactive_account_days: int
    inactive_account_years: int
    warning_days: int
    session_days: int
    abandoned_cart_days: int
    password_link_days: int
    login_lock_minutes: int
    order_retention_years: int
    payment_provider: str  # "" when orders are paid on pickup or delivery only
    tile_host: str


def notice_facts() -> NoticeFacts:
    return NoticeFacts(
        inactive_account_days=settings.PRIVACY_INACTIVE_ACCOUNT_DAYS,
        inactive_account_years=round(settings.PRIVACY_INACTIVE_ACCOUNT_DAYS / 365),
        warning_days=settings.PRIVACY_INACTIVITY_WARNING_DAYS,
        session_days=settings.SESSION_COOKIE_AGE // 86400,
        abandoned_cart_days=ABANDONED_CART_AGE.days,
        password_link_days=settings.PASSWORD_RESET_TIMEOUT // 86400,
        login_lock_minutes=throttle.WINDOW_SECONDS // 60,
        order_retention_years=ORDER_RETENTION_YEARS,
        payment_provider="Stripe" if settings.PAYMENT_PROVIDER == "stripe" else "",
        tile_host=tile_host(),
    )


def tile_host() -> str:
    """The host of the configured map tile server (the one outside origin pages load)."""
    template = getattr(settings, "MAP_TILE_URL", "")
    return (urlsplit(template.replace("{s}", "a")).hostname or "") if template else ""
