"""Loyalty reads: the territory's settings, a shopper's points and their history."""

from __future__ import annotations

from dataclasses import dataclass

from cabas.ledger.models import Account, AccountKind, Entry
from cabas.ledger.selectors import account_history
from cabas.territories.models import Territory

from .models import POINTS_CURRENCY, LoyaltySettings


def loyalty_settings(territory: Territory) -> LoyaltySettings | None:
    """The scheme's settings, or ``None`` when the operator never set it up."""
    return LoyaltySettings.objects.filter(territory=territory).first()


def loyalty_active(territory: Territory) -> LoyaltySettings | None:
    settings = loyalty_settings(territory)
    return settings if settings is not None and settings.enabled else None


def points_account_find(territory: Territory, user_id: int) -> Account | None:
    return Account.objects.filter(
        territory=territory,
        kind=AccountKind.LOYALTY,
        owner_ref=f"user:{user_id}",
        currency=POINTS_CURRENCY,
    ).first()


def points_balance(territory: Territory, user_id: int) -> int:
    """The shopper's points in ``territory`` (0 before the first earning)."""
    account = points_account_find(territory, user_id)
    return account.balance_cents if account is not None else 0


@dataclass(frozen=True)
class PointsLine:
    entry: Entry
    points: int
    balance_after: int
    label: str


LABELS = {
    "loyalty_earn": "earned",
    "loyalty_spend": "spent",
    "loyalty_refund": "refunded",
}


def points_history(territory: Territory, user_id: int, limit: int = 200) -> list[PointsLine]:
    """The shopper's point movements, newest first, with the balance after each."""
    account = points_account_find(territory, user_id)
    if account is None:
        return []
    return [
        PointsLine(
            entry=entry,
            points=entry.amount_cents,
            balance_after=entry.balance_after_cents,  # type: ignore[attr-defined]
            label=LABELS.get(entry.transaction.kind, "other"),
        )
        for entry in account_history(account)[:limit]
    ]
