"""The planner on a real catalogue, through the public search entry point."""

from __future__ import annotations

import datetime as dt

import pytest

from cabas.geo.distance import Point
from cabas.planner.errors import PlanError
from cabas.planner.lines import parse_list
from cabas.planner.selectors import PlanRequest, plan_list, plan_request, usual_basket

from .conftest import START

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 3, 12, 9, 0, tzinfo=dt.UTC)


def plan(town, lines, max_km=1.5, start=START):
    return plan_list(
        PlanRequest(
            territory=town.territory,
            lines=parse_list(lines),
            start=Point(*start),
            at=NOW,
            max_km=max_km,
        )
    )


def stop_names(result):
    return [stop.shop.slug for stop in result.stops]


def test_one_shop_holding_the_whole_list_is_the_plan(town):
    result = plan(town, ["pain", "6 œufs", "comté"])
    assert stop_names(result) == ["superette"]
    assert [c.line.query for c in result.stops[0].choices] == ["pain", "œufs", "comté"]
    assert result.stops[0].choices[1].line.quantity == 6
    assert result.uncovered == []
    assert result.exact


def test_within_a_shorter_distance_two_nearer_shops_cover_the_list(town):
    result = plan(town, ["pain", "6 œufs", "comté"], max_km=0.5)
    assert sorted(stop_names(result)) == ["boulangerie", "fromagerie"]
    held = {c.line.query: stop.shop.slug for stop in result.stops for c in stop.choices}
    assert held["pain"] == "boulangerie"
    assert held["comté"] == "fromagerie"
    # The loop: start → one shop → the other → start.
    assert 0 < result.walk_m < 2 * 1.3 * 700


def test_lines_no_shop_covers_are_reported_never_dropped(town):
    result = plan(town, ["pain", "licorne en peluche", "un bouquet"], max_km=0.5)
    assert [c.line.text for c in result.uncovered] == ["licorne en peluche"]
    covered = [c.line.text for stop in result.stops for c in stop.choices]
    assert sorted(covered) == ["pain", "un bouquet"]


def test_stock_below_the_quantity_wanted_does_not_cover_a_line(town):
    # The bookshop has two albums: three cannot be bought there.
    result = plan(town, ["3 album jeunesse"])
    assert [c.line.text for c in result.uncovered] == ["3 album jeunesse"]


def test_alternatives_are_offered_per_line(town):
    result = plan(town, ["pain", "6 œufs", "comté"])
    eggs = result.stops[0].choices[1]
    alternatives = {alt.shop.slug for alt in eggs.alternatives}
    assert alternatives == {"boulangerie", "fromagerie"}


def test_closed_shops_are_left_out(town):
    town.shops["superette"].opening_hours = "Mo-Fr 20:00-21:00"
    town.shops["superette"].save()
    result = plan(town, ["pain", "comté"])
    assert "superette" not in stop_names(result)
    assert sorted(stop_names(result)) == ["boulangerie", "fromagerie"]


def test_arrival_times_follow_the_route(town):
    result = plan(town, ["pain", "comté", "un bouquet", "album jeunesse"], max_km=0.6)
    arrivals = [stop.arrival_minutes for stop in result.stops]
    assert len(arrivals) == 4
    assert arrivals == sorted(arrivals)
    assert arrivals[0] > 0


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"raw_lines": []}, "empty_list"),
        ({"raw_lines": ["  ", "-"]}, "empty_list"),
        ({"raw_lines": ["pain"] * 200}, "too_many_lines"),
        ({"raw_lines": "pain"}, "lines_invalid"),
        ({"raw_lines": [1, 2]}, "lines_invalid"),
        ({"lat": 91}, "location_invalid"),
        ({"lon": "nan"}, "location_invalid"),
        ({"lat": None}, "location_invalid"),
        ({"lat": 43.3, "lon": 5.4}, "location_outside_territory"),
        ({"max_km": 0}, "max_km_invalid"),
        ({"max_km": 500}, "max_km_invalid"),
        ({"max_km": "loin"}, "max_km_invalid"),
        ({"at": NOW - dt.timedelta(days=2)}, "at_out_of_range"),
        ({"at": NOW + dt.timedelta(days=30)}, "at_out_of_range"),
    ],
)
def test_bad_requests_get_a_specific_error(territory, kwargs, code):
    params = {"raw_lines": ["pain"], "lat": START[0], "lon": START[1], "now": NOW}
    params.update(kwargs)
    with pytest.raises(PlanError) as caught:
        plan_request(territory=territory, **params)
    assert caught.value.code == code


def test_a_naive_time_is_the_territory_wall_clock(territory):
    request = plan_request(
        territory=territory,
        raw_lines=["pain"],
        lat=START[0],
        lon=START[1],
        at=dt.datetime(2025, 3, 12, 11, 0),
        now=NOW,
    )
    assert request.at == dt.datetime(2025, 3, 12, 10, 0, tzinfo=dt.UTC)


def _order(shop, user, names, days_ago):
    import uuid

    from cabas.orders.models import Checkout, Order, OrderLine

    checkout = Checkout.objects.create(
        territory_id=shop.territory_id,
        user=user,
        idempotency_key=uuid.uuid4().hex,
        fingerprint="0" * 64,
        email=user.email,
        phone="0600000000",
        payment_method="on_pickup",
        payment_status="pending",
        total_cents=100 * len(names),
        access_token=uuid.uuid4().hex,
    )
    placed = Order.objects.create(
        territory_id=shop.territory_id,
        checkout=checkout,
        shop=shop,
        user=user,
        fulfilment_method="pickup",
        slot_target=f"shop:{shop.pk}:pickup",
        slot_start=NOW,
        slot_end=NOW + dt.timedelta(minutes=30),
        subtotal_cents=100 * len(names),
        total_cents=100 * len(names),
        commission_bp=0,
        commission_cents=0,
        payment_method="on_pickup",
        pickup_code=uuid.uuid4().hex[:6],
    )
    Order.objects.filter(pk=placed.pk).update(created_at=NOW - dt.timedelta(days=days_ago))
    for name in names:
        OrderLine.objects.create(
            territory_id=shop.territory_id,
            order=placed,
            product_name=name,
            sku="S",
            unit_price_cents=100,
            quantity=1,
            line_total_cents=100,
        )


def test_usual_basket_comes_from_past_orders_of_this_territory(town):
    from cabas.factories import ShopFactory, TerritoryFactory, UserFactory

    user = UserFactory()
    shop = town.shops["boulangerie"]
    _order(shop, user, ["Pain de campagne", "Croissant"], days_ago=9)
    _order(shop, user, ["Pain de campagne", "Œufs"], days_ago=5)
    _order(shop, user, ["Œufs"], days_ago=1)
    elsewhere = ShopFactory(territory=TerritoryFactory())
    _order(elsewhere, user, ["Croissant"], days_ago=2)
    # Bought twice here: eggs (last bought most recently) then bread; one croissant here only.
    assert usual_basket(territory=town.territory, user=user) == ["Œufs", "Pain de campagne"]
    assert usual_basket(territory=elsewhere.territory, user=user) == ["Croissant"]
    assert usual_basket(territory=town.territory, user=UserFactory()) == []


@pytest.mark.django_db(transaction=True)
def test_plan_outside_a_transaction_is_the_same(town):
    # Outside a transaction, PostgreSQL runs the line searches on threads (one
    # connection each); the answer is the one the sequential path gives.
    from django.db import connection

    assert not connection.in_atomic_block
    result = plan(town, ["pain", "6 œufs", "comté", "un bouquet", "licorne"], max_km=0.5)
    assert sorted(stop_names(result)) == ["boulangerie", "fleuriste", "fromagerie"]
    held = {c.line.query: stop.shop.slug for stop in result.stops for c in stop.choices}
    assert held == {
        "pain": "boulangerie",
        "œufs": held["œufs"],
        "comté": "fromagerie",
        "bouquet": "fleuriste",
    }
    assert held["œufs"] in {"boulangerie", "fromagerie"}
    assert [c.line.text for c in result.uncovered] == ["licorne"]
