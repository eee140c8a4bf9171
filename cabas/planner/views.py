"""The "Ma liste" page: plan a list (GET, no side effect), put the plan in the cart, keep
lists. Works as plain HTML; htmx swaps only the plan when the form is sent."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cabas.cart.errors import CartError
from cabas.cart.services import cart_get_or_create
from cabas.fulfilment.wording import slot_label
from cabas.geo.distance import Point
from cabas.territories.models import Territory
from cabas.territories.selectors import territory_by_slug

from . import selectors, services
from .errors import PlanError
from .forms import PlanForm, SaveListForm
from .walking import DETOUR_FACTOR, WALK_KMH


def _territory(slug: str) -> Territory:
    territory = territory_by_slug(slug)
    if territory is None:
        raise Http404("unknown territory")
    return territory


def _user(request: HttpRequest) -> Any:
    return request.user if request.user.is_authenticated else None


def _plan_from(form: PlanForm, territory: Territory) -> tuple[selectors.Plan | None, str | None]:
    """The plan for a valid form, or the French error that stopped it."""
    centre = form.centre() or Point(territory.centre_lat, territory.centre_lon)
    try:
        request = selectors.plan_request(
            territory=territory,
            raw_lines=form.cleaned_data["liste"],
            lat=centre.lat,
            lon=centre.lon,
            at=form.cleaned_data.get("quand"),
            max_km=form.cleaned_data.get("distance"),
        )
    except PlanError as error:
        return None, error.message
    return selectors.plan_list(request), None


def _map(plan: selectors.Plan, territory: Territory) -> dict[str, Any]:
    start = plan.request.start
    return {
        "start": [round(start.lat, 5), round(start.lon, 5)],
        "stops": [
            [round(stop.shop.lat, 5), round(stop.shop.lon, 5), stop.shop.name, f"{stop.shop.slug}/"]
            for stop in plan.stops
        ],
        "base_url": reverse("web:shop_list", args=[territory.slug]),
    }


@require_safe
def plan_page(request: HttpRequest, territory: str) -> HttpResponse:
    place = _territory(territory)
    user = _user(request)
    data = request.GET.copy()
    if request.GET.get("habituel") and user is not None:
        usual = selectors.usual_basket(territory=place, user=user)
        if usual:
            data["liste"] = "\n".join(usual)
        else:
            messages.info(request, _("Votre panier habituel se remplira avec vos commandes."))
    submitted = "liste" in data
    form = PlanForm(data if submitted else None, territory=place)
    plan, error = None, None
    if submitted and form.is_valid():
        plan, error = _plan_from(form, place)
    context = {
        "territory": place,
        "form": form,
        "plan": plan,
        "plan_error": error,
        "problems": form.problems() if submitted else [],
        "saved_lists": selectors.saved_lists(territory=place, user=user) if user else [],
        "save_form": SaveListForm(initial={"liste": data.get("liste", "")}),
        "detour_factor": DETOUR_FACTOR,
        "walk_kmh": WALK_KMH,
        "plan_map": _map(plan, place) if plan and plan.stops else None,
        "cart_query": urlencode(
            {k: data.get(k, "") for k in ("liste", "postcode", "lat", "lon", "quand", "distance")}
        ),
    }
    if request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request"):
        return render(request, "planner/_plan.html", context)
    return render(request, "planner/plan.html", context)


@require_POST
def plan_to_cart(request: HttpRequest, territory: str) -> HttpResponse:
    """ "Tout mettre au panier": plan the list again (stock may have moved since the page
    was shown) and put it in the cart with pickup slots following the route."""
    place = _territory(territory)
    form = PlanForm(request.POST, territory=place)
    back = reverse("planner:plan", args=[place.slug])
    query = urlencode(
        {
            k: request.POST.get(k, "")
            for k in ("liste", "postcode", "lat", "lon", "quand", "distance")
        }
    )
    if not form.is_valid():
        for problem in form.problems():
            messages.error(request, problem)
        return redirect(f"{back}?{query}")
    plan, error = _plan_from(form, place)
    if plan is None:
        messages.error(request, error)
        return redirect(f"{back}?{query}")
    cart = cart_get_or_create(session=request.session, user=_user(request))
    try:
        pickups = services.plan_to_cart(cart=cart, plan=plan)
    except (CartError, PlanError) as failure:
        messages.error(request, failure.message)
        return redirect(f"{back}?{query}")
    now = timezone.now()
    slots = [
        slot_label(p.slot_start, p.slot_end, place.timezone, now)
        for p in pickups
        if p.slot_start is not None and p.slot_end is not None
    ]
    messages.success(
        request,
        _("%(count)d articles de votre liste sont dans le panier, en %(stops)d arrêts.")
        % {"count": plan.covered_count, "stops": len(plan.stops)}
        + (" " + _("Retraits : %(slots)s.") % {"slots": ", ".join(slots)} if slots else ""),
    )
    if plan.uncovered:
        messages.warning(
            request,
            _("Introuvable près de vous à ce moment : %(lines)s.")
            % {"lines": ", ".join(c.line.text for c in plan.uncovered)},
        )
    return redirect("cart:detail")


@login_required
@require_POST
def list_save(request: HttpRequest, territory: str) -> HttpResponse:
    place = _territory(territory)
    form = SaveListForm(request.POST)
    back = reverse("planner:plan", args=[place.slug])
    text = request.POST.get("liste", "")
    if not form.is_valid():
        for errors in form.errors.values():
            for problem in errors:
                messages.error(request, problem)
        return redirect(f"{back}?{urlencode({'liste': text})}" if text.strip() else back)
    try:
        saved = services.saved_list_save(
            territory=place,
            user=request.user,  # type: ignore[arg-type]
            name=form.cleaned_data["name"],
            text=form.cleaned_data["liste"],
        )
    except PlanError as error:
        messages.error(request, error.message)
        return redirect(f"{back}?{urlencode({'liste': text})}" if text.strip() else back)
    messages.success(request, _("Liste « %(name)s » enregistrée.") % {"name": saved.name})
    return redirect(f"{back}?{urlencode({'liste': saved.text})}")


@login_required
@require_POST
def list_delete(request: HttpRequest, territory: str, pk: int) -> HttpResponse:
    place = _territory(territory)
    if not services.saved_list_delete(territory=place, user=request.user, pk=pk):  # type: ignore[arg-type]
        raise Http404("unknown list")
    messages.success(request, _("Liste supprimée."))
    return redirect("planner:plan", place.slug)
