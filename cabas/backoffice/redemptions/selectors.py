"""Reads of the till: a code checked for this shop, the shop's redemptions, one receipt.

Scoped by territory and shop (DESIGN 4): a code of another territory is refused without
showing its balance, and a receipt of another shop's redemption is ``None`` (404).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.db.models import BigIntegerField, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from cabas.ledger.models import AccountKind, Entry
from cabas.settlements.selectors import CardInfo, cards_by_account, merchant_receivable
from cabas.shops.models import Shop
from cabas.vouchers.codes import code_display, code_normalise
from cabas.vouchers.errors import VoucherError
from cabas.vouchers.models import GiftCard, Voucher
from cabas.vouchers.selectors import card_shop_eligible

# The eligibility rule lives with the vouchers; reused so the check shown matches the debit.

REDEMPTION_KIND = "voucher_redemption"
HISTORY_LENGTH = 50


@dataclass(frozen=True)
class CardCheck:
    """A code as the till sees it; ``problem`` says why it cannot be spent here, if so."""

    code: str
    code_display: str
    kind: str  # "voucher" or "gift_card"
    label: str
    balance_cents: int
    currency: str
    expires_at: dt.datetime
    problem: VoucherError | None

    @property
    def usable(self) -> bool:
        return self.problem is None


def card_check(shop: Shop, code: object, *, now: dt.datetime | None = None) -> CardCheck:
    """The code's balance and validity for ``shop``.

    Raises ``unknown_code`` (unreadable or unknown) and ``foreign_territory`` (the code
    belongs to another territory: its balance is not shown); an ineligible shop, an
    expired or an exhausted code come back as ``problem``, with the balance.
    """
    normalised = code_normalise(code)
    card: Voucher | GiftCard | None = None
    if normalised:
        card = GiftCard.objects.filter(code=normalised).select_related("account").first() or (
            Voucher.objects.filter(code=normalised).select_related("account", "programme").first()
        )
    if card is None or card.account is None or not secrets.compare_digest(card.code, normalised):
        raise VoucherError(
            "unknown_code",
            _("Ce code est inconnu : vérifiez-le (12 caractères, sans 0, 1, I, L, O, U ni V)."),
            status=404,
        )
    if card.territory_id != shop.territory_id:
        raise VoucherError(
            "foreign_territory", _("Ce code n'est pas valable sur ce territoire."), status=403
        )
    balance = card.account.balance_cents
    problem: VoucherError | None = None
    if not card_shop_eligible(card, shop):
        problem = VoucherError(
            "shop_not_eligible", _("Ce code n'est pas accepté dans ce commerce.")
        )
    elif (now or timezone.now()) >= card.expires_at:
        problem = VoucherError("expired", _("Ce code a expiré."))
    elif balance == 0:
        problem = VoucherError("exhausted", _("Ce code a déjà été entièrement utilisé."))
    is_gift = isinstance(card, GiftCard)
    return CardCheck(
        code=card.code,
        code_display=code_display(card.code),
        kind="gift_card" if is_gift else "voucher",
        label=_("Carte cadeau") if is_gift else card.programme.name,  # type: ignore[union-attr]
        balance_cents=balance,
        currency=card.account.currency,
        expires_at=card.expires_at,
        problem=problem,
    )


@dataclass(frozen=True)
class Redemption:
    transaction_id: int
    created_at: dt.datetime
    reference: str
    amount_cents: int
    card: CardInfo | None
    balance_after_cents: int | None
    currency: str
    cashier: str  # who took it: a cashier's name, "API · <token>", "" online


def _redemption_entries(shop: Shop):  # type: ignore[no-untyped-def]
    receivable = merchant_receivable(shop)
    if receivable is None:
        return None, Entry.objects.none()
    entries = Entry.objects.filter(
        territory_id=shop.territory_id,
        account=receivable,
        transaction__kind=REDEMPTION_KIND,
    ).select_related("transaction")
    return receivable, entries


def _card_legs(transaction_ids: set[int]) -> dict[int, Entry]:
    return {
        leg.transaction_id: leg
        for leg in Entry.objects.filter(
            transaction_id__in=transaction_ids, account__kind=AccountKind.GIFT_CARD
        ).order_by("pk")
    }


def shop_redemptions(shop: Shop, *, limit: int = HISTORY_LENGTH) -> list[Redemption]:
    """The shop's latest redemptions (in store and online), newest first; three queries."""
    _receivable, entries = _redemption_entries(shop)
    rows = list(entries.order_by("-transaction__created_at", "-pk")[:limit])
    legs = _card_legs({row.transaction_id for row in rows})
    cards = cards_by_account({leg.account_id for leg in legs.values()})
    return [
        Redemption(
            transaction_id=row.transaction_id,
            created_at=row.transaction.created_at,
            reference=row.transaction.reference,
            amount_cents=row.amount_cents,
            card=cards.get(legs[row.transaction_id].account_id)
            if row.transaction_id in legs
            else None,
            balance_after_cents=None,
            currency=shop.territory.currency,
            cashier=row.transaction.actor_label,
        )
        for row in rows
    ]


def shop_redemption(shop: Shop, transaction_id: int) -> Redemption | None:
    """One of the shop's redemptions with the code's balance right after it, or ``None``."""
    _receivable, entries = _redemption_entries(shop)
    row = entries.filter(transaction_id=transaction_id).first()
    if row is None:
        return None
    leg = _card_legs({transaction_id}).get(transaction_id)
    card = None
    balance_after = None
    if leg is not None:
        card = cards_by_account({leg.account_id}).get(leg.account_id)
        balance_after = int(
            Entry.objects.filter(account_id=leg.account_id, pk__lte=leg.pk).aggregate(
                total=Coalesce(Sum("amount_cents"), Value(0), output_field=BigIntegerField())
            )["total"]
        )
    return Redemption(
        transaction_id=row.transaction_id,
        created_at=row.transaction.created_at,
        reference=row.transaction.reference,
        amount_cents=row.amount_cents,
        card=card,
        balance_after_cents=balance_after,
        currency=shop.territory.currency,
        cashier=row.transaction.actor_label,
    )
