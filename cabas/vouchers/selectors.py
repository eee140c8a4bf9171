"""Voucher and gift card reads: the public balance lookup, budgets, settlement totals."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.db.models import BigIntegerField, Sum, Value
from django.db.models.functions import Coalesce

from cabas.ledger.models import Account, AccountKind
from cabas.territories.models import Territory

from .codes import code_display, code_normalise
from .models import GiftCard, Voucher, VoucherProgramme


@dataclass(frozen=True)
class CardBalance:
    code_display: str
    kind: str  # "gift_card" or "voucher"
    balance_cents: int
    currency: str
    expires_at: dt.datetime
    shop_name: str  # "" when valid in every (eligible) shop


def card_balance(code: object) -> CardBalance | None:
    """The public balance of a voucher or gift card code, or ``None`` if unknown.

    One indexed lookup per table, then a constant-time comparison of the stored code,
    so a wrong code and a near-miss take the same path. Reveals no owner or e-mail.
    """
    normalised = code_normalise(code)
    if not normalised:
        return None
    card: GiftCard | Voucher | None = (
        GiftCard.objects.filter(code=normalised).select_related("account", "shop").first()
    )
    if card is None:
        card = Voucher.objects.filter(code=normalised).select_related("account").first()
    if card is None or card.account is None or not secrets.compare_digest(card.code, normalised):
        return None
    shop = card.shop if isinstance(card, GiftCard) else None
    return CardBalance(
        code_display=code_display(card.code),
        kind="gift_card" if isinstance(card, GiftCard) else "voucher",
        balance_cents=card.account.balance_cents,
        currency=card.account.currency,
        expires_at=card.expires_at,
        shop_name=shop.name if shop else "",
    )


def programme_budget_remaining(programme: VoucherProgramme) -> int:
    """What the funder can still give, in cents (the budget account's balance)."""
    if programme.funder_account_id is None:
        return 0
    return Account.objects.get(pk=programme.funder_account_id).balance_cents


def merchant_receivables_total(territory: Territory) -> int:
    """What the territory owes its shops for redeemed codes, in cents."""
    total = Account.objects.filter(
        territory=territory, kind=AccountKind.MERCHANT_RECEIVABLE
    ).aggregate(total=Coalesce(Sum("balance_cents"), Value(0), output_field=BigIntegerField()))[
        "total"
    ]
    return int(total)
