"""Operator actions on a programme (top-up, status moves) under real concurrent threads."""

import datetime as dt

import pytest
from django.db.models import Sum

from cabas.audit.models import AuditEntry
from cabas.factories import TerritoryFactory, UserFactory
from cabas.ledger.models import LedgerTransaction
from cabas.ledger.selectors import ledger_reconcile
from cabas.testing.concurrency import run_in_threads
from cabas.vouchers.errors import VoucherError
from cabas.vouchers.models import ProgrammeStatus, VoucherProgramme
from cabas.vouchers.selectors import programme_budget_remaining
from cabas.vouchers.services import (
    voucher_programme_create,
    voucher_programme_top_up,
    voucher_programme_transition,
    voucher_purchase,
)

pytestmark = pytest.mark.django_db(transaction=True)

NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)


def _programme(territory, **overrides):
    params = {
        "territory": territory,
        "name": "+100 %",
        "match_rate_bp": 10_000,
        "cap_per_person_cents": 1_000_000,
        "budget_cents": 3000,
        "valid_from": NOW - dt.timedelta(days=1),
        "valid_until": NOW + dt.timedelta(days=30),
    }
    params.update(overrides)
    return voucher_programme_create(**params)


def _outcome(work):
    try:
        return work().pk
    except VoucherError as error:
        return error.code


def _granted_equals_matched_plus_remaining(programme) -> bool:
    programme.refresh_from_db()
    matched = programme.vouchers.aggregate(total=Sum("matched_cents"))["total"] or 0
    return programme.budget_cents == matched + programme_budget_remaining(programme)


def test_concurrent_top_ups_all_land_and_the_budget_stays_the_ledger_sum():
    # Given a programme, and shoppers buying while the operators top it up
    territory = TerritoryFactory(slug="abonde", name="Abonde")
    programme = _programme(territory)
    users = [UserFactory() for _ in range(6)]

    def work(i):
        if i % 2:
            return _outcome(
                lambda: voucher_purchase(
                    programme=programme, user=users[i], amount_cents=1000, now=NOW
                )
            )
        return _outcome(
            lambda: voucher_programme_top_up(
                territory=territory,
                programme_id=programme.pk,
                amount_cents=1000,
                idempotency_key=f"top-{i}",
                actor=None,
            )
        )

    # When six threads run at once
    results = run_in_threads(6, work)

    # Then every top-up landed once, and granted = matched + what the budget holds
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert LedgerTransaction.objects.filter(kind="voucher_programme_top_up").count() == 3
    programme.refresh_from_db()
    assert programme.budget_cents == 3000 + 3 * 1000
    assert _granted_equals_matched_plus_remaining(programme)
    assert programme_budget_remaining(programme) >= 0
    assert AuditEntry.objects.filter(action="voucher_programme.top_up").count() == 3
    assert ledger_reconcile().ok


def test_a_double_clicked_top_up_posts_once_under_concurrency():
    territory = TerritoryFactory(slug="double", name="Double")
    programme = _programme(territory)

    results = run_in_threads(
        5,
        lambda i: _outcome(
            lambda: voucher_programme_top_up(
                territory=territory,
                programme_id=programme.pk,
                amount_cents=2500,
                idempotency_key="same-form",
                actor=None,
            )
        ),
    )

    assert not [r for r in results if isinstance(r, BaseException)], results
    assert len(set(results)) == 1, results
    programme.refresh_from_db()
    assert programme.budget_cents == 3000 + 2500
    assert programme_budget_remaining(programme) == 5500
    assert ledger_reconcile().ok


def test_two_operators_closing_at_once_make_one_move():
    territory = TerritoryFactory(slug="clore", name="Clore")
    programme = _programme(territory)

    results = run_in_threads(
        4,
        lambda i: _outcome(
            lambda: voucher_programme_transition(
                territory=territory,
                programme_id=programme.pk,
                status=ProgrammeStatus.CLOSED,
                actor=None,
            )
        ),
    )

    assert not [r for r in results if isinstance(r, BaseException)], results
    assert results.count("illegal_move") == 3, results
    assert VoucherProgramme.objects.get(pk=programme.pk).status == ProgrammeStatus.CLOSED
    assert AuditEntry.objects.filter(action="voucher_programme.close").count() == 1


def test_operator_services_refuse_another_territorys_programme():
    territory = TerritoryFactory(slug="ici", name="Ici")
    elsewhere = TerritoryFactory(slug="ailleurs", name="Ailleurs")
    programme = _programme(elsewhere)

    with pytest.raises(VoucherError) as top_up:
        voucher_programme_top_up(
            territory=territory,
            programme_id=programme.pk,
            amount_cents=100,
            idempotency_key="k",
            actor=None,
        )
    with pytest.raises(VoucherError) as move:
        voucher_programme_transition(
            territory=territory, programme_id=programme.pk, status="closed", actor=None
        )

    assert top_up.value.code == move.value.code == "programme_not_found"
    programme.refresh_from_db()
    assert (programme.budget_cents, programme.status) == (3000, ProgrammeStatus.ACTIVE)


@pytest.mark.parametrize("amount", [0, -100, 10.5, True, "100"])
def test_a_top_up_of_a_bad_amount_writes_nothing(amount):
    territory = TerritoryFactory(slug="mauvais", name="Mauvais")
    programme = _programme(territory)
    before = LedgerTransaction.objects.count()

    with pytest.raises(VoucherError) as error:
        voucher_programme_top_up(
            territory=territory,
            programme_id=programme.pk,
            amount_cents=amount,
            idempotency_key="k",
            actor=None,
        )

    assert error.value.code == "invalid_amount"
    assert LedgerTransaction.objects.count() == before
    programme.refresh_from_db()
    assert programme.budget_cents == 3000
