import datetime as dt
from decimal import Decimal

import pytest

from cabas.factories import CategoryFactory, ShopFactory, UserFactory
from cabas.ledger.models import Account, AccountKind, LedgerTransaction
from cabas.ledger.selectors import ledger_reconcile
from cabas.vouchers.errors import VoucherError
from cabas.vouchers.selectors import card_balance, merchant_receivables_total
from cabas.vouchers.services import gift_card_issue, voucher_purchase, voucher_redeem
from cabas.vouchers.tests.conftest import NOW, ledger_snapshot, make_programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def card(territory):
    return gift_card_issue(territory=territory, amount_cents=5000, buyer_email="a@b.fr", now=NOW)


def redeem(code, shop, amount, key="k1", now=NOW):
    return voucher_redeem(
        code=code, shop=shop, amount_cents=amount, reference="caisse", idempotency_key=key, now=now
    )


def test_partial_redemptions_move_money_from_the_card_to_the_shop(card, shop):
    redeem(card.code, shop, 2000, key="a")
    redeem(card.code.lower(), shop, 3000, key="b")
    receivable = Account.objects.get(
        kind=AccountKind.MERCHANT_RECEIVABLE, owner_ref=f"shop:{shop.pk}"
    )
    assert receivable.balance_cents == 5000
    assert card_balance(card.code).balance_cents == 0
    assert merchant_receivables_total(shop.territory) == 5000
    assert ledger_reconcile().ok


def test_replayed_redemption_debits_once(card, shop):
    first = redeem(card.code, shop, 2000, key="ticket-42")
    again = redeem(card.code, shop, 2000, key="ticket-42")
    assert first.pk == again.pk
    assert card_balance(card.code).balance_cents == 3000


def test_voucher_redeems_in_an_eligible_shop_only(territory, shopper):
    bakery = CategoryFactory(slug="boulangerie")
    food = CategoryFactory(slug="alimentation")
    bakery.parent = food
    bakery.save()
    listed = ShopFactory(territory=territory)
    in_family = ShopFactory(territory=territory, category=bakery)
    other = ShopFactory(territory=territory, category=CategoryFactory(slug="librairie"))
    programme = make_programme(territory, eligible_shops=[listed], eligible_categories=[food])
    voucher = voucher_purchase(programme=programme, user=shopper, amount_cents=2000, now=NOW)
    redeem(voucher.code, listed, 1000, key="1")
    redeem(voucher.code, in_family, 1000, key="2")
    before = ledger_snapshot()
    with pytest.raises(VoucherError) as caught:
        redeem(voucher.code, other, 1000, key="3")
    assert caught.value.code == "shop_not_eligible"
    assert ledger_snapshot() == before
    assert card_balance(voucher.code).balance_cents == 1000


def test_voucher_of_a_programme_without_restriction_redeems_anywhere(territory, shopper, shop):
    voucher = voucher_purchase(
        programme=make_programme(territory), user=shopper, amount_cents=2000, now=NOW
    )
    redeem(voucher.code, shop, 3000)
    assert card_balance(voucher.code).balance_cents == 0


def bad_cases():
    """(name, builds (code, shop, amount, now) from the world, expected code)."""
    return [
        ("unknown", lambda w: ("ABCD-EFGH-JKMN", w["shop"], 100, NOW), "unknown_code"),
        ("garbage", lambda w: ("'; drop table--", w["shop"], 100, NOW), "unknown_code"),
        (
            "expired",
            lambda w: (w["card"].code, w["shop"], 100, NOW + dt.timedelta(days=366)),
            "expired",
        ),
        (
            "voucher_expired",
            lambda w: (w["voucher"].code, w["shop"], 100, NOW + dt.timedelta(days=31)),
            "expired",
        ),
        ("foreign", lambda w: (w["card"].code, w["foreign_shop"], 100, NOW), "foreign_territory"),
        (
            "single_shop",
            lambda w: (w["shop_card"].code, w["shop"], 100, NOW),
            "shop_not_eligible",
        ),
        ("exhausted", lambda w: (w["empty"].code, w["shop"], 100, NOW), "exhausted"),
        ("above", lambda w: (w["card"].code, w["shop"], 5001, NOW), "insufficient_balance"),
        ("zero", lambda w: (w["card"].code, w["shop"], 0, NOW), "invalid_amount"),
        ("negative", lambda w: (w["card"].code, w["shop"], -500, NOW), "invalid_amount"),
        ("float", lambda w: (w["card"].code, w["shop"], 12.5, NOW), "invalid_amount"),
        (
            "three_decimals",
            lambda w: (w["card"].code, w["shop"], Decimal("1000.5"), NOW),
            "invalid_amount",
        ),
        ("text", lambda w: (w["card"].code, w["shop"], "10", NOW), "invalid_amount"),
    ]


@pytest.mark.parametrize(("name", "build", "expected"), bad_cases(), ids=lambda v: str(v)[:20])
def test_bad_redemption_gets_its_code_and_no_ledger_entry(
    territory, other_territory, shop, card, name, build, expected
):
    world = {
        "shop": shop,
        "card": card,
        "foreign_shop": ShopFactory(territory=other_territory),
        "shop_card": gift_card_issue(
            territory=territory,
            amount_cents=1000,
            shop=ShopFactory(territory=territory),
            buyer_email="a@b.fr",
            now=NOW,
        ),
        "empty": gift_card_issue(
            territory=territory, amount_cents=300, buyer_email="a@b.fr", now=NOW
        ),
        "voucher": voucher_purchase(
            programme=make_programme(territory), user=UserFactory(), amount_cents=1000, now=NOW
        ),
    }
    redeem(world["empty"].code, ShopFactory(territory=territory), 300, key="empty-it")
    code, at_shop, amount, now = build(world)
    before = ledger_snapshot()
    with pytest.raises(VoucherError) as caught:
        redeem(code, at_shop, amount, key=f"bad-{name}", now=now)
    assert caught.value.code == expected
    assert caught.value.message and caught.value.message != expected  # a French sentence
    assert ledger_snapshot() == before
    assert not LedgerTransaction.objects.filter(idempotency_key__endswith=f"bad-{name}").exists()


def test_redemption_with_a_conflicting_replayed_key_is_refused(card, shop):
    redeem(card.code, shop, 1000, key="same")
    before = ledger_snapshot()
    with pytest.raises(VoucherError) as caught:
        redeem(card.code, shop, 2000, key="same")
    assert caught.value.code == "idempotency_conflict"
    assert ledger_snapshot() == before
