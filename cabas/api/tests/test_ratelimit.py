"""Rate limiting of the API: per client IP without a token, per token with one."""

from __future__ import annotations

import time

import pytest

from cabas.api import ratelimit
from cabas.apitokens.services import api_token_create
from cabas.factories import ShopFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/territories"


@pytest.fixture
def limits(settings):
    settings.API_RATE_LIMIT_ANONYMOUS = 3
    settings.API_RATE_LIMIT_ANONYMOUS_WRITES = 2
    settings.API_RATE_LIMIT_TOKEN = 5
    settings.API_RATE_LIMIT_TOKEN_WRITES = 2
    return settings


def test_every_answer_says_how_many_requests_are_left(client, limits):
    first = client.get(URL)
    second = client.get(URL)

    assert first.status_code == 200
    assert first["RateLimit-Limit"] == "3"
    assert first["RateLimit-Remaining"] == "2"
    assert second["RateLimit-Remaining"] == "1"
    assert 1 <= int(first["RateLimit-Reset"]) <= 60


def test_past_the_limit_an_ip_gets_429_in_the_error_shape(client, limits):
    for _ in range(3):
        assert client.get(URL).status_code == 200

    refused = client.get(URL, headers={"Accept-Language": "en"})

    assert refused.status_code == 429
    assert refused["Content-Type"].startswith("application/json")
    body = refused.json()
    assert body["error"]["code"] == "too_many_requests"
    assert body["error"]["details"]["limit"] == 3
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert body["error"]["details"]["retry_after_seconds"] == int(refused["Retry-After"])
    assert refused["RateLimit-Remaining"] == "0"
    # Every URL under /api/v1/ shares the IP's bucket, unknown ones included.
    assert client.get("/api/v1/nowhere").status_code == 429


def test_each_client_ip_has_its_own_bucket(client, limits):
    for _ in range(4):
        client.get(URL, REMOTE_ADDR="203.0.113.7")

    assert client.get(URL, REMOTE_ADDR="203.0.113.7").status_code == 429
    assert client.get(URL, REMOTE_ADDR="203.0.113.8").status_code == 200


def test_forwarded_for_names_the_client_only_behind_our_proxy(client, limits):
    for _ in range(3):
        client.get(URL, HTTP_X_FORWARDED_FOR="198.51.100.1")

    # Without USE_X_FORWARDED_FOR the header is ignored: same REMOTE_ADDR, same bucket.
    assert client.get(URL, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 429

    limits.USE_X_FORWARDED_FOR = True
    assert client.get(URL, HTTP_X_FORWARDED_FOR="198.51.100.3").status_code == 200
    for _ in range(3):
        client.get(URL, HTTP_X_FORWARDED_FOR="10.0.0.1, 198.51.100.4")
    # The last entry (set by our proxy) is the client; a forged first entry changes nothing.
    assert client.get(URL, HTTP_X_FORWARDED_FOR="10.0.0.9, 198.51.100.4").status_code == 429


def test_writes_have_a_lower_limit(client, limits):
    limits.API_RATE_LIMIT_ANONYMOUS = 10
    body = {"lines": [{"offer_id": 1, "quantity": 1}]}

    statuses = [
        client.post("/api/v1/cart", body, content_type="application/json").status_code
        for _ in range(3)
    ]

    assert 429 not in statuses[:2]
    assert statuses[2] == 429
    # Reads are counted in the general bucket only: still room there.
    read = client.get(URL)
    assert read.status_code == 200
    assert read["RateLimit-Remaining"] == "6"


def test_a_token_has_its_own_bucket_apart_from_its_ip(client, limits, territory):
    shop = ShopFactory(territory=territory)
    _token, raw = api_token_create(territory=territory, shop=shop, name="Caisse")
    headers = {"Authorization": f"Bearer {raw}"}
    for _ in range(3):
        client.get(URL)
    assert client.get(URL).status_code == 429

    answers = [client.get(URL, headers=headers) for _ in range(5)]

    assert [a.status_code for a in answers] == [200] * 5
    assert answers[0]["RateLimit-Limit"] == "5"
    assert client.get(URL, headers=headers).status_code == 429


def test_a_made_up_token_counts_against_the_ip(client, limits):
    for n in range(3):
        client.get(URL, headers={"Authorization": f"Bearer cabas_invented{n}"})

    refused = client.get(URL, headers={"Authorization": "Bearer cabas_another"})

    assert refused.status_code == 429


def test_the_token_is_looked_up_once_per_request(
    client, limits, territory, django_assert_max_num_queries
):
    shop = ShopFactory(territory=territory)
    _token, raw = api_token_create(territory=territory, shop=shop, name="Caisse")
    headers = {"Authorization": f"Bearer {raw}"}
    client.get("/api/v1/merchant/orders", headers=headers)  # last_used_at written once

    with django_assert_max_num_queries(3):
        # token, orders page count (empty: no page query) — never a second token lookup
        response = client.get("/api/v1/merchant/orders", headers=headers)

    assert response.status_code == 200


def _redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


# Database 15 of the local Redis (started by .ci/run), a prefix of its own per test run.
REDIS_TEST_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_cache(settings):
    import uuid

    if not _redis_reachable():
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_TEST_URL,
            "KEY_PREFIX": f"test-ratelimit-{uuid.uuid4().hex}",
        }
    }
    from django.core.cache import caches

    yield caches["default"]
    caches["default"].clear()


def test_with_redis_every_worker_counts_in_the_same_counter(client, limits, redis_cache):
    from django.core.cache import caches

    for _ in range(3):
        assert client.get(URL).status_code == 200
    refused = client.get(URL)

    assert refused.status_code == 429
    assert refused["RateLimit-Remaining"] == "0"
    # Another process opens its own connection (a cache object of its own): it reads the
    # count this one wrote, as a plain integer that expires with the window.
    other_worker = caches.create_connection("default")
    window = int(time.time() // ratelimit.WINDOW_SECONDS) * ratelimit.WINDOW_SECONDS
    key = f"api-rate:ip:127.0.0.1:all:{window}"
    assert other_worker.get(key) == 4
    raw_key = other_worker.make_and_validate_key(key)
    ttl = other_worker._cache.get_client(raw_key).ttl(raw_key)
    assert 0 < ttl <= ratelimit.WINDOW_SECONDS + 5


def test_with_redis_a_request_costs_one_round_trip(limits, redis_cache, monkeypatch):
    from django.test import RequestFactory
    from redis.connection import AbstractConnection

    sent = []
    original = AbstractConnection.send_packed_command

    def counted(self, command, check_health=True):
        sent.append(command)
        return original(self, command, check_health)

    request = RequestFactory().get(URL, REMOTE_ADDR="192.0.2.10")
    ratelimit.request_buckets(request, now=999_000.0)  # connection opened, handshake done
    monkeypatch.setattr(AbstractConnection, "send_packed_command", counted)

    first = ratelimit.request_buckets(request, now=1_000_000.0)
    second = ratelimit.request_buckets(request, now=1_000_001.0)
    next_window = ratelimit.request_buckets(request, now=1_000_080.0)

    assert [b.count for b in first + second + next_window] == [1, 2, 1]
    # SET NX EX and INCR pipelined: one write to the socket per request, where Django's
    # cache.add + cache.incr took three (add, exists, incr).
    assert len(sent) == 3
