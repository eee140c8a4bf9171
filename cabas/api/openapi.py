"""The errors every operation shares, written into the OpenAPI document in one place.

The routers document the errors of their own domain (``409 out_of_stock``…); the ones
that come from the API's shared machinery are added here to every operation they can
happen on, so a client (and the schema fuzzing in ``cabas/security/tests``) knows every
status an operation may answer:

- ``429`` everywhere (rate limiting, :mod:`cabas.api.ratelimit`);
- ``401`` and ``403`` where a Bearer token is required;
- ``404`` where the path names an object, ``422`` where there is any input to validate;
- ``400`` and ``413`` where there is a request body (not JSON, too large).
"""

from __future__ import annotations

from typing import Any

ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}

DESCRIPTIONS = {
    400: "Corps illisible (pas du JSON) / unparsable body",
    401: "Jeton absent ou invalide / missing or invalid token",
    403: "Ce jeton n'a pas accès à cette ressource / this token has no access here",
    404: "Ressource introuvable / not found",
    413: "Requête trop volumineuse / payload too large",
    422: "Paramètres invalides / invalid parameters",
    429: "Trop de requêtes (voir Retry-After) / too many requests (see Retry-After)",
}

RATE_LIMIT_HEADERS = {
    "Retry-After": {
        "description": "Secondes avant de réessayer / seconds before retrying",
        "schema": {"type": "integer", "minimum": 1},
    },
    "RateLimit-Limit": {"schema": {"type": "integer"}},
    "RateLimit-Remaining": {"schema": {"type": "integer"}},
    "RateLimit-Reset": {"schema": {"type": "integer"}},
}

EXAMPLES = {
    400: {"error": {"code": "bad_request", "message": "La requête est invalide.", "details": None}},
    401: {
        "error": {"code": "unauthorized", "message": "Authentification requise.", "details": None}
    },
    403: {"error": {"code": "forbidden", "message": "Accès refusé.", "details": None}},
    404: {"error": {"code": "not_found", "message": "Ressource introuvable.", "details": None}},
    413: {
        "error": {
            "code": "payload_too_large",
            "message": "La requête est trop volumineuse.",
            "details": None,
        }
    },
    422: {
        "error": {
            "code": "validation_error",
            "message": "Paramètres invalides.",
            "details": [{"loc": ["query", "limit"], "msg": "≤ 100", "type": "less_than_equal"}],
        }
    },
    429: {
        "error": {
            "code": "too_many_requests",
            "message": "Trop de requêtes : réessayez dans un moment.",
            "details": {"limit": 300, "window_seconds": 60, "retry_after_seconds": 17},
        }
    },
}

HTTP_METHODS = {"get", "put", "post", "delete", "patch", "options", "head"}


def _error_response(status: int) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": DESCRIPTIONS[status],
        "content": {"application/json": {"schema": ERROR_REF, "example": EXAMPLES[status]}},
    }
    if status == 429:
        response["headers"] = RATE_LIMIT_HEADERS
    return response


def shared_error_statuses(operation: dict[str, Any]) -> list[int]:
    """The shared error statuses ``operation`` can answer."""
    parameters = operation.get("parameters", [])
    statuses = [429]
    if operation.get("security"):
        statuses += [401, 403]
    if any(parameter.get("in") == "path" for parameter in parameters):
        statuses.append(404)
    if parameters or "requestBody" in operation:
        statuses.append(422)
    if "requestBody" in operation:
        statuses += [400, 413]
    return statuses


def document_shared_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the shared error responses to every operation of ``schema`` (in place)."""
    for path_item in schema.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in HTTP_METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status in shared_error_statuses(operation):
                # ninja keys its responses by int; a loaded document by str.
                existing = responses.get(status, responses.get(str(status)))
                if existing is None:
                    responses[status] = _error_response(status)
                elif status == 429:
                    existing.setdefault("headers", RATE_LIMIT_HEADERS)
    return schema
