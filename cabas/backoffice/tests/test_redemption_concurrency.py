"""One code spent at the same moment from the back office and the API, on a real database."""

import pytest
from django.test import Client

from cabas.apitokens.services import api_token_create
from cabas.factories import ShopFactory, ShopMembershipFactory, TerritoryFactory, UserFactory
from cabas.ledger.models import Account, Entry
from cabas.ledger.selectors import ledger_reconcile
from cabas.shops.models import ShopMembership
from cabas.testing.concurrency import run_in_threads
from cabas.vouchers.services import gift_card_issue

from .conftest import shop_url

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def till():
    territory = TerritoryFactory(slug="course", name="Course")
    shop = ShopFactory(territory=territory, slug="caisse", opening_hours="24/7")
    cashier = UserFactory()
    ShopMembershipFactory(shop=shop, user=cashier, role=ShopMembership.Role.STAFF)
    _token, raw = api_token_create(territory=territory, shop=shop, name="Caisse")
    card = gift_card_issue(territory=territory, amount_cents=5000, buyer_email="a@b.fr")
    return shop, cashier, raw, card


def spend(shop, cashier, raw, code, i, key, amount_cents=2000):
    """Thread ``i``: even threads use the back office form, odd ones the API."""
    client = Client()
    if i % 2 == 0:
        client.force_login(cashier)
        response = client.post(
            shop_url("redeem", shop),
            {"code": code, "amount": f"{amount_cents // 100},{amount_cents % 100:02d}", "key": key},
        )
        return "ok" if response.status_code == 302 else f"web:{response.status_code}"
    response = client.post(
        "/api/v1/merchant/redemptions",
        {"code": code, "amount_cents": amount_cents},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
        HTTP_IDEMPOTENCY_KEY=key,
    )
    if response.status_code in (200, 201):
        return "ok"
    return response.json()["error"]["code"]


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


def test_web_and_api_racing_on_one_code_never_spend_beyond_its_balance(till):
    # Given a 50 € card and ten tills, half on the web, half on the API
    shop, cashier, raw, card = till

    # When each takes 20 € at the same moment, with its own key
    results = run_in_threads(10, lambda i: spend(shop, cashier, raw, card.code, i, f"till-{i}"))

    # Then two debits go through, every other till is refused, nothing goes below zero
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert results.count("ok") == 2, results
    assert all(r in {"ok", "web:400", "insufficient_balance"} for r in results), results
    assert Account.objects.get(pk=card.account_id).balance_cents == 1000
    assert Entry.objects.filter(account_id=card.account_id, amount_cents=-2000).count() == 2
    assert running_balances_never_negative(card.account_id)
    assert ledger_reconcile().ok


def test_one_key_sent_by_web_and_api_at_once_is_exactly_one_debit(till):
    shop, cashier, raw, card = till

    results = run_in_threads(8, lambda i: spend(shop, cashier, raw, card.code, i, "same-key"))

    assert results == ["ok"] * 8, results
    assert Account.objects.get(pk=card.account_id).balance_cents == 3000
    assert Entry.objects.filter(account_id=card.account_id).count() == 2  # sale + one debit
    assert ledger_reconcile().ok
