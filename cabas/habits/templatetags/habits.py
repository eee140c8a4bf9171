"""Blocks other pages show: the follow button, the followers' feed, the alert button,
and the installable-app tags of the page head."""

from __future__ import annotations

from typing import Any

from django import template

from cabas.catalog.models import Product
from cabas.shops.models import Shop
from cabas.territories.models import Territory

from .. import selectors

register = template.Library()


def _user_id(context: template.Context) -> int | None:
    request = context.get("request")
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


@register.inclusion_tag("habits/_follow_button.html", takes_context=True)
def follow_button(context: template.Context, shop: Shop) -> dict[str, Any]:
    """The follow form; for a visitor, only the invitation to log in (no query)."""
    request = context.get("request")
    user_id = _user_id(context)
    state = selectors.follow_state(user_id=user_id, shop=shop) if user_id is not None else None
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "shop": shop,
        "territory": context.get("territory") or shop.territory,
        "signed_in": user_id is not None,
        "following": state.following if state else False,
        "followers": state.followers if state else 0,
        "next_url": request.get_full_path() if request is not None else "",
    }


@register.inclusion_tag("habits/_feed.html", takes_context=True)
def followed_news(context: template.Context, territory: Territory) -> dict[str, Any]:
    user_id = _user_id(context)
    return {
        "territory": territory,
        "signed_in": user_id is not None,
        "feed": selectors.follower_feed(user_id=user_id, territory=territory)
        if user_id is not None
        else [],
    }


@register.inclusion_tag("habits/_alert_button.html", takes_context=True)
def alert_button(
    context: template.Context, territory: Territory, product: Product
) -> dict[str, Any]:
    request = context.get("request")
    user_id = _user_id(context)
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "territory": territory,
        "product": product,
        "signed_in": user_id is not None,
        "has_alert": selectors.product_alert(
            user_id=user_id, territory=territory, product_id=product.pk
        ),
        "next_url": request.get_full_path() if request is not None else "",
    }


@register.inclusion_tag("habits/_app_head.html")
def app_head(territory: Territory | None) -> dict[str, Any]:
    return {"territory": territory}


@register.simple_tag
def shop_news_list(shop: Shop) -> list:
    return selectors.shop_news(shop=shop, limit=5)
