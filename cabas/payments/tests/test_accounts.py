"""Shops' connected accounts: set by the territory's operator, read by the merchant."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cabas.factories import (
    ShopFactory,
    ShopMembershipFactory,
    TerritoryFactory,
    TerritoryMembershipFactory,
    UserFactory,
)
from cabas.payments.models import ShopPaymentAccount

pytestmark = pytest.mark.django_db


def test_operator_sets_a_shops_connected_account_and_the_merchant_sees_it(client, territory):
    shop = ShopFactory(territory=territory, name="Épicerie Fine")
    operator = TerritoryMembershipFactory(territory=territory).user
    client.force_login(operator)
    url = f"/{territory.slug}/console/paiements/"
    assert "Épicerie Fine" in client.get(url).content.decode()
    response = client.post(url, {"shop": shop.pk, "stripe_account_id": "acct_1Ab2Cd3Ef"})
    assert response.status_code == 302
    assert ShopPaymentAccount.objects.get(shop=shop).stripe_account_id == "acct_1Ab2Cd3Ef"
    assert ShopPaymentAccount.objects.get(shop=shop).territory_id == territory.pk
    # The merchant reads it (read-only) in the pickup & delivery settings
    merchant = ShopMembershipFactory(shop=shop).user
    client.force_login(merchant)
    page = client.get(reverse("backoffice:fulfilment", args=[territory.slug, shop.slug]))
    assert "acct_1Ab2Cd3Ef" in page.content.decode()


def test_malformed_account_id_is_refused_with_a_specific_message(client, territory):
    shop = ShopFactory(territory=territory)
    client.force_login(TerritoryMembershipFactory(territory=territory).user)
    response = client.post(
        f"/{territory.slug}/console/paiements/",
        {"shop": shop.pk, "stripe_account_id": "sk_live_oops"},
    )
    assert response.status_code == 400
    assert "commence par « acct_ »" in response.content.decode()
    assert not ShopPaymentAccount.objects.exists()


def test_operator_cannot_touch_another_territorys_shop(client, territory):
    foreign = ShopFactory(territory=TerritoryFactory(slug="ailleurs"))
    client.force_login(TerritoryMembershipFactory(territory=territory).user)
    response = client.post(
        f"/{territory.slug}/console/paiements/",
        {"shop": foreign.pk, "stripe_account_id": "acct_evil1"},
    )
    assert response.status_code == 404
    client.force_login(UserFactory())
    assert client.get(f"/{territory.slug}/console/paiements/").status_code == 403
    assert not ShopPaymentAccount.objects.exists()


def test_console_lists_at_most_100_shops_and_searches_by_name(client, territory, settings):
    from cabas.payments import views

    settings.PAYMENT_PROVIDER = ""
    for i in range(3):
        ShopFactory(territory=territory, name=f"Boucherie {i}")
    ShopFactory(territory=territory, name="Caviste du Port")
    client.force_login(TerritoryMembershipFactory(territory=territory).user)
    url = f"/{territory.slug}/console/paiements/"
    views.CONSOLE_SHOPS_SHOWN, shown = 2, views.CONSOLE_SHOPS_SHOWN
    try:
        page = client.get(url).content.decode()
        assert page.count('name="stripe_account_id"') == 2
        assert "2 autres commerces : affinez la recherche." in page
        found = client.get(url, {"q": "cavis"}).content.decode()
        assert found.count('name="stripe_account_id"') == 1 and "Caviste du Port" in found
    finally:
        views.CONSOLE_SHOPS_SHOWN = shown
    assert "Aucun prestataire de paiement en ligne" in page
