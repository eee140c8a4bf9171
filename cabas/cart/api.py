"""``/api/v1/cart``: the shopper's cart (session cookie), across the shops of one territory.

``GET`` answers the cart after re-checking it against the shops: each change since
the shopper last saw it (new price, less stock, article withdrawn) is applied and
listed in ``changes`` with a French message.
``POST`` with ``mode: "replace"`` (default) makes the ``lines`` sent the whole cart
(``[]`` empties it); with ``mode: "add"`` adds each quantity to what the cart holds;
without ``lines`` the lines stay as they are (to set only ``fulfilment`` or the
delivery address). Either way it is all or nothing: one bad line and the cart is
left as it was. A signed-in browser sends its CSRF token (``X-CSRFToken``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal
from zoneinfo import ZoneInfo

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.utils import check_csrf
from pydantic import ConfigDict

from cabas.api.errors import ApiError
from cabas.api.schemas import errors
from cabas.fulfilment.calendars import Slot, parse_slot_start
from cabas.fulfilment.errors import FulfilmentError
from cabas.shops.models import Shop

from .errors import CartError
from .selectors import CartSummary, cart_summary
from .services import (
    CartChange,
    cart_choose_fulfilment,
    cart_fill,
    cart_get,
    cart_get_or_create,
    cart_refresh,
    cart_set_delivery_address,
)

router = Router(tags=["cart"])


class CartLineIn(Schema):
    offer_id: Any = Field(..., description="Identifiant de l'offre / offer id", examples=[42])
    quantity: Any = Field(..., description="1 à 99 / 1 to 99", examples=[2])


class ShopChoiceIn(Schema):
    shop: str = Field(..., description="Slug du commerce / shop slug")
    option: str | None = Field(
        None, description="pickup | delivery | point:<slug> ; vide = le plus tôt / empty = earliest"
    )
    slot: str | None = Field(None, description="Début du créneau ISO 8601 ; vide = le plus tôt")


class CartIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "lines": [{"offer_id": 42, "quantity": 2}],
                    "mode": "add",
                    "fulfilment": [{"shop": "fromagerie-des-alpes", "option": "pickup"}],
                }
            ]
        }
    )

    lines: list[CartLineIn] | None = Field(
        None, description="Absent : lignes inchangées / absent: lines left as they are"
    )
    mode: Literal["replace", "add"] = "replace"
    fulfilment: list[ShopChoiceIn] = Field(default_factory=list)
    delivery_address: str | None = None
    delivery_postcode: str | None = None


class SlotOut(Schema):
    start: dt.datetime
    end: dt.datetime
    label: str


class OptionOut(Schema):
    key: str
    method: str
    label: str
    earliest: SlotOut | None


class ProblemOut(Schema):
    code: str
    message: str


class ShopRefOut(Schema):
    slug: str
    name: str


class CartLineOut(Schema):
    offer_id: int
    name: str
    shop: str
    quantity: int
    unit_price_cents: int
    line_total_cents: int
    stock_status: str


class CartGroupOut(Schema):
    shop: ShopRefOut
    subtotal_cents: int
    delivery_fee_cents: int
    total_cents: int
    option: str | None
    slot: SlotOut | None
    ready: str
    problem: ProblemOut | None
    options: list[OptionOut]


class ChangeOut(Schema):
    code: str
    offer_id: int
    message: str


class CartOut(Schema):
    territory: str | None
    cart_version: str
    currency: str
    item_count: int
    subtotal_cents: int
    fees_cents: int
    total_cents: int
    lines: list[CartLineOut]
    groups: list[CartGroupOut]
    changes: list[ChangeOut]


def api_error(error: Any) -> ApiError:
    """A domain error (cart, fulfilment, checkout) in the API's error shape."""
    return ApiError(
        code=error.code,
        message=error.message,
        status=getattr(error, "status", 422),
        details=error.details,
    )


def slot_out(slot: Slot | None, tz: str, label: str) -> dict[str, Any] | None:
    if slot is None:
        return None
    zone = ZoneInfo(tz)
    return {"start": slot.start.astimezone(zone), "end": slot.end.astimezone(zone), "label": label}


def cart_out(summary: CartSummary, changes: list[CartChange]) -> dict[str, Any]:
    from cabas.fulfilment.selectors import describe_slot

    cart = summary.cart
    return {
        "territory": cart.territory.slug if cart and cart.territory else None,
        "cart_version": summary.version,
        "currency": summary.currency,
        "item_count": summary.item_count,
        "subtotal_cents": summary.subtotal_cents,
        "fees_cents": summary.fees_cents,
        "total_cents": summary.total_cents,
        "lines": [
            {
                "offer_id": line.offer_id,
                "name": line.name,
                "shop": group.shop.slug,
                "quantity": line.quantity,
                "unit_price_cents": line.unit_price_cents,
                "line_total_cents": line.line_total_cents,
                "stock_status": line.offer.stock_status,
            }
            for group in summary.groups
            for line in group.lines
        ],
        "groups": [
            {
                "shop": {"slug": group.shop.slug, "name": group.shop.name},
                "subtotal_cents": group.subtotal_cents,
                "delivery_fee_cents": group.delivery_fee_cents,
                "total_cents": group.total_cents,
                "option": group.option.key if group.option else None,
                "slot": slot_out(group.slot, group.shop.territory.timezone, group.slot_label),
                "ready": group.ready,
                "problem": {"code": group.problem_code, "message": group.problem}
                if group.problem
                else None,
                "options": [
                    {
                        "key": option.key,
                        "method": option.method,
                        "label": option.label,
                        "earliest": slot_out(
                            option.earliest,
                            group.shop.territory.timezone,
                            describe_slot(option.earliest, group.shop.territory.timezone)
                            if option.earliest
                            else "",
                        ),
                    }
                    for option in group.fulfilment.options
                ],
            }
            for group in summary.groups
        ],
        "changes": [
            {"code": change.code, "offer_id": change.offer_id, "message": change.message}
            for change in changes
        ],
    }


def _user(request: HttpRequest) -> Any:
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def require_csrf_for_session_user(request: HttpRequest) -> None:
    """A signed-in browser's cookie must not let another site write in its name."""
    if _user(request) is None:
        return
    if check_csrf(request) is not None:
        raise ApiError(
            code="csrf_failed",
            message=_("Jeton CSRF manquant ou invalide (en-tête X-CSRFToken)."),
            status=403,
        )


@router.get("/cart", response=CartOut, summary="Panier / cart", url_name="cart")
def cart_get_view(request: HttpRequest) -> dict[str, Any]:
    cart = cart_get(session=request.session, user=_user(request))
    changes = cart_refresh(cart=cart) if cart is not None else []
    return cart_out(cart_summary(cart), changes)


@router.post(
    "/cart",
    response={200: CartOut, **errors(403, 404, 409)},
    summary="Remplir le panier / fill the cart",
)
def cart_post_view(request: HttpRequest, payload: CartIn) -> dict[str, Any]:
    require_csrf_for_session_user(request)
    contents = None
    try:
        if payload.lines is not None:
            # What was written answers the request: nothing is read back.
            cart, contents = cart_fill(
                session=request.session,
                user=_user(request),
                lines=[line.dict() for line in payload.lines],
                replace=payload.mode == "replace",
            )
        else:
            cart = cart_get_or_create(session=request.session, user=_user(request))
        if payload.delivery_address is not None or payload.delivery_postcode is not None:
            cart_set_delivery_address(
                cart=cart,
                address=payload.delivery_address or cart.delivery_address,
                postcode=payload.delivery_postcode or cart.delivery_postcode,
            )
        for choice in payload.fulfilment:
            shop = Shop.objects.filter(territory_id=cart.territory_id, slug=choice.shop).first()
            if shop is None:
                raise CartError(
                    "shop_not_in_cart",
                    _("Ce commerce n'est pas dans votre panier."),
                    {"shop": choice.shop},
                )
            cart_choose_fulfilment(
                cart=cart,
                shop_id=shop.pk,
                option=choice.option or "",
                slot_start=parse_slot_start(choice.slot),
            )
            contents = None  # the choices changed: read them
    except (CartError, FulfilmentError) as error:
        raise api_error(error) from error
    return cart_out(cart_summary(cart, now=timezone.now(), contents=contents), [])
