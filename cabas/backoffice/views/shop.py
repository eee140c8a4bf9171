"""A shop's home in the back office, its vitrine, opening hours and closures."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import selectors, services
from ..access import merchant_view
from ..errors import JoinError
from ..forms import ClosureForm, HoursForm, RawHoursForm, VitrineForm
from ..hours_editor import OSM_DAYS, osm_to_week, week_to_osm
from ..selectors import MemberShop
from .common import render_shop


def _shop_redirect(member: MemberShop, name: str) -> HttpResponse:
    return redirect(
        f"backoffice:{name}", territory=member.shop.territory.slug, shop=member.shop.slug
    )


@merchant_view()
def shop_home(request: HttpRequest, member: MemberShop) -> HttpResponse:
    shop = member.shop
    counts = selectors.shop_offer_counts(shop)
    steps = [
        ("vitrine", bool(shop.description and (shop.phone or shop.website))),
        ("hours", bool(shop.opening_hours)),
        ("catalogue", counts["total"] > 0),
    ]
    return render_shop(
        request,
        member,
        "backoffice/shop_home.html",
        {
            "counts": counts,
            "steps": dict(steps),
            "board_count": selectors.shop_orders(shop, ["placed"]).count(),
        },
        section="home",
    )


@merchant_view()
@require_http_methods(["GET", "HEAD", "POST"])
def vitrine(request: HttpRequest, member: MemberShop) -> HttpResponse:
    shop = member.shop
    initial = {name: getattr(shop, name) for name in services.VITRINE_FIELDS}
    form = VitrineForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.shop_update_vitrine(shop=shop, values=form.cleaned_data)
        messages.success(request, _("Vitrine enregistrée."))
        return _shop_redirect(member, "vitrine")
    return render_shop(
        request, member, "backoffice/vitrine.html", {"form": form}, section="vitrine"
    )


def _week_initial(expression: str) -> dict[str, str] | None:
    week = osm_to_week(expression)
    if week is None:
        return None
    initial = {}
    for day, intervals in zip(OSM_DAYS, week, strict=True):
        for position, (start, end) in enumerate(intervals[:2]):
            initial[f"{day}_{position * 2 + 1}"] = start
            initial[f"{day}_{position * 2 + 2}"] = end
    return initial


@merchant_view()
@require_http_methods(["GET", "HEAD", "POST"])
def opening_hours(request: HttpRequest, member: MemberShop) -> HttpResponse:
    """Per-day rows (most shops), or the raw OSM expression (experts, special cases)."""
    shop = member.shop
    initial = _week_initial(shop.opening_hours)
    posted = request.method == "POST"
    mode = request.POST.get("mode", "week")
    week_form = HoursForm(
        request.POST if posted and mode == "week" else None, initial=initial or {}
    )
    raw_form = RawHoursForm(
        request.POST if posted and mode == "raw" else None,
        initial={"opening_hours": shop.opening_hours},
    )
    if request.method == "POST":
        form = week_form if mode == "week" else raw_form
        if form.is_valid():
            expression = (
                week_to_osm(form.cleaned_data["week"])
                if mode == "week"
                else form.cleaned_data["opening_hours"]
            )
            try:
                services.shop_set_hours(shop=shop, expression=expression)
            except JoinError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("Horaires enregistrés : %(s)s.") % {"s": expression or "non renseignés"},
                )
                return _shop_redirect(member, "opening_hours")
    return render_shop(
        request,
        member,
        "backoffice/hours.html",
        {
            "week_form": week_form,
            "raw_form": raw_form,
            "advanced": initial is None,
            "closures": selectors.shop_closures(shop),
            "closure_form": ClosureForm(),
        },
        section="hours",
        status=400 if request.method == "POST" else 200,
    )


@merchant_view()
@require_POST
def closure_add(request: HttpRequest, member: MemberShop) -> HttpResponse:
    form = ClosureForm(request.POST)
    if form.is_valid():
        try:
            services.closure_add(
                shop=member.shop,
                start=form.cleaned_data["start_date"],
                end=form.cleaned_data["end_date"],
                reason=form.cleaned_data["reason"],
            )
        except JoinError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Fermeture exceptionnelle ajoutée."))
            return _shop_redirect(member, "opening_hours")
    return render_shop(
        request,
        member,
        "backoffice/hours.html",
        {
            "week_form": HoursForm(initial=_week_initial(member.shop.opening_hours) or {}),
            "raw_form": RawHoursForm(initial={"opening_hours": member.shop.opening_hours}),
            "advanced": osm_to_week(member.shop.opening_hours) is None,
            "closures": selectors.shop_closures(member.shop),
            "closure_form": form,
        },
        section="hours",
        status=400,
    )


@merchant_view()
@require_POST
def closure_delete(request: HttpRequest, member: MemberShop, closure_id: int) -> HttpResponse:
    if not services.closure_delete(shop=member.shop, closure_id=closure_id):
        raise Http404("unknown closure")
    messages.success(request, _("Fermeture supprimée."))
    return _shop_redirect(member, "opening_hours")
