"""Reads of API tokens for the back office."""

from __future__ import annotations

from django.db.models import QuerySet

from cabas.shops.models import Shop

from .models import ApiToken


def shop_api_tokens(shop: Shop) -> QuerySet[ApiToken]:
    """A shop's tokens, active ones first, newest first."""
    return ApiToken.objects.filter(territory_id=shop.territory_id, shop=shop).order_by(
        "revoked_at", "-created_at", "-pk"
    )
