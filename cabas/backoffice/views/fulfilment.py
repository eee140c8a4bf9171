"""Pickup and delivery settings: slots, capacity, lead time, delivery zones and fees."""

from __future__ import annotations

from dataclasses import asdict

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cabas.fulfilment.models import DeliveryZone

from ..access import merchant_view
from ..errors import BackofficeError
from ..forms import FulfilmentForm, ZoneForm
from ..fulfilment_options import services
from ..selectors import MemberShop
from .common import render_shop


def _page(request, member, form, zone_form, status=200) -> HttpResponse:
    zones = DeliveryZone.objects.filter(
        territory_id=member.shop.territory_id, shop=member.shop
    ).order_by("name", "pk")
    return render_shop(
        request,
        member,
        "backoffice/fulfilment.html",
        {"form": form, "zone_form": zone_form, "zones": zones},
        section="fulfilment",
        status=status,
    )


def _redirect(member: MemberShop) -> HttpResponse:
    return redirect(
        "backoffice:fulfilment", territory=member.shop.territory.slug, shop=member.shop.slug
    )


@merchant_view(owner_only=True)
@require_http_methods(["GET", "HEAD", "POST"])
def fulfilment(request: HttpRequest, member: MemberShop) -> HttpResponse:
    current = services.shop_fulfilment_settings(member.shop)
    form = FulfilmentForm(
        request.POST if request.method == "POST" else None, initial=asdict(current)
    )
    if request.method == "POST":
        if form.is_valid():
            services.shop_set_fulfilment(
                shop=member.shop, settings=services.FulfilmentSettings(**form.cleaned_data)
            )
            messages.success(request, _("Réglages de retrait et de livraison enregistrés."))
            return _redirect(member)
        return _page(request, member, form, ZoneForm(), status=400)
    return _page(request, member, form, ZoneForm())


@merchant_view(owner_only=True)
@require_POST
def zone_add(request: HttpRequest, member: MemberShop) -> HttpResponse:
    zone_form = ZoneForm(request.POST)
    if zone_form.is_valid():
        data = zone_form.cleaned_data
        try:
            services.delivery_zone_add(
                shop=member.shop,
                name=data["name"],
                kind=data["kind"],
                radius_km=data["radius_km"],
                postcodes=data["postcodes"],
                fee_cents=data["fee"] or 0,
                minimum_order_cents=data["minimum"] or 0,
            )
        except BackofficeError as error:
            zone_form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Zone « %(name)s » ajoutée.") % {"name": data["name"]})
            return _redirect(member)
    current = services.shop_fulfilment_settings(member.shop)
    return _page(request, member, FulfilmentForm(initial=asdict(current)), zone_form, status=400)


@merchant_view(owner_only=True)
@require_POST
def zone_delete(request: HttpRequest, member: MemberShop, zone_id: int) -> HttpResponse:
    if not services.delivery_zone_delete(shop=member.shop, zone_id=zone_id):
        raise Http404("unknown zone")
    messages.success(request, _("Zone supprimée."))
    return _redirect(member)
