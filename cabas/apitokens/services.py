"""Creating, checking and revoking API tokens.

Invariant: a token is usable exactly while its row exists and is not revoked, and
only for its scope (one shop, or every shop of one territory). The raw token leaves
this module once, as the return value of :func:`api_token_create`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db.models import Q
from django.utils import timezone

from cabas.shops.models import Shop
from cabas.territories.models import Territory

from .models import ApiToken

TOKEN_PREFIX = "cabas_"  # noqa: S105 (a prefix, not a secret)
# last_used_at is a date for people, not an audit log: one write a minute is enough.
LAST_USED_PRECISION = dt.timedelta(minutes=1)
MAX_TOKEN_LENGTH = 128


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def api_token_create(
    *,
    territory: Territory,
    shop: Shop | None,
    name: str,
    created_by_id: int | None = None,
) -> tuple[ApiToken, str]:
    """A new token for ``shop`` (or the whole ``territory`` when ``shop`` is None).

    Returns the row and the raw token, which is never stored and cannot be shown again.
    """
    if shop is not None and shop.territory_id != territory.pk:
        raise ValueError("The shop does not belong to this territory.")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        territory=territory,
        shop=shop,
        name=(name.strip() or "API")[:80],
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        digest=token_digest(raw),
        created_by_id=created_by_id,
    )
    return token, raw


def api_token_authenticate(raw: str, *, now: dt.datetime | None = None) -> ApiToken | None:
    """The active token matching ``raw`` (its ``last_used_at`` refreshed), else None."""
    if not raw or len(raw) > MAX_TOKEN_LENGTH or not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("territory", "shop")
        .filter(digest=token_digest(raw), revoked_at__isnull=True, territory__is_active=True)
        .first()
    )
    if token is None:
        return None
    moment = now or timezone.now()
    if token.last_used_at is None or moment - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=moment - LAST_USED_PRECISION)
        ).update(last_used_at=moment)
        token.last_used_at = moment
    return token


def api_token_revoke(*, token_id: int, shop: Shop) -> bool:
    """Revoke one of ``shop``'s tokens; False when it is not one of them (or already revoked)."""
    return bool(
        ApiToken.objects.filter(
            pk=token_id, shop=shop, territory_id=shop.territory_id, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
    )
