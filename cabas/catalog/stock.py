"""Stock changes: every one is a ``StockMovement``; a sale never oversells.

Invariant (DESIGN 1): an offer's stock never goes below zero, even when buyers of
the last units race. Three layers keep it:
1. the offers are locked in primary-key order (PostgreSQL ``FOR UPDATE``; on SQLite
   the transaction is ``BEGIN IMMEDIATE`` and holds the single write lock) and the
   quantities are checked on the locked rows;
2. the decrement itself is conditional (``… WHERE stock >= n``) and its row count
   must match, so a caller that skipped the lock still cannot oversell;
3. the ``offer_stock_non_negative`` CHECK constraint.
Untracked stock (``None``, "on request") is never decremented nor restored.
Each function below writes a constant number of statements whatever the line count.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, F, Q, Value, When

from .locks import lock_offers
from .models import Offer, StockMovement
from .services import offers_announce_available


@dataclass(frozen=True)
class Shortage:
    offer_id: int
    requested: int
    available: int


class InsufficientStockError(Exception):
    """Some offers do not have the requested quantity; nothing was changed."""

    code = "out_of_stock"

    def __init__(self, shortages: list[Shortage]) -> None:
        self.shortages = shortages
        super().__init__(", ".join(f"offer {s.offer_id}: {s.available}" for s in shortages))


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Stock changes must run inside transaction.atomic().")


def _shift_stock(quantities: Mapping[int, int], sign: int, guard: bool) -> int:
    """One UPDATE adding ``sign * quantity`` to each offer; returns the rows changed."""
    whens = [When(pk=pk, then=F("stock") + Value(sign * qty)) for pk, qty in quantities.items()]
    queryset = Offer.objects.filter(pk__in=list(quantities), stock__isnull=False)
    if guard:
        enough = Q()
        for pk, qty in quantities.items():
            enough |= Q(pk=pk, stock__gte=qty)
        queryset = queryset.filter(enough)
    return queryset.update(stock=Case(*whens, default=F("stock")))


def stock_sell(
    *,
    offers: Iterable[Offer],
    quantities: Mapping[int, int],
    reference: str,
    actor_id: int | None = None,
) -> None:
    """Take ``quantities[offer_id]`` units from each offer, or raise and change nothing.

    ``offers`` are the rows returned by :func:`cabas.catalog.locks.lock_offers` in
    the current transaction; their ``stock`` is updated in place.
    """
    _require_transaction()
    by_id = {offer.pk: offer for offer in offers}
    shortages = [
        Shortage(pk, qty, by_id[pk].stock or 0)
        for pk, qty in sorted(quantities.items())
        if by_id[pk].stock is not None and (by_id[pk].stock or 0) < qty
    ]
    if shortages:
        raise InsufficientStockError(shortages)
    tracked = {pk: qty for pk, qty in quantities.items() if by_id[pk].stock is not None}
    if not tracked:
        return
    if _shift_stock(tracked, -1, guard=True) != len(tracked):
        # Only reachable when a caller did not lock the rows: the guard refused.
        raise InsufficientStockError([Shortage(pk, qty, 0) for pk, qty in sorted(tracked.items())])
    movements = []
    for pk, qty in sorted(tracked.items()):
        offer = by_id[pk]
        offer.stock = (offer.stock or 0) - qty
        movements.append(
            StockMovement(
                territory_id=offer.territory_id,
                offer_id=pk,
                delta=-qty,
                stock_after=offer.stock,
                reason=StockMovement.Reason.SALE,
                reference=reference,
                actor_id=actor_id,
            )
        )
    StockMovement.objects.bulk_create(movements)


def stock_restore(
    *,
    quantities: Mapping[int, int],
    reference: str,
    reason: str = StockMovement.Reason.CANCEL,
    actor_id: int | None = None,
) -> None:
    """Put units back (refused or cancelled order); offers no longer tracked are skipped."""
    _require_transaction()
    quantities = {pk: qty for pk, qty in quantities.items() if qty > 0}
    if not quantities:
        return
    offers = {o.pk: o for o in lock_offers(quantities) if o.stock is not None}
    tracked = {pk: qty for pk, qty in quantities.items() if pk in offers}
    if not tracked:
        return
    _shift_stock(tracked, +1, guard=False)
    movements = StockMovement.objects.bulk_create(
        StockMovement(
            territory_id=offers[pk].territory_id,
            offer_id=pk,
            delta=qty,
            stock_after=(offers[pk].stock or 0) + qty,
            reason=reason,
            reference=reference,
            actor_id=actor_id,
        )
        for pk, qty in sorted(tracked.items())
    )
    _announce_back_in_stock(m for m in movements if (offers[m.offer_id].stock or 0) <= 0)


def stock_set(
    *,
    offer_id: int,
    quantity: int | None,
    reason: str,
    reference: str = "",
    actor_id: int | None = None,
) -> Offer:
    """Set an offer's stock to ``quantity`` (import, sync, manual count); None = untracked.

    The movement records the difference with the locked current value, so the
    history stays a running sum even when a sale happened in between.
    """
    if quantity is not None and quantity < 0:
        raise ValueError("Stock cannot be negative.")
    with transaction.atomic():
        offer = lock_offers([offer_id]).get()
        before = offer.stock
        if before == quantity:
            return offer
        Offer.objects.filter(pk=offer_id).update(stock=quantity)
        offer.stock = quantity
        # Starting to track at zero changes no unit: no movement (deltas are never zero).
        if quantity is not None and quantity != (before or 0):
            movement = StockMovement.objects.create(
                territory_id=offer.territory_id,
                offer_id=offer_id,
                delta=quantity - (before or 0),
                stock_after=quantity,
                reason=reason,
                reference=reference,
                actor_id=actor_id,
            )
            if (before or 0) <= 0 < quantity:
                _announce_back_in_stock([movement])
        return offer


def stock_adjust(
    *,
    offer_id: int,
    delta: int,
    reason: str,
    reference: str = "",
    actor_id: int | None = None,
) -> Offer:
    """Add ``delta`` (may be negative) to a tracked offer; refuses to go below zero."""
    if delta == 0:
        raise ValueError("A stock adjustment needs a non-zero delta.")
    with transaction.atomic():
        offer = lock_offers([offer_id]).get()
        if offer.stock is None:
            raise ValueError("This offer's stock is not tracked.")
        if offer.stock + delta < 0:
            raise InsufficientStockError([Shortage(offer_id, -delta, offer.stock)])
        Offer.objects.filter(pk=offer_id).update(stock=F("stock") + Value(delta))
        offer.stock += delta
        movement = StockMovement.objects.create(
            territory_id=offer.territory_id,
            offer_id=offer_id,
            delta=delta,
            stock_after=offer.stock,
            reason=reason,
            reference=reference,
            actor_id=actor_id,
        )
        if offer.stock - delta <= 0 < offer.stock:
            _announce_back_in_stock([movement])
        return offer


def _announce_back_in_stock(movements: Iterable[StockMovement]) -> None:
    """Offers that went from none to some units: shoppers' alerts are matched after commit."""
    offers_announce_available(
        events=[(m.offer_id, m.territory_id, f"stock:{m.pk}") for m in movements]
    )
