"""Ledger reads: balances recomputed from entries, histories, and the audit."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import BigIntegerField, Count, F, Q, QuerySet, Sum, Value, Window
from django.db.models.functions import Coalesce

from cabas.territories.models import Territory

from .models import Account, Entry, LedgerTransaction


def account_balance(account: Account) -> int:
    """The account's balance in cents, summed from its entries (not the stored column)."""
    total = Entry.objects.filter(account_id=account.pk).aggregate(
        total=Coalesce(Sum("amount_cents"), Value(0), output_field=BigIntegerField())
    )["total"]
    return int(total)


def account_history(account: Account) -> QuerySet[Entry]:
    """The account's entries, newest first, each with ``balance_after_cents``."""
    return (
        Entry.objects.filter(account_id=account.pk)
        .select_related("transaction")
        .annotate(
            balance_after_cents=Window(Sum("amount_cents"), order_by=F("id").asc()),
        )
        .order_by("-id")
    )


@dataclass(frozen=True)
class Discrepancy:
    code: str
    object_id: int
    detail: str


@dataclass
class LedgerReport:
    accounts: int = 0
    transactions: int = 0
    entries: int = 0
    discrepancies: list[Discrepancy] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.discrepancies


def ledger_reconcile(territory: Territory | None = None) -> LedgerReport:
    """Recompute every balance and every transaction sum; list what disagrees.

    A constant number of queries, whatever the size of the ledger.
    """
    accounts = Account.objects.all()
    transactions = LedgerTransaction.objects.all()
    entries = Entry.objects.all()
    if territory is not None:
        accounts = accounts.filter(territory=territory)
        transactions = transactions.filter(territory=territory)
        entries = entries.filter(Q(territory=territory) | Q(transaction__territory=territory))
    report = LedgerReport(
        accounts=accounts.count(), transactions=transactions.count(), entries=entries.count()
    )
    found = report.discrepancies
    computed = accounts.annotate(
        computed=Coalesce(Sum("entries__amount_cents"), Value(0), output_field=BigIntegerField())
    )
    for account in computed.exclude(balance_cents=F("computed")).order_by("pk"):
        found.append(
            Discrepancy(
                "balance_mismatch",
                account.pk,
                f"compte {account.pk} ({account}) : solde enregistré {account.balance_cents}, "
                f"somme des lignes {account.computed}",
            )
        )
    for account in computed.filter(computed__lt=0, allow_negative=False).order_by("pk"):
        found.append(
            Discrepancy(
                "negative_balance",
                account.pk,
                f"compte {account.pk} ({account}) : somme des lignes négative {account.computed}",
            )
        )
    sums = transactions.annotate(
        total=Coalesce(Sum("entries__amount_cents"), Value(0), output_field=BigIntegerField()),
        lines=Count("entries"),
        currencies=Count("entries__account__currency", distinct=True),
    )
    for posting in sums.filter(~Q(total=0) | Q(lines__lt=2) | Q(currencies__gt=1)).order_by("pk"):
        found.append(
            Discrepancy(
                "unbalanced_transaction",
                posting.pk,
                f"écriture {posting.pk} ({posting.kind} {posting.reference}) : somme "
                f"{posting.total}, {posting.lines} lignes, {posting.currencies} devise(s)",
            )
        )
    mismatched = entries.filter(
        ~Q(territory=F("transaction__territory")) | ~Q(territory=F("account__territory"))
    )
    for entry in mismatched.order_by("pk"):
        found.append(
            Discrepancy(
                "foreign_entry",
                entry.pk,
                f"ligne {entry.pk} de l'écriture {entry.transaction_id} : territoire différent "
                "de celui de l'écriture ou du compte",
            )
        )
    return report
