"""Cart pages: thin views over cart services; every message in French."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cabas.fulfilment.calendars import parse_slot_start
from cabas.fulfilment.errors import FulfilmentError

from .errors import CartError
from .selectors import cart_item_count, cart_line, cart_summary
from .services import (
    cart_choose_fulfilment,
    cart_get,
    cart_get_or_create,
    cart_line_remove,
    cart_lines_update,
    cart_refresh,
    cart_set_delivery_address,
)
from .validation import parse_offer_id


def _user(request: HttpRequest):
    return request.user if request.user.is_authenticated else None


def _back(request: HttpRequest) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return redirect("cart:detail")


def cart_detail(request: HttpRequest) -> HttpResponse:
    cart = cart_get(session=request.session, user=_user(request))
    if cart is not None:
        for change in cart_refresh(cart=cart):
            messages.warning(request, change.message)
    summary = cart_summary(cart)
    territory = cart.territory if cart is not None else None
    return render(request, "cart/detail.html", {"summary": summary, "territory": territory})


@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    """Add an offer; back to the page it was on, or (htmx) its message and the new count.

    The htmx answer is a 200 even when the offer cannot be added: its message is the
    answer. ``HX-Trigger: cartChanged`` carries the count for any script listening.
    """
    cart = cart_get_or_create(session=request.session, user=_user(request))
    offer_id = request.POST.get("offer_id")
    try:
        cart_lines_update(
            cart=cart,
            lines=[{"offer_id": offer_id, "quantity": request.POST.get("quantity", "1")}],
            replace=False,
        )
    except CartError as error:
        messages.error(request, error.message)
    else:
        line = cart_line(cart, parse_offer_id(offer_id))
        if line is None:  # emptied meanwhile by another tab's checkout
            messages.success(request, _("Article ajouté au panier."), extra_tags="cart")
        else:
            messages.success(
                request,
                _("« %(name)s » est dans votre panier (quantité : %(quantity)d).")
                % {"name": line.offer.product.name, "quantity": line.quantity},
                extra_tags="cart",
            )
    if not request.headers.get("HX-Request"):
        return _back(request)
    count = cart_item_count(session=request.session, user=_user(request))
    response = render(request, "cart/_added.html", {"count": count})
    response["HX-Trigger"] = json.dumps({"cartChanged": {"count": count}})
    return response


@require_POST
def cart_line_update(request: HttpRequest, offer_id: int) -> HttpResponse:
    cart = cart_get(session=request.session, user=_user(request))
    if cart is None:
        return redirect("cart:detail")
    if "remove" in request.POST:
        cart_line_remove(cart=cart, offer_id=offer_id)
        messages.success(request, _("Article retiré du panier."))
        return redirect("cart:detail")
    current = [
        {"offer_id": line.offer_id, "quantity": line.quantity}
        for line in cart.lines.exclude(offer_id=offer_id)
    ]
    try:
        cart_lines_update(
            cart=cart,
            lines=[*current, {"offer_id": offer_id, "quantity": request.POST.get("quantity")}],
            replace=True,
        )
    except CartError as error:
        messages.error(request, error.message)
    return redirect("cart:detail")


@require_POST
def cart_fulfilment(request: HttpRequest, shop_id: int) -> HttpResponse:
    cart = cart_get(session=request.session, user=_user(request))
    if cart is None:
        return redirect("cart:detail")
    try:
        if "postcode" in request.POST:
            cart_set_delivery_address(
                cart=cart,
                address=request.POST.get("address", ""),
                postcode=request.POST.get("postcode", ""),
            )
        cart_choose_fulfilment(
            cart=cart,
            shop_id=shop_id,
            option=request.POST.get("option", ""),
            slot_start=parse_slot_start(request.POST.get("slot", "")),
        )
    except (CartError, FulfilmentError) as error:
        messages.error(request, error.message)
    return HttpResponseRedirect(reverse("cart:detail") + f"#commerce-{shop_id}")
