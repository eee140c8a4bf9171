"""The public JSON API, mounted at ``/api/v1/`` (OpenAPI at ``openapi.json``, docs at ``docs``)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from asgiref.sync import iscoroutinefunction, sync_to_async
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger
from ninja.renderers import JSONRenderer

from . import categories, ratelimit, shops, territories
from .errors import install_error_handlers, json_method_not_allowed, not_found_response
from .openapi import document_shared_errors

DESCRIPTION = """
**Cabas** : la place de marché d'un territoire pour ses commerces indépendants.
Les listes répondent `{"count": N, "results": [...]}` et se paginent avec `limit`
(1 à 100, 20 par défaut) et `offset`. Toute erreur répond
`{"error": {"code", "message", "details"}}` avec un `code` stable ; le message est en
français, en anglais avec `Accept-Language: en`. Les heures sont données dans le fuseau
du territoire (ISO 8601 avec décalage).

**Cabas**: the marketplace a territory runs for its independent shops. Lists answer
`{"count": N, "results": [...]}` and page with `limit` (1 to 100, default 20) and
`offset`. Every error answers `{"error": {"code", "message", "details"}}` with a stable
`code`; the message is in French, in English with `Accept-Language: en`. Times are
given in the territory's timezone (ISO 8601 with offset).
"""


class Utf8JSONRenderer(JSONRenderer):
    """Accented names as they are (``"Épicerie"``), not ``\\u00c9``: smaller, readable."""

    json_dumps_params = {"ensure_ascii": False}


def client_language(request: HttpRequest) -> str:
    # LocaleMiddleware gives every unprefixed URL the default language once the site
    # uses i18n_patterns; an API client says what it reads with Accept-Language.
    return translation.get_language_from_request(request, check_path=False)


def _finish(response: HttpResponse, language: str) -> HttpResponse:
    response = json_method_not_allowed(response)
    response.setdefault("Content-Language", language)
    patch_vary_headers(response, ["Accept-Language"])
    return response


def api_view(view: Callable[..., Any]) -> Callable[..., Any]:
    """Every API URL is rate limited, answers in the client's language and keeps the
    error shape on a 405."""
    if iscoroutinefunction(view):

        @wraps(view)
        async def async_wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            language = client_language(request)
            with translation.override(language):
                buckets = await sync_to_async(ratelimit.request_buckets)(request)
                if buckets[0].exceeded:
                    response = ratelimit.too_many_requests(buckets[0])
                else:
                    response = await view(request, *args, **kwargs)
                return ratelimit.add_headers(_finish(response, language), buckets[0])

        return async_wrapper

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        language = client_language(request)
        with translation.override(language):
            buckets = ratelimit.request_buckets(request)
            if buckets[0].exceeded:
                response = ratelimit.too_many_requests(buckets[0])
            else:
                response = view(request, *args, **kwargs)
            return ratelimit.add_headers(_finish(response, language), buckets[0])

    return wrapper


class CabasAPI(NinjaAPI):
    """NinjaAPI whose every URL goes through :func:`api_view`, plus a JSON 404 catch-all;
    its OpenAPI document lists the errors every operation shares."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        return document_shared_errors(super().get_openapi_schema(**kwargs))

    @property
    def urls(self) -> tuple[list[Any], str, str]:
        patterns, app_name, namespace = super().urls
        wrapped: list[URLPattern | URLResolver] = []
        for pattern in patterns:
            if not isinstance(pattern, URLPattern):
                wrapped.append(pattern)
                continue
            callback = api_index if pattern.name == "api-root" else pattern.callback
            wrapped.append(
                URLPattern(pattern.pattern, api_view(callback), pattern.default_args, pattern.name)
            )
        # Anything else under /api/v1/ is a JSON 404, whatever the method or DEBUG.
        wrapped.append(path("<path:unknown>", api_view(unknown_endpoint)))
        return wrapped, app_name, namespace


@csrf_exempt
def unknown_endpoint(request: HttpRequest, unknown: str) -> JsonResponse:
    return not_found_response(request)


def api_index(request: HttpRequest, **kwargs: Any) -> JsonResponse:
    """``/api/v1/``: where to start."""
    return JsonResponse(
        {
            "name": api.title,
            "version": api.version,
            "openapi": request.build_absolute_uri(reverse("api:openapi-json")),
            "docs": request.build_absolute_uri(reverse("api:openapi-view")),
            "territories": request.build_absolute_uri(reverse("api:territory_list")),
        },
        json_dumps_params={"ensure_ascii": False},
    )


api = CabasAPI(
    title="Cabas API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    renderer=Utf8JSONRenderer(),
    # Swagger UI from the files django-ninja ships (``ninja`` in INSTALLED_APPS), and no
    # call to the public validator: the docs page loads nothing from another host.
    docs=Swagger(settings={"validatorUrl": None}),
)
install_error_handlers(api)
api.add_router("/territories", territories.router)
api.add_router("/territories", shops.router)
api.add_router("/territories", categories.router)

from cabas.cart.api import router as cart_router  # noqa: E402
from cabas.orders.api import router as orders_router  # noqa: E402

api.add_router("", cart_router)
api.add_router("", orders_router)

from cabas.search.api import router as search_router  # noqa: E402

api.add_router("", search_router)

from cabas.backoffice.api import router as merchant_router  # noqa: E402

api.add_router("/merchant", merchant_router)

from cabas.console.api import router as operator_router  # noqa: E402

api.add_router("/operator", operator_router)

from cabas.payments.api import router as payments_router  # noqa: E402

api.add_router("/payments", payments_router)

from cabas.planner.api import router as planner_router  # noqa: E402

api.add_router("", planner_router)

from cabas.privacy.api import router as privacy_router  # noqa: E402

api.add_router("", privacy_router)
