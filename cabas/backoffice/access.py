"""Who may open a back-office page: the decorator every shop view goes through.

A page of shop S answers only to a member of S's team (404 for anyone else, so the
existence of another shop's objects never leaks); owner-only pages answer 403 to
staff. Objects named in the URL (offer, order, import…) are then looked up through
selectors scoped by the shop, so another shop's ids give 404 too.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache

from .selectors import MemberShop, shop_for_member

ShopView = Callable[..., HttpResponse]


def merchant_view(*, owner_only: bool = False) -> Callable[[ShopView], ShopView]:
    """``view(request, member, **kwargs)`` reached by ``/<territory>/<shop>/…`` URLs."""

    def decorator(view: ShopView) -> ShopView:
        @wraps(view)
        def wrapper(request: HttpRequest, territory: str, shop: str, **kwargs: Any) -> HttpResponse:
            member: MemberShop | None = shop_for_member(request.user, territory, shop)  # type: ignore[arg-type]
            if member is None:
                raise Http404("not a member of this shop")
            if owner_only and not member.is_owner:
                raise PermissionDenied("owners only")
            return view(request, member, **kwargs)

        return never_cache(login_required(wrapper))

    return decorator
