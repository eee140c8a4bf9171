"""Reads of the cart: its per-shop groups with subtotals, fulfilment and totals."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.sessions.backends.base import SessionBase
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext

from cabas.accounts.models import User
from cabas.catalog.models import Offer
from cabas.fulfilment.calendars import Slot
from cabas.fulfilment.errors import FulfilmentError
from cabas.fulfilment.models import FulfilmentMethod
from cabas.fulfilment.selectors import (
    FulfilmentOption,
    ShopFacts,
    ShopFulfilmentView,
    choose_slot,
    delivery_quote,
    fulfilment_for_shops,
    shop_facts,
    shop_facts_annotations,
)
from cabas.fulfilment.wording import ready_text, slot_label
from cabas.shops.models import Shop

from .models import Cart, CartLine
from .services import SESSION_CART_KEY, CartContents


def cart_version(lines: Iterable[tuple[int, int, int]]) -> str:
    """A short digest of ``(offer_id, quantity, unit_price_cents)``: what the shopper saw."""
    text = ";".join(f"{o}:{q}:{p}" for o, q, p in sorted(lines))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def cart_item_count(*, session: SessionBase, user: User | None) -> int:
    """How many articles the shopper's cart holds (the header badge).

    One query; none for a visitor whose session has no cart.
    """
    if user is not None and user.is_authenticated:
        lines = CartLine.objects.filter(cart__user=user)
    else:
        cart_id = session.get(SESSION_CART_KEY)
        if not isinstance(cart_id, int):
            return 0
        lines = CartLine.objects.filter(cart_id=cart_id, cart__user__isnull=True)
    return lines.aggregate(total=Sum("quantity"))["total"] or 0


def cart_line(cart: Cart, offer_id: int) -> CartLine | None:
    """One line of the cart with its product, or None."""
    return cart.lines.select_related("offer__product").filter(offer_id=offer_id).first()


@dataclass
class CartLineView:
    line: CartLine
    offer: Offer

    @property
    def offer_id(self) -> int:
        return self.offer.pk

    @property
    def name(self) -> str:
        return self.offer.product.name

    @property
    def quantity(self) -> int:
        return self.line.quantity

    @property
    def unit_price_cents(self) -> int:
        return self.offer.price_cents

    @property
    def line_total_cents(self) -> int:
        return self.offer.price_cents * self.line.quantity

    @property
    def max_quantity(self) -> int:
        from .models import MAX_LINE_QUANTITY

        if self.offer.stock is None:
            return MAX_LINE_QUANTITY
        return max(0, min(self.offer.stock, MAX_LINE_QUANTITY))


@dataclass
class CartGroup:
    """One shop's part of the cart: its lines, subtotal and how it reaches the shopper."""

    shop: Shop
    lines: list[CartLineView]
    fulfilment: ShopFulfilmentView
    option: FulfilmentOption | None = None
    slot: Slot | None = None
    slot_is_earliest: bool = True
    delivery_fee_cents: int = 0
    problem: str = ""  # why this group cannot be ordered as chosen (French)
    problem_code: str = ""
    ready: str = ""

    @property
    def subtotal_cents(self) -> int:
        return sum(line.line_total_cents for line in self.lines)

    @property
    def total_cents(self) -> int:
        return self.subtotal_cents + self.delivery_fee_cents

    @property
    def slot_label(self) -> str:
        if self.slot is None:
            return ""
        return slot_label(
            self.slot.start, self.slot.end, self.shop.territory.timezone, timezone.now()
        )


@dataclass
class CartSummary:
    cart: Cart | None
    groups: list[CartGroup] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.groups

    @property
    def item_count(self) -> int:
        return sum(line.quantity for group in self.groups for line in group.lines)

    @property
    def subtotal_cents(self) -> int:
        return sum(group.subtotal_cents for group in self.groups)

    @property
    def fees_cents(self) -> int:
        return sum(group.delivery_fee_cents for group in self.groups)

    @property
    def total_cents(self) -> int:
        return self.subtotal_cents + self.fees_cents

    @property
    def currency(self) -> str:
        if self.cart is not None and self.cart.territory is not None:
            return self.cart.territory.currency
        return "EUR"

    @property
    def version(self) -> str:
        return cart_version(
            (line.offer_id, line.line.quantity, line.line.unit_price_cents)
            for group in self.groups
            for line in group.lines
        )

    @property
    def can_checkout(self) -> bool:
        return bool(self.groups) and not any(group.problem for group in self.groups)


def cart_summary(
    cart: Cart | None, *, now: dt.datetime | None = None, contents: CartContents | None = None
) -> CartSummary:
    """The cart grouped by shop, each with its chosen (or earliest) slot; constant queries.

    ``contents``, what a write just left in the cart (:func:`cart_fill`), spares
    reading the lines, the choices and the shops' fulfilment settings back.
    """
    moment = now or (contents.moment if contents else timezone.now())
    if cart is None:
        return CartSummary(cart=None)
    facts: dict[int, ShopFacts] | None = None
    if contents is not None:
        lines = sorted(
            contents.lines,
            key=lambda line: (line.offer.shop.name, line.added_at, line.pk or 0),
        )
        choices = {choice.shop_id: choice for choice in contents.choices}
        facts = contents.facts
    else:
        lines = list(
            cart.lines.select_related(
                "offer__product", "offer__shop__territory", "offer__shop__fulfilment"
            )
            .annotate(**shop_facts_annotations('"catalog_offer"."shop_id"', now=moment))
            .order_by("offer__shop__name", "added_at", "pk")
        )
        if lines:
            facts = {line.offer.shop_id: shop_facts(line, line.offer.shop) for line in lines}
            choices = {choice.shop_id: choice for choice in cart.choices.all()}
    if not lines:
        return CartSummary(cart=cart)
    if cart.territory_id == lines[0].offer.shop.territory_id:
        cart.territory = lines[0].offer.shop.territory  # already read: no query for it
    shops: dict[int, Shop] = {}
    for line in lines:
        shops.setdefault(line.offer.shop_id, line.offer.shop)
    views = fulfilment_for_shops(list(shops.values()), now=moment, facts=facts)
    groups: dict[int, CartGroup] = {}
    for line in lines:
        shop = shops[line.offer.shop_id]
        group = groups.get(shop.pk)
        if group is None:
            group = groups[shop.pk] = CartGroup(shop=shop, lines=[], fulfilment=views[shop.pk])
        group.lines.append(CartLineView(line=line, offer=line.offer))
    for shop_id, group in groups.items():
        choice = choices.get(shop_id)
        _resolve_group(
            group,
            option_key=choice.option if choice else None,
            slot_start=choice.slot_start if choice else None,
            postcode=cart.delivery_postcode,
            now=moment,
        )
    return CartSummary(cart=cart, groups=list(groups.values()))


def _resolve_group(
    group: CartGroup,
    *,
    option_key: str | None,
    slot_start: dt.datetime | None,
    postcode: str,
    now: dt.datetime,
) -> None:
    try:
        option, slot = choose_slot(
            group.fulfilment, option_key=option_key, slot_start=slot_start, now=now
        )
    except FulfilmentError as error:
        group.problem, group.problem_code = error.message, error.code
        group.option = group.fulfilment.option(option_key) if option_key else None
        return
    group.option, group.slot = option, slot
    group.slot_is_earliest = slot_start is None
    tz = group.shop.territory.timezone
    group.ready = ready_text(
        slot.start, tz, now, delivery=option.method == FulfilmentMethod.DELIVERY
    )
    if option.method == FulfilmentMethod.DELIVERY:
        if not postcode:
            group.problem_code = "delivery_address_required"
            group.problem = gettext("Indiquez votre adresse de livraison.")
            return
        try:
            quote = delivery_quote(
                shop=group.shop,
                zones=option.zones,
                postcode=postcode,
                subtotal_cents=group.subtotal_cents,
            )
        except FulfilmentError as error:
            group.problem, group.problem_code = error.message, error.code
            return
        group.delivery_fee_cents = quote.fee_cents
