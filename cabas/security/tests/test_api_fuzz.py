"""Schema fuzzing of the whole API (schemathesis), as every kind of client.

Every operation of ``/api/v1/openapi.json`` is called with generated input as an
anonymous client, a signed-in shopper (session cookie and CSRF token), a shop's token
and a territory's token. Path parameters name real objects of the seeded territory
about half of the time, so the calls reach past the 404s. Each answer must be:
not a 5xx; a status the operation documents; of the documented content type; shaped
as the document says. Deterministic (``derandomize``) and bounded (``MAX_EXAMPLES``).
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cabas.api.api import api

from .world import Worlds, session_cookies, worlds_fixture_body

MAX_EXAMPLES = 5
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
ROLES = ["anonymous", "shopper", "shop_token", "territory_token"]

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = get_wsgi_application()
OPERATIONS = [result.ok() for result in schema.get_all_operations()]


@pytest.fixture(scope="module")
def worlds(django_db_setup, django_db_blocker):
    yield from worlds_fixture_body(django_db_blocker)


@pytest.fixture
def unlimited(settings):
    for name in ("ANONYMOUS", "ANONYMOUS_WRITES", "TOKEN", "TOKEN_WRITES"):
        setattr(settings, f"API_RATE_LIMIT_{name}", 10**9)


@pytest.fixture
def wsgi_keeps_the_test_connection():
    """Django closes the connection when a request ends; the test client stops that
    (the test's transaction lives on it), and so must the WSGI calls of the fuzzer."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _credentials(role: str, worlds: Worlds) -> tuple[dict[str, str], dict[str, str]]:
    """(headers, cookies) of a client in ``role`` of territory A."""
    a = worlds.a
    if role == "shopper":
        cookies = session_cookies(a.shopper)
        return {"X-CSRFToken": cookies["csrftoken"]}, cookies
    if role == "shop_token":
        return {"Authorization": f"Bearer {a.shop_token}"}, {}
    if role == "territory_token":
        return {"Authorization": f"Bearer {a.territory_token}"}, {}
    return {}, {}


def _real_values(worlds: Worlds) -> dict[str, object]:
    a = worlds.a
    return {
        "slug": a.territory.slug,
        "shop_slug": a.shop.slug,
        "sku": a.offer.sku,
        "order_id": a.order.pk,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_api_operation_keeps_its_contract(
    operation, role, worlds, unlimited, wsgi_keeps_the_test_connection
):
    headers, cookies = _credentials(role, worlds)
    real = _real_values(worlds)
    shop_slug = worlds.a.shop.slug
    # Valid input and input that breaks the schema (wrong types, missing fields…).
    cases = st.one_of(
        operation.as_strategy(),
        operation.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE),
    )

    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases, choices=st.data())
    def call(case, choices):
        for name in list(case.path_parameters or {}):
            if name in real and choices.draw(st.booleans(), label=f"real {name}"):
                case.path_parameters[name] = real[name]
        if (
            role == "territory_token"
            and case.query is not None
            and "shop" in case.query
            and choices.draw(st.booleans(), label="real shop")
        ):
            case.query["shop"] = shop_slug
        case.call_and_validate(headers=headers, cookies=cookies, checks=CHECKS)

    call()
