"""Recording a payout made to a shop: the operator's « versement effectué ».

Invariants kept here:
- a payout is one balanced ledger transaction, merchant receivable → external
  ``bank_payouts``, and one ``Payout`` row, both or neither (one transaction);
- it never takes money the receivable must keep for a refund: the tenders and the
  unsent card shares of orders not yet handed over, and card refunds not yet booked
  (checked on the locked receivable account);
- a double submit (same key) is one payout.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cabas.accounts.models import User
from cabas.audit import actions
from cabas.audit.services import audit_record
from cabas.ledger.errors import LedgerError
from cabas.ledger.locks import lock_accounts
from cabas.ledger.models import AccountKind
from cabas.ledger.services import MAX_AMOUNT_CENTS, account_open, ledger_post
from cabas.money import format_money
from cabas.shops.models import Shop

from .errors import SettlementError
from .models import Payout
from .selectors import receivable_reserved_cents

EXTERNAL_BANK_PAYOUTS = "bank_payouts"
MAX_REFERENCE_LENGTH = 100


def _clean(
    *, amount_cents: object, paid_on: object, reference: object, today: dt.date
) -> tuple[int, dt.date, str]:
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int) or amount_cents <= 0:
        raise SettlementError(
            "invalid_amount", _("Le montant du versement doit être supérieur à 0 €.")
        )
    if amount_cents > MAX_AMOUNT_CENTS:
        raise SettlementError("invalid_amount", _("Ce montant dépasse la limite autorisée."))
    if not isinstance(paid_on, dt.date) or isinstance(paid_on, dt.datetime):
        raise SettlementError("invalid_date", _("Indiquez la date du virement."))
    if paid_on > today:
        raise SettlementError(
            "date_in_future", _("Le virement ne peut pas être daté dans le futur.")
        )
    if paid_on.year < 2000:
        raise SettlementError("invalid_date", _("Cette date de virement n'est pas plausible."))
    text = reference.strip() if isinstance(reference, str) else ""
    if not text or len(text) > MAX_REFERENCE_LENGTH or not text.isprintable():
        raise SettlementError(
            "invalid_reference",
            _("Indiquez la référence du virement (au plus %(max)d caractères).")
            % {"max": MAX_REFERENCE_LENGTH},
        )
    return amount_cents, paid_on, text


def payout_record(
    *,
    shop: Shop,
    amount_cents: int,
    paid_on: dt.date,
    reference: str,
    idempotency_key: str,
    actor: User | None = None,
) -> Payout:
    """Record that ``amount_cents`` was paid to ``shop``; raise ``SettlementError`` otherwise.

    Refused (nothing written): a bad amount, date or reference, or an amount above what
    the shop's receivable holds beyond the money kept for pending refunds.
    """
    territory = shop.territory
    today = timezone.localtime(timezone.now(), ZoneInfo(territory.timezone)).date()
    amount, day, text = _clean(
        amount_cents=amount_cents, paid_on=paid_on, reference=reference, today=today
    )
    key = idempotency_key.strip() if isinstance(idempotency_key, str) else ""
    if not key or len(key) > 100:
        raise SettlementError("invalid_idempotency_key", _("Le formulaire a expiré : réessayez."))
    ledger_key = f"payout:{shop.pk}:{key}"
    replay = Payout.objects.filter(
        territory=territory, ledger_transaction__idempotency_key=ledger_key
    )
    with transaction.atomic():
        receivable = account_open(
            territory=territory, kind=AccountKind.MERCHANT_RECEIVABLE, owner_ref=f"shop:{shop.pk}"
        )
        bank = account_open(
            territory=territory, kind=AccountKind.EXTERNAL, owner_ref=EXTERNAL_BANK_PAYOUTS
        )
        (locked,) = lock_accounts([receivable.pk])
        # After the lock: a concurrent submit of the same form has committed by now.
        first = replay.first()
        if first is not None:
            return first
        payable = max(0, locked.balance_cents - receivable_reserved_cents(shop))
        if amount > payable:
            raise SettlementError(
                "payout_above_balance",
                _(
                    "Ce versement dépasse ce que la plateforme détient pour ce commerce "
                    "(%(payable)s disponibles, hors commandes en cours)."
                )
                % {"payable": format_money(payable, territory.currency)},
                {"payable_cents": payable},
                status=409,
            )
        try:
            posting = ledger_post(
                territory=territory,
                kind="merchant_payout",
                entries=[(receivable, -amount), (bank, amount)],
                reference=f"payout:{shop.pk}:{text}"[:200],
                idempotency_key=ledger_key,
                memo=f"{day.isoformat()} {text}",
                actor_id=actor.pk if actor else None,
                actor_label=(actor.email if actor else "")[:120],
            )
        except LedgerError as error:
            raise SettlementError(error.code, error.message, error.details, error.status) from error
        payout = Payout.objects.create(
            territory=territory,
            shop=shop,
            amount_cents=amount,
            currency=territory.currency,
            paid_on=day,
            reference=text,
            ledger_transaction=posting,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            territory=territory,
            action=actions.PAYOUT_RECORD,
            target=payout,
            details={
                "shop_id": shop.pk,
                "amount_cents": amount,
                "paid_on": day.isoformat(),
                "reference": text,
                "transaction_id": posting.pk,
            },
        )
        return payout
