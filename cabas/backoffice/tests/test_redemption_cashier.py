"""Who took a code at the till (a signed-in cashier or an API token) is kept and shown."""

import re

import pytest
from django.urls import reverse

from cabas.factories import ShopMembershipFactory, UserFactory
from cabas.ledger.models import LedgerTransaction
from cabas.settlements.selectors import current_month, shop_statement
from cabas.shops.models import ShopMembership
from cabas.vouchers.services import gift_card_issue

from .conftest import bearer, login, shop_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def card(territory):
    return gift_card_issue(territory=territory, amount_cents=5000, buyer_email="a@b.fr")


@pytest.fixture
def cashier(shop):
    user = UserFactory(email="caissier@example.org", first_name="Karim", last_name="Benali")
    ShopMembershipFactory(shop=shop, user=user, role=ShopMembership.Role.STAFF)
    return user


def test_the_till_records_the_cashier_and_shows_them_on_list_and_receipt(shop, cashier, card):
    client = login(cashier)
    page = client.post(shop_url("redeem", shop), {"step": "lookup", "code": card.code})
    key = re.search(r'name="key" value="([0-9a-f]+)"', page.content.decode()).group(1)
    done = client.post(shop_url("redeem", shop), {"code": card.code, "amount": "12,50", "key": key})
    assert done.status_code == 302
    posting = LedgerTransaction.objects.get(kind="voucher_redemption")
    assert (posting.actor_id, posting.actor_label) == (cashier.pk, "Karim Benali")
    receipt = client.get(done["Location"]).content.decode()
    assert "Encaissé par" in receipt and "Karim Benali" in receipt
    listing = client.get(shop_url("redeem", shop)).content.decode()
    assert "Karim Benali" in listing


def test_the_api_records_the_token_name_as_cashier(client, shop, shop_token, card, owner):
    response = client.post(
        "/api/v1/merchant/redemptions",
        {"code": card.code, "amount_cents": 700},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-1",
        **bearer(shop_token),
    )
    assert response.status_code == 201, response.content
    assert response.json()["cashier"] == "API · Caisse"
    posting = LedgerTransaction.objects.get(kind="voucher_redemption")
    assert posting.actor_id is None and posting.actor_label == "API · Caisse"
    # … and the settlement detail names it
    statement = shop_statement(shop, current_month(shop.territory))
    assert [t.cashier for t in statement.tenders] == ["API · Caisse"]
    page = login(owner).get(
        reverse(
            "backoffice:statement", kwargs={"territory": shop.territory.slug, "shop": shop.slug}
        )
    )
    assert "API · Caisse" in page.content.decode()
