"""Pages: the checkout form with a code, the order page, the merchant board and e-mails."""

import pytest
from django.core import mail

from cabas.factories import UserFactory
from cabas.loyalty.services import loyalty_settings_update
from cabas.orders.models import Order, Tender
from cabas.orders.tests.fixtures import GUEST
from cabas.orders.tests.tenders_helpers import balance, gift_card, ledger_snapshot
from cabas.orders.tests.test_pages import checkout_form, fill_cart
from cabas.tasks.services import tasks_drain

pytestmark = pytest.mark.django_db


@pytest.fixture
def taking_baker(baker):
    baker.accepts_vouchers = True
    baker.save(update_fields=["accepts_vouchers"])
    return baker


def test_checkout_form_with_a_code_pays_part_and_shows_the_rest(client, taking_baker, bread, novel):
    # Given a 5 € card and a cart at the baker (6,40 €) and the bookshop (17,80 €)
    card = gift_card(taking_baker.territory, 500)
    fill_cart(client, bread, novel)
    html, fields = checkout_form(client)
    assert 'name="code_1"' in html and '<label for="id_code_1">' in html
    # When the guest types the code with dashes, in lower case
    form = {**fields, **GUEST, "payment_method": "on_fulfilment"}
    form["code_1"] = f"{card.code[:4]}-{card.code[4:8]}-{card.code[8:]}".lower()
    response = client.post("/commandes/valider/", form)
    # Then the card pays 5 € of the baker's order and the confirmation says what is left
    assert response.status_code == 302, response.content.decode()[:2000]
    assert balance(card) == 0
    baker_order = Order.objects.get(shop=taking_baker)
    assert (baker_order.tendered_cents, baker_order.due_cents) == (500, 140)
    page = client.get(response["Location"]).content.decode()
    assert "Reste à payer" in page and "1,40" in page
    assert f"…{card.code[-4:]}" in page


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "supérieur à zéro"),
        ("-2", "positif"),
        ("1,234", "deux décimales"),
        ("99", "Il ne reste que"),
    ],
)
def test_checkout_form_refuses_bad_amounts_in_french_and_writes_nothing(
    client, taking_baker, bread, amount, message
):
    card = gift_card(taking_baker.territory, 500)
    fill_cart(client, bread)
    _html, fields = checkout_form(client)
    before = ledger_snapshot()
    response = client.post(
        "/commandes/valider/",
        {
            **fields,
            **GUEST,
            "payment_method": "on_fulfilment",
            "code_1": card.code,
            "amount_1": amount,
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert ledger_snapshot() == before


def test_unknown_code_on_the_form_is_a_specific_french_error(client, taking_baker, bread):
    fill_cart(client, bread)
    _html, fields = checkout_form(client)
    response = client.post(
        "/commandes/valider/",
        {**fields, **GUEST, "payment_method": "on_fulfilment", "code_1": "ABCD-EFGH-JKMN"},
    )
    assert response.status_code == 200
    assert "est inconnu" in response.content.decode()
    assert not Order.objects.exists()


def test_signed_in_shopper_sees_points_field_when_loyalty_is_on(client, territory, bread):
    loyalty_settings_update(
        territory=territory, enabled=True, points_per_euro=1, point_value_cents=5
    )
    client.force_login(UserFactory())
    fill_cart(client, bread)
    html, _fields = checkout_form(client)
    assert "Vous avez 0 point" in html and "un point vaut 0,05" in html


def test_merchant_board_and_emails_say_what_the_territory_pays(client, taking_baker, bread):
    card = gift_card(taking_baker.territory, 500)
    fill_cart(client, bread)
    _html, fields = checkout_form(client)
    client.post(
        "/commandes/valider/",
        {**fields, **GUEST, "payment_method": "on_fulfilment", "code_1": card.code},
    )
    assert Tender.objects.count() == 1
    tasks_drain()
    shop_mail = next(m for m in mail.outbox if "boulanger@example.org" in m.to)
    assert "Versé par le territoire (chèques, cartes, points) : 5,00" in shop_mail.body
    assert "À encaisser auprès du client : 1,40" in shop_mail.body
    shopper_mail = next(m for m in mail.outbox if GUEST["email"] in m.to)
    assert "Reste à payer : 1,40" in shopper_mail.body
    merchant = taking_baker.memberships.get().user
    client.force_login(merchant)
    board = client.get(
        f"/espace-commercant/{taking_baker.territory.slug}/{taking_baker.slug}/commandes/"
    ).content.decode()
    assert "à encaisser auprès du client : 1,40" in board
