"""Bearer authentication of the merchant API with an :class:`ApiToken`."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from .models import ApiToken
from .services import api_token_authenticate


class TokenAuth(HttpBearer):
    """``Authorization: Bearer cabas_…``; ``request.auth`` is the :class:`ApiToken`."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        return api_token_authenticate(token.strip())
