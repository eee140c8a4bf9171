"""The payment state machine: the one table of allowed moves.

pending → paid (confirmed by the browser return or the webhook, whichever comes first);
pending → failed (expired unpaid, or refused); paid → refunded; failed → refunded (the
money arrived after expiry and is given back). Nothing else.
"""

from __future__ import annotations

from .models import PaymentStatus as S

TRANSITIONS: frozenset[tuple[str, str]] = frozenset(
    {
        (S.PENDING, S.PAID),
        (S.PENDING, S.FAILED),
        (S.PAID, S.REFUNDED),
        (S.FAILED, S.REFUNDED),
    }
)


def can_move(from_status: str, to_status: str) -> bool:
    return (from_status, to_status) in TRANSITIONS
