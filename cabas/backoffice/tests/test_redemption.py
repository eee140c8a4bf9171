"""The till: a code spent in the shop from the back office or the merchant API."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from cabas.apitokens.services import api_token_create
from cabas.factories import ShopFactory, TerritoryFactory, UserFactory
from cabas.ledger.models import Account, Entry, LedgerTransaction
from cabas.ledger.selectors import ledger_reconcile
from cabas.vouchers.codes import code_display
from cabas.vouchers.models import GiftCard
from cabas.vouchers.services import gift_card_issue, voucher_programme_create, voucher_purchase

from ..redemptions.amounts import AmountError, parse_amount_cents
from .conftest import bearer, login, shop_url

pytestmark = pytest.mark.django_db


def ledger_snapshot() -> tuple:
    return (
        LedgerTransaction.objects.count(),
        Entry.objects.count(),
        sorted(Account.objects.values_list("pk", "balance_cents")),
    )


def balance(card) -> int:
    return Account.objects.get(pk=card.account_id).balance_cents


@pytest.fixture
def card(territory):
    return gift_card_issue(territory=territory, amount_cents=5000, buyer_email="a@b.fr")


def lookup(client, shop, code):
    return client.post(shop_url("redeem", shop), {"step": "lookup", "code": code})


def form_key(response) -> str:
    match = re.search(r'name="key" value="([0-9a-f]+)"', response.content.decode())
    assert match, "the amount form carries an idempotency key"
    return match.group(1)


def redeem_post(client, shop, code, amount, key):
    return client.post(shop_url("redeem", shop), {"code": code, "amount": amount, "key": key})


# -- amounts as typed -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cents"),
    [("12,50", 1250), ("12.5", 1250), ("12", 1200), (" 1 234,05 € ", 123405), ("0,01", 1)],
)
def test_french_amounts_are_read_as_cents(text, cents):
    assert parse_amount_cents(text) == cents


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "amount_missing"),
        ("0", "amount_zero"),
        ("0,00", "amount_zero"),
        ("-5", "amount_negative"),
        ("12,505", "amount_precision"),
        ("12,500", "amount_precision"),
        ("douze", "amount_unreadable"),
        ("1.234,50", "amount_unreadable"),
        ("99999999999999", "amount_too_large"),
    ],
)
def test_bad_amounts_are_refused_with_their_own_reason(text, code):
    with pytest.raises(AmountError) as refused:
        parse_amount_cents(text)
    assert refused.value.code == code


# -- the back office till -----------------------------------------------------------------------


def test_lookup_shows_balance_and_validity_then_confirm_debits_and_shows_receipt(shop, owner, card):
    client = login(owner)
    # Given the code as typed by the cashier (lower case, dashes)
    page = lookup(client, shop, code_display(card.code).lower())
    assert page.status_code == 200
    text = page.content.decode()
    assert "50,00" in text and "Carte cadeau" in text

    # When the cashier takes 12,50 €
    response = redeem_post(client, shop, card.code, "12,50", form_key(page))

    # Then the card is debited once and the receipt shows what is left
    assert response.status_code == 302
    receipt = client.get(response["Location"])
    assert receipt.status_code == 200
    assert "37,50" in receipt.content.decode()
    assert balance(card) == 3750
    assert ledger_reconcile().ok
    history = client.get(shop_url("redeem", shop)).content.decode()
    assert card.code[-4:] in history and "12,50" in history


def test_double_submit_is_one_debit_and_the_same_receipt(shop, staff, card):
    client = login(staff)
    key = form_key(lookup(client, shop, card.code))

    first = redeem_post(client, shop, card.code, "20", key)
    second = redeem_post(client, shop, card.code, "20", key)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert balance(card) == 3000
    assert Entry.objects.filter(account_id=card.account_id, amount_cents=-2000).count() == 1


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "Le montant doit être supérieur à 0 €."),
        ("-5", "Le montant ne peut pas être négatif."),
        ("12,505", "Au plus deux chiffres après la virgule"),
        ("vingt", "Montant illisible"),
        ("50,01", "Le montant dépasse le solde disponible (50,00"),
    ],
)
def test_bad_amounts_on_the_till_write_nothing(shop, owner, card, amount, message):
    client = login(owner)
    key = form_key(lookup(client, shop, card.code))
    before = ledger_snapshot()

    response = redeem_post(client, shop, card.code, amount, key)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert ledger_snapshot() == before


def test_unknown_foreign_expired_and_exhausted_codes_are_refused_by_name(territory, shop, owner):
    client = login(owner)
    far = TerritoryFactory(slug="lointaine")
    foreign = gift_card_issue(territory=far, amount_cents=7777, buyer_email="a@b.fr")
    expired = gift_card_issue(territory=territory, amount_cents=1000, buyer_email="a@b.fr")
    GiftCard.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    exhausted = gift_card_issue(territory=territory, amount_cents=1000, buyer_email="a@b.fr")
    key = form_key(lookup(client, shop, exhausted.code))
    assert redeem_post(client, shop, exhausted.code, "10", key).status_code == 302
    before = ledger_snapshot()

    cases = {
        "ABCD-EFGH-JKMN": "Ce code est inconnu",
        "pas un code": "Ce code est inconnu",
        foreign.code: "Ce code n&#x27;est pas valable sur ce territoire.",
        expired.code: "Ce code a expiré.",
        exhausted.code: "Ce code a déjà été entièrement utilisé.",
    }
    for code, message in cases.items():
        looked = lookup(client, shop, code).content.decode()
        assert message in looked, code
        assert 'name="amount"' not in looked
        posted = redeem_post(client, shop, code, "5", "cle-1")
        assert posted.status_code == 400
        assert message in posted.content.decode(), code
    assert "77,77" not in lookup(client, shop, foreign.code).content.decode()
    assert ledger_snapshot() == before


def test_a_voucher_of_a_programme_for_other_shops_is_not_accepted(territory, shop, owner):
    elsewhere = ShopFactory(territory=territory)
    now = timezone.now()
    programme = voucher_programme_create(
        territory=territory,
        name="Chèque boulangeries",
        match_rate_bp=5000,
        cap_per_person_cents=5000,
        budget_cents=10_000,
        valid_from=now - dt.timedelta(days=1),
        valid_until=now + dt.timedelta(days=10),
        eligible_shops=[elsewhere],
    )
    voucher = voucher_purchase(programme=programme, user=UserFactory(), amount_cents=1000, now=now)
    before = ledger_snapshot()

    page = lookup(login(owner), shop, voucher.code).content.decode()
    posted = redeem_post(login(owner), shop, voucher.code, "5", "k")

    assert "Ce code n&#x27;est pas accepté dans ce commerce." in page
    assert posted.status_code == 400
    assert ledger_snapshot() == before


def test_another_shops_receipt_is_not_found(shop, other_shop, owner, other_owner, card):
    client = login(owner)
    response = redeem_post(client, shop, card.code, "5", form_key(lookup(client, shop, card.code)))
    receipt_url = response["Location"]
    transaction_id = int(receipt_url.rstrip("/").rsplit("/", 1)[1])

    assert login(other_owner).get(receipt_url).status_code == 404
    mine_for_them = shop_url("redeem_receipt", other_shop, transaction_id=transaction_id)
    assert login(other_owner).get(mine_for_them).status_code == 404
    assert (
        card.code[-4:]
        not in login(other_owner).get(shop_url("redeem", other_shop)).content.decode()
    )


# -- the merchant API ---------------------------------------------------------------------------


def api_redeem(client, token, body, key="caisse-1", query=""):
    headers = bearer(token)
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(
        f"/api/v1/merchant/redemptions{query}", body, content_type="application/json", **headers
    )


def test_api_redeems_once_per_key_and_answers_the_replay(client, shop, shop_token, card):
    first = api_redeem(client, shop_token, {"code": card.code, "amount_cents": 1500})
    replay = api_redeem(client, shop_token, {"code": card.code, "amount_cents": 1500})

    assert first.status_code == 201
    assert first.json()["balance_cents"] == 3500
    assert first.json()["code_last4"] == card.code[-4:]
    assert replay.status_code == 200
    assert replay["Idempotent-Replayed"] == "true"
    assert replay.json()["transaction_id"] == first.json()["transaction_id"]
    assert balance(card) == 3500


def test_the_same_key_from_the_web_and_the_api_is_one_debit(client, shop, owner, shop_token, card):
    web = login(owner)
    response = redeem_post(web, shop, card.code, "15,00", "meme-cle")
    api = api_redeem(client, shop_token, {"code": card.code, "amount_cents": 1500}, key="meme-cle")

    assert response.status_code == 302
    assert api.status_code == 200 and api["Idempotent-Replayed"] == "true"
    assert balance(card) == 3500


@pytest.mark.parametrize(
    ("body", "key", "status", "code"),
    [
        ({"code": "ABCDEFGHJKMN", "amount_cents": 100}, "k1", 404, "unknown_code"),
        ({"code": "CARD", "amount_cents": 0}, "k2", 422, "invalid_amount"),
        ({"code": "CARD", "amount_cents": -100}, "k3", 422, "invalid_amount"),
        ({"code": "CARD", "amount_cents": 12.5}, "k4", 422, "validation_error"),
        ({"code": "CARD", "amount_cents": "1250"}, "k5", 422, "validation_error"),
        ({"code": "CARD", "amount_cents": 5001}, "k6", 422, "insufficient_balance"),
        ({"code": "CARD", "amount_cents": 100}, None, 400, "idempotency_key_required"),
        ({"code": "CARD", "amount_cents": 100}, "x" * 101, 400, "invalid_idempotency_key"),
    ],
)
def test_api_bad_input_gets_a_json_error_and_writes_nothing(
    client, shop, shop_token, card, body, key, status, code
):
    body = {**body, "code": card.code if body["code"] == "CARD" else body["code"]}
    before = ledger_snapshot()

    response = api_redeem(client, shop_token, body, key=key)

    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert ledger_snapshot() == before


def test_api_refuses_foreign_expired_and_exhausted_codes(client, territory, shop, shop_token):
    far = TerritoryFactory(slug="lointaine")
    foreign = gift_card_issue(territory=far, amount_cents=1000, buyer_email="a@b.fr")
    expired = gift_card_issue(territory=territory, amount_cents=1000, buyer_email="a@b.fr")
    GiftCard.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    exhausted = gift_card_issue(territory=territory, amount_cents=1000, buyer_email="a@b.fr")
    spent = api_redeem(client, shop_token, {"code": exhausted.code, "amount_cents": 1000})
    assert spent.status_code == 201
    before = ledger_snapshot()

    answers = {
        foreign.code: (403, "foreign_territory"),
        expired.code: (422, "expired"),
        exhausted.code: (422, "exhausted"),
    }
    for n, (code, (status, error)) in enumerate(answers.items()):
        response = api_redeem(client, shop_token, {"code": code, "amount_cents": 100}, key=f"z{n}")
        assert (response.status_code, response.json()["error"]["code"]) == (status, error)
    assert ledger_snapshot() == before


def test_a_territory_token_names_the_shop_and_a_shop_token_only_its_own(
    client, territory, shop, other_shop, shop_token, card
):
    _token, operator_raw = api_token_create(territory=territory, shop=None, name="Console")
    named = api_redeem(
        client,
        operator_raw,
        {"code": card.code, "amount_cents": 100},
        query=f"?shop={other_shop.slug}",
    )
    assert named.status_code == 201
    refused = api_redeem(
        client,
        shop_token,
        {"code": card.code, "amount_cents": 100},
        query=f"?shop={other_shop.slug}",
    )
    assert refused.status_code == 403
    assert balance(card) == 4900


def test_the_till_speaks_english_on_english_pages(shop, owner, card):
    page = login(owner).post(
        "/en" + shop_url("redeem", shop), {"step": "lookup", "code": card.code}
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "Redeem a voucher or gift card" in text
    assert "Available balance" in text
