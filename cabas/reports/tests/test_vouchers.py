"""Voucher figures (console report, CSV, impact page, open data) against raw ledger rows.

Vouchers are bought and spent at random (seeded) over twelve weeks that straddle the
change to summer time, some a few minutes either side of local midnight on Sunday;
gift cards are spent too, and another territory has vouchers: neither must count.
The expected figures are recomputed here in plain Python from the ledger's entries.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from cabas.factories import ShopFactory, UserFactory
from cabas.ledger.models import LedgerTransaction
from cabas.reports import exports, voucher_selectors
from cabas.reports.selectors import Period
from cabas.vouchers.errors import VoucherError
from cabas.vouchers.services import (
    gift_card_issue,
    voucher_programme_create,
    voucher_purchase,
    voucher_redeem,
)

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
START = dt.date(2025, 2, 3)  # a Monday
END = dt.date(2025, 4, 27)  # a Sunday; summer time began on 30 March
OPEN = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
CLOSE = dt.datetime(2035, 1, 1, tzinfo=dt.UTC)


def _programme(territory, rate_bp, cap_cents, budget_cents):
    return voucher_programme_create(
        territory=territory,
        name=f"+{rate_bp // 100} %",
        match_rate_bp=rate_bp,
        cap_per_person_cents=cap_cents,
        budget_cents=budget_cents,
        valid_from=OPEN,
        valid_until=CLOSE,
    )


def _date(transaction: LedgerTransaction, moment: dt.datetime) -> None:
    """Ledger rows are dated on insert; the test chooses when they happened."""
    LedgerTransaction.objects.filter(pk=transaction.pk).update(created_at=moment)


def _moments(rng: random.Random, count: int) -> list[dt.datetime]:
    first = dt.datetime.combine(START, dt.time(), tzinfo=PARIS)
    moments = [
        first + dt.timedelta(days=rng.randrange(-10, 95), minutes=rng.randrange(0, 24 * 60))
        for _ in range(count)
    ]
    for sunday in (dt.date(2025, 2, 9), dt.date(2025, 3, 30), dt.date(2025, 4, 27)):
        midnight = dt.datetime.combine(sunday + dt.timedelta(days=1), dt.time(), tzinfo=PARIS)
        moments += [midnight - dt.timedelta(minutes=5), midnight + dt.timedelta(minutes=5)]
    return [moment.astimezone(dt.UTC) for moment in moments]


@pytest.fixture
def ledger(world_a, world_b):
    rng = random.Random(20250330)
    territory = world_a.territory
    shops = [world_a.shop, *(ShopFactory(territory=territory) for _ in range(4))]
    programmes = [
        _programme(territory, 5000, 5000, 60_000),
        _programme(territory, 10_000, 100_000, 40_000),  # runs out: some purchases refused
        _programme(territory, 2500, 2000, 500_000),
    ]
    users = [UserFactory() for _ in range(8)]
    vouchers = []
    for moment in _moments(rng, 45):
        try:
            voucher = voucher_purchase(
                programme=rng.choice(programmes),
                user=rng.choice(users),
                amount_cents=rng.randrange(500, 15_000),
                now=moment,
            )
        except VoucherError as error:
            assert error.code == "budget_exhausted"
            continue
        _date(LedgerTransaction.objects.get(reference=f"voucher:{voucher.pk}"), moment)
        vouchers.append((voucher, moment))
    for index, (voucher, bought) in enumerate(vouchers):
        balance = voucher.paid_cents + voucher.matched_cents
        for spend in range(rng.randrange(0, 3)):
            amount = rng.randrange(1, balance + 1) if balance else 0
            if not amount:
                break
            moment = bought + dt.timedelta(days=rng.randrange(0, 20), hours=rng.randrange(24))
            posted = voucher_redeem(
                code=voucher.code,
                shop=rng.choice(shops),
                amount_cents=amount,
                reference=f"order:{index}-{spend}",
                idempotency_key=f"r-{index}-{spend}",
                now=moment,
            )
            _date(posted, moment)
            balance -= amount
    # A gift card spent in A and vouchers in B: never voucher figures of A.
    card = gift_card_issue(territory=territory, amount_cents=9000, buyer_email="x@y.fr")
    spent = voucher_redeem(
        code=card.code, shop=shops[1], amount_cents=4000, reference="g", idempotency_key="g"
    )
    _date(spent, dt.datetime(2025, 3, 12, 10, tzinfo=dt.UTC))
    other = _programme(world_b.territory, 5000, 5000, 50_000)
    theirs = voucher_purchase(
        programme=other,
        user=users[0],
        amount_cents=4000,
        now=dt.datetime(2025, 3, 12, tzinfo=dt.UTC),
    )
    voucher_redeem(
        code=theirs.code, shop=world_b.shop, amount_cents=1000, reference="b", idempotency_key="b"
    )
    return shops


def _expected(territory, start=START, end=END):
    """Sums over the raw ledger entries, grouped in Python."""
    weeks = defaultdict(lambda: defaultdict(int))
    by_shop = defaultdict(lambda: defaultdict(int))
    transactions = LedgerTransaction.objects.filter(territory=territory).prefetch_related(
        "entries__account"
    )
    for transaction in transactions:
        local = transaction.created_at.astimezone(PARIS).date()
        if not start <= local <= end:
            continue
        week = weeks[local - dt.timedelta(days=local.weekday())]
        entries = list(transaction.entries.all())
        if transaction.kind == "voucher_purchase":
            week["issued"] += 1
            week["paid"] -= sum(e.amount_cents for e in entries if e.account.kind == "external")
            week["matched"] -= sum(
                e.amount_cents for e in entries if e.account.kind == "funder_budget"
            )
        elif transaction.kind == "voucher_redemption":
            spent = [e for e in entries if e.account.owner_ref.startswith("voucher:")]
            if not spent:
                continue  # a gift card
            week["redemptions"] += 1
            week["redeemed"] -= sum(e.amount_cents for e in spent)
            (shop_leg,) = [e for e in entries if e.account.kind == "merchant_receivable"]
            shop_id = int(shop_leg.account.owner_ref.split(":")[1])
            by_shop[shop_id]["redemptions"] += 1
            by_shop[shop_id]["redeemed"] += shop_leg.amount_cents
    return weeks, by_shop


def _period():
    return Period(start=START, end=END, tz="Europe/Paris")


def test_weekly_voucher_figures_equal_the_ledger_entries(world_a, ledger):
    expected, _shops = _expected(world_a.territory)

    rows = voucher_selectors.vouchers_by_week(world_a.territory, _period())

    assert [row.week_start for row in rows] == _period().week_starts()
    assert sum(w["issued"] for w in expected.values()) > 20
    assert sum(w["redemptions"] for w in expected.values()) > 20
    for row in rows:
        week = expected.get(row.week_start, {})
        assert (
            row.figures.issued,
            row.figures.paid_cents,
            row.figures.matched_cents,
            row.figures.redemptions,
            row.figures.redeemed_cents,
        ) == (
            week.get("issued", 0),
            week.get("paid", 0),
            week.get("matched", 0),
            week.get("redemptions", 0),
            week.get("redeemed", 0),
        ), row.week_start
    totals = voucher_selectors.voucher_totals(world_a.territory, _period())
    assert totals.matched_cents == sum(w["matched"] for w in expected.values())
    assert totals.redeemed_cents == sum(w["redeemed"] for w in expected.values())


def test_a_purchase_either_side_of_local_midnight_on_sunday_lands_in_its_own_week(world_a, db):
    programme = _programme(world_a.territory, 5000, 100_000, 100_000)
    user = UserFactory()
    # 30 March 2025, 23:55 and 31 March, 00:05 in Paris (summer time since that morning).
    for moment, amount in (
        (dt.datetime(2025, 3, 30, 21, 55, tzinfo=dt.UTC), 1000),
        (dt.datetime(2025, 3, 30, 22, 5, tzinfo=dt.UTC), 3000),
    ):
        voucher = voucher_purchase(programme=programme, user=user, amount_cents=amount, now=moment)
        _date(LedgerTransaction.objects.get(reference=f"voucher:{voucher.pk}"), moment)

    rows = {
        row.week_start: row.figures
        for row in voucher_selectors.vouchers_by_week(world_a.territory, _period())
    }

    assert (rows[dt.date(2025, 3, 24)].paid_cents, rows[dt.date(2025, 3, 24)].matched_cents) == (
        1000,
        500,
    )
    assert (rows[dt.date(2025, 3, 31)].paid_cents, rows[dt.date(2025, 3, 31)].matched_cents) == (
        3000,
        1500,
    )


def test_redemptions_by_shop_equal_the_ledger_entries(world_a, ledger):
    _weeks, expected = _expected(world_a.territory)

    rows = voucher_selectors.voucher_redemptions_by_shop(world_a.territory, _period())

    assert {row.shop_id: (row.redemptions, row.redeemed_cents) for row in rows} == {
        shop: (figures["redemptions"], figures["redeemed"]) for shop, figures in expected.items()
    }
    assert [row.redeemed_cents for row in rows] == sorted(
        (row.redeemed_cents for row in rows), reverse=True
    )


def test_the_console_report_page_and_its_csv_show_the_same_figures(
    operator_client, world_a, ledger
):
    expected, by_shop = _expected(world_a.territory)
    params = {"start": START.isoformat(), "end": END.isoformat()}
    page = operator_client.get(
        reverse("console:reports", kwargs={"territory": world_a.territory.slug}), params
    )
    weekly = operator_client.get(
        reverse(
            "console:reports_csv", kwargs={"territory": world_a.territory.slug, "table": "cheques"}
        ),
        params,
    )
    shops = operator_client.get(
        reverse(
            "console:reports_csv",
            kwargs={"territory": world_a.territory.slug, "table": "cheques-commerces"},
        ),
        params,
    )

    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="cheques-emis-semaine-titre"' in html and 'id="table-cheques"' in html
    assert page.context["voucher_totals"].redeemed_cents == sum(
        w["redeemed"] for w in expected.values()
    )
    rows = list(csv.reader(io.StringIO(weekly.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Semaine", "Du", "Au", "Chèques émis"]
    for row in rows[1:]:
        week = expected.get(dt.date.fromisoformat(row[1]), {})
        assert row[3:] == [
            str(week.get("issued", 0)),
            exports.euros(week.get("paid", 0)),
            exports.euros(week.get("matched", 0)),
            str(week.get("redemptions", 0)),
            exports.euros(week.get("redeemed", 0)),
        ]
    shop_rows = list(csv.reader(io.StringIO(shops.content.decode("utf-8-sig")), delimiter=";"))
    assert sum(int(row[1]) for row in shop_rows[1:]) == sum(
        f["redemptions"] for f in by_shop.values()
    )


def test_the_impact_page_and_open_data_give_the_voucher_multiplier(
    client, world_a, ledger, monkeypatch
):
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2025, 6, 15, 10, tzinfo=dt.UTC))
    weeks, by_shop = _expected(world_a.territory, dt.date(2000, 1, 1), dt.date(2100, 1, 1))
    matched = sum(w["matched"] for w in weeks.values())
    redeemed = sum(w["redeemed"] for w in weeks.values())
    multiplier = (Decimal(redeemed) / Decimal(matched)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    assert len(by_shop) >= 3  # enough shops: the amounts are published

    html = client.get(f"/{world_a.territory.slug}/impact/").content.decode()
    data = client.get(f"/{world_a.territory.slug}/impact/donnees.json").json()
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(f"/{world_a.territory.slug}/impact/donnees.csv").content.decode()
            )
        )
    )

    assert f"× {str(multiplier).replace('.', ',')}" in html
    assert "chaque euro public a fait dépenser" in html
    assert data["vouchers"]["matched_cents"] == matched
    assert data["vouchers"]["redeemed_cents"] == redeemed
    assert Decimal(str(data["vouchers"]["multiplier"])) == multiplier
    assert sum(int(row["voucher_matched_cents"]) for row in rows) == matched
    assert sum(int(row["voucher_redeemed_cents"] or 0) for row in rows) <= redeemed


def test_voucher_spending_of_fewer_than_three_shops_is_not_published(client, world_b):
    programme = _programme(world_b.territory, 5000, 5000, 50_000)
    voucher = voucher_purchase(
        programme=programme, user=UserFactory(), amount_cents=4000, now=timezone.now()
    )
    voucher_redeem(
        code=voucher.code, shop=world_b.shop, amount_cents=3333, reference="o", idempotency_key="k"
    )

    data = client.get(f"/{world_b.territory.slug}/impact/donnees.json").json()
    html = client.get(f"/{world_b.territory.slug}/impact/").content.decode()

    assert data["vouchers"]["matched_cents"] == 2000
    assert data["vouchers"]["redeemed_cents"] is None and data["vouchers"]["multiplier"] is None
    assert data["months"][-1]["voucher_redeemed_cents"] is None
    assert "33,33" not in html
    assert "20,00" in html  # public money is always published
