"""The shared loyalty scheme: settings, points earned on collected orders, points spent.

Ledger shape (see ``models``): points are the ``PTS`` currency. Earning is
``external:loyalty_points → loyalty user:<id>`` in PTS; spending is the reverse, plus
the discount's money ``external:loyalty_operator → merchant_receivable shop:<id>`` in
the territory's currency: the operator funds every loyalty discount, and the shop is
owed it exactly as for a voucher. Invariants: a shopper's points never go below zero
(the ledger's non-negative balance, checked on the locked account); an order earns
once (idempotency key ``loyalty_earn:order:<id>``).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from cabas.accounts.models import User
from cabas.ledger.errors import LedgerError
from cabas.ledger.models import Account, AccountKind, LedgerTransaction
from cabas.ledger.services import account_open, ledger_post
from cabas.territories.models import Territory

from .errors import LoyaltyError
from .models import POINTS_CURRENCY, LoyaltySettings

EXTERNAL_POINTS = "loyalty_points"
EXTERNAL_OPERATOR = "loyalty_operator"
MAX_POINTS_PER_EURO = 1000
MAX_POINT_VALUE_CENTS = 10_000


def _positive_int(value: object, *, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise LoyaltyError(
            "invalid_settings",
            _("« %(field)s » est un nombre entier entre %(low)s et %(high)s.")
            % {"field": field, "low": low, "high": high},
            field=field,
        )
    return value


def loyalty_settings_update(
    *, territory: Territory, enabled: bool, points_per_euro: int, point_value_cents: int
) -> LoyaltySettings:
    """Set the territory's scheme. Points already earned keep their count."""
    per_euro = _positive_int(
        points_per_euro, field="points_per_euro", low=0, high=MAX_POINTS_PER_EURO
    )
    value = _positive_int(
        point_value_cents, field="point_value_cents", low=1, high=MAX_POINT_VALUE_CENTS
    )
    settings, _created = LoyaltySettings.objects.update_or_create(
        territory=territory,
        defaults={
            "enabled": bool(enabled),
            "points_per_euro": per_euro,
            "point_value_cents": value,
        },
    )
    return settings


def points_account(*, territory: Territory, user_id: int) -> Account:
    """The shopper's points (``PTS``), opened on first use."""
    return account_open(
        territory=territory,
        kind=AccountKind.LOYALTY,
        owner_ref=f"user:{user_id}",
        currency=POINTS_CURRENCY,
    )


def _points_source(territory: Territory) -> Account:
    return account_open(
        territory=territory,
        kind=AccountKind.EXTERNAL,
        owner_ref=EXTERNAL_POINTS,
        currency=POINTS_CURRENCY,
    )


def operator_funding_account(territory: Territory) -> Account:
    """Where the money of loyalty discounts comes from (the operator, settled outside)."""
    return account_open(territory=territory, kind=AccountKind.EXTERNAL, owner_ref=EXTERNAL_OPERATOR)


def merchant_receivable(*, territory: Territory, shop_id: int) -> Account:
    return account_open(
        territory=territory, kind=AccountKind.MERCHANT_RECEIVABLE, owner_ref=f"shop:{shop_id}"
    )


def points_earned(settings: LoyaltySettings | None, amount_cents: int) -> int:
    """Whole points for ``amount_cents`` spent (rounded down); 0 when the scheme is off."""
    if settings is None or not settings.enabled or amount_cents <= 0:
        return 0
    return amount_cents * settings.points_per_euro // 100


def loyalty_earn(
    *, territory: Territory, user_id: int, order_id: int, amount_cents: int
) -> LedgerTransaction | None:
    """Credit the points an order earns once it is handed over; idempotent per order.

    ``amount_cents`` is what the shopper paid (the order total minus any loyalty
    discount: points do not earn points). Nothing is written when the scheme is off.
    """
    settings = LoyaltySettings.objects.filter(territory=territory).first()
    points = points_earned(settings, amount_cents)
    if not points:
        return None
    with transaction.atomic():
        return ledger_post(
            territory=territory,
            kind="loyalty_earn",
            entries=[
                (_points_source(territory), -points),
                (points_account(territory=territory, user_id=user_id), points),
            ],
            reference=f"order:{order_id}",
            idempotency_key=f"loyalty_earn:order:{order_id}",
        )


def loyalty_spend(
    *,
    territory: Territory,
    user: User,
    shop_id: int,
    points: int,
    value_cents: int,
    reference: str,
    idempotency_key: str,
) -> tuple[LedgerTransaction, LedgerTransaction]:
    """Spend ``points`` as a ``value_cents`` discount at a shop: two balanced postings.

    The points leave the shopper's account (refused if fewer remain, on the locked
    row); the operator owes the shop the discount. Must run inside the caller's
    transaction, so a refusal rolls both back.
    """
    try:
        spent = ledger_post(
            territory=territory,
            kind="loyalty_spend",
            entries=[
                (points_account(territory=territory, user_id=user.pk), -points),
                (_points_source(territory), points),
            ],
            reference=reference,
            idempotency_key=f"{idempotency_key}:points",
        )
    except LedgerError as error:
        if error.code == "insufficient_funds":
            raise LoyaltyError(
                "loyalty_insufficient_points",
                _("Vous n'avez plus assez de points pour cette réduction."),
                status=409,
            ) from error
        raise
    paid = ledger_post(
        territory=territory,
        kind="loyalty_discount",
        entries=[
            (operator_funding_account(territory), -value_cents),
            (merchant_receivable(territory=territory, shop_id=shop_id), value_cents),
        ],
        reference=reference,
        idempotency_key=f"{idempotency_key}:money",
    )
    return spent, paid


def loyalty_restore(
    *,
    territory: Territory,
    user_id: int,
    shop_id: int,
    points: int,
    value_cents: int,
    reference: str,
    idempotency_key: str,
) -> tuple[LedgerTransaction, LedgerTransaction]:
    """Undo a spend (refused or cancelled order): points back, the shop's claim reversed."""
    back = ledger_post(
        territory=territory,
        kind="loyalty_refund",
        entries=[
            (_points_source(territory), -points),
            (points_account(territory=territory, user_id=user_id), points),
        ],
        reference=reference,
        idempotency_key=f"{idempotency_key}:points",
    )
    reversed_ = ledger_post(
        territory=territory,
        kind="loyalty_discount_refund",
        entries=[
            (merchant_receivable(territory=territory, shop_id=shop_id), -value_cents),
            (operator_funding_account(territory), value_cents),
        ],
        reference=reference,
        idempotency_key=f"{idempotency_key}:money",
    )
    return back, reversed_
