"""The public impact page and its open data: right figures, no personal data, secrecy kept."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.utils import timezone

from cabas.console.tests.fixtures import make_order
from cabas.factories import ShopFactory
from cabas.reports import exports

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 6, 15, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.fixture
def sales(world_a, world_b, frozen):
    """May: three shops sell; June: one shop only; plus a cancelled order and B's orders."""
    territory = world_a.territory
    shops = [world_a.shop, ShopFactory(territory=territory), ShopFactory(territory=territory)]
    may = dt.datetime(2025, 5, 10, 9, tzinfo=dt.UTC)
    for index, shop in enumerate(shops):
        make_order(shop=shop, created_at=may, subtotal_cents=1000 * (index + 1))
    make_order(
        shop=shops[0],
        created_at=may,
        subtotal_cents=5000,
        method="delivery",
        delivery_fee_cents=400,
    )
    make_order(shop=shops[0], created_at=may, subtotal_cents=7777, status="cancelled_by_shop")
    june = dt.datetime(2025, 6, 2, 9, tzinfo=dt.UTC)
    make_order(shop=shops[1], created_at=june, subtotal_cents=4321, method="collection_point")
    make_order(shop=world_b.shop, created_at=may, subtotal_cents=99_999)
    return shops


def test_the_open_data_json_has_the_aggregates_and_nothing_personal(client, world_a, sales):
    response = client.get(f"/{world_a.territory.slug}/impact/donnees.json")

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert data["totals"] == {
        "orders": 5,
        "sales_cents": 1000 + 2000 + 3000 + 5000 + 4321,
        "average_basket_cents": (15321 * 2 + 5) // 10,
        "shops_online": 3,
        "shops_with_orders": 3,
    }
    months = {row["month"]: row for row in data["months"]}
    assert list(months) == ["2025-05", "2025-06"]
    assert months["2025-05"] == {
        "month": "2025-05",
        "orders": 4,
        "sales_cents": 11000,
        "average_basket_cents": 2750,
        "shops_with_orders": 3,
        "pickup_orders": 3,
        "collection_point_orders": 0,
        "delivery_orders": 1,
        "voucher_matched_cents": 0,
        "voucher_redeemed_cents": 0,
    }
    # One shop sold in June: its takings would show, so they are not published.
    assert months["2025-06"]["orders"] == 1
    assert months["2025-06"]["sales_cents"] is None
    assert data["licence"]["name"].startswith("Licence Ouverte")
    text = json.dumps(data)
    for personal in ("@example", "client", "0600000000", world_a.shop.name, world_a.shop.slug):
        assert personal not in text


def test_the_open_data_csv_matches_the_json(client, world_a, sales):
    response = client.get(f"/{world_a.territory.slug}/impact/donnees.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["month"] for row in rows] == ["2025-05", "2025-06"]
    assert rows[0]["sales_cents"] == "11000" and rows[1]["sales_cents"] == ""
    assert list(rows[0]) == exports.OPEN_DATA_COLUMNS


def test_the_impact_page_shows_figures_charts_and_tables(client, world_a, sales):
    html = client.get(f"/{world_a.territory.slug}/impact/").content.decode()

    assert "153,21" in html  # 15 321 cents spent in local shops
    assert html.count('<svg class="chart-svg"') == 3
    assert "<caption>Achats et commandes par mois</caption>" in html
    assert "non publié" in html  # June, one shop
    assert f'href="/{world_a.territory.slug}/impact/donnees.csv"' in html


def test_below_three_selling_shops_no_amount_is_published(client, world_b, frozen):
    make_order(shop=world_b.shop, created_at=NOW - dt.timedelta(days=3), subtotal_cents=12345)

    data = client.get(f"/{world_b.territory.slug}/impact/donnees.json").json()
    html = client.get(f"/{world_b.territory.slug}/impact/").content.decode()

    assert data["totals"]["sales_cents"] is None and data["totals"]["orders"] == 1
    assert "123,45" not in html
    assert "secret statistique" in html


def test_an_unknown_territory_has_no_impact_page(client, db):
    assert client.get("/nulle-part/impact/").status_code == 404
    assert client.get("/nulle-part/impact/donnees.json").status_code == 404
