"""Who may open the console of a territory: its operators, and platform admins.

Every console URL starts with ``/<territory>/console/`` and goes through
:func:`operator_view`: an unknown territory is a 404, a territory the user does not
operate a 403. Objects named further in the URL are then looked up through
selectors scoped by that territory, so another territory's ids give 404 (DESIGN 4).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache

from cabas.accounts.models import User
from cabas.territories.models import Territory, TerritoryMembership

ConsoleView = Callable[..., HttpResponse]


def operated_territories(user: User) -> QuerySet[Territory]:
    """Territories ``user`` may run: all of them for a platform admin, else their own."""
    if not user.is_authenticated or not user.is_active:
        return Territory.objects.none()
    if user.is_superuser:
        return Territory.objects.order_by("name")
    return Territory.objects.filter(
        memberships__user=user, memberships__role=TerritoryMembership.Role.OPERATOR
    ).order_by("name")


def is_operator(user: User, territory: Territory) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return TerritoryMembership.objects.filter(
        territory=territory, user=user, role=TerritoryMembership.Role.OPERATOR
    ).exists()


def operator_view(view: ConsoleView) -> ConsoleView:
    """``view(request, territory, **kwargs)`` for ``/<territory>/console/…`` URLs."""

    @wraps(view)
    def wrapper(request: HttpRequest, territory: str, **kwargs: Any) -> HttpResponse:
        # Inactive territories stay reachable: operators prepare them before launch.
        place = Territory.objects.filter(slug=territory).first()
        if place is None:
            raise Http404("unknown territory")
        if not is_operator(request.user, place):  # type: ignore[arg-type]
            raise PermissionDenied("not an operator of this territory")
        return view(request, place, **kwargs)

    return never_cache(login_required(wrapper))


def platform_admin_view(view: ConsoleView) -> ConsoleView:
    """Pages for platform admins only (creating a territory, setting its domain)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_superuser:
            raise PermissionDenied("platform admins only")
        return view(request, *args, **kwargs)

    return never_cache(login_required(wrapper))
