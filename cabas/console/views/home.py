"""The console's entry: the territories a person runs, creating one, a territory's dashboard."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from cabas.reports import selectors as reports
from cabas.territories.errors import TerritoryError
from cabas.territories.models import Territory
from cabas.territories.services import NewTerritory, territory_create

from ..access import operated_territories, operator_view, platform_admin_view
from ..forms import TerritoryCreateForm
from ..selectors import pending_applications, pending_shops_without_application
from .common import attach_error, render_console


@require_safe
@never_cache
@login_required
def index(request: HttpRequest) -> HttpResponse:
    territories = list(operated_territories(request.user))  # type: ignore[arg-type]
    if len(territories) == 1 and not request.user.is_superuser:
        return redirect("console:dashboard", territory=territories[0].slug)
    return render(request, "console/index.html", {"territories": territories})


@require_http_methods(["GET", "HEAD", "POST"])
@platform_admin_view
def territory_new(request: HttpRequest) -> HttpResponse:
    form = TerritoryCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            territory = territory_create(
                data=NewTerritory(
                    slug=data["slug"],
                    name=data["name"],
                    centre_lat=data["centre_lat"],
                    centre_lon=data["centre_lon"],
                    timezone=data["timezone"].strip(),
                    currency=data["currency"],
                    commission_bp=data["commission"] or 0,
                    primary_colour=data["primary_colour"],
                    operator_name=data["operator_name"],
                    contact_email=data["contact_email"],
                ),
                actor=request.user,  # type: ignore[arg-type]
                operator_emails=[data["operator_email"]] if data["operator_email"] else [],
            )
        except TerritoryError as error:
            attach_error(form, error.field, error.message)
        else:
            messages.success(
                request,
                _("Le territoire « %(name)s » est créé, avec ses pages par défaut.")
                % {"name": territory.name},
            )
            return redirect("console:dashboard", territory=territory.slug)
    status = 400 if form.errors else 200
    return render(request, "console/territory_new.html", {"form": form}, status=status)


@require_safe
@operator_view
def dashboard(request: HttpRequest, territory: Territory) -> HttpResponse:
    period = reports.default_period(territory, weeks=4)
    return render_console(
        request,
        territory,
        "console/dashboard.html",
        {
            "applications": list(pending_applications(territory)[:5]),
            "waiting_shops": pending_shops_without_application(territory)[:5],
            "counts": reports.report_shop_counts(territory, period),
            "totals": reports.report_totals(territory, period),
            "period": period,
        },
        section="home",
    )
