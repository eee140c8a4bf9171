from decimal import Decimal

import pytest

from cabas.ledger.errors import LedgerError
from cabas.ledger.models import Account, AccountKind, Entry, LedgerTransaction
from cabas.ledger.selectors import account_balance, account_history
from cabas.ledger.services import account_open, ledger_post
from cabas.ledger.tests.conftest import ledger_snapshot

pytestmark = pytest.mark.django_db


def spend(territory, accounts, cents=1000, **extra):
    kwargs = {
        "territory": territory,
        "kind": "purchase",
        "entries": [(accounts["wallet"], -cents), (accounts["merchant"], cents)],
        "reference": "order:1",
        **extra,
    }
    return ledger_post(**kwargs)


def test_a_balanced_posting_moves_both_balances_and_records_entries(territory, accounts):
    posting = spend(territory, accounts, 1250, memo="Achat")
    wallet = Account.objects.get(pk=accounts["wallet"].pk)
    merchant = Account.objects.get(pk=accounts["merchant"].pk)
    assert (wallet.balance_cents, merchant.balance_cents) == (3750, 1250)
    assert account_balance(wallet) == 3750
    assert sorted(posting.entries.values_list("amount_cents", flat=True)) == [-1250, 1250]
    assert set(posting.entries.values_list("territory_id", flat=True)) == {territory.pk}


def test_a_multi_leg_posting_with_commission_balances(territory, accounts):
    commission = account_open(territory=territory, kind=AccountKind.PLATFORM_COMMISSION)
    ledger_post(
        territory=territory,
        kind="purchase",
        entries=[(accounts["wallet"], -2000), (accounts["merchant"], 1900), (commission, 100)],
        reference="order:2",
    )
    commission.refresh_from_db()
    assert commission.balance_cents == 100
    assert account_balance(accounts["merchant"]) == 1900


def test_external_account_may_go_negative_others_may_not(territory, accounts):
    assert Account.objects.get(pk=accounts["cash"].pk).balance_cents == -5000
    assert accounts["cash"].allow_negative
    assert not accounts["wallet"].allow_negative


def test_account_history_is_newest_first_with_running_balance(territory, accounts):
    spend(territory, accounts, 1000)
    spend(territory, accounts, 300, reference="order:2")
    history = list(account_history(accounts["wallet"]))
    assert [e.amount_cents for e in history] == [-300, -1000, 5000]
    assert [e.balance_after_cents for e in history] == [3700, 4000, 5000]
    assert history[0].transaction.reference == "order:2"


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        (0, "invalid_amount"),
        (True, "invalid_amount"),
        (10.0, "invalid_amount"),
        (Decimal("10.5"), "invalid_amount"),
        (Decimal("NaN"), "invalid_amount"),
        ("1000", "invalid_amount"),
        (None, "invalid_amount"),
        (10**15, "invalid_amount"),
    ],
)
def test_bad_amounts_are_refused_and_nothing_written(territory, accounts, amount, code):
    before = ledger_snapshot()
    with pytest.raises(LedgerError) as error:
        ledger_post(
            territory=territory,
            kind="purchase",
            entries=[(accounts["wallet"], amount), (accounts["merchant"], 1000)],
            reference="order:1",
        )
    assert error.value.code == code
    assert error.value.message
    assert ledger_snapshot() == before


def test_integral_decimal_amount_is_accepted_as_cents(territory, accounts):
    posting = spend(territory, accounts, Decimal("700"))
    assert sorted(posting.entries.values_list("amount_cents", flat=True)) == [-700, 700]


def test_unbalanced_posting_is_refused_and_nothing_written(territory, accounts):
    before = ledger_snapshot()
    with pytest.raises(LedgerError) as error:
        ledger_post(
            territory=territory,
            kind="purchase",
            entries=[(accounts["wallet"], -1000), (accounts["merchant"], 999)],
            reference="order:1",
        )
    assert error.value.code == "unbalanced"
    assert error.value.details == {"sum_cents": -1}
    assert "équilibrée" in error.value.message
    assert ledger_snapshot() == before


@pytest.mark.parametrize(
    "entries",
    [
        lambda a: [],
        lambda a: [(a["wallet"], 0)],
        lambda a: [(a["wallet"], -100), (a["wallet"], 100)],
    ],
    ids=["empty", "single", "same-account"],
)
def test_fewer_than_two_accounts_is_refused(territory, accounts, entries):
    before = ledger_snapshot()
    with pytest.raises(LedgerError) as error:
        ledger_post(territory=territory, kind="purchase", entries=entries(accounts), reference="x")
    assert error.value.code in {"too_few_entries", "invalid_amount"}
    assert ledger_snapshot() == before


def test_malformed_entries_are_refused(territory, accounts):
    for entries, code in [
        ([(accounts["wallet"], -1, 2), (accounts["merchant"], 1)], "invalid_entries"),
        ([("wallet", -1), (accounts["merchant"], 1)], "unknown_account"),
        ([(Account(territory=territory), -1), (accounts["merchant"], 1)], "unknown_account"),
        (None, "invalid_entries"),
    ]:
        with pytest.raises(LedgerError) as error:
            ledger_post(territory=territory, kind="purchase", entries=entries, reference="x")
        assert error.value.code == code
    assert LedgerTransaction.objects.count() == 1  # the fixture's funding only


def test_deleted_account_is_refused(territory, accounts):
    ghost = account_open(territory=territory, kind=AccountKind.LOYALTY, owner_ref="user:9")
    Account.objects.filter(pk=ghost.pk).delete()
    before = ledger_snapshot()
    with pytest.raises(LedgerError) as error:
        ledger_post(
            territory=territory,
            kind="loyalty",
            entries=[(accounts["cash"], -10), (ghost, 10)],
            reference="x",
        )
    assert error.value.code == "unknown_account"
    assert ledger_snapshot() == before


def test_spending_above_the_balance_is_refused_and_nothing_written(territory, accounts):
    before = ledger_snapshot()
    with pytest.raises(LedgerError) as error:
        spend(territory, accounts, 5001)
    assert error.value.code == "insufficient_funds"
    assert error.value.details == [
        {"account_id": accounts["wallet"].pk, "balance_cents": 5000, "needed_cents": 5001}
    ]
    assert ledger_snapshot() == before


def test_spending_the_exact_balance_empties_the_account(territory, accounts):
    spend(territory, accounts, 5000)
    assert Account.objects.get(pk=accounts["wallet"].pk).balance_cents == 0


def test_stale_instance_balance_is_not_trusted(territory, accounts):
    # Given an Account object that still believes it holds 50 €
    stale = accounts["wallet"]
    spend(territory, accounts, 4000)
    # When it is used to spend 20 €, the locked row (10 €) decides
    with pytest.raises(LedgerError) as error:
        ledger_post(
            territory=territory,
            kind="purchase",
            entries=[(stale, -2000), (accounts["merchant"], 2000)],
            reference="x",
        )
    assert error.value.code == "insufficient_funds"


def test_foreign_territory_account_is_refused(territory, other_territory, accounts):
    foreign = account_open(territory=other_territory, kind=AccountKind.GIFT_CARD, owner_ref="g")
    before = ledger_snapshot()
    with pytest.raises(LedgerError) as error:
        ledger_post(
            territory=territory,
            kind="purchase",
            entries=[(accounts["cash"], -100), (foreign, 100)],
            reference="x",
        )
    assert error.value.code == "foreign_account"
    assert error.value.details == {"account_ids": [foreign.pk]}
    assert ledger_snapshot() == before
    # Nor can a territory post on accounts that are all someone else's.
    with pytest.raises(LedgerError) as error:
        ledger_post(
            territory=other_territory,
            kind="purchase",
            entries=[(accounts["cash"], -100), (accounts["gift"], 100)],
            reference="x",
        )
    assert error.value.code == "foreign_account"
    assert ledger_snapshot() == before


def test_mixed_currencies_are_refused(territory, accounts):
    chf = account_open(territory=territory, kind=AccountKind.EXTERNAL, currency="CHF")
    before = ledger_snapshot()
    with pytest.raises(LedgerError) as error:
        ledger_post(
            territory=territory,
            kind="exchange",
            entries=[(chf, -100), (accounts["gift"], 100)],
            reference="x",
        )
    assert error.value.code == "currency_mismatch"
    assert ledger_snapshot() == before


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("kind", "", "invalid_kind"),
        ("kind", "k" * 41, "invalid_kind"),
        ("reference", "", "invalid_reference"),
        ("reference", None, "invalid_reference"),
        ("idempotency_key", "", "invalid_idempotency_key"),
        ("idempotency_key", 42, "invalid_idempotency_key"),
        ("memo", None, "invalid_memo"),
    ],
)
def test_bad_descriptive_fields_are_refused(territory, accounts, field, value, code):
    before = ledger_snapshot()
    with pytest.raises(LedgerError) as error:
        spend(territory, accounts, **{field: value})
    assert error.value.code == code
    assert ledger_snapshot() == before


def test_unknown_account_kind_is_refused(territory):
    with pytest.raises(LedgerError) as error:
        account_open(territory=territory, kind="piggy_bank")
    assert error.value.code == "invalid_kind"


def test_account_open_is_idempotent_per_owner(territory):
    first = account_open(territory=territory, kind=AccountKind.SHOPPER_WALLET, owner_ref="user:3")
    again = account_open(territory=territory, kind=AccountKind.SHOPPER_WALLET, owner_ref="user:3")
    assert first.pk == again.pk
    assert first.currency == territory.currency


def test_replayed_idempotency_key_returns_the_first_transaction(territory, accounts):
    first = spend(territory, accounts, 1000, idempotency_key="pay-1")
    before = ledger_snapshot()
    again = spend(territory, accounts, 1000, idempotency_key="pay-1")
    assert again.pk == first.pk
    assert ledger_snapshot() == before


def test_replay_is_returned_even_when_funds_are_gone_since(territory, accounts):
    first = spend(territory, accounts, 5000, idempotency_key="pay-all")
    assert spend(territory, accounts, 5000, idempotency_key="pay-all").pk == first.pk


@pytest.mark.parametrize(
    "change",
    [{"cents": 999}, {"reference": "order:other"}, {"kind": "refund"}],
    ids=["amount", "reference", "kind"],
)
def test_idempotency_key_reused_for_another_posting_conflicts(territory, accounts, change):
    spend(territory, accounts, 1000, idempotency_key="pay-1")
    before = ledger_snapshot()
    cents = change.pop("cents", 1000)
    with pytest.raises(LedgerError) as error:
        spend(territory, accounts, cents, idempotency_key="pay-1", **change)
    assert error.value.code == "idempotency_conflict"
    assert error.value.status == 409
    assert ledger_snapshot() == before


def test_idempotency_key_reused_on_other_accounts_conflicts(territory, accounts):
    spend(territory, accounts, 1000, idempotency_key="pay-1")
    with pytest.raises(LedgerError) as error:
        ledger_post(
            territory=territory,
            kind="purchase",
            entries=[(accounts["wallet"], -1000), (accounts["gift"], 1000)],
            reference="order:1",
            idempotency_key="pay-1",
        )
    assert error.value.code == "idempotency_conflict"


def test_idempotency_keys_are_scoped_by_territory(territory, other_territory, accounts):
    spend(territory, accounts, 1000, idempotency_key="pay-1")
    wallet = account_open(territory=other_territory, kind=AccountKind.EXTERNAL)
    gift = account_open(territory=other_territory, kind=AccountKind.GIFT_CARD, owner_ref="g")
    posting = ledger_post(
        territory=other_territory,
        kind="purchase",
        entries=[(wallet, -1000), (gift, 1000)],
        reference="order:1",
        idempotency_key="pay-1",
    )
    assert posting.territory_id == other_territory.pk
    assert LedgerTransaction.objects.filter(idempotency_key="pay-1").count() == 2


def test_database_refuses_a_negative_balance_and_a_zero_entry(territory, accounts):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=accounts["wallet"].pk).update(balance_cents=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.filter(account=accounts["wallet"]).update(amount_cents=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=accounts["gift"].pk).update(allow_negative=True)
