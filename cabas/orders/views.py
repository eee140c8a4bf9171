"""Checkout and the shopper's orders: thin views over order services."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cabas.cart.errors import CartError
from cabas.cart.selectors import cart_summary
from cabas.cart.services import cart_get, cart_get_or_create, cart_reorder
from cabas.fulfilment.errors import FulfilmentError
from cabas.loyalty.selectors import loyalty_active, points_balance

from .access import remember_checkout, session_checkout_ids
from .errors import CheckoutError, OrderError
from .forms import CheckoutForm
from .models import Order
from .requests import (
    CheckoutRequest,
    LineRequest,
    TenderRequest,
    parse_loyalty_points,
    parse_tender_amount,
)
from .selectors import checkout_by_token, checkout_orders, pickup_qr_svg, shopper_orders
from .services import checkout_place, order_transition
from .transitions import Role, allowed_moves

# Errors after which the shopper must look at the cart again.
BACK_TO_CART = {
    "cart_stale",
    "cart_empty",
    "price_changed",
    "out_of_stock",
    "offer_unavailable",
    "offer_not_found",
    "shop_unavailable",
    "slot_full",
    "slot_in_past",
    "slot_closed",
    "slot_too_soon",
    "no_slot_available",
    "delivery_address_required",
    "delivery_out_of_zone",
    "delivery_below_minimum",
}


def _user(request: HttpRequest):
    return request.user if request.user.is_authenticated else None


def _posted_lines(request: HttpRequest) -> tuple[LineRequest, ...]:
    """The lines as the page showed them: ``line-<offer>`` quantity, ``price-<offer>`` price."""
    lines = []
    for key, value in request.POST.items():
        if not key.startswith("line-"):
            continue
        offer_id = key.removeprefix("line-")
        price = request.POST.get(f"price-{offer_id}", "")
        if not (offer_id.isdigit() and value.isdigit() and price.isdigit()):
            raise CheckoutError("lines_invalid", _("Le formulaire de commande est illisible."))
        lines.append(LineRequest(int(offer_id), int(value), int(price)))
    return tuple(lines)


def _posted_tenders(data: dict) -> tuple[TenderRequest, ...]:
    """The codes typed on the page, each with its amount (empty = as much as useful)."""
    return tuple(
        TenderRequest(data[f"code_{slot}"].strip(), parse_tender_amount(data[f"amount_{slot}"]))
        for slot in CheckoutForm.TENDER_SLOTS
        if data[f"code_{slot}"].strip()
    )


def _loyalty_context(user, territory) -> dict:
    settings = loyalty_active(territory) if territory is not None and user is not None else None
    if settings is None:
        return {}
    return {
        "loyalty": settings,
        "loyalty_points": points_balance(territory, user.pk),
    }


def checkout(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    cart = cart_get(session=request.session, user=user)
    summary = cart_summary(cart)
    # A second click on "Confirmer" finds the cart emptied by the first: it still
    # goes to the service, which answers with the same checkout.
    if summary.is_empty and request.method != "POST":
        messages.info(request, _("Votre panier est vide."))
        return redirect("cart:detail")
    form = CheckoutForm(request.POST or None, guest=user is None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = checkout_place(
                request=CheckoutRequest(
                    idempotency_key=data["idempotency_key"],
                    user_id=user.pk if user else None,
                    email=data["email"],
                    phone=data["phone"],
                    name=data["name"],
                    lines=_posted_lines(request),
                    payment_method=data["payment_method"],
                    cart_version=data["cart_version"],
                    tenders=_posted_tenders(data),
                    loyalty_points=parse_loyalty_points(data["loyalty_points"]),
                ),
                cart=cart,
            )
        except (CartError, FulfilmentError, OrderError) as error:
            messages.error(request, error.message)
            if error.code in BACK_TO_CART:
                return redirect("cart:detail")
        else:
            remember_checkout(request.session, result.checkout.pk)
            if result.checkout.payment_status == "pending":
                # Committed: now (and only now) off to the payment provider.
                from cabas.payments.views import checkout_payment_redirect

                return checkout_payment_redirect(request, result.checkout)
            return redirect("orders:guest_checkout", token=result.checkout.access_token)
    return render(
        request,
        "orders/checkout.html",
        {
            "form": form,
            "summary": summary,
            "territory": cart.territory if cart else None,
            **_loyalty_context(user, cart.territory if cart else None),
        },
    )


def guest_checkout(request: HttpRequest, token: str) -> HttpResponse:
    """Confirmation page, and the link in the emails: the checkout's orders by token."""
    found = checkout_by_token(token)
    if found is None:
        raise Http404
    remember_checkout(request.session, found.pk)
    orders = checkout_orders(found)
    return render(
        request,
        "orders/confirmation.html",
        {
            "checkout": found,
            "orders": [(order, pickup_qr_svg(order)) for order in orders],
            "territory": found.territory,
        },
    )


def my_orders(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    orders = shopper_orders(
        user_id=user.pk if user else None, checkout_ids=session_checkout_ids(request.session)
    )[:100]
    return render(request, "orders/list.html", {"orders": orders})


def _my_order(request: HttpRequest, order_id: int) -> Order:
    user = _user(request)
    order = (
        shopper_orders(
            user_id=user.pk if user else None, checkout_ids=session_checkout_ids(request.session)
        )
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        raise Http404
    return order


def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _my_order(request, order_id)
    return render(
        request,
        "orders/detail.html",
        {
            "order": order,
            "qr": pickup_qr_svg(order),
            "can_cancel": "cancelled_by_shopper"
            in allowed_moves(order.status, order.fulfilment_method, Role.SHOPPER),
            "territory": order.shop.territory,
        },
    )


@require_POST
def order_cancel(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _my_order(request, order_id)
    user = _user(request)
    try:
        order_transition(
            order_id=order.pk,
            to_status="cancelled_by_shopper",
            role=Role.SHOPPER,
            actor_id=user.pk if user else None,
        )
    except OrderError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Votre commande est annulée."))
    return redirect("orders:detail", order_id=order.pk)


@require_POST
def order_reorder(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _my_order(request, order_id)
    cart = cart_get_or_create(session=request.session, user=_user(request))
    try:
        skipped = cart_reorder(
            cart=cart,
            order_lines=[(ln.offer_id, ln.quantity, ln.product_name) for ln in order.lines.all()],
        )
    except CartError as error:
        messages.error(request, error.message)
    else:
        for message in skipped:
            messages.warning(request, message)
        messages.success(request, _("Les articles de la commande sont dans votre panier."))
    return redirect("cart:detail")
