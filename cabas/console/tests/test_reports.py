"""Every report figure equals a sum recomputed here, independently, from the raw orders.

The orders are random (seeded) across twelve weeks that straddle the change to
summer time, with some a few minutes either side of local midnight on Sunday, in
every status and fulfilment method, in shops of several categories, plus orders
outside the period and in another territory that must not count. The expected
figures are computed in plain Python from the order rows; the reports (console
page, CSV, API) must match them to the cent.
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

from cabas.apitokens.services import api_token_create
from cabas.factories import CategoryFactory, ShopFactory
from cabas.orders.models import Order
from cabas.reports import selectors as reports
from cabas.reports.selectors import Period
from cabas.shops.models import ShopStatus

from .fixtures import make_order

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
START = dt.date(2025, 2, 3)  # a Monday
END = dt.date(2025, 4, 27)  # a Sunday, twelve weeks later; summer time began on 30 March
# Written out rather than imported: the test states its own definition of a sale.
SOLD = {"placed", "accepted", "ready", "collected", "out_for_delivery", "delivered"}
STATUSES = [*SOLD, "refused", "cancelled_by_shopper", "cancelled_by_shop", "no_show"]
METHODS = ["pickup", "collection_point", "delivery"]


def half_up(numerator: int, denominator: int) -> int:
    if not denominator:
        return 0
    return int((Decimal(numerator) / Decimal(denominator)).quantize(Decimal(1), ROUND_HALF_UP))


@pytest.fixture
def orders(world_a, world_b):
    rng = random.Random(20250330)
    food = CategoryFactory(slug="alimentation", name="Alimentation", position=1)
    culture = CategoryFactory(slug="culture-loisirs", name="Culture et loisirs", position=2)
    cheese = CategoryFactory(slug="fromagerie", name="Fromagerie", parent=food)
    bread = CategoryFactory(slug="boulangerie", name="Boulangerie", parent=food)
    books = CategoryFactory(slug="librairie", name="Librairie", parent=culture)
    territory = world_a.territory
    shops = [
        ShopFactory(territory=territory, name="Fromagerie", category=cheese),
        ShopFactory(territory=territory, name="Boulangerie", category=bread),
        ShopFactory(territory=territory, name="Librairie", category=books),
        ShopFactory(territory=territory, name="Épicerie fine", category=food),
        ShopFactory(territory=territory, name="Sans rayon", category=None),
        ShopFactory(territory=territory, name="Suspendue", status=ShopStatus.SUSPENDED),
    ]
    first = dt.datetime.combine(START, dt.time(), tzinfo=PARIS)
    moments = []
    for _ in range(160):
        day = first + dt.timedelta(days=rng.randrange(-10, 95))
        moments.append(day + dt.timedelta(minutes=rng.randrange(0, 24 * 60)))
    # Either side of local midnight between a Sunday and a Monday, in winter and summer.
    for sunday in (dt.date(2025, 2, 9), dt.date(2025, 3, 30), dt.date(2025, 4, 27)):
        midnight = dt.datetime.combine(sunday + dt.timedelta(days=1), dt.time(), tzinfo=PARIS)
        moments += [midnight - dt.timedelta(minutes=5), midnight + dt.timedelta(minutes=5)]
    for moment in moments:
        method = rng.choice(METHODS)
        make_order(
            shop=rng.choice(shops),
            created_at=moment.astimezone(dt.UTC),
            subtotal_cents=rng.randrange(150, 25_000),
            status=rng.choice(STATUSES),
            method=method,
            delivery_fee_cents=rng.choice([0, 250, 490]) if method == "delivery" else 0,
            commission_bp=rng.choice([0, 300, 550]),
        )
    # Another territory's orders, inside the period: never counted for A.
    for _ in range(10):
        make_order(
            shop=world_b.shop,
            created_at=dt.datetime(2025, 3, 12, 10, tzinfo=dt.UTC),
            subtotal_cents=99_999,
        )
    return list(Order.objects.filter(territory=territory).select_related("shop__category"))


def _expected(orders):
    """Sums over the raw rows, grouped in Python."""
    rows = []
    for order in orders:
        local_day = order.created_at.astimezone(PARIS).date()
        if order.status not in SOLD or not START <= local_day <= END:
            continue
        category = order.shop.category
        family = None if category is None else (category.parent_id or category.pk)
        rows.append(
            {
                "week": local_day - dt.timedelta(days=local_day.weekday()),
                "shop": order.shop_id,
                "family": family,
                "method": order.fulfilment_method,
                "sales": order.subtotal_cents,
                "fees": order.delivery_fee_cents,
                "commission": order.commission_cents,
            }
        )

    def group(key):
        sums = defaultdict(
            lambda: {"orders": 0, "sales": 0, "fees": 0, "commission": 0, "shops": set()}
        )
        for row in rows:
            entry = sums[row[key]]
            entry["orders"] += 1
            entry["sales"] += row["sales"]
            entry["fees"] += row["fees"]
            entry["commission"] += row["commission"]
            entry["shops"].add(row["shop"])
        return sums

    return {
        "rows": rows,
        "weeks": group("week"),
        "shops": group("shop"),
        "families": group("family"),
        "methods": group("method"),
    }


def _period():
    return Period(start=START, end=END, tz="Europe/Paris")


def test_totals_equal_the_sum_of_the_counted_orders(world_a, orders):
    expected = _expected(orders)["rows"]

    totals = reports.report_totals(world_a.territory, _period())

    assert totals.orders == len(expected) > 50
    assert totals.sales_cents == sum(r["sales"] for r in expected)
    assert totals.delivery_fees_cents == sum(r["fees"] for r in expected)
    assert totals.commission_cents == sum(r["commission"] for r in expected)
    assert totals.average_basket_cents == half_up(totals.sales_cents, len(expected))


def test_weekly_figures_follow_local_weeks(world_a, orders):
    expected = _expected(orders)["weeks"]

    weeks = reports.report_by_week(world_a.territory, _period())

    assert [w.week_start for w in weeks] == [START + dt.timedelta(weeks=n) for n in range(12)]
    for week in weeks:
        want = expected.get(week.week_start)
        got = (week.figures.orders, week.figures.sales_cents, week.shops_with_orders)
        if want is None:
            assert got == (0, 0, 0)
            continue
        assert got == (want["orders"], want["sales"], len(want["shops"])), week.week_start
        assert week.figures.average_basket_cents == half_up(want["sales"], want["orders"])
        assert week.figures.delivery_fees_cents == want["fees"]


def test_figures_by_shop_category_and_method(world_a, orders):
    expected = _expected(orders)
    period = _period()

    by_shop = {
        row.shop_id: row.figures for row in reports.report_by_shop(world_a.territory, period)
    }
    by_family = {
        row.category_id: (row.figures, row.shops)
        for row in reports.report_by_category(world_a.territory, period)
    }
    by_method = {
        row.method: row.figures for row in reports.report_by_method(world_a.territory, period)
    }

    assert {k: (v.orders, v.sales_cents) for k, v in by_shop.items()} == {
        k: (v["orders"], v["sales"]) for k, v in expected["shops"].items()
    }
    assert {k: (v[0].orders, v[0].sales_cents, v[1]) for k, v in by_family.items()} == {
        k: (v["orders"], v["sales"], len(v["shops"])) for k, v in expected["families"].items()
    }
    assert set(by_method) == set(METHODS)
    for method in METHODS:
        want = expected["methods"].get(method, {"orders": 0, "sales": 0, "fees": 0})
        assert (by_method[method].orders, by_method[method].sales_cents) == (
            want["orders"],
            want["sales"],
        )
        assert by_method[method].delivery_fees_cents == want["fees"]


def test_active_shop_counts(world_a, orders):
    expected = _expected(orders)

    counts = reports.report_shop_counts(world_a.territory, _period())

    assert counts.with_orders == len(expected["shops"])
    # world_a: one approved shop and one pending; the fixture adds five approved, one suspended.
    assert (counts.approved, counts.pending, counts.suspended) == (6, 1, 1)


def _euros(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d}"


def test_the_csv_exports_hold_the_same_figures(operator_client, world_a, orders):
    expected = _expected(orders)

    def table(name):
        url = reverse(
            "console:reports_csv", kwargs={"territory": world_a.territory.slug, "table": name}
        )
        response = operator_client.get(url, {"start": START.isoformat(), "end": END.isoformat()})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        text = response.content.decode("utf-8")
        assert text.startswith("\ufeff")
        return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))

    weeks = table("semaines")
    assert len(weeks) == 12
    for row in weeks:
        want = expected["weeks"].get(dt.date.fromisoformat(row["Du"]))
        assert row["Commandes"] == str(want["orders"] if want else 0)
        assert row["Ventes (€)"] == _euros(want["sales"] if want else 0)
    shops = table("commerces")
    assert sorted((r["Commandes"], r["Ventes (€)"]) for r in shops) == sorted(
        (str(v["orders"]), _euros(v["sales"])) for v in expected["shops"].values()
    )
    methods = {r["Mode de retrait"]: r for r in table("modes")}
    assert methods["livraison à domicile"]["Frais de livraison (€)"] == _euros(
        expected["methods"]["delivery"]["fees"]
    )
    assert len(table("categories")) == len(expected["families"])


def test_the_report_page_shows_charts_with_their_data_tables(operator_client, world_a, orders):
    expected = _expected(orders)["rows"]
    url = reverse("console:reports", kwargs={"territory": world_a.territory.slug})

    html = operator_client.get(
        url, {"start": START.isoformat(), "end": END.isoformat()}
    ).content.decode()

    assert html.count('<svg class="chart-svg"') == 6
    assert 'role="img" aria-labelledby="ventes-semaine-titre ventes-semaine-description"' in html
    assert '<table class="data-table" id="table-semaines">' in html
    total = sum(r["sales"] for r in expected)
    assert _money_fr(total) in html
    # SVG coordinates are never written with a French decimal comma.
    assert 'width="0,' not in html and 'y="1,' not in html


def _money_fr(cents: int) -> str:
    from cabas.money import format_money

    return format_money(cents, "EUR", "fr")


def test_a_reversed_period_is_a_clear_error(operator_client, world_a):
    url = reverse("console:reports", kwargs={"territory": world_a.territory.slug})

    response = operator_client.get(url, {"start": "2025-03-01", "end": "2025-02-01"})

    assert response.status_code == 400
    assert "La fin de la période précède son début." in response.content.decode()


def test_the_operator_api_gives_the_same_figures(client, world_a, orders):
    expected = _expected(orders)
    _token, raw = api_token_create(territory=world_a.territory, shop=None, name="Tableur")
    headers = {"Authorization": f"Bearer {raw}"}
    params = {"start": START.isoformat(), "end": END.isoformat()}
    slug = world_a.territory.slug

    summary = client.get(
        f"/api/v1/operator/territories/{slug}/reports/summary", params, headers=headers
    ).json()
    weeks = client.get(
        f"/api/v1/operator/territories/{slug}/reports/weeks",
        {**params, "limit": 100},
        headers=headers,
    ).json()
    shops = client.get(
        f"/api/v1/operator/territories/{slug}/reports/shops",
        {**params, "limit": 100},
        headers=headers,
    ).json()

    assert summary["totals"]["orders"] == len(expected["rows"])
    assert summary["totals"]["sales_cents"] == sum(r["sales"] for r in expected["rows"])
    assert weeks["count"] == 12
    assert {w["week_start"]: w["sales_cents"] for w in weeks["results"] if w["orders"]} == {
        k.isoformat(): v["sales"] for k, v in expected["weeks"].items()
    }
    assert shops["count"] == len(expected["shops"])
    bad = client.get(
        f"/api/v1/operator/territories/{slug}/reports/summary",
        {"start": "2025-03-01", "end": "2025-01-01"},
        headers=headers,
    )
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "validation_error"


def test_report_queries_do_not_grow_with_orders(world_a, orders, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        period = _period()
        reports.report_totals(world_a.territory, period)
        reports.report_by_week(world_a.territory, period)
        reports.report_by_shop(world_a.territory, period)
        reports.report_by_category(world_a.territory, period)
        reports.report_by_method(world_a.territory, period)
        reports.report_shop_counts(world_a.territory, period)
