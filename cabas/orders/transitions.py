"""The order state machine: the one table of allowed moves and who may make them.

placed → accepted → ready → collected; accepted/ready → out_for_delivery → delivered;
placed → refused; placed → cancelled_by_shopper; placed/accepted/ready →
cancelled_by_shop; ready → no_show. Paid online: awaiting_payment → placed once the
payment is confirmed, or → payment_expired when it never comes. Nothing else, ever
(DESIGN 5).
"""

from __future__ import annotations

from enum import StrEnum

from cabas.fulfilment.models import FulfilmentMethod

from .models import OrderStatus as S


class Role(StrEnum):
    SHOPPER = "shopper"
    SHOP = "shop"  # the shop's staff
    OPERATOR = "operator"  # the territory's team, acting for a shop
    SYSTEM = "system"


_SHOP = frozenset({Role.SHOP, Role.OPERATOR})

TRANSITIONS: dict[tuple[str, str], frozenset[Role]] = {
    (S.PLACED, S.ACCEPTED): _SHOP,
    (S.ACCEPTED, S.READY): _SHOP,
    (S.READY, S.COLLECTED): _SHOP,
    (S.ACCEPTED, S.OUT_FOR_DELIVERY): _SHOP,
    (S.READY, S.OUT_FOR_DELIVERY): _SHOP,
    (S.OUT_FOR_DELIVERY, S.DELIVERED): _SHOP,
    (S.PLACED, S.REFUSED): _SHOP,
    (S.PLACED, S.CANCELLED_BY_SHOPPER): frozenset({Role.SHOPPER, Role.OPERATOR}),
    (S.PLACED, S.CANCELLED_BY_SHOP): _SHOP,
    (S.ACCEPTED, S.CANCELLED_BY_SHOP): _SHOP,
    (S.READY, S.CANCELLED_BY_SHOP): _SHOP,
    (S.READY, S.NO_SHOW): _SHOP | {Role.SYSTEM},
    (S.AWAITING_PAYMENT, S.PLACED): frozenset({Role.SYSTEM}),
    (S.AWAITING_PAYMENT, S.PAYMENT_EXPIRED): frozenset({Role.SYSTEM}),
}

# Moves that only make sense for one way of handing over the order.
PICKUP_ONLY = frozenset({S.COLLECTED, S.NO_SHOW})
DELIVERY_ONLY = frozenset({S.OUT_FOR_DELIVERY, S.DELIVERED})
PICKUP_METHODS = frozenset({FulfilmentMethod.PICKUP, FulfilmentMethod.COLLECTION_POINT})

# Moves after which the goods go back on the shelf and the slot is freed.
RELEASES_GOODS = frozenset(
    {S.REFUSED, S.CANCELLED_BY_SHOPPER, S.CANCELLED_BY_SHOP, S.PAYMENT_EXPIRED}
)

# An order in these statuses is not the shop's yet: not shown to it, not notified.
UNPAID = frozenset({S.AWAITING_PAYMENT, S.PAYMENT_EXPIRED})

FINAL = frozenset(
    {
        S.COLLECTED,
        S.DELIVERED,
        S.REFUSED,
        S.CANCELLED_BY_SHOPPER,
        S.CANCELLED_BY_SHOP,
        S.NO_SHOW,
        S.PAYMENT_EXPIRED,
    }
)


def allowed_moves(status: str, fulfilment_method: str, role: Role) -> list[str]:
    """The statuses ``role`` may move an order to from ``status`` (for buttons)."""
    return [
        to
        for (src, to), roles in TRANSITIONS.items()
        if src == status and role in roles and _fits_method(to, fulfilment_method)
    ]


def _fits_method(to: str, fulfilment_method: str) -> bool:
    if to in PICKUP_ONLY:
        return fulfilment_method in PICKUP_METHODS
    if to in DELIVERY_ONLY:
        return fulfilment_method == FulfilmentMethod.DELIVERY
    return True


def move_error(status: str, to: str, fulfilment_method: str, role: Role) -> str | None:
    """None when the move is allowed, else the stable error code."""
    roles = TRANSITIONS.get((status, to))
    if roles is None or not _fits_method(to, fulfilment_method):
        return "illegal_transition"
    if role not in roles:
        return "transition_not_permitted"
    return None
