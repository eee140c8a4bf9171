"""Races on a real database (SQLite file in WAL, or PostgreSQL) with real threads."""

import pytest

from cabas.factories import TerritoryFactory
from cabas.ledger.errors import LedgerError
from cabas.ledger.models import Account, AccountKind, Entry, LedgerTransaction
from cabas.ledger.selectors import ledger_reconcile
from cabas.ledger.services import account_open, ledger_post
from cabas.ledger.tests.conftest import fund
from cabas.testing.concurrency import run_in_threads

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def wallet_with_50_euros():
    territory = TerritoryFactory(slug="course", name="Course")
    wallet = account_open(territory=territory, kind=AccountKind.SHOPPER_WALLET, owner_ref="u:1")
    shop = account_open(territory=territory, kind=AccountKind.MERCHANT_RECEIVABLE, owner_ref="s:1")
    fund(territory, wallet, 5000)
    return territory, wallet, shop


def outcome(work):
    try:
        return work().pk
    except LedgerError as error:
        return error.code


def test_twenty_concurrent_spends_of_10_euros_from_50_euros_make_exactly_five(
    wallet_with_50_euros,
):
    # Given a wallet holding 50 €
    territory, wallet, shop = wallet_with_50_euros

    def spend(i):
        return outcome(
            lambda: ledger_post(
                territory=territory,
                kind="purchase",
                entries=[(wallet, -1000), (shop, 1000)],
                reference=f"order:{i}",
            )
        )

    # When 20 shoppers' tabs spend 10 € at the same moment
    results = run_in_threads(20, spend)
    # Then exactly 5 succeed, the others are told "insufficient_funds"
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert sum(isinstance(r, int) for r in results) == 5
    assert results.count("insufficient_funds") == 15
    wallet.refresh_from_db()
    shop.refresh_from_db()
    assert (wallet.balance_cents, shop.balance_cents) == (0, 5000)
    assert Entry.objects.filter(account=wallet, amount_cents=-1000).count() == 5
    # never negative: the running balance of the wallet never dips below zero
    running = 0
    for amount in (
        Entry.objects.filter(account=wallet).order_by("pk").values_list("amount_cents", flat=True)
    ):
        running += amount
        assert running >= 0
    assert ledger_reconcile().ok


def test_same_idempotency_key_posted_concurrently_makes_one_transaction(wallet_with_50_euros):
    territory, wallet, shop = wallet_with_50_euros
    results = run_in_threads(
        8,
        lambda i: outcome(
            lambda: ledger_post(
                territory=territory,
                kind="purchase",
                entries=[(wallet, -1000), (shop, 1000)],
                reference="order:1",
                idempotency_key="checkout-1",
            )
        ),
    )
    assert len(set(results)) == 1 and isinstance(results[0], int), results
    assert LedgerTransaction.objects.filter(idempotency_key="checkout-1").count() == 1
    assert Account.objects.get(pk=wallet.pk).balance_cents == 4000


def test_opposite_transfers_between_two_accounts_never_deadlock(wallet_with_50_euros):
    territory, wallet, shop = wallet_with_50_euros
    fund(territory, shop, 5000)

    def transfer(i):
        payer, payee = (wallet, shop) if i % 2 else (shop, wallet)
        return outcome(
            lambda: ledger_post(
                territory=territory,
                kind="transfer",
                entries=[(payee, 100), (payer, -100)],
                reference=f"t:{i}",
            )
        )

    results = run_in_threads(12, transfer)
    assert all(isinstance(r, int) for r in results), results
    assert Account.objects.get(pk=wallet.pk).balance_cents == 5000
    assert Account.objects.get(pk=shop.pk).balance_cents == 5000
    assert ledger_reconcile().ok
