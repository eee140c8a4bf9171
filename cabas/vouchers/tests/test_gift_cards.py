import re

import pytest

from cabas.factories import ShopFactory
from cabas.ledger.models import AccountKind, LedgerTransaction
from cabas.ledger.selectors import ledger_reconcile
from cabas.vouchers.codes import ALPHABET, code_display, code_normalise, gift_card_qr_svg
from cabas.vouchers.errors import VoucherError
from cabas.vouchers.selectors import card_balance
from cabas.vouchers.services import gift_card_issue
from cabas.vouchers.tests.conftest import NOW, ledger_snapshot

pytestmark = pytest.mark.django_db


def test_issued_gift_card_holds_the_payment_under_a_random_unambiguous_code(territory):
    card = gift_card_issue(territory=territory, amount_cents=5000, buyer_email="a@example.org")
    assert len(card.code) == 12 and set(card.code) <= set(ALPHABET)
    assert not set("01ILOUV") & set(card.code)
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code_display(card.code))
    assert card.account.kind == AccountKind.GIFT_CARD
    assert card.account.owner_ref == f"giftcard:{card.pk}"
    assert card.account.balance_cents == 5000
    posting = LedgerTransaction.objects.get(kind="gift_card_sale")
    assert sorted(posting.entries.values_list("amount_cents", flat=True)) == [-5000, 5000]
    assert ledger_reconcile().ok


def test_codes_are_distinct(territory):
    codes = {
        gift_card_issue(territory=territory, amount_cents=100, buyer_email="a@example.org").code
        for _ in range(30)
    }
    assert len(codes) == 30


def test_public_balance_lookup_accepts_the_code_as_printed_or_typed(territory):
    card = gift_card_issue(territory=territory, amount_cents=2500, buyer_email="a@example.org")
    for typed in (card.code, code_display(card.code).lower(), f" {code_display(card.code)} "):
        balance = card_balance(typed)
        assert balance is not None
        assert (balance.balance_cents, balance.kind) == (2500, "gift_card")
        assert balance.code_display == code_display(card.code)


@pytest.mark.parametrize("typed", ["", "ABCD", "ABCD-EFGH-JKM0", None, 42, "Z" * 12])
def test_public_balance_lookup_of_an_unknown_code_is_none(territory, typed):
    gift_card_issue(territory=territory, amount_cents=2500, buyer_email="a@example.org")
    assert card_balance(typed) is None


def test_single_shop_card_names_its_shop(territory):
    shop = ShopFactory(territory=territory, name="La Fromagerie")
    card = gift_card_issue(
        territory=territory, amount_cents=2500, shop=shop, buyer_email="a@example.org", now=NOW
    )
    assert card_balance(card.code).shop_name == "La Fromagerie"


def test_gift_card_for_a_shop_of_another_territory_is_refused(territory, other_territory):
    shop = ShopFactory(territory=other_territory)
    before = ledger_snapshot()
    with pytest.raises(VoucherError) as caught:
        gift_card_issue(territory=territory, amount_cents=100, shop=shop, buyer_email="a@b.fr")
    assert caught.value.code == "foreign_territory"
    assert ledger_snapshot() == before


@pytest.mark.parametrize("amount", [0, -1, 1.5, None])
def test_gift_card_with_a_bad_amount_is_refused(territory, amount):
    before = ledger_snapshot()
    with pytest.raises(VoucherError) as caught:
        gift_card_issue(territory=territory, amount_cents=amount, buyer_email="a@b.fr")
    assert caught.value.code == "invalid_amount"
    assert ledger_snapshot() == before


def test_qr_code_is_an_svg_carrying_the_code(territory):
    card = gift_card_issue(territory=territory, amount_cents=100, buyer_email="a@b.fr")
    svg = gift_card_qr_svg(code_display(card.code))
    assert svg.lstrip().startswith("<svg") and "</svg>" in svg
    assert code_normalise(f"CABAS:{card.code}") == card.code
