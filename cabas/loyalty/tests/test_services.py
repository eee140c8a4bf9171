"""Loyalty settings and earning, on the ledger."""

import pytest

from cabas.factories import UserFactory
from cabas.ledger.models import LedgerTransaction
from cabas.ledger.selectors import ledger_reconcile
from cabas.loyalty.errors import LoyaltyError
from cabas.loyalty.models import LoyaltySettings
from cabas.loyalty.selectors import points_balance, points_history
from cabas.loyalty.services import loyalty_earn, loyalty_settings_update

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("per_euro", "value"), [(-1, 1), (1001, 1), (1, 0), (1, 10_001), (True, 1), (1.5, 1)]
)
def test_settings_out_of_range_are_refused(territory, per_euro, value):
    with pytest.raises(LoyaltyError) as refused:
        loyalty_settings_update(
            territory=territory, enabled=True, points_per_euro=per_euro, point_value_cents=value
        )
    assert refused.value.code == "invalid_settings"
    assert not LoyaltySettings.objects.exists()


def test_an_order_earns_once_rounded_down(territory):
    loyalty_settings_update(
        territory=territory, enabled=True, points_per_euro=3, point_value_cents=1
    )
    shopper = UserFactory()
    first = loyalty_earn(territory=territory, user_id=shopper.pk, order_id=7, amount_cents=1099)
    again = loyalty_earn(territory=territory, user_id=shopper.pk, order_id=7, amount_cents=1099)
    assert first is not None and again is not None and first.pk == again.pk
    assert points_balance(territory, shopper.pk) == 32  # 10,99 € × 3, rounded down
    assert LedgerTransaction.objects.filter(kind="loyalty_earn").count() == 1
    assert [line.label for line in points_history(territory, shopper.pk)] == ["earned"]
    assert ledger_reconcile(territory).ok


def test_nothing_is_earned_below_one_point_or_when_off(territory):
    shopper = UserFactory()
    assert (
        loyalty_earn(territory=territory, user_id=shopper.pk, order_id=1, amount_cents=5000) is None
    )
    loyalty_settings_update(
        territory=territory, enabled=True, points_per_euro=1, point_value_cents=1
    )
    assert (
        loyalty_earn(territory=territory, user_id=shopper.pk, order_id=2, amount_cents=99) is None
    )
    assert not LedgerTransaction.objects.exists()
