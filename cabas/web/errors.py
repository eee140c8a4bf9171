"""Error pages: styled HTML for people, the API's JSON error shape under ``/api/``."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext

from cabas.territories.models import Territory
from cabas.territories.selectors import territory_by_slug

logger = logging.getLogger(__name__)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _territory_of(request: HttpRequest) -> Territory | None:
    """The territory the missing page belonged to, so the 404 keeps its header and links."""
    match = getattr(request, "resolver_match", None)
    slug = match.kwargs.get("territory") if match else None
    if not slug:
        return None
    try:
        return territory_by_slug(str(slug))
    except Exception:  # a 404 page must render even when the database does not answer
        logger.exception("territory lookup failed while rendering a 404")
        return None


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(
            {
                "error": {
                    "code": "not_found",
                    "message": gettext("Aucune ressource à cette adresse."),
                    "details": {"path": request.path},
                }
            },
            status=404,
        )
    body = loader.render_to_string(
        "404.html", {"territory": _territory_of(request)}, request=request
    )
    return HttpResponse(body, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(
            {"error": {"code": "server_error", "message": gettext("Erreur interne du serveur.")}},
            status=500,
        )
    # No request context: the failure may come from the database or a context processor.
    body = loader.get_template("500.html").render({})
    return HttpResponse(body, status=500)
