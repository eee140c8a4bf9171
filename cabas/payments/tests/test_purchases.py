"""Gift cards and vouchers bought online: issued once, only when the payment is confirmed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from cabas.factories import ShopFactory, UserFactory
from cabas.ledger.models import LedgerTransaction
from cabas.payments.errors import PaymentError
from cabas.payments.models import OnlinePurchase, Payment, PaymentStatus
from cabas.payments.services import purchase_gift_card_start
from cabas.tasks.services import tasks_drain
from cabas.vouchers.models import GiftCard, Voucher
from cabas.vouchers.services import voucher_programme_create

from .helpers import post_webhook, session_id_from

pytestmark = pytest.mark.django_db


def programme(territory, **overrides):
    now = timezone.now()
    params = {
        "territory": territory,
        "name": "Chèques de Noël",
        "match_rate_bp": 5000,
        "cap_per_person_cents": 5000,
        "budget_cents": 100_000,
        "valid_from": now - dt.timedelta(days=1),
        "valid_until": now + dt.timedelta(days=30),
    }
    params.update(overrides)
    return voucher_programme_create(**params)


def test_gift_card_bought_online_is_issued_once_even_if_the_webhook_is_replayed(
    client, stripe_on, territory
):
    shop = ShopFactory(territory=territory, name="Fromagerie Centrale")
    page = client.get(f"/{territory.slug}/cartes-cadeaux/")
    assert page.status_code == 200 and "Fromagerie Centrale" in page.content.decode()
    # When a visitor buys a 40 € card for one shop, for a friend
    response = client.post(
        f"/{territory.slug}/cartes-cadeaux/",
        {
            "amount": "40",
            "shop": str(shop.pk),
            "buyer_email": "paul@example.org",
            "recipient_email": "lea@example.org",
            "message": "Joyeux anniversaire !",
        },
    )
    session_id = session_id_from(response["Location"], stripe_on)
    purchase = OnlinePurchase.objects.get()
    assert stripe_on.sessions[session_id]["amount_total"] == 4000
    # Then nothing is issued before the payment is confirmed
    assert not GiftCard.objects.exists()
    confirmation = f"/{territory.slug}/achats/{purchase.access_token}/"
    assert "pas encore confirmé" in client.get(confirmation).content.decode()
    # When the provider confirms, and retries the same event, and the browser returns
    stripe_on.complete(session_id)
    event = stripe_on.event("checkout.session.completed", session_id)
    assert post_webhook(event).json()["result"] == "processed"
    assert post_webhook(event).json()["result"] == "replayed"
    payment = Payment.objects.get()
    back = client.get(f"/{territory.slug}/paiement/{payment.access_token}/retour/")
    assert back["Location"] == confirmation
    # Then exactly one card, for that shop, holding 40 €, booked once
    card = GiftCard.objects.get()
    assert (card.amount_cents, card.shop_id, card.buyer_email) == (
        4000,
        shop.pk,
        "paul@example.org",
    )
    assert card.account.balance_cents == 4000
    assert LedgerTransaction.objects.filter(kind="gift_card_sale").count() == 1
    purchase.refresh_from_db()
    assert purchase.gift_card_id == card.pk
    # The page shows the code and its QR code; the email carries both
    html = client.get(confirmation).content.decode()
    code = re.search(r"<strong>([A-Z0-9-]+)</strong>", html).group(1)
    assert code.replace("-", "") == card.code
    assert "<svg" in html
    tasks_drain()
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["paul@example.org", "lea@example.org"]
    assert code in email.body and "Joyeux anniversaire" in email.body
    assert email.attachments[0][0] == "code.png"
    assert email.attachments[0][1].startswith(b"\x89PNG")


def test_gift_card_form_refuses_bad_input_with_specific_errors(client, stripe_on, territory):
    response = client.post(
        f"/{territory.slug}/cartes-cadeaux/",
        {"amount": "5000", "buyer_email": "pas-un-email", "shop": ""},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "500" in html and "adresse e-mail" in html.lower()
    assert not OnlinePurchase.objects.exists() and not Payment.objects.exists()


@pytest.mark.parametrize("typed", ["25,50", "25.5", "25,50 €"])
def test_a_gift_card_bought_online_may_have_cents(client, stripe_on, territory, typed):
    response = client.post(
        f"/{territory.slug}/cartes-cadeaux/",
        {"amount": typed, "buyer_email": "paul@example.org", "shop": ""},
    )
    assert response.status_code == 302
    session_id = session_id_from(response["Location"], stripe_on)
    assert stripe_on.sessions[session_id]["amount_total"] == 2550
    assert OnlinePurchase.objects.get().amount_cents == 2550
    stripe_on.complete(session_id)
    post_webhook(stripe_on.event("checkout.session.completed", session_id))
    card = GiftCard.objects.get()
    assert (card.amount_cents, card.account.balance_cents) == (2550, 2550)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("25,555", "au plus deux décimales"),
        ("9,99", "compris entre 10 et 500 euros"),
        ("500,01", "compris entre 10 et 500 euros"),
        ("-20", "ne peut pas être négatif"),
        ("vingt", "Indiquez un montant en euros"),
    ],
)
def test_a_gift_card_amount_finer_than_the_cent_or_out_of_range_is_refused(
    client, stripe_on, territory, typed, message
):
    response = client.post(
        f"/{territory.slug}/cartes-cadeaux/",
        {"amount": typed, "buyer_email": "paul@example.org", "shop": ""},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not OnlinePurchase.objects.exists() and not Payment.objects.exists()


def test_the_gift_card_service_takes_any_whole_number_of_cents_in_range(stripe_on, territory):
    payment = purchase_gift_card_start(
        territory=territory, amount_cents=1001, buyer_email="paul@example.org"
    )
    assert payment.amount_cents == 1001
    for refused in (999, 50_001, 25.5, "2550"):
        with pytest.raises(PaymentError) as error:
            purchase_gift_card_start(
                territory=territory, amount_cents=refused, buyer_email="paul@example.org"
            )
        assert error.value.code == "invalid_amount"
    assert OnlinePurchase.objects.count() == 1


def test_without_online_payment_the_pages_say_where_to_buy_and_sell_nothing(
    client, settings, territory
):
    settings.PAYMENT_PROVIDER = ""
    territory.contact_email = "mairie@ville.example"
    territory.save()
    programme(territory)
    for path in ("cartes-cadeaux", "cheques"):
        page = client.get(f"/{territory.slug}/{path}/").content.decode()
        assert "Achat en ligne indisponible" in page
        assert "mairie@ville.example" in page
        assert '<form method="post"' not in page
    client.post(
        f"/{territory.slug}/cartes-cadeaux/", {"amount": "30", "buyer_email": "a@example.org"}
    )
    assert not OnlinePurchase.objects.exists() and not GiftCard.objects.exists()


def test_voucher_bought_online_gets_the_match_once_paid(client, stripe_on, territory):
    offer = programme(territory)
    shopper = UserFactory(email="nina@example.org")
    page = client.get(f"/{territory.slug}/cheques/").content.decode()
    assert "+50 % offerts par la ville" in page
    assert "Budget restant du programme : 1\u202f000,00\xa0€" in page
    assert "Se connecter pour acheter" in page
    client.force_login(shopper)
    response = client.post(
        f"/{territory.slug}/cheques/", {"programme": str(offer.pk), "amount": "40"}
    )
    session_id = session_id_from(response["Location"], stripe_on)
    assert not Voucher.objects.exists()
    stripe_on.complete(session_id)
    payment = Payment.objects.get()
    client.get(f"/{territory.slug}/paiement/{payment.access_token}/retour/")
    voucher = Voucher.objects.get()
    assert (voucher.paid_cents, voucher.matched_cents, voucher.owner_id) == (4000, 2000, shopper.pk)
    assert voucher.account.balance_cents == 6000
    page = client.get(f"/{territory.slug}/cheques/").content.decode()
    assert "Abondement qu'il vous reste possible de recevoir : 30,00\xa0€" in page
    assert "Budget restant du programme : 980,00\xa0€" in page


def test_voucher_purchase_refused_before_payment_when_budget_cannot_pay_the_match(
    client, stripe_on, territory
):
    offer = programme(territory, budget_cents=1000)
    client.force_login(UserFactory())
    response = client.post(
        f"/{territory.slug}/cheques/", {"programme": str(offer.pk), "amount": "40"}
    )
    assert response.status_code == 400
    assert "budget de ce programme" in response.content.decode()
    assert not Payment.objects.exists() and stripe_on.sessions == {}


def test_voucher_that_cannot_be_issued_after_payment_is_refunded(client, stripe_on, territory):
    offer = programme(territory)
    client.force_login(UserFactory())
    response = client.post(
        f"/{territory.slug}/cheques/", {"programme": str(offer.pk), "amount": "40"}
    )
    session_id = session_id_from(response["Location"], stripe_on)
    offer.status = "closed"  # closed by the operator while the shopper was paying
    offer.save()
    stripe_on.complete(session_id)
    payment = Payment.objects.get()
    client.get(f"/{territory.slug}/paiement/{payment.access_token}/retour/")
    assert not Voucher.objects.exists()
    assert OnlinePurchase.objects.get().issue_error == "programme_closed"
    tasks_drain()
    assert Payment.objects.get().status == PaymentStatus.REFUNDED
    assert len(stripe_on.refunds) == 1
    assert not LedgerTransaction.objects.filter(kind="voucher_purchase").exists()
