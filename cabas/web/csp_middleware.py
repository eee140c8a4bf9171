"""django-csp's middleware, with the policy header built once instead of on every response.

``csp.middleware.CSPMiddleware`` rebuilds the header string from the settings for each
response, twice (policy and report-only): copying the directives, sorting, joining —
about 0.1 ms a request, as much as the rate limiter, on every API call and page. The
policy only changes with the settings (:mod:`cabas.web.csp` builds it when they load),
so this subclass keeps the two strings and drops them when a setting changes (tests).

A response that asks for its own policy (django-csp's ``csp_update``, ``csp_replace``,
``csp_override`` decorators, and their report-only variants) or a request that used
``request.csp_nonce`` still goes through django-csp's own code, unchanged.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.http.response import HttpResponseBase

_PER_RESPONSE_ATTRIBUTES = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)
_DEBUG_EXEMPT_CODES = (HTTPStatus.INTERNAL_SERVER_ERROR, HTTPStatus.NOT_FOUND)
_CSP_SETTINGS = frozenset({"CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY"})

# (policy, report-only policy) for the current settings; None until first needed.
_headers: tuple[str, str] | None = None


def policy_headers() -> tuple[str, str]:
    """The header values of the settings' policy and report-only policy ("" if none)."""
    global _headers
    if _headers is None:
        _headers = (build_policy(), build_policy(report_only=True))
    return _headers


@receiver(setting_changed)
def _forget_headers(*, setting: str, **kwargs: Any) -> None:
    global _headers
    if setting in _CSP_SETTINGS:
        _headers = None


class CSPMiddleware(BaseCSPMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if getattr(request, "_csp_nonce", None) is not None or any(
            getattr(response, name, None) is not None for name in _PER_RESPONSE_ATTRIBUTES
        ):
            return super().process_response(request, response)
        # What django-csp 4.0's process_response does, with the prepared strings.
        if response.status_code in _DEBUG_EXEMPT_CODES and settings.DEBUG:
            return response
        policy, report_only = policy_headers()
        for header, value, exempt, setting in (
            (HEADER, policy, "_csp_exempt", "CONTENT_SECURITY_POLICY"),
            (
                HEADER_REPORT_ONLY,
                report_only,
                "_csp_exempt_ro",
                "CONTENT_SECURITY_POLICY_REPORT_ONLY",
            ),
        ):
            if not value or header in response or getattr(response, exempt, False) is not False:
                continue
            prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            if not request.path_info.startswith(tuple(prefixes)):
                response[header] = value
        # As django-csp does: past this point, asking for a nonce is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response
