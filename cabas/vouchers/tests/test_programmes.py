import datetime as dt
from decimal import Decimal

import pytest

from cabas.factories import UserFactory
from cabas.ledger.models import Account, AccountKind, LedgerTransaction
from cabas.ledger.selectors import ledger_reconcile
from cabas.vouchers.errors import VoucherError
from cabas.vouchers.models import ProgrammeParticipant, ProgrammeStatus
from cabas.vouchers.selectors import card_balance, programme_budget_remaining
from cabas.vouchers.services import voucher_programme_create, voucher_purchase
from cabas.vouchers.tests.conftest import NOW, ledger_snapshot, make_programme

pytestmark = pytest.mark.django_db


def test_programme_creation_funds_its_budget_account_from_outside(territory):
    programme = make_programme(territory, budget_cents=30_000)
    assert programme.funder_account.kind == AccountKind.FUNDER_BUDGET
    assert programme.funder_account.owner_ref == f"programme:{programme.pk}"
    assert programme_budget_remaining(programme) == 30_000
    assert LedgerTransaction.objects.get(kind="voucher_programme_funding").entries.count() == 2
    assert ledger_reconcile().ok


@pytest.mark.parametrize(
    "overrides",
    [
        {"match_rate_bp": 0},
        {"match_rate_bp": 100_001},
        {"budget_cents": 0},
        {"budget_cents": -100},
        {"budget_cents": 10.5},
        {"cap_per_person_cents": 0},
        {"name": " "},
        {"valid_until": NOW - dt.timedelta(days=2)},
        {"valid_from": dt.datetime(2026, 6, 1)},  # naive
        {"status": "nope"},
    ],
)
def test_invalid_programme_is_refused_and_writes_nothing(territory, overrides):
    before = ledger_snapshot()
    with pytest.raises(VoucherError) as caught:
        make_programme(territory, **overrides)
    assert caught.value.code == "invalid_programme"
    assert ledger_snapshot() == before


def test_purchase_puts_payment_and_match_on_the_voucher_in_one_transaction(territory, shopper):
    # Given a +50 % programme
    programme = make_programme(territory)
    # When a shopper pays 20 €
    voucher = voucher_purchase(programme=programme, user=shopper, amount_cents=2000, now=NOW)
    # Then the voucher holds 30 €, in one balanced 3-leg transaction
    posting = LedgerTransaction.objects.get(kind="voucher_purchase")
    legs = sorted(posting.entries.values_list("account__kind", "amount_cents"))
    assert legs == [
        (AccountKind.EXTERNAL, -2000),
        (AccountKind.FUNDER_BUDGET, -1000),
        (AccountKind.GIFT_CARD, 3000),
    ]
    assert voucher.account.owner_ref == f"voucher:{voucher.pk}"
    assert (voucher.paid_cents, voucher.matched_cents) == (2000, 1000)
    assert voucher.expires_at == programme.valid_until
    assert card_balance(voucher.code).balance_cents == 3000
    assert programme_budget_remaining(programme) == 100_000 - 1000
    assert ledger_reconcile().ok


def test_match_is_clipped_to_what_the_person_may_still_receive(territory, shopper):
    programme = make_programme(territory, cap_per_person_cents=1500)
    first = voucher_purchase(programme=programme, user=shopper, amount_cents=2000, now=NOW)
    second = voucher_purchase(programme=programme, user=shopper, amount_cents=2000, now=NOW)
    third = voucher_purchase(programme=programme, user=shopper, amount_cents=2000, now=NOW)
    assert [v.matched_cents for v in (first, second, third)] == [1000, 500, 0]
    assert third.account.balance_cents == 2000
    participant = ProgrammeParticipant.objects.get(programme=programme, user=shopper)
    assert (participant.paid_cents, participant.matched_cents) == (6000, 1500)
    # another person has their own cap
    other = voucher_purchase(programme=programme, user=UserFactory(), amount_cents=2000, now=NOW)
    assert other.matched_cents == 1000


def test_purchase_the_budget_cannot_match_in_full_is_refused_without_ledger_entry(
    territory, shopper
):
    programme = make_programme(territory, budget_cents=1500)
    voucher_purchase(programme=programme, user=shopper, amount_cents=2000, now=NOW)
    before = ledger_snapshot()
    with pytest.raises(VoucherError) as caught:
        voucher_purchase(programme=programme, user=UserFactory(), amount_cents=2000, now=NOW)
    assert caught.value.code == "budget_exhausted"
    assert ledger_snapshot() == before
    assert programme_budget_remaining(programme) == 500


@pytest.mark.parametrize("amount", [0, -100, 10.5, Decimal("10.5"), True, "1000", None])
def test_purchase_with_a_bad_amount_is_refused(territory, shopper, amount):
    programme = make_programme(territory)
    before = ledger_snapshot()
    with pytest.raises(VoucherError) as caught:
        voucher_purchase(programme=programme, user=shopper, amount_cents=amount, now=NOW)
    assert caught.value.code == "invalid_amount"
    assert ledger_snapshot() == before


@pytest.mark.parametrize(
    "when", [NOW - dt.timedelta(days=2), NOW + dt.timedelta(days=30), NOW + dt.timedelta(days=99)]
)
def test_purchase_outside_the_validity_dates_is_refused(territory, shopper, when):
    programme = make_programme(territory)
    with pytest.raises(VoucherError) as caught:
        voucher_purchase(programme=programme, user=shopper, amount_cents=1000, now=when)
    assert caught.value.code == "programme_closed"


def test_purchase_in_a_closed_programme_is_refused(territory, shopper):
    programme = voucher_programme_create(
        territory=territory,
        name="Clos",
        match_rate_bp=5000,
        cap_per_person_cents=1000,
        budget_cents=1000,
        valid_from=NOW - dt.timedelta(days=1),
        valid_until=NOW + dt.timedelta(days=1),
        status=ProgrammeStatus.CLOSED,
    )
    before = ledger_snapshot()
    with pytest.raises(VoucherError) as caught:
        voucher_purchase(programme=programme, user=shopper, amount_cents=1000, now=NOW)
    assert caught.value.code == "programme_closed"
    assert ledger_snapshot() == before
    assert not Account.objects.filter(owner_ref__startswith="voucher:").exists()
