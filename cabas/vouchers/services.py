"""Voucher programmes, voucher purchases, gift cards and their redemption.

Invariants, each kept on locked rows by the ledger (``ledger_post``) and backed by its
non-negative balance constraint:
- a programme's budget is never exceeded: the match is a debit of the funder's budget
  account, which cannot go below zero, even under concurrent purchases;
- a person never receives more than the programme's cap: checked on their
  ``ProgrammeParticipant`` row, locked before the ledger accounts;
- a code is never spent beyond its balance, even concurrently: a redemption is one
  debit of the card's account, and a replayed idempotency key is one debit.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cabas.accounts.models import User
from cabas.audit import actions
from cabas.audit.services import audit_record
from cabas.catalog.models import Category
from cabas.ledger.errors import LedgerError
from cabas.ledger.models import Account, AccountKind, LedgerTransaction
from cabas.ledger.services import MAX_AMOUNT_CENTS, account_open, ledger_post
from cabas.money import format_money
from cabas.shops.models import Shop
from cabas.territories.models import Territory

from .codes import code_generate, code_normalise
from .errors import VoucherError
from .locks import lock_participant, lock_programme, lock_programme_household
from .models import GiftCard, Household, ProgrammeStatus, Voucher, VoucherProgramme
from .selectors import card_shop_eligible

GIFT_CARD_VALIDITY = dt.timedelta(days=365)
# Where the shoppers' and funders' money comes from (card payments, grants): may go negative.
EXTERNAL_PAYMENTS = "payments"
EXTERNAL_FUNDERS = "funders"


def _cents(amount: object, *, code: str = "invalid_amount") -> int:
    """A positive amount as int cents; bools, floats and fractional Decimals are refused."""
    if isinstance(amount, Decimal) and amount.is_finite() and amount == amount.to_integral_value():
        amount = int(amount)
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise VoucherError(code, _("Le montant doit être un nombre entier de centimes."))
    if amount <= 0:
        raise VoucherError(code, _("Le montant doit être supérieur à zéro."))
    if amount > MAX_AMOUNT_CENTS:
        raise VoucherError(code, _("Ce montant dépasse la limite autorisée."))
    return amount


def _aware(value: dt.datetime, field: str) -> dt.datetime:
    if not isinstance(value, dt.datetime) or timezone.is_naive(value):
        raise VoucherError(
            "invalid_programme",
            _("La date « %(field)s » doit comporter un fuseau horaire.") % {"field": field},
        )
    return value.astimezone(dt.UTC)


def _new_code() -> str:
    """A code used by no voucher and no gift card (both share the redemption path)."""
    while True:
        code = code_generate()
        if not (
            Voucher.objects.filter(code=code).exists()
            or GiftCard.objects.filter(code=code).exists()
        ):
            return code


def voucher_programme_create(
    *,
    territory: Territory,
    name: str,
    match_rate_bp: int,
    cap_per_person_cents: int,
    budget_cents: int,
    valid_from: dt.datetime,
    valid_until: dt.datetime,
    eligible_shops: list[Shop] | None = None,
    eligible_categories: list[Category] | None = None,
    status: str = ProgrammeStatus.ACTIVE,
    actor: User | None = None,
    cap_per_household_cents: int | None = None,
) -> VoucherProgramme:
    """Create the programme and fund its budget account (external → funder budget).

    Invariant: the funder's budget account holds exactly ``budget_cents`` at creation,
    so what the programme can ever give is bounded by the ledger, not by a counter.
    The creation is audited (``actor`` ``None`` for a command) in the same transaction.
    """
    if not isinstance(name, str) or not name.strip() or len(name) > 160:
        raise VoucherError("invalid_programme", _("Le nom du programme est obligatoire."))
    if isinstance(match_rate_bp, bool) or not isinstance(match_rate_bp, int):
        raise VoucherError("invalid_programme", _("Le taux d'abondement est un entier."))
    if not 0 < match_rate_bp <= 100_000:
        raise VoucherError(
            "invalid_programme", _("Le taux d'abondement est compris entre 1 et 100 000.")
        )
    cap = _cents(cap_per_person_cents, code="invalid_programme")
    household_cap = (
        None
        if cap_per_household_cents is None
        else _cents(cap_per_household_cents, code="invalid_programme")
    )
    budget = _cents(budget_cents, code="invalid_programme")
    start, end = _aware(valid_from, "valable du"), _aware(valid_until, "valable jusqu'au")
    if end <= start:
        raise VoucherError("invalid_programme", _("La fin de validité doit suivre son début."))
    if status not in ProgrammeStatus.values:
        raise VoucherError("invalid_programme", _("Statut de programme inconnu."))
    shops = list(eligible_shops or [])
    if any(shop.territory_id != territory.pk for shop in shops):
        raise VoucherError(
            "foreign_territory", _("Un commerce éligible n'appartient pas à ce territoire.")
        )
    with transaction.atomic():
        programme = VoucherProgramme.objects.create(
            territory=territory,
            name=name.strip(),
            match_rate_bp=match_rate_bp,
            cap_per_person_cents=cap,
            cap_per_household_cents=household_cap,
            budget_cents=budget,
            valid_from=start,
            valid_until=end,
            status=status,
        )
        programme.eligible_shops.set(shops)
        programme.eligible_categories.set(list(eligible_categories or []))
        funder = account_open(
            territory=territory,
            kind=AccountKind.FUNDER_BUDGET,
            owner_ref=f"programme:{programme.pk}",
        )
        external = account_open(
            territory=territory, kind=AccountKind.EXTERNAL, owner_ref=EXTERNAL_FUNDERS
        )
        ledger_post(
            territory=territory,
            kind="voucher_programme_funding",
            entries=[(external, -budget), (funder, budget)],
            reference=f"programme:{programme.pk}",
        )
        programme.funder_account = funder
        programme.save(update_fields=["funder_account"])
        audit_record(
            actor=actor,
            territory=territory,
            action=actions.VOUCHER_PROGRAMME_CREATE,
            target=programme,
            details={
                "match_rate_bp": programme.match_rate_bp,
                "cap_per_person_cents": cap,
                "budget_cents": budget,
                "status": status,
            },
        )
    return programme


def voucher_purchase(
    *, programme: VoucherProgramme, user: User, amount_cents: int, now: dt.datetime
) -> Voucher:
    """Sell a voucher: the shopper pays ``amount_cents``, the funder adds the match.

    The match is ``amount × rate / 10 000`` rounded down, clipped to what the person
    may still receive (cap) and, when the programme caps households, to what their
    declared household may still receive (``household_required`` without one); the
    household's row is locked after the person's, so the cap holds under concurrency.
    If the budget cannot pay it in full the purchase is refused (``budget_exhausted``):
    the match announced to the shopper is never silently cut. Payment and match land
    on the voucher in ONE balanced transaction.
    """
    amount = _cents(amount_cents)
    if programme.status != ProgrammeStatus.ACTIVE or not (
        programme.valid_from <= now < programme.valid_until
    ):
        raise VoucherError("programme_closed", _("Ce programme n'est pas ouvert à l'achat."))
    territory = programme.territory
    household = None
    if programme.cap_per_household_cents is not None:
        household = Household.objects.filter(territory=territory, user=user).first()
        if household is None:
            raise VoucherError(
                "household_required",
                _("Ce programme est limité par foyer : déclarez d'abord votre adresse."),
            )
    with transaction.atomic():
        participant = lock_participant(programme=programme, user=user)
        remaining = max(programme.cap_per_person_cents - participant.matched_cents, 0)
        home = None
        if household is not None and programme.cap_per_household_cents is not None:
            home = lock_programme_household(programme=programme, key=household.key)
            remaining = min(
                remaining, max(programme.cap_per_household_cents - home.matched_cents, 0)
            )
        match = min(amount * programme.match_rate_bp // 10_000, remaining)
        voucher = Voucher.objects.create(
            territory=territory,
            programme=programme,
            owner=user,
            code=_new_code(),
            paid_cents=amount,
            matched_cents=match,
            expires_at=programme.valid_until,
        )
        card = account_open(
            territory=territory, kind=AccountKind.GIFT_CARD, owner_ref=f"voucher:{voucher.pk}"
        )
        external = account_open(
            territory=territory, kind=AccountKind.EXTERNAL, owner_ref=EXTERNAL_PAYMENTS
        )
        entries: list[tuple[Account, int]] = [(external, -amount)]
        if match:
            funder_id = programme.funder_account_id
            assert funder_id is not None  # set in the transaction that created the programme
            entries.append((Account.objects.get(pk=funder_id), -match))
        entries.append((card, amount + match))
        try:
            ledger_post(
                territory=territory,
                kind="voucher_purchase",
                entries=entries,
                reference=f"voucher:{voucher.pk}",
            )
        except LedgerError as error:
            if error.code == "insufficient_funds":
                raise VoucherError(
                    "budget_exhausted",
                    _("Le budget de ce programme ne permet plus cet abondement."),
                ) from error
            raise
        card.refresh_from_db(fields=["balance_cents"])
        voucher.account = card
        voucher.save(update_fields=["account"])
        participant.paid_cents += amount
        participant.matched_cents += match
        participant.save(update_fields=["paid_cents", "matched_cents"])
        if home is not None:
            home.matched_cents += match
            home.save(update_fields=["matched_cents"])
    return voucher


def gift_card_issue(
    *,
    territory: Territory,
    amount_cents: int,
    shop: Shop | None = None,
    buyer_email: str,
    now: dt.datetime | None = None,
) -> GiftCard:
    """Sell a gift card: the buyer's payment (external → card account), one new code."""
    amount = _cents(amount_cents)
    if shop is not None and shop.territory_id != territory.pk:
        raise VoucherError("foreign_territory", _("Ce commerce n'appartient pas à ce territoire."))
    if not isinstance(buyer_email, str) or "@" not in buyer_email or len(buyer_email) > 254:
        raise VoucherError("invalid_email", _("L'adresse e-mail de l'acheteur est invalide."))
    issued = now or timezone.now()
    with transaction.atomic():
        card = GiftCard.objects.create(
            territory=territory,
            code=_new_code(),
            shop=shop,
            amount_cents=amount,
            buyer_email=buyer_email.strip(),
            expires_at=issued + GIFT_CARD_VALIDITY,
        )
        account = account_open(
            territory=territory, kind=AccountKind.GIFT_CARD, owner_ref=f"giftcard:{card.pk}"
        )
        external = account_open(
            territory=territory, kind=AccountKind.EXTERNAL, owner_ref=EXTERNAL_PAYMENTS
        )
        ledger_post(
            territory=territory,
            kind="gift_card_sale",
            entries=[(external, -amount), (account, amount)],
            reference=f"giftcard:{card.pk}",
        )
        account.refresh_from_db(fields=["balance_cents"])
        card.account = account
        card.save(update_fields=["account"])
    return card


def _card_for_code(code: object) -> Voucher | GiftCard:
    normalised = code_normalise(code)
    found: Voucher | GiftCard | None = None
    if normalised:
        found = (
            GiftCard.objects.filter(code=normalised).select_related("account").first()
            or Voucher.objects.filter(code=normalised)
            .select_related("account", "programme")
            .first()
        )
    # Compared again in constant time: the index lookup is not the authority.
    if found is None or not secrets.compare_digest(found.code, normalised):
        raise VoucherError("unknown_code", _("Ce code est inconnu."), status=404)
    return found


def voucher_redeem(
    *,
    code: str,
    shop: Shop,
    amount_cents: int,
    reference: str,
    idempotency_key: str,
    now: dt.datetime | None = None,
    actor_id: int | None = None,
    actor_label: str = "",
) -> LedgerTransaction:
    """Spend ``amount_cents`` of a voucher or gift card at ``shop`` (card → merchant receivable).

    ``actor_id`` / ``actor_label`` name who took it at the till (a cashier, an API token).

    Checked in this order: amount, code, territory, shop eligibility, expiry; then the
    debit, whose balance check runs on the locked card account inside ``ledger_post``,
    so concurrent redemptions of one code never spend more than its balance. Replaying
    ``idempotency_key`` returns the first redemption and debits nothing more.
    """
    amount = _cents(amount_cents)
    if not isinstance(idempotency_key, str) or not idempotency_key.strip():
        raise VoucherError("invalid_idempotency_key", _("Une clé d'idempotence est requise."))
    if len(idempotency_key) > 150:
        raise VoucherError("invalid_idempotency_key", _("La clé d'idempotence est trop longue."))
    card = _card_for_code(code)
    if card.territory_id != shop.territory_id:
        raise VoucherError(
            "foreign_territory", _("Ce code n'est pas valable sur ce territoire."), status=403
        )
    if not card_shop_eligible(card, shop):
        raise VoucherError(
            "shop_not_eligible", _("Ce code n'est pas accepté dans ce commerce."), status=403
        )
    if (now or timezone.now()) >= card.expires_at:
        raise VoucherError("expired", _("Ce code a expiré."))
    assert card.account is not None  # set in the transaction that created the card
    territory = card.territory
    # The receivable is opened in the same transaction: a refused redemption leaves nothing.
    with transaction.atomic():
        merchant = account_open(
            territory=territory, kind=AccountKind.MERCHANT_RECEIVABLE, owner_ref=f"shop:{shop.pk}"
        )
        try:
            return ledger_post(
                territory=territory,
                kind="voucher_redemption",
                entries=[(card.account, -amount), (merchant, amount)],
                reference=reference,
                idempotency_key=f"voucher_redeem:{idempotency_key}",
                actor_id=actor_id,
                actor_label=actor_label[:120],
            )
        except LedgerError as error:
            if error.code == "insufficient_funds":
                balance = Account.objects.get(pk=card.account.pk).balance_cents
                if balance == 0:
                    raise VoucherError(
                        "exhausted", _("Ce code a déjà été entièrement utilisé.")
                    ) from error
                raise VoucherError(
                    "insufficient_balance",
                    _("Solde insuffisant : il reste %(balance)s sur ce code.")
                    % {"balance": format_money(balance, territory.currency)},
                    details={"balance_cents": balance},
                ) from error
            if error.code in {"invalid_reference", "idempotency_conflict"}:
                raise VoucherError(error.code, error.message, status=error.status) from error
            raise


# Operator actions on a programme (console): every one audited in its own transaction.

# (from, to) → the audit action of the move; anything else is refused.
PROGRAMME_MOVES: dict[tuple[str, str], str] = {
    (ProgrammeStatus.DRAFT, ProgrammeStatus.ACTIVE): actions.VOUCHER_PROGRAMME_ACTIVATE,
    (ProgrammeStatus.DRAFT, ProgrammeStatus.CLOSED): actions.VOUCHER_PROGRAMME_CLOSE,
    (ProgrammeStatus.ACTIVE, ProgrammeStatus.CLOSED): actions.VOUCHER_PROGRAMME_CLOSE,
}


def _locked_programme(territory: Territory, programme_id: int) -> VoucherProgramme:
    programme = lock_programme(territory_id=territory.pk, programme_id=programme_id)
    if programme is None:
        raise VoucherError("programme_not_found", _("Ce programme n'existe pas."), status=404)
    return programme


def voucher_programme_update(
    *,
    territory: Territory,
    programme_id: int,
    name: str,
    valid_from: dt.datetime,
    valid_until: dt.datetime,
    eligible_shops: list[Shop],
    eligible_categories: list[Category],
    actor: User | None,
) -> VoucherProgramme:
    """Change what is not money: name, validity dates, eligible shops and categories.

    Rate, caps and budget stay as the shoppers were promised (the budget only grows,
    through ``voucher_programme_top_up``). Vouchers already sold keep their expiry.
    A closed programme is not edited. Input is checked before the first write.
    """
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > 160:
        raise VoucherError(
            "invalid_programme",
            _("Le nom du programme est obligatoire (160 caractères au plus)."),
            details={"field": "name"},
        )
    start, end = _aware(valid_from, "valable du"), _aware(valid_until, "valable jusqu'au")
    if end <= start:
        raise VoucherError(
            "invalid_programme",
            _("La fin de validité doit suivre son début."),
            details={"field": "valid_until"},
        )
    shops = list(eligible_shops)
    if any(shop.territory_id != territory.pk for shop in shops):
        raise VoucherError(
            "foreign_territory",
            _("Un commerce éligible n'appartient pas à ce territoire."),
            details={"field": "eligible_shops"},
        )
    categories = list(eligible_categories)
    with transaction.atomic():
        programme = _locked_programme(territory, programme_id)
        if programme.status == ProgrammeStatus.CLOSED:
            raise VoucherError("programme_closed", _("Un programme clos ne se modifie plus."))
        before = {
            "name": programme.name,
            "valid_from": programme.valid_from.isoformat(),
            "valid_until": programme.valid_until.isoformat(),
            "eligible_shops": sorted(programme.eligible_shops.values_list("pk", flat=True)),
            "eligible_categories": sorted(
                programme.eligible_categories.values_list("pk", flat=True)
            ),
        }
        programme.name = name.strip()
        programme.valid_from, programme.valid_until = start, end
        programme.save(update_fields=["name", "valid_from", "valid_until"])
        programme.eligible_shops.set(shops)
        programme.eligible_categories.set(categories)
        after = {
            "name": programme.name,
            "valid_from": start.isoformat(),
            "valid_until": end.isoformat(),
            "eligible_shops": sorted(shop.pk for shop in shops),
            "eligible_categories": sorted({category.pk for category in categories}),
        }
        changes = {
            key: {"from": before[key], "to": after[key]}
            for key in before
            if before[key] != after[key]
        }
        audit_record(
            actor=actor,
            territory=territory,
            action=actions.VOUCHER_PROGRAMME_UPDATE,
            target=programme,
            details=changes,
        )
    return programme


def voucher_programme_transition(
    *, territory: Territory, programme_id: int, status: str, actor: User | None
) -> VoucherProgramme:
    """Move the programme along ``PROGRAMME_MOVES`` (draft → active → closed), or raise.

    The status is re-read on the locked row, so two operators clicking at once make
    one move and the second gets ``illegal_move``. Closing stops new purchases only:
    vouchers already sold stay spendable until they expire.
    """
    if status not in ProgrammeStatus.values:
        raise VoucherError("invalid_status", _("Statut de programme inconnu."))
    with transaction.atomic():
        programme = _locked_programme(territory, programme_id)
        action = PROGRAMME_MOVES.get((programme.status, status))
        if action is None:
            raise VoucherError(
                "illegal_move",
                _("Un programme « %(from)s » ne peut pas passer à « %(to)s ».")
                % {
                    "from": ProgrammeStatus(programme.status).label,
                    "to": ProgrammeStatus(status).label,
                },
                status=409,
            )
        previous = programme.status
        programme.status = status
        programme.save(update_fields=["status"])
        audit_record(
            actor=actor,
            territory=territory,
            action=action,
            target=programme,
            details={"status": {"from": previous, "to": status}},
        )
    return programme


def voucher_programme_top_up(
    *,
    territory: Territory,
    programme_id: int,
    amount_cents: int,
    idempotency_key: str,
    actor: User | None,
) -> LedgerTransaction:
    """Add ``amount_cents`` to the programme's budget: one posting external funders → budget.

    ``budget_cents`` (the total ever granted) grows by the same amount in the same
    transaction, so ``budget_cents`` = matched so far + what the budget account holds.
    Replaying ``idempotency_key`` (a double-clicked form) returns the first top-up and
    adds nothing. A closed programme takes no more money.
    """
    amount = _cents(amount_cents, code="invalid_amount")
    if not isinstance(idempotency_key, str) or not idempotency_key.strip():
        raise VoucherError("invalid_idempotency_key", _("Une clé d'idempotence est requise."))
    if len(idempotency_key) > 150:
        raise VoucherError("invalid_idempotency_key", _("La clé d'idempotence est trop longue."))
    key = f"voucher_programme_top_up:{idempotency_key}"
    with transaction.atomic():
        programme = _locked_programme(territory, programme_id)
        replayed = LedgerTransaction.objects.filter(
            territory=territory, idempotency_key=key
        ).first()
        if replayed is not None:
            if replayed.reference != f"programme:{programme.pk}":
                raise VoucherError(
                    "idempotency_conflict",
                    _("Cette clé d'idempotence a déjà servi pour une autre opération."),
                    status=409,
                )
            return replayed
        if programme.status == ProgrammeStatus.CLOSED:
            raise VoucherError("programme_closed", _("Un programme clos ne reçoit plus de budget."))
        if programme.budget_cents + amount > MAX_AMOUNT_CENTS:
            raise VoucherError("invalid_amount", _("Ce montant dépasse la limite autorisée."))
        funder_id = programme.funder_account_id
        assert funder_id is not None  # set in the transaction that created the programme
        external = account_open(
            territory=territory, kind=AccountKind.EXTERNAL, owner_ref=EXTERNAL_FUNDERS
        )
        posted = ledger_post(
            territory=territory,
            kind="voucher_programme_top_up",
            entries=[(external, -amount), (Account.objects.get(pk=funder_id), amount)],
            reference=f"programme:{programme.pk}",
            idempotency_key=key,
        )
        VoucherProgramme.objects.filter(pk=programme.pk).update(
            budget_cents=F("budget_cents") + amount
        )
        audit_record(
            actor=actor,
            territory=territory,
            action=actions.VOUCHER_PROGRAMME_TOP_UP,
            target=programme,
            details={
                "amount_cents": amount,
                "budget_cents": {
                    "from": programme.budget_cents,
                    "to": programme.budget_cents + amount,
                },
                "transaction": posted.pk,
            },
        )
    return posted
