"""``/api/v1/me``: the signed-in shopper's export and erasure (session cookie).

API tokens speak for a shop or a territory, never for a person, so these endpoints
answer only a signed-in session (401 otherwise); a browser sends its CSRF token
(``X-CSRFToken``) with ``DELETE``.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from pydantic import ConfigDict

from cabas.accounts import throttle
from cabas.accounts.models import User
from cabas.api.errors import ApiError
from cabas.api.schemas import errors
from cabas.cart.api import require_csrf_for_session_user

from .errors import PrivacyError
from .selectors import user_export
from .services import account_erase
from .views import export_filename

router = Router(tags=["me"])


class EraseIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"password": "mon-mot-de-passe", "acknowledge_balances": True}]
        }
    )

    password: str = Field("", description="Mot de passe du compte / the account's password")
    acknowledge_balances: bool = Field(
        False,
        description=(
            "Renoncer aux points et aux soldes restants / forfeit remaining points and balances"
        ),
    )


class ErasedOut(Schema):
    erased: bool
    orders_kept: int


def _signed_in(request: HttpRequest) -> User:
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated:
        raise ApiError("unauthorized", _("Connectez-vous pour accéder à vos données."), 401)
    return user


@router.get(
    "/me/export",
    response={200: dict[str, Any], **errors(401)},
    summary="Mes données / my personal data",
    url_name="me_export",
)
def me_export(request: HttpRequest) -> HttpResponse:
    user = _signed_in(request)
    response = HttpResponse(
        json.dumps(user_export(user), ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{export_filename()}"'
    return response


@router.delete(
    "/me",
    response={200: ErasedOut, **errors(401, 403, 409)},
    summary="Supprimer mon compte / erase my account",
    url_name="me",
)
def me_erase(request: HttpRequest, payload: EraseIn) -> dict[str, Any]:
    user = _signed_in(request)
    require_csrf_for_session_user(request)
    if not user.has_usable_password():
        raise ApiError(
            "password_required",
            _(
                "Ce compte n'a pas de mot de passe : confirmez la suppression "
                "depuis « Mes données »."
            ),
            403,
        )
    if throttle.login_blocked(request, user.email):
        raise ApiError("too_many_requests", _("Trop de tentatives : réessayez plus tard."), 429)
    if not user.check_password(payload.password):
        throttle.login_failed(request, user.email)
        raise ApiError("password_incorrect", _("Mot de passe incorrect."), 403)
    try:
        result = account_erase(user_id=user.pk, acknowledge_balances=payload.acknowledge_balances)
    except PrivacyError as error:
        raise ApiError(error.code, error.message, error.status, error.details) from error
    logout(request)
    return {"erased": True, "orders_kept": result.orders_kept}
