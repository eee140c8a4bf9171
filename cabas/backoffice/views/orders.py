"""The order board: what to accept, prepare and hand over, refreshed without reload."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cabas.orders.errors import TransitionError
from cabas.orders.models import OrderStatus
from cabas.orders.services import order_transition
from cabas.orders.transitions import Role, allowed_moves

from .. import selectors
from ..access import merchant_view
from ..forms import PickupCodeForm, RefuseForm
from ..selectors import MemberShop
from .common import is_htmx, render_shop

COLUMNS = [
    (OrderStatus.PLACED, gettext_lazy("À accepter")),
    (OrderStatus.ACCEPTED, gettext_lazy("À préparer")),
    (OrderStatus.READY, gettext_lazy("Prêtes, à remettre")),
    (OrderStatus.OUT_FOR_DELIVERY, gettext_lazy("En livraison")),
]
# Buttons of the board; collecting goes through the pickup code form.
BUTTONS = {
    OrderStatus.ACCEPTED: gettext_lazy("Accepter"),
    OrderStatus.READY: gettext_lazy("Marquer prête"),
    OrderStatus.OUT_FOR_DELIVERY: gettext_lazy("Partie en livraison"),
    OrderStatus.DELIVERED: gettext_lazy("Livrée"),
    OrderStatus.NO_SHOW: gettext_lazy("Client absent"),
}


def _board_context(member: MemberShop) -> dict:
    orders = selectors.shop_board_orders(member.shop)
    for order in orders:
        moves = allowed_moves(order.status, order.fulfilment_method, Role.SHOP)
        order.buttons = [(to, BUTTONS[to]) for to in moves if to in BUTTONS]  # type: ignore[attr-defined]
        order.can_refuse = OrderStatus.REFUSED in moves  # type: ignore[attr-defined]
    columns = [
        {"status": status, "title": title, "orders": [o for o in orders if o.status == status]}
        for status, title in COLUMNS
    ]
    placed = [order.pk for order in orders if order.status == OrderStatus.PLACED]
    return {
        "columns": columns,
        "placed_ids": " ".join(str(pk) for pk in placed),
        "placed_count": len(placed),
        "refuse_form": RefuseForm(),
        "pickup_form": PickupCodeForm(),
    }


def _board_redirect(member: MemberShop) -> HttpResponse:
    return redirect(
        "backoffice:orders", territory=member.shop.territory.slug, shop=member.shop.slug
    )


@merchant_view()
def board(request: HttpRequest, member: MemberShop) -> HttpResponse:
    htmx = is_htmx(request)
    template = "backoffice/_board.html" if htmx else "backoffice/orders.html"
    context = {**_board_context(member), "htmx": htmx}
    return render_shop(request, member, template, context, section="orders")


@merchant_view()
@require_POST
def order_move(request: HttpRequest, member: MemberShop, order_id: int) -> HttpResponse:
    order = selectors.shop_order(member.shop, order_id)
    if order is None:
        raise Http404("unknown order")
    to_status = request.POST.get("to", "")
    note = ""
    if to_status == OrderStatus.REFUSED:
        form = RefuseForm(request.POST)
        if not form.is_valid():
            messages.error(
                request, _("Commande %(pk)s : indiquez le motif du refus.") % {"pk": order.pk}
            )
            return _board_redirect(member)
        note = form.cleaned_data["reason"]
    elif to_status not in BUTTONS:
        messages.error(request, _("Action inconnue."))
        return _board_redirect(member)
    try:
        order_transition(
            order_id=order.pk,
            to_status=to_status,
            role=Role.SHOP,
            actor_id=request.user.pk,
            shop_id=member.shop.pk,
            note=note,
        )
    except TransitionError as error:
        messages.error(
            request, _("Commande %(pk)s : %(message)s") % {"pk": order.pk, "message": error.message}
        )
    else:
        messages.success(
            request,
            _("Commande %(pk)s : %(value)s.")
            % {"pk": order.pk, "value": OrderStatus(to_status).label},
        )
    if is_htmx(request):
        context = {**_board_context(member), "htmx": True}
        return render_shop(request, member, "backoffice/_board.html", context)
    return _board_redirect(member)


@merchant_view()
@require_POST
def order_pickup(request: HttpRequest, member: MemberShop) -> HttpResponse:
    """Hand over an order: the shopper shows its code (or QR code); the order is collected."""
    form = PickupCodeForm(request.POST)
    if form.is_valid():
        order = selectors.shop_order_by_pickup_code(member.shop, form.cleaned_data["code"])
        if order is None:
            messages.error(
                request,
                _(
                    "Aucune commande prête avec le code « %(code)s » : vérifiez le code, ou"
                    " que la commande est marquée prête."
                )
                % {"code": form.cleaned_data["code"]},
            )
        else:
            try:
                order_transition(
                    order_id=order.pk,
                    to_status=OrderStatus.COLLECTED,
                    role=Role.SHOP,
                    actor_id=request.user.pk,
                    shop_id=member.shop.pk,
                    note=_("code de retrait vérifié"),
                )
            except TransitionError as error:
                messages.error(
                    request,
                    _("Commande %(pk)s : %(message)s") % {"pk": order.pk, "message": error.message},
                )
            else:
                messages.success(request, _("Commande %(pk)s remise au client.") % {"pk": order.pk})
    else:
        messages.error(request, _("Tapez ou scannez le code de retrait."))
    return _board_redirect(member)


@merchant_view()
def picking_list(request: HttpRequest, member: MemberShop) -> HttpResponse:
    orders = [
        order
        for order in selectors.shop_board_orders(member.shop)
        if order.status == OrderStatus.ACCEPTED
    ]
    return render_shop(
        request,
        member,
        "backoffice/picking_list.html",
        {"lines": selectors.shop_picking_list(member.shop), "orders": orders},
        section="orders",
    )
