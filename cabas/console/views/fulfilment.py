"""Collection points (their slots and shops) and the territory courier's zones."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cabas.courier import selectors as courier_selectors
from cabas.courier import services as courier_services
from cabas.courier.errors import CourierError
from cabas.fulfilment.models import CollectionPoint
from cabas.territories.models import Territory

from .. import selectors, services
from ..access import operator_view
from ..errors import ConsoleError
from ..forms import CourierZoneForm, PointForm
from .common import attach_error, render_console


@require_safe
@operator_view
def points(request: HttpRequest, territory: Territory) -> HttpResponse:
    return render_console(
        request,
        territory,
        "console/points.html",
        {"points": list(selectors.collection_points(territory))},
        section="points",
    )


def _point_input(data: dict) -> services.PointInput:
    return services.PointInput(
        name=data["name"],
        address=data["address"],
        postcode=data["postcode"],
        city=data["city"],
        lat=data["lat"],
        lon=data["lon"],
        opening_hours=data["opening_hours"],
        slot_minutes=data["slot_minutes"],
        lead_minutes=data["lead_minutes"],
        capacity_per_slot=data["capacity_per_slot"],
        horizon_days=data["horizon_days"],
        is_active=data["is_active"],
    )


def _point_form_page(
    request: HttpRequest, territory: Territory, point: CollectionPoint | None
) -> HttpResponse:
    if request.method == "POST":
        form = PointForm(request.POST)
    elif point is not None:
        form = PointForm(initial={name: getattr(point, name) for name in PointForm.base_fields})
    else:
        form = PointForm(
            initial={
                "lat": territory.centre_lat,
                "lon": territory.centre_lon,
                "slot_minutes": max(territory.default_slot_minutes, 30),
                "lead_minutes": territory.default_lead_minutes + 60,
                "capacity_per_slot": max(territory.default_capacity_per_slot, 10),
                "horizon_days": territory.default_horizon_days,
                "is_active": True,
            }
        )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.collection_point_save(
                territory=territory,
                point_id=point.pk if point else None,
                data=_point_input(form.cleaned_data),
                actor=request.user,  # type: ignore[arg-type]
            )
        except ConsoleError as error:
            attach_error(form, error.field, error.message)
        else:
            messages.success(request, _("Point de retrait enregistré."))
            return redirect("console:point", territory=territory.slug, point_id=saved.pk)
    context = {"form": form, "point": point}
    if point is not None:
        served = selectors.collection_point_shops(point)
        query = request.GET.get("q", "")
        context.update(
            {
                "served": served,
                "q": query,
                "candidates": selectors.approved_shops_matching(
                    territory, query, exclude=[shop.pk for shop in served]
                ),
                "slots": selectors.point_upcoming_slots(point) if point.is_active else [],
            }
        )
    return render_console(
        request,
        territory,
        "console/point.html",
        context,
        section="points",
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@operator_view
def point_new(request: HttpRequest, territory: Territory) -> HttpResponse:
    return _point_form_page(request, territory, None)


@require_http_methods(["GET", "HEAD", "POST"])
@operator_view
def point(request: HttpRequest, territory: Territory, point_id: int) -> HttpResponse:
    found = selectors.territory_collection_point(territory, point_id)
    if found is None:
        raise Http404("unknown collection point")
    return _point_form_page(request, territory, found)


def _posted_shop(request: HttpRequest) -> tuple[int | None, bool]:
    try:
        shop_id = int(request.POST.get("shop", ""))
    except ValueError:
        return None, False
    return shop_id, request.POST.get("served") == "1"


@require_POST
@operator_view
def point_shop(request: HttpRequest, territory: Territory, point_id: int) -> HttpResponse:
    found = selectors.territory_collection_point(territory, point_id)
    if found is None:
        raise Http404("unknown collection point")
    shop_id, served = _posted_shop(request)
    if shop_id is None:
        messages.error(request, _("Choisissez un commerce."))
    else:
        try:
            services.collection_point_shop_set(
                territory=territory,
                point_id=found.pk,
                shop_id=shop_id,
                served=served,
                actor=request.user,  # type: ignore[arg-type]
            )
        except ConsoleError as error:
            if error.code == "shop_not_found":
                raise Http404("unknown shop") from None
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Commerce ajouté au point de retrait.")
                if served
                else _("Commerce retiré du point de retrait."),
            )
    return redirect("console:point", territory=territory.slug, point_id=found.pk)


def _zone_input(data: dict, raw: str) -> courier_services.ZoneInput:
    return courier_services.ZoneInput(
        name=data["name"],
        postcodes=raw,
        fee_cents=data["fee"],
        minimum_order_cents=data["minimum"],
        is_active=data["is_active"],
    )


@require_safe
@operator_view
def courier(request: HttpRequest, territory: Territory) -> HttpResponse:
    query = request.GET.get("q", "")
    return render_console(
        request,
        territory,
        "console/courier.html",
        {
            "zones": list(courier_selectors.courier_zones(territory)),
            "shop_rows": courier_selectors.courier_shop_rows(territory, q=query),
            "q": query,
        },
        section="courier",
    )


def _euros_text(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d}"


def _zone_page(request: HttpRequest, territory: Territory, zone_id: int | None) -> HttpResponse:
    zone = None
    if zone_id is not None:
        zone = courier_selectors.courier_zone(territory, zone_id)
        if zone is None:
            raise Http404("unknown zone")
    if request.method == "POST":
        form = CourierZoneForm(request.POST)
    elif zone is not None:
        form = CourierZoneForm(
            initial={
                "name": zone.name,
                "postcodes": zone.postcodes,
                "fee": _euros_text(zone.fee_cents),
                "minimum": _euros_text(zone.minimum_order_cents),
                "is_active": zone.is_active,
            }
        )
    else:
        form = CourierZoneForm(initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        data = _zone_input(form.cleaned_data, form.cleaned_data["postcodes"])
        try:
            if zone is None:
                courier_services.courier_zone_create(
                    territory=territory,
                    data=data,
                    actor=request.user,  # type: ignore[arg-type]
                )
            else:
                courier_services.courier_zone_update(
                    territory=territory,
                    zone_id=zone.pk,
                    data=data,
                    actor=request.user,  # type: ignore[arg-type]
                )
        except CourierError as error:
            field = {"fee_cents": "fee", "minimum_order_cents": "minimum"}.get(
                error.field or "", error.field
            )
            attach_error(form, field, error.message)
        else:
            messages.success(request, _("Zone de livraison enregistrée."))
            return redirect("console:courier", territory=territory.slug)
    return render_console(
        request,
        territory,
        "console/courier_zone.html",
        {"form": form, "zone": zone},
        section="courier",
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@operator_view
def courier_zone_new(request: HttpRequest, territory: Territory) -> HttpResponse:
    return _zone_page(request, territory, None)


@require_http_methods(["GET", "HEAD", "POST"])
@operator_view
def courier_zone(request: HttpRequest, territory: Territory, zone_id: int) -> HttpResponse:
    return _zone_page(request, territory, zone_id)


@require_POST
@operator_view
def courier_zone_delete(request: HttpRequest, territory: Territory, zone_id: int) -> HttpResponse:
    try:
        courier_services.courier_zone_delete(
            territory=territory,
            zone_id=zone_id,
            actor=request.user,  # type: ignore[arg-type]
        )
    except CourierError:
        raise Http404("unknown zone") from None
    messages.success(request, _("Zone de livraison supprimée."))
    return redirect("console:courier", territory=territory.slug)


@require_POST
@operator_view
def courier_shop(request: HttpRequest, territory: Territory) -> HttpResponse:
    shop_id, served = _posted_shop(request)
    if shop_id is None:
        messages.error(request, _("Choisissez un commerce."))
        return redirect("console:courier", territory=territory.slug)
    try:
        changed = courier_services.courier_shop_set(
            territory=territory,
            shop_id=shop_id,
            served=served,
            actor=request.user,  # type: ignore[arg-type]
        )
    except CourierError as error:
        if error.code == "shop_not_found":
            raise Http404("unknown shop") from None
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Le coursier livre désormais pour « %(shop)s ».") % {"shop": changed.name}
            if served
            else _("Le coursier ne livre plus pour « %(shop)s ».") % {"shop": changed.name},
        )
    return redirect("console:courier", territory=territory.slug)
