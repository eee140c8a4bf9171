"""``POST /api/v1/territories/{slug}/plan``: the DESIGN shape and JSON errors."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from .conftest import START

pytestmark = pytest.mark.django_db


def post(client, slug, body, **headers):
    return client.post(
        f"/api/v1/territories/{slug}/plan",
        json.dumps(body) if not isinstance(body, str) else body,
        content_type="application/json",
        **headers,
    )


def test_plan_answers_the_design_shape(client, town):
    response = post(
        client,
        "ville",
        {"lines": ["pain", "6 œufs", "comté", "licorne"], "lat": START[0], "lon": START[1]},
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert set(data) >= {"stops", "uncovered", "walk_m"}
    assert [stop["shop"]["slug"] for stop in data["stops"]] == ["superette"]
    lines = data["stops"][0]["lines"]
    assert [(line["line"], line["quantity"]) for line in lines] == [
        ("pain", 1),
        ("6 œufs", 6),
        ("comté", 1),
    ]
    assert lines[0]["offer_id"] == town.offers[("superette", "pain")].pk
    assert data["uncovered"] == ["licorne"]
    assert data["walk_m"] > 0
    assert data["walking_model"] == {
        "distance": "haversine",
        "detour_factor": 1.3,
        "speed_kmh": 4.5,
        "route": "loop",
    }
    assert data["total_cents"] == 150 + 6 * 290 + 520


def test_max_km_and_at_are_honoured(client, town):
    tomorrow = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()
    response = post(
        client,
        "ville",
        {
            "lines": ["pain", "comté"],
            "lat": START[0],
            "lon": START[1],
            "max_km": 0.5,
            "at": tomorrow,
        },
    )
    assert response.status_code == 200, response.content
    assert sorted(s["shop"]["slug"] for s in response.json()["stops"]) == [
        "boulangerie",
        "fromagerie",
    ]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"lines": [], "lat": START[0], "lon": START[1]}, "empty_list"),
        ({"lines": ["pain"] * 200, "lat": START[0], "lon": START[1]}, "too_many_lines"),
        ({"lines": ["pain"], "lat": 1000, "lon": START[1]}, "location_invalid"),
        ({"lines": ["pain"], "lat": "abc", "lon": START[1]}, "location_invalid"),
        ({"lines": ["pain"], "lat": -33.86, "lon": 151.2}, "location_outside_territory"),
        ({"lines": ["pain"], "lat": START[0], "lon": START[1], "max_km": -1}, "max_km_invalid"),
        ({"lines": ["pain"], "lat": START[0], "lon": START[1], "at": "mardi"}, "at_invalid"),
        ({"lines": "pain", "lat": START[0], "lon": START[1]}, "lines_invalid"),
    ],
)
def test_bad_input_gets_the_json_error_shape(client, territory, body, code):
    response = post(client, "ville", body)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert "details" in error


def test_missing_fields_and_broken_json_are_json_errors(client, territory):
    assert post(client, "ville", {"lines": ["pain"]}).json()["error"]["code"]
    response = post(client, "ville", "{not json")
    assert 400 <= response.status_code < 500
    assert response.json()["error"]["code"]


def test_unknown_territory_is_a_json_404(client, db):
    response = post(client, "nulle-part", {"lines": ["pain"], "lat": 48.8, "lon": 2.3})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_errors_speak_english_when_asked(client, territory):
    response = post(
        client, "ville", {"lines": [], "lat": START[0], "lon": START[1]}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.json()["error"]["code"] == "empty_list"
