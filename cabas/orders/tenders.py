"""Vouchers, gift cards and loyalty points paying (part of) a checkout, and their refunds.

Two steps, kept apart from the provider that is asked for the rest:
1. ``tenders_allocate`` (read-only, before the checkout's transaction): each code is
   checked (unknown, foreign, expired, exhausted, not taken by any shop of the cart,
   amount above its balance or above what is due) and split over the orders of the
   shops that take it, in the order the codes were given; points come last. A refusal
   raises a specific ``CheckoutError`` and nothing is written.
2. ``tenders_post`` (inside the checkout's transaction, after the orders exist): every
   account involved is locked in primary-key order in one statement, then each share
   is one ledger debit of the card (or of the points) into the shop's receivable,
   idempotent on a key derived from the checkout's ``Idempotency-Key``. A balance
   spent meanwhile (another checkout, a till) raises, and the whole checkout rolls back.
``tenders_refund`` reverses what an order's tenders took, exactly, once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from cabas.accounts.models import User
from cabas.ledger.errors import LedgerError
from cabas.ledger.locks import lock_accounts
from cabas.ledger.models import Account, LedgerTransaction
from cabas.ledger.services import ledger_reverse
from cabas.loyalty.errors import LoyaltyError
from cabas.loyalty.selectors import loyalty_active, points_account_find
from cabas.loyalty.services import loyalty_earn, loyalty_spend, merchant_receivable
from cabas.money import format_money
from cabas.shops.models import Shop
from cabas.territories.models import Territory
from cabas.vouchers.codes import code_normalise
from cabas.vouchers.errors import VoucherError
from cabas.vouchers.models import GiftCard, Voucher
from cabas.vouchers.selectors import card_by_code, card_eligible_shop_ids
from cabas.vouchers.services import voucher_redeem

from .errors import CheckoutError, TransitionError
from .models import Checkout, Order, OrderStatus, Tender, TenderKind
from .requests import MAX_TENDERS, TenderRequest

# Handing the order over earns loyalty points (once: the earning is idempotent per order).
EARNS_POINTS = frozenset({OrderStatus.COLLECTED, OrderStatus.DELIVERED})


@dataclass(frozen=True)
class Share:
    """One tender's part of one order."""

    kind: str
    order_index: int
    shop: Shop
    amount_cents: int
    account_id: int  # the card's account, or the shopper's points account
    code: str = ""  # normalised code (vouchers and gift cards)
    points: int = 0


def _refuse(code: str, message: str, details: object = None, status: int = 422) -> CheckoutError:
    return CheckoutError(code, message, details, status=status)


def _card(tender: TenderRequest, territory: Territory, now: dt.datetime) -> GiftCard | Voucher:
    shown = str(tender.code)[-4:]
    card = card_by_code(tender.code)
    if card is None:
        raise _refuse(
            "unknown_code",
            _("Le code « …%(end)s » est inconnu : vérifiez-le.") % {"end": shown},
            {"code_end": shown},
        )
    if card.territory_id != territory.pk:
        raise _refuse(
            "foreign_territory",
            _("Le code « …%(end)s » n'est pas valable sur ce territoire.") % {"end": shown},
            {"code_end": shown},
        )
    if now >= card.expires_at:
        raise _refuse(
            "expired",
            _("Le code « …%(end)s » a expiré.") % {"end": shown},
            {"code_end": shown},
        )
    assert card.account is not None  # card_by_code returns only funded cards
    if card.account.balance_cents <= 0:
        raise _refuse(
            "exhausted",
            _("Le code « …%(end)s » a déjà été entièrement utilisé.") % {"end": shown},
            {"code_end": shown},
        )
    return card


def tenders_allocate(
    *,
    territory: Territory,
    user: User | None,
    shops: Sequence[Shop],
    totals: Sequence[int],
    tenders: Sequence[TenderRequest],
    loyalty_points: int,
    now: dt.datetime,
) -> list[Share]:
    """Split the codes and points over the orders (index = position in ``shops``).

    Read-only; a constant number of queries per code (three or four) and two for the
    points, whatever the number of lines or shops.
    """
    if not tenders and not loyalty_points:
        return []
    if len(tenders) > MAX_TENDERS:
        raise _refuse(
            "too_many_tenders",
            _("Vous pouvez utiliser au plus %(max)d codes par commande.") % {"max": MAX_TENDERS},
        )
    due = list(totals)
    shares: list[Share] = []
    seen: set[str] = set()
    for tender in tenders:
        normalised = code_normalise(tender.code)
        if normalised and normalised in seen:
            raise _refuse(
                "duplicate_code", _("Un même code est saisi deux fois : gardez-en un seul.")
            )
        seen.add(normalised)
        card = _card(tender, territory, now)
        assert card.account is not None
        balance = card.account.balance_cents
        kind = TenderKind.GIFT_CARD if isinstance(card, GiftCard) else TenderKind.VOUCHER
        end = card.code[-4:]
        taking = [shop for shop in shops if shop.accepts_vouchers]
        eligible = card_eligible_shop_ids(card, taking) if taking else set()
        indexes = [i for i, shop in enumerate(shops) if shop.pk in eligible]
        if not indexes:
            raise _refuse(
                "not_eligible",
                _("Le code « …%(end)s » n'est accepté par aucun commerce de votre panier.")
                % {"end": end},
                {"code_end": end},
            )
        useful = sum(due[i] for i in indexes)
        wanted = tender.amount_cents
        if wanted is not None and wanted > balance:
            raise _refuse(
                "insufficient_balance",
                _("Il ne reste que %(balance)s sur le code « …%(end)s ».")
                % {"balance": format_money(balance, territory.currency), "end": end},
                {"code_end": end, "balance_cents": balance},
            )
        if useful <= 0:
            raise _refuse(
                "tender_not_needed",
                _("Le code « …%(end)s » n'est pas nécessaire : le reste est déjà réglé.")
                % {"end": end},
                {"code_end": end},
            )
        if wanted is not None and wanted > useful:
            raise _refuse(
                "tender_amount_too_high",
                _("Vous pouvez utiliser au plus %(useful)s du code « …%(end)s ».")
                % {"useful": format_money(useful, territory.currency), "end": end},
                {"code_end": end, "max_cents": useful},
            )
        left = wanted if wanted is not None else min(balance, useful)
        for i in indexes:
            part = min(left, due[i])
            if part <= 0:
                continue
            shares.append(Share(kind, i, shops[i], part, card.account.pk, code=card.code))
            due[i] -= part
            left -= part
    if loyalty_points:
        shares.extend(_points_shares(territory, user, shops, due, loyalty_points))
    return shares


def _points_shares(
    territory: Territory, user: User | None, shops: Sequence[Shop], due: list[int], points: int
) -> list[Share]:
    if user is None:
        raise _refuse(
            "loyalty_login_required",
            _("Connectez-vous pour utiliser vos points de fidélité."),
            status=401,
        )
    settings = loyalty_active(territory)
    if settings is None:
        raise _refuse(
            "loyalty_disabled", _("Le programme de fidélité n'est pas ouvert sur ce territoire.")
        )
    account = points_account_find(territory, user.pk)
    held = account.balance_cents if account is not None else 0
    if points > held:
        raise _refuse(
            "loyalty_insufficient_points",
            _("Vous avez %(held)d points : vous ne pouvez pas en utiliser %(points)d.")
            % {"held": held, "points": points},
            {"points_balance": held},
        )
    value = settings.point_value_cents
    usable = sum(d // value for d in due)
    if points > usable:
        raise _refuse(
            "loyalty_too_many_points",
            _("Vous pouvez utiliser au plus %(max)d points sur cette commande.") % {"max": usable},
            {"max_points": usable},
        )
    assert account is not None  # held >= points > 0
    shares = []
    left = points
    for i, shop in enumerate(shops):
        take = min(left, due[i] // value)
        if take <= 0:
            continue
        shares.append(Share(TenderKind.LOYALTY, i, shop, take * value, account.pk, points=take))
        due[i] -= take * value
        left -= take
    return shares


def tendered_by_order(shares: Sequence[Share], count: int) -> list[int]:
    paid = [0] * count
    for share in shares:
        paid[share.order_index] += share.amount_cents
    return paid


def _key(checkout: Checkout, share: Share) -> str:
    # Derived from the checkout's key (up to 255 characters): short, stable, unique per share.
    digest = hashlib.sha256(checkout.idempotency_key.encode()).hexdigest()[:32]
    return f"checkout:{digest}:{share.kind}:{share.shop.pk}:{share.account_id}"


def tenders_post(
    *,
    territory: Territory,
    checkout: Checkout,
    orders: Sequence[Order],
    shares: Sequence[Share],
    user: User | None,
    now: dt.datetime,
) -> list[Tender]:
    """Debit each share into its shop's receivable, in the checkout's transaction."""
    if not shares:
        return []
    receivables = {
        share.shop.pk: merchant_receivable(territory=territory, shop_id=share.shop.pk)
        for share in shares
    }
    # Every account at once, in primary-key order: two checkouts sharing cards or
    # shops never wait on each other in opposite orders.
    lock_accounts([share.account_id for share in shares] + [a.pk for a in receivables.values()])
    tenders = []
    for share in shares:
        order = orders[share.order_index]
        reference = f"order:{order.pk}"
        points_tx: LedgerTransaction | None = None
        try:
            if share.kind == TenderKind.LOYALTY:
                assert user is not None
                points_tx, posting = loyalty_spend(
                    territory=territory,
                    user=user,
                    shop_id=share.shop.pk,
                    points=share.points,
                    value_cents=share.amount_cents,
                    reference=reference,
                    idempotency_key=_key(checkout, share),
                )
            else:
                posting = voucher_redeem(
                    code=share.code,
                    shop=share.shop,
                    amount_cents=share.amount_cents,
                    reference=reference,
                    idempotency_key=_key(checkout, share),
                    now=now,
                )
        except (VoucherError, LoyaltyError) as error:
            raise _spent_meanwhile(share, error) from error
        tenders.append(
            Tender(
                territory_id=checkout.territory_id,
                checkout=checkout,
                order=order,
                kind=share.kind,
                amount_cents=share.amount_cents,
                points=share.points,
                code_last4=share.code[-4:],
                source_account_id=share.account_id,
                ledger_transaction=posting,
                points_transaction=points_tx,
            )
        )
    return Tender.objects.bulk_create(tenders)


SPENT_MEANWHILE = frozenset({"exhausted", "insufficient_balance", "loyalty_insufficient_points"})


def _spent_meanwhile(share: Share, error: VoucherError | LoyaltyError) -> CheckoutError:
    end = share.code[-4:]
    if error.code not in SPENT_MEANWHILE:
        return _refuse(error.code, error.message, {"code_end": end} if end else None, status=409)
    if share.kind == TenderKind.LOYALTY:
        message = _("Vos points viennent d'être utilisés ailleurs : validez à nouveau.")
    else:
        message = _(
            "Le solde du code « …%(end)s » vient de changer (utilisé ailleurs ?) : "
            "vérifiez-le et validez à nouveau."
        ) % {"end": end}
    return _refuse("tender_balance_changed", message, {"code_end": end} if end else None, 409)


def _card_expired(tender: Tender, now: dt.datetime) -> bool:
    expiry = (
        GiftCard.objects.filter(account_id=tender.source_account_id)
        .values_list("expires_at", flat=True)
        .first()
        or Voucher.objects.filter(account_id=tender.source_account_id)
        .values_list("expires_at", flat=True)
        .first()
    )
    return expiry is not None and now >= expiry


def tenders_refund(*, order: Order, now: dt.datetime | None = None) -> list[Tender]:
    """Give back what the order's tenders took (refused or cancelled order).

    Each tender's postings are reversed exactly (never more than was taken), once:
    the reversal's idempotency key is the tender's, and a refunded tender is skipped.
    An expired card gets its money back all the same (noted on the tender). Runs in
    the caller's transaction, on the locked order.
    """
    when = now or timezone.now()
    refunded = []
    pending = list(
        order.tenders.filter(refund_transaction__isnull=True)
        .select_related("ledger_transaction__territory", "points_transaction__territory")
        .order_by("pk")
    )
    if not pending:
        return []
    accounts = [t.source_account_id for t in pending]
    accounts += list(
        Account.objects.filter(
            entries__transaction__in=[t.ledger_transaction_id for t in pending]
        ).values_list("pk", flat=True)
    )
    lock_accounts(accounts)
    for tender in pending:
        reference = f"order:{order.pk}"
        try:
            if tender.points_transaction is not None:
                ledger_reverse(
                    original=tender.points_transaction,
                    kind="loyalty_refund",
                    reference=reference,
                    idempotency_key=f"tender_refund:{tender.pk}:points",
                )
            back = ledger_reverse(
                original=tender.ledger_transaction,
                kind="loyalty_discount_refund"
                if tender.kind == TenderKind.LOYALTY
                else "voucher_refund",
                reference=reference,
                idempotency_key=f"tender_refund:{tender.pk}",
            )
        except LedgerError as error:
            raise TransitionError(
                "refund_failed",
                _("Le remboursement du règlement par chèque ou points a échoué : %(reason)s")
                % {"reason": error.message},
                status=409,
            ) from error
        tender.refund_transaction = back
        tender.refunded_at = when
        if tender.kind != TenderKind.LOYALTY and _card_expired(tender, when):
            tender.refund_note = _("Carte expirée : le montant est recrédité sur la carte.")
        tender.save(update_fields=["refund_transaction", "refunded_at", "refund_note"])
        refunded.append(tender)
    return refunded


def tenders_earn_points(*, order: Order) -> LedgerTransaction | None:
    """Credit the shopper's points for a handed-over order (what they paid, points excluded)."""
    if order.user_id is None:
        return None
    by_points = sum(
        order.tenders.filter(kind=TenderKind.LOYALTY).values_list("amount_cents", flat=True)
    )
    return loyalty_earn(
        territory=order.territory,
        user_id=order.user_id,
        order_id=order.pk,
        amount_cents=order.total_cents - by_points,
    )
