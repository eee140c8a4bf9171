"""Shopper pages: follow a shop, my shops and their news, alerts, email preferences,
one-click unsubscribe, and the installable app (manifest, icons, service worker,
offline page). Thin: parse, check, call one service, render."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cabas.api.errors import error_response
from cabas.fulfilment.wording import slot_label
from cabas.territories.models import Territory
from cabas.territories.selectors import territory_by_slug

from . import pwa, selectors, services
from .errors import HabitError
from .forms import AlertForm, PreferencesForm
from .tokens import PURPOSES, unsubscribe_read
from .vapid import vapid_config


def _territory(slug: str) -> Territory:
    territory = territory_by_slug(slug)
    if territory is None:
        raise Http404("unknown territory")
    return territory


def _back(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# -- follows -----------------------------------------------------------------------------


@require_POST
@login_required
def follow(request: HttpRequest, territory: str, shop: str) -> HttpResponse:
    place = _territory(territory)
    # A suspended shop is not public, but following it must answer clearly, not 404.
    found = place.shops.filter(slug=shop).first()
    if found is None:
        raise Http404("unknown shop")
    shop_url = reverse("web:shop_detail", args=[place.slug, found.slug])
    status = 200
    if request.POST.get("action") == "unfollow":
        services.shop_unfollow(user=request.user, shop=found)  # type: ignore[arg-type]
        message = _("Vous ne suivez plus %(shop)s.") % {"shop": found.name}
        level = messages.SUCCESS
    else:
        try:
            services.shop_follow(user=request.user, shop=found)  # type: ignore[arg-type]
        except HabitError as error:
            message, level, status = error.message, messages.ERROR, 409
        else:
            message = _("Vous suivez %(shop)s : ses actualités arrivent sur votre accueil.") % {
                "shop": found.name
            }
            level = messages.SUCCESS
    if _is_htmx(request):
        state = selectors.follow_state(user_id=request.user.pk, shop=found)
        return render(
            request,
            "habits/_follow_button.html",
            {
                "shop": found,
                "territory": place,
                "signed_in": True,
                "following": state.following,
                "followers": state.followers,
                "follow_message": message,
                "follow_error": level == messages.ERROR,
                "next_url": shop_url,
            },
            status=status,
        )
    messages.add_message(request, level, message)
    return redirect(_back(request, shop_url))


@require_safe
@login_required
@never_cache
def my_shops(request: HttpRequest, territory: str) -> HttpResponse:
    place = _territory(territory)
    user_id = request.user.pk
    return render(
        request,
        "habits/my_shops.html",
        {
            "territory": place,
            "shops": list(selectors.followed_shops(user_id=user_id, territory=place)),
            "feed": selectors.follower_feed(user_id=user_id, territory=place, limit=30),
        },
    )


# -- alerts and preferences --------------------------------------------------------------


def _alerts_page(
    request: HttpRequest,
    place: Territory,
    *,
    form: AlertForm | None = None,
    prefs_form: PreferencesForm | None = None,
    status: int = 200,
) -> HttpResponse:
    prefs = selectors.preferences_for(user_id=request.user.pk, territory=place)
    return render(
        request,
        "habits/alerts.html",
        {
            "territory": place,
            "alerts": selectors.user_alerts(user_id=request.user.pk, territory=place),
            "push_public_key": config.public_key if (config := vapid_config()) else "",
            "form": form or AlertForm(territory=place),
            "prefs_form": prefs_form
            or PreferencesForm(
                initial={
                    "alert_emails": prefs.alert_emails,
                    "alert_every_match": prefs.alert_every_match,
                    "digest_enabled": prefs.digest_enabled,
                    "digest_weekday": prefs.digest_weekday,
                }
            ),
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@never_cache
def alerts(request: HttpRequest, territory: str) -> HttpResponse:
    place = _territory(territory)
    if request.method != "POST":
        return _alerts_page(request, place)
    form = AlertForm(request.POST, territory=place)
    if not form.is_valid():
        return _alerts_page(request, place, form=form, status=400)
    try:
        if form.cleaned_data.get("product"):
            alert = services.alert_for_product(
                user=request.user,  # type: ignore[arg-type]
                territory=place,
                product_id=form.cleaned_data["product"],
                place=form.place(),
            )
            label = alert.product.name if alert.product else ""
        else:
            alert = services.alert_for_search(
                user=request.user,  # type: ignore[arg-type]
                territory=place,
                query=form.cleaned_data["q"],
                place=form.place(),
            )
            label = alert.query
    except HabitError as error:
        form.add_error(None, error.message)
        return _alerts_page(request, place, form=form, status=400)
    messages.success(
        request,
        _("Alerte enregistrée : nous vous écrirons quand « %(what)s » sera disponible.")
        % {"what": label},
    )
    return redirect(_back(request, reverse("habits:alerts", args=[place.slug])))


@require_POST
@login_required
def alert_stop(request: HttpRequest, territory: str, alert_id: int) -> HttpResponse:
    place = _territory(territory)
    try:
        services.alert_stop(user=request.user, territory=place, alert_id=alert_id)  # type: ignore[arg-type]
    except HabitError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Alerte arrêtée."))
    return redirect("habits:alerts", territory=place.slug)


@require_POST
@login_required
def preferences(request: HttpRequest, territory: str) -> HttpResponse:
    place = _territory(territory)
    form = PreferencesForm(request.POST)
    if not form.is_valid():
        return _alerts_page(request, place, prefs_form=form, status=400)
    services.preferences_update(user=request.user, territory=place, **form.cleaned_data)  # type: ignore[arg-type]
    messages.success(request, _("Vos préférences d'e-mails sont enregistrées."))
    return redirect("habits:alerts", territory=place.slug)


# -- web push -----------------------------------------------------------------------------

PUSH_BODY_MAX_BYTES = 4096


def _push_input(request: HttpRequest) -> dict[str, str]:
    """The browser's ``PushSubscription.toJSON()`` as JSON, or the same as form fields."""
    if request.content_type == "application/json":
        if len(request.body) > PUSH_BODY_MAX_BYTES:
            raise HabitError("push_body_invalid", _("La demande est trop longue."))
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise HabitError(
                "push_body_invalid", _("La demande n'est pas du JSON valide.")
            ) from None
        if not isinstance(data, dict):
            raise HabitError("push_body_invalid", _("La demande n'est pas du JSON valide."))
        keys = data.get("keys")
        if not isinstance(keys, dict):
            keys = {}
        values = {"endpoint": data.get("endpoint"), **{k: keys.get(k) for k in ("p256dh", "auth")}}
    else:
        values = {name: request.POST.get(name) for name in ("endpoint", "p256dh", "auth")}
    return {name: value if isinstance(value, str) else "" for name, value in values.items()}


def _push_error(error: HabitError, status: int = 400) -> JsonResponse:
    return error_response(error.code, error.message, status, {"field": error.field or None})


def _signed_in_or_401(request: HttpRequest) -> JsonResponse | None:
    if request.user.is_authenticated:
        return None
    return error_response(
        "not_authenticated", _("Connectez-vous pour recevoir des notifications."), 401
    )


@require_POST
def push_subscribe(request: HttpRequest, territory: str) -> HttpResponse:
    """Called by ``habits/push.js`` (CSRF token in the header) once the browser subscribed."""
    place = _territory(territory)
    if refused := _signed_in_or_401(request):
        return refused
    try:
        data = _push_input(request)
        services.push_subscribe(
            user=request.user,  # type: ignore[arg-type]
            territory=place,
            endpoint=data["endpoint"],
            p256dh=data["p256dh"],
            auth=data["auth"],
            user_agent=request.headers.get("User-Agent", ""),
        )
    except HabitError as error:
        return _push_error(error, 404 if error.code == "push_unavailable" else 400)
    return JsonResponse(
        {
            "subscribed": True,
            "message": _("Notifications activées sur cet appareil."),
        },
        status=201,
    )


@require_POST
def push_unsubscribe(request: HttpRequest, territory: str) -> HttpResponse:
    place = _territory(territory)
    if refused := _signed_in_or_401(request):
        return refused
    try:
        data = _push_input(request)
    except HabitError as error:
        return _push_error(error)
    remaining = services.push_unsubscribe(
        user=request.user,  # type: ignore[arg-type]
        territory=place,
        endpoint=data["endpoint"],
    )
    return JsonResponse(
        {
            "subscribed": False,
            "elsewhere": remaining,
            "message": _("Notifications désactivées sur cet appareil."),
        }
    )


@csrf_exempt  # one-click unsubscribe (RFC 8058): the mail client posts without a session
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def unsubscribe(request: HttpRequest, territory: str, purpose: str, token: str) -> HttpResponse:
    place = _territory(territory)
    if purpose not in PURPOSES:
        raise Http404("unknown purpose")
    context = {"territory": place, "purpose": purpose}
    if request.method != "POST":
        # A GET changes nothing: link scanners open links; the page asks to confirm.
        valid = unsubscribe_read(purpose=purpose, token=token)
        return render(
            request,
            "habits/unsubscribe.html",
            {**context, "valid": valid is not None and valid.territory_id == place.pk},
            status=200 if valid is not None else 400,
        )
    try:
        services.unsubscribe_apply(territory=place, purpose=purpose, token=token)
    except HabitError as error:
        return render(
            request,
            "habits/unsubscribe.html",
            {**context, "valid": False, "error": error.message},
            status=400,
        )
    return render(request, "habits/unsubscribe.html", {**context, "done": True})


# -- installable app -----------------------------------------------------------------------


@require_safe
@cache_control(public=True, max_age=3600)
def manifest(request: HttpRequest, territory: str) -> HttpResponse:
    place = _territory(territory)
    return HttpResponse(
        pwa.manifest_json(place, language=translation.get_language() or "fr"),
        content_type="application/manifest+json",
    )


@require_safe
@cache_control(public=True, max_age=86400)
def icon(request: HttpRequest, territory: str, purpose: str, size: int) -> HttpResponse:
    place = _territory(territory)
    if size not in pwa.ICON_SIZES or purpose not in ("any", "maskable"):
        raise Http404("unknown icon")
    data = pwa.icon_png(pwa.theme_colour(place), size, purpose == "maskable")
    return HttpResponse(data, content_type="image/png")


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    shell = pwa.shell_urls()
    body = render_to_string(
        "habits/sw.js",
        {
            "version": pwa.service_worker_version(shell),
            "shell": shell,
            "static_prefix": static(""),
        },
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    # The browser checks for a new worker on each visit; never serve it stale.
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
@never_cache
def offline(request: HttpRequest, territory: str) -> HttpResponse:
    """The page the service worker shows without network: the shopper's next pickups and
    their codes, as they were when last online."""
    place = _territory(territory)
    now = timezone.now()
    pickups = []
    if request.user.is_authenticated:
        for order in selectors.upcoming_pickups(user_id=request.user.pk, territory=place, now=now):
            pickups.append(
                {
                    "order": order,
                    "slot": slot_label(order.slot_start, order.slot_end, place.timezone, now),
                }
            )
    return render(
        request,
        "habits/offline.html",
        {
            "territory": place,
            "pickups": pickups,
            "updated": selectors.now_local(place, now),
            "shops_url": reverse("web:shop_list", args=[place.slug]),
        },
    )
