"""The territory's shared loyalty scheme: on/off, points per euro, value of a point."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cabas.loyalty.errors import LoyaltyError
from cabas.loyalty.forms import LoyaltySettingsForm
from cabas.loyalty.selectors import loyalty_settings
from cabas.loyalty.services import loyalty_settings_update
from cabas.territories.models import Territory

from ..access import operator_view
from .common import attach_error, render_console


@require_http_methods(["GET", "HEAD", "POST"])
@operator_view
def loyalty(request: HttpRequest, territory: Territory) -> HttpResponse:
    current = loyalty_settings(territory)
    if request.method == "POST":
        form = LoyaltySettingsForm(request.POST)
        if form.is_valid():
            try:
                loyalty_settings_update(territory=territory, **form.cleaned_data)
            except LoyaltyError as error:
                attach_error(form, error.field, error.message)
            else:
                messages.success(request, _("Réglages de fidélité enregistrés."))
                return redirect("console:loyalty", territory=territory.slug)
    else:
        form = LoyaltySettingsForm(
            initial={
                "enabled": current.enabled if current else False,
                "points_per_euro": current.points_per_euro if current else 1,
                "point_value_cents": current.point_value_cents if current else 1,
            }
        )
    return render_console(
        request,
        territory,
        "console/loyalty.html",
        {"form": form, "current": current},
        section="loyalty",
    )
