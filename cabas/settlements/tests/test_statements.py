"""Settlement statements: totals recomputed from raw rows, files, periods and tenancy."""

import csv
import datetime as dt
import io
import uuid

import pytest
from django.db import transaction
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cabas.factories import OfferFactory, ShopFactory, UserFactory
from cabas.ledger.models import AccountKind, Entry, LedgerTransaction
from cabas.orders.models import Checkout, Order, OrderEvent, OrderStatus
from cabas.reports.exports import euros
from cabas.reports.selectors import Period
from cabas.settlements.selectors import month_period, shop_statement
from cabas.vouchers.services import gift_card_issue, voucher_purchase, voucher_redeem

from .conftest import (
    SIRET,
    around_today,
    hand_over,
    login,
    make_programme,
    period_query,
    place_order,
)
from .pdftext import pdf_text

pytestmark = pytest.mark.django_db


def shop_url(name, shop, **kwargs):
    return reverse(
        f"backoffice:{name}", kwargs={"territory": shop.territory.slug, "shop": shop.slug, **kwargs}
    )


def console_url(name, territory, **kwargs):
    return reverse(f"console:{name}", kwargs={"territory": territory.slug, **kwargs})


@pytest.fixture
def activity(territory, shop, other_shop, offer):
    """Orders and redemptions in and out of the period, at the shop and next door."""
    collected = [hand_over(place_order(offer, quantity)) for quantity in (1, 3)]
    placed_only = place_order(offer, 2)  # not handed over: not a sale yet
    old = hand_over(place_order(offer, 5))
    OrderEvent.objects.filter(order=old).update(created_at=timezone.now() - dt.timedelta(days=60))
    neighbour = hand_over(place_order(OfferFactory(shop=other_shop, price_cents=990), 1))

    programme = make_programme(territory)
    voucher = voucher_purchase(
        programme=programme, user=UserFactory(), amount_cents=4000, now=timezone.now()
    )
    card = gift_card_issue(territory=territory, amount_cents=3000, buyer_email="a@b.fr")
    voucher_redeem(
        code=voucher.code, shop=shop, amount_cents=1250, reference="instore:x", idempotency_key="a"
    )
    voucher_redeem(
        code=voucher.code,
        shop=shop,
        amount_cents=700,
        reference=f"order:{collected[0].pk}",
        idempotency_key="b",
    )
    voucher_redeem(
        code=card.code, shop=shop, amount_cents=999, reference="instore:y", idempotency_key="c"
    )
    voucher_redeem(
        code=card.code, shop=other_shop, amount_cents=500, reference="x", idempotency_key="d"
    )
    old_redemption = voucher_redeem(
        code=card.code, shop=shop, amount_cents=100, reference="instore:z", idempotency_key="e"
    )
    LedgerTransaction.objects.filter(pk=old_redemption.pk).update(
        created_at=timezone.now() - dt.timedelta(days=60)
    )
    return {
        "collected": collected,
        "placed_only": placed_only,
        "old": old,
        "neighbour": neighbour,
        "programme": programme,
    }


def test_statement_totals_equal_raw_orders_and_ledger_entries(territory, shop, activity):
    period = around_today(territory)

    statement = shop_statement(shop, period)

    # Recomputed independently: handed-over orders of the shop whose last event is in range
    in_period = [
        order
        for order in Order.objects.filter(shop=shop, status=OrderStatus.COLLECTED)
        if period.starts_at
        <= OrderEvent.objects.filter(order=order, to_status=OrderStatus.COLLECTED)
        .latest("created_at")
        .created_at
        < period.ends_before
    ]
    assert sorted(o.pk for o in in_period) == sorted(o.pk for o in activity["collected"])
    assert [s.order_id for s in statement.sales] == sorted(o.pk for o in in_period)
    assert statement.sales_cents == sum(o.total_cents for o in in_period) == 4 * 450
    assert statement.commission_cents == sum(o.commission_cents for o in in_period)
    assert sum(len(s.lines) for s in statement.sales) == 2
    entries = Entry.objects.filter(
        account__kind=AccountKind.MERCHANT_RECEIVABLE,
        account__owner_ref=f"shop:{shop.pk}",
        transaction__created_at__gte=period.starts_at,
        transaction__created_at__lt=period.ends_before,
    )
    assert statement.redeemed_cents == entries.aggregate(t=Sum("amount_cents"))["t"] == 2949
    assert statement.vouchers_cents == 1250 + 700
    assert statement.gift_cards_cents == 999
    assert statement.net_payout_cents == 2949 - statement.commission_cents
    groups = {(g.source, g.programme, g.channel): g.amount_cents for g in statement.groups}
    assert groups == {
        ("voucher", activity["programme"].name, "in_store"): 1250,
        ("voucher", activity["programme"].name, "online"): 700,
        ("gift_card", "", "in_store"): 999,
    }


def test_month_period_covers_whole_local_days():
    from cabas.factories import TerritoryFactory

    territory = TerritoryFactory(slug="mois", timezone="Europe/Paris")
    december = month_period(territory, 2026, 12)
    assert (december.start, december.end) == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert december.starts_at.isoformat() == "2026-12-01T00:00:00+01:00"
    assert month_period(territory, 2024, 2).end == dt.date(2024, 2, 29)


def test_csv_parses_back_with_bom_semicolons_and_the_same_totals(territory, shop, owner, activity):
    period = around_today(territory)
    response = login(owner).get(shop_url("statement_csv", shop) + period_query(period))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    assert rows[1] == ["Commerce", "Épicerie du Port"]
    assert rows[2] == ["SIRET", SIRET]
    by_label = {row[0]: row[1:] for row in rows if row}
    statement = shop_statement(shop, period)
    assert by_label["Ventes totales (€)"] == [euros(statement.sales_cents)]
    assert by_label["Reversement net (€)"] == [euros(statement.net_payout_cents)]
    assert by_label["Commission de la plateforme (€)"] == [euros(-statement.commission_cents)]
    order_ids = {str(o.pk) for o in activity["collected"]}
    sales_rows = [row for row in rows if len(row) == 12 and row[0] in order_ids]
    assert len(sales_rows) == 2
    assert sum(int(r[6].replace(",", "")) for r in sales_rows) == statement.sales_cents
    # Each sale splits into paid in shop + by card + by vouchers, summing to its total
    for row in sales_rows:
        assert sum(int(cell.replace(",", "")) for cell in row[8:11]) == int(row[6].replace(",", ""))
    tender_rows = [row for row in rows if len(row) == 9 and row[2] in {"Chèque", "Carte cadeau"}]
    assert sorted(r[7] for r in tender_rows) == ["12,50", "7,00", "9,99"]
    assert by_label["Solde de fin de période (€)"] == [euros(statement.closing_balance_cents)]


def test_pdf_is_a_pdf_with_the_shop_name_euro_sign_and_accents(territory, shop, operator, activity):
    period = around_today(territory)
    url = console_url("settlement_pdf", territory, shop_id=shop.pk) + period_query(period)

    response = login(operator).get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "Épicerie du Port" in text
    assert "Reversement net" in text
    assert "€" in text and "\ufffd" not in text
    assert SIRET in text
    assert "Chèque Ville +50 %" in text


def test_statement_pages_show_totals_to_the_owner_and_the_operator(
    territory, shop, owner, operator, activity
):
    period = around_today(territory)
    page = login(owner).get(shop_url("statement", shop) + period_query(period))
    assert page.status_code == 200
    assert "Reversement net" in page.content.decode()
    assert "29,49" in page.content.decode()

    console = login(operator).get(console_url("settlement", territory, shop_id=shop.pk))
    assert console.status_code == 200
    listing = login(operator).get(console_url("settlements", territory) + period_query(period))
    assert listing.status_code == 200
    assert "Épicerie du Port" in listing.content.decode()
    picked = login(operator).get(
        console_url("settlements", territory) + period_query(period) + f"&shop={shop.pk}"
    )
    assert picked.status_code == 302
    assert picked["Location"].startswith(console_url("settlement", territory, shop_id=shop.pk))


def test_bad_periods_get_a_specific_error(territory, shop, owner):
    client = login(owner)
    response = client.get(shop_url("statement", shop) + "?month=2026-13")
    assert response.status_code == 400
    assert "Indiquez un mois sous la forme 2026-06." in response.content.decode()
    response = client.get(shop_url("statement", shop) + "?start=2026-06-01")
    assert response.status_code == 400
    assert "Donnez les deux dates" in response.content.decode()
    response = client.get(shop_url("statement", shop) + "?start=2026-06-30&end=2026-06-01")
    assert response.status_code == 400
    assert "La fin de la période précède son début." in response.content.decode()
    assert client.get(shop_url("statement_csv", shop) + "?month=juin").status_code == 400


@pytest.mark.parametrize("name", ["statement", "statement_csv", "statement_pdf"])
def test_a_merchant_never_reads_another_shops_statement(shop, other_shop, other_owner, staff, name):
    assert login(other_owner).get(shop_url(name, shop)).status_code == 404
    assert login(staff).get(shop_url(name, shop)).status_code == 403
    anonymous = Client().get(shop_url(name, shop))
    assert anonymous.status_code == 302


@pytest.mark.parametrize(
    "name", ["settlement", "settlement_csv", "settlement_pdf", "voucher_flows_csv", "settlements"]
)
def test_an_operator_never_reads_another_territorys_settlements(
    territory, shop, far_territory, far_operator, operator, name
):
    kwargs = {} if name in {"voucher_flows_csv", "settlements"} else {"shop_id": shop.pk}
    assert login(far_operator).get(console_url(name, territory, **kwargs)).status_code == 403
    if kwargs:
        # Their own console with a shop id of another territory: absent.
        far_shop_url = console_url(name, far_territory, **kwargs)
        assert login(far_operator).get(far_shop_url).status_code == 404


# -- property: statement totals are order totals --------------------------------------------

order_spec = st.tuples(
    st.integers(1, 50_000),  # subtotal
    st.integers(0, 900),  # delivery fee
    st.integers(0, 2_000),  # commission basis points
    st.sampled_from(
        [OrderStatus.COLLECTED, OrderStatus.DELIVERED, OrderStatus.READY, OrderStatus.REFUSED]
    ),
    st.integers(-3, 3),  # handed over this many days from the middle of the period
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=st.lists(order_spec, max_size=8))
def test_statement_totals_equal_order_totals_for_any_set_of_orders(territory, specs):
    period = Period(start=dt.date(2026, 6, 10), end=dt.date(2026, 6, 12), tz=territory.timezone)
    middle = dt.datetime(2026, 6, 11, 12, 0, tzinfo=period.zone)
    with transaction.atomic():
        shop = ShopFactory(territory=territory)
        expected_sales = expected_commission = expected_count = 0
        for subtotal, fee, rate, status, days in specs:
            commission = subtotal * rate // 10_000
            checkout = Checkout.objects.create(
                territory=territory,
                idempotency_key=uuid.uuid4().hex,
                fingerprint="x",
                email="a@b.fr",
                phone="0600000000",
                payment_method="on_pickup",
                payment_status="pending",
                total_cents=subtotal + fee,
                access_token=uuid.uuid4().hex,
            )
            order = Order.objects.create(
                territory=territory,
                checkout=checkout,
                shop=shop,
                status=status,
                fulfilment_method="pickup",
                slot_target="shop",
                slot_start=middle,
                slot_end=middle + dt.timedelta(hours=1),
                subtotal_cents=subtotal,
                delivery_fee_cents=fee,
                total_cents=subtotal + fee,
                commission_bp=rate,
                commission_cents=commission,
                payment_method="on_pickup",
                pickup_code="ABC123",
            )
            moment = middle + dt.timedelta(days=days)
            event = OrderEvent.objects.create(
                territory=territory,
                order=order,
                from_status=OrderStatus.READY,
                to_status=status,
                actor_role="shop",
            )
            OrderEvent.objects.filter(pk=event.pk).update(created_at=moment)
            if status in {OrderStatus.COLLECTED, OrderStatus.DELIVERED} and abs(days) <= 1:
                expected_count += 1
                expected_sales += subtotal + fee
                expected_commission += commission

        statement = shop_statement(shop, period)

        assert statement.orders_count == expected_count
        assert statement.sales_cents == expected_sales
        assert statement.goods_cents + statement.delivery_fees_cents == expected_sales
        assert statement.commission_cents == expected_commission
        assert statement.net_payout_cents == -expected_commission
        transaction.set_rollback(True)


def test_csv_cells_that_look_like_formulas_are_defused(territory, shop, owner):
    shop.name = '=HYPERLINK("http://x")'
    shop.save(update_fields=["name"])

    body = login(owner).get(shop_url("statement_csv", shop)).content.decode("utf-8")

    rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    assert rows[1] == ["Commerce", '\'=HYPERLINK("http://x")']


def test_the_statement_speaks_english_on_english_pages(territory, shop, owner):
    url = shop_url("statement", shop)
    assert url.startswith("/espace-commercant/")
    page = login(owner).get("/en" + url)
    assert page.status_code == 200
    assert "Settlement statements" in page.content.decode()
    assert "Net payout" in page.content.decode()


def test_the_statement_costs_the_same_queries_for_one_or_many_rows(territory, shop, offer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    period = around_today(territory)
    card = gift_card_issue(territory=territory, amount_cents=9000, buyer_email="a@b.fr")

    def activity(n):
        for i in range(n):
            hand_over(place_order(offer, 1))
            voucher_redeem(
                code=card.code,
                shop=shop,
                amount_cents=100,
                reference="instore:q",
                idempotency_key=f"q{n}-{i}",
            )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            statement = shop_statement(shop, period)
            assert statement.sales and statement.tenders
        return len(captured)

    activity(1)
    few = queries()
    activity(4)
    assert queries() == few
