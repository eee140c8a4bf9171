"""Read-your-writes with a replica: see ``cabas.ops.routers``."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from .routers import pin_to_primary, unpin

PIN_COOKIE = "cabas_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class PrimaryPinMiddleware:
    """Pin unsafe requests, token-authenticated ones, and the same browser's next few
    seconds, to the primary."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.seconds = int(getattr(settings, "REPLICA_PIN_SECONDS", 5))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        unsafe = request.method not in SAFE_METHODS
        # API clients with a token rarely keep cookies: their reads stay on the primary.
        pinned = (
            unsafe
            or "HTTP_AUTHORIZATION" in request.META
            or self._cookie_valid(request.COOKIES.get(PIN_COOKIE, ""))
        )
        token = pin_to_primary(pinned)
        try:
            response = self.get_response(request)
        finally:
            unpin(token)
        if unsafe:
            response.set_cookie(
                PIN_COOKIE,
                str(int(time.time()) + self.seconds),
                max_age=self.seconds,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    @staticmethod
    def _cookie_valid(value: str) -> bool:
        return value.isdigit() and int(value) >= int(time.time())
