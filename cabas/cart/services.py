"""Writes of the cart: lines, fulfilment choices, refresh, merge at log-in, reorder.

Invariants: a cart holds offers of one territory only; a line's quantity is 1–99
and never above the offer's tracked stock when it is set; every change is
validated whole before anything is written.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.db import IntegrityError, connection, transaction
from django.db.models import DateTimeField, Field, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from cabas.accounts.models import User
from cabas.catalog.models import Offer
from cabas.fulfilment.selectors import (
    ShopFacts,
    datetime_from_json,
    json_rows_sql,
    rows_from_json,
)
from cabas.money import format_money

from .errors import CartError
from .models import MAX_CART_LINES, MAX_LINE_QUANTITY, Cart, CartLine, CartShopChoice
from .validation import (
    ModelColumns,
    check_buyable,
    offers_by_id,
    offers_shop_facts,
    parse_offer_id,
    parse_quantity,
)

SESSION_CART_KEY = "cart_id"


def cart_get(*, session: SessionBase, user: User | None) -> Cart | None:
    """The shopper's cart if there is one (no write)."""
    if user is not None and user.is_authenticated:
        return Cart.objects.filter(user=user).first()
    cart_id = session.get(SESSION_CART_KEY)
    if not isinstance(cart_id, int):
        return None
    return Cart.objects.filter(pk=cart_id, user__isnull=True).first()


def cart_get_or_create(*, session: SessionBase, user: User | None) -> Cart:
    cart = cart_get(session=session, user=user)
    if cart is not None:
        return cart
    if user is not None and user.is_authenticated:
        try:
            with transaction.atomic():
                return Cart.objects.create(user=user)
        except IntegrityError:  # created meanwhile by another request of the same user
            return Cart.objects.get(user=user)
    cart = Cart.objects.create()
    session[SESSION_CART_KEY] = cart.pk
    return cart


def _stock_error(offer: Offer, wanted: int) -> CartError | None:
    if offer.stock is None or offer.stock >= wanted:
        return None
    if offer.stock <= 0:
        return CartError(
            "out_of_stock",
            _("« %(name)s » est épuisé.") % {"name": offer.product.name},
            {"offer_id": offer.pk, "available": 0},
            status=409,
        )
    return CartError(
        "insufficient_stock",
        _("Il ne reste que %(count)d « %(name)s ».")
        % {"count": offer.stock, "name": offer.product.name},
        {"offer_id": offer.pk, "available": offer.stock},
        status=409,
    )


def _parse_lines(lines: Sequence[dict[str, Any]]) -> dict[int, int]:
    """``[{offer_id, quantity}]`` as offer id → quantity (the same offer twice adds up)."""
    if not isinstance(lines, list | tuple):
        raise CartError("lines_invalid", _("Les lignes du panier sont illisibles."))
    wanted: dict[int, int] = {}
    for raw in lines:
        if not isinstance(raw, dict):
            raise CartError("lines_invalid", _("Les lignes du panier sont illisibles."))
        offer_id = parse_offer_id(raw.get("offer_id"))
        quantity = parse_quantity(raw.get("quantity"), offer_id=offer_id)
        wanted[offer_id] = wanted.get(offer_id, 0) + quantity
    return wanted


def _check_size(line_count: int) -> None:
    if line_count > MAX_CART_LINES:
        raise CartError(
            "cart_too_large",
            _("Un panier compte au plus %(max)d articles différents.") % {"max": MAX_CART_LINES},
        )


def _check_wanted(
    offers: dict[int, Offer], wanted: dict[int, int], *, territory_id: int | None
) -> int:
    """Raise unless every wanted offer may be bought in that quantity; its territory."""
    territory = check_buyable(offers, sorted(wanted), territory_id=territory_id)
    for offer_id, quantity in sorted(wanted.items()):
        error = _stock_error(offers[offer_id], quantity)
        if error is not None:
            raise error
    return territory


@dataclass(frozen=True)
class CartContents:
    """A cart as just written: its lines (each with ``offer`` and the offer's
    ``product`` and ``shop.territory`` loaded), its fulfilment choices and the
    fulfilment facts of its shops read for ``moment``; what :func:`cart_summary`
    would otherwise read back."""

    lines: list[CartLine]
    choices: list[CartShopChoice]
    facts: dict[int, ShopFacts]
    moment: dt.datetime


def cart_fill(
    *,
    session: SessionBase,
    user: User | None,
    lines: Sequence[dict[str, Any]],
    replace: bool,
    now: dt.datetime | None = None,
) -> tuple[Cart, CartContents | None]:
    """:func:`cart_get_or_create` then :func:`cart_lines_update`, with what was written.

    A shopper without a cart gets one created with its lines in one transaction
    (nothing is created when a line is refused). The contents are None when the
    lines are unchanged or emptied.
    """
    wanted = _parse_lines(lines)
    moment = now or timezone.now()
    signed_in = user is not None and user.is_authenticated
    if signed_in or isinstance(session.get(SESSION_CART_KEY), int):
        with transaction.atomic():
            state = _cart_state(session=session, user=user)
            if state is not None:
                cart, existing, choices = state
                return cart, _lines_write_in(
                    cart, wanted, replace=replace, moment=moment, state=(existing, choices)
                )
    if wanted:
        created = _cart_create_with(session=session, user=user, wanted=wanted, moment=moment)
        if created is not None:
            return created
    cart = cart_get_or_create(session=session, user=user)
    return cart, _lines_write(cart, wanted, replace=replace, moment=moment)


def _cart_state(
    *, session: SessionBase, user: User | None
) -> tuple[Cart, list[CartLine], list[CartShopChoice]] | None:
    """The shopper's cart with its lines and fulfilment choices, in one query written
    out by hand (what :func:`cart_get`, ``cart.lines.all()`` and ``cart.choices.all()``
    read in three, and the ORM takes longer to compile than the database to answer)."""
    if user is not None and user.is_authenticated:
        condition, param = "c.user_id = %s", user.pk
    else:
        cart_id = session.get(SESSION_CART_KEY)
        if not isinstance(cart_id, int):
            return None
        condition, param = "c.id = %s AND c.user_id IS NULL", cart_id
    with connection.cursor() as cursor:
        sql = _cart_state_sql(connection.vendor).replace("/* which */", condition)
        cursor.execute(sql, [param])
        row = cursor.fetchone()
    if row is None:
        return None
    columns = _cart_columns(connection.vendor)
    width = len(columns.selected)
    cart: Cart = columns.load(row[:width])
    lines: list[CartLine] = _json_instances(CartLine, row[width])
    lines.sort(key=lambda line: (line.added_at, line.pk))  # the lines' ordering
    return cart, lines, _json_instances(CartShopChoice, row[width + 1])


@functools.cache
def _cart_columns(vendor: str) -> ModelColumns:
    return ModelColumns.of(Cart, "c")


@functools.cache
def _cart_state_sql(vendor: str) -> str:
    qn = connection.ops.quote_name

    def rows_of(model: type[Model]) -> str:
        selected = ", ".join(qn(field.column) for field in model._meta.concrete_fields)
        cart = model._meta.get_field("cart")
        assert isinstance(cart, Field)
        return (
            f"(SELECT {json_rows_sql(selected)} FROM {qn(model._meta.db_table)}"  # noqa: S608
            f" WHERE {qn(cart.column)} = c.{qn(Cart._meta.pk.column)})"
        )

    # Only quoted table and column names go into the SQL; the value is a parameter.
    return (
        f"SELECT {', '.join(_cart_columns(vendor).selected)}, "  # noqa: S608
        f"{rows_of(CartLine)}, {rows_of(CartShopChoice)}"
        f" FROM {qn(Cart._meta.db_table)} c WHERE /* which */ ORDER BY c.id LIMIT 1"
    )


def _json_instances(model: type[Model], value: object) -> list[Any]:
    """Rows of ``model`` (all its columns) read through :func:`json_rows_sql`."""
    fields = model._meta.concrete_fields
    names = [field.attname for field in fields]
    return [
        model.from_db(
            connection.alias,
            names,
            [
                datetime_from_json(v) if isinstance(field, DateTimeField) else v
                for field, v in zip(fields, row, strict=True)
            ],
        )
        for row in rows_from_json(value)
    ]


def _cart_create_with(
    *, session: SessionBase, user: User | None, wanted: dict[int, int], moment: dt.datetime
) -> tuple[Cart, CartContents] | None:
    """A new cart holding ``wanted``; None when the user's cart was created meanwhile."""
    _check_size(len(wanted))
    offers = offers_by_id(wanted, fulfilment_at=moment)
    territory_id = _check_wanted(offers, wanted, territory_id=None)
    signed_in = user is not None and user.is_authenticated
    try:
        with transaction.atomic():
            cart = Cart.objects.create(user=user if signed_in else None, territory_id=territory_id)
            _territory_known(cart, offers)
            lines = CartLine.objects.bulk_create(_new_lines(cart, offers, wanted, territory_id))
    except IntegrityError:
        if not signed_in:
            raise
        return None  # created meanwhile by another request of the same user
    if not signed_in:
        session[SESSION_CART_KEY] = cart.pk
    return cart, CartContents(lines, [], offers_shop_facts(offers.values()), moment)


def _new_lines(
    cart: Cart, offers: dict[int, Offer], wanted: dict[int, int], territory_id: int
) -> list[CartLine]:
    """Unsaved lines of ``cart`` for ``wanted`` (offer id → quantity), at today's prices."""
    return [
        CartLine(
            territory_id=territory_id,
            cart=cart,
            offer=offers[offer_id],
            quantity=quantity,
            unit_price_cents=offers[offer_id].price_cents,
        )
        for offer_id, quantity in wanted.items()
    ]


def _territory_known(cart: Cart, offers: dict[int, Offer]) -> None:
    """Give ``cart`` its territory as read with the offers: no query to show it."""
    for offer in offers.values():
        if offer.shop.territory_id == cart.territory_id:
            cart.territory = offer.shop.territory
            return


def cart_lines_update(*, cart: Cart, lines: Sequence[dict[str, Any]], replace: bool) -> Cart:
    """Set (``replace``) or add to the cart's lines ``[{offer_id, quantity}]``, all or nothing.

    With ``replace`` the lines sent become the whole cart; otherwise each quantity
    is added to what the cart already holds for that offer.
    """
    _lines_write(cart, _parse_lines(lines), replace=replace, moment=None)
    return cart


def _lines_write(
    cart: Cart, wanted: dict[int, int], *, replace: bool, moment: dt.datetime | None
) -> CartContents | None:
    """Write ``wanted`` into ``cart``; with ``moment``, answer what the cart then holds."""
    with transaction.atomic():
        return _lines_write_in(cart, wanted, replace=replace, moment=moment, state=None)


def _lines_write_in(
    cart: Cart,
    wanted: dict[int, int],
    *,
    replace: bool,
    moment: dt.datetime | None,
    state: tuple[list[CartLine], list[CartShopChoice]] | None,
) -> CartContents | None:
    """:func:`_lines_write` inside the caller's transaction; ``state``, the cart's lines
    and choices when they were read in it (:func:`_cart_state`)."""
    existing = {line.offer_id: line for line in (state[0] if state else cart.lines.all())}
    if not replace:
        for offer_id, line in existing.items():
            if offer_id in wanted:
                wanted[offer_id] += line.quantity
    for offer_id, quantity in wanted.items():
        parse_quantity(quantity, offer_id=offer_id)
    final_ids = set(wanted) | (set() if replace else set(existing))
    _check_size(len(final_ids))
    if not wanted:
        if replace:
            cart_clear(cart=cart)
        return None
    # A cart that never had lines, or lost them all with their offers, has its
    # territory set only in the second case: only then may choices be left.
    with_choices = moment is not None and (existing or cart.territory_id)
    choices: list[CartShopChoice] = []
    if with_choices:
        choices = state[1] if state else list(cart.choices.all())
    offers = offers_by_id(final_ids if moment else wanted, fulfilment_at=moment)
    base_territory = None if replace or not existing else cart.territory_id
    territory_id = _check_wanted(offers, wanted, territory_id=base_territory)
    if replace and not set(existing) <= set(wanted):
        cart.lines.exclude(offer_id__in=list(wanted)).delete()
    written = CartLine.objects.bulk_create(
        _new_lines(cart, offers, wanted, territory_id),
        update_conflicts=True,
        unique_fields=["cart", "offer"],
        update_fields=["quantity", "unit_price_cents"],
    )
    if cart.territory_id != territory_id:
        cart.territory_id = territory_id
        cart.save(update_fields=["territory", "updated_at"])
    _territory_known(cart, offers)
    if moment is None:
        _drop_orphan_choices(cart)
        return None
    shop_ids = {offers[offer_id].shop_id for offer_id in final_ids if offer_id in offers}
    orphans = [choice.pk for choice in choices if choice.shop_id not in shop_ids]
    if orphans:
        CartShopChoice.objects.filter(pk__in=orphans).delete()
    final: list[CartLine] = []
    for line in written:
        kept = existing.get(line.offer_id)
        if kept is not None:  # the row keeps its id and the time it was first added
            kept.quantity, kept.unit_price_cents = line.quantity, line.unit_price_cents
            line = kept
        line.offer = offers[line.offer_id]
        final.append(line)
    if not replace:
        for offer_id, line in existing.items():
            if offer_id not in wanted and offer_id in offers:  # (an offer deleted meanwhile)
                line.offer = offers[offer_id]
                final.append(line)
    return CartContents(
        final,
        [choice for choice in choices if choice.pk not in orphans],
        offers_shop_facts(offers.values()),
        moment,
    )


def cart_line_remove(*, cart: Cart, offer_id: int) -> None:
    with transaction.atomic():
        cart.lines.filter(offer_id=offer_id).delete()
        _after_removal(cart)


def cart_remove_offers(*, cart: Cart, offer_ids: Iterable[int]) -> None:
    """Remove what was just ordered (called in the checkout's transaction)."""
    cart.lines.filter(offer_id__in=list(offer_ids)).delete()
    _after_removal(cart)


def cart_clear(*, cart: Cart) -> None:
    with transaction.atomic():
        cart.lines.all().delete()
        cart.choices.all().delete()
        if cart.territory_id is not None:
            cart.territory = None
            cart.save(update_fields=["territory", "updated_at"])


def _after_removal(cart: Cart) -> None:
    if not cart.lines.exists():
        cart.choices.all().delete()
        if cart.territory_id is not None:
            cart.territory = None
            cart.save(update_fields=["territory", "updated_at"])
    else:
        _drop_orphan_choices(cart)


def _drop_orphan_choices(cart: Cart) -> None:
    cart.choices.exclude(shop_id__in=cart.lines.values("offer__shop_id")).delete()


def cart_choose_fulfilment(
    *, cart: Cart, shop_id: int, option: str, slot_start: dt.datetime | None
) -> CartShopChoice:
    """Record how the shopper wants this shop's order; validated against free slots."""
    from cabas.fulfilment.selectors import fulfilment_for_shops
    from cabas.shops.models import Shop

    shop = Shop.objects.select_related("territory").filter(pk=shop_id).first()
    if shop is None or not cart.lines.filter(offer__shop_id=shop_id).exists():
        raise CartError("shop_not_in_cart", _("Ce commerce n'est pas dans votre panier."))
    view = fulfilment_for_shops([shop])[shop.pk]
    # No option named: the one with the earliest slot, chosen again at checkout.
    chosen = view.option(option) if option else view.default_option
    if chosen is None:
        raise CartError(
            "fulfilment_unavailable",
            _("%(shop)s ne propose pas ce mode de retrait.") % {"shop": shop.name},
            {"shop": shop.slug, "option": option},
        )
    if slot_start is not None and chosen.find_slot(slot_start) is None:
        raise CartError(
            "slot_unavailable",
            _("Ce créneau n'est plus disponible ; choisissez-en un autre."),
            {"shop": shop.slug, "slot": slot_start.isoformat()},
        )
    choice, _created = CartShopChoice.objects.update_or_create(
        cart=cart,
        shop=shop,
        defaults={"territory_id": shop.territory_id, "option": option, "slot_start": slot_start},
    )
    return choice


def cart_set_delivery_address(*, cart: Cart, address: str, postcode: str) -> None:
    cart.delivery_address = address.strip()[:255]
    cart.delivery_postcode = postcode.strip()[:10]
    cart.save(update_fields=["delivery_address", "delivery_postcode", "updated_at"])


@dataclass(frozen=True)
class CartChange:
    code: str  # price_changed, quantity_reduced, out_of_stock, offer_unavailable
    offer_id: int
    message: str


def cart_refresh(*, cart: Cart) -> list[CartChange]:
    """Bring the cart in line with the shops: each change comes with a French message.

    New prices replace the ones shown; quantities drop to the stock left; lines no
    longer on sale leave the cart.
    """
    from cabas.shops.models import ShopStatus

    changes: list[CartChange] = []
    with transaction.atomic():
        lines = list(cart.lines.select_related("offer__product", "offer__shop"))
        removed: list[int] = []
        updated: list[CartLine] = []
        for line in lines:
            offer = line.offer
            name = offer.product.name
            if not offer.is_active or offer.shop.status != ShopStatus.APPROVED:
                removed.append(line.pk)
                changes.append(
                    CartChange(
                        "offer_unavailable",
                        offer.pk,
                        _("« %(name)s » n'est plus en vente et a été retiré de votre panier.")
                        % {"name": name},
                    )
                )
                continue
            if offer.stock is not None and offer.stock <= 0:
                removed.append(line.pk)
                changes.append(
                    CartChange(
                        "out_of_stock",
                        offer.pk,
                        _("« %(name)s » est épuisé et a été retiré de votre panier.")
                        % {"name": name},
                    )
                )
                continue
            dirty = False
            if offer.price_cents != line.unit_price_cents:
                changes.append(
                    CartChange(
                        "price_changed",
                        offer.pk,
                        _("Le prix de « %(name)s » est passé de %(old)s à %(new)s.")
                        % {
                            "name": name,
                            "old": format_money(line.unit_price_cents),
                            "new": format_money(offer.price_cents),
                        },
                    )
                )
                line.unit_price_cents = offer.price_cents
                dirty = True
            if offer.stock is not None and offer.stock < line.quantity:
                changes.append(
                    CartChange(
                        "quantity_reduced",
                        offer.pk,
                        _("Il ne reste que %(count)d « %(name)s » : quantité ajustée.")
                        % {"count": offer.stock, "name": name},
                    )
                )
                line.quantity = min(offer.stock, MAX_LINE_QUANTITY)
                dirty = True
            if dirty:
                updated.append(line)
        if removed:
            CartLine.objects.filter(pk__in=removed).delete()
        if updated:
            CartLine.objects.bulk_update(updated, ["unit_price_cents", "quantity"])
        if removed:
            _after_removal(cart)
    return changes


def cart_merge_at_login(*, session: SessionBase, user: User) -> Cart | None:
    """Fold the anonymous session cart into the user's cart; call right after ``login()``.

    Same offer in both: the larger quantity wins (the same person filling two
    baskets rarely means to buy twice). Carts of different territories: the
    anonymous cart, the one just filled, replaces the other.
    """
    cart_id = session.get(SESSION_CART_KEY)
    if not isinstance(cart_id, int):
        return Cart.objects.filter(user=user).first()
    with transaction.atomic():
        anonymous = Cart.objects.filter(pk=cart_id, user__isnull=True).first()
        session.pop(SESSION_CART_KEY, None)
        if anonymous is None:
            return Cart.objects.filter(user=user).first()
        mine = Cart.objects.filter(user=user).first()
        if mine is None:
            anonymous.user = user
            anonymous.save(update_fields=["user", "updated_at"])
            return anonymous
        incoming = list(anonymous.lines.all())
        if incoming:
            if mine.territory_id not in (None, anonymous.territory_id):
                mine.lines.all().delete()
                mine.choices.all().delete()
            current = {line.offer_id: line for line in mine.lines.all()}
            merged = [
                CartLine(
                    territory_id=line.territory_id,
                    cart=mine,
                    offer_id=line.offer_id,
                    quantity=max(line.quantity, getattr(current.get(line.offer_id), "quantity", 0)),
                    unit_price_cents=line.unit_price_cents,
                )
                for line in incoming
            ]
            CartLine.objects.bulk_create(
                merged,
                update_conflicts=True,
                unique_fields=["cart", "offer"],
                update_fields=["quantity", "unit_price_cents"],
            )
            mine.territory_id = anonymous.territory_id
            mine.save(update_fields=["territory", "updated_at"])
        anonymous.delete()
        return mine


def cart_reorder(*, cart: Cart, order_lines: Iterable[tuple[int | None, int, str]]) -> list[str]:
    """Add a past order's lines ``(offer_id, quantity, name)`` again; returns what was skipped."""
    from cabas.shops.models import ShopStatus

    skipped: list[str] = []
    lines: list[dict[str, Any]] = []
    wanted = list(order_lines)
    offers = offers_by_id(offer_id for offer_id, _q, _n in wanted if offer_id)
    in_cart = dict(cart.lines.values_list("offer_id", "quantity"))
    territory = cart.territory_id if in_cart else None
    for offer_id, quantity, name in wanted:
        offer = offers.get(offer_id) if offer_id else None
        room = MAX_LINE_QUANTITY - in_cart.get(offer_id or 0, 0)
        if offer is not None and offer.stock is not None:
            room = min(room, offer.stock - in_cart.get(offer.pk, 0))
        if (
            offer is None
            or not offer.is_active
            or offer.shop.status != ShopStatus.APPROVED
            or (territory is not None and offer.territory_id != territory)
            or room <= 0
        ):
            skipped.append(_("« %(name)s » n'est plus disponible.") % {"name": name})
            continue
        if room < quantity:
            skipped.append(
                _("« %(name)s » : quantité ramenée à %(count)d.")
                % {"count": room + in_cart.get(offer.pk, 0), "name": name}
            )
            quantity = room
        territory = offer.territory_id
        lines.append({"offer_id": offer.pk, "quantity": quantity})
    if lines:
        cart_lines_update(cart=cart, lines=lines, replace=False)
    return skipped


def carts_purge_abandoned(*, now: dt.datetime, older_than: dt.timedelta) -> int:
    """Delete anonymous carts untouched for ``older_than`` (their session is gone by then).

    A signed-in shopper's cart is kept: it is theirs until they empty it. Lines and
    fulfilment choices go with their cart (cascade). Returns the number of carts deleted.
    """
    stale = Cart.objects.filter(user__isnull=True, updated_at__lt=now - older_than)
    _total, by_model = stale.delete()
    return by_model.get(Cart._meta.label, 0)
