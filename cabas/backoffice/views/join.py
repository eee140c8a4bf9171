"""The merchant's home, joining (claim an existing shop or create one), invitations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from cabas.shops.models import Shop
from cabas.territories.models import Territory
from cabas.territories.selectors import active_territories, territory_by_slug

from .. import selectors, services
from ..errors import JoinError, TeamError
from ..forms import ClaimForm, ClaimSearchForm, CreateShopForm
from ..team import services as team_services


@never_cache
def dashboard(request: HttpRequest) -> HttpResponse:
    """A merchant's shops; to a visitor, how to join (sign up, then find or create the shop)."""
    if not request.user.is_authenticated:
        join_next = urlencode({"next": reverse("backoffice:join")})
        home_next = urlencode({"next": reverse("backoffice:dashboard")})
        return render(
            request,
            "backoffice/welcome.html",
            {
                "signup_url": f"{reverse('accounts:signup')}?{join_next}",
                "login_url": f"{reverse('accounts:login')}?{home_next}",
            },
        )
    shops = list(selectors.shops_for_user(request.user))  # type: ignore[arg-type]
    return render(
        request,
        "backoffice/dashboard.html",
        {
            "shops": shops,
            "pending": list(selectors.pending_join_requests(request.user)),  # type: ignore[arg-type]
        },
    )


def _territory(slug: str) -> Territory:
    territory = territory_by_slug(slug)
    if territory is None:
        raise Http404("unknown territory")
    return territory


@never_cache
@login_required
def join(request: HttpRequest) -> HttpResponse:
    """Pick a territory, then find your shop in it or create it."""
    territories = list(active_territories())
    if len(territories) == 1:
        return redirect("backoffice:join_territory", territory=territories[0].slug)
    return render(request, "backoffice/join.html", {"territories": territories})


@never_cache
@login_required
def join_territory(request: HttpRequest, territory: str) -> HttpResponse:
    place = _territory(territory)
    form = ClaimSearchForm(request.GET or None)
    results = []
    if form.is_valid():
        results = selectors.claimable_shops(place, form.cleaned_data["q"])
    return render(
        request,
        "backoffice/join_territory.html",
        {"place": place, "form": form, "results": results, "searched": bool(request.GET.get("q"))},
    )


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def join_claim(request: HttpRequest, territory: str, shop: str) -> HttpResponse:
    place = _territory(territory)
    target = Shop.objects.filter(territory=place, slug=shop).first()
    if target is None:
        raise Http404("unknown shop")
    form = ClaimForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.join_claim(
                user=request.user,  # type: ignore[arg-type]
                shop=target,
                message=form.cleaned_data["message"],
            )
        except JoinError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _(
                    "Votre demande pour « %(name)s » est envoyée au territoire : vous aurez"
                    " accès à son espace dès qu'elle sera validée."
                )
                % {"name": target.name},
            )
            return redirect("backoffice:dashboard")
    return render(
        request, "backoffice/join_claim.html", {"place": place, "target": target, "form": form}
    )


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def join_create(request: HttpRequest, territory: str) -> HttpResponse:
    place = _territory(territory)
    form = CreateShopForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            shop = services.join_create(
                user=request.user,  # type: ignore[arg-type]
                territory=place,
                data=services.NewShop(
                    name=data["name"],
                    category_id=data["category"].pk if data["category"] else None,
                    address=data["address"],
                    postcode=data["postcode"],
                    city=data["city"],
                    phone=data["phone"],
                ),
                message=data["message"],
            )
        except JoinError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request,
                _(
                    "Votre commerce est créé. Complétez sa vitrine (horaires, services) "
                    "pendant que le territoire le valide."
                ),
            )
            return redirect("backoffice:shop_home", territory=place.slug, shop=shop.slug)
    return render(request, "backoffice/join_create.html", {"place": place, "form": form})


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        try:
            membership = team_services.team_accept(raw_token=token, user=request.user)  # type: ignore[arg-type]
        except TeamError as error:
            return render(
                request, "backoffice/invitation.html", {"error": error.message}, status=400
            )
        messages.success(
            request, _("Bienvenue dans l'équipe de %(name)s.") % {"name": membership.shop.name}
        )
        return redirect(
            "backoffice:shop_home",
            territory=membership.shop.territory.slug,
            shop=membership.shop.slug,
        )
    return render(
        request,
        "backoffice/invitation.html",
        {"action": reverse("backoffice:invitation_accept", args=[token])},
    )
