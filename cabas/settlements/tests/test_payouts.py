"""« Versement effectué »: the operator records a payout; the statement shows it and the balance."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from cabas.audit.models import AuditEntry
from cabas.ledger.models import Account, AccountKind, LedgerTransaction
from cabas.ledger.selectors import ledger_reconcile
from cabas.orders.requests import CheckoutRequest, LineRequest, TenderRequest
from cabas.orders.services import checkout_place
from cabas.reports.exports import euros
from cabas.settlements.models import Payout
from cabas.settlements.selectors import shop_statement
from cabas.vouchers.services import gift_card_issue, voucher_redeem

from .conftest import around_today, hand_over, ledger_snapshot, login, period_query, place_order
from .pdftext import pdf_text

pytestmark = pytest.mark.django_db


def payout_url(territory, shop):
    return reverse(
        "console:settlement_payout", kwargs={"territory": territory.slug, "shop_id": shop.pk}
    )


def receivable(shop) -> int:
    return Account.objects.get(
        kind=AccountKind.MERCHANT_RECEIVABLE, owner_ref=f"shop:{shop.pk}"
    ).balance_cents


@pytest.fixture
def earned(territory, shop, offer):
    """20 € of gift card taken at the till, one order (4,50 €, 10 % commission) collected."""
    territory.commission_bp = 1000
    territory.save(update_fields=["commission_bp"])
    card = gift_card_issue(territory=territory, amount_cents=3000, buyer_email="a@b.fr")
    voucher_redeem(
        code=card.code, shop=shop, amount_cents=2000, reference="instore:1", idempotency_key="t1"
    )
    order = hand_over(place_order(offer))
    assert order.commission_cents == 45
    return card


def form(amount="15,00", key=None, reference="VIR-2026-06-001", paid_on=None):
    return {
        "amount": amount,
        "paid_on": (paid_on or timezone.localdate()).isoformat(),
        "reference": reference,
        "key": key or uuid.uuid4().hex,
    }


def test_operator_records_a_payout_and_the_statement_shows_the_running_balance(
    territory, shop, operator, earned
):
    client = login(operator)
    period = around_today(territory)
    data = form()
    # When the operator records the bank transfer made to the shop (twice: a double submit)
    first = client.post(payout_url(territory, shop), data)
    again = client.post(payout_url(territory, shop), data)
    # Then one payout, one ledger posting receivable → bank, audited
    assert first.status_code == again.status_code == 302
    payout = Payout.objects.get()
    assert (payout.amount_cents, payout.reference) == (1500, "VIR-2026-06-001")
    posting = LedgerTransaction.objects.get(kind="merchant_payout")
    legs = dict(posting.entries.values_list("account__owner_ref", "amount_cents"))
    assert legs == {f"shop:{shop.pk}": -1500, "bank_payouts": 1500}
    assert posting.actor_label == operator.email
    assert receivable(shop) == 500
    assert AuditEntry.objects.filter(action="payout.record").count() == 1
    assert ledger_reconcile().ok
    # The statement: net of the period, the payout, and what is still owed
    statement = shop_statement(shop, period)
    assert statement.net_payout_cents == 2000 - 45
    assert statement.payouts_cents == 1500
    assert statement.closing_balance_cents == 2000 - 45 - 1500 == receivable(shop) - 45
    assert [(p.amount_cents, p.reference) for p in statement.payouts] == [(1500, "VIR-2026-06-001")]
    page = client.get(
        reverse("console:settlement", kwargs={"territory": territory.slug, "shop_id": shop.pk})
        + period_query(period)
    ).content.decode()
    assert "VIR-2026-06-001" in page and "Solde de fin de période" in page
    csv_body = client.get(
        reverse("console:settlement_csv", kwargs={"territory": territory.slug, "shop_id": shop.pk})
        + period_query(period)
    ).content.decode()
    assert f"Versements effectués (€);{euros(-1500)}" in csv_body
    assert f"Solde de fin de période (€);{euros(455)}" in csv_body
    pdf = client.get(
        reverse("console:settlement_pdf", kwargs={"territory": territory.slug, "shop_id": shop.pk})
        + period_query(period)
    ).content
    assert "VIR-2026-06-001" in pdf_text(pdf)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (form(amount="0"), "supérieur à 0"),
        (form(amount="-5"), "négatif"),
        (form(amount="12,345"), "deux chiffres après la virgule"),
        (form(amount="douze"), "illisible"),
        (form(amount="20,01"), "dépasse ce que la plateforme détient"),
        (form(paid_on=timezone.localdate() + dt.timedelta(days=2)), "dans le futur"),
        (form(reference="   "), "obligatoire"),
    ],
)
def test_bad_payouts_get_a_specific_error_and_write_nothing(
    territory, shop, operator, earned, data, message
):
    before = ledger_snapshot()
    response = login(operator).post(payout_url(territory, shop), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ledger_snapshot() == before
    assert not Payout.objects.exists()


def test_a_payout_never_takes_the_tenders_of_an_order_not_handed_over(
    territory, shop, operator, offer
):
    card = gift_card_issue(territory=territory, amount_cents=1000, buyer_email="a@b.fr")
    checkout_place(
        request=CheckoutRequest(
            idempotency_key=uuid.uuid4().hex,
            user_id=None,
            email="client@example.org",
            phone="06 12 34 56 78",
            lines=(LineRequest(offer.pk, 2),),
            tenders=(TenderRequest(card.code, 900),),
        ),
        cart=None,
    )
    assert receivable(shop) == 900  # held for an order the shop may still refuse
    response = login(operator).post(payout_url(territory, shop), form(amount="9,00"))
    assert response.status_code == 400
    assert "0,00" in response.content.decode()
    assert not Payout.objects.exists()


def test_an_operator_never_records_a_payout_elsewhere(
    territory, shop, far_territory, far_operator, earned
):
    client = login(far_operator)
    assert client.post(payout_url(territory, shop), form()).status_code == 403
    assert client.post(payout_url(far_territory, shop), form()).status_code == 404
    assert not Payout.objects.exists()


def test_merchant_sees_payouts_and_the_commission_due_on_the_statement(
    territory, shop, owner, operator, earned
):
    login(operator).post(payout_url(territory, shop), form(amount="10"))
    page = login(owner).get(
        reverse("backoffice:statement", kwargs={"territory": territory.slug, "shop": shop.slug})
        + period_query(around_today(territory))
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert "Versements effectués" in body and "VIR-2026-06-001" in body
    assert "Commission due par le commerce" in body
