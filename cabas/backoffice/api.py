"""The merchant API (``/api/v1/merchant/``): offers, bulk stock, orders, with a Bearer token.

A shop token acts on its shop; a territory (operator) token names the shop with
``?shop=<slug>``. Another shop's offers and orders answer 404, as if absent.
``POST /stock`` takes ``[{sku|gtin, quantity, price_cents?}]`` (or ``{"items": [...]}``),
all or nothing: one bad row and nothing changes, with every bad row listed. With an
``Idempotency-Key`` header a replay answers the first response without writing again.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Header, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from cabas.api.errors import ApiError, InvalidParameters, NotFound, field_error
from cabas.api.pagination import Projected, paginated
from cabas.api.schemas import errors
from cabas.apitokens.auth import TokenAuth
from cabas.apitokens.models import ApiToken
from cabas.catalog.models import Offer, StockMovement
from cabas.orders.errors import OrderError
from cabas.orders.models import Order, OrderStatus
from cabas.orders.services import order_transition
from cabas.orders.transitions import Role
from cabas.shops.models import Shop
from cabas.vouchers.errors import VoucherError

from . import selectors, services
from .errors import OfferError
from .merchant_stock import StockRejected, stock_sync
from .redemptions.selectors import shop_redemption
from .redemptions.services import cashier_label_for_token, in_store_redeem

router = Router(tags=["merchant"], auth=TokenAuth())


def _shop(request: HttpRequest, shop_slug: str | None) -> Shop:
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    if token.shop_id is not None:
        shop = token.shop
        assert shop is not None
        if shop_slug and shop_slug != shop.slug:
            raise ApiError("forbidden", _("Ce jeton ne vaut que pour son commerce."), 403)
        return shop
    if not shop_slug:
        raise InvalidParameters(
            [
                field_error(
                    ["query", "shop"], "Un jeton de territoire doit nommer le commerce.", "missing"
                )
            ]
        )
    shop = (
        Shop.objects.select_related("territory")
        .filter(territory_id=token.territory_id, slug=shop_slug)
        .first()
    )
    if shop is None:
        raise NotFound(
            message=_("Commerce introuvable dans ce territoire."), details={"shop": shop_slug}
        )
    return shop


class ProductOut(Schema):
    id: int
    name: str
    gtin: str | None
    brand: str


class MerchantOfferOut(Schema):
    offer_id: int
    sku: str
    price_cents: int
    currency: str
    stock: int | None
    stock_status: str
    is_active: bool
    updated_at: dt.datetime
    product: ProductOut


def offer_out(offer: Offer, currency: str) -> dict[str, Any]:
    product = offer.product
    return {
        "offer_id": offer.pk,
        "sku": offer.sku,
        "price_cents": offer.price_cents,
        "currency": currency,
        "stock": offer.stock,
        "stock_status": offer.stock_status,
        "is_active": offer.is_active,
        "updated_at": offer.updated_at,
        "product": {
            "id": product.pk,
            "name": product.name,
            "gtin": product.gtin,
            "brand": product.brand,
        },
    }


class OfferPutIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"price_cents": 450, "stock": 12, "is_active": True, "gtin": "3017620422003"}
            ]
        }
    )

    price_cents: int | None = Field(None, description="Prix TTC en centimes (> 0)")
    stock: int | None = Field(None, description="Stock ; null = non suivi (sur demande)")
    is_active: bool | None = None
    gtin: str | None = Field(None, description="Pour une nouvelle offre : son code-barres")
    name: str | None = Field(None, description="Pour une nouvelle offre sans code-barres connu")
    brand: str | None = None


def _offer_error(error: OfferError) -> ApiError:
    status = 404 if error.code == "not_found" else 422
    return ApiError(
        error.code, error.message, status, {"field": error.field} if error.field else None
    )


@router.get(
    "/offers/{sku}",
    response={200: MerchantOfferOut, **errors(404)},
    summary="Une offre / one offer",
    url_name="merchant_offer",
)
def offer_get(request: HttpRequest, sku: str, shop: str | None = None) -> dict[str, Any]:
    place = _shop(request, shop)
    offer = selectors.shop_offer_by_sku(place, sku)
    if offer is None:
        raise NotFound(message=_("Aucune offre avec cette référence."), details={"sku": sku})
    return offer_out(offer, place.territory.currency)


@router.put(
    "/offers/{sku}",
    response={200: MerchantOfferOut, 201: MerchantOfferOut, **errors(404)},
    summary=_("Créer ou modifier une offre / create or update an offer"),
)
def offer_put(
    request: HttpRequest, sku: str, payload: OfferPutIn, shop: str | None = None
) -> Status:
    place = _shop(request, shop)
    given = payload.model_fields_set
    offer = selectors.shop_offer_by_sku(place, sku)
    try:
        if offer is None:
            if payload.price_cents is None:
                raise OfferError(
                    "price_required",
                    _("Une nouvelle offre a besoin de price_cents."),
                    field="price_cents",
                )
            offer = services.offer_create(
                shop=place,
                data=services.NewOffer(
                    price_cents=payload.price_cents,
                    gtin=payload.gtin or "",
                    name=payload.name or "",
                    brand=payload.brand or "",
                    sku=sku,
                    stock=payload.stock,
                ),
                actor_id=None,
            )
            if payload.is_active is False:
                offer = services.offer_update(
                    shop=place,
                    offer=offer,
                    change=services.OfferChange(is_active=False),
                    actor_id=None,
                    reason=StockMovement.Reason.SYNC,
                )
            status = 201
        else:
            offer = services.offer_update(
                shop=place,
                offer=offer,
                change=services.OfferChange(
                    price_cents=payload.price_cents,
                    stock=payload.stock,
                    stock_given="stock" in given,
                    is_active=payload.is_active,
                ),
                actor_id=None,
                reason=StockMovement.Reason.SYNC,
            )
            status = 200
    except OfferError as error:
        raise _offer_error(error) from error
    fresh = selectors.shop_offer(place, offer.pk)
    assert fresh is not None
    return Status(status, offer_out(fresh, place.territory.currency))


class StockResultOut(Schema):
    sku: str
    offer_id: int
    stock: int | None
    price_cents: int
    changed: bool


class StockOut(Schema):
    count: int
    results: list[StockResultOut]


@router.post(
    "/stock",
    response={200: StockOut, **errors(404, 409)},
    summary="Stock en masse / bulk stock",
    description=(
        _(
            'Corps : `[{"sku" ou "gtin", "quantity", "price_cents"?}]` (1 000 '
            "lignes au plus). Tout ou rien ; `Idempotency-Key` conseillé."
        )
    ),
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {
                    "schema": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "sku": {"type": "string"},
                                "gtin": {"type": "string"},
                                "quantity": {"type": "integer", "minimum": 0},
                                "price_cents": {"type": "integer", "minimum": 1},
                            },
                        },
                    },
                    "example": [
                        {"sku": "CAFE-250", "quantity": 12, "price_cents": 450},
                        {"gtin": "3017620422003", "quantity": 0},
                    ],
                }
            },
            "required": True,
        }
    },
)
def stock_post(
    request: HttpRequest,
    response: HttpResponse,
    shop: str | None = None,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
) -> dict[str, Any]:
    place = _shop(request, shop)
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise ApiError("bad_request", _("Le corps n'est pas du JSON valide."), 400) from None
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    try:
        result = stock_sync(shop=place, body=body, key=idempotency_key, token_id=token.pk)
    except StockRejected as error:
        raise ApiError(error.code, error.message, error.status, error.details) from error
    if result.replayed:
        response["Idempotent-Replayed"] = "true"
    return result.body


# -- orders -----------------------------------------------------------------------------


class OrderLineOut(Schema):
    sku: str
    name: str
    quantity: int
    unit_price_cents: int
    line_total_cents: int


class CustomerOut(Schema):
    name: str
    email: str
    phone: str


class MerchantOrderOut(Schema):
    id: int
    status: str
    status_label: str
    fulfilment_method: str
    slot_start: dt.datetime
    slot_end: dt.datetime
    subtotal_cents: int
    delivery_fee_cents: int
    total_cents: int
    currency: str
    delivery_address: str
    delivery_postcode: str
    customer: CustomerOut
    lines: list[OrderLineOut]
    created_at: dt.datetime


def merchant_order_out(order: Order) -> dict[str, Any]:
    return {
        "id": order.pk,
        "status": order.status,
        "status_label": str(OrderStatus(order.status).label),
        "fulfilment_method": order.fulfilment_method,
        "slot_start": order.slot_start,
        "slot_end": order.slot_end,
        "subtotal_cents": order.subtotal_cents,
        "delivery_fee_cents": order.delivery_fee_cents,
        "total_cents": order.total_cents,
        "currency": order.currency,
        "delivery_address": order.delivery_address,
        "delivery_postcode": order.delivery_postcode,
        "customer": {
            "name": order.checkout.name,
            "email": order.checkout.email,
            "phone": order.checkout.phone,
        },
        "lines": [
            {
                "sku": line.sku,
                "name": line.product_name,
                "quantity": line.quantity,
                "unit_price_cents": line.unit_price_cents,
                "line_total_cents": line.line_total_cents,
            }
            for line in order.lines.all()
        ],
        "created_at": order.created_at,
    }


@router.get(
    "/orders",
    response={200: list[MerchantOrderOut], **errors(404)},
    summary="Commandes du commerce / shop orders",
    url_name="merchant_orders",
)
@paginated
def orders_list(
    request: HttpRequest, shop: str | None = None, status: str | None = None
) -> Projected:
    """``status``: statuses separated by commas, e.g. ``placed,accepted``."""
    place = _shop(request, shop)
    statuses = [s.strip() for s in (status or "").split(",") if s.strip()]
    unknown = [s for s in statuses if s not in OrderStatus.values]
    if unknown:
        raise InvalidParameters(
            [field_error(["query", "status"], f"Statut inconnu : {', '.join(unknown)}.", "enum")]
        )
    orders = (
        selectors.shop_orders(place, statuses or None)
        .prefetch_related("lines")
        .order_by("-created_at", "-pk")
    )
    # Only the page sent is turned into JSON (and has its lines fetched).
    return Projected(orders, merchant_order_out)


class TransitionIn(Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"to": "accepted", "note": ""}]})

    to: str = Field(..., description="accepted, ready, collected, refused, no_show…")
    note: str = Field("", description="Motif (obligatoire pour refused)")
    pickup_code: str | None = Field(None, description=_("Vérifié s'il est donné (to=collected)"))


@router.post(
    "/orders/{order_id}/transition",
    response={200: MerchantOrderOut, **errors(409)},
    summary="Changer le statut / move an order",
)
def order_transition_view(
    request: HttpRequest, order_id: int, payload: TransitionIn, shop: str | None = None
) -> dict[str, Any]:
    place = _shop(request, shop)
    order = selectors.shop_order(place, order_id)
    if order is None:
        raise NotFound(message=_("Commande introuvable."), details={"order_id": order_id})
    if payload.to == OrderStatus.REFUSED and not payload.note.strip():
        raise InvalidParameters(
            [
                field_error(
                    ["body", "note"],
                    _("Donnez le motif du refus : il est envoyé au client."),
                    "missing",
                )
            ]
        )
    if payload.pickup_code is not None and payload.pickup_code.strip().upper() != order.pickup_code:
        raise ApiError(
            "pickup_code_mismatch", _("Ce code de retrait ne correspond pas à la commande."), 409
        )
    try:
        order_transition(
            order_id=order.pk,
            to_status=payload.to,
            role=Role.SHOP,
            shop_id=place.pk,
            note=payload.note,
        )
    except OrderError as error:
        raise ApiError(error.code, error.message, error.status, error.details) from error
    fresh = selectors.shop_orders(place).prefetch_related("lines").get(pk=order.pk)
    return merchant_order_out(fresh)


# -- in-store redemptions -----------------------------------------------------------------


def _redemption_body(request: HttpRequest) -> tuple[str, int]:
    """``{code, amount_cents}`` read after the shop is known: tenancy answers first."""
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise ApiError("bad_request", _("Le corps n'est pas du JSON valide."), 400) from None
    if not isinstance(body, dict):
        raise ApiError("bad_request", _("Le corps est un objet JSON {code, amount_cents}."), 400)
    problems = []
    code, amount = body.get("code"), body.get("amount_cents")
    if not isinstance(code, str) or not code.strip():
        problems.append(field_error(["body", "code"], _("Le code est obligatoire."), "missing"))
    if isinstance(amount, bool) or not isinstance(amount, int):
        problems.append(
            field_error(
                ["body", "amount_cents"],
                _("Le montant est un nombre entier de centimes (1250 pour 12,50 €)."),
                "int_type",
            )
        )
    if problems:
        raise InvalidParameters(problems)
    return code, amount


class RedemptionOut(Schema):
    transaction_id: int
    amount_cents: int
    balance_cents: int
    currency: str
    code_last4: str
    created_at: dt.datetime
    cashier: str


@router.post(
    "/redemptions",
    response={200: RedemptionOut, 201: RedemptionOut, **errors(404, 409)},
    summary="Encaisser un chèque ou une carte cadeau / redeem a voucher or gift card",
    description=(
        "En-tête `Idempotency-Key` obligatoire : la même clé (aussi depuis l'espace "
        "commerçant) ne débite qu'une fois ; une relecture répond 200 et "
        "`Idempotent-Replayed: true`."
    ),
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["code", "amount_cents"],
                        "properties": {
                            "code": {"type": "string"},
                            "amount_cents": {"type": "integer", "minimum": 1},
                        },
                    },
                    "example": {"code": "GRE-7Q4K-M2XD-9PZA", "amount_cents": 1250},
                }
            },
            "required": True,
        }
    },
)
def redemption_post(
    request: HttpRequest,
    response: HttpResponse,
    shop: str | None = None,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
) -> Status:
    place = _shop(request, shop)
    code, amount_cents = _redemption_body(request)
    if not idempotency_key or not idempotency_key.strip():
        raise ApiError(
            "idempotency_key_required",
            _("L'en-tête Idempotency-Key est obligatoire pour un encaissement."),
            400,
        )
    try:
        result = in_store_redeem(
            shop=place,
            code=code,
            amount_cents=amount_cents,
            idempotency_key=idempotency_key,
            actor_label=cashier_label_for_token(request.auth.name),  # type: ignore[attr-defined]
        )
    except VoucherError as error:
        raise ApiError(error.code, error.message, error.status, error.details) from error
    redemption = shop_redemption(place, result.transaction.pk)
    assert redemption is not None
    if result.replayed:
        response["Idempotent-Replayed"] = "true"
    return Status(
        200 if result.replayed else 201,
        {
            "transaction_id": redemption.transaction_id,
            "amount_cents": redemption.amount_cents,
            "balance_cents": redemption.balance_after_cents or 0,
            "currency": redemption.currency,
            "code_last4": redemption.card.code_last4 if redemption.card else "",
            "created_at": redemption.created_at,
            "cashier": redemption.cashier,
        },
    )
