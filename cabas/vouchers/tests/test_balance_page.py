"""The public balance page: no account, territory-scoped, rate-limited against guessing."""

import pytest
from django.core.cache import cache
from django.test import Client

from cabas.vouchers.codes import code_display
from cabas.vouchers.services import gift_card_issue
from cabas.vouchers.views import LOOKUPS_PER_WINDOW

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def lookup(client, territory, code, address="203.0.113.7"):
    return client.post(
        f"/{territory.slug}/carte-cadeau/solde/", {"code": code}, REMOTE_ADDR=address
    )


def test_balance_and_expiry_of_a_code_without_an_account(client, territory, shop):
    card = gift_card_issue(territory=territory, amount_cents=2500, shop=shop, buyer_email="a@b.fr")
    assert client.get(f"/{territory.slug}/carte-cadeau/solde/").status_code == 200
    page = lookup(client, territory, code_display(card.code).lower()).content.decode()
    assert "25,00" in page
    assert "Valable jusqu" in page
    assert shop.name in page
    assert "a@b.fr" not in page


def test_unknown_and_foreign_codes_get_the_same_answer(client, territory, other_territory):
    foreign = gift_card_issue(territory=other_territory, amount_cents=1000, buyer_email="a@b.fr")
    unknown = lookup(client, territory, "ABCD-EFGH-JKMN")
    elsewhere = lookup(client, territory, foreign.code)
    assert unknown.status_code == elsewhere.status_code == 200
    for response in (unknown, elsewhere):
        assert "Ce code est inconnu sur ce territoire" in response.content.decode()
        assert response.context["result"] is None


def test_guessing_is_stopped_by_the_rate_limit_per_address(client, territory):
    card = gift_card_issue(territory=territory, amount_cents=1000, buyer_email="a@b.fr")
    for _ in range(LOOKUPS_PER_WINDOW):
        assert lookup(client, territory, "ZZZZ-ZZZZ-ZZZZ").status_code == 200
    blocked = lookup(client, territory, card.code)
    assert blocked.status_code == 429
    assert "Trop de vérifications" in blocked.content.decode()
    assert blocked.context["result"] is None
    # Another address still gets its answer
    assert lookup(Client(), territory, card.code, address="198.51.100.1").context["result"]


def test_unknown_territory_is_404(client):
    assert client.get("/nulle-part/carte-cadeau/solde/").status_code == 404
