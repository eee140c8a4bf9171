"""CORS: browsers of the configured origins may call /api/v1/, without cookies; no one else."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

ALLOWED = "https://appli.example"


@pytest.fixture
def origins(settings):
    settings.CORS_ALLOWED_ORIGINS = [ALLOWED]
    return settings


def _preflight(client, path: str, origin: str, method: str = "POST"):
    return client.options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type, idempotency-key",
    )


def test_a_preflight_from_an_allowed_origin_is_answered(client, origins):
    response = _preflight(client, "/api/v1/merchant/stock", ALLOWED)

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    allowed_headers = response["Access-Control-Allow-Headers"].lower()
    assert "authorization" in allowed_headers
    assert "idempotency-key" in allowed_headers
    assert "POST" in response["Access-Control-Allow-Methods"]
    # Token auth only: a page of that origin never sends the user's cookies.
    assert "Access-Control-Allow-Credentials" not in response


def test_a_preflight_from_another_origin_gets_no_cors_headers(client, origins):
    response = _preflight(client, "/api/v1/merchant/stock", "https://evil.example")

    assert "Access-Control-Allow-Origin" not in response


def test_no_origin_is_allowed_by_default(client, settings):
    assert settings.CORS_ALLOWED_ORIGINS == []

    response = _preflight(client, "/api/v1/territories", ALLOWED, method="GET")

    assert "Access-Control-Allow-Origin" not in response


def test_an_allowed_origin_reads_the_rate_limit_headers(client, origins):
    response = client.get("/api/v1/territories", HTTP_ORIGIN=ALLOWED)

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    exposed = response["Access-Control-Expose-Headers"]
    assert "RateLimit-Remaining" in exposed
    assert "Retry-After" in exposed


def test_cors_stops_at_the_api(client, origins):
    """The storefront and the back office are same-origin only, whatever the settings."""
    response = client.get("/", HTTP_ORIGIN=ALLOWED)

    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Allow-Origin" not in _preflight(client, "/compte/connexion/", ALLOWED)
