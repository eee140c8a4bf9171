"""The API's one error shape: ``{"error": {"code", "message", "details"}}``.

Every failure an integrator can cause is answered with a stable ``code`` they can
branch on and a ``message`` in the request's language (French unless the client
asks for English). Domain code raises :class:`ApiError` (or a subclass); the
handlers installed by :func:`install_error_handlers` turn it, and every exception
django-ninja or Django raise for bad input, into that shape.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.core import signals
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

logger = logging.getLogger("cabas.api")


class ApiError(Exception):
    """A failure the client can act on; ``code`` is part of the public contract.

    ``raise ApiError("out_of_stock", _("Plus assez de stock."), 409, {"offer_id": 7})``;
    subclasses set class-level defaults for any argument left out. ``message`` may be
    lazy: it is rendered in the client's language when the response is built.
    """

    status = 400
    code = "bad_request"
    message: Any = _("La requête est invalide.")

    def __init__(
        self,
        code: str | None = None,
        message: Any = None,
        status: int | None = None,
        details: Any = None,
    ) -> None:
        if code is not None:
            self.code = code
        if message is not None:
            self.message = message
        if status is not None:
            self.status = status
        self.details = details
        super().__init__(self.code)


class NotFound(ApiError):
    status = 404
    code = "not_found"
    message = _("Ressource introuvable.")


class InvalidParameters(ApiError):
    """Input that parsed but does not make sense (e.g. a latitude without a longitude).

    ``details`` uses the same list of ``{loc, msg, type}`` as type errors, so a client
    reads both the same way.
    """

    status = 422
    code = "validation_error"
    message = _("Paramètres invalides.")

    def __init__(self, details: list[dict[str, Any]], message: Any = None) -> None:
        super().__init__(message=message, details=details)


def field_error(loc: Iterable[str | int], msg: Any, type_: str) -> dict[str, Any]:
    """One entry of ``details`` for a 422, shaped like django-ninja's own."""
    return {"loc": list(loc), "msg": str(msg), "type": type_}


def error_body(code: str, message: Any, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": str(message), "details": details}}


def error_response(code: str, message: Any, status: int, details: Any = None) -> JsonResponse:
    return JsonResponse(
        error_body(code, message, details),
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def not_found_response(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    """404 for a URL under the API that matches no endpoint."""
    return error_response(
        "not_found",
        _("Aucune ressource à cette adresse."),
        404,
        {"path": request.path},
    )


def method_not_allowed_response(allowed: list[str]) -> JsonResponse:
    response = error_response(
        "method_not_allowed",
        _("Méthode HTTP non permise sur cette adresse."),
        405,
        {"allowed": allowed},
    )
    response["Allow"] = ", ".join(allowed)
    return response


def json_method_not_allowed(response: HttpResponse) -> HttpResponse:
    """django-ninja answers a wrong method with a plain-text 405; give it the error shape."""
    if isinstance(response, HttpResponseNotAllowed):
        allowed = sorted(m.strip() for m in response["Allow"].split(",") if m.strip())
        return method_not_allowed_response(allowed)
    return response


# Codes for django-ninja's own HttpError statuses (auth, throttling, unparsable body).
HTTP_ERROR_CODES = {
    400: ("bad_request", _("La requête est invalide.")),
    401: ("unauthorized", _("Authentification requise.")),
    403: ("forbidden", _("Accès refusé.")),
    404: ("not_found", _("Ressource introuvable.")),
    405: ("method_not_allowed", _("Méthode HTTP non permise sur cette adresse.")),
    409: ("conflict", _("La requête est en conflit avec l'état actuel de la ressource.")),
    413: ("payload_too_large", _("La requête est trop volumineuse.")),
    415: ("unsupported_media_type", _("Type de contenu non pris en charge.")),
    429: ("too_many_requests", _("Trop de requêtes : réessayez dans un moment.")),
}


def _render(
    api: NinjaAPI, request: HttpRequest, code: str, message: Any, status: int, details: Any
) -> HttpResponse:
    return api.create_response(request, error_body(code, message, details), status=status)


def _validation_details(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """django-ninja's error list without pydantic internals (``ctx``, ``url``, ``input``)."""
    return [
        field_error(error.get("loc", ()), error.get("msg", ""), str(error.get("type", "invalid")))
        for error in errors
    ]


def install_error_handlers(api: NinjaAPI) -> None:
    """Replace django-ninja's default handlers so every error has the one shape."""

    # ``exc: Any``: django-ninja types handlers as taking an instance or a class; they
    # only ever receive instances.

    def on_api_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return _render(api, request, exc.code, exc.message, exc.status, exc.details)

    def on_validation_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return _render(
            api,
            request,
            "validation_error",
            _("Paramètres invalides."),
            422,
            _validation_details(exc.errors),
        )

    def on_not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return _render(api, request, "not_found", _("Ressource introuvable."), 404, None)

    def on_http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        code, message = HTTP_ERROR_CODES.get(exc.status_code, ("error", str(exc)))
        details: Any = None
        if isinstance(exc, Throttled) and exc.wait is not None:
            details = {"retry_after_seconds": exc.wait}
        response = _render(api, request, code, message, exc.status_code, details)
        if isinstance(exc, Throttled) and exc.wait is not None:
            response["Retry-After"] = str(exc.wait)
        return response

    def on_suspicious(request: HttpRequest, exc: Any) -> HttpResponse:
        # Too many query parameters, a forged header: the client's fault, never a 500.
        logger.warning("Suspicious API request: %s", exc)
        return _render(api, request, "bad_request", _("La requête est invalide."), 400, None)

    def on_too_big(request: HttpRequest, exc: Any) -> HttpResponse:
        return _render(
            api, request, "payload_too_large", _("La requête est trop volumineuse."), 413, None
        )

    def on_unexpected(request: HttpRequest, exc: Any) -> HttpResponse:
        # A bug, not bad input: log it and let error reporting (and the test client) see it.
        logger.exception("Unhandled error in API view %s", request.path, exc_info=exc)
        signals.got_request_exception.send(sender=None, request=request)
        return _render(
            api,
            request,
            "internal_error",
            _("Erreur interne du serveur. L'incident est enregistré."),
            500,
            None,
        )

    api.add_exception_handler(ApiError, on_api_error)
    api.add_exception_handler(NinjaValidationError, on_validation_error)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(AuthenticationError, on_http_error)
    api.add_exception_handler(AuthorizationError, on_http_error)
    api.add_exception_handler(SuspiciousOperation, on_suspicious)
    api.add_exception_handler(RequestDataTooBig, on_too_big)
    api.add_exception_handler(Exception, on_unexpected)
