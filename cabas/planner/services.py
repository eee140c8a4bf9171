"""Writes of the planner: saved lists, and a plan turned into the multi-shop cart.

``plan_to_cart`` keeps the cart's invariants by going through the cart services (one
territory, stock, quantities) and writes everything or nothing: lines and per-shop
pickup slots in one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cabas.accounts.models import User
from cabas.cart.models import Cart
from cabas.cart.services import cart_choose_fulfilment, cart_lines_update
from cabas.fulfilment.models import FulfilmentMethod
from cabas.fulfilment.selectors import fulfilment_for_shops
from cabas.shops.models import Shop
from cabas.territories.models import Territory

from .errors import PlanError
from .lines import MAX_LINES
from .models import MAX_SAVED_LISTS, SavedList
from .selectors import Plan


@dataclass(frozen=True)
class PlannedPickup:
    shop_id: int
    arrival: dt.datetime
    slot_start: dt.datetime | None  # None: the shop has no pickup slot after the arrival
    slot_end: dt.datetime | None


def saved_list_save(*, territory: Territory, user: User, name: str, text: str) -> SavedList:
    """Create or replace the shopper's list of that name (at most ``MAX_SAVED_LISTS``)."""
    name = " ".join(name.split())[:80]
    rows = [row.strip()[:120] for row in text.splitlines() if row.strip()]
    if not name:
        raise PlanError("name_required", _("Donnez un nom à votre liste."), {"field": "name"})
    if not rows:
        raise PlanError("empty_list", _("Votre liste est vide : écrivez un article par ligne."))
    if len(rows) > MAX_LINES:
        raise PlanError(
            "too_many_lines",
            _("Une liste compte au plus %(max)d lignes ; vous en avez %(count)d.")
            % {"max": MAX_LINES, "count": len(rows)},
        )
    with transaction.atomic():
        existing = SavedList.objects.filter(territory=territory, user=user, name=name).first()
        if existing is not None:
            existing.text = "\n".join(rows)
            existing.save(update_fields=["text", "updated_at"])
            return existing
        if SavedList.objects.filter(territory=territory, user=user).count() >= MAX_SAVED_LISTS:
            raise PlanError(
                "too_many_lists",
                _("Vous avez déjà %(max)d listes : supprimez-en une d'abord.")
                % {"max": MAX_SAVED_LISTS},
            )
        try:
            with transaction.atomic():
                return SavedList.objects.create(
                    territory=territory, user=user, name=name, text="\n".join(rows)
                )
        except IntegrityError:  # saved meanwhile under the same name by another request
            found = SavedList.objects.get(territory=territory, user=user, name=name)
            found.text = "\n".join(rows)
            found.save(update_fields=["text", "updated_at"])
            return found


def saved_list_delete(*, territory: Territory, user: User, pk: int) -> bool:
    deleted, _by_model = SavedList.objects.filter(territory=territory, user=user, pk=pk).delete()
    return deleted > 0


def pickup_slots_along(plan: Plan, *, now: dt.datetime | None = None) -> list[PlannedPickup]:
    """For each stop in walking order, the first free pickup slot starting once the shopper
    can be there, and never before the previous stop's slot: slot times follow the route."""
    shops = list(
        Shop.objects.select_related("territory").filter(
            territory=plan.request.territory, pk__in=[stop.shop.id for stop in plan.stops]
        )
    )
    views = fulfilment_for_shops(shops, now=now)
    pickups: list[PlannedPickup] = []
    previous: dt.datetime | None = None
    for stop in plan.stops:
        arrival = plan.arrival(stop)
        earliest = arrival if previous is None else max(arrival, previous + dt.timedelta(minutes=1))
        view = views.get(stop.shop.id)
        option = view.option(FulfilmentMethod.PICKUP) if view is not None else None
        slot = None
        if option is not None:
            slot = next((s for s in option.slots if s.start >= earliest), None)
        pickups.append(
            PlannedPickup(
                shop_id=stop.shop.id,
                arrival=arrival,
                slot_start=slot.start if slot is not None else None,
                slot_end=slot.end if slot is not None else None,
            )
        )
        if slot is not None:
            previous = slot.start
    return pickups


def plan_to_cart(*, cart: Cart, plan: Plan, now: dt.datetime | None = None) -> list[PlannedPickup]:
    """Add every covered line to the cart and choose each shop's pickup slot in route
    order, all or nothing (a :class:`~cabas.cart.errors.CartError` rolls everything back)."""
    lines = [
        {"offer_id": choice.offer.offer_id, "quantity": choice.line.quantity}
        for stop in plan.stops
        for choice in stop.choices
        if choice.offer is not None
    ]
    if not lines:
        raise PlanError(
            "nothing_to_add",
            _("Aucun article de votre liste n'est disponible dans les commerces choisis."),
        )
    pickups = pickup_slots_along(plan, now=now)
    with transaction.atomic():
        cart_lines_update(cart=cart, lines=lines, replace=False)
        for pickup in pickups:
            if pickup.slot_start is not None:
                cart_choose_fulfilment(
                    cart=cart,
                    shop_id=pickup.shop_id,
                    option=FulfilmentMethod.PICKUP,
                    slot_start=pickup.slot_start,
                )
    return pickups
