"""``/api/v1/territories/{slug}/search`` and ``/autocomplete`` through the HTTP client."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cabas.api.tests.contract import assert_error
from cabas.factories import PostalCodeFactory

from .conftest import CENTRE, WEDNESDAY_10AM

pytestmark = pytest.mark.django_db

OFFER_KEYS = {
    "offer_id",
    "sku",
    "price_cents",
    "currency",
    "stock_status",
    "product",
    "shop",
    "distance_km",
    "open_now",
}


@pytest.fixture(autouse=True)
def wednesday_morning(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: WEDNESDAY_10AM)


def get(client, path, **params):
    return client.get(f"/api/v1/territories/{path}", params)


def test_search_answers_offers_with_product_shop_and_facets(client, catalogue):
    response = get(client, "ville/search", q="pates")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "results", "facets", "did_you_mean"}
    assert body["count"] == 2
    first = body["results"][0]
    assert set(first) == OFFER_KEYS
    assert set(first["product"]) == {"id", "name", "gtin", "brand", "url"}
    assert set(first["shop"]) == {"slug", "name", "lat", "lon", "url"}
    assert first["product"]["gtin"] == "3000000000014"
    assert first["product"]["brand"] == "Panzani"
    assert first["currency"] == "EUR"
    assert first["stock_status"] == "in_stock"
    assert first["open_now"] is True
    assert first["distance_km"] is None
    assert body["facets"] == {"category": [{"slug": "epicerie", "name": "Épicerie", "count": 2}]}
    assert body["did_you_mean"] is None


def test_search_with_a_typo_says_did_you_mean(client, catalogue):
    body = get(client, "ville/search", q="chocolta").json()

    assert body["did_you_mean"] == "chocolat"
    assert body["results"][0]["product"]["name"] == "Chocolat noir 70 %"


def test_search_filters_and_sorts_through_query_parameters(client, catalogue):
    body = get(
        client,
        "ville/search",
        q="chocolat",
        lat=CENTRE[0],
        lon=CENTRE[1],
        radius_km=2,
        open_now="true",
        in_stock="true",
        sort="distance",
    ).json()

    assert [(r["shop"]["slug"], r["distance_km"]) for r in body["results"]] == [
        ("epicerie-du-marche", 0.0),
        ("boulangerie-dupont", pytest.approx(1.1, abs=0.02)),
    ]


def test_search_by_postcode_measures_from_its_centre(client, catalogue):
    PostalCodeFactory(code="75004", lat=CENTRE[0], lon=CENTRE[1])

    body = get(client, "ville/search", q="chocolat", postcode="75004", radius_km=2).json()

    assert body["count"] == 2
    assert body["results"][0]["distance_km"] is not None


def test_search_by_price_range_in_cents(client, catalogue):
    body = get(client, "ville/search", q="chocolat", price_min=400, price_max=440).json()

    assert [r["price_cents"] for r in body["results"]] == [420]


def test_search_grouped_by_product(client, catalogue):
    body = get(client, "ville/search", q="chocolat", group="product").json()

    assert body["count"] == 2
    first = body["results"][0]
    assert set(first) == {
        "product",
        "offer_count",
        "min_price_cents",
        "currency",
        "in_stock_count",
        "open_count",
    }
    assert (first["product"]["name"], first["offer_count"], first["min_price_cents"]) == (
        "Chocolat noir 70 %",
        3,
        399,
    )


def test_search_pages_with_limit_and_offset(client, catalogue):
    first = get(client, "ville/search", category="alimentation", limit=5).json()
    second = get(client, "ville/search", category="alimentation", limit=5, offset=5).json()

    assert first["count"] == second["count"] == 11
    ids = [r["offer_id"] for r in first["results"] + second["results"]]
    assert len(ids) == len(set(ids)) == 10


def test_blank_parameters_mean_not_given(client, catalogue):
    response = get(
        client, "ville/search", q="chocolat", category="", lat="", lon="", sort="", group=""
    )

    assert response.status_code == 200
    assert response.json()["count"] == 4


def test_search_of_an_unknown_territory_is_a_json_404(client, catalogue):
    assert_error(get(client, "nulle-part/search", q="pain"), 404, "not_found")
    assert_error(get(client, "nulle-part/autocomplete", q="pain"), 404, "not_found")


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"lat": "48.85"}, "validation_error"),
        ({"radius_km": "2"}, "validation_error"),
        ({"sort": "distance"}, "validation_error"),
        ({"sort": "cheapest"}, "validation_error"),
        ({"price_min": "500", "price_max": "100"}, "validation_error"),
        ({"price_min": "-1"}, "validation_error"),
        ({"limit": "101"}, "validation_error"),
        ({"offset": "-1"}, "validation_error"),
        ({"lat": "north", "lon": "2.35"}, "validation_error"),
        ({"in_stock": "peut-être"}, "validation_error"),
        ({"category": "n'existe pas"}, "validation_error"),
        ({"category": "inconnue"}, "unknown_category"),
        ({"shop": "inconnu"}, "unknown_shop"),
        ({"shop": "commerce-suspendu"}, "unknown_shop"),
        ({"postcode": "99999"}, "unknown_postcode"),
    ],
)
def test_bad_parameters_are_a_422_with_a_stable_code(client, catalogue, params, code):
    assert_error(get(client, "ville/search", q="pain", **params), 422, code)


@pytest.mark.parametrize(
    "q",
    ["\x00", "choco\x00lat", '"NEAR(* : ^ AND (', "'; DROP TABLE x; --", "🍫", "é" * 10_000],
)
def test_hostile_queries_through_http_are_answered(client, catalogue, q):
    search = get(client, "ville/search", q=q)
    suggest = get(client, "ville/autocomplete", q=q)

    assert search.status_code == 200
    assert suggest.status_code == 200


def test_search_query_count_does_not_grow_with_the_page(client, catalogue):
    def queries(limit):
        with CaptureQueriesContext(connection) as captured:
            assert get(client, "ville/search", q="chocolat", limit=limit).status_code == 200
        return len(captured)

    get(client, "ville/search", q="chocolat")  # the shop snapshot is built once
    assert queries(1) == queries(20) <= 9


def test_autocomplete_answers_typed_suggestions(client, catalogue):
    response = get(client, "ville/autocomplete", q="choc")

    assert response.status_code == 200
    results = response.json()["results"]
    assert {"type", "label", "slug", "product_id", "url"} == set(results[0])
    assert ("category", "Chocolaterie") in {(r["type"], r["label"]) for r in results}
    product = next(r for r in results if r["type"] == "product")
    assert product["url"].endswith(f"/ville/produits/{product['product_id']}/")


def test_autocomplete_limit(client, catalogue):
    assert len(get(client, "ville/autocomplete", q="c", limit=2).json()["results"]) <= 2
    assert_error(get(client, "ville/autocomplete", q="c", limit=0), 422, "validation_error")


def test_search_of_an_inactive_territory_is_a_json_404(client, catalogue):
    catalogue.territory.is_active = False
    catalogue.territory.save()

    assert_error(get(client, "ville/search", q="pain"), 404, "not_found")
    assert_error(get(client, "ville/autocomplete", q="pain"), 404, "not_found")


@pytest.mark.parametrize(
    "params",
    [
        {"q": "chocolat"},
        {"q": "chocolat", "group": "product"},
        {"q": "pates", "lat": CENTRE[0], "lon": CENTRE[1], "sort": "distance"},
        {"q": "introuvable"},
    ],
)
def test_search_answers_validate_against_the_documented_schema(client, catalogue, params):
    # The views render their answers without a second validation: they must still match.
    from cabas.search.schemas import AutocompleteOut, SearchOut

    response = get(client, "ville/search", **params)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert SearchOut.model_validate(body).model_dump(mode="json") == body
    suggestions = get(client, "ville/autocomplete", q=params["q"][:4]).json()
    assert AutocompleteOut.model_validate(suggestions).model_dump(mode="json") == suggestions
