"""Checks shared by the cart and the checkout: quantities and offers a shopper may buy.

Each failure names the line it concerns and says, in French, what to do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from cabas.catalog.models import Offer
from cabas.fulfilment.selectors import ShopFacts, shop_facts, shop_facts_annotations
from cabas.shops.models import ShopStatus

from .errors import CartError
from .models import MAX_LINE_QUANTITY


def parse_quantity(value: Any, *, offer_id: Any = None) -> int:
    """An integer from 1 to MAX_LINE_QUANTITY, from an int or a string of digits."""
    details = {"offer_id": offer_id, "quantity": value if _is_plain(value) else str(value)}
    if isinstance(value, bool) or value is None:
        raise CartError("quantity_not_a_number", _("La quantité doit être un nombre."), details)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        text = value.strip()
        if text.lstrip("+-").isdigit() and len(text) < 20:
            value = int(text)
    if not isinstance(value, int):
        raise CartError(
            "quantity_not_a_number", _("La quantité doit être un nombre entier."), details
        )
    if value <= 0:
        raise CartError("quantity_not_positive", _("La quantité doit être d'au moins 1."), details)
    if value > MAX_LINE_QUANTITY:
        raise CartError(
            "quantity_too_large",
            _("La quantité est limitée à %(max)d par article.") % {"max": MAX_LINE_QUANTITY},
            details,
        )
    return value


def _is_plain(value: Any) -> bool:
    return value is None or isinstance(value, bool | int | float | str)


def parse_offer_id(value: Any) -> int:
    if isinstance(value, bool):
        value = None
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 19:
        value = int(value.strip())
    if not isinstance(value, int) or value <= 0 or value >= 2**63:
        raise CartError(
            "offer_not_found",
            _("Cet article n'existe pas."),
            {"offer_id": value if _is_plain(value) else str(value)},
            status=404,
        )
    return value


def offers_by_id(
    offer_ids: Iterable[int], *, fulfilment_at: dt.datetime | None = None
) -> dict[int, Offer]:
    """The offers with their shop, territory and product, in one query.

    With ``fulfilment_at`` (the moment the slots are worked out for), the same query
    also reads what the fulfilment of their shops needs (:func:`offers_shop_facts`).
    """
    queryset = Offer.objects.filter(pk__in=set(offer_ids)).select_related(
        "shop__territory", "product"
    )
    if fulfilment_at is not None:
        queryset = queryset.select_related("shop__fulfilment").annotate(
            **shop_facts_annotations('"catalog_offer"."shop_id"', now=fulfilment_at)
        )
    return {offer.pk: offer for offer in queryset}


def offers_shop_facts(offers: Iterable[Offer]) -> dict[int, ShopFacts]:
    """Shop id → its fulfilment facts, from offers read with ``fulfilment_at``."""
    return {offer.shop_id: shop_facts(offer, offer.shop) for offer in offers}


def check_buyable(
    offers: dict[int, Offer], offer_ids: Iterable[int], *, territory_id: int | None
) -> int:
    """Raise unless every offer exists, is on sale and belongs to one territory; return it."""
    territory = territory_id
    for offer_id in offer_ids:
        offer = offers.get(offer_id)
        if offer is None:
            raise CartError(
                "offer_not_found",
                _("Cet article n'existe pas ou plus."),
                {"offer_id": offer_id},
                status=404,
            )
        name = offer.product.name
        if offer.shop.status != ShopStatus.APPROVED or not offer.shop.territory.is_active:
            raise CartError(
                "shop_unavailable",
                _("%(shop)s ne prend pas de commandes en ce moment.") % {"shop": offer.shop.name},
                {"offer_id": offer_id, "shop": offer.shop.slug},
            )
        if not offer.is_active:
            raise CartError(
                "offer_unavailable",
                _("« %(name)s » n'est plus en vente.") % {"name": name},
                {"offer_id": offer_id},
            )
        if territory is None:
            territory = offer.territory_id
        elif offer.territory_id != territory:
            raise CartError(
                "other_territory",
                _(
                    "« %(name)s » est vendu dans un autre territoire que les articles de "
                    "votre panier : un panier ne réunit que les commerces d'une même ville."
                )
                % {"name": name},
                {"offer_id": offer_id},
            )
    if territory is None:
        raise CartError("cart_empty", _("Votre panier est vide."))
    return territory
