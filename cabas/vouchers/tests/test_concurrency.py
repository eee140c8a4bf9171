"""Races on a real database (SQLite file in WAL, or PostgreSQL) with real threads."""

import datetime as dt

import pytest

from cabas.factories import ShopFactory, TerritoryFactory, UserFactory
from cabas.ledger.models import Account, Entry
from cabas.ledger.selectors import ledger_reconcile
from cabas.testing.concurrency import run_in_threads
from cabas.vouchers.errors import VoucherError
from cabas.vouchers.models import ProgrammeParticipant, Voucher
from cabas.vouchers.selectors import card_balance, programme_budget_remaining
from cabas.vouchers.services import (
    gift_card_issue,
    voucher_programme_create,
    voucher_purchase,
    voucher_redeem,
)

pytestmark = pytest.mark.django_db(transaction=True)

NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)


def outcome(work):
    try:
        return work().pk
    except VoucherError as error:
        return error.code


def running_balances_never_negative(account_id: int) -> bool:
    running = 0
    for amount in (
        Entry.objects.filter(account_id=account_id)
        .order_by("pk")
        .values_list("amount_cents", flat=True)
    ):
        running += amount
        if running < 0:
            return False
    return True


def test_ten_concurrent_redemptions_of_20_euros_on_a_50_euro_card_make_exactly_two():
    # Given a 50 € gift card
    territory = TerritoryFactory(slug="course", name="Course")
    shops = [ShopFactory(territory=territory) for _ in range(3)]
    card = gift_card_issue(territory=territory, amount_cents=5000, buyer_email="a@b.fr", now=NOW)

    # When 10 tills (web, API, shops) redeem 20 € at the same moment
    def spend(i):
        return outcome(
            lambda: voucher_redeem(
                code=card.code,
                shop=shops[i % 3],
                amount_cents=2000,
                reference=f"till:{i}",
                idempotency_key=f"till-{i}",
                now=NOW,
            )
        )

    results = run_in_threads(10, spend)
    # Then exactly 2 succeed, the others are told the balance is short
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert sum(isinstance(r, int) for r in results) == 2, results
    assert results.count("insufficient_balance") == 8, results
    assert card_balance(card.code).balance_cents == 1000
    assert Entry.objects.filter(account_id=card.account_id, amount_cents=-2000).count() == 2
    assert running_balances_never_negative(card.account_id)
    assert ledger_reconcile().ok


def test_budget_for_three_matches_under_ten_concurrent_purchases_gives_exactly_three():
    # Given a +50 % programme whose budget pays exactly three 10 € matches
    territory = TerritoryFactory(slug="course", name="Course")
    programme = voucher_programme_create(
        territory=territory,
        name="+50 %",
        match_rate_bp=5000,
        cap_per_person_cents=10_000,
        budget_cents=3000,
        valid_from=NOW - dt.timedelta(days=1),
        valid_until=NOW + dt.timedelta(days=30),
    )
    shoppers = [UserFactory() for _ in range(10)]

    # When 10 shoppers buy a 20 € voucher at the same moment
    results = run_in_threads(
        10,
        lambda i: outcome(
            lambda: voucher_purchase(
                programme=programme, user=shoppers[i], amount_cents=2000, now=NOW
            )
        ),
    )
    # Then 3 are matched, 7 are refused, the budget is 0 and was never negative
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert sum(isinstance(r, int) for r in results) == 3, results
    assert results.count("budget_exhausted") == 7, results
    assert programme_budget_remaining(programme) == 0
    assert [v.matched_cents for v in Voucher.objects.all()] == [1000] * 3
    assert running_balances_never_negative(programme.funder_account_id)
    assert ledger_reconcile().ok


def test_one_person_buying_from_ten_tabs_never_exceeds_the_cap():
    territory = TerritoryFactory(slug="course", name="Course")
    programme = voucher_programme_create(
        territory=territory,
        name="+50 %",
        match_rate_bp=5000,
        cap_per_person_cents=2500,
        budget_cents=100_000,
        valid_from=NOW - dt.timedelta(days=1),
        valid_until=NOW + dt.timedelta(days=30),
    )
    shopper = UserFactory()
    results = run_in_threads(
        10,
        lambda i: outcome(
            lambda: voucher_purchase(programme=programme, user=shopper, amount_cents=2000, now=NOW)
        ),
    )
    assert all(isinstance(r, int) for r in results), results
    participant = ProgrammeParticipant.objects.get(programme=programme, user=shopper)
    assert participant.matched_cents == 2500
    assert sum(Voucher.objects.values_list("matched_cents", flat=True)) == 2500
    assert Account.objects.get(pk=programme.funder_account_id).balance_cents == 100_000 - 2500
    assert ledger_reconcile().ok
