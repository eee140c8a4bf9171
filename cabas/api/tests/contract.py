"""Assertions on the outside contract of the API, shared by its tests."""

from __future__ import annotations

from typing import Any


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    """The response is the one error shape with this status and code; returns ``error``."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    return error


def assert_page(response: Any) -> dict[str, Any]:
    """A 200 list: ``{"count": N, "results": [...]}``; returns the body."""
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"count", "results"}
    assert isinstance(body["count"], int)
    assert isinstance(body["results"], list)
    return body
