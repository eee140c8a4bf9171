"""« Mes chèques et cartes »: the shopper's vouchers and gift cards, and their household."""

import datetime as dt

import pytest
from django.utils import timezone

from cabas.factories import ShopFactory, TerritoryFactory, UserFactory
from cabas.vouchers.models import Household
from cabas.vouchers.services import (
    gift_card_issue,
    voucher_programme_create,
    voucher_purchase,
    voucher_redeem,
)

pytestmark = pytest.mark.django_db


def test_cards_page_lists_owned_codes_with_balance_qr_and_history(client):
    territory = TerritoryFactory(slug="ville", name="Ville")
    shopper = UserFactory(email="claire@example.org")
    now = timezone.now()
    programme = voucher_programme_create(
        territory=territory,
        name="Chèque commerce local",
        match_rate_bp=5000,
        cap_per_person_cents=5000,
        budget_cents=100_000,
        valid_from=now - dt.timedelta(days=1),
        valid_until=now + dt.timedelta(days=30),
    )
    voucher = voucher_purchase(programme=programme, user=shopper, amount_cents=2000, now=now)
    card = gift_card_issue(territory=territory, amount_cents=1500, buyer_email="Claire@example.org")
    voucher_redeem(
        code=card.code,
        shop=ShopFactory(territory=territory),
        amount_cents=500,
        reference="till:1",
        idempotency_key="till-1",
    )
    someone_else = gift_card_issue(territory=territory, amount_cents=900, buyer_email="x@y.fr")
    client.force_login(shopper)
    page = client.get("/compte/cheques-et-cartes/").content.decode()
    assert "Chèque commerce local" in page and "30,00" in page
    assert "10,00" in page  # the gift card after a 5 € payment
    assert "Paiement chez un commerçant" in page
    assert page.count("<svg") >= 2
    assert voucher.code[:4] in page
    assert someone_else.code[:4] + "-" not in page


def test_household_is_declared_from_the_cards_page(client):
    territory = TerritoryFactory(slug="ville", name="Ville")
    shopper = UserFactory(home_territory=territory)
    client.force_login(shopper)
    bad = client.post("/compte/cheques-et-cartes/", {"address": "3 rue Haute", "postcode": "380"})
    assert bad.status_code == 200
    assert "cinq chiffres" in bad.content.decode()
    assert not Household.objects.exists()
    good = client.post(
        "/compte/cheques-et-cartes/", {"address": "3 rue Haute", "postcode": "38000"}
    )
    assert good.status_code == 302
    assert Household.objects.get().territory == territory


def test_money_pages_need_an_account(client):
    for url in ("/compte/cheques-et-cartes/", "/compte/points/"):
        response = client.get(url)
        assert response.status_code == 302 and "/compte/connexion/" in response["Location"]
