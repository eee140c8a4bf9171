"""``/api/v1/checkout`` and the shopper's ``/api/v1/orders``.

``POST /checkout`` needs an ``Idempotency-Key`` header (8–255 of ``A-Za-z0-9._:-``):
the same key with the same body answers the same checkout (``Idempotent-Replayed:
true``), with another body a ``409 idempotency_conflict``. Without ``lines`` the
session's cart is checked out; a shop without a ``fulfilment`` entry gets its
earliest free slot. A guest gives ``email`` and ``phone``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Header, Router, Schema, Status
from pydantic import ConfigDict

from cabas.api.errors import NotFound
from cabas.api.pagination import paginated
from cabas.api.schemas import errors
from cabas.cart.api import api_error, require_csrf_for_session_user
from cabas.cart.errors import CartError
from cabas.cart.services import cart_get
from cabas.cart.validation import parse_offer_id, parse_quantity
from cabas.fulfilment.calendars import parse_slot_start
from cabas.fulfilment.errors import FulfilmentError
from cabas.fulfilment.wording import slot_label

from .access import remember_checkout, session_checkout_ids
from .errors import OrderError
from .models import Checkout, Order
from .requests import (
    CheckoutRequest,
    LineRequest,
    ShopChoiceRequest,
    TenderRequest,
    parse_loyalty_points,
    parse_tender_amount_cents,
)
from .selectors import checkout_by_token, checkout_orders, shopper_orders
from .services import checkout_place, order_transition
from .transitions import Role

router = Router(tags=["checkout"])


class CheckoutLineIn(Schema):
    offer_id: Any
    quantity: Any
    price_cents: Any = Field(
        None, description="Prix attendu ; s'il a changé, 409 price_changed / expected price"
    )


class CheckoutChoiceIn(Schema):
    shop: str
    option: str | None = None
    slot: str | None = None


class CheckoutTenderIn(Schema):
    code: Any = Field(..., description="Code du chèque ou de la carte cadeau / voucher code")
    amount_cents: Any = Field(
        None, description="Montant à utiliser ; vide = autant qu'utile / empty = as much as useful"
    )


class CheckoutIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "email": "claire@example.org",
                    "phone": "06 12 34 56 78",
                    "name": "Claire",
                    "lines": [{"offer_id": 42, "quantity": 2, "price_cents": 450}],
                    "fulfilment": [{"shop": "fromagerie-des-alpes", "option": "pickup"}],
                    "payment_method": "on_pickup",
                }
            ]
        }
    )

    email: str | None = None
    phone: str | None = None
    name: str | None = None
    lines: list[CheckoutLineIn] | None = Field(
        None, description="Sans lignes, le panier de la session / without lines, the cart"
    )
    fulfilment: list[CheckoutChoiceIn] = Field(default_factory=list)
    delivery_address: str | None = None
    delivery_postcode: str | None = None
    payment_method: str | None = Field(None, description="on_fulfilment | on_pickup | on_delivery")
    cart_version: str | None = None
    tenders: list[CheckoutTenderIn] = Field(
        default_factory=list, description="Chèques et cartes cadeaux / vouchers and gift cards"
    )
    loyalty_points: Any = Field(None, description="Points de fidélité à utiliser / points")


class OrderSlotOut(Schema):
    start: dt.datetime
    end: dt.datetime
    label: str


class OrderShopOut(Schema):
    slug: str
    name: str


class OrderSummaryOut(Schema):
    id: int
    shop: OrderShopOut
    status: str
    total_cents: int
    tendered_cents: int
    due_cents: int
    slot: OrderSlotOut


class TenderOut(Schema):
    kind: str
    amount_cents: int
    points: int
    code_end: str
    refunded: bool


class CheckoutOut(Schema):
    checkout_id: int
    access_token: str
    total_cents: int
    tendered_cents: int
    due_cents: int
    payment_status: str
    currency: str
    orders: list[OrderSummaryOut]


class OrderLineOut(Schema):
    offer_id: int | None
    name: str
    sku: str
    quantity: int
    unit_price_cents: int
    line_total_cents: int


class OrderEventOut(Schema):
    at: dt.datetime
    from_status: str
    to_status: str
    by: str


class OrderOut(OrderSummaryOut):
    checkout_id: int
    status_label: str
    fulfilment_method: str
    collection_point: str | None
    delivery_address: str
    subtotal_cents: int
    delivery_fee_cents: int
    currency: str
    payment_method: str
    pickup_code: str
    created_at: dt.datetime
    lines: list[OrderLineOut]
    tenders: list[TenderOut]
    events: list[OrderEventOut]


def _slot(order: Order) -> dict[str, Any]:
    tz = order.shop.territory.timezone
    zone = ZoneInfo(tz)
    return {
        "start": order.slot_start.astimezone(zone),
        "end": order.slot_end.astimezone(zone),
        "label": slot_label(order.slot_start, order.slot_end, tz, timezone.now()),
    }


def order_summary_out(order: Order) -> dict[str, Any]:
    return {
        "id": order.pk,
        "shop": {"slug": order.shop.slug, "name": order.shop.name},
        "status": order.status,
        "total_cents": order.total_cents,
        "tendered_cents": order.tendered_cents,
        "due_cents": order.due_cents,
        "slot": _slot(order),
    }


def checkout_out(checkout: Checkout, orders: list[Order] | None = None) -> dict[str, Any]:
    if orders is None:
        orders = checkout_orders(checkout)
    return {
        "checkout_id": checkout.pk,
        "access_token": checkout.access_token,
        "total_cents": checkout.total_cents,
        "tendered_cents": sum(order.tendered_cents for order in orders),
        "due_cents": sum(order.due_cents for order in orders),
        "payment_status": checkout.payment_status,
        "currency": checkout.currency,
        "orders": [order_summary_out(order) for order in orders],
    }


def order_out(order: Order) -> dict[str, Any]:
    tz = ZoneInfo(order.shop.territory.timezone)
    return {
        **order_summary_out(order),
        "checkout_id": order.checkout_id,
        "status_label": order.get_status_display(),
        "fulfilment_method": order.fulfilment_method,
        "collection_point": order.collection_point.name if order.collection_point else None,
        "delivery_address": f"{order.delivery_address} {order.delivery_postcode}".strip(),
        "subtotal_cents": order.subtotal_cents,
        "delivery_fee_cents": order.delivery_fee_cents,
        "currency": order.currency,
        "payment_method": order.payment_method,
        "pickup_code": order.pickup_code,
        "created_at": order.created_at.astimezone(tz),
        "lines": [
            {
                "offer_id": line.offer_id,
                "name": line.product_name,
                "sku": line.sku,
                "quantity": line.quantity,
                "unit_price_cents": line.unit_price_cents,
                "line_total_cents": line.line_total_cents,
            }
            for line in order.lines.all()
        ],
        "tenders": [
            {
                "kind": tender.kind,
                "amount_cents": tender.amount_cents,
                "points": tender.points,
                "code_end": tender.code_last4,
                "refunded": tender.refund_transaction_id is not None,
            }
            for tender in order.tenders.all()
        ],
        "events": [
            {
                "at": event.created_at.astimezone(tz),
                "from_status": event.from_status,
                "to_status": event.to_status,
                "by": event.actor_role,
            }
            for event in order.events.all()
        ],
    }


def _user_id(request: HttpRequest) -> int | None:
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


def checkout_request_from(payload: CheckoutIn, *, key: str, user_id: int | None) -> CheckoutRequest:
    """The API body as a validated domain request; bad values raise specific errors."""
    lines = None
    if payload.lines is not None:
        parsed = []
        for raw in payload.lines:
            offer_id = parse_offer_id(raw.offer_id)
            quantity = parse_quantity(raw.quantity, offer_id=offer_id)
            price = raw.price_cents
            if price is not None and (
                isinstance(price, bool) or not isinstance(price, int) or price < 0
            ):
                raise CartError(
                    "price_invalid",
                    _("Le prix attendu doit être un nombre entier de centimes."),
                    {"offer_id": offer_id},
                )
            parsed.append(LineRequest(offer_id, quantity, price))
        lines = tuple(parsed)
    return CheckoutRequest(
        idempotency_key=key,
        user_id=user_id,
        email=(payload.email or "").strip(),
        phone=(payload.phone or "").strip(),
        name=(payload.name or "").strip(),
        lines=lines,
        choices=tuple(
            ShopChoiceRequest(
                shop=choice.shop,
                option=choice.option or None,
                slot_start=parse_slot_start(choice.slot),
            )
            for choice in payload.fulfilment
        ),
        delivery_address=(payload.delivery_address or "").strip(),
        delivery_postcode=(payload.delivery_postcode or "").strip(),
        payment_method=(payload.payment_method or "").strip(),
        cart_version=(payload.cart_version or "").strip(),
        tenders=tuple(
            TenderRequest(
                code=raw.code if isinstance(raw.code, str) else "",
                amount_cents=parse_tender_amount_cents(raw.amount_cents),
            )
            for raw in payload.tenders
        ),
        loyalty_points=parse_loyalty_points(payload.loyalty_points),
    )


@router.post(
    "/checkout",
    response={201: CheckoutOut, **errors(401, 403, 404, 409, 502)},
    summary="Valider le panier / place the orders",
    url_name="checkout",
)
def checkout_view(
    request: HttpRequest,
    response: HttpResponse,
    payload: CheckoutIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
) -> Status:
    require_csrf_for_session_user(request)
    user_id = _user_id(request)
    try:
        checkout_request = checkout_request_from(
            payload, key=idempotency_key or "", user_id=user_id
        )
        cart = (
            cart_get(session=request.session, user=request.user) if payload.lines is None else None
        )
        result = checkout_place(request=checkout_request, cart=cart)
    except (CartError, FulfilmentError, OrderError) as error:
        raise api_error(error) from error
    if request.session.session_key:
        # A browser: its session may show the guest's orders. A stateless client
        # keeps the access_token instead (no session row per API call).
        remember_checkout(request.session, result.checkout.pk)
    if result.replayed:
        response["Idempotent-Replayed"] = "true"
    return Status(201, checkout_out(result.checkout, result.orders))


def _visible_orders(request: HttpRequest, token: str | None):
    ids = session_checkout_ids(request.session)
    if token:
        checkout = checkout_by_token(token)
        if checkout is not None:
            ids.append(checkout.pk)
    return shopper_orders(user_id=_user_id(request), checkout_ids=ids)


@router.get(
    "/orders", response=list[OrderOut], summary="Mes commandes / my orders", url_name="my_orders"
)
@paginated
def orders_view(
    request: HttpRequest, token: str | None = Header(None, alias="X-Checkout-Token")
) -> list[dict[str, Any]]:
    return [order_out(order) for order in _visible_orders(request, token)]


@router.get("/orders/{order_id}", response=OrderOut, summary="Une commande / one order")
def order_view(
    request: HttpRequest, order_id: int, token: str | None = Header(None, alias="X-Checkout-Token")
) -> dict[str, Any]:
    order = _visible_orders(request, token).filter(pk=order_id).first()
    if order is None:
        raise NotFound(message=_("Commande introuvable."), details={"order_id": order_id})
    return order_out(order)


@router.post(
    "/orders/{order_id}/cancel",
    response={200: OrderOut, **errors(403, 409)},
    summary="Annuler / cancel",
)
def order_cancel_view(
    request: HttpRequest, order_id: int, token: str | None = Header(None, alias="X-Checkout-Token")
) -> dict[str, Any]:
    require_csrf_for_session_user(request)
    if not _visible_orders(request, token).filter(pk=order_id).exists():
        raise NotFound(message=_("Commande introuvable."), details={"order_id": order_id})
    try:
        order_transition(
            order_id=order_id,
            to_status="cancelled_by_shopper",
            role=Role.SHOPPER,
            actor_id=_user_id(request),
        )
    except OrderError as error:
        raise api_error(error) from error
    order = _visible_orders(request, token).get(pk=order_id)
    return order_out(order)
