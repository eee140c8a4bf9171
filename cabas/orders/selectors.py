"""Reads of orders for shoppers: their orders, one order, the pickup QR code."""

from __future__ import annotations

from collections.abc import Collection

import segno
from django.db.models import Q, QuerySet

from .models import Checkout, Order


def shopper_orders(*, user_id: int | None, checkout_ids: Collection[int] = ()) -> QuerySet[Order]:
    """Orders of a signed-in shopper, or of the checkouts a guest made in this session."""
    scope = Q(pk__in=[])
    if user_id is not None:
        scope |= Q(user_id=user_id)
    if checkout_ids:
        scope |= Q(checkout_id__in=list(checkout_ids))
    return (
        Order.objects.filter(scope)
        .select_related("shop__territory", "collection_point", "checkout", "card_refund")
        .prefetch_related("lines", "events", "tenders")
        .order_by("-created_at", "-pk")
    )


def checkout_by_token(token: str) -> Checkout | None:
    if not token or len(token) > 64:
        return None
    return Checkout.objects.filter(access_token=token).first()


def checkout_orders(checkout: Checkout) -> list[Order]:
    return list(
        checkout.orders.select_related("shop__territory", "collection_point", "card_refund")
        .prefetch_related("tenders")
        .order_by("pk")
    )


def pickup_qr_payload(order: Order) -> str:
    """What the shop's scanner reads: the order and its code, nothing personal."""
    return f"CABAS:{order.pk}:{order.pickup_code}"


def pickup_qr_svg(order: Order) -> str:
    """The pickup QR code as inline SVG (no file, no network)."""
    qr = segno.make(pickup_qr_payload(order), error="m")
    return qr.svg_inline(scale=5, dark="#111", light="#fff", title=f"Code {order.pickup_code}")
