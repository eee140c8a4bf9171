"""Bearer authentication of the merchant API with an :class:`ApiToken`."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from .models import ApiToken
from .services import api_token_authenticate

_CACHE_ATTRIBUTE = "_cabas_api_token"


def _authenticate_once(request: HttpRequest, raw: str) -> ApiToken | None:
    """The token for ``raw``, looked up once per request (rate limiting reads it first)."""
    cached = getattr(request, _CACHE_ATTRIBUTE, None)
    if cached is not None and cached[0] == raw:
        return cached[1]
    token = api_token_authenticate(raw)
    setattr(request, _CACHE_ATTRIBUTE, (raw, token))
    return token


def bearer_token(request: HttpRequest) -> ApiToken | None:
    """The active token of the request's ``Authorization: Bearer`` header, if any."""
    header = request.headers.get("Authorization", "")
    scheme, _space, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        return None
    return _authenticate_once(request, raw.strip())


class TokenAuth(HttpBearer):
    """``Authorization: Bearer cabas_…``; ``request.auth`` is the :class:`ApiToken`."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        return _authenticate_once(request, token.strip())
