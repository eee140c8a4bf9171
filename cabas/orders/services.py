"""Placing a checkout (one order per shop) and moving orders through their lifecycle.

Invariants kept here:
- DESIGN 1: stock is taken under lock, never oversold (see cabas.catalog.stock);
- DESIGN 2: one ``Idempotency-Key`` gives one checkout, even when replayed
  concurrently (the unique key serialises the racers; the loser reads the winner's);
- DESIGN 5: statuses move only through ``transitions.TRANSITIONS``, on a locked row;
- DESIGN 8: emails are queued in the same transaction, sent after commit;
- DESIGN 9: every refusal happens before the first write or rolls back whole.
The number of queries of a checkout does not grow with its number of lines.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cabas.accounts.models import User
from cabas.cart.errors import CartError
from cabas.cart.models import MAX_CART_LINES, Cart
from cabas.cart.selectors import cart_version
from cabas.cart.services import cart_remove_offers
from cabas.cart.validation import check_buyable, offers_by_id, offers_shop_facts
from cabas.catalog.models import Offer
from cabas.catalog.stock import InsufficientStockError, stock_restore, stock_sell
from cabas.fulfilment.calendars import Slot
from cabas.fulfilment.errors import FulfilmentError, SlotFullError
from cabas.fulfilment.models import FulfilmentMethod
from cabas.fulfilment.selectors import (
    FulfilmentOption,
    choose_slot,
    delivery_quote,
    fulfilment_for_shops,
)
from cabas.fulfilment.services import SlotBooking, slots_book, slots_release
from cabas.money import format_money
from cabas.notifications.services import notify_order_step
from cabas.shops.models import Shop
from cabas.territories.models import Territory

from .errors import CheckoutError, IdempotencyConflictError, TransitionError
from .locks import lock_order
from .models import Checkout, Order, OrderEvent, OrderLine, OrderStatus, PaymentMethod
from .payments import (
    DEFAULT_PROVIDER,
    PaymentOutcome,
    available_providers,
    order_payment_method,
)
from .requests import (
    CheckoutRequest,
    LineRequest,
    check_idempotency_key,
    normalise_email,
    normalise_phone,
)
from .tenders import (
    EARNS_POINTS,
    tendered_by_order,
    tenders_allocate,
    tenders_earn_points,
    tenders_post,
    tenders_refund,
)
from .transitions import RELEASES_GOODS, Role, move_error

PICKUP_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class CheckoutResult:
    checkout: Checkout
    replayed: bool
    orders: list[Order] | None = None  # set for a new checkout, loaded on demand otherwise


@dataclass
class _ShopPlan:
    shop: Shop
    lines: list[tuple[Offer, int]]
    option: FulfilmentOption
    slot: Slot
    delivery_fee_cents: int = 0

    @property
    def subtotal_cents(self) -> int:
        return sum(offer.price_cents * quantity for offer, quantity in self.lines)


def _replay(key: str, fingerprint: str) -> Checkout | None:
    existing = Checkout.objects.filter(idempotency_key=key).first()
    if existing is None:
        return None
    if existing.fingerprint != fingerprint:
        raise IdempotencyConflictError(
            _(
                "Cette clé Idempotency-Key a déjà servi pour une autre commande : "
                "utilisez une nouvelle clé pour une nouvelle commande."
            )
        )
    return existing


def checkout_place(
    *, request: CheckoutRequest, cart: Cart | None, now: dt.datetime | None = None
) -> CheckoutResult:
    """Create the checkout and its orders, or raise ``CheckoutError`` having written nothing.

    With a ``cart``, its fulfilment choices apply and the lines bought leave it;
    ``request.lines`` None means "every line of the cart".
    """
    key = check_idempotency_key(request.idempotency_key)
    fingerprint = request.fingerprint()
    try:
        checkout, orders = _place(request, key, fingerprint, cart, now or timezone.now())
    except (CheckoutError, IntegrityError):
        # The key may have been used already, or by a concurrent submission that
        # won the unique index (and emptied the cart, took the stock): answer with
        # that checkout. Looked up only on this path, so a first submission pays
        # no extra query.
        existing = _replay(key, fingerprint)
        if existing is not None:
            return CheckoutResult(existing, replayed=True)
        raise
    return CheckoutResult(checkout, replayed=False, orders=orders)


def _contact(request: CheckoutRequest) -> tuple[User | None, str, str]:
    user = User.objects.filter(pk=request.user_id).first() if request.user_id else None
    if request.user_id and user is None:
        raise CheckoutError(
            "user_unknown", _("Votre session a expiré : reconnectez-vous."), status=401
        )
    email = normalise_email(request.email or (user.email if user else ""))
    phone = normalise_phone(request.phone or (user.phone if user else ""), required=user is None)
    return user, email, phone


def _requested_lines(request: CheckoutRequest, cart: Cart | None) -> list[LineRequest]:
    if cart is not None and request.cart_version:
        stored = cart.lines.values_list("offer_id", "quantity", "unit_price_cents")
        if request.cart_version != cart_version(stored):
            raise CheckoutError(
                "cart_stale",
                _(
                    "Votre panier a changé depuis l'affichage de cette page (autre onglet ?) : "
                    "vérifiez-le avant de valider."
                ),
                status=409,
            )
    if request.lines is not None:
        lines = list(request.lines)
        seen: set[int] = set()
        for line in lines:
            if line.offer_id in seen:
                raise CheckoutError(
                    "duplicate_line",
                    _("Un même article apparaît deux fois : regroupez les quantités."),
                    {"offer_id": line.offer_id},
                )
            seen.add(line.offer_id)
    elif cart is not None:
        lines = [
            LineRequest(o, q, p)
            for o, q, p in cart.lines.values_list("offer_id", "quantity", "unit_price_cents")
        ]
    else:
        lines = []
    if not lines:
        raise CheckoutError("cart_empty", _("Votre panier est vide."))
    if len(lines) > MAX_CART_LINES:
        raise CheckoutError(
            "cart_too_large",
            _("Un panier compte au plus %(max)d articles différents.") % {"max": MAX_CART_LINES},
        )
    return lines


def _price_changes(lines: list[LineRequest], offers: dict[int, Offer]) -> list[dict]:
    changes = []
    for line in lines:
        offer = offers[line.offer_id]
        if line.expected_price_cents is not None and line.expected_price_cents != offer.price_cents:
            changes.append(
                {
                    "offer_id": offer.pk,
                    "expected_price_cents": line.expected_price_cents,
                    "price_cents": offer.price_cents,
                    "message": _("Le prix de « %(name)s » est de %(new)s, et non %(old)s.")
                    % {
                        "name": offer.product.name,
                        "new": format_money(offer.price_cents),
                        "old": format_money(line.expected_price_cents),
                    },
                }
            )
    return changes


def _raise_price_changed(changes: list[dict]) -> None:
    raise CheckoutError(
        "price_changed",
        changes[0]["message"]
        if len(changes) == 1
        else _("Les prix de %(count)d articles ont changé : vérifiez votre panier.")
        % {"count": len(changes)},
        changes,
        status=409,
    )


def _raise_out_of_stock(shortages: list[tuple[Offer, int, int]]) -> None:
    details = []
    for offer, wanted, available in shortages:
        if available <= 0:
            message = _("« %(name)s » est épuisé.") % {"name": offer.product.name}
        else:
            message = _("Il ne reste que %(count)d « %(name)s » (vous en demandez %(wanted)d).") % {
                "count": available,
                "name": offer.product.name,
                "wanted": wanted,
            }
        details.append(
            {
                "offer_id": offer.pk,
                "requested": wanted,
                "available": max(available, 0),
                "message": message,
            }
        )
    raise CheckoutError(
        "out_of_stock",
        str(details[0]["message"])
        if len(details) == 1
        else _("Plusieurs articles ne sont plus disponibles en quantité suffisante."),
        details,
        status=409,
    )


def _from_domain(error: CartError | FulfilmentError) -> CheckoutError:
    status = getattr(error, "status", None)
    if error.code == "slot_full":
        status = 409
    return CheckoutError(error.code, error.message, error.details, status=status)


def _plan(
    request: CheckoutRequest,
    lines: list[LineRequest],
    offers: dict[int, Offer],
    cart: Cart | None,
    now: dt.datetime,
) -> list[_ShopPlan]:
    by_shop: dict[int, list[tuple[Offer, int]]] = defaultdict(list)
    shops: dict[int, Shop] = {}
    for line in lines:
        offer = offers[line.offer_id]
        by_shop[offer.shop_id].append((offer, line.quantity))
        shops[offer.shop_id] = offer.shop
    choices = {choice.shop: choice for choice in request.choices}
    unknown = set(choices) - {shop.slug for shop in shops.values()}
    if unknown:
        raise CheckoutError(
            "shop_not_in_cart",
            _("Un choix de retrait concerne un commerce absent du panier."),
            {"shops": sorted(unknown)},
        )
    stored = {}
    if cart is not None:
        stored = {choice.shop_id: choice for choice in cart.choices.all()}
    postcode = request.delivery_postcode or (cart.delivery_postcode if cart else "")
    views = fulfilment_for_shops(
        list(shops.values()), now=now, facts=offers_shop_facts(offers.values())
    )
    plans = []
    for shop_id in sorted(shops):
        shop = shops[shop_id]
        asked = choices.get(shop.slug)
        saved = stored.get(shop_id)
        option_key = asked.option if asked else (saved.option if saved else None)
        slot_start = asked.slot_start if asked else (saved.slot_start if saved else None)
        option, slot = choose_slot(
            views[shop_id], option_key=option_key, slot_start=slot_start, now=now
        )
        plan = _ShopPlan(shop=shop, lines=by_shop[shop_id], option=option, slot=slot)
        if option.method == FulfilmentMethod.DELIVERY:
            address = request.delivery_address or (cart.delivery_address if cart else "")
            if not postcode or not address:
                raise CheckoutError(
                    "delivery_address_required",
                    _("Indiquez l'adresse et le code postal de livraison."),
                    {"shop": shop.slug},
                )
            plan.delivery_fee_cents = delivery_quote(
                shop=shop, zones=option.zones, postcode=postcode, subtotal_cents=plan.subtotal_cents
            ).fee_cents
        plans.append(plan)
    return plans


def _pickup_code() -> str:
    return "".join(secrets.choice(PICKUP_CODE_ALPHABET) for _i in range(6))


def _place(
    request: CheckoutRequest, key: str, fingerprint: str, cart: Cart | None, now: dt.datetime
) -> tuple[Checkout, list[Order]]:
    user, email, phone = _contact(request)
    lines = _requested_lines(request, cart)
    quantities = {line.offer_id: line.quantity for line in lines}
    with transaction.atomic():
        # The offers are locked as they are read (DESIGN 1), in one query with what the
        # fulfilment of their shops needs: every check below sees the rows it sells.
        offers = offers_by_id(quantities, fulfilment_at=now, lock=True)
        try:
            territory_id = check_buyable(
                offers, [line.offer_id for line in lines], territory_id=None
            )
            changes = _price_changes(lines, offers)
            if changes:
                _raise_price_changed(changes)
            shortages = [
                (offers[line.offer_id], line.quantity, offers[line.offer_id].stock or 0)
                for line in lines
                if offers[line.offer_id].stock is not None
                and (offers[line.offer_id].stock or 0) < line.quantity
            ]
            if shortages:
                _raise_out_of_stock(shortages)
            plans = _plan(request, lines, offers, cart, now)
        except (CartError, FulfilmentError) as error:
            raise _from_domain(error) from error
        providers = available_providers()
        provider = providers.get(request.payment_method or DEFAULT_PROVIDER)
        if provider is None or not provider.accepts({plan.option.method for plan in plans}):
            raise CheckoutError(
                "payment_method_invalid",
                _("Ce mode de paiement n'est pas possible pour cette commande."),
                {"payment_method": request.payment_method, "accepted": sorted(providers)},
            )
        territory = offers[lines[0].offer_id].shop.territory
        assert territory.pk == territory_id
        total = sum(plan.subtotal_cents + plan.delivery_fee_cents for plan in plans)

        # Vouchers, gift cards and points first (checked read-only here); the provider is
        # asked only for the rest.
        shares = tenders_allocate(
            territory=territory,
            user=user,
            shops=[plan.shop for plan in plans],
            totals=[plan.subtotal_cents + plan.delivery_fee_cents for plan in plans],
            tenders=request.tenders,
            loyalty_points=request.loyalty_points,
            now=now,
        )
        tendered = tendered_by_order(shares, len(plans))
        rest = total - sum(tendered)
        payment = (
            provider.start(reference=key, amount_cents=rest, currency=territory.currency)
            if rest
            else PaymentOutcome(status="paid")
        )

        checkout = Checkout.objects.create(
            territory_id=territory_id,
            idempotency_key=key,
            fingerprint=fingerprint,
            user=user,
            email=email,
            phone=phone,
            name=request.name.strip()[:120],
            payment_method=provider.code,
            payment_status=payment.status,
            total_cents=total,
            currency=territory.currency,
            access_token=secrets.token_urlsafe(32),
        )
        try:
            stock_sell(
                offers=[offers[offer_id] for offer_id in quantities],
                quantities=quantities,
                reference=f"checkout:{checkout.pk}",
                actor_id=checkout.user_id,
            )
        except InsufficientStockError as error:
            _raise_out_of_stock(
                [(offers[s.offer_id], s.requested, s.available) for s in error.shortages]
            )
        try:
            slots_book(
                bookings=[
                    SlotBooking(
                        territory_id,
                        plan.option.calendar.target,
                        plan.slot.start,
                        plan.option.calendar.capacity,
                    )
                    for plan in plans
                ],
            )
        except SlotFullError as error:
            raise _from_domain(error) from error
        orders = Order.objects.bulk_create(
            [
                _order(checkout, territory, plan, request, tendered[i])
                for i, plan in enumerate(plans)
            ]
        )
        order_lines = []
        for order, plan in zip(orders, plans, strict=True):
            for offer, quantity in plan.lines:
                order_lines.append(
                    OrderLine(
                        territory_id=territory_id,
                        order=order,
                        offer=offer,
                        product_name=offer.product.name[:200],
                        sku=offer.sku,
                        unit_price_cents=offer.price_cents,
                        quantity=quantity,
                        line_total_cents=offer.price_cents * quantity,
                    )
                )
        OrderLine.objects.bulk_create(order_lines)
        tenders_post(
            territory=territory, checkout=checkout, orders=orders, shares=shares, user=user, now=now
        )
        OrderEvent.objects.bulk_create(
            OrderEvent(
                territory_id=territory_id,
                order=order,
                from_status="",
                to_status=order.status,
                actor=user,
                actor_role=Role.SHOPPER,
            )
            for order in orders
        )
        # Paid online: the payment is recorded now; shops hear of the orders once it is paid.
        if rest:
            provider.attach(checkout=checkout, outcome=payment)
        if checkout.payment_status != "pending":
            notify_order_step(
                orders=[(order.pk, territory_id) for order in orders], event=OrderStatus.PLACED
            )
        if cart is not None:
            cart_remove_offers(cart=cart, offer_ids=quantities)
    return checkout, orders


def _order(
    checkout: Checkout,
    territory: Territory,
    plan: _ShopPlan,
    request: CheckoutRequest,
    tendered_cents: int = 0,
) -> Order:
    subtotal = plan.subtotal_cents
    commission = (subtotal * territory.commission_bp + 5_000) // 10_000
    delivery = plan.option.method == FulfilmentMethod.DELIVERY
    return Order(
        territory_id=territory.pk,
        checkout=checkout,
        shop=plan.shop,
        user_id=checkout.user_id,
        status=OrderStatus.AWAITING_PAYMENT
        if checkout.payment_status == "pending"
        else OrderStatus.PLACED,
        fulfilment_method=plan.option.method,
        collection_point=plan.option.collection_point,
        slot_target=plan.option.calendar.target,
        slot_start=plan.slot.start,
        slot_end=plan.slot.end,
        delivery_address=request.delivery_address.strip()[:255] if delivery else "",
        delivery_postcode=request.delivery_postcode.strip()[:10] if delivery else "",
        subtotal_cents=subtotal,
        delivery_fee_cents=plan.delivery_fee_cents,
        total_cents=subtotal + plan.delivery_fee_cents,
        tendered_cents=tendered_cents,
        commission_bp=territory.commission_bp,
        commission_cents=min(commission, subtotal),
        currency=territory.currency,
        payment_method=order_payment_method(plan.option.method, checkout.payment_method),
        pickup_code=_pickup_code(),
    )


TRANSITION_MESSAGES = {
    "illegal_transition": gettext_lazy(
        "Impossible de passer la commande de « %(from)s » à « %(to)s »."
    ),
    "transition_not_permitted": gettext_lazy(
        "Vous ne pouvez pas passer cette commande à « %(to)s »."
    ),
}


def order_transition(
    *,
    order_id: int,
    to_status: str,
    role: Role,
    actor_id: int | None = None,
    shop_id: int | None = None,
    note: str = "",
) -> Order:
    """Move an order along the transition table, on the locked row, and record the move.

    A shop (``role`` SHOP) acts only on its own orders (``shop_id``). Refusal and
    cancellation put the stock back, free the slot, refund the tenders and open the
    refund of the order's card share; a handed over order earns loyalty points.
    Raises ``TransitionError``.
    """
    if to_status not in OrderStatus.values:
        raise TransitionError(
            "status_unknown", _("Statut inconnu : « %(to)s ».") % {"to": to_status[:40]}, status=422
        )
    with transaction.atomic():
        try:
            order = lock_order(order_id)
        except Order.DoesNotExist:
            raise TransitionError(
                "order_not_found", _("Commande introuvable."), status=404
            ) from None
        if role == Role.SHOP and order.shop_id != shop_id:
            raise TransitionError("order_not_found", _("Commande introuvable."), status=404)
        code = move_error(order.status, to_status, order.fulfilment_method, role)
        if code is not None:
            raise TransitionError(
                code,
                str(TRANSITION_MESSAGES[code])
                % {"from": OrderStatus(order.status).label, "to": OrderStatus(to_status).label},
                {"from": order.status, "to": to_status},
            )
        from_status = order.status
        order.status = to_status
        order.save(update_fields=["status", "updated_at"])
        OrderEvent.objects.create(
            territory_id=order.territory_id,
            order=order,
            from_status=from_status,
            to_status=to_status,
            actor_id=actor_id,
            actor_role=role,
            note=note.strip()[:500],
        )
        if to_status in RELEASES_GOODS:
            stock_restore(
                quantities=dict(
                    order.lines.filter(offer__isnull=False).values_list("offer_id", "quantity")
                ),
                reference=f"order:{order.pk}",
                actor_id=actor_id,
            )
            slots_release(
                bookings=[SlotBooking(order.territory_id, order.slot_target, order.slot_start, 0)]
            )
            # What vouchers, gift cards and points paid goes back to them, and the card
            # share of a card checkout goes back to the card (refunded by the worker).
            tenders_refund(order=order)
            paid = from_status != OrderStatus.AWAITING_PAYMENT
            if order.payment_method == PaymentMethod.CARD and paid:
                # Imported here: cabas.payments builds on the orders models.
                from cabas.payments.refunds import card_refund_open

                card_refund_open(order=order)
        if to_status in EARNS_POINTS and order.user_id is not None:
            tenders_earn_points(order=order)
        notify_order_step(orders=[(order.pk, order.territory_id)], event=to_status)
    return order
