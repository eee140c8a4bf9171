"""The operator's export of every voucher and gift card movement, for a public accountant."""

import csv
import io
from collections import defaultdict

import pytest
from django.urls import reverse
from django.utils import timezone

from cabas.factories import ShopFactory, UserFactory
from cabas.ledger.models import Account, AccountKind, Entry
from cabas.reports.exports import euros
from cabas.settlements.flows import voucher_flows
from cabas.vouchers.services import gift_card_issue, voucher_purchase, voucher_redeem

from .conftest import SIRET, around_today, login, make_programme, period_query

pytestmark = pytest.mark.django_db


def cents(text: str) -> int:
    sign = -1 if text.startswith("-") else 1
    units, decimals = text.lstrip("-").split(",")
    return sign * (int(units) * 100 + int(decimals))


@pytest.fixture
def flows_setup(territory, shop, far_territory):
    programme = make_programme(territory, budget_cents=50_000)
    voucher = voucher_purchase(
        programme=programme, user=UserFactory(), amount_cents=4000, now=timezone.now()
    )
    card = gift_card_issue(territory=territory, amount_cents=2500, buyer_email="a@b.fr")
    voucher_redeem(
        code=voucher.code, shop=shop, amount_cents=1500, reference="instore:1", idempotency_key="1"
    )
    voucher_redeem(
        code=card.code, shop=shop, amount_cents=500, reference="instore:2", idempotency_key="2"
    )
    # Another territory's money never shows up.
    far_shop = ShopFactory(territory=far_territory)
    far_card = gift_card_issue(territory=far_territory, amount_cents=9900, buyer_email="c@d.fr")
    voucher_redeem(
        code=far_card.code, shop=far_shop, amount_cents=100, reference="x", idempotency_key="3"
    )
    return {"programme": programme, "voucher": voucher, "card": card}


def test_every_flow_is_listed_with_kind_amount_shop_siret_and_programme(
    territory, shop, flows_setup
):
    flows = list(voucher_flows(territory, around_today(territory)))

    kinds = [(f.kind, f.amount_cents, f.card) for f in flows]
    assert kinds == [
        ("funding", 50_000, ""),
        ("purchase", 4000, "voucher"),
        ("match", 2000, "voucher"),
        ("purchase", 2500, "gift_card"),
        ("redemption", -1500, "voucher"),
        ("redemption", -500, "gift_card"),
    ]
    redemptions = [f for f in flows if f.kind == "redemption"]
    assert {(f.shop_name, f.shop_siret) for f in redemptions} == {("Épicerie du Port", SIRET)}
    assert redemptions[0].programme == flows_setup["programme"].name
    assert redemptions[0].code_last4 == flows_setup["voucher"].code[-4:]
    assert flows[0].programme == flows_setup["programme"].name


def test_the_flows_of_each_code_add_up_to_its_ledger_balance(territory, flows_setup):
    flows = voucher_flows(territory, around_today(territory))
    per_code: dict[str, int] = defaultdict(int)
    for flow in flows:
        if flow.card:
            per_code[flow.code_last4] += flow.amount_cents
    for card in (flows_setup["voucher"], flows_setup["card"]):
        balance = Account.objects.get(pk=card.account_id).balance_cents
        assert per_code[card.code[-4:]] == balance
    # and every ledger movement of a card account of the territory is exported
    card_entries = Entry.objects.filter(
        territory=territory, account__kind=AccountKind.GIFT_CARD
    ).count()
    assert card_entries == 4


def test_operator_downloads_the_flows_as_a_french_csv(territory, operator, flows_setup):
    period = around_today(territory)
    url = reverse("console:voucher_flows_csv", kwargs={"territory": territory.slug})

    response = login(operator).get(url + period_query(period))

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body[1:]), delimiter=";"))
    assert [row["Code nature"] for row in rows] == [
        "funding",
        "purchase",
        "match",
        "purchase",
        "redemption",
        "redemption",
    ]
    assert [row["Nature"] for row in rows][:3] == ["Dotation du budget", "Achat", "Abondement"]
    assert sum(
        cents(row["Montant (€)"]) for row in rows if row["Support"] != "Budget du programme"
    ) == (4000 + 2000 + 2500 - 1500 - 500)
    redemption = rows[4]
    assert redemption["SIRET"] == SIRET
    assert redemption["Commerce"] == "Épicerie du Port"
    assert redemption["Montant (€)"] == euros(-1500)
    assert redemption["Date (UTC)"][:4].isdigit() and redemption["Date locale"][2] == "/"
    assert redemption["Écriture"].isdigit()


def test_a_bad_period_for_the_export_is_a_specific_error(territory, operator):
    url = reverse("console:voucher_flows_csv", kwargs={"territory": territory.slug})
    response = login(operator).get(url + "?start=2026-06-01")
    assert response.status_code == 400
    assert "Donnez les deux dates" in response.content.decode()
