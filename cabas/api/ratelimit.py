"""Rate limiting of the JSON API, per client IP without a token and per token with one.

Fixed one-minute windows counted in the Django cache (Redis in production, so every
web instance shares the counts; local memory in tests and development). Each request
counts against its identity's bucket — the token when a valid Bearer token is given,
else the client IP (:func:`cabas.accounts.throttle.client_ip`, which honours
``USE_X_FORWARDED_FOR``) — and a write (POST, PUT, PATCH, DELETE) also against the
lower write bucket. An invalid token counts against the IP: making up tokens does not
buy a fresh bucket.

Every response carries ``RateLimit-Limit``, ``RateLimit-Remaining`` and
``RateLimit-Reset`` (seconds) for the tightest bucket; past a limit the answer is a
429 in the API's error shape with ``Retry-After``. Limits come from the settings
``API_RATE_LIMIT_ANONYMOUS``, ``API_RATE_LIMIT_ANONYMOUS_WRITES``,
``API_RATE_LIMIT_TOKEN`` and ``API_RATE_LIMIT_TOKEN_WRITES`` (requests a minute).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from cabas.accounts.throttle import client_ip
from cabas.apitokens.auth import bearer_token

from .errors import error_response

WINDOW_SECONDS = 60
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class Bucket:
    key: str
    limit: int
    count: int
    reset_seconds: int

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.count)

    @property
    def exceeded(self) -> bool:
        return self.count > self.limit


def _count(key: str, now: float) -> tuple[int, int]:
    """Add one to ``key``'s counter for the current window: (count, seconds to reset)."""
    window_start = int(now // WINDOW_SECONDS) * WINDOW_SECONDS
    cache_key = f"api-rate:{key}:{window_start}"
    # A little longer than the window, so a counter never vanishes while it is in use.
    timeout = WINDOW_SECONDS + 5
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        count = _redis_count(cache, cache_key, timeout)
    else:
        # The common case first: the window's counter exists (one operation, not two).
        try:
            count = cache.incr(cache_key)
        except ValueError:  # the window's first request, or the counter just expired
            count = 1 if cache.add(cache_key, 1, timeout) else cache.incr(cache_key)
    return count, max(1, math.ceil(window_start + WINDOW_SECONDS - now))


def _redis_count(cache: RedisCache, cache_key: str, timeout: int) -> int:
    """The counter incremented in one round trip to Redis: ``SET NX EX`` creates it with
    its expiry when the window starts, ``INCR`` adds this request, sent together.
    Django's ``cache.add`` then ``cache.incr`` cost three round trips (its ``incr`` asks
    ``EXISTS`` first): 0.7 ms of CPU and 1.9 ms of wall time a request, measured.
    Integers are stored as plain Redis integers, as Django's cache stores them, so
    ``cache.get`` reads the count."""
    key = cache.make_and_validate_key(cache_key)
    # Django exposes its redis-py client only there (no public accessor).
    client = cache._cache.get_client(key, write=True)  # type: ignore[attr-defined]
    pipe = client.pipeline(transaction=False)
    pipe.set(key, 0, ex=timeout, nx=True)
    pipe.incr(key)
    _created, count = pipe.execute()
    return int(count)


def request_buckets(request: HttpRequest, *, now: float | None = None) -> list[Bucket]:
    """Count ``request`` against its buckets and return them (tightest first)."""
    moment = time.time() if now is None else now
    token = bearer_token(request)
    if token is not None:
        identity = f"token:{token.pk}"
        limits = [settings.API_RATE_LIMIT_TOKEN, settings.API_RATE_LIMIT_TOKEN_WRITES]
    else:
        identity = f"ip:{client_ip(request)}"
        limits = [settings.API_RATE_LIMIT_ANONYMOUS, settings.API_RATE_LIMIT_ANONYMOUS_WRITES]
    names = [("all", limits[0])]
    if request.method in WRITE_METHODS:
        names.append(("write", limits[1]))
    buckets = []
    for name, limit in names:
        count, reset = _count(f"{identity}:{name}", moment)
        buckets.append(Bucket(f"{identity}:{name}", limit, count, reset))
    return sorted(buckets, key=lambda bucket: (not bucket.exceeded, bucket.remaining))


def too_many_requests(bucket: Bucket) -> HttpResponse:
    response = error_response(
        "too_many_requests",
        _("Trop de requêtes : réessayez dans un moment."),
        429,
        {
            "limit": bucket.limit,
            "window_seconds": WINDOW_SECONDS,
            "retry_after_seconds": bucket.reset_seconds,
        },
    )
    response["Retry-After"] = str(bucket.reset_seconds)
    return response


def add_headers(response: HttpResponse, bucket: Bucket) -> HttpResponse:
    response["RateLimit-Limit"] = str(bucket.limit)
    response["RateLimit-Remaining"] = str(bucket.remaining)
    response["RateLimit-Reset"] = str(bucket.reset_seconds)
    return response
