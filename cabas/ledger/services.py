"""Ledger writes: the only way money moves between accounts.

Invariant (DESIGN 3): every transaction's entries sum to zero and no account other
than ``external`` goes below zero, even when postings race. Three layers keep it:
1. the touched accounts are locked in primary-key order (``locks.lock_accounts``;
   PostgreSQL ``FOR UPDATE``, SQLite ``BEGIN IMMEDIATE``) and the balances are
   checked on the locked rows;
2. the balance update is one conditional ``UPDATE … SET balance = balance + delta
   WHERE balance + delta >= 0 OR allow_negative`` whose row count must match;
3. the ``ledger_account_non_negative`` CHECK constraint.
Nothing here updates or deletes a transaction or an entry: a correction is a new,
opposite posting.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import BigIntegerField, Case, F, Q, Value, When
from django.utils.translation import gettext as _

from cabas.territories.models import Territory

from .errors import LedgerError
from .locks import lock_accounts
from .models import Account, AccountKind, Entry, LedgerTransaction

# Far above any real amount, far below the 64-bit column limit: sums cannot overflow.
MAX_AMOUNT_CENTS = 10**13

Legs = list[tuple[int, int]]


def account_open(
    *, territory: Territory, kind: str, owner_ref: str = "", currency: str | None = None
) -> Account:
    """The territory's account for ``(kind, owner_ref, currency)``, created on first use.

    Only ``external`` accounts may go negative; that flag is derived, never chosen.
    """
    if kind not in AccountKind.values:
        raise LedgerError(
            "invalid_kind", _("Nature de compte inconnue : %(kind)s.") % {"kind": kind}
        )
    account, _created = Account.objects.get_or_create(
        territory=territory,
        kind=kind,
        owner_ref=owner_ref,
        currency=currency or territory.currency,
        defaults={"allow_negative": kind == AccountKind.EXTERNAL},
    )
    return account


def _cents(amount: object) -> int:
    """An amount as int cents; bools, floats and fractional Decimals are refused."""
    if isinstance(amount, bool):
        raise LedgerError("invalid_amount", _("Un montant doit être un nombre entier de centimes."))
    if isinstance(amount, Decimal):
        if not amount.is_finite() or amount != amount.to_integral_value():
            raise LedgerError(
                "invalid_amount", _("Un montant ne peut pas contenir de fraction de centime.")
            )
        amount = int(amount)
    if not isinstance(amount, int):
        raise LedgerError("invalid_amount", _("Un montant doit être un nombre entier de centimes."))
    if amount == 0:
        raise LedgerError("invalid_amount", _("Un montant ne peut pas être nul."))
    if abs(amount) > MAX_AMOUNT_CENTS:
        raise LedgerError("invalid_amount", _("Ce montant dépasse la limite autorisée."))
    return amount


def _clean_legs(entries: Sequence[tuple[Account, object]]) -> Legs:
    """Input checks that need no database: shape, amounts, balance."""
    try:
        pairs = list(entries)
    except TypeError:
        raise LedgerError("invalid_entries", _("Les lignes d'écriture sont illisibles.")) from None
    legs: Legs = []
    for pair in pairs:
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise LedgerError("invalid_entries", _("Chaque ligne est un couple (compte, montant)."))
        account, amount = pair
        if not isinstance(account, Account) or account.pk is None:
            raise LedgerError("unknown_account", _("Une ligne ne désigne pas un compte existant."))
        legs.append((account.pk, _cents(amount)))
    if len(legs) < 2 or len({account_id for account_id, _amount in legs}) < 2:
        raise LedgerError(
            "too_few_entries", _("Une écriture mouvemente au moins deux comptes différents.")
        )
    total = sum(amount for _account_id, amount in legs)
    if total != 0:
        raise LedgerError(
            "unbalanced",
            _("L'écriture n'est pas équilibrée : la somme des lignes vaut %(total)s centimes.")
            % {"total": total},
            details={"sum_cents": total},
        )
    return legs


def _clean_text(value: object, *, code: str, field: str, max_length: int, required: bool) -> str:
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > max_length:
        raise LedgerError(
            code,
            _("Le champ « %(field)s » est obligatoire et limité à %(max)s caractères.")
            % {"field": field, "max": max_length},
        )
    return value


def _same_posting(existing: LedgerTransaction, kind: str, reference: str, legs: Legs) -> bool:
    stored = sorted(existing.entries.values_list("account_id", "amount_cents"))
    return (existing.kind, existing.reference, stored) == (kind, reference, sorted(legs))


def _replay(
    territory: Territory, key: str, kind: str, reference: str, legs: Legs
) -> LedgerTransaction | None:
    existing = LedgerTransaction.objects.filter(territory=territory, idempotency_key=key).first()
    if existing is None:
        return None
    if not _same_posting(existing, kind, reference, legs):
        raise LedgerError(
            "idempotency_conflict",
            _("Cette clé d'idempotence a déjà servi pour une autre écriture."),
            details={"transaction_id": existing.pk},
            status=409,
        )
    return existing


def _post_locked(
    *,
    territory: Territory,
    kind: str,
    legs: Legs,
    reference: str,
    idempotency_key: str | None,
    memo: str,
    actor_id: int | None,
    actor_label: str,
) -> LedgerTransaction:
    accounts = {account.pk: account for account in lock_accounts(pk for pk, _a in legs)}
    # After the lock: a concurrent posting with the same key has committed by now.
    if idempotency_key is not None:
        existing = _replay(territory, idempotency_key, kind, reference, legs)
        if existing is not None:
            return existing
    if len(accounts) != len({pk for pk, _a in legs}):
        raise LedgerError("unknown_account", _("Une ligne ne désigne pas un compte existant."))
    foreign = sorted(pk for pk, account in accounts.items() if account.territory_id != territory.pk)
    if foreign:
        raise LedgerError(
            "foreign_account",
            _("Un compte n'appartient pas à ce territoire."),
            details={"account_ids": foreign},
        )
    currencies = sorted({account.currency for account in accounts.values()})
    if len(currencies) != 1:
        raise LedgerError(
            "currency_mismatch",
            _("Une écriture ne mélange pas plusieurs devises."),
            details={"currencies": currencies},
        )
    deltas: dict[int, int] = defaultdict(int)
    for pk, amount in legs:
        deltas[pk] += amount
    deltas = {pk: delta for pk, delta in sorted(deltas.items()) if delta}
    short = [
        {"account_id": pk, "balance_cents": accounts[pk].balance_cents, "needed_cents": -delta}
        for pk, delta in deltas.items()
        if not accounts[pk].allow_negative and accounts[pk].balance_cents + delta < 0
    ]
    if short:
        raise LedgerError(
            "insufficient_funds", _("Solde insuffisant pour cette opération."), details=short
        )
    posting = LedgerTransaction.objects.create(
        territory=territory,
        kind=kind,
        reference=reference,
        idempotency_key=idempotency_key,
        memo=memo,
        actor_id=actor_id,
        actor_label=actor_label,
    )
    Entry.objects.bulk_create(
        Entry(territory=territory, transaction=posting, account_id=pk, amount_cents=amount)
        for pk, amount in legs
    )
    if deltas:
        enough = Q()
        for pk, delta in deltas.items():
            enough |= Q(pk=pk) & (Q(allow_negative=True) | Q(balance_cents__gte=-delta))
        updated = (
            Account.objects.filter(pk__in=list(deltas))
            .filter(enough)
            .update(
                balance_cents=Case(
                    *(
                        When(
                            pk=pk,
                            then=F("balance_cents") + Value(d, output_field=BigIntegerField()),
                        )
                        for pk, d in deltas.items()
                    ),
                    default=F("balance_cents"),
                    output_field=BigIntegerField(),
                )
            )
        )
        if updated != len(deltas):
            # Only reachable if someone changed a balance without taking the lock.
            raise LedgerError("insufficient_funds", _("Solde insuffisant pour cette opération."))
    return posting


def ledger_post(
    *,
    territory: Territory,
    kind: str,
    entries: Sequence[tuple[Account, int]],
    reference: str,
    idempotency_key: str | None = None,
    memo: str = "",
    actor_id: int | None = None,
    actor_label: str = "",
) -> LedgerTransaction:
    """Record one balanced transaction and move the balances, or raise and write nothing.

    ``entries`` are ``(account, amount_cents)``: positive credits, negative debits;
    they sum to zero, touch at least two accounts of ``territory`` in one currency.
    Replaying ``idempotency_key`` with the same kind, reference and entries returns
    the first transaction; with anything else it raises ``idempotency_conflict``.
    """
    kind = _clean_text(kind, code="invalid_kind", field="nature", max_length=40, required=True)
    reference = _clean_text(
        reference, code="invalid_reference", field="référence", max_length=200, required=True
    )
    memo = _clean_text(memo, code="invalid_memo", field="mémo", max_length=2000, required=False)
    actor_label = _clean_text(
        actor_label, code="invalid_actor", field="auteur", max_length=120, required=False
    )
    if idempotency_key is not None:
        idempotency_key = _clean_text(
            idempotency_key,
            code="invalid_idempotency_key",
            field="clé d'idempotence",
            max_length=200,
            required=True,
        )
    legs = _clean_legs(entries)
    try:
        with transaction.atomic():
            return _post_locked(
                territory=territory,
                kind=kind,
                legs=legs,
                reference=reference,
                idempotency_key=idempotency_key,
                memo=memo,
                actor_id=actor_id,
                actor_label=actor_label,
            )
    except IntegrityError:
        # Same key posted concurrently on disjoint accounts: the unique index decided.
        if idempotency_key is None:
            raise
        existing = _replay(territory, idempotency_key, kind, reference, legs)
        if existing is None:
            raise
        return existing


def ledger_reverse(
    *,
    original: LedgerTransaction,
    kind: str,
    reference: str,
    idempotency_key: str,
    memo: str = "",
) -> LedgerTransaction:
    """Post the exact opposite of ``original`` (a refund, a correction); idempotent on the key.

    Invariant: a reversal moves back exactly what ``original`` moved, never more, and
    the balance checks of ``ledger_post`` apply (the account that received the money
    must still hold it).
    """
    legs = list(original.entries.select_related("account").order_by("pk"))
    return ledger_post(
        territory=original.territory,
        kind=kind,
        entries=[(entry.account, -entry.amount_cents) for entry in legs],
        reference=reference,
        idempotency_key=idempotency_key,
        memo=memo,
    )
