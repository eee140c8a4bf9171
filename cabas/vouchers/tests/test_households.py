"""The per-household cap: one declared address, one cap, even under concurrency."""

import pytest

from cabas.factories import UserFactory
from cabas.ledger.selectors import ledger_reconcile
from cabas.testing.concurrency import run_in_threads
from cabas.vouchers.errors import VoucherError
from cabas.vouchers.households import address_normalise, household_declare, household_key
from cabas.vouchers.models import ProgrammeHousehold, Voucher
from cabas.vouchers.services import voucher_purchase
from cabas.vouchers.tests.conftest import NOW, ledger_snapshot, make_programme


def test_one_home_typed_two_ways_is_one_household():
    assert address_normalise("12, Bd  Victor-Hugo") == "12 boulevard victor hugo"
    assert household_key(address="12 bis r. de l'Église", postcode="38000") == household_key(
        address="12bis Rue de l’eglise", postcode="38000"
    )
    assert household_key(address="12 rue A", postcode="38000") != household_key(
        address="12 rue A", postcode="38100"
    )


@pytest.mark.django_db
def test_household_cap_limits_the_match_of_a_whole_home(territory):
    # Given a programme matching 100 %, 50 € per person but 60 € per household
    programme = make_programme(
        territory, match_rate_bp=10_000, cap_per_person_cents=5000, cap_per_household_cents=6000
    )
    alice, bob = UserFactory(), UserFactory()
    household_declare(
        territory=territory, user=alice, address="3 av. Jean Jaurès", postcode="38000"
    )
    household_declare(
        territory=territory, user=bob, address="3 Avenue Jean-Jaures", postcode="38000"
    )
    # When both buy 40 €
    first = voucher_purchase(programme=programme, user=alice, amount_cents=4000, now=NOW)
    second = voucher_purchase(programme=programme, user=bob, amount_cents=4000, now=NOW)
    # Then the home received 60 € in all, not 80 €
    assert (first.matched_cents, second.matched_cents) == (4000, 2000)
    assert ProgrammeHousehold.objects.get().matched_cents == 6000


@pytest.mark.django_db
def test_capped_programme_needs_a_declared_household(territory):
    programme = make_programme(territory, cap_per_household_cents=3000)
    before = ledger_snapshot()
    with pytest.raises(VoucherError) as refused:
        voucher_purchase(programme=programme, user=UserFactory(), amount_cents=1000, now=NOW)
    assert refused.value.code == "household_required"
    assert ledger_snapshot() == before
    assert not Voucher.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("address", "postcode"),
    [("", "38000"), ("1 rue A", "3800"), ("1 rue A", "ABCDE"), ("!!", "38000")],
)
def test_bad_household_addresses_are_refused(territory, address, postcode):
    with pytest.raises(VoucherError) as refused:
        household_declare(
            territory=territory, user=UserFactory(), address=address, postcode=postcode
        )
    assert refused.value.code == "household_invalid"


@pytest.mark.django_db(transaction=True)
def test_household_cap_holds_when_the_whole_home_buys_at_once(territory):
    # Given 6 people of one home, 100 % match, 50 € each but 30 € per household
    programme = make_programme(
        territory, match_rate_bp=10_000, cap_per_person_cents=5000, cap_per_household_cents=3000
    )
    people = [UserFactory() for _ in range(6)]
    for person in people:
        household_declare(
            territory=territory, user=person, address="8 place Grenette", postcode="38000"
        )

    # When they all buy 20 € at the same moment
    def buy(i):
        return voucher_purchase(
            programme=programme, user=people[i], amount_cents=2000, now=NOW
        ).matched_cents

    results = run_in_threads(6, buy)
    # Then every purchase went through and the household received exactly 30 €
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert sum(results) == 3000
    assert ProgrammeHousehold.objects.get().matched_cents == 3000
    assert sum(Voucher.objects.values_list("matched_cents", flat=True)) == 3000
    assert ledger_reconcile().ok
