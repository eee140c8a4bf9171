"""The public balance page of a gift card or voucher code: no account needed.

Guessing is slowed down by a per-address budget of lookups kept in the cache, and a
wrong code takes the same path as a right one (``selectors.card_by_code``).
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from cabas.territories.selectors import territory_by_slug

from .forms import BalanceForm
from .selectors import public_card_balance

LOOKUPS_PER_WINDOW = 10
WINDOW_SECONDS = 15 * 60


def _client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def lookup_allowed(address: str) -> bool:
    """Count one lookup for ``address``; False once the window's budget is spent."""
    key = f"cabas:card-balance:{address}"
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        used = 1
    return used <= LOOKUPS_PER_WINDOW


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def gift_card_balance(request: HttpRequest, territory: str) -> HttpResponse:
    place = territory_by_slug(territory)
    if place is None:
        raise Http404("unknown territory")
    form = BalanceForm(request.POST or None)
    result = None
    status = 200
    if request.method == "POST" and form.is_valid():
        if not lookup_allowed(_client_address(request)):
            form.add_error(
                None,
                _(
                    "Trop de vérifications depuis votre connexion : "
                    "réessayez dans un quart d'heure."
                ),
            )
            status = 429
        else:
            result = public_card_balance(place, form.cleaned_data["code"])
            if result is None:
                form.add_error(
                    "code", _("Ce code est inconnu sur ce territoire : vérifiez votre saisie.")
                )
    return render(
        request,
        "vouchers/balance.html",
        {
            "territory": place,
            "form": form,
            "result": result,
            "expired": result is not None and result.expires_at <= timezone.now(),
        },
        status=status,
    )
